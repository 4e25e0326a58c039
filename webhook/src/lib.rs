//! Receiving webhooks safely: signature checks, shared secrets and replay
//! protection, with no web framework attached.
//!
//! - [`Verifier`] checks [Standard Webhooks] signatures (the scheme Svix
//!   delivers): the `webhook-id`, `webhook-timestamp` and `webhook-signature`
//!   headers (or their `svix-*` aliases), a timestamp within a tolerance of
//!   now, and an HMAC-SHA256 over `id.timestamp.body` compared in constant
//!   time. [`Secret`] parses the `whsec_…` signing secret.
//! - [`GitHubVerifier`] checks GitHub's `X-Hub-Signature-256` (HMAC-SHA256
//!   of the raw body, lowercase hex, constant-time compare) against one or
//!   more active secrets, and hands back the `X-GitHub-Event` and
//!   `X-GitHub-Delivery` headers; [`github_payload`] takes the JSON out of a
//!   form-encoded delivery.
//! - [`HeaderSource`] is how the verifiers read headers; it is implemented
//!   for slices, arrays and `Vec`s of name/value pairs and for `HashMap` and
//!   `BTreeMap`, and is a one-method trait to implement for a framework's
//!   header map.
//! - [`SharedSecret`] is for senders that sign nothing (Impact Stack): a
//!   secret in the URL or in HTTP basic auth, compared in constant time.
//!   [`secret_from_query`] and [`secret_from_last_path_segment`] pull it out
//!   of a request target.
//! - Every scheme accepts several active secrets, for rotation
//!   ([`Verifier::with_secrets`], [`GitHubVerifier::with_secrets`],
//!   [`SharedSecrets`]), and reports which one matched.
//! - [`SeenIds`] deduplicates deliveries by id (senders retry, so the same
//!   event can arrive more than once) in two steps, claim then commit, so
//!   that a delivery whose handling failed is handled again on retry:
//!   [`InMemorySeenIds`] for one process, `SqliteSeenIds` (feature
//!   `sqlite`) durable across restarts.
//!
//! Every check returns an error that says which rule failed, for logs; answer
//! the HTTP request with the error's `public_message()` only, so a caller
//! learns nothing about which check it tripped.
//!
//! ```
//! use eventsmith_webhook::{Claim, InMemorySeenIds, SeenIds, Secret, Verifier};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret: Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse()?;
//! let verifier = Verifier::new(secret).clock(|| 1_614_265_330);
//! let seen = InMemorySeenIds::default();
//!
//! let body = br#"{"test": 2432232314}"#;
//! let headers = [
//!     ("Webhook-Id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
//!     ("Webhook-Timestamp", "1614265330"),
//!     ("Webhook-Signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
//! ];
//! match verifier.verify(&headers, body) {
//!     Ok(delivery) => {
//!         if seen.claim(delivery.id(), delivery.timestamp())? == Claim::New {
//!             // parse and handle `body` here, then:
//!             seen.commit(delivery.id(), delivery.timestamp())?;
//!         }
//!     }
//!     Err(error) => {
//!         // log `error` (its Display names the failed rule) and answer
//!         // 401 with `error.public_message()`
//!         return Err(error.into());
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! [Standard Webhooks]: https://www.standardwebhooks.com/

mod github;
mod headers;
mod percent;
mod secret;
mod seen;
mod shared_secret;
#[cfg(feature = "sqlite")]
mod sqlite;
mod verify;

pub use github::{
    GitHubDelivery, GitHubError, GitHubPayloadError, GitHubSecretError, GitHubSignatureProblem,
    GitHubVerifier, github_payload,
};
pub use headers::{
    HeaderSource, SVIX_ID, SVIX_SIGNATURE, SVIX_TIMESTAMP, WEBHOOK_ID, WEBHOOK_SIGNATURE,
    WEBHOOK_TIMESTAMP, X_GITHUB_DELIVERY, X_GITHUB_EVENT, X_HUB_SIGNATURE, X_HUB_SIGNATURE_256,
};
/// The SQLite binding [`SqliteSeenIds::commit_with`] hands its transaction
/// from, for writing a handler's effect in the commit's transaction.
#[cfg(feature = "sqlite")]
pub use rusqlite;
pub use secret::{Secret, SecretError};
pub use seen::{
    Claim, DEFAULT_CLAIM_LEASE, DEFAULT_SEEN_EXPIRY, InMemorySeenIds, SeenIds, SeenIdsError,
};
pub use shared_secret::{
    SharedSecret, SharedSecretError, SharedSecrets, secret_from_last_path_segment,
    secret_from_query,
};
#[cfg(feature = "sqlite")]
pub use sqlite::{DEFAULT_TABLE, SqliteSeenIds};
pub use verify::{DEFAULT_TOLERANCE, TimestampProblem, Verified, Verifier, VerifyError};
