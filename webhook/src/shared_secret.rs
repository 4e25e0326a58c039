//! Shared-secret authentication, for senders that sign nothing (Impact
//! Stack): a secret in the endpoint URL or in HTTP basic auth.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

use super::percent;

/// The one text to show callers whatever check failed.
const PUBLIC_MESSAGE: &str = "webhook authentication failed";

/// A secret the sender presents as is: in the URL (`?secret=…` or the last
/// path segment) or as HTTP basic auth.
///
/// Comparisons are constant time and independent of the presented value's
/// length: both sides are hashed with SHA-256 and the digests compared with
/// [`subtle`]. Only digests are kept, and `Debug` shows none of them.
///
/// **Basic auth:** a secret built with [`new`](Self::new) is the password and
/// any user name is accepted; one built with [`basic`](Self::basic) requires
/// the user name too. [`verify_token`](Self::verify_token) always compares
/// against the password.
///
/// ```
/// use eventsmith_webhook::{SharedSecret, secret_from_query};
///
/// let secret = SharedSecret::new("s3cr3t").unwrap();
/// let presented = secret_from_query("/hooks/impact-stack?secret=s3cr3t", "secret");
/// assert!(presented.is_some_and(|token| secret.verify_token(&token)));
///
/// let basic = SharedSecret::basic("impact", "s3cr3t").unwrap();
/// // base64("impact:s3cr3t")
/// assert!(basic.verify_basic_auth("Basic aW1wYWN0OnMzY3IzdA==").is_ok());
/// ```
#[derive(Clone)]
pub struct SharedSecret {
    /// SHA-256 of the expected user name, when the user name is checked.
    user: Option<[u8; 32]>,
    /// SHA-256 of the secret (the password for basic auth).
    secret: [u8; 32],
}

impl SharedSecret {
    /// A bare secret: checked by [`verify_token`](Self::verify_token), and as
    /// the password, with any user name, by
    /// [`verify_basic_auth`](Self::verify_basic_auth).
    ///
    /// # Errors
    /// [`SharedSecretError::Empty`] for an empty secret.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, SharedSecretError> {
        let secret = secret.as_ref();
        if secret.is_empty() {
            return Err(SharedSecretError::Empty);
        }
        Ok(Self {
            user: None,
            secret: digest(secret),
        })
    }

    /// Basic-auth credentials: both `user` and `password` must match.
    ///
    /// # Errors
    /// [`SharedSecretError::Empty`] for an empty password,
    /// [`SharedSecretError::UserContainsColon`] for a user name that basic
    /// auth cannot carry.
    pub fn basic(user: &str, password: impl AsRef<[u8]>) -> Result<Self, SharedSecretError> {
        if user.contains(':') {
            return Err(SharedSecretError::UserContainsColon);
        }
        Ok(Self {
            user: Some(digest(user.as_bytes())),
            ..Self::new(password)?
        })
    }

    /// Whether `presented` equals the secret (the password, for
    /// [`basic`](Self::basic) credentials), in constant time.
    #[must_use]
    pub fn verify_token(&self, presented: &str) -> bool {
        self.matches_secret(presented.as_bytes()).into()
    }

    /// Checks an `Authorization` header value of the form
    /// `Basic <base64(user:password)>` (scheme case-insensitive, padded
    /// standard base64). The password is everything after the first `:`.
    ///
    /// # Errors
    /// [`SharedSecretError::NotBasic`], [`SharedSecretError::InvalidBase64`]
    /// or [`SharedSecretError::MissingColon`] for a malformed value, and
    /// [`SharedSecretError::Mismatch`] for wrong credentials.
    pub fn verify_basic_auth(&self, authorization: &str) -> Result<(), SharedSecretError> {
        let credentials = BasicCredentials::parse(authorization)?;
        if bool::from(self.matches_basic(&credentials)) {
            Ok(())
        } else {
            Err(SharedSecretError::Mismatch)
        }
    }

    fn matches_secret(&self, presented: &[u8]) -> Choice {
        digest(presented).ct_eq(&self.secret)
    }

    fn matches_basic(&self, credentials: &BasicCredentials) -> Choice {
        let user_ok = match &self.user {
            Some(expected) => credentials.user.ct_eq(expected),
            None => Choice::from(1),
        };
        user_ok & credentials.password.ct_eq(&self.secret)
    }
}

/// Digests of the user name and password of a basic-auth header.
struct BasicCredentials {
    user: [u8; 32],
    password: [u8; 32],
}

impl BasicCredentials {
    /// Reads `Basic <base64(user:password)>` (scheme case-insensitive,
    /// padded standard base64; the password is everything after the first
    /// `:`).
    fn parse(authorization: &str) -> Result<Self, SharedSecretError> {
        let authorization = authorization.trim_matches(is_http_whitespace);
        let (scheme, credentials) = authorization
            .split_once(is_http_whitespace)
            .ok_or(SharedSecretError::NotBasic)?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(SharedSecretError::NotBasic);
        }
        let decoded = STANDARD
            .decode(credentials.trim_start_matches(is_http_whitespace))
            .map_err(|_| SharedSecretError::InvalidBase64)?;
        let colon = decoded
            .iter()
            .position(|&byte| byte == b':')
            .ok_or(SharedSecretError::MissingColon)?;
        Ok(Self {
            user: digest(&decoded[..colon]),
            password: digest(&decoded[colon + 1..]),
        })
    }
}

/// Several shared secrets accepted at once, for rotation: give the sender
/// the new secret while the old one still works, then drop the old one.
/// Every secret is compared, in constant time, whichever matches; the
/// verifying methods say which one did, as a position in the list.
///
/// ```
/// use eventsmith_webhook::{SharedSecret, SharedSecrets};
///
/// let secrets = SharedSecrets::new([
///     SharedSecret::new("new-s3cr3t").unwrap(),
///     SharedSecret::new("old-s3cr3t").unwrap(),
/// ])
/// .unwrap();
/// assert_eq!(secrets.verify_token("old-s3cr3t"), Some(1));
/// assert_eq!(secrets.verify_token("guess"), None);
/// ```
#[derive(Clone)]
pub struct SharedSecrets {
    /// Never empty.
    secrets: Vec<SharedSecret>,
}

impl SharedSecrets {
    /// Accepts any of `secrets`.
    ///
    /// # Errors
    /// [`SharedSecretError::NoSecrets`] when there are none.
    pub fn new(secrets: impl IntoIterator<Item = SharedSecret>) -> Result<Self, SharedSecretError> {
        let secrets: Vec<SharedSecret> = secrets.into_iter().collect();
        if secrets.is_empty() {
            return Err(SharedSecretError::NoSecrets);
        }
        Ok(Self { secrets })
    }

    /// How many secrets are active.
    #[must_use]
    pub fn len(&self) -> usize {
        self.secrets.len()
    }

    /// Always `false`: a set holds at least one secret.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// The position of the first secret `presented` equals (see
    /// [`SharedSecret::verify_token`]), every secret compared.
    #[must_use]
    pub fn verify_token(&self, presented: &str) -> Option<usize> {
        let presented = digest(presented.as_bytes());
        first_match(
            self.secrets
                .iter()
                .map(|secret| presented.ct_eq(&secret.secret)),
        )
    }

    /// The position of the first secret whose credentials an
    /// `Authorization` header carries (see
    /// [`SharedSecret::verify_basic_auth`]), every secret compared.
    ///
    /// # Errors
    /// As [`SharedSecret::verify_basic_auth`].
    pub fn verify_basic_auth(&self, authorization: &str) -> Result<usize, SharedSecretError> {
        let credentials = BasicCredentials::parse(authorization)?;
        first_match(
            self.secrets
                .iter()
                .map(|secret| secret.matches_basic(&credentials)),
        )
        .ok_or(SharedSecretError::Mismatch)
    }
}

impl From<SharedSecret> for SharedSecrets {
    fn from(secret: SharedSecret) -> Self {
        Self {
            secrets: vec![secret],
        }
    }
}

impl fmt::Debug for SharedSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedSecrets")
            .field("secrets", &self.secrets)
            .finish()
    }
}

/// The first position whose comparison succeeded, after making every one.
fn first_match(comparisons: impl Iterator<Item = Choice>) -> Option<usize> {
    let results: Vec<Choice> = comparisons.collect();
    results.iter().position(|matched| bool::from(*matched))
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedSecret")
            .field("checks_user", &self.user.is_some())
            .finish_non_exhaustive()
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn is_http_whitespace(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Why a [`SharedSecret`] could not be built or did not match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SharedSecretError {
    /// The configured secret (or password) is empty.
    Empty,
    /// The configured basic-auth user name contains `:`, which basic auth
    /// cannot carry.
    UserContainsColon,
    /// The `Authorization` value is not `Basic <credentials>`.
    NotBasic,
    /// The basic-auth credentials are not standard padded base64.
    InvalidBase64,
    /// The decoded basic-auth credentials have no `:` between user and
    /// password.
    MissingColon,
    /// The credentials are well-formed but wrong.
    Mismatch,
    /// A [`SharedSecrets`] was given no secret at all.
    NoSecrets,
}

impl SharedSecretError {
    /// One generic text for HTTP responses, the same whichever check failed.
    #[must_use]
    pub fn public_message(&self) -> &'static str {
        PUBLIC_MESSAGE
    }
}

impl fmt::Display for SharedSecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "shared webhook secret is empty",
            Self::UserContainsColon => "basic-auth user name contains `:`",
            Self::NotBasic => "`Authorization` header is not `Basic <credentials>`",
            Self::InvalidBase64 => "basic-auth credentials are not standard padded base64",
            Self::MissingColon => "basic-auth credentials have no `:` between user and password",
            Self::Mismatch => "basic-auth credentials do not match",
            Self::NoSecrets => "no shared webhook secret given",
        })
    }
}

impl std::error::Error for SharedSecretError {}

/// The value of query parameter `name` in `target`, percent-decoded (`+` is
/// a space).
///
/// `target` is a URL, a request target (`/hooks?secret=…`) or a bare query
/// string: the query is what follows the first `?`, or all of `target` when
/// it has none, up to any `#`. Returns `None` when the parameter is absent,
/// empty, given more than once (ambiguous), or not valid percent-encoded
/// UTF-8.
///
/// ```
/// use eventsmith_webhook::secret_from_query;
///
/// let secret = secret_from_query("https://example.com/hook?a=1&secret=x%2By", "secret");
/// assert_eq!(secret.as_deref(), Some("x+y"));
/// assert_eq!(secret_from_query("secret=a&secret=b", "secret"), None);
/// ```
#[must_use]
pub fn secret_from_query<'a>(target: &'a str, name: &str) -> Option<Cow<'a, str>> {
    let target = strip_fragment(target);
    let query = target.split_once('?').map_or(target, |(_, query)| query);
    let mut found = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if percent::decode_str(key, true).is_none_or(|key| key != name) {
            continue;
        }
        if found.is_some() {
            return None;
        }
        found = Some(value);
    }
    let value = percent::decode_str(found?, true)?;
    (!value.is_empty()).then_some(value)
}

/// The last segment of the path of `target` (a URL or a request target),
/// percent-decoded; one trailing `/` is ignored.
///
/// Returns `None` when the segment is empty or not valid percent-encoded
/// UTF-8.
///
/// ```
/// use eventsmith_webhook::secret_from_last_path_segment;
///
/// let secret = secret_from_last_path_segment("https://example.com/hooks/s3cr3t?x=1");
/// assert_eq!(secret.as_deref(), Some("s3cr3t"));
/// assert_eq!(secret_from_last_path_segment("https://example.com/"), None);
/// ```
#[must_use]
pub fn secret_from_last_path_segment(target: &str) -> Option<Cow<'_, str>> {
    let target = strip_fragment(target);
    let target = target.split_once('?').map_or(target, |(path, _)| path);
    let path = match target.split_once("://") {
        // Drop the scheme and authority; no path left means no segment.
        Some((_, rest)) => rest.find('/').map_or("", |slash| &rest[slash..]),
        None => target,
    };
    let path = path.strip_suffix('/').unwrap_or(path);
    let segment = path.rsplit('/').next().unwrap_or(path);
    let segment = percent::decode_str(segment, false)?;
    (!segment.is_empty()).then_some(segment)
}

fn strip_fragment(target: &str) -> &str {
    target.split_once('#').map_or(target, |(before, _)| before)
}
