//! The `Event` enums: one per event type (a variant per version) and one
//! per source (a variant per event type), the `Schema` impl of each
//! version's type, and the table dispatch reads (`eventsmith::event`). The
//! rules of dispatch (where the type and version are, which schema reads a
//! version) live in the runtime and read the table; what is emitted here is
//! a line per version.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::program::Lowered;
use super::types::{emit_root_newtype, ident};
use super::{Context, ModTree, validator_path};
use crate::ir::types::Ty;
use crate::lower::{EventIr, Locator, Selector, SourceIr, VersionIr};
use eventsmith_core::version::Scheme;

/// Emits the source-level dispatch of `source` (its `Event` enum and
/// table) into `tree`; each event type's module is [`emit_event_type`]'s.
pub fn emit_source(cx: &Context<'_>, source: &SourceIr, program: &Lowered, tree: &mut ModTree) {
    let rt = &cx.rt;
    let serde = quote! { #rt::__private::serde };
    let smod = vec![source.module.clone()];
    let mut variants = Vec::new();
    let mut tables = Vec::new();
    let mut decode_arms = Vec::new();
    let mut type_arms = Vec::new();
    let mut version_arms = Vec::new();
    let mut ser_arms = Vec::new();
    let mut type_values = Vec::new();
    // Dispatch searches the table by type value.
    let mut events: Vec<&EventIr> = source.events.iter().collect();
    events.sort_by(|a, b| a.type_value.cmp(&b.type_value));
    for (ti, event) in events.into_iter().enumerate() {
        let variant = ident(&event.rust_name);
        let emod = ident(&event.module);
        let tlit = Literal::string(&event.type_value);
        let roots = event.versions.iter().map(|v| program.node(v.root));
        let doc = format!(" `{}`", event.type_value);
        variants.push(quote! { #[doc = #doc] #variant(#emod::Event), });
        tables.push(quote! {
            #rt::event::TypeTable { event_type: #tlit, keys: #emod::Event::VERSIONS, roots: &[#(#roots),*] },
        });
        decode_arms
            .push(quote! { #ti => #emod::Event::decode(schema, node).map(Event::#variant), });
        type_arms.push(quote! { Event::#variant(_) => #tlit, });
        version_arms.push(quote! { Event::#variant(e) => e.schema_version(), });
        ser_arms.push(quote! { Event::#variant(e) => #serde::Serialize::serialize(e, s), });
        type_values.push(tlit);
    }
    let source_name = Literal::string(&source.name);
    let event_type = locator(rt, &source.event_type);
    let selector = selector(rt, &source.selector);
    let doc = format!(" Any event of {}: every type, every version.", source.title);
    let header_const = |name: &str, value: &Option<String>| match value {
        Some(h) => {
            let n = format_ident!("{}", name);
            quote! { const #n: ::std::option::Option<&'static str> = ::std::option::Option::Some(#h); }
        }
        None => quote! {},
    };
    let headers = [
        header_const("TYPE_HEADER", &source.headers.event_type),
        header_const("VERSION_HEADER", &source.headers.version),
        header_const("DELIVERY_ID_HEADER", &source.headers.delivery_id),
    ];
    let given_type = match &source.event_type {
        Locator::Given(from) => {
            let d = format!(" The event type comes from {from}: pass it as `event_type`.");
            quote! { #[doc = ""] #[doc = #d] }
        }
        Locator::Member(_) => quote! {},
    };
    tree.at(&smod).items.push(quote! {
        #[doc = #doc]
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum Event {
            #(#variants)*
        }

        /// Where this source's events say their type and version, and
        /// every schema: what `eventsmith::event` dispatches with.
        pub static TABLE: #rt::event::SourceTable = #rt::event::SourceTable {
            source: #source_name,
            validator: &VALIDATOR,
            event_type: #event_type,
            selector: #selector,
            types: &[#(#tables)*],
        };

        impl Event {
            /// Every event type of this source, sorted.
            pub const TYPES: &'static [&'static str] = &[#(#type_values),*];

            /// Parses, dispatches, validates and decodes a payload.
            pub fn from_slice(bytes: &[u8]) -> ::std::result::Result<Self, #rt::EventError> {
                Self::from_slice_with(bytes, &#rt::Options::default())
            }

            /// [`Event::from_slice`] with explicit options: limits, unknown
            /// types and how payloads newer than their schema are judged.
            pub fn from_slice_with(bytes: &[u8], options: &#rt::Options) -> ::std::result::Result<Self, #rt::EventError> {
                #rt::event::from_slice(bytes, &#rt::event::Given::NOTHING, options)
            }

            /// [`Event::from_slice`] for an event whose type is given
            /// outside the payload (an HTTP header).
            #given_type
            pub fn from_slice_as(event_type: &str, bytes: &[u8]) -> ::std::result::Result<Self, #rt::EventError> {
                #rt::event::from_slice(bytes, &#rt::event::Given::event_type(event_type), &#rt::Options::default())
            }

            /// [`Event::from_slice`] with what is given outside the payload
            /// (type, version) and explicit options.
            pub fn from_slice_given(
                bytes: &[u8],
                given: &#rt::event::Given<'_>,
                options: &#rt::Options,
            ) -> ::std::result::Result<Self, #rt::EventError> {
                #rt::event::from_slice(bytes, given, options)
            }

            /// Parses a payload from text.
            #[allow(clippy::should_implement_trait)]
            pub fn from_str(text: &str) -> ::std::result::Result<Self, #rt::EventError> {
                Self::from_slice(text.as_bytes())
            }

            /// Dispatches an already parsed payload; same verdict as from its bytes.
            pub fn from_value(value: #rt::json::Value) -> ::std::result::Result<Self, #rt::EventError> {
                Self::from_value_with(value, &#rt::Options::default())
            }

            /// [`Event::from_value`] with explicit options.
            pub fn from_value_with(value: #rt::json::Value, options: &#rt::Options) -> ::std::result::Result<Self, #rt::EventError> {
                #rt::event::from_value(&value, &#rt::event::Given::NOTHING, options)
            }

            /// Like [`Event::from_slice_with`], but with
            /// `options.unknown_types == Keep` an unknown type comes back raw.
            pub fn receive(bytes: &[u8], options: &#rt::Options) -> ::std::result::Result<#rt::Received<Self>, #rt::EventError> {
                #rt::event::receive(bytes, &#rt::event::Given::NOTHING, options)
            }

            /// [`Event::receive`] for an already parsed payload.
            pub fn receive_value(value: #rt::json::Value, options: &#rt::Options) -> ::std::result::Result<#rt::Received<Self>, #rt::EventError> {
                #rt::event::receive_value(value, &#rt::event::Given::NOTHING, options)
            }

            /// Validates `value` against exactly one schema, named by event
            /// type and schema version (no dispatch, no envelope reading);
            /// `None` when the catalog has no such schema.
            pub fn validate_exact(
                event_type: &str,
                schema_version: &str,
                value: &#rt::json::Value,
            ) -> ::std::option::Option<::std::result::Result<(), #rt::Errors>> {
                #rt::event::validate_exact::<Self>(event_type, schema_version, value)
            }

            /// The event's type value.
            pub fn event_type(&self) -> &'static str {
                match self {
                    #(#type_arms)*
                }
            }

            /// The schema version the event was read with.
            pub fn schema_version(&self) -> &'static str {
                match self {
                    #(#version_arms)*
                }
            }

            /// The event as JSON: the payload it was read from.
            #[inline]
            pub fn to_value(&self) -> #rt::json::Value {
                #rt::__private::serde_json::to_value(self).unwrap_or(#rt::json::Value::Null)
            }
        }

        impl #serde::Serialize for Event {
            fn serialize<S: #serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#ser_arms)*
                }
            }
        }

        impl #rt::EventSource for Event {
            const SOURCE: &'static str = #source_name;
            const TYPES: &'static [&'static str] = Event::TYPES;
            #(#headers)*
            fn table() -> &'static #rt::event::SourceTable {
                &TABLE
            }
            fn decode(
                event_type: usize,
                schema: usize,
                node: #rt::json::Node<'_>,
            ) -> ::std::result::Result<Self, #rt::decode::DecodeError> {
                match event_type {
                    #(#decode_arms)*
                    _ => ::std::result::Result::Err(#rt::decode::DecodeError::no_schema(event_type, schema)),
                }
            }
            fn event_type(&self) -> &'static str {
                Event::event_type(self)
            }
            fn schema_version(&self) -> &'static str {
                Event::schema_version(self)
            }
        }

        impl ::std::str::FromStr for Event {
            type Err = #rt::EventError;
            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::from_slice(text.as_bytes())
            }
        }
    });
}

/// The module of one event type: an alias per version, the type's `Event`
/// enum, and each version's `Schema` impl in its own module.
/// Emits the module of one event type (its `Event` enum, its versions'
/// modules) into `tree`.
pub fn emit_event_type(
    cx: &Context<'_>,
    source: &SourceIr,
    event: &EventIr,
    program: &Lowered,
    tree: &mut ModTree,
) {
    let rt = &cx.rt;
    let serde = quote! { #rt::__private::serde };
    let emod = vec![source.module.clone(), event.module.clone()];
    let mut aliases = Vec::new();
    let mut variants = Vec::new();
    let mut keys = Vec::new();
    let mut decode_arms = Vec::new();
    let mut version_arms = Vec::new();
    let mut ser_arms = Vec::new();
    for (vi, version) in event.versions.iter().enumerate() {
        emit_version(cx, source, event, version, program.node(version.root), tree);
        let alias = format_ident!("{}", version.variant);
        let vmod = ident(&version.module);
        let root = root_name(cx, event, version);
        let klit = Literal::string(&version.key);
        let adoc = format!(" `{}` version {}.", event.type_value, version.key);
        aliases.push(quote! { #[doc = #adoc] pub type #alias = #vmod::#root; });
        let vdoc = format!(" Version {}.", version.key);
        variants.push(quote! { #[doc = #vdoc] #alias(#alias), });
        keys.push(klit.clone());
        decode_arms.push(quote! { #vi => #rt::decode::Decode::decode(node).map(Event::#alias), });
        version_arms.push(quote! { Event::#alias(_) => #klit, });
        ser_arms.push(quote! { Event::#alias(e) => #serde::Serialize::serialize(e, s), });
    }
    let tlit = Literal::string(&event.type_value);
    let edoc = format!(" Every known version of `{}`.", event.type_value);
    let node = tree.at(&emod);
    node.doc.push(format!(" The `{}` event.", event.type_value));
    node.items.push(quote! {
        #(#aliases)*

        #[doc = #edoc]
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum Event {
            #(#variants)*
        }

        impl Event {
            /// The type value payloads carry.
            pub const TYPE: &'static str = #tlit;
            /// The schema versions, oldest first.
            pub const VERSIONS: &'static [&'static str] = &[#(#keys),*];

            /// Validates and decodes a payload of this type at `version`,
            /// reading it with the schema the source's rule picks.
            pub fn from_value(value: #rt::json::Value, version: &str) -> ::std::result::Result<Self, #rt::EventError> {
                Self::from_value_with(value, version, &#rt::Options::default())
            }

            /// [`Event::from_value`] with explicit options.
            pub fn from_value_with(
                value: #rt::json::Value,
                version: &str,
                options: &#rt::Options,
            ) -> ::std::result::Result<Self, #rt::EventError> {
                #rt::event::type_from_value::<super::Event, _>(&value, Self::TYPE, version, options, Self::decode)
            }

            /// The schema version this event was read with.
            pub fn schema_version(&self) -> &'static str {
                match self {
                    #(#version_arms)*
                }
            }

            /// Decodes a validated payload as schema `schema` (an index
            /// into [`Event::VERSIONS`]).
            pub fn decode(schema: usize, node: #rt::json::Node<'_>) -> ::std::result::Result<Self, #rt::decode::DecodeError> {
                match schema {
                    #(#decode_arms)*
                    _ => ::std::result::Result::Err(#rt::decode::DecodeError::no_schema(0, schema)),
                }
            }
        }

        impl #serde::Serialize for Event {
            fn serialize<S: #serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#ser_arms)*
                }
            }
        }
    });
}

/// The Rust name of a version's root type.
fn root_name(cx: &Context<'_>, event: &EventIr, version: &VersionIr) -> proc_macro2::Ident {
    match &version.root_type {
        Ty::Named(id) => ident(&cx.types.get(*id).name),
        _ => ident(&event.rust_name),
    }
}

/// A version's module: its root type's `Schema` impl (the type itself is
/// emitted with the other named types), or a newtype when the root is not
/// an object.
fn emit_version(
    cx: &Context<'_>,
    source: &SourceIr,
    event: &EventIr,
    version: &VersionIr,
    node_id: u32,
    tree: &mut ModTree,
) {
    let rt = &cx.rt;
    let vmod = vec![
        source.module.clone(),
        event.module.clone(),
        version.module.clone(),
    ];
    let root = root_name(cx, event, version);
    let validator = validator_path(&vmod);
    if !matches!(version.root_type, Ty::Named(_)) {
        let newtype = emit_root_newtype(
            cx,
            &event.rust_name,
            &version.root_type,
            &vmod,
            node_id,
            &validator,
        );
        tree.at(&vmod).items.push(newtype);
    }
    let tlit = Literal::string(&event.type_value);
    let vlit = Literal::string(&version.key);
    tree.at(&vmod).items.push(quote! {
        impl #rt::Schema for #root {
            const EVENT_TYPE: &'static str = #tlit;
            const VERSION: &'static str = #vlit;
            fn schema() -> #rt::event::SchemaRef {
                #rt::event::SchemaRef { validator: &#validator, node: #node_id }
            }
        }
    });
}

fn locator(rt: &TokenStream, l: &Locator) -> TokenStream {
    match l {
        Locator::Member(m) => quote! { #rt::event::Locator::Member(#m) },
        Locator::Given(from) => quote! { #rt::event::Locator::Given(#from) },
    }
}

fn selector(rt: &TokenStream, s: &Selector) -> TokenStream {
    match s {
        Selector::Version { at, scheme } => {
            let at = locator(rt, at);
            let scheme = match scheme {
                Scheme::Semver => quote! { #rt::version::Scheme::Semver },
                Scheme::Calendar => quote! { #rt::version::Scheme::Calendar },
                Scheme::Integer => quote! { #rt::version::Scheme::Integer },
            };
            quote! { #rt::event::Selector::Version { at: #at, scheme: #scheme } }
        }
        Selector::Member { name, absent } => {
            let absent = match absent {
                Some(a) => quote! { ::std::option::Option::Some(#a) },
                None => quote! { ::std::option::Option::None },
            };
            quote! { #rt::event::Selector::Member { name: #name, absent: #absent } }
        }
        Selector::Only => quote! { #rt::event::Selector::Only },
    }
}
