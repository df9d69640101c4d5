//! Writing YAML the way a person would: keys in the order given, short
//! lists of words inline (`tasks: [fill-mask]`), longer or nested ones as
//! indented blocks, multi-line text as `|` blocks, and quotes only where
//! YAML needs them.
//!
//! This module owns the shape of the written text and checks it: every
//! document it writes is read back and compared with what was meant, so a
//! quoting mistake can never change a value. It knows nothing of models or
//! model cards.

use std::fmt::Write as _;

/// A YAML value to write. Maps keep their order.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Str(String),
    Int(i64),
    /// A floating-point number, as it was written (`76.20`, `1e-3`).
    Float(String),
    Bool(bool),
    Null,
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    pub fn str(s: impl Into<String>) -> Node {
        Node::Str(s.into())
    }

    /// A list of strings.
    pub fn strings<S: AsRef<str>>(items: &[S]) -> Node {
        Node::List(items.iter().map(|s| Node::str(s.as_ref())).collect())
    }

    fn is_scalar(&self) -> bool {
        !matches!(self, Node::List(_) | Node::Map(_))
    }

    /// The node of a value read with serde_yaml_ng (a tag is dropped).
    pub fn of_value(value: &serde_yaml_ng::Value) -> Node {
        use serde_yaml_ng::Value;
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Node::Int(i),
                None => Node::Float(n.to_string()),
            },
            Value::String(s) => Node::Str(s.clone()),
            Value::Sequence(items) => Node::List(items.iter().map(Node::of_value).collect()),
            Value::Mapping(map) => Node::Map(
                map.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            Value::String(s) => s.clone(),
                            other => serde_yaml_ng::to_string(other)
                                .map(|t| t.trim_end().to_string())
                                .unwrap_or_default(),
                        };
                        (key, Node::of_value(v))
                    })
                    .collect(),
            ),
            Value::Tagged(tagged) => Node::of_value(&tagged.value),
        }
    }

    /// The node on one line, shortened, for a message.
    pub fn brief(&self) -> String {
        let text = match self {
            Node::Map(_) => "a map".to_string(),
            Node::List(items) if items.iter().all(Node::is_scalar) => {
                inline_list(items).unwrap_or_else(|| format!("a list of {}", items.len()))
            }
            Node::List(items) => format!("a list of {}", items.len()),
            scalar => scalar_node_text(scalar, false),
        };
        // Quoted scalars are on one line already.
        match text.char_indices().nth(60) {
            Some((at, _)) => format!("{}…", &text[..at]),
            None => text,
        }
    }

    /// The value serde_yaml_ng reads back for this node.
    fn to_value(&self) -> serde_yaml_ng::Value {
        use serde_yaml_ng::Value;
        match self {
            Node::Str(s) => Value::String(s.clone()),
            Node::Int(i) => Value::Number((*i).into()),
            Node::Float(text) => serde_yaml_ng::from_str(text).unwrap_or(Value::Null),
            Node::Bool(b) => Value::Bool(*b),
            Node::Null => Value::Null,
            Node::List(items) => Value::Sequence(items.iter().map(Node::to_value).collect()),
            Node::Map(entries) => Value::Mapping(
                entries
                    .iter()
                    .map(|(k, v)| (Value::String(k.clone()), v.to_value()))
                    .collect(),
            ),
        }
    }
}

/// A list of scalars written inline if it fits on a line of this length.
const INLINE_LIST_WIDTH: usize = 72;

/// The YAML text of a top-level map, ending with a newline. The text reads
/// back as exactly `entries`; should the hand-made layout ever fail that
/// test, the plain layout of serde_yaml_ng is used instead.
pub fn document(entries: &[(String, Node)]) -> String {
    let mut out = String::new();
    write_entries(&mut out, entries, 0, false);
    let wanted = Node::Map(entries.to_vec()).to_value();
    match serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&out) {
        Ok(read) if read == wanted || (entries.is_empty() && read.is_null()) => out,
        _ => serde_yaml_ng::to_string(&wanted).unwrap_or(out),
    }
}

/// Writes map entries at `indent`. With `first_inline`, the first entry
/// goes on the current line (after a list item's `- `).
fn write_entries(out: &mut String, entries: &[(String, Node)], indent: usize, first_inline: bool) {
    for (i, (key, value)) in entries.iter().enumerate() {
        if !(first_inline && i == 0) {
            push_indent(out, indent);
        }
        out.push_str(&scalar_text(key, false));
        out.push(':');
        write_value(out, value, indent);
    }
}

/// Writes what follows `key:` for an entry at `indent`.
fn write_value(out: &mut String, value: &Node, indent: usize) {
    match value {
        Node::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
        Node::Map(entries) => {
            out.push('\n');
            write_entries(out, entries, indent + 2, false);
        }
        Node::List(items) => write_list(out, items, indent + 2),
        scalar => write_scalar(out, scalar, indent),
    }
}

/// Writes a list after `key:` or `-`: inline when short, else as a block
/// whose items start at `indent`.
fn write_list(out: &mut String, items: &[Node], indent: usize) {
    match inline_list(items) {
        Some(text) => {
            out.push(' ');
            out.push_str(&text);
            out.push('\n');
        }
        None => {
            out.push('\n');
            write_items(out, items, indent);
        }
    }
}

/// Writes the items of a block list, each `- ` at `indent`.
fn write_items(out: &mut String, items: &[Node], indent: usize) {
    for item in items {
        push_indent(out, indent);
        out.push('-');
        match item {
            Node::Map(entries) if !entries.is_empty() => {
                out.push(' ');
                write_entries(out, entries, indent + 2, true);
            }
            Node::List(inner) if !inner.is_empty() => write_list(out, inner, indent + 2),
            other => write_value(out, other, indent),
        }
    }
}

/// ` value\n`, or a `|` block for text of several lines.
fn write_scalar(out: &mut String, node: &Node, indent: usize) {
    if let Node::Str(s) = node
        && let Some(chomp) = literal_block_chomping(s)
    {
        out.push_str(" |");
        out.push_str(chomp);
        out.push('\n');
        for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
            if !line.is_empty() {
                push_indent(out, indent + 2);
                out.push_str(line);
            }
            out.push('\n');
        }
        return;
    }
    out.push(' ');
    out.push_str(&scalar_node_text(node, false));
    out.push('\n');
}

/// `[a, b]` for a short list of one-line scalars.
fn inline_list(items: &[Node]) -> Option<String> {
    if !items.iter().all(Node::is_scalar) {
        return None;
    }
    let parts: Vec<String> = items.iter().map(|n| scalar_node_text(n, true)).collect();
    if parts.iter().any(|p| p.contains('\n')) {
        return None;
    }
    let text = format!("[{}]", parts.join(", "));
    (items.is_empty() || text.len() <= INLINE_LIST_WIDTH).then_some(text)
}

fn scalar_node_text(node: &Node, in_flow: bool) -> String {
    match node {
        Node::Str(s) => scalar_text(s, in_flow),
        Node::Int(i) => i.to_string(),
        Node::Float(text) => text.clone(),
        Node::Bool(b) => b.to_string(),
        Node::Null => "null".to_string(),
        Node::List(_) | Node::Map(_) => String::new(),
    }
}

/// The `|` chomping indicator for text that reads best as a literal block,
/// or `None` when it must be quoted instead.
fn literal_block_chomping(s: &str) -> Option<&'static str> {
    let body = s.strip_suffix('\n').unwrap_or(s);
    if !body.contains('\n')
        || body.starts_with([' ', '\t', '\n'])
        || body.ends_with('\n')
        || s.chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{feff}')
    {
        return None;
    }
    // Lines holding only blanks could be misread as the block's indentation.
    if body
        .split('\n')
        .any(|l| !l.is_empty() && l.trim().is_empty())
    {
        return None;
    }
    Some(if s.ends_with('\n') { "" } else { "-" })
}

/// A string as a YAML scalar: plain when that reads back as the same
/// string, else double-quoted (JSON escapes are valid YAML).
pub fn scalar_text(s: &str, in_flow: bool) -> String {
    if is_plain_safe(s, in_flow) {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.escape_default()))
    }
}

fn is_plain_safe(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars().any(|c| c.is_control() || c == '\u{feff}')
        || (in_flow && s.contains([',', '[', ']', '{', '}']))
    {
        return false;
    }
    // Words some YAML readers take for booleans or null.
    const RESERVED: [&str; 12] = [
        "true", "false", "null", "~", "yes", "no", "on", "off", "y", "n", ".nan", ".inf",
    ];
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s)) {
        return false;
    }
    // Numbers, dates and times: anything made of digits and their signs.
    let number_like = s
        .chars()
        .all(|c| c.is_ascii_digit() || "._:+-eExXoObB".contains(c))
        && s.chars().any(|c| c.is_ascii_digit());
    // And whatever else the site's own reader would not take for this string.
    !number_like
        && matches!(
            serde_yaml_ng::from_str::<serde_yaml_ng::Value>(s),
            Ok(serde_yaml_ng::Value::String(read)) if read == s
        )
}

fn push_indent(out: &mut String, indent: usize) {
    let _ = write!(out, "{:indent$}", "");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(pairs: Vec<(&str, Node)>) -> Vec<(String, Node)> {
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    /// The hand-made layout, without the fallback, reads back as meant.
    fn reads_back(entries: &[(String, Node)]) -> String {
        let mut out = String::new();
        write_entries(&mut out, entries, 0, false);
        let read: serde_yaml_ng::Value = serde_yaml_ng::from_str(&out)
            .unwrap_or_else(|e| panic!("invalid YAML written: {e}\n{out}"));
        assert_eq!(read, Node::Map(entries.to_vec()).to_value(), "\n{out}");
        out
    }

    #[test]
    fn short_lists_are_inline_and_nested_ones_are_blocks() {
        let doc = entries(vec![
            ("name", Node::str("Acme 7B")),
            ("tasks", Node::strings(&["text-generation"])),
            (
                "evaluations",
                Node::List(vec![Node::Map(entries(vec![
                    ("task", Node::str("Text Generation")),
                    ("value", Node::Float("76.2".into())),
                ]))]),
            ),
            (
                "extra",
                Node::Map(entries(vec![("empty", Node::List(vec![]))])),
            ),
        ]);
        let text = reads_back(&doc);
        assert_eq!(
            text,
            "name: Acme 7B\ntasks: [text-generation]\nevaluations:\n  - task: Text Generation\n    value: 76.2\nextra:\n  empty: []\n"
        );
    }

    #[test]
    fn values_that_look_like_other_types_are_quoted() {
        let tricky = [
            "76.20",
            "2018-10",
            "no",
            "yes",
            "null",
            "~",
            "true",
            "0x1F",
            "1e3",
            "- a",
            "a: b",
            "a #b",
            "#x",
            "@/x",
            "'q'",
            "\"q\"",
            " lead",
            "trail ",
            "",
            "a,b",
            "[x]",
            "{y}",
            "%p",
            "`c`",
            "tab\tin",
            "bell\u{7}",
            "é ü",
            "key:",
            "?",
            "*ref",
            "&anc",
            "!tag",
            "|",
            ">",
            "1.",
            ".5",
            "+1",
            "12:30",
        ];
        let doc: Vec<(String, Node)> = tricky
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("k{i}"), Node::str(*s)))
            .chain([("list".to_string(), Node::strings(&tricky))])
            .chain(tricky.iter().map(|s| (s.to_string(), Node::Int(1))))
            .collect();
        let text = reads_back(&doc);
        assert!(text.contains("k0: \"76.20\""));
    }

    #[test]
    fn text_of_several_lines_is_a_literal_block() {
        let doc = entries(vec![
            ("a", Node::str("line one\nline two\n")),
            ("b", Node::str("no newline\n\nat the end")),
            ("c", Node::str("  indented first\nline")),
            ("d", Node::str("trailing\n\n")),
            ("e", Node::str("blank\n   \nline")),
            ("f", Node::List(vec![Node::str("in a list\nof two lines")])),
        ]);
        let text = reads_back(&doc);
        assert!(text.contains("a: |\n  line one\n  line two\n"), "{text}");
        assert!(
            text.contains("b: |-\n  no newline\n\n  at the end\n"),
            "{text}"
        );
        assert!(text.contains("c: \"  indented first\\nline\""), "{text}");
        assert!(text.contains("f: [\"in a list\\nof two lines\"]"), "{text}");
    }

    #[test]
    fn nested_lists_and_maps_read_back() {
        let long: Vec<String> = (0..30).map(|i| format!("item-{i}")).collect();
        let doc = entries(vec![
            ("long", Node::strings(&long)),
            (
                "nested",
                Node::List(vec![
                    Node::List(vec![Node::Int(1), Node::Bool(true), Node::Null]),
                    Node::List(vec![Node::Map(entries(vec![("x", Node::Int(2))]))]),
                    Node::Map(vec![]),
                    Node::List(vec![]),
                ]),
            ),
            (
                "deep",
                Node::Map(entries(vec![(
                    "inner",
                    Node::Map(entries(vec![("list", Node::strings(&["a b", "c"]))])),
                )])),
            ),
        ]);
        reads_back(&doc);
        assert_eq!(document(&[]), "");
    }
}
