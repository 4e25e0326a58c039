//! The example server (`examples/webhook_server.rs`, included below) on
//! 127.0.0.1 with real HTTP requests: every failure class for each source
//! with its status and body, a load of signed deliveries with duplicates
//! over 32 connections, a server killed and restarted mid-stream on the
//! durable store, and handlers that fail or panic.
//!
//! Everything stays on this machine: servers bind 127.0.0.1 on a random
//! port, every loop is bounded in count and time.

#[allow(dead_code, unreachable_pub)]
#[path = "../../examples/webhook_server.rs"]
mod server;

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::FromRef;
use axum::http::StatusCode;
use eventsmith::webhook::{GitHubVerifier, Secret, Verifier};
use eventsmith::{Limits, Receiver};
use eventsmith_axum::{Webhook, webhook};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

// ------------------------------------------------------------ the client

/// One HTTP/1.1 connection (keep-alive) to a test server.
struct Connection {
    sender: SendRequest<Full<Bytes>>,
}

/// A response, read whole.
#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: String,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {self:?}"))
    }
}

impl Connection {
    async fn open(addr: SocketAddr) -> std::io::Result<Self> {
        let stream =
            tokio::time::timeout(Duration::from_secs(5), tokio::net::TcpStream::connect(addr))
                .await
                .map_err(|_| std::io::Error::other("connect timed out"))??;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(std::io::Error::other)?;
        tokio::spawn(connection);
        Ok(Self { sender })
    }

    /// POSTs `body` to `target` with `headers`; an error when the
    /// connection broke or the answer took more than 10 s.
    async fn post(
        &mut self,
        target: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
    ) -> Result<Reply, String> {
        let mut request = axum::http::Request::post(target).header("host", "127.0.0.1");
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|error| error.to_string())?;
        let exchange = async {
            self.sender.ready().await.map_err(|e| e.to_string())?;
            let response = self
                .sender
                .send_request(request)
                .await
                .map_err(|e| e.to_string())?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(|e| e.to_string())?;
            Ok(Reply {
                status: parts.status.as_u16(),
                content_type: parts
                    .headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned(),
                headers: parts.headers,
                body: body.to_bytes().to_vec(),
            })
        };
        tokio::time::timeout(Duration::from_secs(10), exchange)
            .await
            .map_err(|_| "no answer within 10 s".to_owned())?
    }
}

// ------------------------------------------------------------ the servers

const GIGS_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const IMPACT_SECRET: &str = "impact-s3cr3t";
const HUB_SECRET: &str = "It's a Secret to Everybody";
/// The payload limit of the test servers, so an oversized body is small.
const LIMIT: usize = 64 * 1024;

fn config(db: Option<&Path>) -> server::Config {
    let mut args = vec!["--addr".to_owned(), "127.0.0.1:0".to_owned()];
    if let Some(db) = db {
        args.extend(["--db".to_owned(), db.display().to_string()]);
    }
    let mut config = server::Config::from_args(args.into_iter()).unwrap();
    config.gigs_secrets = vec![GIGS_SECRET.to_owned()];
    config.impact_stack_secrets = vec![IMPACT_SECRET.to_owned()];
    config
}

fn small(limits: Limits) -> Limits {
    Limits {
        max_bytes: LIMIT,
        ..limits
    }
}

/// Serves `router` on 127.0.0.1, a random port, until the runtime ends.
async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// The example server, in this process, with the test limits.
async fn example_server(db: Option<&Path>) -> (SocketAddr, server::Inbox) {
    let mut app = server::App::new(&config(db)).unwrap();
    app.gigs = app.gigs.clone().limits(small(Limits::DEFAULT));
    app.impact_stack = app.impact_stack.clone().limits(small(Limits::DEFAULT));
    let inbox = app.inbox.clone();
    (serve(app.router()).await, inbox)
}

fn unix_now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

// ------------------------------------------------------------ deliveries

const GIGS_EVENT: &str = include_str!("../../schemas/gigs/sim.updated/examples/2025-05-22.json");

fn gigs_body() -> Vec<u8> {
    let value: Value = serde_json::from_str(GIGS_EVENT).unwrap();
    serde_json::to_vec(&value).unwrap()
}

/// Standard Webhooks headers for `body`, signed with `secret` at `timestamp`.
fn gigs_headers(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Vec<(String, String)> {
    let signer = Verifier::new(Secret::new(secret).unwrap());
    vec![
        ("content-type".to_owned(), "application/json".to_owned()),
        ("webhook-id".to_owned(), id.to_owned()),
        ("webhook-timestamp".to_owned(), timestamp.to_string()),
        (
            "webhook-signature".to_owned(),
            signer.sign(id, timestamp, body),
        ),
    ]
}

fn signed(id: &str, body: &[u8]) -> Vec<(String, String)> {
    gigs_headers(GIGS_SECRET, id, unix_now(), body)
}

fn impact_body(id: u64) -> Vec<u8> {
    json!({
        "id": id, "type": "form_submission_confirmed", "version": "1.1.0",
        "date": "2021-03-31T11:26:34", "uuid": "e9cb75da-efcf-4dd3-9025-f7f1167b5eec"
    })
    .to_string()
    .into_bytes()
}

fn json_only() -> Vec<(String, String)> {
    vec![("content-type".to_owned(), "application/json".to_owned())]
}

/// Asserts a problem-details answer: status, public message and stage.
fn assert_problem(reply: &Reply, status: u16, detail: &str, stage: &str) {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(reply.content_type, "application/problem+json", "{reply:?}");
    let body = reply.json();
    assert_eq!(body["type"], "about:blank", "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["detail"], detail, "{body}");
    assert_eq!(body["stage"], stage, "{body}");
    let title = StatusCode::from_u16(status)
        .unwrap()
        .canonical_reason()
        .unwrap();
    assert_eq!(body["title"], title, "{body}");
}

fn assert_duplicate(reply: &Reply) {
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.content_type, "application/json");
    assert_eq!(
        reply.json(),
        json!({"status": 200, "detail": "webhook already received", "duplicate": true})
    );
}

// ------------------------------------------------- every failure, per source

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gigs_deliveries_get_their_status_and_body() {
    let (addr, inbox) = example_server(None).await;
    let mut http = Connection::open(addr).await.unwrap();
    let body = gigs_body();
    let post = |headers: Vec<(String, String)>, body: Vec<u8>| (headers, body);

    // Authentic: handled, 204.
    let (headers, b) = post(signed("msg_a", &body), body.clone());
    let reply = http.post("/hooks/gigs", &headers, b).await.unwrap();
    assert_eq!((reply.status, reply.body.len()), (204, 0), "{reply:?}");

    // Replayed: a retry of msg_a, new timestamp and signature: 200, not handled.
    let reply = http
        .post("/hooks/gigs", &signed("msg_a", &body), body.clone())
        .await
        .unwrap();
    assert_duplicate(&reply);

    // Tampered: signed over another body.
    let mut tampered = body.clone();
    let at = tampered.len() - 3;
    tampered[at] ^= 1;
    let reply = http
        .post("/hooks/gigs", &signed("msg_b", &body), tampered)
        .await
        .unwrap();
    assert_problem(&reply, 401, "webhook verification failed", "authenticate");
    assert!(reply.headers.get("www-authenticate").is_none());

    // Expired: signed ten minutes ago.
    let old = gigs_headers(GIGS_SECRET, "msg_c", unix_now() - 600, &body);
    let reply = http.post("/hooks/gigs", &old, body.clone()).await.unwrap();
    assert_problem(&reply, 401, "webhook verification failed", "authenticate");

    // Wrong secret.
    let wrong = gigs_headers(
        "whsec_b3RoZXItc2VjcmV0LW9mLXRoZS1zZW5kZXI=",
        "msg_d",
        unix_now(),
        &body,
    );
    let reply = http
        .post("/hooks/gigs", &wrong, body.clone())
        .await
        .unwrap();
    assert_problem(&reply, 401, "webhook verification failed", "authenticate");

    // Missing header.
    let mut missing = signed("msg_e", &body);
    missing.retain(|(name, _)| name != "webhook-signature");
    let reply = http
        .post("/hooks/gigs", &missing, body.clone())
        .await
        .unwrap();
    assert_problem(&reply, 401, "webhook verification failed", "authenticate");

    // Oversized: refused from its Content-Length, before it is read (the
    // server then closes the connection: the body was never read).
    let big = vec![b' '; LIMIT + 1];
    let reply = Connection::open(addr)
        .await
        .unwrap()
        .post("/hooks/gigs", &signed("msg_f", &big), big)
        .await
        .unwrap();
    assert_problem(&reply, 413, "webhook payload too large", "parse");

    // Not JSON (signed).
    let text = b"sim updated".to_vec();
    let reply = http
        .post("/hooks/gigs", &signed("msg_g", &text), text)
        .await
        .unwrap();
    assert_problem(&reply, 400, "webhook payload is not valid JSON", "parse");

    // Valid JSON, schema-invalid.
    let mut invalid: Value = serde_json::from_slice(&body).unwrap();
    invalid["data"]["iccid"] = Value::Null;
    let invalid = serde_json::to_vec(&invalid).unwrap();
    let reply = http
        .post("/hooks/gigs", &signed("msg_h", &invalid), invalid)
        .await
        .unwrap();
    assert_problem(&reply, 422, "invalid webhook payload", "validate");

    // Unknown type.
    let mut unknown: Value = serde_json::from_slice(&body).unwrap();
    unknown["type"] = json!("com.gigs.nothing.happened");
    let unknown = serde_json::to_vec(&unknown).unwrap();
    let reply = http
        .post("/hooks/gigs", &signed("msg_i", &unknown), unknown)
        .await
        .unwrap();
    assert_problem(&reply, 422, "unknown webhook event type", "dispatch");

    // A refused delivery never marks its id: the corrected retry of msg_h
    // is handled.
    let reply = http
        .post("/hooks/gigs", &signed("msg_h", &body), body.clone())
        .await
        .unwrap();
    assert_eq!(reply.status, 204, "{reply:?}");

    let handled: Vec<String> = inbox
        .entries()
        .unwrap()
        .into_iter()
        .map(|entry| format!("{}/{}/{}", entry.source, entry.delivery, entry.event_type))
        .collect();
    assert_eq!(
        handled,
        [
            "gigs/msg_a/com.gigs.sim.updated",
            "gigs/msg_h/com.gigs.sim.updated"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn impact_stack_deliveries_get_their_status_and_body() {
    let (addr, inbox) = example_server(None).await;
    let mut http = Connection::open(addr).await.unwrap();
    let hook = format!("/hooks/impact-stack?secret={IMPACT_SECRET}");

    // Authentic, the secret in the URL.
    let reply = http
        .post(&hook, &json_only(), impact_body(95))
        .await
        .unwrap();
    assert_eq!(reply.status, 204, "{reply:?}");
    // Authentic, the secret as the basic-auth password.
    let mut basic = json_only();
    basic.push((
        "authorization".to_owned(),
        "Basic aW1wYWN0OmltcGFjdC1zM2NyM3Q=".to_owned(), // impact:impact-s3cr3t
    ));
    let reply = http
        .post("/hooks/impact-stack", &basic, impact_body(96))
        .await
        .unwrap();
    assert_eq!(reply.status, 204, "{reply:?}");

    // Replayed: event 95 again, by the other route.
    let reply = http
        .post("/hooks/impact-stack", &basic, impact_body(95))
        .await
        .unwrap();
    assert_duplicate(&reply);

    // A shared secret authenticates the sender, not the body (nothing is
    // signed, so nothing is "tampered" or "expired"); a tampered or wrong
    // secret is refused, with the basic-auth challenge.
    for target in [
        "/hooks/impact-stack?secret=impact-s3cr3T".to_owned(),
        "/hooks/impact-stack?secret=guess".to_owned(),
    ] {
        let reply = http
            .post(&target, &json_only(), impact_body(97))
            .await
            .unwrap();
        assert_problem(&reply, 401, "webhook authentication failed", "authenticate");
        assert_eq!(
            reply.headers.get("www-authenticate").unwrap(),
            "Basic realm=\"webhook\""
        );
    }
    // Missing credentials.
    let reply = http
        .post("/hooks/impact-stack", &json_only(), impact_body(97))
        .await
        .unwrap();
    assert_problem(&reply, 401, "webhook authentication failed", "authenticate");

    // Oversized.
    let big = vec![b' '; LIMIT + 1];
    let mut fresh = Connection::open(addr).await.unwrap();
    let reply = fresh.post(&hook, &json_only(), big).await.unwrap();
    assert_problem(&reply, 413, "webhook payload too large", "parse");
    // Not JSON.
    let reply = http
        .post(&hook, &json_only(), b"id=97".to_vec())
        .await
        .unwrap();
    assert_problem(&reply, 400, "webhook payload is not valid JSON", "parse");
    // Schema-invalid: a date that is no date.
    let mut invalid: Value = serde_json::from_slice(&impact_body(98)).unwrap();
    invalid["date"] = json!("yesterday");
    let reply = http
        .post(&hook, &json_only(), serde_json::to_vec(&invalid).unwrap())
        .await
        .unwrap();
    assert_problem(&reply, 422, "invalid webhook payload", "validate");
    // Unknown type.
    invalid["type"] = json!("petition_signed");
    let reply = http
        .post(&hook, &json_only(), serde_json::to_vec(&invalid).unwrap())
        .await
        .unwrap();
    assert_problem(&reply, 422, "unknown webhook event type", "dispatch");
    // No id to deduplicate on: the schema requires one already.
    let mut no_id: Value = serde_json::from_slice(&impact_body(99)).unwrap();
    no_id.as_object_mut().unwrap().remove("id");
    let reply = http
        .post(&hook, &json_only(), serde_json::to_vec(&no_id).unwrap())
        .await
        .unwrap();
    assert_problem(&reply, 422, "invalid webhook payload", "validate");

    let handled: Vec<String> = inbox
        .entries()
        .unwrap()
        .into_iter()
        .map(|entry| entry.delivery)
        .collect();
    assert_eq!(handled, ["95", "96"]);
}

/// GitHub deliveries through the example's generic route, with the
/// hand-written header-typed `Hub` source standing in for
/// `eventsmith::github::Event` (the example serves that one on
/// `/hooks/github` with the `github` feature).
mod github {
    use super::*;
    use crate::hub::Hub;

    #[derive(Clone)]
    struct HubApp {
        hub: Receiver<Hub>,
        inbox: server::Inbox,
    }

    impl FromRef<HubApp> for Receiver<Hub> {
        fn from_ref(app: &HubApp) -> Self {
            app.hub.clone()
        }
    }

    impl FromRef<HubApp> for server::Inbox {
        fn from_ref(app: &HubApp) -> Self {
            app.inbox.clone()
        }
    }

    fn headers(
        secret: &str,
        event: &str,
        id: &str,
        content_type: &str,
        body: &[u8],
    ) -> Vec<(String, String)> {
        vec![
            ("x-github-event".to_owned(), event.to_owned()),
            ("x-github-delivery".to_owned(), id.to_owned()),
            (
                "x-hub-signature-256".to_owned(),
                GitHubVerifier::new(secret).unwrap().sign(body),
            ),
            ("content-type".to_owned(), content_type.to_owned()),
        ]
    }

    fn json(event: &str, id: &str, body: &[u8]) -> Vec<(String, String)> {
        headers(HUB_SECRET, event, id, "application/json", body)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn github_deliveries_get_their_status_and_body() {
        let inbox = server::Inbox::Memory(Arc::default());
        let app = HubApp {
            hub: Receiver::github(GitHubVerifier::new(HUB_SECRET).unwrap())
                .seen_ids(eventsmith::webhook::InMemorySeenIds::default())
                .limits(small(Limits::DEFAULT)),
            inbox: inbox.clone(),
        };
        let router = Router::new()
            .route("/hooks/github", server::route::<Hub, HubApp>())
            .with_state(app);
        let addr = serve(router).await;
        let mut http = Connection::open(addr).await.unwrap();
        let ping = br#"{"zen": "Keep it logically awesome.", "hook_id": 1}"#.to_vec();
        let opened = br#"{"action": "opened", "number": 5}"#.to_vec();

        // Authentic, JSON and form-encoded.
        let reply = http
            .post("/hooks/github", &json("ping", "g-1", &ping), ping.clone())
            .await
            .unwrap();
        assert_eq!(reply.status, 204, "{reply:?}");
        let form = b"payload=%7B%22action%22%3A%22opened%22%2C%22number%22%3A5%7D".to_vec();
        let form_headers = headers(
            HUB_SECRET,
            "issues",
            "g-2",
            "application/x-www-form-urlencoded",
            &form,
        );
        let reply = http
            .post("/hooks/github", &form_headers, form)
            .await
            .unwrap();
        assert_eq!(reply.status, 204, "{reply:?}");

        // Replayed (a redelivery keeps X-GitHub-Delivery).
        let reply = http
            .post("/hooks/github", &json("ping", "g-1", &ping), ping.clone())
            .await
            .unwrap();
        assert_duplicate(&reply);

        // Tampered, wrong secret, missing header. (GitHub signs no
        // timestamp: nothing expires; replays are caught by the delivery id.)
        let reply = http
            .post("/hooks/github", &json("ping", "g-3", &ping), opened.clone())
            .await
            .unwrap();
        assert_problem(&reply, 401, "webhook verification failed", "authenticate");
        let wrong = headers("not the secret", "ping", "g-3", "application/json", &ping);
        let reply = http
            .post("/hooks/github", &wrong, ping.clone())
            .await
            .unwrap();
        assert_problem(&reply, 401, "webhook verification failed", "authenticate");
        let mut missing = json("ping", "g-3", &ping);
        missing.retain(|(name, _)| name != "x-github-event");
        let reply = http
            .post("/hooks/github", &missing, ping.clone())
            .await
            .unwrap();
        assert_problem(&reply, 401, "webhook verification failed", "authenticate");

        // Oversized: the limit on the raw body is three times the payload
        // limit (form encoding), plus `payload=`.
        let big = vec![b' '; 3 * LIMIT + 9];
        let reply = Connection::open(addr)
            .await
            .unwrap()
            .post("/hooks/github", &json("ping", "g-4", &big), big)
            .await
            .unwrap();
        assert_problem(&reply, 413, "webhook payload too large", "parse");

        // Not JSON; another content type.
        let text = b"zen".to_vec();
        let reply = http
            .post("/hooks/github", &json("ping", "g-5", &text), text.clone())
            .await
            .unwrap();
        assert_problem(&reply, 400, "webhook payload is not valid JSON", "parse");
        let plain = headers(HUB_SECRET, "ping", "g-5", "text/plain", &ping);
        let reply = http
            .post("/hooks/github", &plain, ping.clone())
            .await
            .unwrap();
        assert_problem(&reply, 415, "unsupported webhook body", "parse");

        // Schema-invalid; unknown event type (header); unknown action.
        let zero = br#"{"action": "opened", "number": 0}"#.to_vec();
        let reply = http
            .post("/hooks/github", &json("issues", "g-6", &zero), zero)
            .await
            .unwrap();
        assert_problem(&reply, 422, "invalid webhook payload", "validate");
        let reply = http
            .post(
                "/hooks/github",
                &json("star", "g-7", &opened),
                opened.clone(),
            )
            .await
            .unwrap();
        assert_problem(&reply, 422, "unknown webhook event type", "dispatch");
        let reopened = br#"{"action": "reopened", "number": 5}"#.to_vec();
        let reply = http
            .post("/hooks/github", &json("issues", "g-8", &reopened), reopened)
            .await
            .unwrap();
        assert_problem(&reply, 422, "unsupported webhook event version", "dispatch");

        let handled: Vec<(String, String)> = inbox
            .entries()
            .unwrap()
            .into_iter()
            .map(|entry| (entry.delivery, entry.event_type))
            .collect();
        assert_eq!(
            handled,
            [
                ("g-1".to_owned(), "ping".to_owned()),
                ("g-2".to_owned(), "issues".to_owned())
            ]
        );
    }
}

// ------------------------------------------- handlers that fail or panic

#[derive(Clone)]
struct Flaky {
    gigs: Receiver<eventsmith::gigs::Event>,
    /// Attempts per delivery id.
    attempts: Arc<Mutex<HashMap<String, usize>>>,
}

impl FromRef<Flaky> for Receiver<eventsmith::gigs::Event> {
    fn from_ref(app: &Flaky) -> Self {
        app.gigs.clone()
    }
}

/// Fails the first attempt of every delivery: with a 500 for ids starting
/// `fail`, by panicking for ids starting `panic`.
async fn flaky(
    axum::extract::State(app): axum::extract::State<Flaky>,
    Webhook(delivery): Webhook<eventsmith::gigs::Event>,
) -> StatusCode {
    let attempt = {
        let mut attempts = app.attempts.lock().unwrap();
        let attempt = attempts.entry(delivery.id.clone()).or_default();
        *attempt += 1;
        *attempt
    };
    if attempt == 1 && delivery.id.starts_with("panic") {
        panic!("the handler of {} panicked (on purpose)", delivery.id);
    }
    if attempt == 1 && delivery.id.starts_with("fail") {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    StatusCode::OK
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_that_fails_or_panics_leaves_the_delivery_retryable() {
    let app = Flaky {
        gigs: Receiver::standard_webhooks(Verifier::new(Secret::new(GIGS_SECRET).unwrap()))
            .seen_ids(eventsmith::webhook::InMemorySeenIds::default()),
        attempts: Arc::default(),
    };
    let attempts = Arc::clone(&app.attempts);
    let router = Router::new()
        .route("/hooks/gigs", webhook(flaky))
        .route("/misrouted", axum::routing::post(flaky))
        .with_state(app);
    let addr = serve(router).await;
    let body = gigs_body();

    let mut http = Connection::open(addr).await.unwrap();
    let reply = http
        .post("/hooks/gigs", &signed("fail_1", &body), body.clone())
        .await
        .unwrap();
    assert_eq!(reply.status, 500, "the handler's own answer");
    // Released: the retry is handled, then committed.
    let reply = http
        .post("/hooks/gigs", &signed("fail_1", &body), body.clone())
        .await
        .unwrap();
    assert_eq!(reply.status, 200);
    assert_duplicate(
        &http
            .post("/hooks/gigs", &signed("fail_1", &body), body.clone())
            .await
            .unwrap(),
    );

    // A panic drops the connection; the claim is released with it.
    let broken = http
        .post("/hooks/gigs", &signed("panic_1", &body), body.clone())
        .await;
    assert!(broken.is_err(), "{broken:?}");
    let mut http = Connection::open(addr).await.unwrap();
    let reply = http
        .post("/hooks/gigs", &signed("panic_1", &body), body.clone())
        .await
        .unwrap();
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_duplicate(
        &http
            .post("/hooks/gigs", &signed("panic_1", &body), body.clone())
            .await
            .unwrap(),
    );
    assert_eq!(
        *attempts.lock().unwrap(),
        HashMap::from([("fail_1".to_owned(), 2), ("panic_1".to_owned(), 2)]),
        "each handled until it succeeded, never after"
    );

    // The extractor on a route not built with `webhook`: refused loudly.
    let reply = http
        .post("/misrouted", &signed("msg_x", &body), body.clone())
        .await
        .unwrap();
    assert_eq!(reply.status, 500);
    assert_eq!(reply.json()["detail"], "webhook route misconfigured");
}

// ------------------------------------------------------------------ load

/// Runs `deliveries` signed Gigs deliveries, a tenth of them repeats of
/// earlier ones, over `connections` connections against the example
/// server (its seen ids and inbox in `db`, or in memory); checks that every
/// unique delivery was handled exactly once and every one acknowledged.
async fn load(deliveries: usize, connections: usize, db: Option<&Path>) -> LoadReport {
    let (addr, inbox) = example_server(db).await;
    let body = Arc::new(gigs_body());
    // Job j delivers id `msg_{target(j)}`: every tenth job repeats a
    // delivery a few jobs back, which is often still being handled on
    // another connection (a 409, retried) or just committed (a 200).
    let target = |job: usize| if job % 10 == 9 { job - 3 } else { job };
    let unique: std::collections::BTreeSet<usize> = (0..deliveries).map(target).collect();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(600);
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let next = Arc::clone(&next);
            let body = Arc::clone(&body);
            tokio::spawn(async move {
                let mut http = Connection::open(addr).await.unwrap();
                let mut latencies = Vec::new();
                let mut outcomes = Vec::new();
                loop {
                    let job = next.fetch_add(1, Ordering::Relaxed);
                    if job >= deliveries {
                        break;
                    }
                    let id = format!("msg_{}", target(job));
                    for attempt in 0.. {
                        assert!(
                            attempt < 1_000 && Instant::now() < deadline,
                            "{id} never acknowledged"
                        );
                        let headers = signed(&id, &body);
                        let sent = Instant::now();
                        let reply = http
                            .post("/hooks/gigs", &headers, body.to_vec())
                            .await
                            .unwrap();
                        latencies.push(sent.elapsed());
                        match reply.status {
                            409 => tokio::time::sleep(Duration::from_millis(2)).await,
                            204 | 200 => {
                                outcomes.push(reply.status);
                                break;
                            }
                            other => panic!("{id}: {other} {reply:?}"),
                        }
                    }
                }
                (latencies, outcomes)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let (mut handled, mut duplicates) = (0, 0);
    for worker in workers {
        let (mut l, outcomes) = worker.await.unwrap();
        latencies.append(&mut l);
        handled += outcomes.iter().filter(|s| **s == 204).count();
        duplicates += outcomes.iter().filter(|s| **s == 200).count();
    }
    let wall = started.elapsed();

    // Every unique delivery handled exactly once, none lost, no repeat handled.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for entry in inbox.entries().unwrap() {
        *counts.entry(entry.delivery).or_default() += 1;
    }
    assert_eq!(counts.len(), unique.len(), "every unique delivery handled");
    assert!(counts.values().all(|n| *n == 1), "none handled twice");
    assert!(
        unique
            .iter()
            .all(|i| counts.contains_key(&format!("msg_{i}")))
    );
    assert_eq!(handled, unique.len());
    assert_eq!(
        handled + duplicates,
        deliveries,
        "every delivery acknowledged"
    );
    latencies.sort();
    LoadReport {
        deliveries,
        unique: unique.len(),
        requests: latencies.len(),
        wall,
        latencies,
    }
}

struct LoadReport {
    deliveries: usize,
    unique: usize,
    requests: usize,
    wall: Duration,
    latencies: Vec<Duration>,
}

impl LoadReport {
    fn percentile(&self, p: f64) -> Duration {
        let last = self.latencies.len().saturating_sub(1);
        // Truncation is the nearest-rank index here.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let index = ((last as f64) * p).round() as usize;
        self.latencies[index.min(last)]
    }

    fn print(&self, connections: usize) {
        #[allow(clippy::cast_precision_loss)]
        let per_second = self.deliveries as f64 / self.wall.as_secs_f64();
        println!(
            "load: {} deliveries ({} unique, {} repeats; {} HTTP requests with 409 retries) \
             over {connections} connections in {:.2} s: {per_second:.0} deliveries/s, \
             p50 {:.2} ms, p99 {:.2} ms",
            self.deliveries,
            self.unique,
            self.deliveries - self.unique,
            self.requests,
            self.wall.as_secs_f64(),
            self.percentile(0.50).as_secs_f64() * 1e3,
            self.percentile(0.99).as_secs_f64() * 1e3,
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_20000_deliveries_over_32_connections_with_10_percent_repeats() {
    let report = load(20_000, 32, None).await;
    report.print(32);
}

/// The bigger run of BENCHMARKS.md: `EVENTSMITH_LOAD_DELIVERIES` (default
/// 200 000) deliveries, in release.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "minutes in debug; run in release, see BENCHMARKS.md"]
async fn load_big() {
    let deliveries = std::env::var("EVENTSMITH_LOAD_DELIVERIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200_000);
    let report = load(deliveries, 32, None).await;
    report.print(32);
}

/// The same load on the durable store (`--db`: every claim and commit a
/// durable SQLite transaction): `EVENTSMITH_LOAD_DELIVERIES` (default
/// 20 000) deliveries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "disk-bound; see BENCHMARKS.md"]
async fn load_durable() {
    let deliveries = std::env::var("EVENTSMITH_LOAD_DELIVERIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let dir = std::env::temp_dir().join(format!(
        "eventsmith-load-{}-{}",
        std::process::id(),
        unix_now()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let report = load(deliveries, 32, Some(&dir.join("hooks.db"))).await;
    report.print(32);
    std::fs::remove_dir_all(&dir).unwrap();
}

// ------------------------------------------- killed and restarted mid-stream

const CHILD_DB: &str = "EVENTSMITH_TEST_SERVER_DB";

/// `child_server`'s name in the test binary (`tests/it/`, one module per
/// file): the path the harness's `--exact` filter matches.
const CHILD_TEST: &str = "webhook_server::child_server";

/// The server process of the restart test: the example's `serve` on the
/// database `EVENTSMITH_TEST_SERVER_DB`, until killed. Started by
/// `a_server_killed_mid_stream_loses_no_acknowledged_delivery_and_handles_none_twice`.
#[test]
#[ignore = "the server process of the restart test, which starts it"]
fn child_server() {
    let Some(db) = std::env::var_os(CHILD_DB) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(server::serve(config(Some(Path::new(&db)))))
        .unwrap();
}

/// A server process: this test binary running `child_server`.
struct ServerProcess {
    child: Child,
    addr: SocketAddr,
}

impl ServerProcess {
    fn start(db: &Path) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([CHILD_TEST, "--exact", "--ignored", "--nocapture"])
            .env(CHILD_DB, db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (found, address) = std::sync::mpsc::channel();
        // Reads the address, then keeps draining stdout.
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let addr = rest.split_whitespace().next().unwrap_or_default();
                    let _ = found.send(addr.parse::<SocketAddr>().unwrap());
                }
            }
        });
        let addr = address
            .recv_timeout(Duration::from_secs(60))
            .expect("the server process printed its address");
        Self { child, addr }
    }

    /// SIGKILL: no destructor, no flush, no graceful anything.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_stream_loses_no_acknowledged_delivery_and_handles_none_twice() {
    const DELIVERIES: usize = 600;
    const WORKERS: usize = 8;
    let dir = std::env::temp_dir().join(format!(
        "eventsmith-restart-{}-{}",
        std::process::id(),
        unix_now()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let db: PathBuf = dir.join("hooks.db");

    let server = Arc::new(Mutex::new(Some(ServerProcess::start(&db))));
    let addr = Arc::new(Mutex::new(server.lock().unwrap().as_ref().unwrap().addr));
    let acknowledged = Arc::new(Mutex::new(Vec::<(String, u16)>::new()));
    let next = Arc::new(AtomicUsize::new(0));
    let body = Arc::new(gigs_body());
    let deadline = Instant::now() + Duration::from_secs(240);

    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (addr, acknowledged, next, body) = (
                Arc::clone(&addr),
                Arc::clone(&acknowledged),
                Arc::clone(&next),
                Arc::clone(&body),
            );
            tokio::spawn(async move {
                let mut http: Option<Connection> = None;
                loop {
                    let job = next.fetch_add(1, Ordering::Relaxed);
                    if job >= DELIVERIES {
                        break;
                    }
                    let id = format!("msg_{job}");
                    // As a sender does: retry until acknowledged (2xx).
                    loop {
                        assert!(Instant::now() < deadline, "{id} never acknowledged");
                        if http.is_none() {
                            let current = *addr.lock().unwrap();
                            http = Connection::open(current).await.ok();
                        }
                        let Some(connection) = http.as_mut() else {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            continue;
                        };
                        match connection
                            .post("/hooks/gigs", &signed(&id, &body), body.to_vec())
                            .await
                        {
                            Ok(reply) if reply.status == 204 || reply.status == 200 => {
                                acknowledged
                                    .lock()
                                    .unwrap()
                                    .push((id.clone(), reply.status));
                                break;
                            }
                            Ok(reply) if [409, 500, 503].contains(&reply.status) => {
                                tokio::time::sleep(Duration::from_millis(10)).await;
                            }
                            Ok(reply) => panic!("{id}: {reply:?}"),
                            // The server died under us: reconnect.
                            Err(_) => {
                                http = None;
                                tokio::time::sleep(Duration::from_millis(20)).await;
                            }
                        }
                    }
                }
            })
        })
        .collect();

    // Kill the server twice mid-stream, restarting it on the same file.
    for threshold in [DELIVERIES / 3, 2 * DELIVERIES / 3] {
        while acknowledged.lock().unwrap().len() < threshold {
            assert!(Instant::now() < deadline, "the stream stalled");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let old = server.lock().unwrap().take().unwrap();
        old.kill();
        let db = db.clone();
        let restarted = tokio::task::spawn_blocking(move || ServerProcess::start(&db))
            .await
            .unwrap();
        *addr.lock().unwrap() = restarted.addr;
        *server.lock().unwrap() = Some(restarted);
    }
    for worker in workers {
        worker.await.unwrap();
    }

    // Repeats of deliveries acknowledged before the kills: still known.
    let last = *addr.lock().unwrap();
    let mut http = Connection::open(last).await.unwrap();
    for i in (0..DELIVERIES).step_by(10) {
        let id = format!("msg_{i}");
        let reply = http
            .post("/hooks/gigs", &signed(&id, &body), body.to_vec())
            .await
            .unwrap();
        assert_duplicate(&reply);
    }
    server.lock().unwrap().take().unwrap().kill();

    let acknowledged = acknowledged.lock().unwrap().clone();
    assert_eq!(
        acknowledged.len(),
        DELIVERIES,
        "every delivery acknowledged"
    );
    let mut handled: BTreeMap<String, usize> = BTreeMap::new();
    for entry in server::read_inbox(&db).unwrap() {
        *handled.entry(entry.delivery).or_default() += 1;
    }
    let twice: Vec<_> = handled.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "handled twice: {twice:?}");
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|(id, _)| !handled.contains_key(id))
        .collect();
    assert!(lost.is_empty(), "acknowledged but never handled: {lost:?}");
    assert_eq!(handled.len(), DELIVERIES);
    println!(
        "restart: {DELIVERIES} deliveries, server killed twice; {} acknowledged as handled, \
         {} as repeats of deliveries handled before a kill",
        acknowledged.iter().filter(|(_, s)| *s == 204).count(),
        acknowledged.iter().filter(|(_, s)| *s == 200).count(),
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
