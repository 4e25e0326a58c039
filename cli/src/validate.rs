//! `eventsmith validate`: check payloads from files or an NDJSON stream.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use eventsmith_codegen::load::document::{self, Syntax};
use eventsmith_codegen::validate::{CatalogValidator, Outcome};
use eventsmith_core::Limits;
use eventsmith_core::event::Given;
use eventsmith_core::validation::ValidationError;
use serde_json::{Value, json};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per problem, then a summary.
    Text,
    /// One JSON object per event (NDJSON).
    Json,
}

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalog directory.
    #[arg(long, default_value = "schemas")]
    schemas: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Largest accepted event in bytes.
    #[arg(long, default_value_t = Limits::DEFAULT.max_bytes)]
    max_bytes: usize,
    /// Deepest accepted nesting.
    #[arg(long, default_value_t = Limits::DEFAULT.max_depth)]
    max_depth: usize,
    /// The event type of every payload, for a source whose payloads do not
    /// carry it (GitHub's `X-GitHub-Event` header): `--type pull_request`.
    #[arg(long = "type", value_name = "EVENT_TYPE")]
    event_type: Option<String>,
    /// The version of every payload, for a source whose version is given
    /// outside the payload (an endpoint's API version).
    #[arg(long, value_name = "VERSION")]
    version: Option<String>,
    /// Files: .json/.yaml/.yml hold one event, .ndjson/.jsonl one per line;
    /// none or `-` reads NDJSON from standard input.
    paths: Vec<PathBuf>,
}

struct Report<'a> {
    format: Format,
    valid: usize,
    invalid: usize,
    out: std::io::BufWriter<std::io::StdoutLock<'a>>,
}

impl Report<'_> {
    fn event(&mut self, path: &str, line: Option<usize>, outcome: &Outcome) {
        if outcome.valid {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
        match self.format {
            Format::Text => {
                let at = match line {
                    Some(l) => format!("{path}:{l}"),
                    None => path.to_owned(),
                };
                let t = outcome.event_type.as_deref().unwrap_or("?");
                let v = outcome.version.as_deref().unwrap_or("?");
                for e in &outcome.errors {
                    let ptr = if e.instance_path.is_empty() {
                        "/"
                    } else {
                        &e.instance_path
                    };
                    let _ = writeln!(self.out, "{at}: {t}@{v}: {ptr}: {}", e.message);
                }
            }
            Format::Json => {
                let errors: Vec<Value> = outcome
                    .errors
                    .iter()
                    .map(|e| {
                        json!({"instance_path": e.instance_path, "schema_path": e.schema_path, "keyword": e.keyword, "message": e.message})
                    })
                    .collect();
                let obj = json!({
                    "path": path,
                    "line": line,
                    "type": outcome.event_type,
                    "version": outcome.version,
                    "schema_version": outcome.schema_version,
                    "valid": outcome.valid,
                    "errors": errors,
                });
                let _ = writeln!(self.out, "{obj}");
            }
        }
    }

    fn unreadable(&mut self, path: &str, line: Option<usize>, message: String) {
        let outcome = Outcome {
            event_type: None,
            version: None,
            schema_version: None,
            valid: false,
            errors: vec![ValidationError {
                instance_path: String::new(),
                schema_path: String::new(),
                keyword: "parse".to_owned(),
                message,
            }],
        };
        self.event(path, line, &outcome);
    }
}

/// Runs the command.
pub fn run(a: Args) -> u8 {
    let compiled = match crate::catalog::load_catalog(&a.schemas) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let validator = CatalogValidator::new(&compiled);
    let limits = Limits {
        max_bytes: a.max_bytes,
        max_depth: a.max_depth,
    };
    let stdout = std::io::stdout();
    let mut report = Report {
        format: a.format,
        valid: 0,
        invalid: 0,
        out: std::io::BufWriter::new(stdout.lock()),
    };
    let given = Given {
        event_type: a.event_type.as_deref(),
        version: a.version.as_deref(),
    };
    let mut usage_error = false;
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        a.paths
    };
    for path in &paths {
        let shown = path.display().to_string();
        if shown == "-" {
            let stdin = std::io::stdin();
            ndjson(&validator, &given, "-", stdin.lock(), limits, &mut report);
            continue;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        match ext {
            "ndjson" | "jsonl" => match std::fs::File::open(path) {
                Ok(f) => ndjson(
                    &validator,
                    &given,
                    &shown,
                    BufReader::new(f),
                    limits,
                    &mut report,
                ),
                Err(e) => {
                    eprintln!("error: cannot read {shown}: {e}");
                    usage_error = true;
                }
            },
            "json" | "yaml" | "yml" => match single(path, limits) {
                Ok(value) => {
                    let outcome = validator.validate_given(&value, &given);
                    report.event(&shown, None, &outcome);
                }
                Err(Unreadable::Io(e)) => {
                    eprintln!("error: cannot read {shown}: {e}");
                    usage_error = true;
                }
                Err(Unreadable::Parse(m)) => report.unreadable(&shown, None, m),
            },
            _ => {
                eprintln!(
                    "error: {shown}: unknown file type; use .json, .yaml, .yml, .ndjson or .jsonl"
                );
                usage_error = true;
            }
        }
    }
    if a.format == Format::Text {
        let _ = writeln!(
            report.out,
            "{} valid, {} invalid",
            report.valid, report.invalid
        );
    }
    let _ = report.out.flush();
    if usage_error {
        2
    } else {
        u8::from(report.invalid > 0)
    }
}

enum Unreadable {
    Io(std::io::Error),
    Parse(String),
}

fn single(path: &Path, limits: Limits) -> Result<Value, Unreadable> {
    // Refuse an oversized file before reading it, and never read past the limit.
    let too_large = |size: u64| {
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        Unreadable::Parse(
            eventsmith_core::ParseError::TooLarge {
                size,
                limit: limits.max_bytes,
            }
            .to_string(),
        )
    };
    let size = std::fs::metadata(path).map_err(Unreadable::Io)?.len();
    let limit = u64::try_from(limits.max_bytes).unwrap_or(u64::MAX);
    if size > limit {
        return Err(too_large(size));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(Unreadable::Io)?;
    if bytes.len() > limits.max_bytes {
        return Err(too_large(size.max(bytes.len() as u64)));
    }
    match Syntax::of(path) {
        Some(Syntax::Yaml) => {
            let text = String::from_utf8(bytes)
                .map_err(|_| Unreadable::Parse("the file is not UTF-8".to_owned()))?;
            document::parse(path, &text, Syntax::Yaml)
                .map(|d| d.value)
                .map_err(|d| Unreadable::Parse(d.message))
        }
        _ => eventsmith_core::json::parse_slice(&bytes, limits)
            .map_err(|e| Unreadable::Parse(e.to_string())),
    }
}

/// Reads one event per line without holding the stream in memory.
fn ndjson(
    validator: &CatalogValidator<'_>,
    given: &Given<'_>,
    shown: &str,
    mut input: impl BufRead,
    limits: Limits,
    report: &mut Report<'_>,
) {
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        // Read at most one byte past the limit so a huge line cannot exhaust memory.
        let cap = limits.max_bytes.saturating_add(2) as u64;
        let read = match (&mut input).take(cap).read_until(b'\n', &mut line) {
            Ok(n) => n,
            Err(e) => {
                report.unreadable(shown, Some(number + 1), format!("read error: {e}"));
                return;
            }
        };
        if read == 0 {
            return;
        }
        number += 1;
        if !line.ends_with(b"\n") && read as u64 == cap {
            // Skip the rest of the oversized line.
            let mut skipped = 0usize;
            while let Ok(buf) = input.fill_buf() {
                if buf.is_empty() {
                    break;
                }
                match buf.iter().position(|b| *b == b'\n') {
                    Some(i) => {
                        input.consume(i + 1);
                        break;
                    }
                    None => {
                        let n = buf.len();
                        skipped += n;
                        input.consume(n);
                    }
                }
            }
            let size = line.len() + skipped;
            report.unreadable(
                shown,
                Some(number),
                format!(
                    "line is {size}+ bytes, larger than the limit of {} bytes",
                    limits.max_bytes
                ),
            );
            continue;
        }
        let trimmed = trim(&line);
        if trimmed.is_empty() {
            continue;
        }
        match eventsmith_core::json::parse_slice(trimmed, limits) {
            Ok(value) => {
                let outcome = validator.validate_given(&value, given);
                report.event(shown, Some(number), &outcome);
            }
            Err(e) => report.unreadable(shown, Some(number), e.to_string()),
        }
    }
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &b[start..end]
}
