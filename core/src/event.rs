//! From a payload to a typed event: finding the event's type and version,
//! choosing the schema that reads it, validating, decoding.
//!
//! Every path goes the same way: the payload is parsed once into a
//! [`Tape`] (limits enforced, duplicate keys refused), the source's
//! [`SourceTable`] says where the type and version are and which schema
//! reads them, the schema's validator (a [`Validator`] shared by every
//! version of the source) checks the tape and reports every error in
//! payload order, and only a valid payload is decoded into the generated
//! type ([`Decode`]). A `serde_json::Value` handed in by the caller is read
//! through a tape built from it, so it gets exactly the same verdict.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::decode::{Decode, DecodeError};
use std::borrow::Cow;

use crate::json::{Kind, Limits, Node, ParseError, Tape};
use crate::validation::program::NodeId;
use crate::validation::{Embedded, Errors, ValidationError};
use crate::version::{Scheme, SelectError, select};

/// Where a schema starts: a source's validator and the node of the schema.
#[derive(Debug, Clone, Copy)]
pub struct SchemaRef {
    /// The validator of the source the schema belongs to.
    pub validator: &'static Embedded,
    /// The schema's node in it.
    pub node: NodeId,
}

impl SchemaRef {
    /// Every error of `node` against the schema.
    pub fn errors(&self, node: Node<'_>) -> Result<(), Errors> {
        self.validator.get().errors(self.node, node)
    }
}

/// A generated type for one version of one event type.
pub trait Schema: Decode + Serialize + DeserializeOwned {
    /// The event type this version belongs to (the payload's type value).
    const EVENT_TYPE: &'static str;
    /// The schema's version (`""` for a source whose payloads carry none).
    const VERSION: &'static str;

    /// The schema this type was generated from.
    fn schema() -> SchemaRef;

    /// Every error `value` has against this schema, in the order of its
    /// members and items.
    fn validate(value: &Value) -> Result<(), Errors> {
        let tape = Tape::from_value(value);
        Self::schema().errors(tape.root())
    }

    /// True when `value` is valid; stops at the first failure.
    fn is_valid(value: &Value) -> bool {
        let tape = Tape::from_value(value);
        let s = Self::schema();
        s.validator.get().is_valid(s.node, tape.root())
    }

    /// Validates `value` and decodes it into this type.
    fn from_value(value: Value) -> Result<Self, EventError> {
        let tape = Tape::from_value(&value);
        read_version::<Self>(&tape, Self::VERSION, &Options::default())
    }

    /// Parses, validates and decodes a JSON payload.
    fn from_slice(bytes: &[u8]) -> Result<Self, EventError> {
        from_slice_version::<Self>(bytes, Self::VERSION, &Options::default())
    }

    /// This value as JSON (the payload it was read from, for a round trip).
    fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Parses `bytes` and reads them as a `T` whose payload says it is at
/// `version` (a newer version is judged by [`Options::newer_versions`]).
pub fn from_slice_version<T: Schema>(
    bytes: &[u8],
    version: &str,
    options: &Options,
) -> Result<T, EventError> {
    let tape = Tape::parse(bytes, options.limits)?;
    read_version::<T>(&tape, version, options)
}

fn read_version<T: Schema>(
    tape: &Tape<'_>,
    version: &str,
    options: &Options,
) -> Result<T, EventError> {
    let root = tape.root();
    let schema = T::schema();
    judge(schema, root, T::VERSION, version, options).map_err(|errors| EventError::Invalid {
        event_type: T::EVENT_TYPE.to_owned(),
        version: version.to_owned(),
        schema_version: T::VERSION,
        errors,
    })?;
    T::decode(root).map_err(|e| EventError::Decode {
        event_type: T::EVENT_TYPE.to_owned(),
        schema_version: T::VERSION,
        message: e.to_string(),
    })
}

/// Validates `root` against `schema`; a payload newer than the schema has
/// the widenings [`NewerVersions::Tolerate`] allows dropped from its errors.
fn judge(
    schema: SchemaRef,
    root: Node<'_>,
    schema_version: &str,
    version: &str,
    options: &Options,
) -> Result<(), Errors> {
    let result = schema.errors(root);
    tolerate(
        result,
        root,
        schema_version,
        version,
        options.newer_versions,
    )
}

/// What [`NewerVersions`] makes of the errors of `root` against the schema
/// of `schema_version`, for a payload at `version`: with
/// [`NewerVersions::Tolerate`] and a newer payload, the widenings a newer
/// version may bring are dropped. Every path that judges a payload (the
/// bindings, the CLI) goes through here.
pub fn tolerate(
    result: Result<(), Errors>,
    root: Node<'_>,
    schema_version: &str,
    version: &str,
    newer_versions: NewerVersions,
) -> Result<(), Errors> {
    match result {
        Ok(()) => Ok(()),
        Err(mut errors) => {
            if newer_versions == NewerVersions::Tolerate && version != schema_version {
                errors.0.retain(|e| !tolerated_when_newer(root, e));
            }
            if errors.is_empty() {
                Ok(())
            } else {
                Err(errors)
            }
        }
    }
}

/// The widenings a newer minor may bring that the generated types absorb:
/// a string outside an `enum` (the enum's `Unknown` variant holds it) and a
/// member an `additionalProperties: false` object does not name (dropped).
fn tolerated_when_newer(root: Node<'_>, e: &ValidationError) -> bool {
    match e.keyword.as_str() {
        "enum" => pointer(root, &e.instance_path).is_some_and(|n| n.as_str().is_some()),
        "additionalProperties" => true,
        _ => false,
    }
}

/// The node at JSON pointer `path` below `root`.
fn pointer<'t>(root: Node<'t>, path: &str) -> Option<Node<'t>> {
    let mut at = root;
    if path.is_empty() {
        return Some(at);
    }
    for raw in path.strip_prefix('/')?.split('/') {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        at = match at.get(&segment) {
            Some(member) => member,
            None => at.items().nth(segment.parse().ok()?)?,
        };
    }
    Some(at)
}

/// Where a source's payloads say something (their event type or version).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locator {
    /// In this member of the payload object.
    Member(&'static str),
    /// Outside the payload: the caller gives it (an HTTP header, the
    /// endpoint's API version), described here for error messages
    /// (`the X-GitHub-Event header`).
    Given(&'static str),
}

/// How the schema that reads an event is chosen among its type's schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selector {
    /// By version: the newest schema that can read it under `scheme`.
    Version {
        /// Where the version is.
        at: Locator,
        /// How versions compare.
        scheme: Scheme,
    },
    /// By the value of a member (GitHub's `action`): the schema of that
    /// name; `absent` names the schema for payloads without the member.
    Member {
        /// The member.
        name: &'static str,
        /// The schema of payloads that do not have it.
        absent: Option<&'static str>,
    },
    /// Each type has one schema (payloads carry no version).
    Only,
}

/// One event type of a source, as dispatch sees it.
#[derive(Debug, Clone, Copy)]
pub struct TypeTable {
    /// The type value payloads carry (or callers give).
    pub event_type: &'static str,
    /// Its schemas' keys: versions, oldest first, or member values.
    pub keys: &'static [&'static str],
    /// The node of each schema, in the order of `keys`.
    pub roots: &'static [NodeId],
}

/// What dispatch needs to know about a source: generated for each one.
#[derive(Debug, Clone, Copy)]
pub struct SourceTable {
    /// The source's name in the catalog.
    pub source: &'static str,
    /// The validator of every schema of the source.
    pub validator: &'static Embedded,
    /// Where the event type is.
    pub event_type: Locator,
    /// How a type's schema is chosen.
    pub selector: Selector,
    /// The event types, sorted by type value.
    pub types: &'static [TypeTable],
}

impl SourceTable {
    /// The index of `event_type` in [`SourceTable::types`].
    pub fn type_index(&self, event_type: &str) -> Option<usize> {
        self.types
            .binary_search_by(|t| t.event_type.cmp(event_type))
            .ok()
    }
}

/// What dispatch reads of a source: where the type is, how a schema is
/// chosen, and each type's schema keys. The generated [`SourceTable`]s
/// implement it; so does the CLI's catalog compiled in memory, so both
/// find the same schema (or the same error) for every payload.
pub trait Dispatch {
    /// Where the event type is.
    fn event_type_at(&self) -> Locator;
    /// How a type's schema is chosen.
    fn selector(&self) -> Selector;
    /// The index of the type whose type value is `event_type`.
    fn type_index(&self, event_type: &str) -> Option<usize>;
    /// The schema keys of type `type_index` (versions oldest first, or
    /// member values).
    fn keys(&self, type_index: usize) -> &'static [&'static str];
}

impl Dispatch for SourceTable {
    fn event_type_at(&self) -> Locator {
        self.event_type
    }

    fn selector(&self) -> Selector {
        self.selector
    }

    fn type_index(&self, event_type: &str) -> Option<usize> {
        SourceTable::type_index(self, event_type)
    }

    fn keys(&self, type_index: usize) -> &'static [&'static str] {
        self.types.get(type_index).map_or(&[], |t| t.keys)
    }
}

/// A source's `Event` enum: every type and version of one event system.
/// Generated for each source; lets generic code (webhook receivers, tests)
/// dispatch without naming the source.
pub trait EventSource: Sized + Serialize {
    /// The source's name in the catalog (`impact_stack`).
    const SOURCE: &'static str;
    /// Every event type of the source, sorted.
    const TYPES: &'static [&'static str];
    /// The HTTP header that names the event type, for a source whose
    /// payloads do not (`X-GitHub-Event`); see [`Given::from_headers`].
    const TYPE_HEADER: Option<&'static str> = None;
    /// The HTTP header that gives the version, for a source whose payloads
    /// do not carry it.
    const VERSION_HEADER: Option<&'static str> = None;
    /// The HTTP header holding a delivery's unique id, kept across
    /// redeliveries (`X-GitHub-Delivery`): the key to deduplicate on.
    const DELIVERY_ID_HEADER: Option<&'static str> = None;

    /// Where type and version are, and every schema.
    fn table() -> &'static SourceTable;

    /// Decodes a validated payload as schema `schema` of type `event_type`
    /// (indices into [`SourceTable::types`] and its keys).
    fn decode(event_type: usize, schema: usize, node: Node<'_>) -> Result<Self, DecodeError>;

    /// The event's type value.
    fn event_type(&self) -> &'static str;

    /// The schema version the event was read with.
    fn schema_version(&self) -> &'static str;

    /// Dispatches a parsed payload on its type and version, validates and decodes it.
    fn from_json(value: Value) -> Result<Self, EventError> {
        from_value(&value, &Given::default(), &Options::default())
    }

    /// The event as JSON: the payload it was read from.
    fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// What the caller knows about an event from outside its payload: its type
/// (GitHub's `X-GitHub-Event` header) or its version (an endpoint's API
/// version). Given values win over what the payload says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Given<'a> {
    /// The event type.
    pub event_type: Option<&'a str>,
    /// The version.
    pub version: Option<&'a str>,
}

impl<'a> Given<'a> {
    /// Nothing given: the payload says everything.
    pub const NOTHING: Given<'static> = Given {
        event_type: None,
        version: None,
    };

    /// The event type is given.
    pub fn event_type(event_type: &'a str) -> Given<'a> {
        Given {
            event_type: Some(event_type),
            version: None,
        }
    }

    /// What a delivery's headers give for source `E`: the type from
    /// [`EventSource::TYPE_HEADER`], the version from
    /// [`EventSource::VERSION_HEADER`]. `header` looks a header up by
    /// name (case-insensitively, as HTTP names are).
    ///
    /// ```
    /// # use eventsmith_core::event::Given;
    /// # fn demo<E: eventsmith_core::event::EventSource>() {
    /// let headers = [("x-github-event", "pull_request")];
    /// let given = Given::from_headers::<E>(|name| {
    ///     headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
    /// });
    /// # }
    /// ```
    pub fn from_headers<E: EventSource>(header: impl Fn(&str) -> Option<&'a str>) -> Given<'a> {
        Given {
            event_type: E::TYPE_HEADER.and_then(&header),
            version: E::VERSION_HEADER.and_then(&header),
        }
    }
}

/// Parses, dispatches, validates and decodes a payload of source `E`.
pub fn from_slice<E: EventSource>(
    bytes: &[u8],
    given: &Given<'_>,
    options: &Options,
) -> Result<E, EventError> {
    let tape = Tape::parse(bytes, options.limits)?;
    from_tape(&tape, given, options)
}

/// [`from_slice`] for an already parsed payload.
pub fn from_value<E: EventSource>(
    value: &Value,
    given: &Given<'_>,
    options: &Options,
) -> Result<E, EventError> {
    let tape = Tape::from_value(value);
    from_tape(&tape, given, options)
}

/// [`from_slice`], but with [`UnknownTypes::Keep`] an event of a type the
/// source does not know comes back as raw JSON.
pub fn receive<E: EventSource>(
    bytes: &[u8],
    given: &Given<'_>,
    options: &Options,
) -> Result<Received<E>, EventError> {
    let tape = Tape::parse(bytes, options.limits)?;
    match from_tape(&tape, given, options) {
        Err(EventError::UnknownType { .. }) if options.unknown_types == UnknownTypes::Keep => {
            Ok(Received::Unknown(tape.root().to_value()))
        }
        other => other.map(Received::Known),
    }
}

/// [`receive`] for an already parsed payload.
pub fn receive_value<E: EventSource>(
    value: Value,
    given: &Given<'_>,
    options: &Options,
) -> Result<Received<E>, EventError> {
    let tape = Tape::from_value(&value);
    match from_tape(&tape, given, options) {
        Err(EventError::UnknownType { .. }) if options.unknown_types == UnknownTypes::Keep => {
            Ok(Received::Unknown(value))
        }
        other => other.map(Received::Known),
    }
}

/// Validates a payload against one schema, named by event type and schema
/// key (version), without reading the payload's envelope; `None` when the
/// source has no such schema.
pub fn validate_exact<E: EventSource>(
    event_type: &str,
    key: &str,
    value: &Value,
) -> Option<Result<(), Errors>> {
    let table = E::table();
    let t = &table.types[table.type_index(event_type)?];
    let node = t.roots[t.keys.iter().position(|k| *k == key)?];
    let tape = Tape::from_value(value);
    Some(table.validator.get().errors(node, tape.root()))
}

/// Where an event is: its type index and schema index, with the version
/// the payload says it is at (for [`NewerVersions`]).
#[derive(Debug, Clone)]
pub struct Located<'t> {
    /// Index into [`SourceTable::types`].
    pub type_index: usize,
    /// Index into the type's keys.
    pub schema_index: usize,
    /// The payload's version (its key when the source has no versions).
    pub version: Cow<'t, str>,
}

/// Reads the event's type and version (from the payload or `given`) and
/// picks the schema that reads it.
pub fn locate<'t>(
    table: &(impl Dispatch + ?Sized),
    root: Node<'t>,
    given: &Given<'t>,
) -> Result<Located<'t>, EventError> {
    let (type_index, event_type) = locate_type(table, root, given)?;
    let (schema_index, version) = locate_schema(table, type_index, event_type, root, given)?;
    Ok(Located {
        type_index,
        schema_index,
        version,
    })
}

/// The first half of [`locate`]: the event's type (from the payload or
/// `given`) and its index.
pub fn locate_type<'t>(
    table: &(impl Dispatch + ?Sized),
    root: Node<'t>,
    given: &Given<'t>,
) -> Result<(usize, &'t str), EventError> {
    let event_type = match (given.event_type, table.event_type_at()) {
        (Some(t), _) => t,
        (None, Locator::Member(name)) => member_text(root, name)?,
        (None, Locator::Given(what)) => return Err(EventError::TypeNotGiven { from: what }),
    };
    let type_index = table
        .type_index(event_type)
        .ok_or_else(|| EventError::UnknownType {
            event_type: event_type.to_owned(),
        })?;
    Ok((type_index, event_type))
}

/// The second half of [`locate`]: the schema index of an event of type
/// `type_index` (named `event_type`) and the version the payload says.
pub fn locate_schema<'t>(
    table: &(impl Dispatch + ?Sized),
    type_index: usize,
    event_type: &str,
    root: Node<'t>,
    given: &Given<'t>,
) -> Result<(usize, Cow<'t, str>), EventError> {
    let keys = table.keys(type_index);
    match table.selector() {
        Selector::Only => Ok((0, Cow::Borrowed(""))),
        Selector::Version { at, scheme } => {
            let version = match (given.version, at) {
                (Some(v), _) => Cow::Borrowed(v),
                (None, Locator::Member(name)) => version_text(root, name, scheme)?,
                (None, Locator::Given(what)) => {
                    return Err(EventError::VersionNotGiven { from: what });
                }
            };
            Ok((choose(scheme, event_type, keys, &version)?, version))
        }
        // A type whose only schema is the default one reads every payload
        // with it, whatever the member says (GitHub's `repository_dispatch`
        // has a free-form `action` and one `event` schema).
        Selector::Member {
            absent: Some(default),
            ..
        } if keys == [default] => Ok((0, Cow::Borrowed(default))),
        Selector::Member { name, absent } => {
            let key = match (root_member(root, name)?, absent) {
                (Some(key), _) => key,
                (None, Some(default)) => default,
                (None, None) => {
                    return Err(EventError::MissingField {
                        field: name.to_owned(),
                    });
                }
            };
            let index =
                keys.iter()
                    .position(|k| *k == key)
                    .ok_or_else(|| EventError::UnknownVersion {
                        event_type: event_type.to_owned(),
                        version: key.to_owned(),
                        known: keys.to_vec(),
                    })?;
            Ok((index, Cow::Borrowed(key)))
        }
    }
}

/// Dispatches, validates and decodes an already parsed payload (for
/// callers that read other things from it too, like a receiver's delivery id).
pub fn from_tape<E: EventSource>(
    tape: &Tape<'_>,
    given: &Given<'_>,
    options: &Options,
) -> Result<E, EventError> {
    read(E::table(), tape.root(), given, options, E::decode)
}

/// Reads `value` as an event of type `event_type` at `version` of source
/// `E` (a generated per-type `Event::from_value`): no envelope is read,
/// the schema is chosen among that type's by the source's rule.
pub fn type_from_value<E: EventSource, T>(
    value: &Value,
    event_type: &str,
    version: &str,
    options: &Options,
    decode: fn(usize, Node<'_>) -> Result<T, DecodeError>,
) -> Result<T, EventError> {
    let tape = Tape::from_value(value);
    let given = Given {
        event_type: Some(event_type),
        version: Some(version),
    };
    read(
        E::table(),
        tape.root(),
        &given,
        options,
        |_, schema, node| decode(schema, node),
    )
}

/// Locates, validates and decodes `root`; `decode` gets the type and
/// schema indices.
fn read<T>(
    table: &SourceTable,
    root: Node<'_>,
    given: &Given<'_>,
    options: &Options,
    decode: impl FnOnce(usize, usize, Node<'_>) -> Result<T, DecodeError>,
) -> Result<T, EventError> {
    let at = locate(table, root, given)?;
    let t = &table.types[at.type_index];
    let schema_version = t.keys[at.schema_index];
    let schema = SchemaRef {
        validator: table.validator,
        node: t.roots[at.schema_index],
    };
    judge(schema, root, schema_version, &at.version, options).map_err(|errors| {
        EventError::Invalid {
            event_type: t.event_type.to_owned(),
            version: at.version.into_owned(),
            schema_version,
            errors,
        }
    })?;
    decode(at.type_index, at.schema_index, root).map_err(|e| EventError::Decode {
        event_type: t.event_type.to_owned(),
        schema_version,
        message: e.to_string(),
    })
}

/// A member of the payload object, which must be a string when present.
fn root_member<'t>(root: Node<'t>, name: &str) -> Result<Option<&'t str>, EventError> {
    if root.kind() != Kind::Object {
        return Err(EventError::NotAnObject {
            found: root.type_name(),
        });
    }
    match root.get(name) {
        None => Ok(None),
        Some(m) => match m.as_str() {
            Some(s) => Ok(Some(s)),
            None => Err(EventError::FieldNotString {
                field: name.to_owned(),
                found: m.type_name(),
            }),
        },
    }
}

fn member_text<'t>(root: Node<'t>, name: &str) -> Result<&'t str, EventError> {
    root_member(root, name)?.ok_or_else(|| EventError::MissingField {
        field: name.to_owned(),
    })
}

/// The version member; integer versions may be written as JSON numbers.
fn version_text<'t>(
    root: Node<'t>,
    name: &str,
    scheme: Scheme,
) -> Result<Cow<'t, str>, EventError> {
    if scheme == Scheme::Integer
        && let Some(n) = root.get(name).and_then(|m| m.as_number())
    {
        return Ok(Cow::Owned(n.to_string()));
    }
    member_text(root, name).map(Cow::Borrowed)
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
    /// The payload is not a JSON object, but its type or version is a member.
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
    /// The source's event type comes from outside the payload and was not given.
    TypeNotGiven {
        /// Where it comes from (`the X-GitHub-Event header`).
        from: &'static str,
    },
    /// The source's version comes from outside the payload and was not given.
    VersionNotGiven {
        /// Where it comes from.
        from: &'static str,
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
    /// No known schema can read this version (or member value).
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
    /// Valid, but the typed decoding failed. Cannot happen for bindings the
    /// generator wrote (their schemas bound what the Rust types cannot
    /// hold); kept so a mismatch is an error, never a panic.
    Decode {
        /// The event type.
        event_type: String,
        /// The schema version.
        schema_version: &'static str,
        /// What did not fit.
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
            EventError::TypeNotGiven { from } => {
                write!(f, "the event type comes from {from}, and none was given")
            }
            EventError::VersionNotGiven { from } => {
                write!(f, "the event version comes from {from}, and none was given")
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
