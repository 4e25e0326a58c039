//! How a source's deliveries are authenticated (`signing:` in
//! `source.yaml`), in words, and a minimal receiver in Rust for each way.
//!
//! The receivers are real Rust (`receive/*.rs`); `tests/it/receive.rs` in the
//! root package compiles and runs each against a hand-written event source,
//! so what the site shows is code that works. A new `Signing` adds its arm to [`signing_doc`] and its file
//! under `receive/`; the match is exhaustive, so the compiler points here.

use crate::load::catalog::Signing;

/// What the source page says about authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningDoc {
    /// A short name: "Standard Webhooks".
    pub name: &'static str,
    /// What the sender does and what a receiver must check, as prose
    /// (`` `code` `` spans allowed).
    pub explanation: &'static str,
    /// The receiving code after the `use` of the source's `Event`.
    pub code: &'static str,
}

/// The page text for `signing`.
pub fn signing_doc(signing: Signing) -> SigningDoc {
    match signing {
        Signing::StandardWebhooks => SigningDoc {
            name: "Standard Webhooks signatures",
            explanation: "Every delivery is signed per Standard Webhooks (as Svix sends them): the headers `webhook-id`, `webhook-timestamp` and `webhook-signature` carry an HMAC-SHA256 of the id, the timestamp and the raw body, made with the endpoint's signing secret (`whsec_…`). A receiver checks the signature over the bytes exactly as received, refuses timestamps more than five minutes away, and drops a `webhook-id` it has already handled (the sender retries).",
            code: include_str!("receive/standard_webhooks.rs"),
        },
        Signing::Github => SigningDoc {
            name: "GitHub webhook signatures",
            explanation: "Every delivery is signed by GitHub: the `X-Hub-Signature-256` header is `sha256=` and the hex HMAC-SHA256 of the raw body, made with the webhook's secret; `X-GitHub-Event` names the event type (payloads do not), `X-GitHub-Delivery` is the delivery's id, the same on a redelivery. A receiver checks the signature over the bytes exactly as received (a form-encoded delivery is signed as sent, before its `payload` field is decoded), compares it in constant time, and drops a delivery id it has already handled.",
            code: include_str!("receive/github.rs"),
        },
        Signing::SharedSecret => SigningDoc {
            name: "Shared secret",
            explanation: "Deliveries are not signed: the sender presents a secret agreed with the receiver, either as the password of HTTP basic auth (`Authorization` header) or in the endpoint's URL. A receiver compares it in constant time and drops an event `id` it has already handled.",
            code: include_str!("receive/shared_secret.rs"),
        },
        Signing::None => SigningDoc {
            name: "Not declared",
            explanation: "The catalog does not say how deliveries are authenticated (`signing:` in source.yaml). Authenticate them yourself before trusting a payload.",
            code: include_str!("receive/unsigned.rs"),
        },
    }
}

/// The lines that bring the source's generated `Event` into scope, as a
/// crate with its own catalog writes them (`build.rs` generates the
/// bindings; see the README).
pub fn preamble(source_module: &str) -> String {
    format!(
        "// The bindings build.rs generates from the catalog.\nmod events {{\n    include!(concat!(env!(\"OUT_DIR\"), \"/eventsmith.rs\"));\n}}\nuse events::{source_module}::Event;\n\n"
    )
}
