//! The Standard Webhooks signing secret and the HMAC it keys.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The prefix Standard Webhooks puts before a base64 signing secret.
const SECRET_PREFIX: &str = "whsec_";
/// The prefix of an ed25519 public key (for `v1a` signatures).
const PUBLIC_KEY_PREFIX: &str = "whpk_";

/// A Standard Webhooks signing secret: the HMAC-SHA256 key.
///
/// Parsed from `whsec_` followed by standard padded base64 (as Svix and the
/// Standard Webhooks libraries hand it out), or from the base64 alone; both
/// decode to the same key. Neither `Debug` nor any other trait prints the
/// key.
///
/// ```
/// use eventsmith_webhook::{Secret, SecretError};
///
/// let prefixed: Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse().unwrap();
/// assert_eq!(format!("{prefixed:?}"), "Secret { key_len: 24, .. }");
/// assert!(Secret::new("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
/// assert_eq!(Secret::new("whsec_").unwrap_err(), SecretError::EmptyKey);
/// ```
#[derive(Clone)]
pub struct Secret {
    /// HMAC state with the key already absorbed; cloned for each message.
    mac: HmacSha256,
    key_len: usize,
}

impl Secret {
    /// Parses `whsec_<base64>` or bare standard (padded) base64.
    ///
    /// # Errors
    /// [`SecretError::Empty`] for `""`, [`SecretError::PublicKey`] for a
    /// `whpk_` public key, [`SecretError::InvalidBase64`] when the text is not
    /// standard padded base64 (surrounding whitespace included), and
    /// [`SecretError::EmptyKey`] when it decodes to no bytes (`"whsec_"`).
    pub fn new(secret: &str) -> Result<Self, SecretError> {
        if secret.is_empty() {
            return Err(SecretError::Empty);
        }
        if secret.starts_with(PUBLIC_KEY_PREFIX) {
            return Err(SecretError::PublicKey);
        }
        let (offset, encoded) = match secret.strip_prefix(SECRET_PREFIX) {
            Some(rest) => (SECRET_PREFIX.len(), rest),
            None => (0, secret),
        };
        let key = STANDARD
            .decode(encoded)
            .map_err(|error| SecretError::from_decode(&error, offset))?;
        Self::from_key(&key)
    }

    /// Uses `key` as the raw HMAC key.
    ///
    /// # Errors
    /// [`SecretError::EmptyKey`] when `key` is empty.
    pub fn from_key(key: &[u8]) -> Result<Self, SecretError> {
        if key.is_empty() {
            return Err(SecretError::EmptyKey);
        }
        // HMAC accepts keys of every length; the error cannot occur.
        let mac = HmacSha256::new_from_slice(key).map_err(|_| SecretError::EmptyKey)?;
        Ok(Self {
            mac,
            key_len: key.len(),
        })
    }

    /// The key's length in bytes.
    #[must_use]
    pub fn key_len(&self) -> usize {
        self.key_len
    }

    /// HMAC-SHA256 over `id.timestamp.body`.
    pub(crate) fn mac(&self, id: &str, timestamp: &str, body: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.finalize().into_bytes().into()
    }
}

impl FromStr for Secret {
    type Err = SecretError;

    fn from_str(secret: &str) -> Result<Self, Self::Err> {
        Self::new(secret)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("key_len", &self.key_len)
            .finish_non_exhaustive()
    }
}

/// Why a [`Secret`] could not be built.
///
/// Messages name the position of a problem but never echo the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret is the empty string.
    Empty,
    /// The secret is a `whpk_` ed25519 public key (for `v1a` signatures,
    /// which are not supported) rather than a `whsec_` signing secret.
    PublicKey,
    /// The text after the optional `whsec_` prefix is not standard padded
    /// base64.
    InvalidBase64 {
        /// Byte offset of the problem in the whole secret string, when the
        /// decoder could point at one.
        offset: Option<usize>,
        /// What is wrong there.
        reason: &'static str,
    },
    /// The secret decodes to zero bytes; an empty HMAC key would let anyone
    /// forge signatures.
    EmptyKey,
    /// A verifier was given no secret at all.
    NoSecrets,
}

impl SecretError {
    /// Describes a base64 error without echoing the offending symbol, which
    /// may be part of the key.
    fn from_decode(error: &base64::DecodeError, prefix_len: usize) -> Self {
        use base64::DecodeError as D;
        let (offset, reason) = match *error {
            D::InvalidByte(offset, _) => (
                Some(offset),
                "a character outside the standard base64 alphabet (or misplaced `=`)",
            ),
            D::InvalidLength(_) => (None, "a length that no base64 encoding has"),
            D::InvalidLastSymbol { offset, .. } => (
                Some(offset),
                "a last symbol with stray low bits (truncated or corrupted)",
            ),
            D::InvalidPadding => (None, "missing or wrong `=` padding"),
        };
        Self::InvalidBase64 {
            offset: offset.map(|offset| offset + prefix_len),
            reason,
        }
    }
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("webhook secret is empty"),
            Self::PublicKey => f.write_str(
                "webhook secret starts with `whpk_`, an ed25519 public key for `v1a` \
                 signatures, which are not supported; use the `whsec_` signing secret",
            ),
            Self::InvalidBase64 {
                offset: Some(offset),
                reason,
            } => write!(
                f,
                "webhook secret is not `whsec_` + standard padded base64: {reason} at byte {offset}"
            ),
            Self::InvalidBase64 {
                offset: None,
                reason,
            } => write!(
                f,
                "webhook secret is not `whsec_` + standard padded base64: {reason}"
            ),
            Self::EmptyKey => f.write_str(
                "webhook secret decodes to an empty key, which would let anyone forge signatures",
            ),
            Self::NoSecrets => f.write_str("no webhook secret given"),
        }
    }
}

impl std::error::Error for SecretError {}
