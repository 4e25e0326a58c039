//! `eventsmith validate`: check payloads from files or an NDJSON stream.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc;

use eventsmith_codegen::load::document::{self, Syntax};
use eventsmith_codegen::validate::{CatalogValidator, Outcome};
use eventsmith_core::event::Given;
use eventsmith_core::json::{Tape, TapeBuffers};
use eventsmith_core::validation::ValidationError;
use eventsmith_core::{Limits, NewerVersions};
use serde_json::Value;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per problem, then a summary.
    Text,
    /// One JSON object per event (NDJSON).
    Json,
}

/// How a payload newer than the schema that reads it is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Newer {
    /// Every error counts (the default: a check, not a receiver).
    Strict,
    /// As the bindings do by default: a string outside an `enum` and a
    /// member `additionalProperties: false` does not name are tolerated.
    Tolerate,
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
    /// Threads validating NDJSON (default: the number of cores); the
    /// output stays in input order.
    #[arg(long)]
    jobs: Option<usize>,
    /// Payloads whose version is newer than the schema that reads them.
    #[arg(long, value_enum, default_value_t = Newer::Strict)]
    newer_versions: Newer,
    /// Files: .json/.yaml/.yml hold one event, .ndjson/.jsonl one per line;
    /// none or `-` reads NDJSON from standard input.
    paths: Vec<PathBuf>,
}

/// One event's record in `--format json` (field order is the contract's).
#[derive(serde::Serialize)]
struct Record<'a> {
    path: &'a str,
    line: Option<usize>,
    #[serde(rename = "type")]
    event_type: Option<&'a str>,
    version: Option<&'a str>,
    schema_version: Option<&'a str>,
    valid: bool,
    errors: &'a [ValidationError],
}

/// Renders verdicts into a buffer and counts them.
#[derive(Debug, Default)]
struct Tally {
    valid: usize,
    invalid: usize,
}

impl Tally {
    fn event(
        &mut self,
        out: &mut Vec<u8>,
        format: Format,
        path: &str,
        line: Option<usize>,
        outcome: &Outcome,
    ) {
        if outcome.valid {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
        // Writing into a `Vec` cannot fail.
        match format {
            Format::Text => {
                let t = outcome.event_type.as_deref().unwrap_or("?");
                let v = outcome.version.as_deref().unwrap_or("?");
                for e in &outcome.errors {
                    let ptr = if e.instance_path.is_empty() {
                        "/"
                    } else {
                        &e.instance_path
                    };
                    let _ = match line {
                        Some(l) => writeln!(out, "{path}:{l}: {t}@{v}: {ptr}: {}", e.message),
                        None => writeln!(out, "{path}: {t}@{v}: {ptr}: {}", e.message),
                    };
                }
            }
            Format::Json => {
                let record = Record {
                    path,
                    line,
                    event_type: outcome.event_type.as_deref(),
                    version: outcome.version.as_deref(),
                    schema_version: outcome.schema_version.as_deref(),
                    valid: outcome.valid,
                    errors: &outcome.errors,
                };
                let _ = serde_json::to_writer(&mut *out, &record);
                out.push(b'\n');
            }
        }
    }

    fn unreadable(
        &mut self,
        out: &mut Vec<u8>,
        format: Format,
        path: &str,
        line: Option<usize>,
        message: String,
    ) {
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
        self.event(out, format, path, line, &outcome);
    }
}

/// What every thread that judges events shares.
struct Settings<'a> {
    validator: &'a CatalogValidator<'a>,
    /// What `--type`/`--version` say of every payload.
    given: Given<'a>,
    limits: Limits,
    format: Format,
}

/// Runs the command.
pub fn run(a: Args) -> u8 {
    let compiled = match crate::catalog::load_validators(&a.schemas) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let newer = match a.newer_versions {
        Newer::Strict => NewerVersions::Strict,
        Newer::Tolerate => NewerVersions::Tolerate,
    };
    let validator = CatalogValidator::new(&compiled).newer_versions(newer);
    let settings = Settings {
        validator: &validator,
        given: Given {
            event_type: a.event_type.as_deref(),
            version: a.version.as_deref(),
        },
        limits: Limits {
            max_bytes: a.max_bytes,
            max_depth: a.max_depth,
        },
        format: a.format,
    };
    let jobs = a
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut tally = Tally::default();
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
            ndjson(&settings, jobs, "-", stdin.lock(), &mut tally, &mut out);
            continue;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        match ext {
            "ndjson" | "jsonl" => match std::fs::File::open(path) {
                Ok(f) => {
                    let input = BufReader::with_capacity(1 << 16, f);
                    ndjson(&settings, jobs, &shown, input, &mut tally, &mut out);
                }
                Err(e) => {
                    eprintln!("error: cannot read {shown}: {e}");
                    usage_error = true;
                }
            },
            "json" | "yaml" | "yml" => {
                let mut text = Vec::new();
                match single(path, settings.limits) {
                    Ok(Single::Json(bytes)) => match Tape::parse(&bytes, settings.limits) {
                        Ok(tape) => {
                            let outcome =
                                validator.validate_node_given(tape.root(), &settings.given);
                            tally.event(&mut text, a.format, &shown, None, &outcome);
                        }
                        Err(e) => {
                            tally.unreadable(&mut text, a.format, &shown, None, e.to_string());
                        }
                    },
                    Ok(Single::Yaml(value)) => {
                        let outcome = validator.validate_given(&value, &settings.given);
                        tally.event(&mut text, a.format, &shown, None, &outcome);
                    }
                    Err(Unreadable::Io(e)) => {
                        eprintln!("error: cannot read {shown}: {e}");
                        usage_error = true;
                    }
                    Err(Unreadable::Parse(m)) => {
                        tally.unreadable(&mut text, a.format, &shown, None, m);
                    }
                }
                let _ = out.write_all(&text);
            }
            _ => {
                eprintln!(
                    "error: {shown}: unknown file type; use .json, .yaml, .yml, .ndjson or .jsonl"
                );
                usage_error = true;
            }
        }
    }
    if a.format == Format::Text {
        let _ = writeln!(out, "{} valid, {} invalid", tally.valid, tally.invalid);
    }
    let _ = out.flush();
    drop(out);
    // The process exits next: freeing the validators and the loaded catalog
    // (a tenth of a small run's time on the shipped catalogs) would be work
    // the operating system does at once.
    std::mem::forget(validator);
    std::mem::forget(compiled);
    if usage_error {
        2
    } else {
        u8::from(tally.invalid > 0)
    }
}

enum Unreadable {
    Io(std::io::Error),
    Parse(String),
}

/// A single-event file, read.
enum Single {
    /// JSON bytes, parsed by the caller.
    Json(Vec<u8>),
    /// A YAML document.
    Yaml(Value),
}

fn single(path: &Path, limits: Limits) -> Result<Single, Unreadable> {
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
                .map(|d| Single::Yaml(d.value))
                .map_err(|d| Unreadable::Parse(d.message))
        }
        _ => Ok(Single::Json(bytes)),
    }
}

/// A run of NDJSON lines, read together and judged by one thread.
#[derive(Debug, Default)]
struct Batch {
    /// Its place in the stream (output goes in this order).
    seq: u64,
    /// The lines' bytes, back to back.
    text: Vec<u8>,
    lines: Vec<Line>,
    /// What the batch prints.
    out: Vec<u8>,
    tally: Tally,
}

#[derive(Debug)]
enum Line {
    /// An event: its line number and bytes in [`Batch::text`].
    Event {
        number: usize,
        range: std::ops::Range<usize>,
    },
    /// A line that could not be read (too long, a read error).
    Unreadable { number: usize, message: String },
}

/// Lines per batch, and bytes past which a batch takes no more lines:
/// large enough that handing batches between threads costs nothing
/// measurable, small enough that the batches in flight stay a few MB.
const BATCH_LINES: usize = 512;
const BATCH_BYTES: usize = 256 * 1024;
/// A batch buffer that grew past this (a huge event) is not kept.
const KEEP_BYTES: usize = 4 * 1024 * 1024;

impl Batch {
    fn reset(&mut self, seq: u64) {
        self.seq = seq;
        for buf in [&mut self.text, &mut self.out] {
            if buf.capacity() > KEEP_BYTES {
                *buf = Vec::new();
            }
            buf.clear();
        }
        self.lines.clear();
        self.tally = Tally::default();
    }
}

/// Reads one event per line without holding the stream in memory: batches
/// of lines are judged by `jobs` threads (one: this thread alone) and
/// printed in input order. At most `2 × jobs + 2` batches exist at once,
/// and each is reused, so memory does not grow with the stream.
fn ndjson(
    settings: &Settings<'_>,
    jobs: usize,
    shown: &str,
    mut input: impl BufRead,
    tally: &mut Tally,
    out: &mut impl Write,
) {
    let mut reader = LineReader {
        number: 0,
        done: false,
        limits: settings.limits,
    };
    if jobs == 1 {
        let mut batch = Batch::default();
        let mut buffers = TapeBuffers::default();
        while !reader.done {
            batch.reset(0);
            reader.fill(&mut input, &mut batch);
            judge(settings, shown, &mut batch, &mut buffers);
            let _ = out.write_all(&batch.out);
            tally.valid += batch.tally.valid;
            tally.invalid += batch.tally.invalid;
        }
        return;
    }
    let capacity = 2 * jobs + 2;
    let (work_tx, work_rx) = mpsc::sync_channel::<Batch>(capacity);
    let (done_tx, done_rx) = mpsc::channel::<Batch>();
    let work_rx = Mutex::new(work_rx);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let (work_rx, done_tx) = (&work_rx, done_tx.clone());
            scope.spawn(move || {
                let mut buffers = TapeBuffers::default();
                loop {
                    let next = work_rx
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .recv();
                    let Ok(mut batch) = next else { return };
                    judge(settings, shown, &mut batch, &mut buffers);
                    if done_tx.send(batch).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut free: Vec<Batch> = (0..capacity).map(|_| Batch::default()).collect();
        let mut finished: BTreeMap<u64, Batch> = BTreeMap::new();
        let (mut sent, mut next) = (0u64, 0u64);
        loop {
            while !reader.done
                && let Some(mut batch) = free.pop()
            {
                batch.reset(sent);
                reader.fill(&mut input, &mut batch);
                if work_tx.send(batch).is_err() {
                    reader.done = true;
                    break;
                }
                sent += 1;
            }
            if next == sent {
                break;
            }
            let Ok(batch) = done_rx.recv() else { break };
            finished.insert(batch.seq, batch);
            while let Some(batch) = finished.remove(&next) {
                let _ = out.write_all(&batch.out);
                tally.valid += batch.tally.valid;
                tally.invalid += batch.tally.invalid;
                free.push(batch);
                next += 1;
            }
        }
        drop(work_tx);
    });
}

/// Splits the input into lines, each at most `limits.max_bytes` long.
struct LineReader {
    /// The number of the last line read.
    number: usize,
    /// The input is exhausted (or failed).
    done: bool,
    limits: Limits,
}

impl LineReader {
    /// Appends lines to `batch` until it is full or the input ends.
    fn fill(&mut self, input: &mut impl BufRead, batch: &mut Batch) {
        // Read at most one byte past the limit so a huge line cannot exhaust memory.
        let cap = self.limits.max_bytes.saturating_add(2) as u64;
        while !self.done && batch.lines.len() < BATCH_LINES && batch.text.len() < BATCH_BYTES {
            let start = batch.text.len();
            let read = match (&mut *input).take(cap).read_until(b'\n', &mut batch.text) {
                Ok(n) => n,
                Err(e) => {
                    batch.text.truncate(start);
                    batch.lines.push(Line::Unreadable {
                        number: self.number + 1,
                        message: format!("read error: {e}"),
                    });
                    self.done = true;
                    return;
                }
            };
            if read == 0 {
                self.done = true;
                return;
            }
            self.number += 1;
            if !batch.text.ends_with(b"\n") && read as u64 == cap {
                // Skip the rest of the oversized line.
                let mut skipped = 0usize;
                while let Ok(buf) = input.fill_buf() {
                    if buf.is_empty() {
                        break;
                    }
                    match memchr_newline(buf) {
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
                let size = read + skipped;
                batch.text.truncate(start);
                batch.lines.push(Line::Unreadable {
                    number: self.number,
                    message: format!(
                        "line is {size}+ bytes, larger than the limit of {} bytes",
                        self.limits.max_bytes
                    ),
                });
                continue;
            }
            batch.lines.push(Line::Event {
                number: self.number,
                range: start..batch.text.len(),
            });
        }
    }
}

fn memchr_newline(buf: &[u8]) -> Option<usize> {
    buf.iter().position(|b| *b == b'\n')
}

/// Judges every line of `batch`, rendering the verdicts into its output:
/// each event is read into a tape reusing `buffers`, and no
/// `serde_json::Value` is built.
fn judge(settings: &Settings<'_>, shown: &str, batch: &mut Batch, buffers: &mut TapeBuffers) {
    let Batch {
        text,
        lines,
        out,
        tally,
        ..
    } = batch;
    for line in lines.drain(..) {
        match line {
            Line::Event { number, range } => {
                let trimmed = trim(&text[range]);
                if trimmed.is_empty() {
                    continue;
                }
                match Tape::parse_with(trimmed, settings.limits, buffers) {
                    Ok(tape) => {
                        let outcome = settings
                            .validator
                            .validate_node_given(tape.root(), &settings.given);
                        tally.event(out, settings.format, shown, Some(number), &outcome);
                        buffers.recycle(tape);
                    }
                    Err(e) => {
                        tally.unreadable(out, settings.format, shown, Some(number), e.to_string());
                    }
                }
            }
            Line::Unreadable { number, message } => {
                tally.unreadable(out, settings.format, shown, Some(number), message);
            }
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
