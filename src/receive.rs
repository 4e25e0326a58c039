//! From an HTTP request to a typed event in one call.
//!
//! A [`Receiver`] runs every step a webhook endpoint needs, in this order,
//! and stops at the first that fails:
//!
//! 1. **authenticate** the request: a [Standard Webhooks] signature over the
//!    raw body ([`Receiver::standard_webhooks`], Gigs/Svix), GitHub's
//!    `X-Hub-Signature-256` ([`Receiver::github`]), or a shared secret
//!    presented in HTTP basic auth or the URL ([`Receiver::shared_secret`],
//!    Impact Stack); each accepts several secrets, for rotation, and the
//!    [`Delivery`] says which one matched;
//! 2. **parse** the body under [`Limits`] (size, depth, no duplicate keys);
//!    for GitHub, the JSON of a form-encoded delivery;
//! 3. **dispatch** on the event's type and version (for GitHub, the type
//!    from the `X-GitHub-Event` header), **validate** it against the schema
//!    the catalog picks and **decode** it into the source's generated
//!    `Event` enum (any [`EventSource`]);
//! 4. **deduplicate** by delivery id with [`SeenIds`], when configured: the
//!    `webhook-id` header for Standard Webhooks, `X-GitHub-Delivery` for
//!    GitHub, the event's `id` member (see [`Receiver::id_field`]) for
//!    shared-secret senders.
//!
//! # What "seen" means
//!
//! Deduplication is two steps, so that a delivery counts as seen only once
//! it was *handled*. A received delivery comes back [`Pending`]: its id is
//! claimed, so a repeat arriving meanwhile is [`ReceiveError::InFlight`]
//! (409, the sender retries later). Handle it, then
//! [`commit`](Pending::commit): from then on a repeat is
//! [`ReceiveError::Duplicate`] (200), across restarts with a durable store.
//! If handling fails, drop the pending delivery (or
//! [`release`](Pending::release) it): the sender's retry is handled again.
//! That is at-least-once handling with no second handling of a committed
//! delivery; a crash between your handler's effect and the commit can still
//! repeat the effect, unless the effect is written in the commit's own
//! transaction (`SqliteSeenIds::commit_with`). A delivery that fails to
//! parse, dispatch or validate never claims its id, so a corrected retry
//! goes through. The axum integration (`eventsmith-axum`) commits when the
//! handler answers 2xx and releases otherwise.
//!
//! Every failure is a [`ReceiveError`] that names the step
//! ([`ReceiveError::stage`]) and carries the detailed cause for logs, plus an
//! HTTP status ([`ReceiveError::status`]) and a text for the response body
//! that says only the class of failure ([`ReceiveError::public_message`]).
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
//! let pending = receiver.receive(&headers, body)?;
//! assert_eq!(pending.event.event_type(), "com.gigs.sim.updated");
//! assert_eq!(pending.id, "msg_2mXb");
//! // ... handle the event, then record it as handled:
//! let delivery = pending.commit()?;
//!
//! // A retry of the same message is recognised; answer it with a 2xx.
//! let again = receiver.receive(&headers, body).unwrap_err();
//! assert!(matches!(again, ReceiveError::Duplicate { .. }));
//! assert_eq!(again.status(), 200);
//! # let _ = delivery;
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
//! let delivery = receiver.receive_token(token.as_deref(), body)?.commit()?;
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
//! # GitHub
//!
//! [`Receiver::github`] takes a [`GitHubVerifier`] (one or more secrets)
//! and a source whose event type is given from outside the payload
//! ([`Locator::Given`](crate::event::Locator::Given)): the verified
//! `X-GitHub-Event` header is passed to dispatch as
//! [`Given::event_type`], `X-GitHub-Delivery` identifies the delivery, and
//! a `application/x-www-form-urlencoded` delivery is read through
//! [`github_payload`] after its signature (over the form body) is checked.
//!
//! [Standard Webhooks]: https://www.standardwebhooks.com/

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use eventsmith_core::event::{EventError, EventSource, Given, Options};
use eventsmith_core::json::{Limits, Node, ParseError, Tape};
use eventsmith_webhook::{
    Claim, GitHubError, GitHubPayloadError, GitHubVerifier, HeaderSource, SeenIds, SeenIdsError,
    SharedSecretError, SharedSecrets, Verifier, VerifyError, github_payload,
    secret_from_last_path_segment, secret_from_query,
};

/// The header a shared-secret receiver reads basic-auth credentials from.
pub const AUTHORIZATION: &str = "authorization";

/// The header a GitHub receiver reads the body's media type from.
pub const CONTENT_TYPE: &str = "content-type";

/// The event member a shared-secret receiver deduplicates on by default.
pub const DEFAULT_ID_FIELD: &str = "id";

/// The query parameter [`Receiver::receive_request`] reads a shared secret
/// from by default.
pub const DEFAULT_TOKEN_PARAMETER: &str = "secret";

const PUBLIC_INVALID: &str = "invalid webhook payload";
const PUBLIC_NOT_JSON: &str = "webhook payload is not valid JSON";
const PUBLIC_TOO_LARGE: &str = "webhook payload too large";
const PUBLIC_TYPE_NOT_GIVEN: &str = "webhook event type not given";
const PUBLIC_UNKNOWN_TYPE: &str = "unknown webhook event type";
const PUBLIC_UNKNOWN_VERSION: &str = "unsupported webhook event version";
const PUBLIC_DUPLICATE: &str = "webhook already received";
const PUBLIC_IN_FLIGHT: &str = "webhook delivery is being processed; retry later";
const PUBLIC_STORE: &str = "webhook receiver temporarily unavailable; retry later";
const PUBLIC_AUTH: &str = "webhook authentication failed";

type ClockFn = dyn Fn() -> i64 + Send + Sync;
type Store = Arc<dyn SeenIds + Send + Sync>;

#[derive(Clone)]
enum Auth {
    StandardWebhooks(Verifier),
    GitHub(GitHubVerifier),
    Shared(SharedSecrets),
}

/// Where [`Receiver::receive_request`] finds a shared secret that is not in
/// an `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenIn {
    /// In this query parameter (`/hooks/impact-stack?secret=…`), the default
    /// being [`DEFAULT_TOKEN_PARAMETER`].
    Query(String),
    /// In the last path segment (`/hooks/impact-stack/s3cr3t`).
    LastPathSegment,
}

/// Where the caller's credentials come from.
enum Presented<'a, H: ?Sized> {
    Headers(&'a H),
    Token(Option<&'a str>),
}

/// What authentication established about a delivery.
struct Authenticated {
    /// The delivery id a signature covers (`None`: read it from the event).
    id: Option<String>,
    timestamp: Option<i64>,
    /// The event type a header gave (GitHub's `X-GitHub-Event`).
    event_type: Option<String>,
    secret_index: usize,
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
    seen: Option<Store>,
    id_field: String,
    token_in: TokenIn,
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
            token_in: self.token_in.clone(),
            clock: self.clock.clone(),
            _event: PhantomData,
        }
    }
}

impl<E> fmt::Debug for Receiver<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth: &dyn fmt::Debug = match &self.auth {
            Auth::StandardWebhooks(verifier) => verifier,
            Auth::GitHub(verifier) => verifier,
            Auth::Shared(secrets) => secrets,
        };
        f.debug_struct("Receiver")
            .field("source", &std::any::type_name::<E>())
            .field("auth", auth)
            .field("limits", &self.limits)
            .field("deduplicates", &self.seen.is_some())
            .field("id_field", &self.id_field)
            .field("token_in", &self.token_in)
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
    /// sent through Svix), checked by `verifier` with its secrets, tolerance
    /// and clock. Deliveries are identified by their `webhook-id` header.
    #[must_use]
    pub fn standard_webhooks(verifier: Verifier) -> Self {
        Self::with_auth(Auth::StandardWebhooks(verifier))
    }

    /// A receiver for GitHub deliveries: `X-Hub-Signature-256` checked by
    /// `verifier` over the raw body, the event type taken from the
    /// `X-GitHub-Event` header (for sources whose type is
    /// [`Locator::Given`](crate::event::Locator::Given)), deliveries
    /// identified by `X-GitHub-Delivery`, and form-encoded deliveries
    /// (`payload=…`) read as well as JSON ones.
    #[must_use]
    pub fn github(verifier: GitHubVerifier) -> Self {
        Self::with_auth(Auth::GitHub(verifier))
    }

    /// A receiver for senders that sign nothing but present a shared secret
    /// (Impact Stack): in the `Authorization` header as basic auth (use
    /// [`receive`](Self::receive)), in the URL (use
    /// [`receive_token`](Self::receive_token)), or either
    /// ([`receive_request`](Self::receive_request)). Pass a
    /// [`SharedSecret`](crate::webhook::SharedSecret) or, to rotate, a
    /// [`SharedSecrets`]. Deliveries are identified by the event's
    /// [`id_field`](Self::id_field) member.
    #[must_use]
    pub fn shared_secret(secrets: impl Into<SharedSecrets>) -> Self {
        Self::with_auth(Auth::Shared(secrets.into()))
    }

    fn with_auth(auth: Auth) -> Self {
        Self {
            auth,
            limits: Limits::DEFAULT,
            seen: None,
            id_field: DEFAULT_ID_FIELD.to_owned(),
            token_in: TokenIn::Query(DEFAULT_TOKEN_PARAMETER.to_owned()),
            clock: None,
            _event: PhantomData,
        }
    }

    /// The size and depth limits the payload is parsed under (default
    /// [`Limits::DEFAULT`]).
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Drops repeated deliveries: each delivery claims its id in `seen`
    /// (see [`Pending`]); one whose id is already committed fails with
    /// [`ReceiveError::Duplicate`], one whose id is claimed by a handling
    /// in progress with [`ReceiveError::InFlight`]. Pass an `Arc` to keep a
    /// handle on the store. Without this, every delivery is handed out.
    #[must_use]
    pub fn seen_ids(mut self, seen: impl SeenIds + Send + Sync + 'static) -> Self {
        self.seen = Some(Arc::new(seen));
        self
    }

    /// The event member that identifies a delivery for a shared-secret
    /// receiver (default `"id"`, Impact Stack's event id). A string value is
    /// used as is, an integer in decimal. Signing receivers use the id
    /// their signature covers instead (`webhook-id`, `X-GitHub-Delivery`).
    #[must_use]
    pub fn id_field(mut self, field: impl Into<String>) -> Self {
        self.id_field = field.into();
        self
    }

    /// Where [`receive_request`](Self::receive_request) finds a shared
    /// secret that is not in an `Authorization` header (default: the query
    /// parameter `secret`).
    #[must_use]
    pub fn token_in(mut self, token_in: TokenIn) -> Self {
        self.token_in = token_in;
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

    /// The largest request body worth reading, in bytes: the payload limit,
    /// three times over for GitHub (a form-encoded payload is
    /// percent-encoded, up to three bytes per byte). An HTTP integration
    /// answers a larger body with 413 without reading it.
    #[must_use]
    pub fn body_limit(&self) -> usize {
        match self.auth {
            Auth::GitHub(_) => self
                .limits
                .max_bytes
                .saturating_mul(3)
                .saturating_add("payload=".len()),
            Auth::StandardWebhooks(_) | Auth::Shared(_) => self.limits.max_bytes,
        }
    }

    /// Runs every step on a delivery whose credentials are in its headers:
    /// the `webhook-*` (or `svix-*`) signature headers for Standard
    /// Webhooks, `X-Hub-Signature-256` and the `X-GitHub-*` headers for
    /// GitHub, the `Authorization` basic-auth header for a shared secret.
    ///
    /// `body` must be the raw bytes received. The delivery comes back
    /// [`Pending`]: commit it once handled.
    ///
    /// # Errors
    /// The first step that fails, as a [`ReceiveError`].
    pub fn receive<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<Pending<E>, ReceiveError> {
        self.run(&Presented::Headers(headers), headers, body)
    }

    /// Runs every step on a delivery whose shared secret came in the URL
    /// (see [`secret_from_query`] and
    /// [`secret_from_last_path_segment`]);
    /// `None` when the request carried none.
    ///
    /// A signing receiver authenticates by signature only and rejects every
    /// call of this method with [`ReceiveError::MissingCredentials`].
    ///
    /// # Errors
    /// The first step that fails, as a [`ReceiveError`].
    pub fn receive_token(
        &self,
        token: Option<&str>,
        body: &[u8],
    ) -> Result<Pending<E>, ReceiveError> {
        let no_headers: [(&str, &str); 0] = [];
        self.run(
            &Presented::<[(&str, &str)]>::Token(token),
            &no_headers[..],
            body,
        )
    }

    /// Runs every step on an HTTP request as a server sees it: its target
    /// (path and query, or the whole URL), headers and raw body. A signing
    /// receiver reads the headers; a shared-secret receiver reads basic
    /// auth when an `Authorization` header is present and otherwise the
    /// secret in the target (see [`token_in`](Self::token_in)). What a
    /// framework integration calls.
    ///
    /// # Errors
    /// The first step that fails, as a [`ReceiveError`].
    pub fn receive_request<H: HeaderSource + ?Sized>(
        &self,
        target: &str,
        headers: &H,
        body: &[u8],
    ) -> Result<Pending<E>, ReceiveError> {
        if !matches!(self.auth, Auth::Shared(_)) || headers.header(AUTHORIZATION).is_some() {
            return self.receive(headers, body);
        }
        let token = match &self.token_in {
            TokenIn::Query(name) => secret_from_query(target, name),
            TokenIn::LastPathSegment => secret_from_last_path_segment(target),
        };
        self.run(&Presented::<H>::Token(token.as_deref()), headers, body)
    }

    /// Removes `id` from the seen-id store, so the sender's retry of that
    /// delivery is received again: for a handling that failed after its
    /// delivery was committed. Does nothing without a store.
    ///
    /// # Errors
    /// [`ReceiveError::Store`] when the store could not be written.
    pub fn forget(&self, id: &str) -> Result<(), ReceiveError> {
        match &self.seen {
            Some(seen) => seen.forget(id).map_err(ReceiveError::Store),
            None => Ok(()),
        }
    }

    fn run<P: HeaderSource + ?Sized, H: HeaderSource + ?Sized>(
        &self,
        presented: &Presented<'_, P>,
        headers: &H,
        body: &[u8],
    ) -> Result<Pending<E>, ReceiveError> {
        let authenticated = self.authenticate(presented, body)?;
        let payload: Cow<'_, [u8]> = match self.auth {
            Auth::GitHub(_) => {
                github_payload(headers.header(CONTENT_TYPE), body).map_err(ReceiveError::Body)?
            }
            Auth::StandardWebhooks(_) | Auth::Shared(_) => Cow::Borrowed(body),
        };
        let tape = Tape::parse(&payload, self.limits).map_err(EventError::Parse)?;
        let id = match authenticated.id {
            Some(id) => Some(id),
            None => id_of(tape.root(), &self.id_field),
        };
        let options = Options {
            limits: self.limits,
            ..Options::default()
        };
        let given = Given {
            event_type: authenticated.event_type.as_deref(),
            version: None,
        };
        let event = eventsmith_core::event::from_tape::<E>(&tape, &given, &options)?;
        let id = id.ok_or_else(|| ReceiveError::MissingId {
            field: self.id_field.clone(),
        })?;
        let ticket = self.claim(&id)?;
        Ok(Pending {
            delivery: Delivery {
                event,
                id,
                timestamp: authenticated.timestamp,
                secret_index: authenticated.secret_index,
            },
            ticket,
        })
    }

    fn claim(&self, id: &str) -> Result<Ticket, ReceiveError> {
        let Some(seen) = &self.seen else {
            return Ok(Ticket::none(id));
        };
        match seen.claim(id, self.now()).map_err(ReceiveError::Store)? {
            Claim::New => Ok(Ticket {
                id: id.to_owned(),
                seen: Some(Arc::clone(seen)),
                clock: self.clock.clone(),
                open: true,
            }),
            Claim::Seen => Err(ReceiveError::Duplicate { id: id.to_owned() }),
            Claim::InFlight => Err(ReceiveError::InFlight { id: id.to_owned() }),
        }
    }

    fn authenticate<H: HeaderSource + ?Sized>(
        &self,
        presented: &Presented<'_, H>,
        body: &[u8],
    ) -> Result<Authenticated, ReceiveError> {
        match (&self.auth, presented) {
            (Auth::StandardWebhooks(verifier), Presented::Headers(headers)) => {
                let verified = match &self.clock {
                    Some(clock) => verifier.verify_at(*headers, body, clock()),
                    None => verifier.verify(*headers, body),
                }
                .map_err(ReceiveError::Verify)?;
                Ok(Authenticated {
                    timestamp: Some(verified.timestamp()),
                    secret_index: verified.secret_index(),
                    id: Some(verified.into_id()),
                    event_type: None,
                })
            }
            (Auth::GitHub(verifier), Presented::Headers(headers)) => {
                let delivery = verifier
                    .verify(*headers, body)
                    .map_err(ReceiveError::GitHub)?;
                Ok(Authenticated {
                    id: Some(delivery.id().to_owned()),
                    timestamp: None,
                    event_type: Some(delivery.event().to_owned()),
                    secret_index: delivery.secret_index(),
                })
            }
            (Auth::StandardWebhooks(_) | Auth::GitHub(_), Presented::Token(_)) => Err(
                ReceiveError::MissingCredentials(Credentials::SignatureHeaders),
            ),
            (Auth::Shared(secrets), Presented::Headers(headers)) => {
                let authorization = headers
                    .header(AUTHORIZATION)
                    .ok_or(ReceiveError::MissingCredentials(Credentials::Authorization))?;
                let secret_index = secrets
                    .verify_basic_auth(authorization)
                    .map_err(ReceiveError::SharedSecret)?;
                Ok(Authenticated::shared(secret_index))
            }
            (Auth::Shared(secrets), Presented::Token(token)) => {
                let token = token
                    .filter(|token| !token.is_empty())
                    .ok_or(ReceiveError::MissingCredentials(Credentials::Token))?;
                let secret_index = secrets
                    .verify_token(token)
                    .ok_or(ReceiveError::SharedSecret(SharedSecretError::Mismatch))?;
                Ok(Authenticated::shared(secret_index))
            }
        }
    }

    fn now(&self) -> i64 {
        now(self.clock.as_ref())
    }
}

impl Authenticated {
    fn shared(secret_index: usize) -> Self {
        Self {
            id: None,
            timestamp: None,
            event_type: None,
            secret_index,
        }
    }
}

fn now(clock: Option<&Arc<ClockFn>>) -> i64 {
    match clock {
        Some(clock) => clock(),
        None => system_now(),
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
    /// The delivery's id: the `webhook-id` header for Standard Webhooks,
    /// `X-GitHub-Delivery` for GitHub, the event's id member for a shared
    /// secret. The same across retries; the key [`Receiver::forget`] takes.
    pub id: String,
    /// The `webhook-timestamp` (Unix seconds of this delivery attempt) for
    /// Standard Webhooks; `None` otherwise.
    pub timestamp: Option<i64>,
    /// Which of the receiver's secrets authenticated the delivery, as a
    /// position in the list it was built with: during a rotation, anything
    /// but the new secret's position means the sender still uses an old one.
    pub secret_index: usize,
}

impl<E> Delivery<E> {
    /// The event, dropping the delivery's id and timestamp.
    pub fn into_event(self) -> E {
        self.event
    }
}

/// A received delivery whose id is claimed but not yet committed: handle
/// it, then [`commit`](Self::commit) (a retry is then a
/// [`Duplicate`](ReceiveError::Duplicate)), or drop it or
/// [`release`](Self::release) it when handling failed (the sender's retry is
/// then handled again). Until then a repeat of the delivery is
/// [`InFlight`](ReceiveError::InFlight).
///
/// This is what makes "seen" mean *handled*: at-least-once delivery to your
/// handler, and no second handling of a committed delivery. Commit before
/// answering the sender with a 2xx. A receiver without a seen-id store
/// gives deliveries whose commit does nothing.
///
/// Reads as the [`Delivery`] it holds (`pending.event`, `pending.id`);
/// [`into_parts`](Self::into_parts) separates the two, to move the event
/// while keeping the claim.
#[derive(Debug)]
#[must_use = "a pending delivery is released when dropped: commit it once handled"]
pub struct Pending<E> {
    delivery: Delivery<E>,
    ticket: Ticket,
}

impl<E> Pending<E> {
    /// Marks the delivery as handled (durably, with a durable store) and
    /// hands it over.
    ///
    /// # Errors
    /// [`ReceiveError::Store`] when the store could not record it: answer
    /// 503, and the sender's retry is handled again.
    pub fn commit(self) -> Result<Delivery<E>, ReceiveError> {
        self.ticket.commit()?;
        Ok(self.delivery)
    }

    /// Gives the id back, so the sender's retry is handled again, and hands
    /// the delivery over. Dropping the pending delivery does the same.
    ///
    /// # Errors
    /// [`ReceiveError::Store`] when the store could not be written; the
    /// claim then lapses after its lease.
    pub fn release(self) -> Result<Delivery<E>, ReceiveError> {
        self.ticket.release()?;
        Ok(self.delivery)
    }

    /// The delivery, and the claim to commit or release once handled.
    pub fn into_parts(self) -> (Delivery<E>, Ticket) {
        (self.delivery, self.ticket)
    }
}

impl<E> Deref for Pending<E> {
    type Target = Delivery<E>;

    fn deref(&self) -> &Delivery<E> {
        &self.delivery
    }
}

/// The claim of a [`Pending`] delivery on its id: commit it once the
/// delivery is handled; dropped, it is released.
#[must_use = "a ticket is released when dropped: commit it once the delivery is handled"]
pub struct Ticket {
    id: String,
    /// `None` for a receiver without a store.
    seen: Option<Store>,
    clock: Option<Arc<ClockFn>>,
    /// Neither committed nor released yet.
    open: bool,
}

impl Ticket {
    fn none(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            seen: None,
            clock: None,
            open: false,
        }
    }

    /// The delivery id claimed.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Marks the delivery as handled.
    ///
    /// # Errors
    /// [`ReceiveError::Store`] when the store could not record it; the
    /// claim is then released (as far as the store lets it), so the
    /// sender's retry is handled again.
    pub fn commit(mut self) -> Result<(), ReceiveError> {
        let committed = match &self.seen {
            Some(seen) => seen
                .commit(&self.id, now(self.clock.as_ref()))
                .map_err(ReceiveError::Store),
            None => Ok(()),
        };
        // On failure the ticket stays open, and dropping it releases it.
        self.open = committed.is_err();
        committed
    }

    /// Gives the id back, so the sender's retry is handled again.
    ///
    /// # Errors
    /// [`ReceiveError::Store`] when the store could not be written.
    pub fn release(mut self) -> Result<(), ReceiveError> {
        self.open = false;
        match &self.seen {
            Some(seen) => seen.forget(&self.id).map_err(ReceiveError::Store),
            None => Ok(()),
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.open
            && let Some(seen) = &self.seen
        {
            // Nobody to tell: if this fails the claim lapses after its lease.
            let _ = seen.forget(&self.id);
        }
    }
}

impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticket")
            .field("id", &self.id)
            .field("open", &self.open)
            .finish_non_exhaustive()
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
    /// A signing receiver (Standard Webhooks, GitHub) was given a token: it
    /// authenticates by the signature headers only.
    SignatureHeaders,
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Authorization => "no `Authorization` header with basic-auth credentials",
            Self::Token => "no shared secret in the request URL",
            Self::SignatureHeaders => {
                "a signing receiver (Standard Webhooks, GitHub) authenticates by the \
                 signature headers, not by a token; call `receive` with the request headers"
            }
        })
    }
}

/// Why a delivery was not received, by step.
///
/// `Display` gives the detail, for logs. Answer the HTTP request with
/// [`status`](Self::status) and [`public_message`](Self::public_message),
/// which say only the class of failure (and nothing about which
/// authentication check failed):
///
/// | variant | [`stage`](Self::stage) | status | public message |
/// |---|---|---|---|
/// | [`Verify`](Self::Verify), [`GitHub`](Self::GitHub), [`SharedSecret`](Self::SharedSecret), [`MissingCredentials`](Self::MissingCredentials) | `Authenticate` | 401 | `webhook verification failed` / `webhook authentication failed` |
/// | [`Event`](Self::Event) with [`ParseError::TooLarge`] | `Parse` | 413 | `webhook payload too large` |
/// | [`Body`](Self::Body): no or another `Content-Type` (GitHub) | `Parse` | 415 | `unsupported webhook body` |
/// | [`Body`](Self::Body): a malformed form (GitHub) | `Parse` | 400 | `unsupported webhook body` |
/// | [`Event`](Self::Event) with another [`EventError::Parse`]: not JSON, too deep, duplicate keys, not UTF-8 | `Parse` | 400 | `webhook payload is not valid JSON` |
/// | [`Event`](Self::Event) with [`EventError::TypeNotGiven`] / [`EventError::VersionNotGiven`] (the header is missing) | `Dispatch` | 400 | `webhook event type not given` |
/// | [`Event`](Self::Event) with [`EventError::UnknownType`] | `Dispatch` | 422 | `unknown webhook event type` |
/// | [`Event`](Self::Event) with [`EventError::UnknownVersion`] / [`EventError::InvalidVersion`] | `Dispatch` | 422 | `unsupported webhook event version` |
/// | other [`Event`](Self::Event): valid JSON, but no envelope, invalid against its schema, not decodable | `Dispatch`, `Validate`, `Decode` | 422 | `invalid webhook payload` |
/// | [`MissingId`](Self::MissingId) | `Identify` | 422 | `invalid webhook payload` |
/// | [`Duplicate`](Self::Duplicate) | `Deduplicate` | 200 | `webhook already received` |
/// | [`InFlight`](Self::InFlight) | `Deduplicate` | 409 | `webhook delivery is being processed; retry later` |
/// | [`Store`](Self::Store) | `Deduplicate` | 503 | `webhook receiver temporarily unavailable; retry later` |
///
/// A duplicate answers **200**, not 409: the first delivery was handled, and
/// senders (Svix, GitHub, Impact Stack) retry every non-2xx answer, so a
/// 409 would only bring the same delivery back until the sender gives up.
/// A repeat that arrives while the first is still being handled answers
/// **409**: the first may yet fail, so the repeat can be neither handled
/// nor acknowledged; the sender's retry settles it.
///
/// An **unknown event type** answers **422**, like an unknown version: it
/// is a well-formed payload this endpoint cannot process *yet*. A 2xx would
/// drop the event for good (the sender never sends it again), while a 4xx
/// keeps it in the sender's retry schedule (Svix retries for about a day)
/// and on its dashboard, so updating the catalog recovers it; and the
/// delivery is not marked as seen, so that retry is handled. Subscribe the
/// endpoint only to the types its catalog has to avoid the noise.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ReceiveError {
    /// The Standard Webhooks signature check failed.
    Verify(VerifyError),
    /// The GitHub signature check failed.
    GitHub(GitHubError),
    /// The shared secret (token or basic auth) is wrong or malformed.
    SharedSecret(SharedSecretError),
    /// The request carried no credentials of the kind the receiver checks.
    MissingCredentials(Credentials),
    /// The GitHub delivery's body holds no JSON to read: no or another
    /// `Content-Type`, or a malformed form.
    Body(GitHubPayloadError),
    /// The payload did not become a typed event: not JSON within the limits,
    /// no known type or version, invalid against its schema, or not
    /// decodable.
    Event(EventError),
    /// A shared-secret delivery's event has no usable id member (absent,
    /// empty, or neither a string nor an integer) to deduplicate on.
    MissingId {
        /// The member read ([`Receiver::id_field`]).
        field: String,
    },
    /// A delivery with this id was already handled (committed).
    Duplicate {
        /// The delivery id.
        id: String,
    },
    /// A delivery with this id is being handled right now (claimed, not yet
    /// committed or released).
    InFlight {
        /// The delivery id.
        id: String,
    },
    /// The seen-id store failed.
    Store(SeenIdsError),
}

impl ReceiveError {
    /// The step that failed.
    #[must_use]
    pub fn stage(&self) -> Stage {
        match self {
            Self::Verify(_)
            | Self::GitHub(_)
            | Self::SharedSecret(_)
            | Self::MissingCredentials(_) => Stage::Authenticate,
            Self::Body(_) => Stage::Parse,
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
            Self::Duplicate { .. } | Self::InFlight { .. } | Self::Store(_) => Stage::Deduplicate,
        }
    }

    /// The HTTP status to answer with; see the table on the type.
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            Self::Verify(_)
            | Self::GitHub(_)
            | Self::SharedSecret(_)
            | Self::MissingCredentials(_) => 401,
            Self::Body(
                GitHubPayloadError::MissingContentType | GitHubPayloadError::UnsupportedContentType,
            ) => 415,
            Self::Body(_) => 400,
            Self::Event(EventError::Parse(ParseError::TooLarge { .. })) => 413,
            Self::Event(
                EventError::Parse(_)
                | EventError::TypeNotGiven { .. }
                | EventError::VersionNotGiven { .. },
            ) => 400,
            Self::Event(_) | Self::MissingId { .. } => 422,
            Self::Duplicate { .. } => 200,
            Self::InFlight { .. } => 409,
            Self::Store(_) => 503,
        }
    }

    /// A text for the HTTP response: the class of failure, the same for
    /// every authentication failure so a caller cannot probe the checks.
    #[must_use]
    pub fn public_message(&self) -> &'static str {
        match self {
            Self::Verify(error) => error.public_message(),
            Self::GitHub(error) => error.public_message(),
            Self::SharedSecret(error) => error.public_message(),
            Self::MissingCredentials(_) => PUBLIC_AUTH,
            Self::Body(error) => error.public_message(),
            Self::Event(EventError::Parse(ParseError::TooLarge { .. })) => PUBLIC_TOO_LARGE,
            Self::Event(EventError::Parse(_)) => PUBLIC_NOT_JSON,
            Self::Event(EventError::TypeNotGiven { .. } | EventError::VersionNotGiven { .. }) => {
                PUBLIC_TYPE_NOT_GIVEN
            }
            Self::Event(EventError::UnknownType { .. }) => PUBLIC_UNKNOWN_TYPE,
            Self::Event(EventError::UnknownVersion { .. } | EventError::InvalidVersion { .. }) => {
                PUBLIC_UNKNOWN_VERSION
            }
            Self::Event(_) | Self::MissingId { .. } => PUBLIC_INVALID,
            Self::Duplicate { .. } => PUBLIC_DUPLICATE,
            Self::InFlight { .. } => PUBLIC_IN_FLIGHT,
            Self::Store(_) => PUBLIC_STORE,
        }
    }

    /// How many seconds the sender should wait before retrying (an HTTP
    /// `Retry-After`), for the failures that a retry resolves by itself.
    #[must_use]
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::InFlight { .. } => Some(1),
            Self::Store(_) => Some(5),
            _ => None,
        }
    }

    /// Whether the delivery is a repeat of one already handled.
    #[must_use]
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Self::Duplicate { .. })
    }
}

impl fmt::Display for ReceiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verify(error) => write!(f, "webhook signature rejected: {error}"),
            Self::GitHub(error) => write!(f, "GitHub webhook signature rejected: {error}"),
            Self::SharedSecret(error) => write!(f, "webhook shared secret rejected: {error}"),
            Self::MissingCredentials(what) => write!(f, "webhook not authenticated: {what}"),
            Self::Body(error) => write!(f, "webhook body rejected: {error}"),
            Self::Event(error) => write!(f, "webhook payload rejected ({}): {error}", self.stage()),
            Self::MissingId { field } => write!(
                f,
                "webhook payload rejected: the event has no \"{field}\" member \
                 (a non-empty string or an integer) to identify the delivery"
            ),
            Self::Duplicate { id } => write!(f, "webhook delivery {id} was already received"),
            Self::InFlight { id } => write!(
                f,
                "webhook delivery {id} is being handled by an earlier attempt; \
                 the sender should retry"
            ),
            Self::Store(error) => write!(f, "webhook seen-id store failed: {error}"),
        }
    }
}

impl std::error::Error for ReceiveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Verify(error) => Some(error),
            Self::GitHub(error) => Some(error),
            Self::SharedSecret(error) => Some(error),
            Self::Body(error) => Some(error),
            Self::Event(error) => Some(error),
            Self::Store(error) => Some(error),
            Self::MissingCredentials(_)
            | Self::MissingId { .. }
            | Self::Duplicate { .. }
            | Self::InFlight { .. } => None,
        }
    }
}

impl From<VerifyError> for ReceiveError {
    fn from(error: VerifyError) -> Self {
        Self::Verify(error)
    }
}

impl From<GitHubError> for ReceiveError {
    fn from(error: GitHubError) -> Self {
        Self::GitHub(error)
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
