//! `eventsmith_webhook`: Standard Webhooks verification against the
//! reference vectors and every rule, GitHub signatures and form-encoded
//! deliveries, shared secrets, and replay protection.

// A test fails by panicking; the workspace lints aim at library code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use eventsmith_webhook::{
    Claim, DEFAULT_TOLERANCE, GitHubDelivery, GitHubError, GitHubPayloadError, GitHubSecretError,
    GitHubSignatureProblem, GitHubVerifier, HeaderSource, InMemorySeenIds, Secret, SecretError,
    SeenIds, SeenIdsError, SharedSecret, SharedSecretError, SharedSecrets, SqliteSeenIds,
    TimestampProblem, Verified, Verifier, VerifyError, X_GITHUB_DELIVERY, X_GITHUB_EVENT,
    X_HUB_SIGNATURE_256, github_payload, secret_from_last_path_segment, secret_from_query,
};

// The canonical vector shared by the reference libraries and Svix's docs.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS: i64 = 1_614_265_330;
const TS_STR: &str = "1614265330";
const BODY: &[u8] = br#"{"test": 2432232314}"#;
const SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn verifier() -> Verifier {
    Verifier::new(Secret::new(SECRET).unwrap()).clock(|| TS)
}

fn headers(id: &str, timestamp: &str, signature: &str) -> Vec<(String, String)> {
    vec![
        ("webhook-id".to_owned(), id.to_owned()),
        ("webhook-timestamp".to_owned(), timestamp.to_owned()),
        ("webhook-signature".to_owned(), signature.to_owned()),
    ]
}

fn verify_sig(signature: &str) -> Result<Verified, VerifyError> {
    verifier().verify(&headers(ID, TS_STR, signature), BODY)
}

fn verify_ts(timestamp: &str) -> Result<Verified, VerifyError> {
    verifier().verify(&headers(ID, timestamp, SIG), BODY)
}

/// A delivery signed at `timestamp`, verified at `now` with the default
/// tolerance.
fn verify_signed_at(timestamp: i64, now: i64) -> Result<Verified, VerifyError> {
    let v = verifier();
    let signature = v.sign(ID, timestamp, BODY);
    v.verify_at(&headers(ID, &timestamp.to_string(), &signature), BODY, now)
}

// ---------------------------------------------------------------- vectors

const VECTORS: &str = include_str!("data/standard-webhooks/vectors.json");

struct Vector {
    label: String,
    secret: String,
    msg_id: String,
    timestamp: String,
    body: Vec<u8>,
    signature: String,
    valid: bool,
    now: i64,
    tolerance: Duration,
}

fn vectors() -> Vec<Vector> {
    let all: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
    let all = all.as_array().unwrap();
    assert!(!all.is_empty());
    all.iter()
        .enumerate()
        .map(|(index, v)| {
            let text = |key: &str| v[key].as_str().unwrap_or_else(|| panic!("#{index}: {key}"));
            let body = match (&v["payload"], &v["payload_repeat"]) {
                (serde_json::Value::String(payload), serde_json::Value::Null) => {
                    payload.as_bytes().to_vec()
                }
                (serde_json::Value::Null, repeat) => {
                    let unit = repeat["char"].as_str().unwrap();
                    let count = usize::try_from(repeat["count"].as_u64().unwrap()).unwrap();
                    unit.repeat(count).into_bytes()
                }
                other => panic!("#{index}: payload and payload_repeat: {other:?}"),
            };
            Vector {
                label: format!("vector #{index} ({})", text("reason")),
                secret: text("secret").to_owned(),
                msg_id: text("msg_id").to_owned(),
                timestamp: text("timestamp").to_owned(),
                body,
                signature: text("signature").to_owned(),
                valid: match text("expect") {
                    "valid" => true,
                    "invalid" => false,
                    other => panic!("#{index}: expect {other:?}"),
                },
                now: v["now"].as_i64().unwrap(),
                tolerance: Duration::from_secs(v["tolerance_s"].as_u64().unwrap()),
            }
        })
        .collect()
}

fn vector_verifier(v: &Vector, secret: &str) -> Verifier {
    let now = v.now;
    Verifier::new(Secret::new(secret).unwrap())
        .tolerance(v.tolerance)
        .clock(move || now)
}

#[test]
fn every_vector_verifies_as_expected() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 6);
    for v in &vectors {
        let verifier = vector_verifier(v, &v.secret);
        let result = verifier.verify(&headers(&v.msg_id, &v.timestamp, &v.signature), &v.body);
        if v.valid {
            let verified = result.unwrap_or_else(|e| panic!("{}: {e}", v.label));
            assert_eq!(verified.id(), v.msg_id, "{}", v.label);
            assert_eq!(verified.timestamp().to_string(), v.timestamp, "{}", v.label);
        } else {
            assert!(result.is_err(), "{}: accepted", v.label);
        }
    }
}

#[test]
fn every_valid_vector_is_reproduced_by_sign() {
    for v in vectors().iter().filter(|v| v.valid) {
        let timestamp: i64 = v.timestamp.parse().unwrap();
        let signature = vector_verifier(v, &v.secret).sign(&v.msg_id, timestamp, &v.body);
        assert_eq!(signature, v.signature, "{}", v.label);
    }
}

#[test]
fn every_valid_vector_verifies_with_bare_base64_secret_and_svix_headers() {
    for v in vectors().iter().filter(|v| v.valid) {
        let bare = v.secret.strip_prefix("whsec_").unwrap();
        let verifier = vector_verifier(v, bare);
        let svix = [
            ("Svix-Id", v.msg_id.as_str()),
            ("Svix-Timestamp", v.timestamp.as_str()),
            ("Svix-Signature", v.signature.as_str()),
        ];
        let verified = verifier
            .verify(&svix, &v.body)
            .unwrap_or_else(|e| panic!("{}: {e}", v.label));
        assert_eq!(verified.id(), v.msg_id);
    }
}

#[test]
fn every_valid_vector_rejects_a_changed_last_byte_or_a_late_clock() {
    for v in vectors().iter().filter(|v| v.valid) {
        let verifier = vector_verifier(v, &v.secret);
        let h = headers(&v.msg_id, &v.timestamp, &v.signature);
        let mut body = v.body.clone();
        if let Some(last) = body.last_mut() {
            *last ^= 1;
        }
        assert_eq!(
            verifier.verify(&h, &body),
            Err(VerifyError::SignatureMismatch { v1_entries: 1 }),
            "{}",
            v.label
        );
        // The docs' warning: an old vector fails against a later clock.
        let late = v.now + 301;
        let result = vector_verifier(v, &v.secret)
            .clock(move || late)
            .verify(&h, &v.body);
        assert!(
            matches!(result, Err(VerifyError::TimestampTooOld { .. })),
            "{}",
            v.label
        );
    }
}

// ----------------------------------------------------------------- secret

#[test]
fn secret_with_and_without_prefix_is_the_same_key() {
    let prefixed = Verifier::new(Secret::new(SECRET).unwrap());
    let bare = Verifier::new("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".parse().unwrap());
    assert_eq!(prefixed.sign(ID, TS, BODY), SIG);
    assert_eq!(bare.sign(ID, TS, BODY), SIG);
    let raw = Secret::from_key(&[
        0x31, 0xf2, 0x90, 0xf6, 0xbf, 0x06, 0x29, 0x8a, 0xab, 0x4f, 0x08, 0xd4, 0x3c, 0x3f, 0x08,
        0x2c, 0xf6, 0x48, 0xa3, 0x62, 0xda, 0x2d, 0xa4, 0xb0,
    ])
    .unwrap();
    assert_eq!(raw.key_len(), 24);
    assert_eq!(Verifier::new(raw).sign(ID, TS, BODY), SIG);
}

#[test]
fn empty_secret_is_rejected() {
    assert_eq!(Secret::new("").unwrap_err(), SecretError::Empty);
    assert_eq!("".parse::<Secret>().unwrap_err(), SecretError::Empty);
}

#[test]
fn secret_decoding_to_no_bytes_is_rejected() {
    assert_eq!(Secret::new("whsec_").unwrap_err(), SecretError::EmptyKey);
    assert_eq!(Secret::from_key(&[]).unwrap_err(), SecretError::EmptyKey);
    assert!(SecretError::EmptyKey.to_string().contains("empty key"));
}

#[test]
fn undecodable_secrets_are_rejected_with_the_position() {
    let invalid = |secret: &str| match Secret::new(secret) {
        Err(SecretError::InvalidBase64 { offset, .. }) => offset,
        other => panic!("{secret:?}: {other:?}"),
    };
    // A space at byte 9 of the whole string (6 prefix bytes + 3).
    assert_eq!(invalid("whsec_MfK Q9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), Some(9));
    // Bare base64 offsets count from the start.
    assert_eq!(invalid("MfK!Q9r8GKYqrTwjUPD8ILPZIo2LaLaS"), Some(3));
    // URL-safe alphabet, trailing newline, missing padding, stray bits.
    assert!(invalid("whsec_-_-_").is_some());
    assert_eq!(
        invalid("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n"),
        Some(38)
    );
    assert_eq!(invalid("whsec_Zm8"), None);
    assert!(invalid("whsec_Zm9=").is_some());
    assert!(invalid("whsec_A").is_none());
    // A doubled prefix is not base64 either.
    assert!(invalid("whsec_whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_some());
}

#[test]
fn secret_errors_never_echo_the_secret() {
    // `9` is a valid symbol with stray low bits; base64's own error would
    // print it.
    let error = Secret::new("whsec_Zm9").unwrap_err();
    let error2 = Secret::new("whsec_Zm9=").unwrap_err();
    for message in [error.to_string(), error2.to_string()] {
        assert!(!message.contains("Zm9"), "{message}");
        assert!(message.contains("base64"), "{message}");
    }
}

#[test]
fn public_key_is_not_a_secret() {
    let error = Secret::new("whpk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap_err();
    assert_eq!(error, SecretError::PublicKey);
    assert!(error.to_string().contains("whsec_"));
}

#[test]
fn debug_never_prints_the_key() {
    let secret = Secret::new(SECRET).unwrap();
    let shown = format!("{secret:?} {secret:#?} {:?}", verifier());
    for fragment in ["MfKQ9r8G", "whsec", "31f290", "[49, 242"] {
        assert!(!shown.contains(fragment), "{shown}");
    }
    assert_eq!(format!("{secret:?}"), "Secret { key_len: 24, .. }");
}

// ---------------------------------------------------------------- headers

#[test]
fn each_missing_header_is_named() {
    let full = headers(ID, TS_STR, SIG);
    for (index, name) in ["webhook-id", "webhook-timestamp", "webhook-signature"]
        .into_iter()
        .enumerate()
    {
        let mut partial = full.clone();
        partial.remove(index);
        let error = verifier().verify(&partial, BODY).unwrap_err();
        assert_eq!(error, VerifyError::MissingHeader(name));
        let message = error.to_string();
        assert!(message.contains(name), "{message}");
        assert!(
            message.contains(&name.replace("webhook", "svix")),
            "{message}"
        );
    }
    let none: [(&str, &str); 0] = [];
    assert_eq!(
        verifier().verify(&none, BODY),
        Err(VerifyError::MissingHeader("webhook-id"))
    );
}

#[test]
fn svix_aliases_are_accepted() {
    let h = [
        ("svix-id", ID),
        ("svix-timestamp", TS_STR),
        ("svix-signature", SIG),
    ];
    let verified = verifier().verify(&h, BODY).unwrap();
    assert_eq!(verified.id(), ID);
    assert_eq!(verified.timestamp(), TS);
    // Each header falls back on its own.
    let mixed = [
        ("webhook-id", ID),
        ("svix-timestamp", TS_STR),
        ("webhook-signature", SIG),
    ];
    assert!(verifier().verify(&mixed, BODY).is_ok());
}

#[test]
fn webhook_names_win_over_svix_aliases() {
    let h = [
        ("svix-id", "msg_other"),
        ("svix-timestamp", "0"),
        ("svix-signature", "v1,AAAA"),
        ("webhook-id", ID),
        ("webhook-timestamp", TS_STR),
        ("webhook-signature", SIG),
    ];
    assert_eq!(verifier().verify(&h, BODY).unwrap().id(), ID);
}

#[test]
fn header_names_match_in_any_case() {
    let h = [
        ("WEBHOOK-ID", ID),
        ("Webhook-Timestamp", TS_STR),
        ("wEbHoOk-SiGnAtUrE", SIG),
    ];
    assert!(verifier().verify(&h, BODY).is_ok());
    let svix = [
        ("SVIX-ID", ID),
        ("Svix-Timestamp", TS_STR),
        ("svix-SIGNATURE", SIG),
    ];
    assert!(verifier().verify(&svix, BODY).is_ok());
}

#[test]
fn every_header_source_matches_case_insensitively() {
    let pairs = [
        ("Webhook-Id", ID),
        ("WEBHOOK-TIMESTAMP", TS_STR),
        ("webhook-Signature", SIG),
    ];
    let owned: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let hash: HashMap<String, String> = owned.iter().cloned().collect();
    let btree: BTreeMap<String, String> = owned.iter().cloned().collect();
    let slice: &[(&str, &str)] = &pairs;
    let borrowed_vec: Vec<(&str, &str)> = pairs.to_vec();

    let v = verifier();
    assert!(v.verify(&pairs, BODY).is_ok());
    assert!(v.verify(slice, BODY).is_ok());
    assert!(v.verify(&slice, BODY).is_ok());
    assert!(v.verify(&owned, BODY).is_ok());
    assert!(v.verify(&borrowed_vec, BODY).is_ok());
    assert!(v.verify(&hash, BODY).is_ok());
    assert!(v.verify(&btree, BODY).is_ok());

    assert_eq!(hash.header("webhook-id"), Some(ID));
    assert_eq!(btree.header("WEBHOOK-ID"), Some(ID));
    assert_eq!(slice.header("webhook-idx"), None);
    assert_eq!(owned.header("webhook-i"), None);
}

#[test]
fn duplicate_names_resolve_deterministically() {
    // Exact spelling first, then the smallest name: the same for every
    // collection, whatever a hash map's iteration order.
    let pairs = [("x-b", "lower"), ("X-B", "upper"), ("x-B", "mixed")];
    let hash: HashMap<&str, &str> = pairs.into_iter().collect();
    let btree: BTreeMap<&str, &str> = pairs.into_iter().collect();
    for source in [&pairs as &dyn HeaderSource, &hash, &btree] {
        assert_eq!(source.header("x-b"), Some("lower"));
        assert_eq!(source.header("X-b"), Some("upper"));
    }
}

#[test]
fn empty_id_is_rejected() {
    assert_eq!(
        verifier().verify(&headers("", TS_STR, SIG), BODY),
        Err(VerifyError::EmptyId)
    );
}

// -------------------------------------------------------------- timestamp

#[test]
fn timestamps_must_be_plain_digits() {
    for bad in [
        "+1614265330",
        "-1614265330",
        " 1614265330",
        "1614265330 ",
        "1614265330.0",
        "1614265330.5",
        "1.6e9",
        "0x10",
        "16142 65330",
        "1614265330\n",
        "abc",
        "\u{661}\u{662}", // Arabic-Indic digits
        " ",
    ] {
        assert_eq!(
            verify_ts(bad),
            Err(VerifyError::InvalidTimestamp(TimestampProblem::NotDigits)),
            "{bad:?}"
        );
    }
}

#[test]
fn empty_timestamp_is_rejected() {
    let error = verify_ts("").unwrap_err();
    assert_eq!(
        error,
        VerifyError::InvalidTimestamp(TimestampProblem::Empty)
    );
    assert!(error.to_string().contains("webhook-timestamp"));
}

#[test]
fn overflowing_timestamps_are_rejected() {
    for huge in [
        "9223372036854775808",
        "18446744073709551616",
        "99999999999999999999999999999999999999999999999999",
    ] {
        assert_eq!(
            verify_ts(huge),
            Err(VerifyError::InvalidTimestamp(TimestampProblem::OutOfRange)),
            "{huge}"
        );
    }
}

#[test]
fn absurd_timestamps_and_clocks_do_not_overflow() {
    // i64::MAX parses and is far in the future.
    let error = verify_ts("9223372036854775807").unwrap_err();
    assert!(matches!(
        error,
        VerifyError::TimestampTooNew {
            timestamp: i64::MAX,
            ..
        }
    ));
    assert!(error.to_string().contains("9223372036854775807"));
    // Zero is far in the past; leading zeros are still an integer.
    assert!(matches!(
        verify_ts("0"),
        Err(VerifyError::TimestampTooOld { timestamp: 0, .. })
    ));
    assert!(matches!(
        verify_ts("0000000000000000000000000000000000001"),
        Err(VerifyError::TimestampTooOld { timestamp: 1, .. })
    ));
    // Extreme clocks against extreme timestamps.
    let h = headers(ID, "9223372036854775807", SIG);
    let error = verifier().verify_at(&h, BODY, i64::MIN).unwrap_err();
    assert!(matches!(
        error,
        VerifyError::TimestampTooNew { now: i64::MIN, .. }
    ));
    assert!(error.to_string().contains("18446744073709551615 s after"));
    let h = headers(ID, "0", SIG);
    let error = verifier().verify_at(&h, BODY, i64::MAX).unwrap_err();
    assert!(matches!(error, VerifyError::TimestampTooOld { .. }));
    // A tolerance beyond any difference accepts anything well-formed.
    let lenient = verifier().tolerance(Duration::MAX);
    assert_eq!(
        lenient.verify_at(&headers(ID, TS_STR, SIG), BODY, i64::MIN),
        Ok(Verified::clone(&verify_sig(SIG).unwrap()))
    );
}

#[test]
fn exactly_the_tolerance_is_accepted_both_ways() {
    assert!(verify_signed_at(TS, TS + 300).is_ok());
    assert!(verify_signed_at(TS, TS - 300).is_ok());
    assert!(verify_signed_at(TS, TS).is_ok());
    assert_eq!(DEFAULT_TOLERANCE, Duration::from_secs(300));
}

#[test]
fn one_second_beyond_the_tolerance_is_rejected_both_ways() {
    assert_eq!(
        verify_signed_at(TS, TS + 301),
        Err(VerifyError::TimestampTooOld {
            timestamp: TS,
            now: TS + 301,
            tolerance_secs: 300
        })
    );
    assert_eq!(
        verify_signed_at(TS, TS - 301),
        Err(VerifyError::TimestampTooNew {
            timestamp: TS,
            now: TS - 301,
            tolerance_secs: 300
        })
    );
    let old = verify_signed_at(TS, TS + 301).unwrap_err().to_string();
    assert!(
        old.contains("301 s before") && old.contains("300 s tolerance"),
        "{old}"
    );
    let new = verify_signed_at(TS, TS - 301).unwrap_err().to_string();
    assert!(new.contains("301 s after"), "{new}");
}

#[test]
fn future_timestamps_are_rejected() {
    let v = verifier();
    let ahead = TS + 3600;
    let h = headers(ID, &ahead.to_string(), &v.sign(ID, ahead, BODY));
    assert!(matches!(
        v.verify(&h, BODY),
        Err(VerifyError::TimestampTooNew { timestamp, now: TS, .. }) if timestamp == ahead
    ));
}

#[test]
fn custom_tolerance_applies_both_ways_and_drops_fractions() {
    let v = verifier().tolerance(Duration::from_millis(10_900));
    for (now, ok) in [
        (TS + 10, true),
        (TS - 10, true),
        (TS + 11, false),
        (TS - 11, false),
    ] {
        assert_eq!(
            v.verify_at(&headers(ID, TS_STR, SIG), BODY, now).is_ok(),
            ok,
            "{now}"
        );
    }
    let strict = verifier().tolerance(Duration::ZERO);
    assert!(
        strict
            .verify_at(&headers(ID, TS_STR, SIG), BODY, TS)
            .is_ok()
    );
    assert!(
        strict
            .verify_at(&headers(ID, TS_STR, SIG), BODY, TS + 1)
            .is_err()
    );
}

#[test]
fn the_clock_is_injectable_and_defaults_to_system_time() {
    let h = headers(ID, TS_STR, SIG);
    assert!(verifier().clock(|| TS + 299).verify(&h, BODY).is_ok());
    assert!(verifier().clock(|| TS + 301).verify(&h, BODY).is_err());

    let system = Verifier::new(Secret::new(SECRET).unwrap());
    assert!(matches!(
        system.verify(&h, BODY),
        Err(VerifyError::TimestampTooOld { .. })
    ));
    let now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let fresh = headers(ID, &now.to_string(), &system.sign(ID, now, BODY));
    assert!(system.verify(&fresh, BODY).is_ok());
}

// ------------------------------------------------------------- signatures

#[test]
fn other_versions_are_skipped() {
    // The right MAC under another version tag does not count.
    let mac = SIG.strip_prefix("v1,").unwrap();
    for header in [
        format!("v2,{mac}"),
        format!("v1a,{mac}"),
        format!("V1,{mac}"),
        format!("v1 ,{mac}"),
        format!("v1a,{mac}{mac} v2,{mac}"),
        mac.to_owned(),
        "v1".to_owned(),
    ] {
        assert_eq!(
            verify_sig(&header),
            Err(VerifyError::NoV1Signature),
            "{header}"
        );
    }
    // A v1a (ed25519, 64-byte) entry beside a matching v1 entry is fine.
    let v1a = format!("v1a,{}", "A".repeat(86) + "==");
    assert!(verify_sig(&format!("{v1a} {SIG}")).is_ok());
    assert!(verify_sig(&format!("v2,{mac} {SIG} {v1a}")).is_ok());
    assert!(
        VerifyError::NoV1Signature.to_string().contains("v1a"),
        "mentions unsupported versions"
    );
}

#[test]
fn empty_signature_header_has_no_signatures() {
    assert_eq!(verify_sig(""), Err(VerifyError::NoSignatures));
    assert_eq!(verify_sig("   "), Err(VerifyError::NoSignatures));
}

#[test]
fn empty_v1_entry_never_matches() {
    assert_eq!(
        verify_sig("v1,"),
        Err(VerifyError::SignatureMismatch { v1_entries: 1 })
    );
    assert_eq!(
        verify_sig("v1, v1,"),
        Err(VerifyError::SignatureMismatch { v1_entries: 2 })
    );
}

#[test]
fn truncated_signatures_never_match() {
    for cut in 1..SIG.len() - 3 {
        let truncated = &SIG[..SIG.len() - cut];
        assert!(
            matches!(
                verify_sig(truncated),
                Err(VerifyError::SignatureMismatch { .. })
            ),
            "{truncated}"
        );
    }
    // Padding dropped: the same bytes, but not the standard encoding.
    let unpadded = SIG.trim_end_matches('=');
    assert!(matches!(
        verify_sig(unpadded),
        Err(VerifyError::SignatureMismatch { .. })
    ));
}

#[test]
fn non_base64_and_wrong_length_signatures_never_match() {
    let mac = SIG.strip_prefix("v1,").unwrap();
    for entry in [
        "v1,!!!!".to_owned(),
        format!("v1,{}", mac.replace('+', "-").replace('/', "_")), // URL-safe alphabet
        format!("v1,{}", mac.replace('g', "*")),
        format!("v1,{mac}AAAA"),                     // 35 bytes
        format!("v1,{}={}", &mac[..20], &mac[21..]), // stray `=`
        "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned(), // 33 bytes, 44 chars
        "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==".to_owned(), // 31 bytes
        format!("v1,{mac},"),
        format!("v1,,{mac}"),
        format!("v1,{mac}\t"),
    ] {
        assert!(
            matches!(
                verify_sig(&entry),
                Err(VerifyError::SignatureMismatch { v1_entries: 1 })
            ),
            "{entry}"
        );
    }
}

#[test]
fn one_matching_signature_among_several_is_enough() {
    let other = "v1,Mw4Pe2WgApuT7NSqnSq0PQPV9gbLdggCl9B865x5Xh0=";
    for header in [
        format!("{other} {SIG}"),
        format!("{SIG} {other}"),
        format!("{other} v1, {SIG} v1,!!!"),
        format!("  {other}   {SIG}  "),
        format!("v2,xyz {SIG}"),
    ] {
        assert!(verify_sig(&header).is_ok(), "{header}");
    }
    assert_eq!(
        verify_sig(&format!("{other} {other} v2,abc v1,")),
        Err(VerifyError::SignatureMismatch { v1_entries: 3 })
    );
}

#[test]
fn wrong_secret_is_rejected() {
    let other =
        Verifier::new(Secret::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap()).clock(|| TS);
    let error = other.verify(&headers(ID, TS_STR, SIG), BODY).unwrap_err();
    assert_eq!(error, VerifyError::SignatureMismatch { v1_entries: 1 });
    assert!(error.to_string().contains("wrong secret"));
}

#[test]
fn any_one_byte_change_to_the_body_is_rejected() {
    let h = headers(ID, TS_STR, SIG);
    for index in 0..BODY.len() {
        for flip in [0x01, 0x20, 0x80] {
            let mut body = BODY.to_vec();
            body[index] ^= flip;
            assert_eq!(
                verifier().verify(&h, &body),
                Err(VerifyError::SignatureMismatch { v1_entries: 1 }),
                "byte {index} ^ {flip:#x}"
            );
        }
    }
    let mut longer = BODY.to_vec();
    longer.push(b'\n');
    assert!(verifier().verify(&h, &longer).is_err());
    assert!(verifier().verify(&h, &BODY[..BODY.len() - 1]).is_err());
    // Re-serialised JSON is a different body.
    assert!(verifier().verify(&h, br#"{"test":2432232314}"#).is_err());
}

#[test]
fn id_and_timestamp_are_signed() {
    assert!(
        verifier()
            .verify(&headers("msg_other", TS_STR, SIG), BODY)
            .is_err()
    );
    // Numerically equal, textually different: the raw header is signed.
    assert_eq!(
        verifier().verify(&headers(ID, "01614265330", SIG), BODY),
        Err(VerifyError::SignatureMismatch { v1_entries: 1 })
    );
}

#[test]
fn non_utf8_bodies_are_signed_and_verified_as_bytes() {
    let v = verifier();
    // Not UTF-8: 0xff never occurs in it, 0xc3 0x28 is a broken sequence.
    let body: &[u8] = &[0xff, 0xfe, 0x00, 0x80, b'{', 0xc3, 0x28];
    let h = headers(ID, TS_STR, &v.sign(ID, TS, body));
    assert_eq!(v.verify(&h, body).unwrap().id(), ID);
    assert!(v.verify(&h, &body[..6]).is_err());
    assert!(v.verify(&h, b"").is_err());
    // An empty body is a body too.
    let empty = headers(ID, TS_STR, &v.sign(ID, TS, b""));
    assert!(v.verify(&empty, b"").is_ok());
}

#[test]
fn sign_produces_v1_and_44_base64_characters() {
    let signature = verifier().sign("msg_1", 1, b"x");
    assert!(signature.starts_with("v1,"));
    assert_eq!(signature.len(), 3 + 44);
    assert!(signature.ends_with('='));
    assert_eq!(verifier().sign(ID, TS, BODY), SIG);
}

#[test]
fn errors_share_one_public_message_and_detail_the_rule() {
    let errors = [
        VerifyError::MissingHeader("webhook-id"),
        VerifyError::EmptyId,
        VerifyError::InvalidTimestamp(TimestampProblem::NotDigits),
        VerifyError::InvalidTimestamp(TimestampProblem::OutOfRange),
        VerifyError::TimestampTooOld {
            timestamp: 1,
            now: 400,
            tolerance_secs: 300,
        },
        VerifyError::TimestampTooNew {
            timestamp: 400,
            now: 1,
            tolerance_secs: 300,
        },
        VerifyError::NoSignatures,
        VerifyError::NoV1Signature,
        VerifyError::SignatureMismatch { v1_entries: 2 },
    ];
    let mut details = Vec::new();
    for error in &errors {
        assert_eq!(error.public_message(), "webhook verification failed");
        let detail = error.to_string();
        assert!(!details.contains(&detail), "{detail}");
        details.push(detail);
    }
    assert!(
        details[4].contains("399 s before now (400)"),
        "{}",
        details[4]
    );
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(errors[0].clone());
    assert!(boxed.to_string().starts_with("missing header"));
}

#[test]
fn verifier_is_shareable_across_threads() {
    fn assert_shareable<T: Send + Sync + Clone + 'static>() {}
    assert_shareable::<Verifier>();
    assert_shareable::<Secret>();
    assert_shareable::<SharedSecret>();

    let v = Arc::new(verifier());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let v = Arc::clone(&v);
            std::thread::spawn(move || v.verify(&headers(ID, TS_STR, SIG), BODY).is_ok())
        })
        .collect();
    assert!(handles.into_iter().all(|h| h.join().unwrap()));
}

#[test]
fn a_retry_verifies_but_is_not_handled_twice() {
    let v = verifier();
    let seen = InMemorySeenIds::default();
    let first = v.verify(&headers(ID, TS_STR, SIG), BODY).unwrap();
    assert!(seen.first_time(first.id(), first.timestamp()).unwrap());
    // Svix retries with the same id, a new timestamp and a new signature.
    let later = TS + 120;
    let retry_headers = headers(ID, &later.to_string(), &v.sign(ID, later, BODY));
    let retry = v.verify_at(&retry_headers, BODY, later).unwrap();
    assert_eq!(retry.id(), first.id());
    assert!(!seen.first_time(retry.id(), retry.timestamp()).unwrap());
    assert_eq!(retry.into_id(), ID);
}

// ---------------------------------------------------------- shared secret

#[test]
fn empty_shared_secret_is_rejected() {
    assert_eq!(SharedSecret::new("").unwrap_err(), SharedSecretError::Empty);
    assert_eq!(
        SharedSecret::new(b"").unwrap_err(),
        SharedSecretError::Empty
    );
    assert_eq!(
        SharedSecret::basic("user", "").unwrap_err(),
        SharedSecretError::Empty
    );
    assert_eq!(
        SharedSecret::basic("us:er", "pass").unwrap_err(),
        SharedSecretError::UserContainsColon
    );
}

#[test]
fn token_must_match_exactly() {
    let secret = SharedSecret::new("s3cr3t-T0ken").unwrap();
    assert!(secret.verify_token("s3cr3t-T0ken"));
    for wrong in [
        "",
        "s3cr3t-T0ke",
        "s3cr3t-T0kenn",
        "S3CR3T-T0KEN",
        " s3cr3t-T0ken",
        "x",
    ] {
        assert!(!secret.verify_token(wrong), "{wrong:?}");
    }
    let basic = SharedSecret::basic("impact", "s3cr3t-T0ken").unwrap();
    assert!(basic.verify_token("s3cr3t-T0ken"));
    assert!(!basic.verify_token("impact"));
}

fn basic_header(credentials: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    )
}

#[test]
fn basic_auth_with_a_bare_secret_checks_the_password_only() {
    let secret = SharedSecret::new("pa:ss").unwrap();
    assert_eq!(
        secret.verify_basic_auth(&basic_header("anyone:pa:ss")),
        Ok(())
    );
    assert_eq!(secret.verify_basic_auth(&basic_header(":pa:ss")), Ok(()));
    assert_eq!(
        secret.verify_basic_auth(&basic_header("anyone:pa:s")),
        Err(SharedSecretError::Mismatch)
    );
    assert_eq!(
        secret.verify_basic_auth(&basic_header("pa:ss:")),
        Err(SharedSecretError::Mismatch)
    );
}

#[test]
fn basic_auth_with_credentials_checks_user_and_password() {
    let secret = SharedSecret::basic("impact", "s3cr3t").unwrap();
    assert_eq!(
        secret.verify_basic_auth(&basic_header("impact:s3cr3t")),
        Ok(())
    );
    assert_eq!(
        secret.verify_basic_auth("Basic aW1wYWN0OnMzY3IzdA=="),
        Ok(())
    );
    for wrong in [
        "impact:s3cr3T",
        "Impact:s3cr3t",
        "other:s3cr3t",
        ":s3cr3t",
        "impact:",
    ] {
        assert_eq!(
            secret.verify_basic_auth(&basic_header(wrong)),
            Err(SharedSecretError::Mismatch),
            "{wrong}"
        );
    }
}

#[test]
fn basic_auth_scheme_and_whitespace() {
    let secret = SharedSecret::basic("impact", "s3cr3t").unwrap();
    let encoded = "aW1wYWN0OnMzY3IzdA==";
    for ok in [
        format!("basic {encoded}"),
        format!("BASIC {encoded}"),
        format!("  Basic   {encoded}  "),
        format!("Basic\t{encoded}"),
    ] {
        assert_eq!(secret.verify_basic_auth(&ok), Ok(()), "{ok:?}");
    }
    for (value, error) in [
        (format!("Bearer {encoded}"), SharedSecretError::NotBasic),
        ("Basic".to_owned(), SharedSecretError::NotBasic),
        (String::new(), SharedSecretError::NotBasic),
        (encoded.to_owned(), SharedSecretError::NotBasic),
        (format!("Basicx {encoded}"), SharedSecretError::NotBasic),
        ("Basic !!!!".to_owned(), SharedSecretError::InvalidBase64),
        (
            "Basic aW1wYWN0OnMzY3IzdA".to_owned(),
            SharedSecretError::InvalidBase64,
        ),
        (
            format!("Basic {encoded} extra"),
            SharedSecretError::InvalidBase64,
        ),
        (
            basic_header("impacts3cr3t"),
            SharedSecretError::MissingColon,
        ),
        (basic_header(":"), SharedSecretError::Mismatch),
        (basic_header(""), SharedSecretError::NotBasic),
    ] {
        assert_eq!(secret.verify_basic_auth(&value), Err(error), "{value:?}");
        assert_eq!(error.public_message(), "webhook authentication failed");
        assert!(!error.to_string().is_empty());
    }
}

#[test]
fn basic_auth_accepts_non_utf8_passwords() {
    let secret = SharedSecret::new([0xff, 0x00, b':']).unwrap();
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode([b'u', b':', 0xff, 0x00, b':']);
    assert_eq!(
        secret.verify_basic_auth(&format!("Basic {encoded}")),
        Ok(())
    );
}

#[test]
fn shared_secret_debug_hides_the_secret() {
    let shown = format!(
        "{:?} {:?}",
        SharedSecret::new("hunter2").unwrap(),
        SharedSecret::basic("admin", "hunter2").unwrap()
    );
    assert!(
        !shown.contains("hunter2") && !shown.contains("admin"),
        "{shown}"
    );
}

#[test]
fn secret_from_query_finds_one_decoded_parameter() {
    let cases: [(&str, Option<&str>); 14] = [
        ("https://example.com/hook?secret=abc", Some("abc")),
        ("/hook?x=1&secret=abc&y=2", Some("abc")),
        ("secret=abc", Some("abc")),
        ("?secret=abc", Some("abc")),
        ("/hook?secret=a%2Bb%20c+d", Some("a+b c d")),
        ("/hook?se%63ret=abc", Some("abc")),
        ("/hook?secret=abc#secret=frag", Some("abc")),
        ("/hook?secret=abc&secret=abc", None),
        ("/hook?secret=", None),
        ("/hook?secret", None),
        ("/hook?secrets=abc&Secret=abc", None),
        ("/hook/secret=abc", None),
        ("/hook?secret=%zz", None),
        ("/hook?secret=%ff", None),
    ];
    for (target, expected) in cases {
        assert_eq!(
            secret_from_query(target, "secret").as_deref(),
            expected,
            "{target}"
        );
    }
    assert_eq!(
        secret_from_query("/h?token=t&%zz=1", "token").as_deref(),
        Some("t")
    );
    assert_eq!(secret_from_query("/h?key=k", "key").as_deref(), Some("k"));
}

#[test]
fn secret_from_last_path_segment_takes_the_final_segment() {
    let cases: [(&str, Option<&str>); 12] = [
        ("https://example.com/hooks/abc", Some("abc")),
        ("https://example.com/hooks/abc/", Some("abc")),
        ("https://example.com/hooks/abc?secret=x#y", Some("abc")),
        ("/hooks/impact-stack/s%2F3cr%C3%A9t", Some("s/3crét")),
        ("/hooks/a+b", Some("a+b")),
        ("abc", Some("abc")),
        ("https://example.com", None),
        ("https://example.com/", None),
        ("/", None),
        ("", None),
        ("/hooks//", None),
        ("/hooks/%zz", None),
    ];
    for (target, expected) in cases {
        assert_eq!(
            secret_from_last_path_segment(target).as_deref(),
            expected,
            "{target}"
        );
    }
}

#[test]
fn extracted_secrets_feed_verify_token() {
    let secret = SharedSecret::new("s3cr3t").unwrap();
    let from_query = secret_from_query("/hook?secret=s3cr3t", "secret").unwrap();
    let from_path = secret_from_last_path_segment("/hook/s3cr3t").unwrap();
    assert!(secret.verify_token(&from_query) && secret.verify_token(&from_path));
    let wrong = secret_from_query("/hook?secret=s3cr3", "secret").unwrap();
    assert!(!secret.verify_token(&wrong));
}

// ------------------------------------------------------------ idempotency

#[test]
fn an_id_is_new_again_once_its_window_expires() {
    let seen = InMemorySeenIds::new(Duration::from_secs(60));
    assert!(seen.first_time("a", 1_000).unwrap());
    assert!(!seen.first_time("a", 1_000).unwrap());
    assert!(seen.first_time("b", 1_030).unwrap());
    assert!(!seen.first_time("a", 1_059).unwrap());
    // The repeat at 1 059 restarted the window.
    assert!(!seen.first_time("a", 1_118).unwrap());
    assert!(seen.first_time("a", 1_178).unwrap());
    // Exactly `expiry` after the last sighting counts as expired.
    assert!(seen.first_time("b", 1_090).unwrap());
}

#[test]
fn default_expiry_is_a_day() {
    let seen = InMemorySeenIds::default();
    assert!(seen.first_time("msg", 0).unwrap());
    assert!(!seen.first_time("msg", 86_399).unwrap());
    assert!(seen.first_time("msg", 86_399 + 86_400).unwrap());
}

#[test]
fn expired_ids_are_evicted() {
    let seen = InMemorySeenIds::new(Duration::from_secs(10));
    for i in 0..1_000 {
        assert!(seen.first_time(&format!("msg_{i}"), i % 5).unwrap());
    }
    assert_eq!(seen.len(), 1_000);
    assert!(seen.first_time("late", 13).unwrap());
    assert_eq!(
        seen.len(),
        1 + 200,
        "only ids seen at 4 are still in their window"
    );
    assert!(seen.first_time("later", 1_000).unwrap());
    assert_eq!(seen.len(), 1);
    assert!(!seen.is_empty());
}

#[test]
fn capacity_bounds_memory_by_dropping_the_oldest() {
    let seen = InMemorySeenIds::new(Duration::from_secs(3_600)).max_entries(3);
    for (i, id) in ["a", "b", "c", "d"].into_iter().enumerate() {
        assert!(seen.first_time(id, i64::try_from(i).unwrap()).unwrap());
    }
    assert_eq!(seen.len(), 3);
    assert!(!seen.first_time("d", 10).unwrap());
    assert!(!seen.first_time("b", 11).unwrap(), "b, seen at 1, is kept");
    assert!(
        seen.first_time("a", 12).unwrap(),
        "a, the oldest, was dropped"
    );
    assert!(
        seen.first_time("c", 13).unwrap(),
        "adding a dropped c, now the oldest"
    );
    assert_eq!(seen.len(), 3);

    let tiny = InMemorySeenIds::new(Duration::from_secs(3_600)).max_entries(0);
    assert!(tiny.first_time("x", 0).unwrap());
    assert!(!tiny.first_time("x", 1).unwrap(), "0 is treated as 1");
    assert!(tiny.first_time("y", 2).unwrap());
    assert_eq!(tiny.len(), 1);
}

#[test]
fn forget_lets_a_retry_through() {
    let seen = InMemorySeenIds::new(Duration::from_secs(60));
    assert!(seen.first_time("a", 0).unwrap());
    seen.forget("a").unwrap();
    seen.forget("never-seen").unwrap();
    assert!(seen.is_empty());
    assert!(seen.first_time("a", 1).unwrap());
    // Through the blanket impl for references.
    fn repeat(seen: impl SeenIds) -> bool {
        seen.first_time("a", 2).unwrap()
    }
    assert!(!repeat(&seen));
}

#[test]
fn a_clock_going_back_keeps_ids() {
    let seen = InMemorySeenIds::new(Duration::from_secs(60));
    assert!(seen.first_time("a", 1_000).unwrap());
    assert!(!seen.first_time("a", 900).unwrap());
    // The window was not moved backwards by the earlier sighting.
    assert!(!seen.first_time("a", 1_059).unwrap());
}

#[test]
fn extreme_times_do_not_overflow() {
    let seen = InMemorySeenIds::new(Duration::MAX);
    assert!(seen.first_time("a", i64::MIN).unwrap());
    assert!(!seen.first_time("a", i64::MAX - 1).unwrap());
    assert!(seen.first_time("b", i64::MIN).unwrap());
    assert!(
        seen.first_time("b", i64::MAX).unwrap(),
        "u64::MAX seconds later"
    );
    let short = InMemorySeenIds::new(Duration::from_secs(1));
    assert!(short.first_time("a", i64::MIN).unwrap());
    assert!(short.first_time("a", i64::MAX).unwrap());
    assert!(!short.first_time("a", i64::MAX).unwrap());
    let zero = InMemorySeenIds::new(Duration::ZERO);
    assert!(zero.first_time("a", 5).unwrap());
    assert!(
        zero.first_time("a", 5).unwrap(),
        "a zero window remembers nothing"
    );
}

#[test]
fn seen_ids_are_thread_safe() {
    let seen = Arc::new(InMemorySeenIds::default());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let seen = Arc::clone(&seen);
            std::thread::spawn(move || {
                (0..200)
                    .filter(|i| seen.first_time(&format!("msg_{i}"), 0).unwrap())
                    .count()
            })
        })
        .collect();
    let firsts: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(firsts, 200);
    assert_eq!(seen.len(), 200);
    assert_eq!(
        format!("{seen:?}"),
        "InMemorySeenIds { expiry_secs: 86400, lease_secs: 60, max_entries: None, len: 200 }"
    );
    let as_trait: Arc<dyn SeenIds + Send + Sync> = seen;
    assert!(!as_trait.first_time("msg_0", 1).unwrap());
}

// ----------------------------------------------------------------- github

// GitHub's documented test vector (docs "Validating webhook deliveries").
const GH_SECRET: &str = "It's a Secret to Everybody";
const GH_BODY: &[u8] = b"Hello, World!";
const GH_SIG: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
const GH_DELIVERY: &str = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

fn gh_headers(signature: &str) -> Vec<(&'static str, String)> {
    vec![
        ("X-GitHub-Event", "pull_request".to_owned()),
        ("X-GitHub-Delivery", GH_DELIVERY.to_owned()),
        ("X-Hub-Signature-256", signature.to_owned()),
    ]
}

fn gh_verify(signature: &str) -> Result<GitHubDelivery, GitHubError> {
    GitHubVerifier::new(GH_SECRET)
        .unwrap()
        .verify(&gh_headers(signature), GH_BODY)
}

fn malformed(problem: GitHubSignatureProblem) -> Result<GitHubDelivery, GitHubError> {
    Err(GitHubError::MalformedSignature(problem))
}

#[test]
fn github_documented_vector_signs_and_verifies() {
    let verifier = GitHubVerifier::new(GH_SECRET).unwrap();
    assert_eq!(verifier.sign(GH_BODY), GH_SIG);
    let delivery = gh_verify(GH_SIG).unwrap();
    assert_eq!(delivery.id(), GH_DELIVERY);
    assert_eq!(delivery.event(), "pull_request");
    assert_eq!(delivery.secret_index(), 0);
    // The secret's bytes are the key: the same secret given as bytes.
    let from_bytes = GitHubVerifier::new(GH_SECRET.as_bytes()).unwrap();
    assert_eq!(from_bytes.sign(GH_BODY), GH_SIG);
}

#[test]
fn github_tampered_body_and_wrong_secret_are_rejected() {
    let verifier = GitHubVerifier::new(GH_SECRET).unwrap();
    let headers = gh_headers(GH_SIG);
    for body in [
        &b"Hello, World?"[..],
        b"Hello, World! ",
        b"",
        b"hello, world!",
    ] {
        assert_eq!(
            verifier.verify(&headers, body),
            Err(GitHubError::SignatureMismatch { secrets: 1 }),
            "{body:?}"
        );
    }
    let wrong = GitHubVerifier::new("It's a secret to everybody").unwrap();
    assert_eq!(
        wrong.verify(&headers, GH_BODY),
        Err(GitHubError::SignatureMismatch { secrets: 1 })
    );
    // Every single changed digit is caught.
    for i in "sha256=".len()..GH_SIG.len() {
        let mut changed = GH_SIG.as_bytes().to_vec();
        changed[i] = if changed[i] == b'0' { b'1' } else { b'0' };
        let changed = String::from_utf8(changed).unwrap();
        assert_eq!(
            gh_verify(&changed),
            Err(GitHubError::SignatureMismatch { secrets: 1 })
        );
    }
}

#[test]
fn github_missing_and_empty_headers_are_named() {
    let verifier = GitHubVerifier::new(GH_SECRET).unwrap();
    for (dropped, expected) in [
        ("X-Hub-Signature-256", X_HUB_SIGNATURE_256),
        ("X-GitHub-Event", X_GITHUB_EVENT),
        ("X-GitHub-Delivery", X_GITHUB_DELIVERY),
    ] {
        let mut headers = gh_headers(GH_SIG);
        headers.retain(|(name, _)| *name != dropped);
        let error = verifier.verify(&headers, GH_BODY).unwrap_err();
        assert_eq!(error, GitHubError::MissingHeader(expected));
        assert_eq!(error.to_string(), format!("missing header `{expected}`"));
    }
    for (emptied, expected) in [
        ("X-GitHub-Event", X_GITHUB_EVENT),
        ("X-GitHub-Delivery", X_GITHUB_DELIVERY),
    ] {
        let mut headers = gh_headers(GH_SIG);
        for (name, value) in &mut headers {
            if *name == emptied {
                " \t".clone_into(value);
            }
        }
        assert_eq!(
            verifier.verify(&headers, GH_BODY),
            Err(GitHubError::EmptyHeader(expected))
        );
    }
    let none: [(&str, &str); 0] = [];
    assert_eq!(
        verifier.verify(&none, GH_BODY),
        Err(GitHubError::MissingHeader(X_HUB_SIGNATURE_256))
    );
}

#[test]
fn github_legacy_sha1_is_not_supported() {
    let verifier = GitHubVerifier::new(GH_SECRET).unwrap();
    // HMAC-SHA1 of the vector, as GitHub would send it; never accepted alone.
    let sha1 = (
        "X-Hub-Signature",
        "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59".to_owned(),
    );
    let mut legacy_only = gh_headers(GH_SIG);
    legacy_only.retain(|(name, _)| *name != "X-Hub-Signature-256");
    legacy_only.push(sha1.clone());
    let error = verifier.verify(&legacy_only, GH_BODY).unwrap_err();
    assert_eq!(error, GitHubError::LegacySignatureOnly);
    assert!(error.to_string().contains("not supported"), "{error}");
    // Beside a SHA-256 signature it is ignored, valid or not.
    let mut both = gh_headers(GH_SIG);
    both.push(("X-Hub-Signature", "sha1=0000".to_owned()));
    assert!(verifier.verify(&both, GH_BODY).is_ok());
    // A `sha1=` value in the SHA-256 header is just malformed.
    assert_eq!(
        gh_verify(&sha1.1),
        malformed(GitHubSignatureProblem::NotSha256)
    );
}

#[test]
fn github_malformed_signatures_say_what_is_wrong() {
    let hex = &GH_SIG["sha256=".len()..];
    let cases: Vec<(String, GitHubSignatureProblem)> = vec![
        (hex.to_owned(), GitHubSignatureProblem::NotSha256),
        (String::new(), GitHubSignatureProblem::NotSha256),
        (format!("SHA256={hex}"), GitHubSignatureProblem::NotSha256),
        (format!("sha256:{hex}"), GitHubSignatureProblem::NotSha256),
        (format!("sha512={hex}"), GitHubSignatureProblem::NotSha256),
        (
            "sha256=".to_owned(),
            GitHubSignatureProblem::WrongLength { len: 0 },
        ),
        (
            format!("sha256={}", &hex[..63]),
            GitHubSignatureProblem::WrongLength { len: 63 },
        ),
        (
            format!("sha256={hex}0"),
            GitHubSignatureProblem::WrongLength { len: 65 },
        ),
        (
            format!("sha256={hex} {hex}"),
            GitHubSignatureProblem::WrongLength { len: 129 },
        ),
        (
            format!("sha256={}g", &hex[..63]),
            GitHubSignatureProblem::NotHex,
        ),
        (
            format!("sha256=+{}", &hex[1..]),
            GitHubSignatureProblem::NotHex,
        ),
        // 62 hex digits and a two-byte character: 64 bytes, not a panic.
        (
            format!("sha256={}é", &hex[..62]),
            GitHubSignatureProblem::NotHex,
        ),
        (
            format!("sha256={}", "z".repeat(64)),
            GitHubSignatureProblem::NotHex,
        ),
    ];
    for (signature, problem) in cases {
        let error = gh_verify(&signature).unwrap_err();
        assert_eq!(
            error,
            GitHubError::MalformedSignature(problem),
            "{signature:?}"
        );
        assert!(
            error.to_string().starts_with(
                "header `x-hub-signature-256` is not `sha256=<64 lowercase hex digits>`: "
            ),
            "{error}"
        );
    }
}

#[test]
fn github_uppercase_hex_is_refused() {
    // GitHub sends lowercase; accepting one spelling only means a signature
    // is a canonical string (as octokit's string comparison also demands).
    let upper = format!("sha256={}", GH_SIG["sha256=".len()..].to_ascii_uppercase());
    assert_eq!(
        gh_verify(&upper),
        malformed(GitHubSignatureProblem::UppercaseHex)
    );
    let one_upper = GH_SIG.replacen('e', "E", 1);
    assert_eq!(
        gh_verify(&one_upper),
        malformed(GitHubSignatureProblem::UppercaseHex)
    );
    assert!(
        GitHubError::MalformedSignature(GitHubSignatureProblem::UppercaseHex)
            .to_string()
            .ends_with("the digest holds uppercase hex digits; GitHub sends lowercase")
    );
}

#[test]
fn github_surrounding_whitespace_is_not_part_of_a_header_value() {
    let verifier = GitHubVerifier::new(GH_SECRET).unwrap();
    let headers = [
        ("x-github-event", " ping\t"),
        ("x-github-delivery", "\tabc "),
        ("x-hub-signature-256", &format!(" {GH_SIG} ")[..]),
    ];
    let delivery = verifier.verify(&headers, GH_BODY).unwrap();
    assert_eq!((delivery.event(), delivery.id()), ("ping", "abc"));
}

#[test]
fn github_headers_match_in_any_case_through_every_source() {
    let verifier = GitHubVerifier::new(GH_SECRET).unwrap();
    let pairs = [
        ("x-github-event", "push"),
        ("X-GITHUB-DELIVERY", "d-1"),
        ("X-Hub-Signature-256", GH_SIG),
    ];
    let hash: HashMap<&str, &str> = pairs.into_iter().collect();
    let tree: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    for delivery in [
        verifier.verify(&pairs, GH_BODY),
        verifier.verify(&pairs[..], GH_BODY),
        verifier.verify(&pairs.to_vec(), GH_BODY),
        verifier.verify(&hash, GH_BODY),
        verifier.verify(&tree, GH_BODY),
    ] {
        let delivery = delivery.unwrap();
        assert_eq!((delivery.event(), delivery.id()), ("push", "d-1"));
    }
}

#[test]
fn github_rotation_reports_which_secret_matched() {
    let old = GitHubVerifier::new("old secret").unwrap();
    let new = GitHubVerifier::new("new secret").unwrap();
    let both = GitHubVerifier::with_secrets(["new secret", "old secret"]).unwrap();
    assert_eq!(both.secret_count(), 2);
    assert_eq!(both.sign(GH_BODY), new.sign(GH_BODY), "sign uses the first");
    let by_new = both
        .verify(&gh_headers(&new.sign(GH_BODY)), GH_BODY)
        .unwrap();
    let by_old = both
        .verify(&gh_headers(&old.sign(GH_BODY)), GH_BODY)
        .unwrap();
    assert_eq!((by_new.secret_index(), by_old.secret_index()), (0, 1));
    // Owned strings work too; a repeated secret reports its first place.
    let repeated = GitHubVerifier::with_secrets(vec![
        "a".to_owned(),
        GH_SECRET.to_owned(),
        GH_SECRET.to_owned(),
    ])
    .unwrap();
    assert_eq!(
        repeated
            .verify(&gh_headers(GH_SIG), GH_BODY)
            .unwrap()
            .secret_index(),
        1
    );
    assert_eq!(
        both.verify(&gh_headers(GH_SIG), GH_BODY),
        Err(GitHubError::SignatureMismatch { secrets: 2 })
    );
}

#[test]
fn github_secrets_must_be_present_and_not_empty() {
    assert_eq!(
        GitHubVerifier::new("").unwrap_err(),
        GitHubSecretError::Empty { index: 0 }
    );
    assert_eq!(
        GitHubVerifier::with_secrets(Vec::<&str>::new()).unwrap_err(),
        GitHubSecretError::NoSecrets
    );
    let error = GitHubVerifier::with_secrets(["s3cr3t", ""]).unwrap_err();
    assert_eq!(error, GitHubSecretError::Empty { index: 1 });
    assert_eq!(
        error.to_string(),
        "GitHub webhook secret 1 is empty, which would let anyone sign"
    );
}

#[test]
fn github_nothing_prints_a_secret_and_callers_learn_nothing() {
    let verifier = GitHubVerifier::with_secrets([GH_SECRET, "other"]).unwrap();
    let debug = format!("{verifier:?}");
    assert_eq!(debug, "GitHubVerifier { secrets: 2, .. }");
    let errors = [
        GitHubError::MissingHeader(X_GITHUB_EVENT),
        GitHubError::EmptyHeader(X_GITHUB_DELIVERY),
        GitHubError::LegacySignatureOnly,
        GitHubError::MalformedSignature(GitHubSignatureProblem::NotHex),
        GitHubError::SignatureMismatch { secrets: 2 },
    ];
    for error in errors {
        assert_eq!(error.public_message(), "webhook verification failed");
        assert!(!error.to_string().contains("Secret to Everybody"));
    }
}

/// Form-encodes `value` as browsers and GitHub do: unreserved bytes as is,
/// space as `+`, everything else as `%XX`.
fn form_encode(value: &[u8]) -> String {
    value
        .iter()
        .map(|&byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                char::from(byte).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

const FORM: &str = "application/x-www-form-urlencoded";

#[test]
fn github_form_delivery_is_signed_over_the_form_and_yields_the_json() {
    // JSON with every character the encoding touches: spaces, `+`, `&`, `=`,
    // `%`, quotes, non-ASCII.
    let json = r#"{"zen":"Keep it logically awesome.","expr":"a+b=c & 100%","name":"Zoë 🐙"}"#;
    let form = format!("payload={}", form_encode(json.as_bytes()));
    let verifier = GitHubVerifier::new(GH_SECRET).unwrap();
    // GitHub signs what it sends: the form body.
    let signature = verifier.sign(form.as_bytes());
    let delivery = verifier
        .verify(&gh_headers(&signature), form.as_bytes())
        .unwrap();
    assert_eq!(delivery.event(), "pull_request");
    let payload = github_payload(Some(FORM), form.as_bytes()).unwrap();
    assert_eq!(&*payload, json.as_bytes());
    assert!(serde_json::from_slice::<serde_json::Value>(&payload).is_ok());
    // A signature over the JSON inside does not authenticate the form.
    let over_json = verifier.sign(json.as_bytes());
    assert_eq!(
        verifier.verify(&gh_headers(&over_json), form.as_bytes()),
        Err(GitHubError::SignatureMismatch { secrets: 1 })
    );
}

#[test]
fn github_json_delivery_is_passed_through_borrowed() {
    let body = br#"{"zen":"x"}"#;
    for content_type in [
        "application/json",
        "Application/JSON",
        "application/json; charset=utf-8",
        " application/json ;charset=UTF-8",
    ] {
        let payload = github_payload(Some(content_type), body).unwrap();
        assert!(
            matches!(payload, Cow::Borrowed(b) if b == body),
            "{content_type}"
        );
    }
}

#[test]
fn github_form_fields_are_found_and_decoded() {
    let cases: [(&str, &[u8]); 8] = [
        ("payload=%7B%7D", b"{}"),
        ("payload=%7b%7d", b"{}"),
        ("a=1&payload=%7B%7D&b=2", b"{}"),
        ("pay%6Coad=1", b"1"),
        ("payload=a+b%2Bc", b"a b+c"),
        ("payload=x=y", b"x=y"),
        ("payload=", b""),
        ("payload", b""),
    ];
    for (form, expected) in cases {
        let payload = github_payload(Some(FORM), form.as_bytes()).unwrap();
        assert_eq!(&*payload, expected, "{form}");
    }
    // Undecoded values are borrowed from the body, not copied.
    let plain = github_payload(
        Some("application/x-www-form-urlencoded; charset=utf-8"),
        b"payload=1",
    )
    .unwrap();
    assert!(matches!(plain, Cow::Borrowed(b"1")));
}

#[test]
fn github_forms_without_exactly_one_payload_are_refused() {
    let cases: [(&str, GitHubPayloadError); 8] = [
        ("", GitHubPayloadError::MissingPayloadField),
        (
            "payloads=1&Payload=2&x=payload",
            GitHubPayloadError::MissingPayloadField,
        ),
        (
            "payload=1&payload=2",
            GitHubPayloadError::DuplicatePayloadField,
        ),
        (
            "payload=1&pay%6coad=2",
            GitHubPayloadError::DuplicatePayloadField,
        ),
        ("payload=%7", GitHubPayloadError::MalformedEncoding),
        ("payload=%zz", GitHubPayloadError::MalformedEncoding),
        ("%zz=1&payload=1", GitHubPayloadError::MalformedEncoding),
        ("&&payload=%", GitHubPayloadError::MalformedEncoding),
    ];
    for (form, expected) in cases {
        assert_eq!(
            github_payload(Some(FORM), form.as_bytes()),
            Err(expected),
            "{form}"
        );
    }
}

#[test]
fn github_payload_needs_a_supported_content_type() {
    assert_eq!(
        github_payload(None, b"{}"),
        Err(GitHubPayloadError::MissingContentType)
    );
    for content_type in [
        "",
        "text/plain",
        "application/jsonx",
        "multipart/form-data",
        "json",
    ] {
        assert_eq!(
            github_payload(Some(content_type), b"payload=1"),
            Err(GitHubPayloadError::UnsupportedContentType),
            "{content_type}"
        );
    }
    let error = GitHubPayloadError::DuplicatePayloadField;
    assert_eq!(
        error.to_string(),
        "the form-encoded delivery has more than one `payload` field"
    );
    assert_eq!(error.public_message(), "unsupported webhook body");
}

// ------------------------------------------------------- secret rotation

fn secret(text: &str) -> Secret {
    Secret::new(text).unwrap()
}

const OLD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NEW_SECRET: &str = "whsec_c2VjcmV0LW51bWJlci10d28tZm9yLXJvdGF0aW9u";

#[test]
fn a_verifier_with_several_secrets_reports_which_one_matched() {
    let rotating = Verifier::with_secrets([secret(NEW_SECRET), secret(OLD_SECRET)])
        .unwrap()
        .clock(|| TS);
    assert_eq!(rotating.secret_count(), 2);
    // The canonical vector is signed with the old secret: position 1.
    let verified = rotating.verify(&headers(ID, TS_STR, SIG), BODY).unwrap();
    assert_eq!(verified.secret_index(), 1);
    // A sender already on the new secret: position 0.
    let signature = rotating.sign(ID, TS, BODY);
    let verified = rotating
        .verify(&headers(ID, TS_STR, &signature), BODY)
        .unwrap();
    assert_eq!(verified.secret_index(), 0);
    // A sender signing with both (one `v1` entry each), in either order.
    let both = format!("{SIG} {signature}");
    let verified = rotating.verify(&headers(ID, TS_STR, &both), BODY).unwrap();
    assert_eq!(verified.secret_index(), 0);
    // The old secret alone no longer accepts the new signature.
    assert_eq!(
        verifier()
            .verify(&headers(ID, TS_STR, &signature), BODY)
            .unwrap_err(),
        VerifyError::SignatureMismatch { v1_entries: 1 }
    );
    // A third, unrelated secret matches nothing.
    let other = Verifier::with_secrets([secret("whsec_b3RoZXItc2VjcmV0")])
        .unwrap()
        .clock(|| TS);
    assert_eq!(
        other.verify(&headers(ID, TS_STR, &both), BODY).unwrap_err(),
        VerifyError::SignatureMismatch { v1_entries: 2 }
    );
    assert_eq!(
        Verifier::with_secrets([]).unwrap_err(),
        SecretError::NoSecrets
    );
    let debug = format!("{rotating:?}");
    assert!(
        !debug.contains("MfKQ9r8") && !debug.contains("c2VjcmV0"),
        "{debug}"
    );
}

#[test]
fn shared_secrets_try_each_secret_and_report_the_match() {
    let secrets = SharedSecrets::new([
        SharedSecret::new("new-s3cr3t").unwrap(),
        SharedSecret::basic("impact", "old-s3cr3t").unwrap(),
    ])
    .unwrap();
    assert_eq!(secrets.len(), 2);
    assert!(!secrets.is_empty());
    assert_eq!(secrets.verify_token("new-s3cr3t"), Some(0));
    assert_eq!(secrets.verify_token("old-s3cr3t"), Some(1));
    assert_eq!(secrets.verify_token("s3cr3t"), None);
    // base64("x:new-s3cr3t"), base64("impact:old-s3cr3t"), base64("x:old-s3cr3t")
    assert_eq!(secrets.verify_basic_auth("Basic eDpuZXctczNjcjN0"), Ok(0));
    assert_eq!(
        secrets.verify_basic_auth("Basic aW1wYWN0Om9sZC1zM2NyM3Q="),
        Ok(1)
    );
    assert_eq!(
        secrets.verify_basic_auth("Basic eDpvbGQtczNjcjN0"),
        Err(SharedSecretError::Mismatch),
        "the old secret also checks its user name"
    );
    assert_eq!(
        secrets.verify_basic_auth("Bearer x"),
        Err(SharedSecretError::NotBasic)
    );
    assert_eq!(
        SharedSecrets::new([]).unwrap_err(),
        SharedSecretError::NoSecrets
    );
    let single = SharedSecrets::from(SharedSecret::new("s").unwrap());
    assert_eq!(single.verify_token("s"), Some(0));
    assert!(!format!("{secrets:?}").contains("s3cr3t"));
}

// ------------------------------------------------ claims: two-step dedup

#[test]
fn a_claim_is_in_flight_until_committed_or_forgotten() {
    let seen = InMemorySeenIds::new(Duration::from_secs(60));
    assert_eq!(seen.claim("a", 1_000).unwrap(), Claim::New);
    assert_eq!(seen.claim("a", 1_001).unwrap(), Claim::InFlight);
    seen.commit("a", 1_002).unwrap();
    assert_eq!(seen.claim("a", 1_003).unwrap(), Claim::Seen);
    // Handling failed after a commit: forget gives the id back.
    seen.forget("a").unwrap();
    assert_eq!(seen.claim("a", 1_004).unwrap(), Claim::New);
    // A claim that is forgotten (the handler failed) is new again.
    seen.forget("a").unwrap();
    assert_eq!(seen.claim("a", 1_005).unwrap(), Claim::New);
    // Commit is idempotent and needs no claim.
    seen.commit("b", 1_005).unwrap();
    seen.commit("b", 1_006).unwrap();
    assert_eq!(seen.claim("b", 1_007).unwrap(), Claim::Seen);
}

#[test]
fn an_abandoned_claim_lapses_after_its_lease() {
    let seen =
        InMemorySeenIds::new(Duration::from_secs(3_600)).claim_lease(Duration::from_secs(30));
    assert_eq!(seen.claim("a", 1_000).unwrap(), Claim::New);
    assert_eq!(seen.claim("a", 1_029).unwrap(), Claim::InFlight);
    assert_eq!(seen.claim("a", 1_030).unwrap(), Claim::New);
    // The committed window is the expiry, not the lease.
    seen.commit("a", 1_030).unwrap();
    assert_eq!(seen.claim("a", 4_629).unwrap(), Claim::Seen);
    let debug = format!("{seen:?}");
    assert!(debug.contains("lease_secs: 30"), "{debug}");
}

/// A fresh temporary directory for one test.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let dir = std::env::temp_dir().join(format!(
        "eventsmith-webhook-{name}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn sqlite_commits_survive_a_reopen_and_claims_do_not_outlive_their_lease() {
    let dir = temp_dir("reopen");
    let path = dir.join("seen.db");
    {
        let seen = SqliteSeenIds::open(&path).unwrap();
        assert!(seen.is_empty().unwrap());
        assert_eq!(seen.claim("done", 1_000).unwrap(), Claim::New);
        seen.commit("done", 1_000).unwrap();
        assert_eq!(seen.claim("crashed", 1_000).unwrap(), Claim::New);
        assert_eq!(seen.len().unwrap(), 2);
        // The process dies here: "crashed" is neither committed nor released.
    }
    let seen = SqliteSeenIds::open(&path)
        .unwrap()
        .claim_lease(Duration::from_secs(60));
    assert_eq!(seen.claim("done", 1_010).unwrap(), Claim::Seen);
    assert_eq!(seen.claim("crashed", 1_010).unwrap(), Claim::InFlight);
    assert_eq!(
        seen.claim("crashed", 1_060).unwrap(),
        Claim::New,
        "lease lapsed"
    );
    // A server that is the file's only user releases the claims at start.
    assert_eq!(seen.claim("crashed-too", 1_060).unwrap(), Claim::New);
    assert_eq!(seen.release_claims().unwrap(), 2);
    assert_eq!(seen.claim("crashed-too", 1_061).unwrap(), Claim::New);
    assert_eq!(
        seen.claim("done", 1_061).unwrap(),
        Claim::Seen,
        "commits stay"
    );
    drop(seen);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sqlite_expiry_forget_and_the_window_restart_match_the_in_memory_store() {
    let sqlite = SqliteSeenIds::in_memory()
        .unwrap()
        .expiry(Duration::from_secs(60));
    let memory = InMemorySeenIds::new(Duration::from_secs(60));
    let stores: [&dyn SeenIds; 2] = [&sqlite, &memory];
    for seen in stores {
        assert!(seen.first_time("a", 1_000).unwrap());
        assert!(!seen.first_time("a", 1_059).unwrap());
        // The repeat at 1 059 restarted the window.
        assert!(!seen.first_time("a", 1_118).unwrap());
        assert!(seen.first_time("a", 1_178).unwrap());
        seen.forget("a").unwrap();
        assert_eq!(seen.claim("a", 1_179).unwrap(), Claim::New);
        seen.forget("a").unwrap();
        assert_eq!(seen.claim("a", 1_180).unwrap(), Claim::New);
        assert_eq!(seen.claim("a", 1_181).unwrap(), Claim::InFlight);
    }
    assert!(format!("{sqlite:?}").contains("expiry_secs: 60"));
}

#[test]
fn sqlite_lapsed_rows_are_swept() {
    let seen = SqliteSeenIds::in_memory()
        .unwrap()
        .expiry(Duration::from_secs(10));
    for i in 0..600 {
        seen.commit(&format!("old_{i}"), 0).unwrap();
    }
    // Past their window, and enough claims to trigger a sweep.
    for i in 0..512 {
        assert_eq!(seen.claim(&format!("new_{i}"), 100).unwrap(), Claim::New);
    }
    assert_eq!(seen.len().unwrap(), 512, "the 600 lapsed rows were deleted");
}

#[test]
fn sqlite_processes_sharing_a_file_never_both_claim_an_id() {
    let dir = temp_dir("shared");
    let path = dir.join("seen.db");
    let stores: Vec<Arc<SqliteSeenIds>> = (0..4)
        .map(|_| Arc::new(SqliteSeenIds::open(&path).unwrap()))
        .collect();
    let threads: Vec<_> = stores
        .iter()
        .map(|store| {
            let store = Arc::clone(store);
            std::thread::spawn(move || {
                (0..50)
                    .filter(|i| store.claim(&format!("msg_{i}"), 1_000).unwrap() == Claim::New)
                    .count()
            })
        })
        .collect();
    let won: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(won, 50, "each id claimed by exactly one connection");
    drop(stores);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sqlite_commit_with_writes_the_effect_and_the_commit_together() {
    let seen = SqliteSeenIds::in_memory().unwrap();
    let setup = seen.commit_with("setup", 0, |tx| {
        tx.execute("CREATE TABLE inbox (id TEXT NOT NULL)", [])
    });
    assert_eq!(setup.unwrap(), 0);
    assert_eq!(seen.claim("a", 1).unwrap(), Claim::New);
    seen.commit_with("a", 1, |tx| {
        tx.execute("INSERT INTO inbox (id) VALUES ('a')", [])
    })
    .unwrap();
    assert_eq!(seen.claim("a", 2).unwrap(), Claim::Seen);
    // An effect that fails leaves no commit (and no effect) behind.
    assert_eq!(seen.claim("b", 2).unwrap(), Claim::New);
    let error: SeenIdsError = seen
        .commit_with("b", 2, |tx| {
            tx.execute("INSERT INTO inbox (id) VALUES ('b')", [])?;
            tx.execute("INSERT INTO missing_table VALUES (1)", [])
        })
        .unwrap_err();
    assert!(
        error.to_string().starts_with("cannot commit the delivery"),
        "{error}"
    );
    assert!(std::error::Error::source(&error).is_some());
    assert_eq!(
        seen.claim("b", 3).unwrap(),
        Claim::InFlight,
        "still only claimed"
    );
    let rows = seen
        .commit_with("count", 3, |tx| {
            tx.query_row("SELECT count(*) FROM inbox", [], |row| row.get::<_, i64>(0))
        })
        .unwrap();
    assert_eq!(rows, 1, "only a's effect");
}

#[test]
fn sqlite_open_reports_a_file_that_is_not_a_database() {
    let dir = temp_dir("garbage");
    let path = dir.join("not.db");
    std::fs::write(&path, vec![b'x'; 4096]).unwrap();
    let error = SqliteSeenIds::open(&path).unwrap_err();
    assert!(error.to_string().contains("seen-id database"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sqlite_stores_in_one_file_keep_their_own_tables() {
    let dir = temp_dir("tables");
    let path = dir.join("hooks.db");
    let gigs = SqliteSeenIds::open_table(&path, "seen_gigs").unwrap();
    let impact = SqliteSeenIds::open_table(&path, "seen_impact_stack").unwrap();
    gigs.commit("95", 1_000).unwrap();
    assert_eq!(impact.claim("95", 1_000).unwrap(), Claim::New);
    assert_eq!(gigs.claim("95", 1_000).unwrap(), Claim::Seen);
    for bad in ["", "1abc", "seen ids", "x; DROP TABLE y"] {
        let error = SqliteSeenIds::open_table(&path, bad).unwrap_err();
        assert!(error.to_string().contains("not an identifier"), "{error}");
    }
    assert!(format!("{gigs:?}").contains("seen_gigs"));
    drop((gigs, impact));
    std::fs::remove_dir_all(&dir).unwrap();
}
