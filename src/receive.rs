//! From an HTTP request to a typed event in one call.
//!
//! A [`Receiver`] runs every step a webhook endpoint needs, in this order,
//! and stops at the first that fails:
//!
//! 1. **authenticate** the request: a [Standard Webhooks] signature over the
//!    raw body ([`Receiver::standard_webhooks`], Gigs/Svix) or a shared
//!    secret presented in HTTP basic auth or the URL
//!    ([`Receiver::shared_secret`], Impact Stack);
//! 2. **parse** the body under [`Limits`] (size, depth, no duplicate keys);
//! 3. **dispatch** on the event's type and version, **validate** it against
//!    the schema the catalog picks and **decode** it into the source's
//!    generated `Event` enum (any [`EventSource`]);
//! 4. **deduplicate** by delivery id with [`SeenIds`], when configured: the
//!    `webhook-id` header for Standard Webhooks, the event's `id` member
//!    (see [`Receiver::id_field`]) for shared-secret senders.
//!
//! The id is recorded only once the payload has become a typed event: a
//! delivery that fails to parse, dispatch or validate never marks its id as
//! seen, so a corrected retry goes through. If *your* handling of a received
//! event fails and you want the sender's retry, call [`Receiver::forget`].
//!
//! Every failure is a [`ReceiveError`] that names the step
//! ([`ReceiveError::stage`]) and carries the detailed cause for logs, plus an
//! HTTP status hint ([`ReceiveError::status`]) and a generic text for the
//! response body ([`ReceiveError::public_message`]).
//!
//! # Standard Webhooks (Gigs)
//!
//! Any generated source's `Event` enum ([`EventSource`]) can be received;
//! here the shipped Gigs catalog's (cargo feature `gigs`).
//!
//! ```
//! # #[cfg(feature = "gigs")] {
//! use eventsmith::receive::{ReceiveError, Receiver};
//! use eventsmith::webhook::{InMemorySeenIds, Secret, Verifier};
//! use eventsmith::gigs::Event;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = Verifier::new(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?);
//! let receiver = Receiver::<Event>::standard_webhooks(verifier.clone())
//!     .seen_ids(InMemorySeenIds::default());
//!
//! // What Svix would send (signed here for the example).
//! # let body = br#"{"object":"event","id":"evt_0SNlurA049MEWV5gNTcQ5A07h3Ol","actor":{"type":"member","member":"mbr_0SNlurA020zhzt0CwsIr53"},"data":{"object":"sim","id":"sim_0SNlurA049MEWV1BAAmWZULA4lf6","metadata":{},"iccid":"89883070000007537119","provider":"p9","status":"active","type":"eSIM","createdAt":"2021-01-21T19:38:34Z"},"datacontenttype":"application/json","previousData":{"status":"inactive"},"project":"gigs","source":"https://api.gigs.com","specversion":"1.0","time":"2022-03-16T14:12:42.0Z","type":"com.gigs.sim.updated","version":"2025-05-22"}"#;
//! let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
//! let headers = [
//!     ("webhook-id", "msg_2mXb".to_owned()),
//!     ("webhook-timestamp", now.to_string()),
//!     ("webhook-signature", verifier.sign("msg_2mXb", i64::try_from(now)?, body)),
//! ];
//!
//! let delivery = receiver.receive(&headers, body)?;
//! assert_eq!(delivery.event.event_type(), "com.gigs.sim.updated");
//! assert_eq!(delivery.id, "msg_2mXb");
//!
//! // A retry of the same message is recognised; answer it with a 2xx.
//! let again = receiver.receive(&headers, body).unwrap_err();
//! assert!(matches!(again, ReceiveError::Duplicate { .. }));
//! assert_eq!(again.status(), 200);
//! # Ok(())
//! # }
//! # main().unwrap() }
//! ```
//!
//! # Shared secret (Impact Stack)
//!
//! ```
//! # #[cfg(feature = "impact-stack")] {
//! use eventsmith::receive::{ReceiveError, Receiver, Stage};
//! use eventsmith::webhook::{InMemorySeenIds, SharedSecret, secret_from_query};
//! use eventsmith::impact_stack::Event;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let receiver = Receiver::<Event>::shared_secret(SharedSecret::new("s3cr3t")?)
//!     .seen_ids(InMemorySeenIds::default());
//! let body = br#"{"id": 95, "type": "form_submission_confirmed", "version": "1.1.0",
//!                 "date": "2021-03-31T11:26:34", "uuid": "e9cb75da-efcf-4dd3-9025-f7f1167b5eec"}"#;
//!
//! // The secret in the endpoint URL ...
//! let token = secret_from_query("/hooks/impact-stack?secret=s3cr3t", "secret");
//! let delivery = receiver.receive_token(token.as_deref(), body)?;
//! assert_eq!(delivery.id, "95"); // the event's `id` member
//!
//! // ... or in HTTP basic auth (any user name, the secret as password).
//! let headers = [("Authorization", "Basic aW1wYWN0OnMzY3IzdA==")];
//! let error = receiver.receive(&headers, body).unwrap_err(); // event 95 again
//! assert!(error.is_duplicate());
//!
//! let wrong = receiver.receive_token(Some("guess"), body).unwrap_err();
//! assert_eq!(wrong.stage(), Stage::Authenticate);
//! assert_eq!(wrong.status(), 401);
//! assert_eq!(wrong.public_message(), "webhook authentication failed");
//! # Ok(())
//! # }
//! # main().unwrap() }
//! ```
//!
//! [Standard Webhooks]: https://www.standardwebhooks.com/

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use eventsmith_core::event::{EventError, EventSource, Given, Options};
use eventsmith_core::json::{Limits, Node, ParseError, Tape};
use eventsmith_webhook::{
    HeaderSource, SeenIds, SharedSecret, SharedSecretError, Verified, Verifier, VerifyError,
};

/// The header a shared-secret receiver reads basic-auth credentials from.
pub const AUTHORIZATION: &str = "authorization";

/// The event member a shared-secret receiver deduplicates on by default.
pub const DEFAULT_ID_FIELD: &str = "id";

const PUBLIC_PAYLOAD: &str = "invalid webhook payload";
const PUBLIC_DUPLICATE: &str = "webhook already received";
const PUBLIC_AUTH: &str = "webhook authentication failed";

type ClockFn = dyn Fn() -> i64 + Send + Sync;

#[derive(Clone)]
enum Auth {
    Signature(Verifier),
    Shared(SharedSecret),
}

/// Where the caller's credentials come from.
enum Presented<'a, H: ?Sized> {
    Headers(&'a H),
    Token(Option<&'a str>),
}

/// Authenticates, parses, dispatches, validates, decodes and deduplicates
/// webhook deliveries of one event source `E`; see the [module
/// documentation](self) for the steps and examples.
///
/// A receiver is cheap to clone (the seen-id store is shared between clones)
/// and `Send + Sync`, so one can serve every request of an endpoint.
pub struct Receiver<E> {
    auth: Auth,
    limits: Limits,
    seen: Option<Arc<dyn SeenIds + Send + Sync>>,
    id_field: String,
    clock: Option<Arc<ClockFn>>,
    _event: PhantomData<fn() -> E>,
}

impl<E> Clone for Receiver<E> {
    fn clone(&self) -> Self {
        Self {
            auth: self.auth.clone(),
            limits: self.limits,
            seen: self.seen.clone(),
            id_field: self.id_field.clone(),
            clock: self.clock.clone(),
            _event: PhantomData,
        }
    }
}

impl<E> fmt::Debug for Receiver<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth: &dyn fmt::Debug = match &self.auth {
            Auth::Signature(verifier) => verifier,
            Auth::Shared(secret) => secret,
        };
        f.debug_struct("Receiver")
            .field("source", &std::any::type_name::<E>())
            .field("auth", auth)
            .field("limits", &self.limits)
            .field("deduplicates", &self.seen.is_some())
            .field("id_field", &self.id_field)
            .field(
                "clock",
                &if self.clock.is_some() {
                    "custom"
                } else {
                    "default"
                },
            )
            .finish()
    }
}

impl<E: EventSource> Receiver<E> {
    /// A receiver for deliveries signed per Standard Webhooks (Gigs, anything
    /// sent through Svix), checked by `verifier` with its tolerance and
    /// clock. Deliveries are identified by their `webhook-id` header.
    #[must_use]
    pub fn standard_webhooks(verifier: Verifier) -> Self {
        Self::with_auth(Auth::Signature(verifier))
    }

    /// A receiver for senders that sign nothing but present a shared secret
    /// (Impact Stack): in the `Authorization` header as basic auth (use
    /// [`receive`](Self::receive)) or in the URL (use
    /// [`receive_token`](Self::receive_token)). Deliveries are identified by
    /// the event's [`id_field`](Self::id_field) member.
    #[must_use]
    pub fn shared_secret(secret: SharedSecret) -> Self {
        Self::with_auth(Auth::Shared(secret))
    }

    fn with_auth(auth: Auth) -> Self {
        Self {
            auth,
            limits: Limits::DEFAULT,
            seen: None,
            id_field: DEFAULT_ID_FIELD.to_owned(),
            clock: None,
            _event: PhantomData,
        }
    }

    /// The size and depth limits the body is parsed under (default
    /// [`Limits::DEFAULT`]).
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Drops repeated deliveries: a delivery whose id `seen` already holds
    /// fails with [`ReceiveError::Duplicate`]. Pass an `Arc` to keep a
    /// handle on the store. Without this, every delivery is handed out.
    #[must_use]
    pub fn seen_ids(mut self, seen: impl SeenIds + Send + Sync + 'static) -> Self {
        self.seen = Some(Arc::new(seen));
        self
    }

    /// The event member that identifies a delivery for a shared-secret
    /// receiver (default `"id"`, Impact Stack's event id). A string value is
    /// used as is, an integer in decimal. Standard Webhooks receivers always
    /// use the `webhook-id` header instead.
    #[must_use]
    pub fn id_field(mut self, field: impl Into<String>) -> Self {
        self.id_field = field.into();
        self
    }

    /// Replaces the clock (Unix seconds). It times the seen-id window and,
    /// for Standard Webhooks, replaces the verifier's own clock in the
    /// timestamp check. Without it the verifier keeps its clock and the
    /// window follows the system clock.
    #[must_use]
    pub fn clock(mut self, now: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(now));
        self
    }

    /// Runs every step on a delivery whose credentials are in its headers:
    /// the `webhook-*` (or `svix-*`) signature headers for Standard
    /// Webhooks, the `Authorization` basic-auth header for a shared secret.
    ///
    /// `body` must be the raw bytes received.
    ///
    /// # Errors
    /// The first step that fails, as a [`ReceiveError`].
    pub fn receive<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<Delivery<E>, ReceiveError> {
        self.run(&Presented::Headers(headers), body)
    }

    /// Runs every step on a delivery whose shared secret came in the URL
    /// (see [`secret_from_query`](crate::webhook::secret_from_query) and
    /// [`secret_from_last_path_segment`](crate::webhook::secret_from_last_path_segment));
    /// `None` when the request carried none.
    ///
    /// A Standard Webhooks receiver authenticates by signature only and
    /// rejects every call of this method with
    /// [`ReceiveError::MissingCredentials`].
    ///
    /// # Errors
    /// The first step that fails, as a [`ReceiveError`].
    pub fn receive_token(
        &self,
        token: Option<&str>,
        body: &[u8],
    ) -> Result<Delivery<E>, ReceiveError> {
        self.run::<[(&str, &str)]>(&Presented::Token(token), body)
    }

    /// Removes `id` from the seen-id store, so the sender's retry of that
    /// delivery is received again. Call it when handling a received event
    /// failed. Does nothing without a store.
    pub fn forget(&self, id: &str) {
        if let Some(seen) = &self.seen {
            seen.forget(id);
        }
    }

    fn run<H: HeaderSource + ?Sized>(
        &self,
        presented: &Presented<'_, H>,
        body: &[u8],
    ) -> Result<Delivery<E>, ReceiveError> {
        let verified = self.authenticate(presented, body)?;
        let tape = Tape::parse(body, self.limits).map_err(EventError::Parse)?;
        let (id, timestamp) = match verified {
            Some(verified) => {
                let timestamp = verified.timestamp();
                (Some(verified.into_id()), Some(timestamp))
            }
            None => (id_of(tape.root(), &self.id_field), None),
        };
        let options = Options {
            limits: self.limits,
            ..Options::default()
        };
        let event = eventsmith_core::event::from_tape::<E>(&tape, &Given::NOTHING, &options)?;
        let id = id.ok_or_else(|| ReceiveError::MissingId {
            field: self.id_field.clone(),
        })?;
        if let Some(seen) = &self.seen
            && !seen.first_time(&id, self.now())
        {
            return Err(ReceiveError::Duplicate { id });
        }
        Ok(Delivery {
            event,
            id,
            timestamp,
        })
    }

    /// `Some` for a verified signature, `None` for a matching shared secret.
    fn authenticate<H: HeaderSource + ?Sized>(
        &self,
        presented: &Presented<'_, H>,
        body: &[u8],
    ) -> Result<Option<Verified>, ReceiveError> {
        match (&self.auth, presented) {
            (Auth::Signature(verifier), Presented::Headers(headers)) => {
                let verified = match &self.clock {
                    Some(clock) => verifier.verify_at(*headers, body, clock()),
                    None => verifier.verify(*headers, body),
                };
                verified.map(Some).map_err(ReceiveError::Verify)
            }
            (Auth::Signature(_), Presented::Token(_)) => Err(ReceiveError::MissingCredentials(
                Credentials::SignatureHeaders,
            )),
            (Auth::Shared(secret), Presented::Headers(headers)) => {
                let authorization = headers
                    .header(AUTHORIZATION)
                    .ok_or(ReceiveError::MissingCredentials(Credentials::Authorization))?;
                secret
                    .verify_basic_auth(authorization)
                    .map(|()| None)
                    .map_err(ReceiveError::SharedSecret)
            }
            (Auth::Shared(secret), Presented::Token(token)) => {
                let token = token
                    .filter(|token| !token.is_empty())
                    .ok_or(ReceiveError::MissingCredentials(Credentials::Token))?;
                if secret.verify_token(token) {
                    Ok(None)
                } else {
                    Err(ReceiveError::SharedSecret(SharedSecretError::Mismatch))
                }
            }
        }
    }

    fn now(&self) -> i64 {
        match &self.clock {
            Some(clock) => clock(),
            None => system_now(),
        }
    }
}

/// The id member of an event: a non-empty string, or an integer in decimal.
fn id_of(root: Node<'_>, field: &str) -> Option<String> {
    let member = root.get(field)?;
    if let Some(id) = member.as_str() {
        return (!id.is_empty()).then(|| id.to_owned());
    }
    let n = member.as_number()?;
    (n.is_i64() || n.is_u64()).then(|| n.to_string())
}

/// Seconds since the Unix epoch (negative before it, saturating).
fn system_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |secs| -secs),
    }
}

/// A delivery that passed every step.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery<E> {
    /// The typed, validated event.
    pub event: E,
    /// The delivery's id: the `webhook-id` header for Standard Webhooks, the
    /// event's id member for a shared secret. The same across retries; the
    /// key [`Receiver::forget`] takes.
    pub id: String,
    /// The `webhook-timestamp` (Unix seconds of this delivery attempt) for
    /// Standard Webhooks; `None` for a shared secret.
    pub timestamp: Option<i64>,
}

impl<E> Delivery<E> {
    /// The event, dropping the delivery's id and timestamp.
    pub fn into_event(self) -> E {
        self.event
    }
}

/// The step a [`ReceiveError`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Checking the signature or shared secret.
    Authenticate,
    /// Reading the body as JSON under the limits.
    Parse,
    /// Finding the event type and the schema version (the payload's
    /// envelope).
    Dispatch,
    /// Checking the payload against its schema.
    Validate,
    /// Turning a valid payload into the Rust type.
    Decode,
    /// Reading the delivery id from the event.
    Identify,
    /// Looking the delivery id up among those already received.
    Deduplicate,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Authenticate => "authenticate",
            Self::Parse => "parse",
            Self::Dispatch => "dispatch",
            Self::Validate => "validate",
            Self::Decode => "decode",
            Self::Identify => "identify",
            Self::Deduplicate => "deduplicate",
        })
    }
}

/// The credentials a request lacked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// A shared-secret receiver got no `Authorization` header.
    Authorization,
    /// A shared-secret receiver got no (or an empty) URL token.
    Token,
    /// A Standard Webhooks receiver was given a token: it authenticates by
    /// the signature headers only.
    SignatureHeaders,
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Authorization => "no `Authorization` header with basic-auth credentials",
            Self::Token => "no shared secret in the request URL",
            Self::SignatureHeaders => {
                "a Standard Webhooks receiver authenticates by the `webhook-signature` \
                 headers, not by a token; call `receive` with the request headers"
            }
        })
    }
}

/// Why a delivery was not received, by step.
///
/// `Display` gives the detail, for logs. Answer the HTTP request with
/// [`status`](Self::status) and [`public_message`](Self::public_message),
/// which reveal only the class of failure:
///
/// | variant | [`stage`](Self::stage) | status | public message |
/// |---|---|---|---|
/// | [`Verify`](Self::Verify), [`SharedSecret`](Self::SharedSecret), [`MissingCredentials`](Self::MissingCredentials) | `Authenticate` | 401 | `webhook verification failed` / `webhook authentication failed` |
/// | [`Event`](Self::Event) with [`ParseError::TooLarge`] | `Parse` | 413 | `invalid webhook payload` |
/// | other [`Event`](Self::Event) | `Parse`, `Dispatch`, `Validate`, `Decode` | 400 | `invalid webhook payload` |
/// | [`MissingId`](Self::MissingId) | `Identify` | 400 | `invalid webhook payload` |
/// | [`Duplicate`](Self::Duplicate) | `Deduplicate` | 200 | `webhook already received` |
///
/// A duplicate answers **200**, not 409: the first delivery was received, and
/// senders (Svix, Impact Stack) retry every non-2xx answer, so a 409 would
/// only bring the same delivery back until the sender gives up. Payload
/// errors answer 4xx so the sender's dashboard shows them; an event type the
/// catalog does not know yet is one of them (`Dispatch`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ReceiveError {
    /// The Standard Webhooks signature check failed.
    Verify(VerifyError),
    /// The shared secret (token or basic auth) is wrong or malformed.
    SharedSecret(SharedSecretError),
    /// The request carried no credentials of the kind the receiver checks.
    MissingCredentials(Credentials),
    /// The body did not become a typed event: not JSON within the limits,
    /// no known type or version, invalid against its schema, or not
    /// decodable.
    Event(EventError),
    /// A shared-secret delivery's event has no usable id member (absent,
    /// empty, or neither a string nor an integer) to deduplicate on.
    MissingId {
        /// The member read ([`Receiver::id_field`]).
        field: String,
    },
    /// A delivery with this id was already received.
    Duplicate {
        /// The delivery id.
        id: String,
    },
}

impl ReceiveError {
    /// The step that failed.
    #[must_use]
    pub fn stage(&self) -> Stage {
        match self {
            Self::Verify(_) | Self::SharedSecret(_) | Self::MissingCredentials(_) => {
                Stage::Authenticate
            }
            Self::Event(error) => match error {
                EventError::Parse(_) => Stage::Parse,
                EventError::NotAnObject { .. }
                | EventError::MissingField { .. }
                | EventError::FieldNotString { .. }
                | EventError::TypeNotGiven { .. }
                | EventError::VersionNotGiven { .. }
                | EventError::UnknownType { .. }
                | EventError::InvalidVersion { .. }
                | EventError::UnknownVersion { .. } => Stage::Dispatch,
                EventError::Invalid { .. } => Stage::Validate,
                EventError::Decode { .. } => Stage::Decode,
            },
            Self::MissingId { .. } => Stage::Identify,
            Self::Duplicate { .. } => Stage::Deduplicate,
        }
    }

    /// The HTTP status to answer with; see the table on the type.
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            Self::Verify(_) | Self::SharedSecret(_) | Self::MissingCredentials(_) => 401,
            Self::Event(EventError::Parse(ParseError::TooLarge { .. })) => 413,
            Self::Event(_) | Self::MissingId { .. } => 400,
            Self::Duplicate { .. } => 200,
        }
    }

    /// A generic text for the HTTP response: the same for every
    /// authentication failure, and for every payload failure, so a caller
    /// cannot probe the checks.
    #[must_use]
    pub fn public_message(&self) -> &'static str {
        match self {
            Self::Verify(error) => error.public_message(),
            Self::SharedSecret(error) => error.public_message(),
            Self::MissingCredentials(_) => PUBLIC_AUTH,
            Self::Event(_) | Self::MissingId { .. } => PUBLIC_PAYLOAD,
            Self::Duplicate { .. } => PUBLIC_DUPLICATE,
        }
    }

    /// Whether the delivery is a repeat of one already received.
    #[must_use]
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Self::Duplicate { .. })
    }
}

impl fmt::Display for ReceiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verify(error) => write!(f, "webhook signature rejected: {error}"),
            Self::SharedSecret(error) => write!(f, "webhook shared secret rejected: {error}"),
            Self::MissingCredentials(what) => write!(f, "webhook not authenticated: {what}"),
            Self::Event(error) => write!(f, "webhook payload rejected ({}): {error}", self.stage()),
            Self::MissingId { field } => write!(
                f,
                "webhook payload rejected: the event has no \"{field}\" member \
                 (a non-empty string or an integer) to identify the delivery"
            ),
            Self::Duplicate { id } => write!(f, "webhook delivery {id} was already received"),
        }
    }
}

impl std::error::Error for ReceiveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Verify(error) => Some(error),
            Self::SharedSecret(error) => Some(error),
            Self::Event(error) => Some(error),
            Self::MissingCredentials(_) | Self::MissingId { .. } | Self::Duplicate { .. } => None,
        }
    }
}

impl From<VerifyError> for ReceiveError {
    fn from(error: VerifyError) -> Self {
        Self::Verify(error)
    }
}

impl From<SharedSecretError> for ReceiveError {
    fn from(error: SharedSecretError) -> Self {
        Self::SharedSecret(error)
    }
}

impl From<EventError> for ReceiveError {
    fn from(error: EventError) -> Self {
        Self::Event(error)
    }
}
