//! Build-time syntax highlighting of code blocks: the language's grammar
//! marks the code up with `hl-` classes, which the theme's generated CSS
//! colours.
//!
//! Highlighting is the dearest step of rendering a page, and the code
//! blocks of a catalog repeat themselves: the same imports, the same
//! install command, model after model. A line that starts with nothing of
//! the grammar open (no string, bracket or block) always comes out the
//! same, so such lines are highlighted once and remembered, together with
//! the state they leave the grammar in.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;

use syntect::html::{ClassStyle, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// The class style of highlighted code, shared with the generated CSS.
pub const CODE_CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// How many remembered lines a thread keeps: past this its memory is
/// cleared and filled again, so a long `serve` session does not grow
/// without end.
const MAX_REMEMBERED: usize = 50_000;

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
        format!(" data-lang=\"{}\"", escape(lang))
    };
    let inner = syntax
        .and_then(|syntax| classed_html(code, syntax, ss))
        .unwrap_or_else(|| escape(code));
    format!("<pre class=\"code\"{lang_attr}><code>{inner}</code></pre>\n")
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

/// One line highlighted from the top of its grammar, and where it left
/// the grammar.
struct Line {
    html: String,
    /// Spans the line opened minus those it closed.
    opened: isize,
    state: ParseState,
    scopes: ScopeStack,
}

/// The two states in which nothing of a grammar is open: before its first
/// line and before any later line (some rules match only a first line).
struct Tops {
    first: ParseState,
    later: ParseState,
}

#[derive(Default)]
struct Remembered {
    /// By syntax name.
    tops: HashMap<String, Rc<Tops>>,
    /// By (syntax name, first line or not, the line's text).
    lines: HashMap<(String, bool, String), Rc<Line>>,
}

thread_local! {
    static MEMORY: RefCell<Remembered> = RefCell::default();
}

fn tops(syntax: &SyntaxReference, ss: &SyntaxSet) -> Option<Rc<Tops>> {
    if let Some(t) = MEMORY.with_borrow(|m| m.tops.get(&syntax.name).cloned()) {
        return Some(t);
    }
    let first = ParseState::new(syntax);
    let mut later = first.clone();
    later.parse_line("\n", ss).ok()?;
    let tops = Rc::new(Tops { first, later });
    MEMORY.with_borrow_mut(|m| m.tops.insert(syntax.name.clone(), tops.clone()));
    Some(tops)
}

/// The code marked up with classes, as syntect's `ClassedHTMLGenerator`
/// makes it, line by line; `None` when the grammar fails on it.
fn classed_html(code: &str, syntax: &SyntaxReference, ss: &SyntaxSet) -> Option<String> {
    let tops = tops(syntax, ss)?;
    let mut state = tops.first.clone();
    let mut scopes = ScopeStack::new();
    let mut open: isize = 0;
    let mut html = String::with_capacity(code.len() * 3);
    for line in LinesWithEndings::from(code) {
        let at_top = open == 0 && scopes.is_empty();
        let key = match at_top {
            true if state == tops.first => Some((syntax.name.clone(), true, line.to_string())),
            true if state == tops.later => Some((syntax.name.clone(), false, line.to_string())),
            _ => None,
        };
        if let Some(key) = &key {
            let known = MEMORY.with_borrow(|m| m.lines.get(key).cloned());
            if let Some(known) = known {
                html.push_str(&known.html);
                open += known.opened;
                state = known.state.clone();
                scopes = known.scopes.clone();
                continue;
            }
        }
        let ops = state.parse_line(line, ss).ok()?;
        let (marked, opened) =
            line_tokens_to_classed_spans(line, &ops, CODE_CLASS_STYLE, &mut scopes).ok()?;
        html.push_str(&marked);
        open += opened;
        if let Some(key) = key {
            let line = Rc::new(Line {
                html: marked,
                opened,
                state: state.clone(),
                scopes: scopes.clone(),
            });
            MEMORY.with_borrow_mut(|m| {
                if m.lines.len() >= MAX_REMEMBERED {
                    m.lines.clear();
                }
                m.lines.insert(key, line);
            });
        }
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
        ];
        // Twice over, so the second pass reads remembered lines.
        for _ in 0..2 {
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
