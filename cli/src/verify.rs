//! `eventsmith verify`: check a Standard Webhooks signature over a raw body,
//! and optionally validate the authentic body as an event.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use eventsmith_codegen::validate::{CatalogValidator, Outcome};
use eventsmith_core::Limits;
use eventsmith_webhook::{Secret, Verifier, VerifyError};

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The signing secret: `whsec_` + base64, or bare base64.
    #[arg(long, value_name = "SECRET")]
    secret: String,
    /// A request header, `NAME: VALUE` (repeat for `webhook-id`,
    /// `webhook-timestamp` and `webhook-signature`, or the `svix-*` aliases).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// The current time in Unix seconds (default: the system clock).
    #[arg(long, value_name = "UNIX", allow_negative_numbers = true)]
    now: Option<i64>,
    /// How far the timestamp may be from now, in seconds, either direction.
    #[arg(long, value_name = "SECONDS", default_value_t = eventsmith_webhook::DEFAULT_TOLERANCE.as_secs())]
    tolerance: u64,
    /// Validate an authentic body as an event, as `validate` does.
    #[arg(long)]
    validate: bool,
    /// The catalog directory (with --validate).
    #[arg(long, default_value = "schemas")]
    schemas: PathBuf,
    /// The raw body, byte for byte; `-` or none reads standard input.
    #[arg(value_name = "BODY_FILE|-")]
    body: Option<PathBuf>,
}

/// The rule a [`VerifyError`] reports, as a short stable name.
fn rule(error: &VerifyError) -> &'static str {
    match error {
        VerifyError::MissingHeader(_) => "missing-header",
        VerifyError::EmptyId => "empty-id",
        VerifyError::InvalidTimestamp(_) => "invalid-timestamp",
        VerifyError::TimestampTooOld { .. } => "timestamp-too-old",
        VerifyError::TimestampTooNew { .. } => "timestamp-too-new",
        VerifyError::NoSignatures => "no-signatures",
        VerifyError::NoV1Signature => "no-v1-signature",
        VerifyError::SignatureMismatch { .. } => "signature-mismatch",
        _ => "verification",
    }
}

/// Splits `NAME: VALUE` at the first colon; the value loses surrounding
/// spaces and tabs (HTTP optional whitespace).
fn parse_header(text: &str) -> Result<(String, String), String> {
    let Some((name, value)) = text.split_once(':') else {
        return Err(format!(
            "--header {text:?}: expected `NAME: VALUE` (no colon found)"
        ));
    };
    let name = name.trim_matches([' ', '\t']);
    if name.is_empty() {
        return Err(format!("--header {text:?}: the header name is empty"));
    }
    if name
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(format!(
            "--header {text:?}: the header name contains whitespace"
        ));
    }
    Ok((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()))
}

/// Runs the command: exit 0 when authentic (and valid, with --validate), 1
/// when not, 2 on usage errors.
pub fn run(a: Args) -> u8 {
    let secret = match Secret::new(&a.secret) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: --secret: {e}");
            return 2;
        }
    };
    let mut headers = Vec::with_capacity(a.headers.len());
    for h in &a.headers {
        match parse_header(h) {
            Ok(pair) => headers.push(pair),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    }
    let (shown, body) = match read_body(a.body.as_ref()) {
        Ok(read) => read,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    // Load the catalog first, so a catalog problem is a usage error whatever the body.
    let compiled = if a.validate {
        match crate::catalog::load_catalog(&a.schemas) {
            Ok(c) => Some(c),
            Err(code) => return code,
        }
    } else {
        None
    };

    let mut verifier = Verifier::new(secret).tolerance(Duration::from_secs(a.tolerance));
    if let Some(now) = a.now {
        verifier = verifier.clock(move || now);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let verified = match verifier.verify(&headers, &body) {
        Ok(v) => v,
        Err(e) => {
            let _ = writeln!(out, "{shown}: not authentic: {}: {e}", rule(&e));
            return 1;
        }
    };
    let _ = writeln!(
        out,
        "{shown}: authentic: webhook-id {} at {}",
        verified.id(),
        verified.timestamp()
    );
    let Some(compiled) = compiled else { return 0 };

    let outcome = match eventsmith_core::json::parse_slice(&body, Limits::DEFAULT) {
        Ok(value) => CatalogValidator::new(&compiled).validate(&value),
        Err(e) => {
            let _ = writeln!(out, "{shown}: ?@?: /: {e}");
            let _ = writeln!(out, "0 valid, 1 invalid");
            return 1;
        }
    };
    print_outcome(&mut out, &shown, &outcome);
    u8::from(!outcome.valid)
}

/// The `validate` text shape: `PATH: TYPE@VERSION: /pointer: message` per
/// error, then the same summary line.
fn print_outcome(out: &mut impl Write, shown: &str, outcome: &Outcome) {
    let t = outcome.event_type.as_deref().unwrap_or("?");
    let v = outcome.version.as_deref().unwrap_or("?");
    for e in &outcome.errors {
        let ptr = if e.instance_path.is_empty() {
            "/"
        } else {
            &e.instance_path
        };
        let _ = writeln!(out, "{shown}: {t}@{v}: {ptr}: {}", e.message);
    }
    let valid = usize::from(outcome.valid);
    let _ = writeln!(out, "{valid} valid, {} invalid", 1 - valid);
}

/// The body bytes and how to name them in output.
fn read_body(path: Option<&PathBuf>) -> Result<(String, Vec<u8>), String> {
    match path {
        Some(p) if p.as_os_str() != "-" => {
            let shown = p.display().to_string();
            std::fs::read(p)
                .map(|b| (shown.clone(), b))
                .map_err(|e| format!("cannot read {shown}: {e}"))
        }
        _ => {
            let mut body = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut body)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            Ok(("-".to_owned(), body))
        }
    }
}
