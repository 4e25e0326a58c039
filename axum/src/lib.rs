//! Receiving eventsmith webhooks in [axum]: a handler takes
//! [`Webhook<E>`](Webhook) for any generated event source `E` and gets the
//! typed, verified, validated event; everything else is answered for it.
//!
//! ```no_run
//! use axum::Router;
//! use axum::extract::FromRef;
//! use axum::http::StatusCode;
//! use eventsmith::webhook::{InMemorySeenIds, Secret, Verifier};
//! use eventsmith::{Receiver, gigs};
//! use eventsmith_axum::{Webhook, webhook};
//!
//! #[derive(Clone)]
//! struct App {
//!     gigs: Receiver<gigs::Event>,
//! }
//!
//! impl FromRef<App> for Receiver<gigs::Event> {
//!     fn from_ref(app: &App) -> Self {
//!         app.gigs.clone()
//!     }
//! }
//!
//! async fn on_gigs(Webhook(delivery): Webhook<gigs::Event>) -> StatusCode {
//!     println!("{} {}", delivery.id, delivery.event.event_type());
//!     StatusCode::NO_CONTENT // a 2xx commits the delivery; anything else releases it
//! }
//!
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = Verifier::new(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?);
//! let app = App {
//!     gigs: Receiver::standard_webhooks(verifier).seen_ids(InMemorySeenIds::default()),
//! };
//! let router = Router::new().route("/hooks/gigs", webhook(on_gigs)).with_state(app);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, router).await?;
//! # Ok(()) }
//! ```
//!
//! What [`Webhook`] and [`webhook`] do for a request:
//!
//! 1. read the raw body (nothing parses it before the signature is
//!    checked), refusing one larger than [`Receiver::body_limit`] with 413
//!    before reading it when `Content-Length` says so;
//! 2. run the route's [`Receiver`] (taken from the state with [`FromRef`])
//!    on the request target, headers and body, off the async workers (a
//!    durable seen-id store writes to disk);
//! 3. answer every failure with the [`ReceiveError`]'s status and public
//!    message as an RFC 9457 problem-details body ([`problem`]); a repeat
//!    of a handled delivery gets 200 with a body saying so, and the
//!    handler is not called;
//! 4. after the handler: a 2xx response **commits** the delivery (a retry
//!    is then a duplicate), anything else, or a panic, **releases** it (the
//!    sender's retry is handled again). The commit happens before the
//!    response is sent, so an acknowledged delivery is a committed one; a
//!    commit that fails turns the answer into 503.
//!
//! Failures are logged with [`tracing`] at `warn` (duplicates at `debug`)
//! by their `Display`, which names the failed rule but never holds a
//! secret; the request target, which may carry a shared secret, is never
//! logged.
//!
//! [axum]: https://docs.rs/axum

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{Body, Bytes};
use axum::extract::{FromRef, FromRequest, Request};
use axum::handler::Handler;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use eventsmith::receive::Ticket;
use eventsmith::webhook::HeaderSource;
use eventsmith::{Delivery, EventError, EventSource, ParseError, ReceiveError, Receiver};
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// The typed, verified delivery of a webhook of source `E`: an axum
/// extractor (it reads the body, so it comes last among a handler's
/// arguments). The route must be built with [`webhook`], which commits the
/// delivery when the handler answers 2xx and releases it otherwise.
///
/// The state must hold the route's [`Receiver<E>`](Receiver)
/// ([`FromRef`]). Reads as the [`Delivery`] it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook<E>(pub Delivery<E>);

impl<E> Webhook<E> {
    /// The delivery.
    pub fn into_inner(self) -> Delivery<E> {
        self.0
    }
}

impl<E> Deref for Webhook<E> {
    type Target = Delivery<E>;

    fn deref(&self) -> &Delivery<E> {
        &self.0
    }
}

impl<E, S> FromRequest<S> for Webhook<E>
where
    E: EventSource + Send + 'static,
    S: Send + Sync,
    Receiver<E>: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Some(slot) = request.extensions().get::<Slot>().cloned() else {
            tracing::error!(
                source = E::SOURCE,
                "a `Webhook` extractor on a route not built with `eventsmith_axum::webhook`: \
                 deliveries could be neither committed nor released"
            );
            return Err(WebhookRejection::NotRouted);
        };
        let receiver = Receiver::<E>::from_ref(state);
        let (parts, body) = request.into_parts();
        let body = match read_body(&parts.headers, body, receiver.body_limit()).await {
            Ok(body) => body,
            Err(WebhookRejection::Receive(error)) => return Err(rejected::<E>(error)),
            Err(other) => return Err(other),
        };
        let target = parts.uri.path_and_query().map_or_else(
            || parts.uri.path().to_owned(),
            |target| target.as_str().to_owned(),
        );
        let headers = Headers(parts.headers);
        let received =
            tokio::task::spawn_blocking(move || receiver.receive_request(&target, &headers, &body))
                .await
                .map_err(|_| WebhookRejection::Internal)?;
        let (delivery, ticket) = received.map_err(rejected::<E>)?.into_parts();
        slot.put(ticket);
        Ok(Self(delivery))
    }
}

/// Reads the whole body, up to `limit` bytes.
async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, WebhookRejection> {
    let too_large =
        |size: usize| ReceiveError::Event(EventError::Parse(ParseError::TooLarge { size, limit }));
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if let Some(size) = declared.filter(|size| *size > limit) {
        return Err(WebhookRejection::Receive(too_large(size)));
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => Err(
            WebhookRejection::Receive(too_large(limit.saturating_add(1))),
        ),
        // The client went away, or its body framing broke.
        Err(_) => Err(WebhookRejection::BodyUnreadable),
    }
}

/// Logs a failure (never the request target, which may carry a secret) and
/// wraps it.
fn rejected<E: EventSource>(error: ReceiveError) -> WebhookRejection {
    if error.is_duplicate() {
        tracing::debug!(source = E::SOURCE, stage = %error.stage(), %error, "webhook repeat acknowledged");
    } else {
        tracing::warn!(
            source = E::SOURCE,
            stage = %error.stage(),
            status = error.status(),
            %error,
            "webhook rejected"
        );
    }
    WebhookRejection::Receive(error)
}

/// The request headers, as the receiver reads them.
struct Headers(HeaderMap);

impl HeaderSource for Headers {
    fn header(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(|value| value.to_str().ok())
    }
}

/// Why [`Webhook`] handed no delivery to the handler: answered for it.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The receiver refused the delivery, or it is a repeat
    /// ([`ReceiveError::Duplicate`], answered 200).
    Receive(ReceiveError),
    /// The request body could not be read: the client went away, or its
    /// framing broke (400).
    BodyUnreadable,
    /// The route was not built with [`webhook`] (500).
    NotRouted,
    /// The receiving task panicked (500).
    Internal,
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        match self {
            Self::Receive(error) => problem(&error),
            Self::BodyUnreadable => problem_response(
                StatusCode::BAD_REQUEST,
                "webhook body could not be read",
                None,
            ),
            Self::NotRouted => problem_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "webhook route misconfigured",
                None,
            ),
            Self::Internal => problem_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "webhook receiver failed",
                None,
            ),
        }
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Receive(error) => error.fmt(f),
            Self::BodyUnreadable => f.write_str("the request body could not be read"),
            Self::NotRouted => f.write_str(
                "the `Webhook` extractor needs its route built with `eventsmith_axum::webhook`",
            ),
            Self::Internal => f.write_str("the webhook receiving task panicked"),
        }
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Receive(error) => Some(error),
            Self::BodyUnreadable | Self::NotRouted | Self::Internal => None,
        }
    }
}

/// The response to a [`ReceiveError`]: its [status](ReceiveError::status)
/// with an RFC 9457 problem-details body
/// (`application/problem+json`: `type`, `title`, `status`, `detail` = the
/// [public message](ReceiveError::public_message), and the failed `stage`),
/// `Retry-After` when a retry resolves it, `WWW-Authenticate: Basic` when a
/// shared secret was refused. A duplicate is no failure for the sender:
/// 200 with `application/json` `{"status": 200, "detail": "webhook already
/// received", "duplicate": true}`.
#[must_use]
pub fn problem(error: &ReceiveError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
    if error.is_duplicate() {
        let body = serde_json::json!({
            "status": status.as_u16(),
            "detail": error.public_message(),
            "duplicate": true,
        });
        return json_response(status, "application/json", &body);
    }
    let mut response = problem_response(
        status,
        error.public_message(),
        Some(&error.stage().to_string()),
    );
    if let Some(secs) = error.retry_after_secs() {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(secs));
    }
    if matches!(
        error,
        ReceiveError::SharedSecret(_) | ReceiveError::MissingCredentials(_)
    ) {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"webhook\""),
        );
    }
    response
}

fn problem_response(status: StatusCode, detail: &str, stage: Option<&str>) -> Response {
    let mut body = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    if let (Some(stage), Some(object)) = (stage, body.as_object_mut()) {
        object.insert("stage".to_owned(), stage.into());
    }
    json_response(status, "application/problem+json", &body)
}

fn json_response(
    status: StatusCode,
    content_type: &'static str,
    body: &serde_json::Value,
) -> Response {
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body.to_string(),
    )
        .into_response()
}

/// A `POST` route for `handler`, a handler taking a [`Webhook`], that
/// completes each delivery by the handler's answer: a 2xx commits it (a
/// retry is then answered as a duplicate), any other status releases it
/// (the sender's retry is handled again), and so does a panic. Use it
/// where you would write `post(handler)`.
pub fn webhook<H, T, S>(handler: H) -> MethodRouter<S>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    post(handler).layer(middleware::from_fn(complete))
}

/// Where the extractor leaves the claim for [`complete`] to settle.
#[derive(Clone, Default)]
struct Slot(Arc<Mutex<Option<Ticket>>>);

impl Slot {
    fn put(&self, ticket: Ticket) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(ticket);
    }

    fn take(&self) -> Option<Ticket> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Runs the handler, then commits or releases the claim it left.
async fn complete(mut request: Request, next: Next) -> Response {
    let slot = Slot::default();
    request.extensions_mut().insert(slot.clone());
    // A panic below drops `slot` and with it the ticket, which releases it.
    let response = next.run(request).await;
    let Some(ticket) = slot.take() else {
        return response;
    };
    let handled = response.status().is_success();
    let id = ticket.id().to_owned();
    let settled = tokio::task::spawn_blocking(move || {
        if handled {
            ticket.commit()
        } else {
            ticket.release()
        }
    })
    .await;
    match settled {
        Ok(Ok(())) => response,
        Ok(Err(error)) if handled => {
            // Handled but not recorded: the sender must not take it as
            // acknowledged; its retry is handled again (at-least-once).
            tracing::warn!(delivery = %id, %error, "webhook handled but not committed");
            problem(&error)
        }
        Ok(Err(error)) => {
            tracing::warn!(delivery = %id, %error, "webhook claim not released; it lapses");
            response
        }
        Err(_) => {
            tracing::error!(delivery = %id, "webhook commit task panicked");
            problem_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "webhook receiver failed",
                None,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::fmt::Write as _;
    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use eventsmith::impact_stack;
    use eventsmith::webhook::{Claim, InMemorySeenIds, SeenIds, SeenIdsError, SharedSecret};
    use eventsmith::{EventError, ReceiveError, Receiver};
    use tower::ServiceExt as _;

    use super::{Webhook, problem, webhook};

    async fn body_of(response: axum::response::Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn problems_carry_status_detail_stage_and_retry_hints() {
        let in_flight = problem(&ReceiveError::InFlight { id: "a".into() });
        assert_eq!(in_flight.status(), StatusCode::CONFLICT);
        assert_eq!(in_flight.headers()["retry-after"], "1");
        assert_eq!(
            in_flight.headers()["content-type"],
            "application/problem+json"
        );
        let body = body_of(in_flight).await;
        assert_eq!(body["title"], "Conflict");
        assert_eq!(body["stage"], "deduplicate");

        let store = problem(&ReceiveError::Store(SeenIdsError::msg("disk full")));
        assert_eq!(store.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(store.headers()["retry-after"], "5");
        let body = body_of(store).await;
        assert!(!body.to_string().contains("disk full"), "{body}");

        let unknown = ReceiveError::Event(EventError::UnknownType {
            event_type: "x".into(),
        });
        let response = problem(&unknown);
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.headers().get("retry-after").is_none());
        assert_eq!(
            body_of(response).await["detail"],
            "unknown webhook event type"
        );

        let duplicate = problem(&ReceiveError::Duplicate { id: "a".into() });
        assert_eq!(duplicate.status(), StatusCode::OK);
        assert_eq!(duplicate.headers()["content-type"], "application/json");
        assert_eq!(body_of(duplicate).await["duplicate"], true);
    }

    /// Collects every event's fields as text.
    #[derive(Clone, Default)]
    struct Logs(Arc<Mutex<String>>);

    impl tracing::field::Visit for Logs {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            let mut logs = self.0.lock().unwrap();
            let _ = write!(logs, " {}={value:?}", field.name());
        }
    }

    impl tracing::Subscriber for Logs {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            event.record(&mut self.clone());
            self.0.lock().unwrap().push('\n');
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    async fn ok(_: Webhook<impact_stack::Event>) -> StatusCode {
        StatusCode::NO_CONTENT
    }

    #[tokio::test(flavor = "current_thread")]
    async fn failures_are_logged_without_any_secret() {
        let logs = Logs::default();
        let _guard = tracing::subscriber::set_default(logs.clone());
        let receiver = Receiver::<impact_stack::Event>::shared_secret(
            SharedSecret::new("the-real-secret").unwrap(),
        )
        .seen_ids(InMemorySeenIds::default());
        let router: Router = Router::new()
            .route("/hook", webhook(ok))
            .with_state(receiver);
        let valid = br#"{"id": 95, "type": "form_submission_confirmed", "version": "1.1.0",
                         "date": "2021-03-31T11:26:34", "uuid": "e9cb75da-efcf-4dd3-9025-f7f1167b5eec"}"#;
        let invalid = br#"{"id": 96, "type": "form_submission_confirmed", "version": "1.1.0",
                           "date": "never", "uuid": "e9cb75da-efcf-4dd3-9025-f7f1167b5eec"}"#;
        for (target, body, status) in [
            ("/hook?secret=guessed-secret", &valid[..], 401),
            ("/hook?secret=the-real-secret", &invalid[..], 422),
            ("/hook?secret=the-real-secret", &valid[..], 204),
            ("/hook?secret=the-real-secret", &valid[..], 200),
        ] {
            let request = Request::post(target).body(Body::from(body)).unwrap();
            let response = router.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status().as_u16(), status, "{target}");
        }
        let logs = logs.0.lock().unwrap().clone();
        assert!(logs.contains("webhook rejected"), "{logs}");
        assert!(logs.contains("status=422"), "{logs}");
        assert!(logs.contains("webhook repeat acknowledged"), "{logs}");
        for secret in ["the-real-secret", "guessed-secret"] {
            assert!(!logs.contains(secret), "{secret} logged: {logs}");
        }
    }

    /// Claims, never commits: a handler's 2xx cannot be recorded.
    struct ReadOnly(InMemorySeenIds);

    impl SeenIds for ReadOnly {
        fn claim(&self, id: &str, now: i64) -> Result<Claim, SeenIdsError> {
            self.0.claim(id, now)
        }
        fn commit(&self, _: &str, _: i64) -> Result<(), SeenIdsError> {
            Err(SeenIdsError::msg("read-only"))
        }
        fn forget(&self, id: &str) -> Result<(), SeenIdsError> {
            self.0.forget(id)
        }
    }

    #[tokio::test]
    async fn a_commit_that_fails_turns_the_answer_into_503_and_the_retry_is_handled() {
        let receiver =
            Receiver::<impact_stack::Event>::shared_secret(SharedSecret::new("s").unwrap())
                .seen_ids(ReadOnly(InMemorySeenIds::default()));
        let router: Router = Router::new()
            .route("/hook", webhook(ok))
            .with_state(receiver);
        let valid = br#"{"id": 95, "type": "form_submission_confirmed", "version": "1.1.0",
                         "date": "2021-03-31T11:26:34", "uuid": "e9cb75da-efcf-4dd3-9025-f7f1167b5eec"}"#;
        for _ in 0..2 {
            let request = Request::post("/hook?secret=s")
                .body(Body::from(&valid[..]))
                .unwrap();
            let response = router.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(response.headers()["retry-after"], "5");
        }
    }
}
