//! eventsmith: typed, validated webhook events.
//!
//! This crate is the runtime every generated binding uses (value types,
//! validation errors, dispatch, webhook verification) and, behind cargo
//! features, the bindings of the shipped catalogs: `impact-stack`
//! ([`impact_stack`]), `gigs` ([`gigs`]), `github` ([`github`]), or
//! `catalogs` for all. Without a
//! feature it is the runtime alone, for crates that generate bindings of
//! their own catalog in their `build.rs` with `eventsmith-codegen`.
//!
//! ```
//! let body = br#"{"id": 95, "type": "form_submission_confirmed", "version": "1.1.0",
//!                 "date": "2021-03-31T11:26:34", "uuid": "e9cb75da-efcf-4dd3-9025-f7f1167b5eec"}"#;
//! let event = eventsmith::impact_stack::Event::from_slice(body)?;
//! assert_eq!(event.event_type(), "form_submission_confirmed");
//! # Ok::<(), eventsmith::EventError>(())
//! ```
//!
//! Receiving a webhook is one call: a [`Receiver`] authenticates the request
//! (a Standard Webhooks signature for Gigs, a shared secret for Impact Stack),
//! parses the body under [`Limits`], dispatches, validates, decodes and drops
//! repeated deliveries; every failure is a [`ReceiveError`] naming the step,
//! with an HTTP status and a generic public message. See [`receive`].
//!
//! ```
//! use eventsmith::webhook::{InMemorySeenIds, Secret, SharedSecret, Verifier, secret_from_query};
//! use eventsmith::{Receiver, gigs, impact_stack};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Gigs, through Svix: Standard Webhooks signatures.
//! let verifier = Verifier::new(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?);
//! let gigs_hook = Receiver::<gigs::Event>::standard_webhooks(verifier.clone())
//!     .seen_ids(InMemorySeenIds::default());
//! # let body = br#"{"object":"event","id":"evt_0SNlurA049MEWV5gNTcQ5A07h3Ol","actor":{"type":"member","member":"mbr_0SNlurA020zhzt0CwsIr53"},"data":{"object":"sim","id":"sim_0SNlurA049MEWV1BAAmWZULA4lf6","metadata":{},"iccid":"89883070000007537119","provider":"p9","status":"active","type":"eSIM","createdAt":"2021-01-21T19:38:34Z"},"datacontenttype":"application/json","previousData":{"status":"inactive"},"project":"gigs","source":"https://api.gigs.com","specversion":"1.0","time":"2022-03-16T14:12:42.0Z","type":"com.gigs.sim.updated","version":"2025-05-22"}"#;
//! # let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs().to_string();
//! # let headers = [
//! #     ("webhook-id", "msg_2mXb".to_owned()),
//! #     ("webhook-timestamp", now.clone()),
//! #     ("webhook-signature", verifier.sign("msg_2mXb", now.parse()?, body)),
//! # ];
//! // `headers` and the raw `body` bytes come from the HTTP request.
//! match gigs_hook.receive(&headers, body) {
//!     Ok(pending) => {
//!         // The id is claimed until the delivery is committed (handled) or
//!         // released (dropped: the sender's retry is handled again).
//!         let (delivery, ticket) = pending.into_parts();
//!         if let gigs::Event::SimUpdated(gigs::sim_updated::Event::V2025_05_22(update)) = delivery.event {
//!             assert_eq!(update.data.iccid, "89883070000007537119");
//!         }
//!         ticket.commit()?;
//!     }
//!     // Log `error`; answer `error.status()` with `error.public_message()`.
//!     Err(error) => panic!("{error}"),
//! }
//!
//! // Impact Stack: a shared secret in the endpoint URL (or basic auth).
//! let impact_hook = Receiver::<impact_stack::Event>::shared_secret(SharedSecret::new("s3cr3t")?);
//! let body = br#"{"id": 95, "type": "form_submission_confirmed", "version": "1.1.0",
//!                 "date": "2021-03-31T11:26:34", "uuid": "e9cb75da-efcf-4dd3-9025-f7f1167b5eec"}"#;
//! let token = secret_from_query("/hooks/impact-stack?secret=s3cr3t", "secret");
//! let delivery = impact_hook.receive_token(token.as_deref(), body)?.commit()?;
//! assert_eq!((delivery.id.as_str(), delivery.event.event_type()), ("95", "form_submission_confirmed"));
//! # Ok(())
//! # }
//! ```

// Generated code names the runtime `::eventsmith`, here as in any other crate.
extern crate self as eventsmith;

pub use eventsmith_core::values::Uuid;
pub use eventsmith_core::{
    __private, DateTime, Decimal, Duration, Errors, EventError, EventSource, Limits, Money,
    NewerVersions, Options, ParseError, Received, Schema, UnknownTypes, ValidationError, decode,
    event, formats, json, validation, values, version,
};
pub use eventsmith_webhook as webhook;

pub mod receive;
pub use receive::{Delivery, Pending, ReceiveError, Receiver};

#[cfg(any(feature = "impact-stack", feature = "gigs", feature = "github"))]
include!(concat!(env!("OUT_DIR"), "/eventsmith.rs"));
