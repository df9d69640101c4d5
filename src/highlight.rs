//! Build-time syntax highlighting of code blocks: the language's grammar
//! marks the code up with `hl-` classes, which the theme's generated CSS
//! colours.
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
use std::sync::OnceLock;

use syntect::html::{ClassStyle, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::markdown::escape_attr;

/// The class style of highlighted code, shared with the generated CSS.
pub const CODE_CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

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
    format!("<pre class=\"code\"{lang_attr}><code>{inner}</code></pre>\n")
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
    /// Spans the line opened minus those it closed.
    opened: isize,
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

/// The code marked up with classes, as syntect's `ClassedHTMLGenerator`
/// makes it, line by line; `None` when the grammar fails on it.
fn classed_html(code: &str, syntax: &SyntaxReference, ss: &SyntaxSet) -> Option<String> {
    let mut state = ParseState::new(syntax);
    let mut scopes = ScopeStack::new();
    // Whether `state` and `scopes` are where the grammar is: after a
    // remembered line only `number` is.
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
    let mut open: isize = 0;
    let mut html = String::with_capacity(code.len() * 3);
    for line in LinesWithEndings::from(code) {
        let known = number.and_then(|n| {
            MEMORY.with_borrow(|m| {
                let known = m.lines.get(&n)?.get(line)?;
                html.push_str(&known.html);
                Some((known.opened, known.after))
            })
        });
        if let Some((opened, after)) = known {
            open += opened;
            number = Some(after);
            live = false;
            continue;
        }
        if !live {
            let n = number?;
            (state, scopes) =
                MEMORY.with_borrow(|m| (m.states[n].state.clone(), m.states[n].scopes.clone()));
            live = true;
        }
        let ops = state.parse_line(line, ss).ok()?;
        let (marked, opened) =
            line_tokens_to_classed_spans(line, &ops, CODE_CLASS_STYLE, &mut scopes).ok()?;
        html.push_str(&marked);
        open += opened;
        number = MEMORY.with_borrow_mut(|m| {
            let after = m.number_of(&state, &scopes)?;
            let mut digest = FxHasher::default();
            (number, line).hash(&mut digest);
            if let Some(before) = number
                && !m.seen.insert(digest.finish())
            {
                let entry = Line {
                    html: marked,
                    opened,
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
    for _ in 0..open {
        html.push_str("</span>");
    }
    Some(html)
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::html::ClassedHTMLGenerator;

    /// What syntect's own generator makes of the code, for comparison.
    fn by_syntect(code: &str, lang: &str) -> String {
        let ss = syntax_set();
        let syntax = ss.find_syntax_by_token(lang).expect("a known language");
        let mut g = ClassedHTMLGenerator::new_with_class_style(syntax, ss, CODE_CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            g.parse_html_for_line_which_includes_newline(line)
                .expect("highlights");
        }
        g.finalize()
    }

    #[test]
    fn remembered_lines_give_what_the_generator_gives() {
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
        ];
        // Three times over: lines are remembered the second time they come,
        // and read back the third.
        for _ in 0..3 {
            for (lang, code) in blocks {
                let ss = syntax_set();
                let syntax = ss.find_syntax_by_token(lang).expect("a known language");
                assert_eq!(
                    classed_html(code, syntax, ss).as_deref(),
                    Some(by_syntect(code, lang).as_str()),
                    "{lang}: {code:?}"
                );
            }
        }
    }

    #[test]
    fn an_unknown_language_is_escaped_text() {
        assert_eq!(
            highlight("a < b", "no-such-language"),
            "<pre class=\"code\" data-lang=\"no-such-language\"><code>a &lt; b</code></pre>\n"
        );
    }
}
