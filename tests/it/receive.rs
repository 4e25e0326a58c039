//! `eventsmith::receive`: the one-call pipeline authenticate → parse →
//! dispatch → validate → decode → deduplicate, for Standard Webhooks and
//! shared secrets, with a small hand-written event source.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use eventsmith::decode::{Decode, DecodeError};
use eventsmith::event::{Locator, Selector, SourceTable, TypeTable};
use eventsmith::json::Node;
use eventsmith::receive::TokenIn;
use eventsmith::receive::{Credentials, Stage};
use eventsmith::validation::Embedded;
use eventsmith::version::Scheme;
use eventsmith::webhook::{
    Claim, InMemorySeenIds, Secret, SeenIds, SeenIdsError, SharedSecret, SharedSecretError,
    SharedSecrets, Verifier, VerifyError,
};
use eventsmith::{Delivery, EventError, EventSource, Limits, ParseError, ReceiveError, Receiver};

// ------------------------------------------------------------ the source

/// A one-type source: `{"type": "ping", "version": "1.0.0", "n": 0..}`
/// (plus an optional `id`). `n` must be a non-negative integer (validation);
/// one above 255 is valid but does not fit the Rust `u8` (decoding). What
/// the generator writes for a source, by hand.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
struct Ping {
    n: u8,
}

static VALIDATOR: Embedded = Embedded::new(&[
    r#"{"at":"ping.json#","checks":[{"type":"object"},{"properties":[["n",1]]},{"required":["n"]}]}"#,
    r#"{"at":"ping.json#/properties/n","checks":[{"type":"integer"},{"minimum":0}]}"#,
]);

static TABLE: SourceTable = SourceTable {
    source: "ping",
    validator: &VALIDATOR,
    event_type: Locator::Member("type"),
    selector: Selector::Version {
        at: Locator::Member("version"),
        scheme: Scheme::Semver,
    },
    types: &[TypeTable {
        event_type: "ping",
        keys: &["1.0.0", "1.2.0"],
        roots: &[0, 0],
    }],
};

impl EventSource for Ping {
    const SOURCE: &'static str = "ping";
    const TYPES: &'static [&'static str] = &["ping"];

    fn table() -> &'static SourceTable {
        &TABLE
    }

    fn decode(_: usize, _: usize, node: Node<'_>) -> Result<Self, DecodeError> {
        let n = node.get("n").map(u64::decode).transpose()?.unwrap_or(0);
        let n = u8::try_from(n).map_err(|e| DecodeError::new(e.to_string()).in_member("n"))?;
        Ok(Ping { n })
    }

    fn event_type(&self) -> &'static str {
        "ping"
    }

    fn schema_version(&self) -> &'static str {
        "1.0.0"
    }
}

// -------------------------------------------------------- Standard Webhooks

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: i64 = 1_614_265_330;
const PING: &[u8] = br#"{"type": "ping", "version": "1.0.0", "n": 7}"#;

fn verifier() -> Verifier {
    Verifier::new(Secret::new(SECRET).unwrap()).clock(|| NOW)
}

/// Headers of a delivery `id` of `body` signed at `timestamp`.
fn signed(id: &str, timestamp: i64, body: &[u8]) -> Vec<(String, String)> {
    vec![
        ("webhook-id".to_owned(), id.to_owned()),
        ("webhook-timestamp".to_owned(), timestamp.to_string()),
        (
            "webhook-signature".to_owned(),
            verifier().sign(id, timestamp, body),
        ),
    ]
}

fn receiver() -> Receiver<Ping> {
    Receiver::standard_webhooks(verifier()).seen_ids(InMemorySeenIds::default())
}

#[test]
fn authentic_delivery_becomes_a_typed_event() {
    let delivery = receiver()
        .receive(&signed("msg_1", NOW, PING), PING)
        .unwrap();
    assert_eq!(delivery.event, Ping { n: 7 });
    assert_eq!(delivery.id, "msg_1");
    assert_eq!(delivery.timestamp, Some(NOW));
    assert_eq!(delivery.secret_index, 0);
    assert_eq!(delivery.commit().unwrap().into_event(), Ping { n: 7 });
}

#[test]
fn the_canonical_vector_passes_the_authentication_step() {
    // The vector's body is no ping, so the receiver gets past the signature
    // and stops at dispatch: proof that the vector authenticated.
    let body = br#"{"test": 2432232314}"#;
    let headers = [
        ("svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        ("svix-timestamp", "1614265330"),
        (
            "svix-signature",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ),
    ];
    let error = receiver().receive(&headers, body).unwrap_err();
    assert_eq!(
        error,
        ReceiveError::Event(EventError::MissingField {
            field: "type".to_owned()
        })
    );
    assert_eq!(error.stage(), Stage::Dispatch);
}

#[test]
fn a_wrong_signature_fails_authentication_with_a_generic_public_message() {
    let mut headers = signed("msg_1", NOW, PING);
    headers[2].1 = verifier().sign("msg_1", NOW, b"{}");
    let error = receiver().receive(&headers, PING).unwrap_err();
    assert_eq!(
        error,
        ReceiveError::Verify(VerifyError::SignatureMismatch { v1_entries: 1 })
    );
    assert_eq!(error.stage(), Stage::Authenticate);
    assert_eq!(error.status(), 401);
    assert_eq!(error.public_message(), "webhook verification failed");
    let detail = error.to_string();
    assert!(
        detail.contains("none of the 1 `v1` signature(s) matches"),
        "{detail}"
    );
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn missing_headers_fail_authentication_before_the_body_is_read() {
    // The body is not even JSON: authentication comes first.
    let error = receiver()
        .receive(&[("webhook-id", "msg_1")], b"not json")
        .unwrap_err();
    assert_eq!(
        error,
        ReceiveError::Verify(VerifyError::MissingHeader("webhook-timestamp"))
    );
    assert_eq!(error.status(), 401);
}

#[test]
fn a_token_cannot_authenticate_a_signed_delivery() {
    let error = receiver().receive_token(Some(SECRET), PING).unwrap_err();
    assert_eq!(
        error,
        ReceiveError::MissingCredentials(Credentials::SignatureHeaders)
    );
    assert_eq!(error.stage(), Stage::Authenticate);
    assert_eq!(error.status(), 401);
    assert_eq!(error.public_message(), "webhook authentication failed");
}

#[test]
fn a_repeated_delivery_is_a_duplicate_answered_with_200() {
    let receiver = receiver();
    let headers = signed("msg_dup", NOW, PING);
    receiver.receive(&headers, PING).unwrap().commit().unwrap();
    let error = receiver.receive(&headers, PING).unwrap_err();
    assert_eq!(
        error,
        ReceiveError::Duplicate {
            id: "msg_dup".to_owned()
        }
    );
    assert!(error.is_duplicate());
    assert_eq!(error.stage(), Stage::Deduplicate);
    assert_eq!(error.status(), 200);
    assert_eq!(error.public_message(), "webhook already received");
    // A retry is a new attempt (new timestamp and signature), same id.
    let retry = signed("msg_dup", NOW + 60, PING);
    assert!(receiver.receive(&retry, PING).unwrap_err().is_duplicate());
    // Another id is not affected.
    receiver
        .receive(&signed("msg_other", NOW, PING), PING)
        .unwrap()
        .commit()
        .unwrap();
}

#[test]
fn without_a_seen_id_store_every_delivery_is_handed_out() {
    let receiver = Receiver::<Ping>::standard_webhooks(verifier());
    let headers = signed("msg_1", NOW, PING);
    receiver.receive(&headers, PING).unwrap().commit().unwrap();
    receiver.receive(&headers, PING).unwrap().commit().unwrap();
}

/// Each failure after authentication, then the corrected delivery with the
/// same id: it must go through, so the failure did not mark the id.
#[test]
fn a_failed_payload_never_marks_its_id_as_seen() {
    let receiver = receiver();
    let failures: [(&[u8], Stage, u16, &str); 6] = [
        (
            b"{\"type\": \"ping\",",
            Stage::Parse,
            400,
            "webhook payload is not valid JSON",
        ),
        (
            br#"{"type": "pong", "version": "1.0.0", "n": 1}"#,
            Stage::Dispatch,
            422,
            "unknown webhook event type",
        ),
        (
            br#"{"type": "ping", "version": "0.9.0", "n": 1}"#,
            Stage::Dispatch,
            422,
            "unsupported webhook event version",
        ),
        (
            br#"{"version": "1.0.0", "n": 1}"#,
            Stage::Dispatch,
            422,
            "invalid webhook payload",
        ),
        (
            br#"{"type": "ping", "version": "1.0.0", "n": -1}"#,
            Stage::Validate,
            422,
            "invalid webhook payload",
        ),
        (
            br#"{"type": "ping", "version": "1.0.0", "n": 256}"#,
            Stage::Decode,
            422,
            "invalid webhook payload",
        ),
    ];
    for (i, (body, stage, status, public)) in failures.into_iter().enumerate() {
        let id = format!("msg_fail_{i}");
        let error = receiver.receive(&signed(&id, NOW, body), body).unwrap_err();
        assert!(matches!(error, ReceiveError::Event(_)), "{error:?}");
        assert_eq!(error.stage(), stage, "{error}");
        assert_eq!(error.status(), status, "{error}");
        assert_eq!(error.public_message(), public, "{error}");
        assert_eq!(error.retry_after_secs(), None);
        let delivery = receiver.receive(&signed(&id, NOW, PING), PING).unwrap();
        assert_eq!(delivery.id, id);
    }
}

#[test]
fn the_payload_error_is_precise() {
    let body = br#"{"type": "ping", "version": "1.2.5", "n": "seven"}"#;
    let error = receiver()
        .receive(&signed("msg_1", NOW, body), body)
        .unwrap_err();
    let ReceiveError::Event(EventError::Invalid {
        version,
        schema_version,
        errors,
        ..
    }) = &error
    else {
        panic!("expected a validation error, got {error:?}");
    };
    assert_eq!(version, "1.2.5");
    assert_eq!(*schema_version, "1.2.0");
    assert_eq!(errors.0[0].instance_path, "/n");
    assert!(error.to_string().contains("(validate)"), "{error}");
}

#[test]
fn forget_lets_the_retry_of_a_failed_handling_through() {
    let receiver = receiver();
    let headers = signed("msg_1", NOW, PING);
    let delivery = receiver.receive(&headers, PING).unwrap().commit().unwrap();
    // Handling failed after the commit: give the id back.
    receiver.forget(&delivery.id).unwrap();
    receiver.receive(&headers, PING).unwrap().commit().unwrap();
    assert!(receiver.receive(&headers, PING).unwrap_err().is_duplicate());
}

#[test]
fn the_body_is_parsed_under_the_limits() {
    let receiver = receiver().limits(Limits {
        max_bytes: 32,
        max_depth: 3,
    });
    let error = receiver
        .receive(&signed("msg_big", NOW, PING), PING)
        .unwrap_err();
    assert_eq!(
        error,
        ReceiveError::Event(EventError::Parse(ParseError::TooLarge {
            size: PING.len(),
            limit: 32
        }))
    );
    assert_eq!(error.stage(), Stage::Parse);
    assert_eq!(error.status(), 413);

    let deep = br#"{"a": [[[1]]]}"#;
    let error = receiver
        .receive(&signed("msg_deep", NOW, deep), deep)
        .unwrap_err();
    assert!(
        matches!(
            error,
            ReceiveError::Event(EventError::Parse(ParseError::TooDeep { limit: 3, .. }))
        ),
        "{error:?}"
    );
    assert_eq!(error.status(), 400);

    let duplicate_key = br#"{"n": 1, "n": 2}"#;
    let error = receiver
        .receive(&signed("msg_dk", NOW, duplicate_key), duplicate_key)
        .unwrap_err();
    assert!(
        matches!(
            error,
            ReceiveError::Event(EventError::Parse(ParseError::DuplicateKey { .. }))
        ),
        "{error:?}"
    );
}

#[test]
fn non_utf8_bodies_are_authenticated_then_refused_as_payloads() {
    let body = b"{\"type\": \"\xff\"}";
    let error = receiver()
        .receive(&signed("msg_1", NOW, body), body)
        .unwrap_err();
    assert_eq!(error.stage(), Stage::Parse);
}

/// A clock the test moves.
fn manual_clock(start: i64) -> (Arc<AtomicI64>, impl Fn() -> i64 + Send + Sync + 'static) {
    let time = Arc::new(AtomicI64::new(start));
    let reader = Arc::clone(&time);
    (time, move || reader.load(Ordering::SeqCst))
}

#[test]
fn the_receiver_clock_replaces_the_verifiers() {
    // The verifier's own clock says NOW; the receiver's says otherwise.
    let (time, clock) = manual_clock(NOW + 300);
    let receiver = Receiver::<Ping>::standard_webhooks(verifier()).clock(clock);
    receiver
        .receive(&signed("msg_1", NOW, PING), PING)
        .unwrap()
        .commit()
        .unwrap();
    time.store(NOW + 301, Ordering::SeqCst);
    let error = receiver
        .receive(&signed("msg_1", NOW, PING), PING)
        .unwrap_err();
    assert_eq!(
        error,
        ReceiveError::Verify(VerifyError::TimestampTooOld {
            timestamp: NOW,
            now: NOW + 301,
            tolerance_secs: 300
        })
    );
}

#[test]
fn without_a_receiver_clock_the_verifier_keeps_its_own() {
    // verifier() is pinned to NOW, far in the past of the system clock.
    let receiver = Receiver::<Ping>::standard_webhooks(verifier());
    receiver
        .receive(&signed("msg_1", NOW, PING), PING)
        .unwrap()
        .commit()
        .unwrap();
    let error = receiver
        .receive(&signed("msg_1", NOW - 301, PING), PING)
        .unwrap_err();
    assert!(
        matches!(
            error,
            ReceiveError::Verify(VerifyError::TimestampTooOld { .. })
        ),
        "{error:?}"
    );
}

#[test]
fn the_seen_id_window_follows_the_receiver_clock() {
    let (time, clock) = manual_clock(NOW);
    let verifier = Verifier::new(Secret::new(SECRET).unwrap()).tolerance(Duration::from_secs(3600));
    let receiver = Receiver::<Ping>::standard_webhooks(verifier)
        .seen_ids(InMemorySeenIds::new(Duration::from_secs(60)))
        .clock(clock);
    let headers = signed("msg_1", NOW, PING);
    receiver.receive(&headers, PING).unwrap().commit().unwrap();
    time.store(NOW + 59, Ordering::SeqCst);
    assert!(receiver.receive(&headers, PING).unwrap_err().is_duplicate());
    // 60 s after it was last seen (at NOW + 59) the id has expired.
    time.store(NOW + 119, Ordering::SeqCst);
    receiver.receive(&headers, PING).unwrap().commit().unwrap();
}

#[test]
fn clones_share_the_seen_id_store_and_callers_can_keep_a_handle() {
    let store = Arc::new(InMemorySeenIds::default());
    let receiver = Receiver::<Ping>::standard_webhooks(verifier()).seen_ids(Arc::clone(&store));
    let clone = receiver.clone();
    let headers = signed("msg_1", NOW, PING);
    receiver.receive(&headers, PING).unwrap().commit().unwrap();
    assert!(clone.receive(&headers, PING).unwrap_err().is_duplicate());
    assert_eq!(store.len(), 1);
    assert!(!store.first_time("msg_1", NOW).unwrap());

    fn send_sync<T: Send + Sync + 'static>(_: &T) {}
    send_sync(&receiver);
    let debug = format!("{receiver:?}");
    assert!(debug.contains("deduplicates: true"), "{debug}");
    assert!(!debug.contains("MfKQ9r8"), "{debug}");
}

// ----------------------------------------------------------- shared secret

const EVENT_95: &[u8] = br#"{"id": 95, "type": "ping", "version": "1.0.0", "n": 3}"#;

fn impact() -> Receiver<Ping> {
    Receiver::shared_secret(SharedSecret::new("s3cr3t").unwrap())
        .seen_ids(InMemorySeenIds::default())
}

/// `Basic base64(user:password)`.
fn basic(user_password: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(user_password)
    )
}

#[test]
fn a_url_token_authenticates_and_the_event_id_identifies_the_delivery() {
    let delivery: Delivery<Ping> = impact()
        .receive_token(Some("s3cr3t"), EVENT_95)
        .unwrap()
        .commit()
        .unwrap();
    assert_eq!(delivery.event, Ping { n: 3 });
    assert_eq!(delivery.id, "95");
    assert_eq!(delivery.timestamp, None);
}

#[test]
fn a_wrong_missing_or_empty_token_fails_authentication_before_parsing() {
    let receiver = impact();
    let error = receiver
        .receive_token(Some("guess"), b"not json")
        .unwrap_err();
    assert_eq!(
        error,
        ReceiveError::SharedSecret(SharedSecretError::Mismatch)
    );
    assert_eq!(error.stage(), Stage::Authenticate);
    assert_eq!(error.status(), 401);
    assert_eq!(error.public_message(), "webhook authentication failed");
    for token in [None, Some("")] {
        let error = receiver.receive_token(token, EVENT_95).unwrap_err();
        assert_eq!(error, ReceiveError::MissingCredentials(Credentials::Token));
        assert_eq!(error.status(), 401);
        assert_eq!(error.public_message(), "webhook authentication failed");
    }
}

#[test]
fn basic_auth_in_the_authorization_header() {
    let receiver = impact();
    let headers = [("Authorization", basic("impact:s3cr3t"))];
    assert_eq!(receiver.receive(&headers, EVENT_95).unwrap().id, "95");

    let wrong = [("authorization", basic("impact:nope"))];
    assert_eq!(
        receiver.receive(&wrong, EVENT_95).unwrap_err(),
        ReceiveError::SharedSecret(SharedSecretError::Mismatch)
    );
    let bearer = [("authorization", "Bearer s3cr3t".to_owned())];
    assert_eq!(
        receiver.receive(&bearer, EVENT_95).unwrap_err(),
        ReceiveError::SharedSecret(SharedSecretError::NotBasic)
    );
    let none: [(&str, &str); 0] = [];
    let error = receiver.receive(&none, EVENT_95).unwrap_err();
    assert_eq!(
        error,
        ReceiveError::MissingCredentials(Credentials::Authorization)
    );
    assert_eq!(error.status(), 401);
}

#[test]
fn basic_credentials_check_the_user_name_too() {
    let receiver =
        Receiver::<Ping>::shared_secret(SharedSecret::basic("impact", "s3cr3t").unwrap());
    receiver
        .receive(&[("authorization", basic("impact:s3cr3t"))], EVENT_95)
        .unwrap()
        .commit()
        .unwrap();
    assert_eq!(
        receiver
            .receive(&[("authorization", basic("other:s3cr3t"))], EVENT_95)
            .unwrap_err(),
        ReceiveError::SharedSecret(SharedSecretError::Mismatch)
    );
}

#[test]
fn shared_secret_deliveries_are_deduplicated_by_event_id() {
    let receiver = impact();
    receiver
        .receive_token(Some("s3cr3t"), EVENT_95)
        .unwrap()
        .commit()
        .unwrap();
    // The same event again, by the other route: still a duplicate.
    let error = receiver
        .receive(&[("authorization", basic("x:s3cr3t"))], EVENT_95)
        .unwrap_err();
    assert_eq!(
        error,
        ReceiveError::Duplicate {
            id: "95".to_owned()
        }
    );
    // Another event id goes through.
    let event_96 = br#"{"id": 96, "type": "ping", "version": "1.0.0", "n": 3}"#;
    assert_eq!(
        receiver.receive_token(Some("s3cr3t"), event_96).unwrap().id,
        "96"
    );
}

#[test]
fn an_invalid_shared_secret_event_does_not_mark_its_id() {
    let receiver = impact();
    let invalid = br#"{"id": 95, "type": "ping", "version": "1.0.0", "n": "x"}"#;
    let error = receiver.receive_token(Some("s3cr3t"), invalid).unwrap_err();
    assert_eq!(error.stage(), Stage::Validate);
    receiver
        .receive_token(Some("s3cr3t"), EVENT_95)
        .unwrap()
        .commit()
        .unwrap();
}

#[test]
fn a_shared_secret_event_without_a_usable_id_is_refused() {
    let receiver = impact();
    for body in [
        &br#"{"type": "ping", "version": "1.0.0", "n": 3}"#[..],
        br#"{"id": "", "type": "ping", "version": "1.0.0", "n": 3}"#,
        br#"{"id": 9.5, "type": "ping", "version": "1.0.0", "n": 3}"#,
        br#"{"id": [1], "type": "ping", "version": "1.0.0", "n": 3}"#,
    ] {
        let error = receiver.receive_token(Some("s3cr3t"), body).unwrap_err();
        assert_eq!(
            error,
            ReceiveError::MissingId {
                field: "id".to_owned()
            }
        );
        assert_eq!(error.stage(), Stage::Identify);
        assert_eq!(error.status(), 422);
        assert_eq!(error.public_message(), "invalid webhook payload");
    }
    // An invalid event without an id reports the payload problem first.
    let error = receiver
        .receive_token(Some("s3cr3t"), br#"{"type": "pong", "version": "1.0.0"}"#)
        .unwrap_err();
    assert_eq!(error.stage(), Stage::Dispatch);
}

#[test]
fn the_id_field_is_configurable_and_strings_are_used_as_is() {
    let receiver = impact().id_field("uuid");
    let body = br#"{"uuid": "e9cb75da", "id": 1, "type": "ping", "version": "1.0.0", "n": 3}"#;
    let pending = receiver.receive_token(Some("s3cr3t"), body).unwrap();
    assert_eq!(pending.id, "e9cb75da");
    pending.commit().unwrap();
    assert!(
        receiver
            .receive_token(Some("s3cr3t"), body)
            .unwrap_err()
            .is_duplicate()
    );
}

// ------------------------------------------- the docs site's receiving code

// What `eventsmith docs` shows on each source's page
// (codegen/src/docs/receive/), compiled here with `Ping` as the source's
// `Event` and run: the site shows code that works.

mod docs_standard_webhooks {
    use super::Ping as Event;
    include!("../../codegen/src/docs/receive/standard_webhooks.rs");
}

mod docs_shared_secret {
    use super::Ping as Event;
    include!("../../codegen/src/docs/receive/shared_secret.rs");
}

mod docs_github {
    use super::hub::Hub as Event;
    include!("../../codegen/src/docs/receive/github.rs");
}

#[test]
fn the_docs_github_example_answers_each_delivery() {
    use eventsmith::webhook::GitHubVerifier;
    let secret = "It's a Secret to Everybody";
    let receiver = docs_github::receiver(secret).unwrap();
    let signer = GitHubVerifier::new(secret).unwrap();
    let headers = |event: &'static str, id: &'static str, body: &[u8]| {
        vec![
            ("X-GitHub-Event", event.to_owned()),
            ("X-GitHub-Delivery", id.to_owned()),
            ("X-Hub-Signature-256", signer.sign(body)),
            ("Content-Type", "application/json".to_owned()),
        ]
    };
    let handle = |h: &[(&str, String)], body: &[u8]| {
        let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
        docs_github::handle(&receiver, &h, body)
    };
    let opened = br#"{"action": "opened", "number": 7}"#;
    let good = headers("issues", "d-1", opened);
    assert_eq!(handle(&good, opened), 200);
    assert_eq!(handle(&good, opened), 200, "a redelivery is answered 200");
    let tampered = br#"{"action": "opened", "number": 8}"#;
    assert_eq!(handle(&good, tampered), 401);
    let invalid = br#"{"action": "opened", "number": "seven"}"#;
    assert_eq!(handle(&headers("issues", "d-2", invalid), invalid), 422);
}

mod docs_unsigned {
    use super::Ping as Event;
    include!("../../codegen/src/docs/receive/unsigned.rs");
}

#[test]
fn the_docs_standard_webhooks_example_answers_each_delivery() {
    let receiver = docs_standard_webhooks::receiver(SECRET).unwrap();
    // Signed now: the example's verifier keeps the system clock.
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let signer = Verifier::new(Secret::new(SECRET).unwrap());
    let headers = |id: &str, body: &[u8]| {
        let signature = signer.sign(id, now, body);
        vec![
            ("webhook-id".to_owned(), id.to_owned()),
            ("webhook-timestamp".to_owned(), now.to_string()),
            ("webhook-signature".to_owned(), signature),
        ]
    };
    let handle = |h: &[(String, String)], body: &[u8]| {
        let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        docs_standard_webhooks::handle(&receiver, &h, body)
    };
    let good = headers("msg_docs", PING);
    assert_eq!(handle(&good, PING), 200);
    assert_eq!(handle(&good, PING), 200, "a retry is answered 200");
    assert_eq!(
        handle(&good, br#"{"type": "ping", "version": "1.0.0", "n": 8}"#),
        401
    );
    let invalid = br#"{"type": "ping", "version": "1.0.0", "n": -1}"#;
    assert_eq!(handle(&headers("msg_bad", invalid), invalid), 422);
    assert!(docs_standard_webhooks::receiver("not a secret").is_err());
}

#[test]
fn the_docs_shared_secret_example_answers_each_delivery() {
    let receiver = docs_shared_secret::receiver("s3cr3t").unwrap();
    let auth = basic("impact:s3cr3t");
    assert_eq!(
        docs_shared_secret::handle(&receiver, &[("Authorization", &auth)], EVENT_95),
        200
    );
    assert_eq!(
        docs_shared_secret::handle(&receiver, &[("Authorization", &auth)], EVENT_95),
        200
    );
    let event_96 = br#"{"id": 96, "type": "ping", "version": "1.0.0", "n": 3}"#;
    assert_eq!(
        docs_shared_secret::handle_url(&receiver, "/hooks?secret=s3cr3t", event_96),
        200
    );
    assert_eq!(
        docs_shared_secret::handle_url(&receiver, "/hooks?secret=guess", event_96),
        401
    );
    assert_eq!(
        docs_shared_secret::handle_url(&receiver, "/hooks", event_96),
        401
    );
    let invalid = br#"{"id": 97, "type": "ping", "version": "1.0.0", "n": "x"}"#;
    assert_eq!(
        docs_shared_secret::handle_url(&receiver, "/hooks?secret=s3cr3t", invalid),
        422
    );
    assert!(docs_shared_secret::receiver("").is_err());
}

#[test]
fn the_docs_unsigned_example_reads_valid_events_only() {
    assert_eq!(docs_unsigned::handle(PING), 200);
    assert_eq!(docs_unsigned::handle(b"{}"), 400);
    assert_eq!(docs_unsigned::handle(b"not json"), 400);
}

// ------------------------------------------ two steps: claim, then commit

#[test]
fn a_pending_delivery_is_in_flight_until_committed() {
    let receiver = receiver();
    let headers = signed("msg_1", NOW, PING);
    let pending = receiver.receive(&headers, PING).unwrap();
    // A repeat while the first is being handled: neither handled nor
    // acknowledged, the sender is asked to retry.
    let error = receiver.receive(&headers, PING).unwrap_err();
    assert_eq!(
        error,
        ReceiveError::InFlight {
            id: "msg_1".to_owned()
        }
    );
    assert_eq!(error.stage(), Stage::Deduplicate);
    assert_eq!(error.status(), 409);
    assert_eq!(error.retry_after_secs(), Some(1));
    assert_eq!(
        error.public_message(),
        "webhook delivery is being processed; retry later"
    );
    assert!(!error.is_duplicate());
    let delivery = pending.commit().unwrap();
    assert_eq!(delivery.event, Ping { n: 7 });
    assert!(receiver.receive(&headers, PING).unwrap_err().is_duplicate());
}

#[test]
fn a_dropped_or_released_delivery_is_handled_again_on_retry() {
    let receiver = receiver();
    let headers = signed("msg_1", NOW, PING);
    // The handler failed (or panicked): the pending delivery is dropped.
    drop(receiver.receive(&headers, PING).unwrap());
    let delivery = receiver.receive(&headers, PING).unwrap().release().unwrap();
    assert_eq!(delivery.id, "msg_1");
    // Moving the event out while keeping the claim.
    let (delivery, ticket) = receiver.receive(&headers, PING).unwrap().into_parts();
    assert_eq!(ticket.id(), "msg_1");
    assert_eq!(delivery.into_event(), Ping { n: 7 });
    ticket.commit().unwrap();
    assert!(receiver.receive(&headers, PING).unwrap_err().is_duplicate());
}

/// A store whose disk is gone.
struct BrokenStore;

impl SeenIds for BrokenStore {
    fn claim(&self, _: &str, _: i64) -> Result<Claim, SeenIdsError> {
        Err(SeenIdsError::msg("disk I/O error"))
    }

    fn commit(&self, _: &str, _: i64) -> Result<(), SeenIdsError> {
        Err(SeenIdsError::msg("disk I/O error"))
    }

    fn forget(&self, _: &str) -> Result<(), SeenIdsError> {
        Err(SeenIdsError::msg("disk I/O error"))
    }
}

#[test]
fn a_failing_store_answers_503_and_never_hands_the_delivery_out() {
    let receiver = Receiver::<Ping>::standard_webhooks(verifier()).seen_ids(BrokenStore);
    let error = receiver
        .receive(&signed("msg_1", NOW, PING), PING)
        .unwrap_err();
    assert_eq!(
        error,
        ReceiveError::Store(SeenIdsError::msg("disk I/O error"))
    );
    assert_eq!(error.stage(), Stage::Deduplicate);
    assert_eq!(error.status(), 503);
    assert_eq!(error.retry_after_secs(), Some(5));
    assert!(error.to_string().contains("disk I/O error"), "{error}");
    assert!(receiver.forget("msg_1").is_err());
}

#[test]
fn a_commit_that_fails_is_reported() {
    /// Claims work, commits do not.
    struct NoCommit(InMemorySeenIds);
    impl SeenIds for NoCommit {
        fn claim(&self, id: &str, now: i64) -> Result<Claim, SeenIdsError> {
            self.0.claim(id, now)
        }
        fn commit(&self, _: &str, _: i64) -> Result<(), SeenIdsError> {
            Err(SeenIdsError::msg("read-only database"))
        }
        fn forget(&self, id: &str) -> Result<(), SeenIdsError> {
            self.0.forget(id)
        }
    }
    let receiver = Receiver::<Ping>::standard_webhooks(verifier())
        .seen_ids(NoCommit(InMemorySeenIds::default()));
    let headers = signed("msg_1", NOW, PING);
    let error = receiver
        .receive(&headers, PING)
        .unwrap()
        .commit()
        .unwrap_err();
    assert_eq!(error.status(), 503);
    // Not committed, and the claim was given back: the retry is handled.
    receiver.receive(&headers, PING).unwrap().release().unwrap();
}

// ------------------------------------------------------- secret rotation

#[test]
fn rotated_secrets_are_all_accepted_and_the_match_is_reported() {
    let new = Secret::new("whsec_c2VjcmV0LW51bWJlci10d28tZm9yLXJvdGF0aW9u").unwrap();
    let rotating = Verifier::with_secrets([new, Secret::new(SECRET).unwrap()])
        .unwrap()
        .clock(|| NOW);
    let receiver = Receiver::<Ping>::standard_webhooks(rotating);
    // `signed` signs with the old secret, second in the list.
    let delivery = receiver.receive(&signed("msg_1", NOW, PING), PING).unwrap();
    assert_eq!(delivery.secret_index, 1);

    let impact = Receiver::<Ping>::shared_secret(
        SharedSecrets::new([
            SharedSecret::new("new").unwrap(),
            SharedSecret::new("s3cr3t").unwrap(),
        ])
        .unwrap(),
    );
    assert_eq!(
        impact
            .receive_token(Some("new"), EVENT_95)
            .unwrap()
            .secret_index,
        0
    );
    let basic_old = [("authorization", basic("x:s3cr3t"))];
    assert_eq!(
        impact.receive(&basic_old, EVENT_95).unwrap().secret_index,
        1
    );
    assert_eq!(
        impact.receive_token(Some("old"), EVENT_95).unwrap_err(),
        ReceiveError::SharedSecret(SharedSecretError::Mismatch)
    );
}

// ------------------------------------------- the request as a server sees it

#[test]
fn receive_request_reads_basic_auth_or_the_token_in_the_target() {
    let receiver = impact();
    let pending = receiver
        .receive_request("/hooks/impact?secret=s3cr3t", &[("x", "y")], EVENT_95)
        .unwrap();
    assert_eq!(pending.id, "95");
    drop(pending);
    // An Authorization header wins over the target.
    let headers = [("Authorization", basic("x:wrong"))];
    assert_eq!(
        receiver
            .receive_request("/hooks/impact?secret=s3cr3t", &headers, EVENT_95)
            .unwrap_err(),
        ReceiveError::SharedSecret(SharedSecretError::Mismatch)
    );
    let none: [(&str, &str); 0] = [];
    assert_eq!(
        receiver
            .receive_request("/hooks/impact", &none, EVENT_95)
            .unwrap_err(),
        ReceiveError::MissingCredentials(Credentials::Token)
    );
    let by_path = impact().token_in(TokenIn::LastPathSegment);
    by_path
        .receive_request("/hooks/impact/s3cr3t", &none, EVENT_95)
        .unwrap()
        .commit()
        .unwrap();
    let by_param = impact().token_in(TokenIn::Query("key".to_owned()));
    assert!(
        by_param
            .receive_request("/hooks/impact?key=s3cr3t&secret=nope", &none, EVENT_95)
            .is_ok()
    );
    // A signing receiver ignores the target.
    let signing = receiver_without_store();
    assert_eq!(
        signing
            .receive_request("/hooks?secret=s3cr3t", &signed("msg_1", NOW, PING), PING)
            .unwrap()
            .id,
        "msg_1"
    );
}

fn receiver_without_store() -> Receiver<Ping> {
    Receiver::standard_webhooks(verifier())
}

#[test]
fn the_body_limit_is_the_payload_limit() {
    assert_eq!(receiver().body_limit(), Limits::DEFAULT.max_bytes);
    let small = receiver().limits(Limits {
        max_bytes: 100,
        max_depth: 8,
    });
    assert_eq!(small.body_limit(), 100);
}

// ------------------------------------------------------------------ GitHub

use crate::hub;

/// GitHub deliveries, with the hand-written header-typed `Hub` source.
mod github {
    use super::*;

    use super::hub::Hub;
    use eventsmith::webhook::{GitHubError, GitHubPayloadError, GitHubVerifier};

    const HUB_SECRET: &str = "It's a Secret to Everybody";
    const PING_BODY: &[u8] = br#"{"zen": "Design for failure.", "hook_id": 42}"#;
    const OPENED: &[u8] = br#"{"action": "opened", "number": 7}"#;

    fn verifier() -> GitHubVerifier {
        GitHubVerifier::new(HUB_SECRET).unwrap()
    }

    fn hub() -> Receiver<Hub> {
        Receiver::github(verifier()).seen_ids(InMemorySeenIds::default())
    }

    /// The headers GitHub sends for `body`, signed with `signer`.
    fn delivery(
        signer: &GitHubVerifier,
        event: &str,
        id: &str,
        content_type: &str,
        body: &[u8],
    ) -> Vec<(String, String)> {
        vec![
            ("X-GitHub-Event".to_owned(), event.to_owned()),
            ("X-GitHub-Delivery".to_owned(), id.to_owned()),
            ("X-Hub-Signature-256".to_owned(), signer.sign(body)),
            ("Content-Type".to_owned(), content_type.to_owned()),
        ]
    }

    fn json(event: &str, id: &str, body: &[u8]) -> Vec<(String, String)> {
        delivery(&verifier(), event, id, "application/json", body)
    }

    #[test]
    fn the_event_type_comes_from_the_header_and_the_schema_from_the_action() {
        let receiver = hub();
        let ping = receiver
            .receive(&json("ping", "d-1", PING_BODY), PING_BODY)
            .unwrap()
            .commit()
            .unwrap();
        assert_eq!(
            ping.event,
            Hub::Ping {
                zen: "Design for failure.".to_owned()
            }
        );
        assert_eq!(ping.id, "d-1");
        assert_eq!((ping.timestamp, ping.secret_index), (None, 0));
        assert_eq!(ping.event.schema_version(), "event");

        let opened = receiver
            .receive(&json("issues", "d-2", OPENED), OPENED)
            .unwrap();
        assert_eq!(opened.event, Hub::IssueOpened { number: 7 });
        let closed = br#"{"action": "closed", "number": 7}"#;
        let closed = receiver
            .receive(&json("issues", "d-3", closed), closed)
            .unwrap();
        assert_eq!(closed.event, Hub::IssueClosed { number: 7 });
    }

    #[test]
    fn the_header_type_is_checked_against_the_payload() {
        let receiver = hub();
        // A ping body under the `issues` header: no action, and no
        // `event` schema for issues.
        let error = receiver
            .receive(&json("issues", "d-1", PING_BODY), PING_BODY)
            .unwrap_err();
        assert_eq!(error.stage(), Stage::Dispatch);
        assert_eq!(error.status(), 422);
        // An action the catalog does not have.
        let reopened = br#"{"action": "reopened", "number": 7}"#;
        let error = receiver
            .receive(&json("issues", "d-2", reopened), reopened)
            .unwrap_err();
        assert_eq!(error.public_message(), "unsupported webhook event version");
        assert_eq!(error.status(), 422);
        // An event the catalog does not have.
        let error = receiver
            .receive(&json("star", "d-3", OPENED), OPENED)
            .unwrap_err();
        assert_eq!(
            error,
            ReceiveError::Event(EventError::UnknownType {
                event_type: "star".to_owned()
            })
        );
        assert_eq!(error.status(), 422);
        assert_eq!(error.public_message(), "unknown webhook event type");
        // Schema-invalid.
        let zero = br#"{"action": "opened", "number": 0}"#;
        let error = receiver
            .receive(&json("issues", "d-4", zero), zero)
            .unwrap_err();
        assert_eq!((error.stage(), error.status()), (Stage::Validate, 422));
        // None of these marked its delivery id.
        receiver
            .receive(&json("issues", "d-4", OPENED), OPENED)
            .unwrap()
            .commit()
            .unwrap();
    }

    #[test]
    fn form_encoded_deliveries_are_verified_over_the_form_and_read_as_json() {
        let form = b"payload=%7B%22action%22%3A%22opened%22%2C%22number%22%3A9%7D";
        let headers = delivery(
            &verifier(),
            "issues",
            "d-1",
            "application/x-www-form-urlencoded",
            form,
        );
        let received = hub().receive(&headers, form).unwrap();
        assert_eq!(received.event, Hub::IssueOpened { number: 9 });

        // Signed over the JSON instead of the form body: refused.
        let mut wrong = headers.clone();
        wrong[2].1 = verifier().sign(br#"{"action":"opened","number":9}"#);
        assert!(matches!(
            hub().receive(&wrong, form).unwrap_err(),
            ReceiveError::GitHub(GitHubError::SignatureMismatch { .. })
        ));
    }

    #[test]
    fn bodies_without_json_are_refused_after_authentication() {
        let receiver = hub();
        let text = delivery(&verifier(), "ping", "d-1", "text/plain", PING_BODY);
        let error = receiver.receive(&text, PING_BODY).unwrap_err();
        assert_eq!(
            error,
            ReceiveError::Body(GitHubPayloadError::UnsupportedContentType)
        );
        assert_eq!((error.stage(), error.status()), (Stage::Parse, 415));
        assert_eq!(error.public_message(), "unsupported webhook body");

        let form = b"zen=nothing";
        let headers = delivery(
            &verifier(),
            "ping",
            "d-2",
            "application/x-www-form-urlencoded",
            form,
        );
        let error = receiver.receive(&headers, form).unwrap_err();
        assert_eq!(
            error,
            ReceiveError::Body(GitHubPayloadError::MissingPayloadField)
        );
        assert_eq!(error.status(), 400);

        let not_json = b"{\"zen\": ";
        let error = receiver
            .receive(&json("ping", "d-3", not_json), not_json)
            .unwrap_err();
        assert_eq!((error.stage(), error.status()), (Stage::Parse, 400));
    }

    #[test]
    fn tampered_wrong_secret_and_missing_headers_fail_authentication() {
        let receiver = hub();
        let headers = json("ping", "d-1", PING_BODY);
        let tampered = br#"{"zen": "Design for success.", "hook_id": 42}"#;
        let error = receiver.receive(&headers, tampered).unwrap_err();
        assert_eq!(
            error,
            ReceiveError::GitHub(GitHubError::SignatureMismatch { secrets: 1 })
        );
        assert_eq!((error.stage(), error.status()), (Stage::Authenticate, 401));
        assert_eq!(error.public_message(), "webhook verification failed");

        let other = GitHubVerifier::new("another secret").unwrap();
        let wrong = delivery(&other, "ping", "d-1", "application/json", PING_BODY);
        assert_eq!(
            receiver.receive(&wrong, PING_BODY).unwrap_err().status(),
            401
        );

        for missing in ["X-GitHub-Event", "X-GitHub-Delivery", "X-Hub-Signature-256"] {
            let headers: Vec<(String, String)> = json("ping", "d-1", PING_BODY)
                .into_iter()
                .filter(|(name, _)| name != missing)
                .collect();
            let error = receiver.receive(&headers, PING_BODY).unwrap_err();
            assert_eq!(
                error,
                ReceiveError::GitHub(GitHubError::MissingHeader(match missing {
                    "X-GitHub-Event" => "x-github-event",
                    "X-GitHub-Delivery" => "x-github-delivery",
                    _ => "x-hub-signature-256",
                })),
                "{missing}"
            );
        }
        assert_eq!(
            receiver
                .receive_token(Some(HUB_SECRET), PING_BODY)
                .unwrap_err(),
            ReceiveError::MissingCredentials(Credentials::SignatureHeaders)
        );
    }

    #[test]
    fn redeliveries_are_deduplicated_by_the_delivery_header() {
        let receiver = hub();
        let headers = json("ping", "72d3162e-cc78-11e3-81ab-4c9367dc0958", PING_BODY);
        receiver
            .receive(&headers, PING_BODY)
            .unwrap()
            .commit()
            .unwrap();
        let error = receiver.receive(&headers, PING_BODY).unwrap_err();
        assert!(error.is_duplicate(), "{error}");
        assert_eq!(error.status(), 200);
        // The same body under another delivery id is another delivery.
        receiver
            .receive(&json("ping", "another", PING_BODY), PING_BODY)
            .unwrap()
            .commit()
            .unwrap();
    }

    #[test]
    fn rotated_github_secrets_report_the_match_and_the_body_limit_allows_forms() {
        let rotating = GitHubVerifier::with_secrets(["new secret", HUB_SECRET]).unwrap();
        let receiver = Receiver::<Hub>::github(rotating).limits(Limits {
            max_bytes: 1_000,
            max_depth: 16,
        });
        let received = receiver
            .receive(&json("ping", "d-1", PING_BODY), PING_BODY)
            .unwrap();
        assert_eq!(received.secret_index, 1);
        // Percent-encoding triples a payload at most.
        assert_eq!(receiver.body_limit(), 3_000 + "payload=".len());
    }

    /// Where the real GitHub catalog plugs in: with the root crate's
    /// `github` feature (the shipped `schemas/github/` catalog), the same
    /// receiver reads GitHub's own example payloads into
    /// `eventsmith::github::Event`.
    #[cfg(feature = "github")]
    mod real_catalog {
        use super::*;

        #[test]
        fn github_examples_are_received_as_github_events() {
            let receiver = Receiver::<eventsmith::github::Event>::github(verifier())
                .seen_ids(InMemorySeenIds::default());
            for (event, body) in [
                (
                    "ping",
                    &include_bytes!("../../schemas/github/ping/examples/event.json")[..],
                ),
                (
                    "issues",
                    include_bytes!("../../schemas/github/issues/examples/opened.json"),
                ),
            ] {
                let delivery = receiver
                    .receive(&json(event, event, body), body)
                    .unwrap()
                    .commit()
                    .unwrap();
                assert_eq!(delivery.event.event_type(), event);
            }
        }
    }
}
