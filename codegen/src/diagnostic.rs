//! Problems found in a catalog, collected before failing and rendered like
//! compiler errors: file, line and column, a snippet with the offending token
//! underlined, what was found, what was expected, and a hint.
//!
//! Rendering goes through [miette]'s graphical report handler. The plain
//! style (ASCII, no colour) is byte-for-byte deterministic: the diagnostics
//! snapshots under `tests/diagnostics/` and `build.rs` output use it.
//!
//! ```text
//! error[invalid-schema]
//!
//!   x `minLength` must be a non-negative integer, found "3"
//!    ,-[shop/order_placed/1.0.0.json:6:20]
//!  5 |     "name": {
//!  6 |       "minLength": "3"
//!    :                    ^|^
//!    :                     `-- /properties/name/minLength
//!  7 |     }
//!    `----
//!   help: write the number without quotes
//! ```

use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode, SourceSpan,
};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information worth seeing (a patch applied to a vendor's schema).
    Note,
    /// Reported, does not fail the run.
    Warning,
    /// Fails the run.
    Error,
}

/// One problem, located as precisely as the source allows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable short name for the kind of problem (`unresolved-ref`, …).
    pub code: &'static str,
    /// The file the problem is in, as given to the generator.
    pub file: Option<PathBuf>,
    /// JSON pointer into that file.
    pub pointer: Option<String>,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    /// What is wrong: what was found and what was expected.
    pub message: String,
    /// How to fix it, where a hint helps.
    pub hint: Option<String>,
}

/// How diagnostics are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// ASCII art, no colour: deterministic, for snapshots, logs and `build.rs`.
    Plain,
    /// Unicode box drawing, no colour (a terminal with `NO_COLOR` set).
    Unicode,
    /// Unicode box drawing and ANSI colours (a terminal).
    Color,
}

/// Options for [`Diagnostics::render_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Drawing style.
    pub style: Style,
    /// Paths below this directory are shown relative to it, in locations and
    /// in messages.
    pub relative_to: Option<PathBuf>,
}

impl RenderOptions {
    /// Plain style, paths relative to the current directory: what
    /// [`Diagnostics::render`] and `Display` use.
    pub fn plain() -> RenderOptions {
        RenderOptions {
            style: Style::Plain,
            relative_to: std::env::current_dir().ok(),
        }
    }

    /// The style for standard error: colours on a terminal unless `NO_COLOR`
    /// is set to something non-empty (<https://no-color.org>); plain when
    /// standard error is not a terminal.
    pub fn for_stderr() -> RenderOptions {
        let style = if !std::io::stderr().is_terminal() {
            Style::Plain
        } else if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            Style::Unicode
        } else {
            Style::Color
        };
        RenderOptions {
            style,
            ..RenderOptions::plain()
        }
    }

    /// Shows paths relative to `dir`.
    pub fn relative_to(mut self, dir: impl Into<PathBuf>) -> RenderOptions {
        self.relative_to = Some(dir.into());
        self
    }

    fn handler(&self) -> GraphicalReportHandler {
        let theme = match self.style {
            Style::Plain => GraphicalTheme::none(),
            Style::Unicode => GraphicalTheme::unicode_nocolor(),
            Style::Color => GraphicalTheme::unicode(),
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_links(false)
            .with_context_lines(1);
        match self.style {
            // One line per message, whatever its length, so output is stable.
            Style::Plain => handler.with_wrap_lines(false).with_width(usize::MAX / 4),
            Style::Unicode | Style::Color => handler.with_width(100),
        }
    }

    /// `path` as shown: relative to [`RenderOptions::relative_to`] when below it.
    fn show(&self, path: &Path) -> String {
        let shown = self
            .relative_to
            .as_deref()
            .and_then(|base| path.strip_prefix(base).ok())
            .unwrap_or(path);
        let text = shown.display().to_string().replace('\\', "/");
        if text.is_empty() {
            ".".to_owned()
        } else {
            text
        }
    }

    /// `text` with absolute paths below [`RenderOptions::relative_to`] made relative.
    fn show_in_text(&self, text: &str) -> String {
        match &self.relative_to {
            Some(base) if !base.as_os_str().is_empty() => {
                let mut prefix = base.display().to_string();
                if !prefix.ends_with(std::path::MAIN_SEPARATOR) {
                    prefix.push(std::path::MAIN_SEPARATOR);
                }
                text.replace(&prefix, "")
            }
            _ => text.to_owned(),
        }
    }
}

impl Diagnostic {
    /// An error of kind `code`.
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: None,
            pointer: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning of kind `code`.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// A note of kind `code`: information, neither a warning nor an error.
    pub fn note(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(code, message)
        }
    }

    /// Sets the file.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Diagnostic {
        self.file = Some(file.into());
        self
    }

    /// Sets the JSON pointer.
    pub fn at(mut self, pointer: impl Into<String>) -> Diagnostic {
        self.pointer = Some(pointer.into());
        self
    }

    /// Sets line and column.
    pub fn at_position(mut self, line: usize, column: usize) -> Diagnostic {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic in the plain style with a snippet of `source`
    /// (the file's text), paths relative to the current directory.
    pub fn render(&self, source: Option<&str>) -> String {
        self.render_with(source, &RenderOptions::plain())
    }

    /// Renders the diagnostic with a snippet of `source` (the file's text).
    pub fn render_with(&self, source: Option<&str>, options: &RenderOptions) -> String {
        let report = Report::new(self, source, options);
        let mut out = String::new();
        if options.handler().render_report(&mut out, &report).is_err() {
            // Formatting into a String cannot fail; keep the one-line form anyway.
            out = report.to_string();
        }
        // miette pads some lines; trailing spaces only make snapshots brittle.
        let mut trimmed: String = out
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n");
        while trimmed.ends_with('\n') {
            trimmed.pop();
        }
        trimmed
    }

    /// `file:line:column`, `file` or nothing, for one-line forms.
    fn location(&self, options: &RenderOptions) -> Option<String> {
        let file = options.show(self.file.as_deref()?);
        Some(match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{file}:{line}:{column}"),
            _ => file,
        })
    }
}

impl fmt::Display for Diagnostic {
    /// The one-line form: `error[code]: message (at file:line:col /pointer)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let options = RenderOptions::plain();
        write!(
            f,
            "{}[{}]: {}",
            level(self.severity),
            self.code,
            options.show_in_text(&self.message)
        )?;
        if let Some(location) = self.location(&options) {
            write!(f, "\n  --> {location}")?;
            if let Some(pointer) = &self.pointer {
                write!(f, " at {}", show_pointer(pointer))?;
            }
        }
        Ok(())
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn show_pointer(pointer: &str) -> &str {
    if pointer.is_empty() {
        "the document root"
    } else {
        pointer
    }
}

/// One diagnostic as miette sees it.
struct Report {
    header: String,
    message: String,
    severity: miette::Severity,
    hint: Option<String>,
    source: Option<NamedSource<String>>,
    label: Option<LabeledSpan>,
}

impl Report {
    fn new(d: &Diagnostic, source: Option<&str>, options: &RenderOptions) -> Report {
        let mut message = options.show_in_text(&d.message);
        let mut snippet = None;
        if let (Some(file), Some(text), Some(line), Some(column)) =
            (&d.file, source, d.line, d.column)
            && let Some(offset) = offset_of(text, line, column)
        {
            let len = token_len(text, offset);
            let label = d.pointer.as_deref().map(|p| show_pointer(p).to_owned());
            snippet = Some((
                NamedSource::new(options.show(file), text.to_owned()),
                LabeledSpan::new_primary_with_span(label, SourceSpan::from((offset, len))),
            ));
        }
        if snippet.is_none()
            && let Some(location) = d.location(options)
        {
            // No snippet to show: name the place in the message itself.
            message.push_str(&format!("\n--> {location}"));
            if let Some(pointer) = &d.pointer {
                message.push_str(&format!(" at {}", show_pointer(pointer)));
            }
        }
        let (source, label) = match snippet {
            Some((s, l)) => (Some(s), Some(l)),
            None => (None, None),
        };
        Report {
            header: format!("{}[{}]", level(d.severity), d.code),
            message,
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Note => miette::Severity::Advice,
            },
            hint: d.hint.as_deref().map(|h| options.show_in_text(h)),
            source,
            label,
        }
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("header", &self.header)
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.header))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.hint
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.label
            .clone()
            .map(|l| Box::new(std::iter::once(l)) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
}

/// The byte offset of 1-based `line` and `column` (in characters) in `text`.
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let mut start = 0usize;
    for _ in 1..line {
        start += text.get(start..)?.find('\n')? + 1;
    }
    let rest = text.get(start..)?;
    let line_text = rest.split('\n').next().unwrap_or_default();
    let within = match line_text.char_indices().nth(column.saturating_sub(1)) {
        Some((i, _)) => i,
        // Past the end of the line: point at its end.
        None => line_text.len(),
    };
    let offset = start + within;
    // Past the last visible character (an error at the end of the input):
    // point at that character, so the snippet shows something to underline.
    let last = text
        .trim_end()
        .char_indices()
        .next_back()
        .map_or(0, |(i, _)| i);
    Some(offset.min(last))
}

/// The length of the token starting at `offset`: a quoted string, a bare
/// scalar, or one character for brackets and anything else.
fn token_len(text: &str, offset: usize) -> usize {
    let rest = text.get(offset..).unwrap_or_default();
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return 0;
    };
    match first {
        '"' | '\'' => {
            let mut escaped = false;
            for (i, c) in chars {
                match c {
                    '\n' => return i,
                    '\\' if first == '"' && !escaped => escaped = true,
                    c if c == first && !escaped => return i + c.len_utf8(),
                    _ => escaped = false,
                }
            }
            rest.find('\n').unwrap_or(rest.len())
        }
        '{' | '[' => closing_bracket(rest).unwrap_or(1),
        '}' | ']' | ',' | ':' | '\n' | '\r' => first.len_utf8(),
        _ => {
            let line = rest.split('\n').next().unwrap_or_default();
            // A bare scalar ends at JSON punctuation or at a YAML `key: ` separator.
            let end = line
                .char_indices()
                .find(|&(i, c)| {
                    matches!(c, ',' | ']' | '}' | '#') || (c == ':' && line[i..].starts_with(": "))
                })
                .map_or(line.len(), |(i, _)| i);
            line[..end].trim_end().len().max(first.len_utf8())
        }
    }
}

/// The length up to and including the bracket closing the one `rest` starts
/// with, when it closes on the same line.
fn closing_bracket(rest: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (_, '\n') => return None,
            (Some(_), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            (None, _) => {}
        }
        escaped = false;
    }
    None
}

/// Repeats of one problem drawn in full before [`Diagnostics::render_with`]
/// folds them into a count.
pub const FOLD_AFTER: usize = 3;

/// How many other places a folded problem names.
const PLACES_SHOWN: usize = 3;

/// Every problem found in one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// True when any is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Warning)
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    /// Renders all in the plain style, each with its snippet (reading the
    /// files from disk), then a summary line.
    pub fn render(&self) -> String {
        self.render_with(&RenderOptions::plain())
    }

    /// Renders all with `options`, each with its snippet (reading the files
    /// from disk), then a summary line.
    ///
    /// One root cause can repeat in many files (221 schemas sharing a
    /// `$schema` eventsmith does not read): a problem that occurs more than
    /// [`FOLD_AFTER`] times (same severity, code, message and hint) is drawn
    /// once, followed by its count and the first few other places.
    pub fn render_with(&self, options: &RenderOptions) -> String {
        let key = |d: &Diagnostic| (d.severity, d.code, d.message.clone(), d.hint.clone());
        let mut groups: std::collections::HashMap<_, Vec<usize>> = std::collections::HashMap::new();
        for (i, d) in self.0.iter().enumerate() {
            groups.entry(key(d)).or_default().push(i);
        }
        let mut out = String::new();
        for (i, d) in self.0.iter().enumerate() {
            let group = groups.get(&key(d)).map_or(&[][..], Vec::as_slice);
            let folded = group.len() > FOLD_AFTER;
            if folded && group.first() != Some(&i) {
                continue;
            }
            let source = d
                .file
                .as_deref()
                .filter(|p| p.is_file())
                .and_then(|p| std::fs::read_to_string(p).ok());
            out.push_str(&d.render_with(source.as_deref(), options));
            if folded {
                let places: Vec<String> = group[1..]
                    .iter()
                    .take(PLACES_SHOWN)
                    .filter_map(|&j| self.0[j].location(options))
                    .collect();
                let more = group.len() - 1 - places.len().min(group.len() - 1);
                let tail = if more > 0 {
                    format!(", and {more} more")
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "\n  = the same problem {} times in all; also at {}{tail}",
                    group.len(),
                    places.join(", ")
                ));
            }
            out.push_str("\n\n");
        }
        let errors = self.errors().count();
        let warnings = self.warnings().count();
        let notes = self.0.len() - errors - warnings;
        if notes > 0 {
            out.push_str(&format!(
                "{}, {}, {}\n",
                plural(errors, "error"),
                plural(warnings, "warning"),
                plural(notes, "note")
            ));
        } else {
            out.push_str(&format!(
                "{}, {}\n",
                plural(errors, "error"),
                plural(warnings, "warning")
            ));
        }
        out
    }

    /// Sorts by file, position and message so output is deterministic.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.pointer, &a.message)
                .cmp(&(&b.file, b.line, b.column, &b.pointer, &b.message))
        });
        self.0.dedup();
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain() -> RenderOptions {
        RenderOptions {
            style: Style::Plain,
            relative_to: Some(PathBuf::from("/cat")),
        }
    }

    #[test]
    fn renders_snippet_caret_pointer_and_hint() {
        let text = "{\n  \"minLength\": \"3\"\n}\n";
        let d = Diagnostic::error(
            "invalid-schema",
            "`minLength` must be a non-negative integer, found \"3\"",
        )
        .in_file("/cat/s/e/1.0.0.json")
        .at("/minLength")
        .at_position(2, 16)
        .with_hint("write the number without quotes");
        let out = d.render_with(Some(text), &plain());
        let expected = [
            "error[invalid-schema]",
            "",
            "  x `minLength` must be a non-negative integer, found \"3\"",
            "   ,-[s/e/1.0.0.json:2:16]",
            " 1 | {",
            " 2 |   \"minLength\": \"3\"",
            "   :                ^|^",
            "   :                 `-- /minLength",
            " 3 | }",
            "   `----",
            "  help: write the number without quotes",
        ]
        .join("\n");
        assert_eq!(out, expected);
    }

    #[test]
    fn without_source_names_the_place_in_the_message() {
        let d = Diagnostic::warning("mixed-enum", "m")
            .in_file("/cat/s/e/1.0.0.json")
            .at("")
            .at_position(1, 1);
        let out = d.render_with(None, &plain());
        assert!(
            out.starts_with(
                "warning[mixed-enum]\n\n  ! m\n  | --> s/e/1.0.0.json:1:1 at the document root"
            ),
            "{out}"
        );
    }

    #[test]
    fn positions_past_the_line_end_and_odd_input_do_not_panic() {
        assert_eq!(offset_of("ab\ncd", 2, 9), Some(4));
        assert_eq!(offset_of("ab\ncd\n", 1, 9), Some(2));
        assert_eq!(offset_of("ab", 7, 1), None);
        assert_eq!(offset_of("é\nx", 1, 2), Some(2));
        assert_eq!(token_len("\"a\\\"b\" x", 0), 6);
        assert_eq!(token_len("key: value", 0), 3);
        assert_eq!(token_len("12345,", 0), 5);
        assert_eq!(token_len("", 0), 0);
        assert_eq!(token_len("[a, \"]\", [b]] x", 0), 13);
        assert_eq!(token_len("{\n", 0), 1);
        assert_eq!(offset_of("{\n  \"a\": 1\n", 3, 1), Some(9));
        assert_eq!(token_len("'unterminated", 0), 13);
        let d = Diagnostic::error("x", "y")
            .in_file("/cat/f.json")
            .at_position(40, 3);
        assert!(
            d.render_with(Some("short"), &plain())
                .contains("--> f.json:40:3")
        );
    }

    #[test]
    fn repeated_problems_are_drawn_once_with_their_count() {
        let mut ds = Diagnostics::default();
        for n in 1..=6 {
            ds.push(
                Diagnostic::error("unsupported-dialect", "`$schema` is \"x\"")
                    .in_file(format!("/cat/s/e{n}/1.0.0.json"))
                    .at("/$schema")
                    .at_position(2, 14),
            );
        }
        ds.push(Diagnostic::error("other", "once").in_file("/cat/s/e/1.0.0.json"));
        let out = ds.render_with(&plain());
        assert_eq!(out.matches("`$schema` is \"x\"").count(), 1, "{out}");
        assert!(
            out.contains("the same problem 6 times in all; also at s/e2/1.0.0.json:2:14, s/e3/1.0.0.json:2:14, s/e4/1.0.0.json:2:14, and 2 more"),
            "{out}"
        );
        assert!(out.contains("once"), "{out}");
        assert!(out.ends_with("7 errors, 0 warnings\n"), "{out}");
        // Up to FOLD_AFTER repeats are each drawn.
        let few = Diagnostics(ds.0[..FOLD_AFTER].to_vec());
        assert_eq!(
            few.render_with(&plain()).matches("`$schema` is").count(),
            FOLD_AFTER
        );
    }

    #[test]
    fn summary_counts() {
        let mut ds = Diagnostics::default();
        ds.push(Diagnostic::error("a", "one"));
        ds.push(Diagnostic::warning("b", "two"));
        ds.push(Diagnostic::warning("b", "three"));
        assert!(ds.render_with(&plain()).ends_with("1 error, 2 warnings\n"));
    }
}
