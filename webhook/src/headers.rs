//! Reading request headers without depending on a web framework.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

/// The Standard Webhooks message id header.
pub const WEBHOOK_ID: &str = "webhook-id";
/// The Standard Webhooks timestamp header (integer Unix seconds).
pub const WEBHOOK_TIMESTAMP: &str = "webhook-timestamp";
/// The Standard Webhooks signature header (space-delimited `version,signature`).
pub const WEBHOOK_SIGNATURE: &str = "webhook-signature";
/// Svix's alias of [`WEBHOOK_ID`].
pub const SVIX_ID: &str = "svix-id";
/// Svix's alias of [`WEBHOOK_TIMESTAMP`].
pub const SVIX_TIMESTAMP: &str = "svix-timestamp";
/// Svix's alias of [`WEBHOOK_SIGNATURE`].
pub const SVIX_SIGNATURE: &str = "svix-signature";
/// GitHub's signature header: `sha256=<lowercase hex HMAC-SHA256 of the body>`.
pub const X_HUB_SIGNATURE_256: &str = "x-hub-signature-256";
/// GitHub's legacy SHA-1 signature header (`sha1=…`), not supported.
pub const X_HUB_SIGNATURE: &str = "x-hub-signature";
/// GitHub's event name header (`pull_request`, `ping`, …).
pub const X_GITHUB_EVENT: &str = "x-github-event";
/// GitHub's delivery GUID header, kept across redeliveries.
pub const X_GITHUB_DELIVERY: &str = "x-github-delivery";

/// Where a verifier reads request headers from.
///
/// HTTP field names are case-insensitive, so implementations must match
/// `name` ignoring ASCII case; the verifier always asks with lower-case
/// names. The implementations provided here (slices, arrays and `Vec`s of
/// `(name, value)` pairs, `HashMap` and `BTreeMap`, with any string-like
/// names and values) do that. Should a collection hold several names that
/// are equal ignoring case, the one spelled exactly like `name` wins, then
/// the smallest by byte order, so the choice never depends on a hash map's
/// iteration order.
///
/// For a framework's header map, implement it in a few lines:
///
/// ```
/// use eventsmith_webhook::HeaderSource;
///
/// struct MyHeaders(Vec<(String, Vec<u8>)>);
///
/// impl HeaderSource for MyHeaders {
///     fn header(&self, name: &str) -> Option<&str> {
///         self.0
///             .iter()
///             .find(|(n, _)| n.eq_ignore_ascii_case(name))
///             .and_then(|(_, v)| std::str::from_utf8(v).ok())
///     }
/// }
/// ```
pub trait HeaderSource {
    /// The value of header `name`, matched case-insensitively, if present.
    fn header(&self, name: &str) -> Option<&str>;
}

impl<T: HeaderSource + ?Sized> HeaderSource for &T {
    fn header(&self, name: &str) -> Option<&str> {
        (**self).header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> HeaderSource for [(K, V)] {
    fn header(&self, name: &str) -> Option<&str> {
        find(self.iter().map(|(k, v)| (k.as_ref(), v.as_ref())), name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> HeaderSource for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> HeaderSource for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>, S: BuildHasher> HeaderSource for HashMap<K, V, S> {
    fn header(&self, name: &str) -> Option<&str> {
        find(self.iter().map(|(k, v)| (k.as_ref(), v.as_ref())), name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> HeaderSource for BTreeMap<K, V> {
    fn header(&self, name: &str) -> Option<&str> {
        find(self.iter().map(|(k, v)| (k.as_ref(), v.as_ref())), name)
    }
}

/// The value of the exact-case match, else of the smallest name equal to
/// `name` ignoring ASCII case.
fn find<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>, name: &str) -> Option<&'a str> {
    let mut best: Option<(&str, &str)> = None;
    for (key, value) in pairs {
        if key == name {
            return Some(value);
        }
        if key.eq_ignore_ascii_case(name) && best.is_none_or(|(best_key, _)| key < best_key) {
            best = Some((key, value));
        }
    }
    best.map(|(_, value)| value)
}

/// Looks up `primary`, falling back to `alias`.
pub(crate) fn lookup<'h, H: HeaderSource + ?Sized>(
    headers: &'h H,
    primary: &str,
    alias: &str,
) -> Option<&'h str> {
    headers.header(primary).or_else(|| headers.header(alias))
}
