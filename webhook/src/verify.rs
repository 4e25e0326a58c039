//! Standard Webhooks signature verification.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use subtle::{Choice, ConstantTimeEq};

use super::headers::{
    HeaderSource, SVIX_ID, SVIX_SIGNATURE, SVIX_TIMESTAMP, WEBHOOK_ID, WEBHOOK_SIGNATURE,
    WEBHOOK_TIMESTAMP, lookup,
};
use super::secret::{Secret, SecretError};

/// How far a `webhook-timestamp` may be from now, in either direction, by
/// default: 300 s, as in every reference library and Svix.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The only signature version this verifier checks.
const VERSION: &str = "v1";
/// Length of standard padded base64 of a 32-byte MAC.
const ENCODED_MAC_LEN: usize = 44;
/// The one text to show callers whatever check failed.
const PUBLIC_MESSAGE: &str = "webhook verification failed";

type ClockFn = dyn Fn() -> i64 + Send + Sync;

/// Verifies [Standard Webhooks](https://www.standardwebhooks.com/)
/// signatures (`v1`, HMAC-SHA256), as Svix sends them.
///
/// A request is accepted when
/// 1. `webhook-id`, `webhook-timestamp` and `webhook-signature` are present
///    (each may instead come as `svix-id`, `svix-timestamp`,
///    `svix-signature`), the id is not empty;
/// 2. the timestamp is a plain integer (ASCII digits only) of Unix seconds
///    no more than the tolerance (default 300 s, inclusive) before or after
///    now;
/// 3. one of the signature header's space-delimited `v1,<base64>` entries
///    decodes to the HMAC-SHA256, keyed by one of the secrets, of
///    `<id>.<timestamp>.<body>`, compared in constant time (every entry
///    with every secret). Entries of other versions (`v1a`, `v2`, …) are
///    skipped; empty, truncated, non-base64 or wrong-length entries never
///    match.
///
/// Several secrets can be active, for rotation
/// ([`with_secrets`](Self::with_secrets)): a sender rotating its secret
/// signs with both for a while (one `v1` entry each), and a receiver
/// rotating first accepts both; [`Verified::secret_index`] says which one
/// matched.
///
/// `body` must be the bytes exactly as received; any re-serialisation of the
/// JSON breaks the signature. After a successful check, use
/// [`Verified::id`] with a [`SeenIds`](super::SeenIds) to drop retried
/// deliveries.
///
/// ```
/// use std::time::Duration;
/// use eventsmith_webhook::{Secret, Verifier, VerifyError};
///
/// let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
/// let verifier = Verifier::new(secret)
///     .tolerance(Duration::from_secs(60))
///     .clock(|| 1_700_000_000);
///
/// let signature = verifier.sign("msg_1", 1_700_000_000, b"{}");
/// let headers = vec![
///     ("webhook-id".to_owned(), "msg_1".to_owned()),
///     ("webhook-timestamp".to_owned(), "1700000000".to_owned()),
///     ("webhook-signature".to_owned(), signature),
/// ];
/// let verified = verifier.verify(&headers, b"{}").unwrap();
/// assert_eq!(verified.id(), "msg_1");
///
/// let error = verifier.verify(&headers, b"{ }").unwrap_err();
/// assert!(matches!(error, VerifyError::SignatureMismatch { .. }));
/// assert_eq!(error.public_message(), "webhook verification failed");
/// ```
#[derive(Clone)]
pub struct Verifier {
    /// Never empty; the first signs.
    secrets: Vec<Secret>,
    tolerance: Duration,
    /// `None` reads the system clock.
    clock: Option<Arc<ClockFn>>,
}

impl Verifier {
    /// A verifier for `secret` with the default tolerance and the system
    /// clock.
    #[must_use]
    pub fn new(secret: Secret) -> Self {
        Self {
            secrets: vec![secret],
            tolerance: DEFAULT_TOLERANCE,
            clock: None,
        }
    }

    /// A verifier accepting a signature by any of `secrets` (rotation: the
    /// new secret and the old one), with the default tolerance and the
    /// system clock; [`sign`](Self::sign) uses the first.
    ///
    /// # Errors
    /// [`SecretError::NoSecrets`] when `secrets` is empty.
    pub fn with_secrets(secrets: impl IntoIterator<Item = Secret>) -> Result<Self, SecretError> {
        let secrets: Vec<Secret> = secrets.into_iter().collect();
        if secrets.is_empty() {
            return Err(SecretError::NoSecrets);
        }
        Ok(Self {
            secrets,
            tolerance: DEFAULT_TOLERANCE,
            clock: None,
        })
    }

    /// How many secrets are active.
    #[must_use]
    pub fn secret_count(&self) -> usize {
        self.secrets.len()
    }

    /// How far the timestamp may be from now, in either direction
    /// (inclusive; whole seconds count, fractions are dropped).
    #[must_use]
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Replaces the clock: `now` returns the current Unix time in seconds.
    #[must_use]
    pub fn clock(mut self, now: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(now));
        self
    }

    /// Checks a delivery against the clock; see the type's documentation for
    /// the rules.
    ///
    /// # Errors
    /// The first rule that fails, as a [`VerifyError`].
    pub fn verify<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<Verified, VerifyError> {
        self.verify_at(headers, body, self.now())
    }

    /// Checks a delivery as if the current Unix time were `now`.
    ///
    /// # Errors
    /// The first rule that fails, as a [`VerifyError`].
    pub fn verify_at<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: i64,
    ) -> Result<Verified, VerifyError> {
        let id =
            lookup(headers, WEBHOOK_ID, SVIX_ID).ok_or(VerifyError::MissingHeader(WEBHOOK_ID))?;
        let raw_timestamp = lookup(headers, WEBHOOK_TIMESTAMP, SVIX_TIMESTAMP)
            .ok_or(VerifyError::MissingHeader(WEBHOOK_TIMESTAMP))?;
        let signatures = lookup(headers, WEBHOOK_SIGNATURE, SVIX_SIGNATURE)
            .ok_or(VerifyError::MissingHeader(WEBHOOK_SIGNATURE))?;
        if id.is_empty() {
            return Err(VerifyError::EmptyId);
        }

        let timestamp = parse_timestamp(raw_timestamp).map_err(VerifyError::InvalidTimestamp)?;
        self.check_age(timestamp, now)?;

        let expected: Vec<[u8; 32]> = self
            .secrets
            .iter()
            .map(|secret| secret.mac(id, raw_timestamp, body))
            .collect();
        let secret_index = check_signatures(signatures, &expected)?;

        Ok(Verified {
            id: id.to_owned(),
            timestamp,
            secret_index,
        })
    }

    /// The `webhook-signature` value for a message: `v1,<base64 HMAC>`.
    ///
    /// For senders and tests; the receiving side only needs
    /// [`verify`](Self::verify).
    #[must_use]
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        // Construction guarantees a first secret.
        let mac = self
            .secrets
            .first()
            .map(|secret| secret.mac(id, &timestamp.to_string(), body))
            .unwrap_or_default();
        format!("{VERSION},{}", STANDARD.encode(mac))
    }

    fn now(&self) -> i64 {
        match &self.clock {
            Some(clock) => clock(),
            None => system_now(),
        }
    }

    fn check_age(&self, timestamp: i64, now: i64) -> Result<(), VerifyError> {
        let tolerance_secs = self.tolerance.as_secs();
        // i128 holds every difference of two i64s and every u64.
        let age = i128::from(now) - i128::from(timestamp);
        if age > i128::from(tolerance_secs) {
            Err(VerifyError::TimestampTooOld {
                timestamp,
                now,
                tolerance_secs,
            })
        } else if -age > i128::from(tolerance_secs) {
            Err(VerifyError::TimestampTooNew {
                timestamp,
                now,
                tolerance_secs,
            })
        } else {
            Ok(())
        }
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &self.secrets)
            .field("tolerance", &self.tolerance)
            .field(
                "clock",
                &if self.clock.is_some() {
                    "custom"
                } else {
                    "system"
                },
            )
            .finish()
    }
}

/// Seconds since the Unix epoch from the system clock (negative before it,
/// saturating far outside `i64`).
fn system_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |secs| -secs),
    }
}

/// Digits only: no sign, spaces, decimals or exponent.
fn parse_timestamp(raw: &str) -> Result<i64, TimestampProblem> {
    if raw.is_empty() {
        return Err(TimestampProblem::Empty);
    }
    if !raw.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(TimestampProblem::NotDigits);
    }
    raw.parse().map_err(|_| TimestampProblem::OutOfRange)
}

/// The index of the first secret whose MAC (`expected`, one per secret)
/// some `v1` entry of `header` matches.
fn check_signatures(header: &str, expected: &[[u8; 32]]) -> Result<usize, VerifyError> {
    let mut entries = 0_usize;
    let mut v1_entries = 0_usize;
    let mut matched = vec![Choice::from(0); expected.len()];
    for entry in header.split(' ').filter(|entry| !entry.is_empty()) {
        entries += 1;
        let Some((version, encoded)) = entry.split_once(',') else {
            continue;
        };
        if version != VERSION {
            continue;
        }
        v1_entries += 1;
        // Every v1 entry is compared with every secret, so timing does not
        // reveal which matched.
        let decoded = decode_entry(encoded);
        for (matched, expected) in matched.iter_mut().zip(expected) {
            *matched |= match &decoded {
                Some(decoded) => decoded.as_slice().ct_eq(expected.as_slice()),
                None => Choice::from(0),
            };
        }
    }
    if let Some(index) = matched.iter().position(|matched| bool::from(*matched)) {
        Ok(index)
    } else if entries == 0 {
        Err(VerifyError::NoSignatures)
    } else if v1_entries == 0 {
        Err(VerifyError::NoV1Signature)
    } else {
        Err(VerifyError::SignatureMismatch { v1_entries })
    }
}

/// The 32 bytes of an entry, `None` for one that cannot be a MAC.
fn decode_entry(encoded: &str) -> Option<[u8; 32]> {
    // The length is public (it is in the request); rejecting early on it
    // reveals nothing about the key.
    if encoded.len() != ENCODED_MAC_LEN {
        return None;
    }
    STANDARD.decode(encoded).ok()?.try_into().ok()
}

/// A delivery whose signature and timestamp checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    id: String,
    timestamp: i64,
    secret_index: usize,
}

impl Verified {
    /// The `webhook-id`: the same across retries of one message, so use it
    /// as the idempotency key.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The `webhook-timestamp`, in Unix seconds (the time of this delivery
    /// attempt, not of the event).
    #[must_use]
    pub fn timestamp(&self) -> i64 {
        self.timestamp
    }

    /// Which secret matched, as a position in the list the verifier was
    /// built with; anything but 0 during a rotation means the sender still
    /// signs with an older secret only.
    #[must_use]
    pub fn secret_index(&self) -> usize {
        self.secret_index
    }

    /// The id, owned.
    #[must_use]
    pub fn into_id(self) -> String {
        self.id
    }
}

/// Which rule a delivery broke.
///
/// `Display` gives the detail, meant for logs; answer the HTTP request with
/// [`public_message`](Self::public_message), which is the same for every
/// variant.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A required header is absent (under both its `webhook-*` name, which is
    /// the one held here, and its `svix-*` alias).
    MissingHeader(&'static str),
    /// The `webhook-id` header is present but empty.
    EmptyId,
    /// The `webhook-timestamp` header is not an integer number of seconds.
    InvalidTimestamp(TimestampProblem),
    /// The timestamp is more than the tolerance before now: a replayed or
    /// long-delayed delivery, or a slow clock here.
    TimestampTooOld {
        /// The delivery's timestamp.
        timestamp: i64,
        /// The verifier's clock.
        now: i64,
        /// The accepted distance, in seconds.
        tolerance_secs: u64,
    },
    /// The timestamp is more than the tolerance after now: a clock ahead at
    /// the sender or behind here.
    TimestampTooNew {
        /// The delivery's timestamp.
        timestamp: i64,
        /// The verifier's clock.
        now: i64,
        /// The accepted distance, in seconds.
        tolerance_secs: u64,
    },
    /// The signature header holds no entries at all.
    NoSignatures,
    /// The signature header holds entries, but none of version `v1`.
    NoV1Signature,
    /// No `v1` entry matches: the secret is wrong, the body is not the raw
    /// bytes that were signed, or the request is forged.
    SignatureMismatch {
        /// How many `v1` entries were compared.
        v1_entries: usize,
    },
}

impl VerifyError {
    /// One generic text for HTTP responses, the same whichever rule failed,
    /// so callers cannot probe the checks.
    #[must_use]
    pub fn public_message(&self) -> &'static str {
        PUBLIC_MESSAGE
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(name) => match alias(name) {
                Some(alias) => write!(f, "missing header `{name}` (or its alias `{alias}`)"),
                None => write!(f, "missing header `{name}`"),
            },
            Self::EmptyId => write!(f, "header `{WEBHOOK_ID}` is empty"),
            Self::InvalidTimestamp(problem) => write!(
                f,
                "header `{WEBHOOK_TIMESTAMP}` is not an integer number of Unix seconds: {problem}"
            ),
            Self::TimestampTooOld {
                timestamp,
                now,
                tolerance_secs,
            } => write!(
                f,
                "`{WEBHOOK_TIMESTAMP}` {timestamp} is {} s before now ({now}), \
                 more than the {tolerance_secs} s tolerance",
                i128::from(*now) - i128::from(*timestamp)
            ),
            Self::TimestampTooNew {
                timestamp,
                now,
                tolerance_secs,
            } => write!(
                f,
                "`{WEBHOOK_TIMESTAMP}` {timestamp} is {} s after now ({now}), \
                 more than the {tolerance_secs} s tolerance",
                i128::from(*timestamp) - i128::from(*now)
            ),
            Self::NoSignatures => write!(f, "header `{WEBHOOK_SIGNATURE}` holds no signatures"),
            Self::NoV1Signature => write!(
                f,
                "header `{WEBHOOK_SIGNATURE}` holds no `{VERSION}` signature \
                 (other versions, such as `v1a`, are not supported)"
            ),
            Self::SignatureMismatch { v1_entries } => write!(
                f,
                "none of the {v1_entries} `{VERSION}` signature(s) matches: wrong secret, \
                 a body that is not the raw bytes received, or a forged request"
            ),
        }
    }
}

impl std::error::Error for VerifyError {}

fn alias(name: &str) -> Option<&'static str> {
    match name {
        WEBHOOK_ID => Some(SVIX_ID),
        WEBHOOK_TIMESTAMP => Some(SVIX_TIMESTAMP),
        WEBHOOK_SIGNATURE => Some(SVIX_SIGNATURE),
        _ => None,
    }
}

/// Why a `webhook-timestamp` value is not an integer of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampProblem {
    /// The value is empty.
    Empty,
    /// The value holds something other than ASCII digits (a sign, space,
    /// decimal point, exponent, …).
    NotDigits,
    /// The digits do not fit a 64-bit signed integer.
    OutOfRange,
}

impl fmt::Display for TimestampProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "it is empty",
            Self::NotDigits => "it holds a character other than the digits 0-9",
            Self::OutOfRange => "it does not fit in a 64-bit signed integer",
        })
    }
}
