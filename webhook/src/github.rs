//! GitHub webhook verification: `X-Hub-Signature-256`, and the JSON of
//! form-encoded deliveries.

use std::borrow::Cow;
use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::{ConditionallySelectable, ConstantTimeEq};

use super::headers::{
    HeaderSource, X_GITHUB_DELIVERY, X_GITHUB_EVENT, X_HUB_SIGNATURE, X_HUB_SIGNATURE_256,
};
use super::percent;

type HmacSha256 = Hmac<Sha256>;

/// What precedes the hex digest in `X-Hub-Signature-256`.
const PREFIX: &str = "sha256=";
/// Hex digits of a SHA-256 MAC.
const HEX_LEN: usize = 64;
/// The one text to show callers whatever check failed.
const PUBLIC_MESSAGE: &str = "webhook verification failed";

/// Verifies GitHub webhook deliveries.
///
/// A delivery is accepted when
/// 1. `X-GitHub-Event` and `X-GitHub-Delivery` are present and not empty
///    (the event names the payload's schema, the delivery GUID is the
///    idempotency key: redeliveries keep it);
/// 2. `X-Hub-Signature-256` is `sha256=` followed by 64 lowercase hex digits
///    (GitHub's documented form; uppercase hex is refused, so a signature
///    has one spelling);
/// 3. those digits are the HMAC-SHA256 of the raw body keyed with one of the
///    secrets (their UTF-8 bytes), compared in constant time with every
///    secret.
///
/// Several secrets can be active, for rotation: add the new one, change it
/// at GitHub, then drop the old one; [`GitHubDelivery::secret_index`] tells
/// which one matched. The legacy SHA-1 `X-Hub-Signature` is not supported: a
/// delivery that carries only it is refused with
/// [`GitHubError::LegacySignatureOnly`] (GitHub sends both headers when a
/// secret is set, so nothing real is lost).
///
/// GitHub signs no timestamp, so a captured delivery stays valid forever:
/// drop repeats by [`GitHubDelivery::id`] with a [`SeenIds`](super::SeenIds).
/// `body` must be the bytes exactly as received; for form-encoded deliveries
/// that is the form body, and [`github_payload`] then extracts the JSON.
///
/// ```
/// use eventsmith_webhook::{GitHubError, GitHubVerifier};
///
/// // GitHub's documented test vector.
/// let verifier = GitHubVerifier::new("It's a Secret to Everybody").unwrap();
/// let body = b"Hello, World!";
/// let signature = verifier.sign(body);
/// assert_eq!(
///     signature,
///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
/// );
/// let headers = [
///     ("X-GitHub-Event", "ping"),
///     ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
///     ("X-Hub-Signature-256", signature.as_str()),
/// ];
/// let delivery = verifier.verify(&headers, body).unwrap();
/// assert_eq!((delivery.event(), delivery.secret_index()), ("ping", 0));
///
/// let error = verifier.verify(&headers, b"Hello, World?").unwrap_err();
/// assert!(matches!(error, GitHubError::SignatureMismatch { .. }));
/// assert_eq!(error.public_message(), "webhook verification failed");
/// ```
#[derive(Clone)]
pub struct GitHubVerifier {
    /// HMAC states with the keys already absorbed, in the order given.
    keys: Vec<HmacSha256>,
}

impl GitHubVerifier {
    /// A verifier for one secret (the webhook's secret as typed at GitHub).
    ///
    /// # Errors
    /// [`GitHubSecretError::Empty`] for an empty secret.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, GitHubSecretError> {
        Self::with_secrets([secret])
    }

    /// A verifier accepting any of `secrets`; [`sign`](Self::sign) uses the
    /// first.
    ///
    /// # Errors
    /// [`GitHubSecretError::NoSecrets`] when there are none,
    /// [`GitHubSecretError::Empty`] (with its position) for an empty one.
    pub fn with_secrets<S: AsRef<[u8]>>(
        secrets: impl IntoIterator<Item = S>,
    ) -> Result<Self, GitHubSecretError> {
        let keys = secrets
            .into_iter()
            .enumerate()
            .map(|(index, secret)| {
                let secret = secret.as_ref();
                if secret.is_empty() {
                    return Err(GitHubSecretError::Empty { index });
                }
                // HMAC accepts keys of every length; the error cannot occur.
                HmacSha256::new_from_slice(secret).map_err(|_| GitHubSecretError::Empty { index })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(GitHubSecretError::NoSecrets);
        }
        Ok(Self { keys })
    }

    /// How many secrets are active.
    #[must_use]
    pub fn secret_count(&self) -> usize {
        self.keys.len()
    }

    /// Checks a delivery; see the type's documentation for the rules.
    ///
    /// # Errors
    /// The first rule that fails, as a [`GitHubError`].
    pub fn verify<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<GitHubDelivery, GitHubError> {
        let Some(signature) = headers.header(X_HUB_SIGNATURE_256) else {
            return Err(if headers.header(X_HUB_SIGNATURE).is_some() {
                GitHubError::LegacySignatureOnly
            } else {
                GitHubError::MissingHeader(X_HUB_SIGNATURE_256)
            });
        };
        let event = required(headers, X_GITHUB_EVENT)?;
        let id = required(headers, X_GITHUB_DELIVERY)?;
        let claimed = parse_signature(signature).map_err(GitHubError::MalformedSignature)?;

        // Every secret is tried, so timing does not tell which one matched;
        // `matched` is 1 + the first matching index, 0 for none.
        let mut matched = 0_u64;
        for (index, key) in self.keys.iter().enumerate() {
            let is_match = mac(key, body).ct_eq(&claimed);
            let first = is_match & matched.ct_eq(&0);
            let candidate = u64::try_from(index).unwrap_or(u64::MAX).saturating_add(1);
            matched = u64::conditional_select(&matched, &candidate, first);
        }
        let Some(secret_index) = matched
            .checked_sub(1)
            .and_then(|index| usize::try_from(index).ok())
        else {
            return Err(GitHubError::SignatureMismatch {
                secrets: self.keys.len(),
            });
        };
        Ok(GitHubDelivery {
            id: id.to_owned(),
            event: event.to_owned(),
            secret_index,
        })
    }

    /// The `X-Hub-Signature-256` value for `body` under the first secret:
    /// `sha256=` and the lowercase hex HMAC-SHA256.
    ///
    /// For tests and senders; receiving only needs [`verify`](Self::verify).
    #[must_use]
    pub fn sign(&self, body: &[u8]) -> String {
        // `with_secrets` guarantees a first key.
        let digest = self
            .keys
            .first()
            .map(|key| mac(key, body))
            .unwrap_or_default();
        let mut out = String::with_capacity(PREFIX.len() + HEX_LEN);
        out.push_str(PREFIX);
        for byte in digest {
            out.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
            out.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
        }
        out
    }
}

impl fmt::Debug for GitHubVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHubVerifier")
            .field("secrets", &self.keys.len())
            .finish_non_exhaustive()
    }
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

fn mac(key: &HmacSha256, body: &[u8]) -> [u8; 32] {
    let mut mac = key.clone();
    mac.update(body);
    mac.finalize().into_bytes().into()
}

fn required<'h, H: HeaderSource + ?Sized>(
    headers: &'h H,
    name: &'static str,
) -> Result<&'h str, GitHubError> {
    match headers.header(name).map(trim_ows) {
        None => Err(GitHubError::MissingHeader(name)),
        Some("") => Err(GitHubError::EmptyHeader(name)),
        Some(value) => Ok(value),
    }
}

/// HTTP field values exclude surrounding spaces and tabs (RFC 9110 §5.5);
/// a header source may still hand them over.
fn trim_ows(value: &str) -> &str {
    value.trim_matches([' ', '\t'])
}

/// The 32 bytes of `sha256=<64 lowercase hex digits>`. The value is public
/// (it is in the request), so failing early on its shape reveals nothing.
fn parse_signature(value: &str) -> Result<[u8; 32], GitHubSignatureProblem> {
    let hex = trim_ows(value)
        .strip_prefix(PREFIX)
        .ok_or(GitHubSignatureProblem::NotSha256)?;
    if hex.len() != HEX_LEN {
        return Err(GitHubSignatureProblem::WrongLength { len: hex.len() });
    }
    let mut out = [0_u8; 32];
    for (byte, pair) in out.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        let (high, low) = match pair {
            [high, low] => (nibble(*high)?, nibble(*low)?),
            _ => return Err(GitHubSignatureProblem::NotHex),
        };
        *byte = high << 4 | low;
    }
    Ok(out)
}

fn nibble(digit: u8) -> Result<u8, GitHubSignatureProblem> {
    match digit {
        b'0'..=b'9' => Ok(digit - b'0'),
        b'a'..=b'f' => Ok(digit - b'a' + 10),
        b'A'..=b'F' => Err(GitHubSignatureProblem::UppercaseHex),
        _ => Err(GitHubSignatureProblem::NotHex),
    }
}

/// A GitHub delivery whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHubDelivery {
    id: String,
    event: String,
    secret_index: usize,
}

impl GitHubDelivery {
    /// The `X-GitHub-Delivery` GUID: the same across redeliveries, so use it
    /// as the idempotency key.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The `X-GitHub-Event` name (`pull_request`, `ping`, …): with the
    /// payload's `action`, it selects the payload's schema.
    #[must_use]
    pub fn event(&self) -> &str {
        &self.event
    }

    /// Which secret matched, as a position in the list the verifier was
    /// built with; anything but 0 during a rotation means GitHub still signs
    /// with an older secret.
    #[must_use]
    pub fn secret_index(&self) -> usize {
        self.secret_index
    }
}

/// Which rule a GitHub delivery broke.
///
/// `Display` gives the detail, meant for logs; answer the HTTP request with
/// [`public_message`](Self::public_message), the same for every variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GitHubError {
    /// A required header is absent (its lower-case name).
    MissingHeader(&'static str),
    /// A required header is present but empty.
    EmptyHeader(&'static str),
    /// Only the legacy SHA-1 `X-Hub-Signature` was sent, which is not
    /// supported.
    LegacySignatureOnly,
    /// `X-Hub-Signature-256` is not `sha256=<64 lowercase hex digits>`.
    MalformedSignature(GitHubSignatureProblem),
    /// The signature is well-formed but is not the HMAC of the body under
    /// any secret: a wrong secret, a body that is not the raw bytes
    /// received, or a forged request.
    SignatureMismatch {
        /// How many secrets were tried.
        secrets: usize,
    },
}

impl GitHubError {
    /// One generic text for HTTP responses, the same whichever rule failed,
    /// so callers cannot probe the checks.
    #[must_use]
    pub fn public_message(&self) -> &'static str {
        PUBLIC_MESSAGE
    }
}

impl fmt::Display for GitHubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(name) => write!(f, "missing header `{name}`"),
            Self::EmptyHeader(name) => write!(f, "header `{name}` is empty"),
            Self::LegacySignatureOnly => write!(
                f,
                "only the legacy SHA-1 `{X_HUB_SIGNATURE}` was sent, which is not supported; \
                 GitHub sends `{X_HUB_SIGNATURE_256}` whenever the webhook has a secret"
            ),
            Self::MalformedSignature(problem) => write!(
                f,
                "header `{X_HUB_SIGNATURE_256}` is not `{PREFIX}<64 lowercase hex digits>`: {problem}"
            ),
            Self::SignatureMismatch { secrets } => write!(
                f,
                "`{X_HUB_SIGNATURE_256}` matches none of the {secrets} secret(s): wrong secret, \
                 a body that is not the raw bytes received, or a forged request"
            ),
        }
    }
}

impl std::error::Error for GitHubError {}

/// What is wrong with the shape of an `X-Hub-Signature-256` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GitHubSignatureProblem {
    /// It does not start with `sha256=` (another algorithm, another case,
    /// or no prefix at all).
    NotSha256,
    /// The digest after the prefix is not 64 characters long.
    WrongLength {
        /// Its length in bytes.
        len: usize,
    },
    /// The digest holds a character that is not a hex digit.
    NotHex,
    /// The digest holds uppercase hex digits; GitHub sends lowercase only.
    UppercaseHex,
}

impl fmt::Display for GitHubSignatureProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotSha256 => f.write_str("it does not start with `sha256=`"),
            Self::WrongLength { len } => {
                write!(f, "the digest has {len} characters instead of {HEX_LEN}")
            }
            Self::NotHex => f.write_str("the digest holds a character that is not a hex digit"),
            Self::UppercaseHex => {
                f.write_str("the digest holds uppercase hex digits; GitHub sends lowercase")
            }
        }
    }
}

/// Why a [`GitHubVerifier`] could not be built. Never echoes a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GitHubSecretError {
    /// No secret was given.
    NoSecrets,
    /// The secret at this position is empty; an empty HMAC key is public,
    /// so anyone could sign.
    Empty {
        /// Its position in the list.
        index: usize,
    },
}

impl fmt::Display for GitHubSecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSecrets => f.write_str("no GitHub webhook secret given"),
            Self::Empty { index } => write!(
                f,
                "GitHub webhook secret {index} is empty, which would let anyone sign"
            ),
        }
    }
}

impl std::error::Error for GitHubSecretError {}

/// The JSON of a GitHub delivery, given its `Content-Type` and raw body.
///
/// GitHub posts `application/json` (the body is the JSON, returned
/// borrowed) or, when the webhook is configured so,
/// `application/x-www-form-urlencoded` with the JSON in one `payload` field
/// (returned percent-decoded, `+` read as a space). Media type parameters
/// (`; charset=utf-8`) are ignored; the type is matched ignoring case.
///
/// Verify the signature over the raw body first: GitHub signs what it
/// sends, which for a form delivery is the form body, not the JSON inside.
///
/// ```
/// use eventsmith_webhook::github_payload;
///
/// let form = b"payload=%7B%22zen%22%3A%22Keep+it+logically+awesome.%22%7D";
/// let json = github_payload(Some("application/x-www-form-urlencoded"), form).unwrap();
/// assert_eq!(&*json, br#"{"zen":"Keep it logically awesome."}"#);
/// let raw = github_payload(Some("application/json"), b"{}").unwrap();
/// assert_eq!(&*raw, b"{}");
/// ```
///
/// # Errors
/// [`GitHubPayloadError::MissingContentType`] without a content type,
/// [`GitHubPayloadError::UnsupportedContentType`] for any other media type,
/// and for a form: [`GitHubPayloadError::MissingPayloadField`],
/// [`GitHubPayloadError::DuplicatePayloadField`] (two would be ambiguous) or
/// [`GitHubPayloadError::MalformedEncoding`] (a `%` not followed by two hex
/// digits, in the payload or in a field name).
pub fn github_payload<'a>(
    content_type: Option<&str>,
    body: &'a [u8],
) -> Result<Cow<'a, [u8]>, GitHubPayloadError> {
    let content_type = content_type.ok_or(GitHubPayloadError::MissingContentType)?;
    let essence = trim_ows(content_type.split(';').next().unwrap_or_default());
    if essence.eq_ignore_ascii_case("application/json") {
        return Ok(Cow::Borrowed(body));
    }
    if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(GitHubPayloadError::UnsupportedContentType);
    }
    let mut found = None;
    for pair in body.split(|&byte| byte == b'&') {
        let (name, value) = match pair.iter().position(|&byte| byte == b'=') {
            Some(equals) => (&pair[..equals], &pair[equals + 1..]),
            None => (pair, &[][..]),
        };
        let name =
            percent::decode_bytes(name, true).ok_or(GitHubPayloadError::MalformedEncoding)?;
        if *name != *b"payload" {
            continue;
        }
        if found.is_some() {
            return Err(GitHubPayloadError::DuplicatePayloadField);
        }
        found = Some(value);
    }
    let value = found.ok_or(GitHubPayloadError::MissingPayloadField)?;
    percent::decode_bytes(value, true).ok_or(GitHubPayloadError::MalformedEncoding)
}

/// Why [`github_payload`] found no JSON to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GitHubPayloadError {
    /// The request has no `Content-Type`.
    MissingContentType,
    /// The media type is neither `application/json` nor
    /// `application/x-www-form-urlencoded`.
    UnsupportedContentType,
    /// The form has no `payload` field.
    MissingPayloadField,
    /// The form has more than one `payload` field.
    DuplicatePayloadField,
    /// A `%` in the form is not followed by two hex digits.
    MalformedEncoding,
}

impl GitHubPayloadError {
    /// One generic text for HTTP responses.
    #[must_use]
    pub fn public_message(&self) -> &'static str {
        "unsupported webhook body"
    }
}

impl fmt::Display for GitHubPayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MissingContentType => "the delivery has no `Content-Type`",
            Self::UnsupportedContentType => {
                "the `Content-Type` is neither `application/json` nor \
                 `application/x-www-form-urlencoded`"
            }
            Self::MissingPayloadField => "the form-encoded delivery has no `payload` field",
            Self::DuplicatePayloadField => {
                "the form-encoded delivery has more than one `payload` field"
            }
            Self::MalformedEncoding => {
                "the form-encoded delivery has a `%` not followed by two hex digits"
            }
        })
    }
}

impl std::error::Error for GitHubPayloadError {}
