//! The one error type every stage reports with.
//!
//! A [`SiteError`] says what is wrong, where (a path relative to the site
//! root, a line and a column) and, when one exists, how to fix it. Stages
//! collect every error they find into [`Errors`] rather than stopping at the
//! first. This module only describes and draws errors; it never decides
//! whether something is one.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where in the site a problem is: `file:line:column`, all 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// A mistake in the site, with enough context for the user to fix it.
#[derive(Debug, Clone)]
pub struct SiteError {
    pub message: String,
    pub location: Option<Location>,
    pub hint: Option<String>,
    /// The text of the file, kept only to draw a snippet under the message.
    snippet_source: Option<Arc<str>>,
}

impl SiteError {
    pub fn new(message: impl Into<String>) -> Self {
        SiteError {
            message: message.into(),
            location: None,
            hint: None,
            snippet_source: None,
        }
    }

    /// Places the error at a line and column of `file`.
    pub fn at(mut self, file: impl AsRef<Path>, line: usize, column: usize) -> Self {
        self.location = Some(Location {
            file: file.as_ref().to_path_buf(),
            line: line.max(1),
            column: column.max(1),
        });
        self
    }

    /// Names the file without a position in it.
    pub fn in_file(self, file: impl AsRef<Path>) -> Self {
        self.at(file, 1, 1)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn maybe_hint(mut self, hint: Option<String>) -> Self {
        if hint.is_some() {
            self.hint = hint;
        }
        self
    }

    /// Keeps the file's text so the report can show the offending line.
    pub fn with_source(mut self, text: impl Into<Arc<str>>) -> Self {
        self.snippet_source = Some(text.into());
        self
    }

    /// An I/O failure on a path the user gave or the site contains.
    pub fn io(action: &str, path: &Path, err: &std::io::Error) -> Self {
        SiteError::new(format!("cannot {action} {}: {err}", path.display()))
    }

    /// Draws the error for a terminal: the message, the location, the line
    /// of source with a marker under the column, and the hint. Long lines are
    /// wrapped only when drawing in colour (for a person at a terminal); in a
    /// pipe or a log each message stays on one line, so it can be searched.
    pub fn render(&self, color: bool) -> String {
        let handler = if color {
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode())
        } else {
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        }
        .with_wrap_lines(color);
        let snippet = self.snippet();
        // A cut line's columns are the window's, not the file's: the frame
        // then names only the file (the message holds the position).
        let handler = match &snippet {
            Some((_, _, true)) => handler.without_primary_span_start(),
            _ => handler,
        };
        let (source, span) = match (snippet, &self.location) {
            (Some((text, span, _)), Some(loc)) => (
                Some(miette::NamedSource::new(
                    loc.file.display().to_string(),
                    text,
                )),
                Some(span),
            ),
            _ => (None, None),
        };
        let report = Report {
            error: self,
            source,
            span,
        };
        let mut out = String::new();
        if handler.render_report(&mut out, &report).is_err() {
            return self.to_string();
        }
        out
    }

    /// The text to draw under the message and the span to mark in it. A
    /// line longer than [`SNIPPET_WIDTH`] is cut to a window around the
    /// column (`…` marks what is left out), and the lines before it are
    /// kept only as line breaks, so the drawing keeps the file's line
    /// numbers and stays narrow however long the line is.
    /// The flag says whether the line was cut.
    fn snippet(&self) -> Option<(String, (usize, usize), bool)> {
        let (text, loc) = (self.snippet_source.as_deref()?, self.location.as_ref()?);
        let line_start = if loc.line <= 1 {
            0
        } else {
            text.match_indices('\n').nth(loc.line - 2)?.0 + 1
        };
        let line_text = text[line_start..].lines().next().unwrap_or("");
        // Columns count characters; turn the column into a byte offset.
        let col_bytes: usize = line_text
            .chars()
            .take(loc.column.saturating_sub(1))
            .map(char::len_utf8)
            .sum();
        let rest = &line_text[col_bytes..];
        let len = rest
            .find(|c: char| c.is_whitespace() || c == ':' || c == ',')
            .unwrap_or(rest.len())
            .clamp(1, rest.len().max(1));
        if line_text.chars().count() <= SNIPPET_WIDTH {
            return Some((text.to_string(), (line_start + col_bytes, len), false));
        }
        let before: String = {
            let mut b: Vec<char> = line_text[..col_bytes]
                .chars()
                .rev()
                .take(SNIPPET_WIDTH / 2)
                .collect();
            b.reverse();
            b.into_iter().collect()
        };
        let after: String = rest.chars().take(SNIPPET_WIDTH / 2).collect();
        let mut window = "\n".repeat(loc.line.saturating_sub(1));
        if before.len() < col_bytes {
            window.push('…');
        }
        let offset = window.len() + before.len();
        window.push_str(&before);
        window.push_str(&after);
        if after.len() < rest.len() {
            window.push('…');
        }
        Some((window, (offset, len.min(after.len().max(1))), true))
    }
}

/// The widest line drawn whole under an error; a longer one is cut to a
/// window of about this many characters around the column.
const SNIPPET_WIDTH: usize = 160;

impl fmt::Display for SiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(loc) => write!(f, "{loc}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for SiteError {}

/// A [`SiteError`] drawn by miette, with its file named above the snippet.
struct Report<'a> {
    error: &'a SiteError,
    source: Option<miette::NamedSource<String>>,
    span: Option<(usize, usize)>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.error, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.error, f)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.error
            .hint
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let (offset, len) = self.span?;
        Some(Box::new(std::iter::once(miette::LabeledSpan::new(
            Some("here".to_string()),
            offset,
            len,
        ))))
    }
}

/// Every error a stage found, in the order found.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<SiteError>);

impl Errors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn push(&mut self, e: SiteError) {
        self.0.push(e);
    }

    pub fn extend(&mut self, other: Errors) {
        self.0.extend(other.0);
    }

    /// `Ok(value)` when nothing was found, else every error.
    pub fn into_result<T>(self, value: T) -> Result<T, Errors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<SiteError> for Errors {
    fn from(e: SiteError) -> Self {
        Errors(vec![e])
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

/// The closest of `candidates` to a mistyped `word`, if one is close enough
/// to be what the user meant.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// "did you mean `x`?" for the closest candidate, if any.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }

    #[test]
    fn a_long_line_is_drawn_as_a_window_around_the_column() {
        // Columns past 65,535 once ended the program while drawing.
        let line = format!("note: {}é: y", "é".repeat(70_000));
        let text: Arc<str> = format!("name: x\n{line}\nmore: z\n").into();
        let column = line.chars().position(|c| c == ':').unwrap();
        let column = line
            .chars()
            .skip(column + 1)
            .position(|c| c == ':')
            .unwrap()
            + column
            + 2;
        let error = SiteError::new("mapping values are not allowed here")
            .at("data/models/x.yaml", 2, column)
            .with_source(text);
        let drawn = error.render(false);
        assert!(
            drawn.contains("data/models/x.yaml:2:70008: mapping values"),
            "{drawn}"
        );
        assert!(drawn.contains(" 2 │ …éé"), "{drawn}");
        assert!(drawn.contains("é: y"), "{drawn}");
        assert!(drawn.lines().all(|l| l.chars().count() < 400), "{drawn}");
        for column in [0, 1, 70_010, usize::MAX] {
            let e = SiteError::new("x")
                .at("f.yaml", 2, column)
                .with_source(error.snippet_source.clone().unwrap());
            assert!(e.render(false).contains("f.yaml:2:"));
        }
    }

    #[test]
    fn suggestion_finds_a_near_name() {
        assert_eq!(
            closest("creatr", ["name", "creator", "category"]),
            Some("creator")
        );
        assert_eq!(closest("zzz", ["name", "creator"]), None);
    }
}
