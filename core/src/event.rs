//! From a payload to a typed event: reading the envelope, choosing the
//! schema version, validating, decoding. Generated dispatch code calls these.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::json::{Limits, ParseError, Tape};
use crate::validation::program::NodeId;
use crate::validation::{Errors, Validator};
use crate::version::{Scheme, SelectError, select};

/// A generated type for one version of one event type.
pub trait Schema: Sized + Serialize + DeserializeOwned {
    /// The event type this version belongs to (the payload's type value).
    const EVENT_TYPE: &'static str;
    /// The schema's version.
    const VERSION: &'static str;

    /// The source's validator and the node of this version's root in it.
    fn validator() -> (&'static Validator, NodeId);

    /// Every error `value` has against this schema.
    fn validate(value: &Value) -> Result<(), Errors> {
        let (validator, node) = Self::validator();
        validator.validate_value(node, value)
    }

    /// True when `value` is valid; stops at the first failure.
    fn is_valid(value: &Value) -> bool {
        let (validator, node) = Self::validator();
        validator.is_valid(node, Tape::from_value(value).root())
    }

    /// Validates `value` and decodes it into this type.
    fn from_value(value: Value) -> Result<Self, EventError> {
        decode::<Self>(value, Self::VERSION)
    }

    /// Parses, validates and decodes a JSON payload.
    fn from_slice(bytes: &[u8]) -> Result<Self, EventError> {
        from_slice_with::<Self>(bytes, Self::VERSION, &Options::default())
    }

    /// This value as JSON (the payload it was read from, for a round trip).
    fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A source's `Event` enum: every type and version of one event system.
/// Generated for each source; lets generic code (webhook receivers, tests)
/// dispatch without naming the source.
pub trait EventSource: Sized + Serialize {
    /// The source's name in the catalog (`impact_stack`).
    const SOURCE: &'static str;
    /// Every event type of the source.
    const TYPES: &'static [&'static str];

    /// Dispatches a parsed payload on its type and version, validates and decodes it.
    fn from_json(value: Value) -> Result<Self, EventError>;

    /// The event's type value.
    fn event_type(&self) -> &'static str;

    /// The schema version the event was read with.
    fn schema_version(&self) -> &'static str;
}

/// What to do with an event whose type the catalog does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownTypes {
    /// Fail with [`EventError::UnknownType`] (the default).
    #[default]
    Reject,
    /// Hand the raw value back as [`Received::Unknown`].
    Keep,
}

/// Options for reading payloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Size and depth limits.
    pub limits: Limits,
    /// Unknown event types.
    pub unknown_types: UnknownTypes,
    /// Payloads newer than the schema that reads them.
    pub newer_versions: NewerVersions,
}

/// How a payload is judged when its version is newer than the schema that
/// reads it (a 1.4.0 event read with the 1.3.0 schema, a 2025-07-01 event
/// with the 2025-05-22 schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NewerVersions {
    /// The default. A newer version may widen what an older schema allows;
    /// tolerate exactly the widenings the Rust types can hold: a string
    /// outside an `enum` (it decodes to the enum's `Unknown` variant) and a
    /// member an `additionalProperties: false` object does not name (it is
    /// dropped). Every other error still fails.
    #[default]
    Tolerate,
    /// Validate newer payloads exactly like payloads of the schema's own version.
    Strict,
}

/// An event read in lenient mode.
#[derive(Debug, Clone, PartialEq)]
pub enum Received<E> {
    /// A known type, validated and decoded.
    Known(E),
    /// A type the catalog does not know, as raw JSON.
    Unknown(Value),
}

/// Why a payload did not become a typed event.
#[derive(Debug, Clone, PartialEq)]
pub enum EventError {
    /// Not JSON, too large, too deep, or duplicate keys.
    Parse(ParseError),
    /// The payload is not a JSON object.
    NotAnObject {
        /// The JSON type found.
        found: &'static str,
    },
    /// The type or version member is missing.
    MissingField {
        /// The member.
        field: String,
    },
    /// The type or version member is not a string.
    FieldNotString {
        /// The member.
        field: String,
        /// The JSON type found.
        found: &'static str,
    },
    /// No event type of this source has this name.
    UnknownType {
        /// The type value.
        event_type: String,
    },
    /// The version does not parse under the source's scheme.
    InvalidVersion {
        /// The event type.
        event_type: String,
        /// The version value.
        version: String,
        /// Why it does not parse.
        reason: String,
    },
    /// No known schema can read this version.
    UnknownVersion {
        /// The event type.
        event_type: String,
        /// The version value.
        version: String,
        /// The versions the catalog has for the type.
        known: Vec<&'static str>,
    },
    /// The payload breaks its schema.
    Invalid {
        /// The event type.
        event_type: String,
        /// The payload's version.
        version: String,
        /// The schema version it was checked against.
        schema_version: &'static str,
        /// Every error.
        errors: Errors,
    },
    /// Valid, but the typed decoding failed (a value outside what the Rust
    /// type holds, such as an integer beyond `i64`).
    Decode {
        /// The event type.
        event_type: String,
        /// The schema version.
        schema_version: &'static str,
        /// serde's message.
        message: String,
    },
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventError::Parse(e) => write!(f, "{e}"),
            EventError::NotAnObject { found } => {
                write!(f, "an event must be a JSON object, found {found}")
            }
            EventError::MissingField { field } => write!(f, "the event has no \"{field}\" member"),
            EventError::FieldNotString { field, found } => {
                write!(f, "the event's \"{field}\" must be a string, found {found}")
            }
            EventError::UnknownType { event_type } => {
                write!(f, "unknown event type \"{event_type}\"")
            }
            EventError::InvalidVersion {
                event_type,
                version,
                reason,
            } => {
                write!(
                    f,
                    "{event_type}: version \"{version}\" is not valid: {reason}"
                )
            }
            EventError::UnknownVersion {
                event_type,
                version,
                known,
            } => write!(
                f,
                "{event_type}: no schema can read version {version} (known versions: {})",
                known.join(", ")
            ),
            EventError::Invalid {
                event_type,
                version,
                schema_version,
                errors,
            } => {
                write!(
                    f,
                    "{event_type}@{version} is invalid against schema {schema_version}: {errors}"
                )
            }
            EventError::Decode {
                event_type,
                schema_version,
                message,
            } => {
                write!(f, "{event_type}@{schema_version}: cannot decode: {message}")
            }
        }
    }
}

impl std::error::Error for EventError {}

impl From<ParseError> for EventError {
    fn from(e: ParseError) -> Self {
        EventError::Parse(e)
    }
}

/// Reads the type and version members of a payload.
pub fn envelope<'v>(
    value: &'v Value,
    type_field: &str,
    version_field: &str,
) -> Result<(&'v str, &'v str), EventError> {
    let Value::Object(obj) = value else {
        return Err(EventError::NotAnObject {
            found: crate::validation::type_name(value),
        });
    };
    let text = |field: &str| match obj.get(field) {
        None => Err(EventError::MissingField {
            field: field.to_owned(),
        }),
        Some(Value::String(s)) => Ok(s.as_str()),
        Some(other) => Err(EventError::FieldNotString {
            field: field.to_owned(),
            found: crate::validation::type_name(other),
        }),
    };
    Ok((text(type_field)?, text(version_field)?))
}

/// Picks the index of the schema version an event at `version` is read with.
pub fn choose(
    scheme: Scheme,
    event_type: &str,
    known: &'static [&'static str],
    version: &str,
) -> Result<usize, EventError> {
    select(scheme, known, version).map_err(|e| match e {
        SelectError::Invalid(err) => EventError::InvalidVersion {
            event_type: event_type.to_owned(),
            version: version.to_owned(),
            reason: err.reason.to_owned(),
        },
        SelectError::Unknown => EventError::UnknownVersion {
            event_type: event_type.to_owned(),
            version: version.to_owned(),
            known: known.to_vec(),
        },
    })
}

/// Parses, validates and decodes `bytes` as a `T`; `version` is the
/// payload's.
pub fn from_slice_with<T: Schema>(
    bytes: &[u8],
    version: &str,
    options: &Options,
) -> Result<T, EventError> {
    let value = crate::json::parse_slice(bytes, options.limits)?;
    decode_with::<T>(value, version, options)
}

/// Validates `value` against `T` and decodes it; `version` is the payload's.
pub fn decode<T: Schema>(value: Value, version: &str) -> Result<T, EventError> {
    decode_with(value, version, &Options::default())
}

/// [`decode`] with explicit options (see [`NewerVersions`]).
pub fn decode_with<T: Schema>(
    value: Value,
    version: &str,
    options: &Options,
) -> Result<T, EventError> {
    if !T::is_valid(&value) {
        let mut errors = match T::validate(&value) {
            Err(e) => e,
            Ok(()) => Errors::default(),
        };
        if options.newer_versions == NewerVersions::Tolerate && version != T::VERSION {
            errors.0.retain(|e| !tolerated_when_newer(&value, e));
        }
        if !errors.is_empty() {
            return Err(EventError::Invalid {
                event_type: T::EVENT_TYPE.to_owned(),
                version: version.to_owned(),
                schema_version: T::VERSION,
                errors,
            });
        }
    }
    // Nothing to retry without integral floats: decode by value, moving the
    // strings out of `value` instead of copying them.
    if !has_integral_float(&value) {
        return serde_json::from_value(value).map_err(|e| decode_error::<T>(&e));
    }
    match T::deserialize(&value) {
        Ok(t) => Ok(t),
        // JSON Schema counts `1.0` as an integer; serde does not. Retry with
        // integral floats written as integers (a JSON-equal value).
        Err(first) if has_integral_float(&value) => {
            let mut normalized = value;
            integral_floats_to_integers(&mut normalized);
            T::deserialize(&normalized).map_err(|_| decode_error::<T>(&first))
        }
        Err(e) => Err(decode_error::<T>(&e)),
    }
}

/// The widenings a newer minor may bring that the generated types absorb.
fn tolerated_when_newer(value: &Value, e: &crate::validation::ValidationError) -> bool {
    match e.keyword.as_str() {
        "enum" => value
            .pointer(&e.instance_path)
            .is_some_and(Value::is_string),
        "additionalProperties" => true,
        _ => false,
    }
}

fn decode_error<T: Schema>(e: &serde_json::Error) -> EventError {
    EventError::Decode {
        event_type: T::EVENT_TYPE.to_owned(),
        schema_version: T::VERSION,
        message: e.to_string(),
    }
}

fn has_integral_float(v: &Value) -> bool {
    match v {
        Value::Number(n) => {
            n.is_f64()
                && n.as_f64()
                    .is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
        }
        Value::Array(items) => items.iter().any(has_integral_float),
        Value::Object(map) => map.values().any(has_integral_float),
        _ => false,
    }
}

fn integral_floats_to_integers(v: &mut Value) {
    match v {
        Value::Number(n) => {
            if let Some(f) = n
                .as_f64()
                .filter(|f| n.is_f64() && f.fract() == 0.0 && f.abs() < 9.2e18)
            {
                *n = serde_json::Number::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_to_integers),
        Value::Object(map) => map.values_mut().for_each(integral_floats_to_integers),
        _ => {}
    }
}
