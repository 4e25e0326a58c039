//! eventsmith: typed, validated webhook events.
//!
//! This crate is the runtime every generated binding uses (value types,
//! validation errors, dispatch, webhook verification) and carries the
//! bindings of the shipped catalog: [`impact_stack`] and [`gigs`].
//!
//! ```
//! let body = br#"{"id": 95, "type": "form_submission_confirmed", "version": "1.1.0",
//!                 "date": "2021-03-31T11:26:34", "uuid": "e9cb75da-efcf-4dd3-9025-f7f1167b5eec"}"#;
//! let event = eventsmith::impact_stack::Event::from_slice(body)?;
//! assert_eq!(event.event_type(), "form_submission_confirmed");
//! # Ok::<(), eventsmith::EventError>(())
//! ```

// Generated code names the runtime `::eventsmith`, here as in any other crate.
extern crate self as eventsmith;

pub use eventsmith_core::{
    Collect, DateTime, Decimal, Duration, Errors, EventError, EventSource, Limits, Money, Num, Options, ParseError, Path, Probe,
    Received, Schema, Sink, UnknownTypes, ValidationError, __private, event, formats, json, serde_helpers, validation,
    values, version, webhook,
};
pub use eventsmith_core::values::Uuid;
pub use eventsmith_core::{Delivery, ReceiveError, Receiver, receive};

include!(concat!(env!("OUT_DIR"), "/eventsmith.rs"));
