//! Build-time syntax highlighting of code blocks: the language's grammar
//! names each piece of the code, the piece is sorted into one of a few
//! kinds of token (comment, string, keyword, ...), and each run of one
//! kind becomes a flat `<span class="hl-…">`. The kinds, their classes and
//! their colours are one table, [`TOKEN_KINDS`], from which the build also
//! writes `highlight.css` (and which the default theme's stylesheet ends
//! with, checked by a test).
//!
//! A line's markup depends only on the grammar's state before the line and
//! the line's text: every span closes on the line it opened on.
//!
//! Highlighting is the dearest step of rendering a page, and the code
//! blocks of a catalog repeat themselves: the same imports, the same
//! install command, model after model. A line met in the same state of
//! the grammar (what is open: strings, brackets, blocks) always comes out
//! the same, so a line that comes a second time is remembered under the
//! state it started in, with the state it left. The grammar's state cannot
//! cross threads, so each thread remembers its own.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet, FxHasher};
use std::cell::RefCell;
use std::fmt::Write;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

use syntect::parsing::{
    BasicScopeStackOp, ParseState, Scope, ScopeError, ScopeStack, ScopeStackOp, SyntaxReference,
    SyntaxSet,
};
use syntect::util::LinesWithEndings;

use crate::markdown::escape_attr;

/// What every highlighting class starts with.
pub const CLASS_PREFIX: &str = "hl-";

/// A kind of token, how it is marked and how it is coloured.
pub struct TokenKind {
    /// The class, after [`CLASS_PREFIX`].
    pub class: &'static str,
    /// What the kind is, in a word, for the stylesheet's comments.
    pub name: &'static str,
    /// The grammars' scopes of this kind, as prefixes: `string` is every
    /// `string.quoted.double.python`. Where the prefixes of two kinds
    /// match one scope, the longer wins (`keyword.operator` over
    /// `keyword`).
    scopes: &'static [&'static str],
    /// Colour on the light code background.
    pub light: &'static str,
    /// Colour on the dark code background.
    pub dark: &'static str,
    /// Further CSS declarations, the same in both schemes.
    pub font: &'static str,
}

/// The code background of the default theme (`--code-bg` in
/// `themes/default/static/style.css`), light and dark: every colour of
/// [`TOKEN_KINDS`] has a contrast of at least 4.5:1 on it.
pub const CODE_BACKGROUND: (&str, &str) = ("#f2f4f7", "#1a1e24");

/// Every kind of token, in the order the stylesheet lists them. Text in no
/// kind (names, punctuation, spaces) is left unmarked, in the page's text
/// colour.
pub const TOKEN_KINDS: &[TokenKind] = &[
    TokenKind {
        class: "c",
        name: "comment",
        scopes: &["comment"],
        light: "#5c6570",
        dark: "#9aa4b0",
        font: "font-style: italic",
    },
    TokenKind {
        class: "s",
        name: "string",
        scopes: &["string", "constant.other.symbol", "storage.type.string"],
        light: "#0a3069",
        dark: "#a5d6ff",
        font: "",
    },
    TokenKind {
        class: "se",
        name: "escape in a string",
        scopes: &["constant.character.escape", "constant.other.placeholder"],
        light: "#0550ae",
        dark: "#79c0ff",
        font: "",
    },
    TokenKind {
        class: "m",
        name: "number",
        scopes: &["constant.numeric"],
        light: "#0550ae",
        dark: "#79c0ff",
        font: "",
    },
    TokenKind {
        class: "kc",
        name: "constant",
        scopes: &[
            "constant.language",
            "constant.character",
            "constant.other",
            "support.constant",
            "variable.other.constant",
        ],
        light: "#0550ae",
        dark: "#79c0ff",
        font: "",
    },
    TokenKind {
        class: "k",
        name: "keyword",
        scopes: &["keyword", "storage", "keyword.operator.word"],
        light: "#c4202b",
        dark: "#ff7b72",
        font: "",
    },
    TokenKind {
        class: "o",
        name: "operator",
        scopes: &["keyword.operator"],
        light: "#c4202b",
        dark: "#ff7b72",
        font: "",
    },
    TokenKind {
        class: "nf",
        name: "function",
        scopes: &[
            "entity.name.function",
            "variable.function",
            "support.function.magic",
        ],
        light: "#7a3fd1",
        dark: "#d2a8ff",
        font: "",
    },
    TokenKind {
        class: "nc",
        name: "type",
        scopes: &[
            "entity.name",
            "entity.other.inherited-class",
            "support.type",
            "support.class",
            "storage.type.primitive",
        ],
        light: "#9a4a00",
        dark: "#ffa657",
        font: "",
    },
    TokenKind {
        class: "nb",
        name: "built-in",
        scopes: &["support", "variable.language"],
        light: "#0b6b6b",
        dark: "#56d4dd",
        font: "",
    },
    TokenKind {
        class: "nv",
        name: "variable",
        scopes: &[
            "variable.parameter",
            "variable.other.readwrite.shell",
            "variable.other.readwrite.assignment.shell",
            "meta.group.expansion.parameter",
        ],
        light: "#8a3a00",
        dark: "#ffa657",
        font: "",
    },
    TokenKind {
        class: "nt",
        name: "tag or key",
        scopes: &["entity.name.tag", "meta.mapping.key"],
        light: "#116329",
        dark: "#7ee787",
        font: "",
    },
    TokenKind {
        class: "na",
        name: "attribute",
        scopes: &["entity.other.attribute-name"],
        light: "#0550ae",
        dark: "#79c0ff",
        font: "",
    },
    TokenKind {
        class: "gh",
        name: "heading",
        scopes: &[
            "markup.heading",
            "entity.name.section",
            "meta.diff.header",
            "meta.diff.range",
        ],
        light: "#0550ae",
        dark: "#79c0ff",
        font: "font-weight: bold",
    },
    TokenKind {
        class: "gi",
        name: "inserted line",
        scopes: &["markup.inserted"],
        light: "#116329",
        dark: "#7ee787",
        font: "",
    },
    TokenKind {
        class: "gd",
        name: "deleted line",
        scopes: &["markup.deleted"],
        light: "#9f1c23",
        dark: "#ffa198",
        font: "",
    },
];

/// Scopes that end the search for a kind: code of one language inside
/// another, or inside a string (an f-string's `{x}`), is of no kind of the
/// scopes around it.
const OPAQUE_SCOPES: &[&str] = &["source", "text", "meta.embedded", "meta.interpolation"];

/// What a scope makes of the text inside it.
#[derive(Clone, Copy)]
enum Decision {
    /// The text is of this kind (an index into [`TOKEN_KINDS`]).
    Kind(u8),
    /// The text is of no kind, whatever the scopes around it.
    Plain,
    /// The text is of the kind of the scopes around it.
    Inherit,
}

/// Every prefix of [`TOKEN_KINDS`] and [`OPAQUE_SCOPES`], longest first,
/// with what it decides.
fn rules() -> &'static [(Scope, Decision)] {
    static RULES: OnceLock<Vec<(Scope, Decision)>> = OnceLock::new();
    RULES.get_or_init(|| {
        let kinds = TOKEN_KINDS.iter().enumerate().flat_map(|(i, kind)| {
            let i = u8::try_from(i).expect("fewer than 256 kinds of token");
            kind.scopes.iter().map(move |s| (*s, Decision::Kind(i)))
        });
        let opaque = OPAQUE_SCOPES.iter().map(|s| (*s, Decision::Plain));
        let mut rules: Vec<(Scope, Decision)> = kinds
            .chain(opaque)
            .map(|(s, d)| (Scope::new(s).expect("the table's scopes parse"), d))
            .collect();
        rules.sort_by_key(|(scope, _)| std::cmp::Reverse(scope.len()));
        rules
    })
}

/// The kind of the text inside `scope`, given the kind of the text around
/// it.
fn kind_inside(scope: Scope, around: Option<u8>) -> Option<u8> {
    let decision = rules()
        .iter()
        .find(|(prefix, _)| prefix.is_prefix_of(scope))
        .map_or(Decision::Inherit, |&(_, d)| d);
    match decision {
        Decision::Kind(k) => Some(k),
        Decision::Plain => None,
        Decision::Inherit => around,
    }
}

/// The kind of the text at each depth of `scopes`.
fn kinds_of(scopes: &ScopeStack) -> Vec<Option<u8>> {
    let mut kinds: Vec<Option<u8>> = Vec::with_capacity(scopes.len());
    for &scope in scopes.as_slice() {
        let around = kinds.last().copied().flatten();
        kinds.push(kind_inside(scope, around));
    }
    kinds
}

/// How many lines, digests of lines and grammar states a thread keeps:
/// past any of them, its memory is cleared (before a code block, never
/// during one) and filled again, so a long `serve` session does not grow
/// without end.
const MAX_REMEMBERED: usize = 20_000;
const MAX_SEEN: usize = 500_000;
const MAX_STATES: usize = 4_096;

fn syntax_set() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Highlights a code block; a language the grammars do not know stays
/// plain (escaped) text.
pub fn highlight(code: &str, lang: &str) -> String {
    let ss = syntax_set();
    let syntax = (!lang.is_empty())
        .then(|| ss.find_syntax_by_token(lang))
        .flatten();
    let lang_attr = if lang.is_empty() {
        String::new()
    } else {
        format!(" data-lang=\"{}\"", escape_attr(lang))
    };
    let inner = syntax
        .and_then(|syntax| classed_html(code, syntax, ss))
        .unwrap_or_else(|| escape_attr(code));
    // A block wider than its column scrolls sideways: it takes keyboard
    // focus, and says what it is to whoever lands on it.
    let label = if lang.is_empty() {
        "Code".to_string()
    } else {
        format!("Code ({})", escape_attr(lang))
    };
    format!(
        "<pre class=\"code\"{lang_attr} tabindex=\"0\" role=\"group\" aria-label=\"{label}\"><code>{inner}</code></pre>\n"
    )
}

/// Where the grammar is between two lines: the parser's state and the
/// scopes open.
struct Between {
    state: ParseState,
    scopes: ScopeStack,
}

/// One line, highlighted from a known state.
struct Line {
    html: String,
    /// The number of the state it left the grammar in.
    after: usize,
}

#[derive(Default)]
struct Remembered {
    /// Every state met between two lines, by number.
    states: Vec<Between>,
    /// The numbers of the states, by a digest of their printed form.
    by_digest: HashMap<u64, Vec<usize>>,
    /// By the number of the state before the line, then the line's text.
    lines: HashMap<usize, HashMap<String, Line>>,
    lines_count: usize,
    /// Digests of the lines met once (with the state before them): a line
    /// is remembered when it comes again, so lines that never repeat cost
    /// eight bytes rather than their HTML.
    seen: HashSet<u64>,
}

impl Remembered {
    /// The number of a state, given one if it is new; `None` when the
    /// memory holds as many states as it may.
    fn number_of(&mut self, state: &ParseState, scopes: &ScopeStack) -> Option<usize> {
        let mut digest = HashWriter(FxHasher::default());
        // Writing to a hasher cannot fail.
        let _ = write!(digest, "{state:?}{scopes:?}");
        let digest = digest.0;
        let Remembered {
            states, by_digest, ..
        } = self;
        let bucket = by_digest.entry(digest.finish()).or_default();
        if let Some(&n) = bucket
            .iter()
            .find(|&&n| states[n].state == *state && states[n].scopes == *scopes)
        {
            return Some(n);
        }
        if states.len() >= MAX_STATES {
            return None;
        }
        states.push(Between {
            state: state.clone(),
            scopes: scopes.clone(),
        });
        bucket.push(states.len() - 1);
        Some(states.len() - 1)
    }
}

/// Feeds formatted text straight into a hasher, without building a string.
struct HashWriter(FxHasher);

impl std::fmt::Write for HashWriter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

thread_local! {
    static MEMORY: RefCell<Remembered> = RefCell::default();
}

/// The code marked up by kind of token, line by line; `None` when the
/// grammar fails on it.
fn classed_html(code: &str, syntax: &SyntaxReference, ss: &SyntaxSet) -> Option<String> {
    let mut state = ParseState::new(syntax);
    let mut scopes = ScopeStack::new();
    let mut kinds = Vec::new();
    // Whether `state`, `scopes` and `kinds` are where the grammar is: after
    // a remembered line only `number` is.
    let mut live = true;
    let mut number = MEMORY.with_borrow_mut(|m| {
        if m.lines_count >= MAX_REMEMBERED
            || m.seen.len() >= MAX_SEEN
            || m.states.len() >= MAX_STATES
        {
            *m = Remembered::default();
        }
        m.number_of(&state, &scopes)
    });
    let mut html = String::with_capacity(code.len() * 2);
    for line in LinesWithEndings::from(code) {
        let known = number.and_then(|n| {
            MEMORY.with_borrow(|m| {
                let known = m.lines.get(&n)?.get(line)?;
                html.push_str(&known.html);
                Some(known.after)
            })
        });
        if let Some(after) = known {
            number = Some(after);
            live = false;
            continue;
        }
        if !live {
            let n = number?;
            (state, scopes) =
                MEMORY.with_borrow(|m| (m.states[n].state.clone(), m.states[n].scopes.clone()));
            kinds = kinds_of(&scopes);
            live = true;
        }
        let ops = state.parse_line(line, ss).ok()?;
        let start = html.len();
        mark_line(line, &ops, &mut scopes, &mut kinds, &mut html).ok()?;
        number = MEMORY.with_borrow_mut(|m| {
            let after = m.number_of(&state, &scopes)?;
            let mut digest = FxHasher::default();
            (number, line).hash(&mut digest);
            if let Some(before) = number
                && !m.seen.insert(digest.finish())
            {
                let entry = Line {
                    html: html[start..].to_string(),
                    after,
                };
                m.lines
                    .entry(before)
                    .or_default()
                    .insert(line.to_string(), entry);
                m.lines_count += 1;
            }
            Some(after)
        });
    }
    Some(html)
}

/// Marks up one line given the grammar's operations on it, moving `scopes`
/// and `kinds` (the kind of the text at each depth of `scopes`) past it.
fn mark_line(
    line: &str,
    ops: &[(usize, ScopeStackOp)],
    scopes: &mut ScopeStack,
    kinds: &mut Vec<Option<u8>>,
    out: &mut String,
) -> Result<(), ScopeError> {
    // The line's ending stays outside every span.
    let end = line.trim_end_matches(['\n', '\r']).len();
    let mut runs = Runs {
        line,
        out,
        open: None,
        blank: 0..0,
    };
    let mut at = 0;
    for (i, op) in ops {
        let i = (*i).min(end);
        if i > at {
            runs.push(at..i, kinds.last().copied().flatten());
            at = i;
        }
        scopes.apply_with_hook(op, |basic, _| match basic {
            BasicScopeStackOp::Push(scope) => {
                let around = kinds.last().copied().flatten();
                kinds.push(kind_inside(scope, around));
            }
            BasicScopeStackOp::Pop => {
                kinds.pop();
            }
        })?;
    }
    if end > at {
        runs.push(at..end, kinds.last().copied().flatten());
    }
    runs.finish();
    out.push_str(&line[end..]);
    Ok(())
}

/// Writes the text of a line run by run, one span for each stretch of a
/// kind. Spaces and tabs at either end of a run are of no kind: between
/// two runs of one kind they join them, elsewhere they go outside any
/// span.
struct Runs<'a> {
    line: &'a str,
    out: &'a mut String,
    /// The kind of the span open, if one is.
    open: Option<u8>,
    /// Blanks after the last run written, not yet written themselves.
    blank: Range<usize>,
}

impl Runs<'_> {
    fn push(&mut self, range: Range<usize>, kind: Option<u8>) {
        let text = &self.line[range.clone()];
        let is_blank = |c: char| c == ' ' || c == '\t';
        let start = range.end - text.trim_start_matches(is_blank).len();
        self.extend_blank(range.start..start);
        if start == range.end {
            return;
        }
        let end = range.start + text.trim_end_matches(is_blank).len();
        if kind == self.open {
            self.write_blank();
        } else {
            self.close();
            self.write_blank();
            if let Some(k) = kind {
                self.out.push_str("<span class=\"");
                self.out.push_str(CLASS_PREFIX);
                self.out.push_str(TOKEN_KINDS[usize::from(k)].class);
                self.out.push_str("\">");
            }
            self.open = kind;
        }
        // Writing to a string cannot fail.
        let _ = pulldown_cmark_escape::escape_html(&mut *self.out, &self.line[start..end]);
        self.blank = end..range.end;
    }

    /// Adds blanks that come straight after those held (or after the last
    /// run written, when none are held).
    fn extend_blank(&mut self, more: Range<usize>) {
        if self.blank.is_empty() {
            self.blank = more;
        } else {
            self.blank.end = more.end;
        }
    }

    fn write_blank(&mut self) {
        self.out.push_str(&self.line[self.blank.clone()]);
        self.blank = 0..0;
    }

    fn close(&mut self) {
        if self.open.take().is_some() {
            self.out.push_str("</span>");
        }
    }

    fn finish(mut self) {
        self.close();
        self.write_blank();
    }
}

/// `highlight.css`: each kind's colour on the light code background, and
/// on the dark one when the reader's system prefers it. The default
/// theme's `style.css` ends with the same rules, so its pages load one
/// stylesheet; the file is there for a theme's own.
pub fn stylesheet() -> String {
    let mut light = String::from(
        "/* Highlighted code: one class for each kind of token (made by modelsite). */\n",
    );
    let mut dark = String::from("@media (prefers-color-scheme: dark) {\n");
    for kind in TOKEN_KINDS {
        let font = if kind.font.is_empty() {
            String::new()
        } else {
            format!(" {};", kind.font)
        };
        // Writing to a string cannot fail.
        let _ = writeln!(
            light,
            ".{CLASS_PREFIX}{} {{ color: {};{font} }} /* {} */",
            kind.class, kind.light, kind.name
        );
        let _ = writeln!(
            dark,
            "  .{CLASS_PREFIX}{} {{ color: {}; }}",
            kind.class, kind.dark
        );
    }
    dark.push_str("}\n");
    light + &dark
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code marked up line by line from the start, remembering nothing.
    fn without_memory(code: &str, lang: &str) -> String {
        let ss = syntax_set();
        let syntax = ss.find_syntax_by_token(lang).expect("a known language");
        let mut state = ParseState::new(syntax);
        let mut scopes = ScopeStack::new();
        let mut kinds = Vec::new();
        let mut html = String::new();
        for line in LinesWithEndings::from(code) {
            let ops = state.parse_line(line, ss).expect("parses");
            mark_line(line, &ops, &mut scopes, &mut kinds, &mut html).expect("marks up");
        }
        html
    }

    /// The `(class, text)` of every span of highlighted HTML, text still
    /// escaped.
    fn spans(html: &str) -> Vec<(String, String)> {
        let mut found = Vec::new();
        let mut rest = html;
        while let Some(at) = rest.find("<span class=\"") {
            rest = &rest[at + "<span class=\"".len()..];
            let (class, after) = rest.split_once("\">").expect("the class attribute ends");
            let (text, after) = after.split_once("</span>").expect("the span ends");
            assert!(!text.contains('<'), "spans do not nest: {html}");
            let class = class.strip_prefix(CLASS_PREFIX).expect("an hl- class");
            found.push((class.to_string(), text.to_string()));
            rest = after;
        }
        found
    }

    fn assert_kinds(lang: &str, code: &str, expected: &[(&str, &str)]) {
        let found = spans(&highlight(code, lang));
        for &(class, text) in expected {
            assert!(
                found.iter().any(|(c, t)| c == class && t == text),
                "{lang}: expected {text:?} as hl-{class} in {found:?}"
            );
        }
    }

    #[test]
    fn a_python_block_is_one_flat_span_for_each_run_of_a_kind() {
        let code = "from transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"org-0/model-00000\")\noutputs = model(**inputs)\n";
        assert_eq!(
            highlight(code, "python"),
            "<pre class=\"code\" data-lang=\"python\" tabindex=\"0\" role=\"group\" aria-label=\"Code (python)\"><code>\
             <span class=\"hl-k\">from</span> transformers <span class=\"hl-k\">import</span> AutoModel\n\
             model <span class=\"hl-o\">=</span> AutoModel.<span class=\"hl-nf\">from_pretrained</span>(<span class=\"hl-s\">&quot;org-0/model-00000&quot;</span>)\n\
             outputs <span class=\"hl-o\">=</span> <span class=\"hl-nf\">model</span>(<span class=\"hl-o\">**</span>inputs)\n\
             </code></pre>\n"
        );
    }

    #[test]
    fn snippets_get_the_kinds_of_their_tokens() {
        assert_kinds(
            "python",
            "import torch\n# load it\nx = f(\"a\", n=2, k=None)  # inline\ndef g(a: int) -> str:\n    return f'{a}\\n'\nclass A(B): pass\nprint(self.x)\n",
            &[
                ("k", "import"),
                ("c", "# load it"),
                ("c", "# inline"),
                ("o", "="),
                ("nf", "f"),
                ("s", "&quot;a&quot;"),
                ("nv", "n"),
                ("m", "2"),
                ("kc", "None"),
                ("k", "def"),
                ("nf", "g"),
                ("nc", "int"),
                ("k", "return"),
                ("s", "f&#39;"),
                ("se", "\\n"),
                ("nc", "A"),
                ("nc", "B"),
                ("k", "pass"),
                ("nb", "print"),
                ("nb", "self"),
            ],
        );
        assert_kinds(
            "bash",
            "# set up\npip install -U transformers\nexport HF_HOME=/data/hf\necho \"$HOME\" and 'x'\ncat <<EOF\nhi\nEOF\n",
            &[
                ("c", "# set up"),
                ("nf", "pip"),
                ("nv", "-U"),
                ("k", "export"),
                ("nv", "HF_HOME"),
                ("nb", "echo"),
                ("s", "&quot;"),
                ("nv", "$HOME"),
                ("s", "&#39;x&#39;"),
                ("o", "&lt;&lt;"),
                ("s", "hi"),
            ],
        );
        assert_kinds(
            "rust",
            "use std::io;\n/// Doc.\nfn main() {\n    let x: u32 = 5; // five\n    println!(\"{}\", x);\n}\nstruct S { ok: bool }\n",
            &[
                ("k", "use"),
                ("c", "/// Doc."),
                ("k", "fn"),
                ("nf", "main"),
                ("k", "let"),
                ("m", "5"),
                ("c", "// five"),
                ("nb", "println!"),
                ("s", "&quot;"),
                ("se", "{}"),
                ("k", "struct"),
                ("nc", "S"),
            ],
        );
        assert_kinds(
            "yaml",
            "# a model\nname: bert # the name\nsize: 110\nlist:\n  - \"a\"\nok: true\n",
            &[
                ("c", "# a model"),
                ("nt", "name"),
                ("s", "bert"),
                ("c", "# the name"),
                ("m", "110"),
                ("s", "&quot;a&quot;"),
                ("kc", "true"),
            ],
        );
        assert_kinds(
            "json",
            "{\"a\": 1.5, \"b\": [true, null, \"s\\n\"]}\n",
            &[
                ("s", "&quot;a&quot;"),
                ("m", "1.5"),
                ("kc", "true"),
                ("kc", "null"),
                ("s", "&quot;s"),
                ("se", "\\n"),
            ],
        );
    }

    #[test]
    fn embedded_code_is_not_of_the_kind_around_it() {
        // The name inside an f-string's braces is not string.
        let found = spans(&highlight("f\"a{x}b\"\n", "python"));
        assert!(found.iter().all(|(_, t)| !t.contains('x')), "{found:?}");
        // Nor is script inside HTML of the tag's kind.
        assert_kinds(
            "html",
            "<a href=\"x\">t</a>\n<script>var y = 1;</script>\n",
            &[
                ("nt", "a"),
                ("na", "href"),
                ("s", "&quot;x&quot;"),
                ("k", "var"),
                ("m", "1"),
            ],
        );
    }

    #[test]
    fn every_span_closes_on_the_line_it_opens() {
        for (lang, code) in [
            ("python", "s = \"\"\"a\nb <c>\n\"\"\"\n"),
            ("rust", "/* open\nstill\n*/ fn f() {}\n"),
            ("bash", "cat <<EOF\nhi\nEOF\n"),
        ] {
            let html = highlight(code, lang);
            for line in html.lines() {
                assert_eq!(
                    line.matches("<span").count(),
                    line.matches("</span>").count(),
                    "{lang}: {line}"
                );
            }
            // The string, comment or heredoc has a span on each of its lines.
            assert!(spans(&html).len() >= 3, "{lang}: {html}");
        }
    }

    #[test]
    fn remembered_lines_give_what_they_gave_the_first_time() {
        let blocks = [
            ("python", "import torch\nx = torch.ones(3)\nprint(x)\n"),
            (
                "python",
                "import torch\ny = '''a\nimport torch\n'''\nprint(y)\n",
            ),
            (
                "python",
                "#!/usr/bin/env python\nimport torch\nprint(f(\n  1))\n",
            ),
            ("python", "import torch\nprint(x)"),
            (
                "bash",
                "pip install transformers\nexport HF_HOME=/data/hf\n",
            ),
            (
                "bash",
                "cat <<EOF\npip install transformers\nEOF\npip install transformers\n",
            ),
            ("rust", "fn main() {\n    /* open\n fn main() {\n */ }\n"),
            (
                "python",
                "from t import A\nm = A.load(\"org-1/m-1\")\nout = m(**x)\n",
            ),
            (
                "python",
                "from t import A\nm = A.load(\"org-2/m-2\")\nout = m(**x)\n",
            ),
            ("python", "s = \"\"\"\nout = m(**x)\n\"\"\"\nout = m(**x)\n"),
            ("yaml", "a: |\n  b: 1\nb: 1\n"),
        ];
        // Three times over: lines are remembered the second time they come,
        // and read back the third.
        for pass in 0..3 {
            for (lang, code) in blocks {
                let ss = syntax_set();
                let syntax = ss.find_syntax_by_token(lang).expect("a known language");
                assert_eq!(
                    classed_html(code, syntax, ss),
                    Some(without_memory(code, lang)),
                    "pass {pass}, {lang}: {code:?}"
                );
            }
        }
        let remembered = MEMORY.with_borrow(|m| m.lines_count);
        assert!(remembered > 20, "lines were remembered: {remembered}");
    }

    #[test]
    fn an_unknown_language_is_escaped_text() {
        assert_eq!(
            highlight("a < b", "no-such-language"),
            "<pre class=\"code\" data-lang=\"no-such-language\" tabindex=\"0\" role=\"group\" aria-label=\"Code (no-such-language)\"><code>a &lt; b</code></pre>\n"
        );
    }

    #[test]
    fn html_special_characters_are_escaped() {
        let html = highlight(
            "x = \"<b>&amp;</b>\"  # <i>'\ny = a < b > c & d\n",
            "python",
        );
        assert!(
            html.contains("&lt;b&gt;&amp;amp;&lt;/b&gt;"),
            "in a string: {html}"
        );
        assert!(html.contains("&lt;i&gt;&#39;"), "in a comment: {html}");
        assert!(html.contains("&lt;</span> b"), "an operator: {html}");
        assert!(html.contains("&amp;</span> d"), "another: {html}");
        let code = html
            .strip_prefix("<pre class=\"code\" data-lang=\"python\" tabindex=\"0\" role=\"group\" aria-label=\"Code (python)\"><code>")
            .and_then(|h| h.strip_suffix("</code></pre>\n"))
            .expect("one code block");
        assert_eq!(
            code.replace("</span>", "").matches('<').count(),
            code.matches("<span class=\"hl-").count(),
            "no tag but the spans: {html}"
        );
    }

    #[test]
    fn the_stylesheet_names_every_class_of_the_table() {
        let css = stylesheet();
        let (light, dark) = css
            .split_once("@media (prefers-color-scheme: dark)")
            .expect("a dark scheme");
        for kind in TOKEN_KINDS {
            let selector = format!(".hl-{} {{ color: ", kind.class);
            assert!(
                light.contains(&format!("{selector}{}", kind.light)),
                "{css}"
            );
            assert!(dark.contains(&format!("{selector}{}", kind.dark)), "{css}");
        }
        let mut classes: Vec<&str> = TOKEN_KINDS.iter().map(|k| k.class).collect();
        classes.sort_unstable();
        classes.dedup();
        assert_eq!(classes.len(), TOKEN_KINDS.len(), "classes are unique");
    }

    #[test]
    fn the_default_themes_stylesheet_ends_with_the_code_colours() {
        let theme = include_str!("../themes/default/static/style.css");
        let css = stylesheet();
        assert!(
            theme.ends_with(&css),
            "themes/default/static/style.css must end with the code colours of \
             TOKEN_KINDS; replace everything from its line `/* Highlighted code` \
             on with:\n{css}"
        );
    }

    /// WCAG's relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn every_colour_is_legible_on_the_themes_code_background() {
        let theme = include_str!("../themes/default/static/style.css");
        let backgrounds: Vec<&str> = theme
            .match_indices("--code-bg: ")
            .map(|(at, found)| &theme[at + found.len()..at + found.len() + 7])
            .collect();
        assert_eq!(
            backgrounds,
            [CODE_BACKGROUND.0, CODE_BACKGROUND.1],
            "the theme's code background, light then dark"
        );
        for kind in TOKEN_KINDS {
            for (colour, background) in [
                (kind.light, CODE_BACKGROUND.0),
                (kind.dark, CODE_BACKGROUND.1),
            ] {
                let ratio = contrast(colour, background);
                assert!(
                    ratio >= 4.5,
                    "{} {colour} on {background}: {ratio:.2}:1",
                    kind.name
                );
            }
        }
    }
}
