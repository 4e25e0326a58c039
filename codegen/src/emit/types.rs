//! Type IR → Rust items: structs that keep JSON's absent/null distinction,
//! string enums and tagged unions that tolerate values added later, and the
//! three impls each gets: `Decode` (from a validated payload), `Serialize`
//! (back to the same JSON) and `Deserialize` (validates, then decodes).
//!
//! Every impl is a line per field at most; the runtime's `decode` and
//! `__private::ser` do the rest. Generated code only ever names fields
//! through `self.` or a struct literal and has no other locals than `node`
//! and `f`, so no property name can shadow anything it uses.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::Context;
use crate::ir::types::{Extra, Field, Presence, Ty, TypeDef, TypeGraph, TypeKind};

/// A Rust identifier from a name that may be a raw identifier (`r#type`).
pub fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// The path from module `from` to type `id`: `super::super::common::Actor`.
pub fn type_path(graph: &TypeGraph, id: usize, from: &[String]) -> TokenStream {
    let def = graph.get(id);
    let common = from
        .iter()
        .zip(&def.module)
        .take_while(|(a, b)| a == b)
        .count();
    let supers = (common..from.len()).map(|_| quote! { super:: });
    let downs = def.module[common..].iter().map(|m| {
        let m = ident(m);
        quote! { #m:: }
    });
    let name = ident(&def.name);
    quote! { #(#supers)* #(#downs)* #name }
}

/// The Rust type for `ty`, written from module `from`.
pub fn ty_tokens(cx: &Context<'_>, ty: &Ty, from: &[String]) -> TokenStream {
    let rt = &cx.rt;
    match ty {
        Ty::Bool => quote! { bool },
        Ty::I64 => quote! { i64 },
        Ty::U64 => quote! { u64 },
        Ty::Number => quote! { #rt::json::Number },
        Ty::String => quote! { ::std::string::String },
        Ty::Unit => quote! { () },
        Ty::Runtime(name) => {
            let n = format_ident!("{}", name);
            quote! { #rt::#n }
        }
        Ty::Value => quote! { #rt::json::Value },
        Ty::Map(inner) if **inner == Ty::Value => quote! { #rt::json::Map },
        Ty::Map(inner) => {
            let i = ty_tokens(cx, inner, from);
            quote! { ::std::collections::BTreeMap<::std::string::String, #i> }
        }
        Ty::Vec(inner) => {
            let i = ty_tokens(cx, inner, from);
            quote! { ::std::vec::Vec<#i> }
        }
        Ty::Nullable(inner) => {
            let i = ty_tokens(cx, inner, from);
            quote! { ::std::option::Option<#i> }
        }
        Ty::Named(id) => type_path(cx.types, *id, from),
        Ty::Boxed(inner) => {
            let i = ty_tokens(cx, inner, from);
            quote! { ::std::boxed::Box<#i> }
        }
        // Checked to be a path when source.yaml was read.
        Ty::Replaced(path) => path.parse().unwrap_or_else(|_| quote! { #rt::json::Value }),
    }
}

/// The expression decoding `node` into `ty`: `Decode`, or serde for a
/// type that holds a replaced (user) type.
fn decode_expr(cx: &Context<'_>, ty: &Ty) -> TokenStream {
    let rt = &cx.rt;
    if ty.has_replaced() {
        quote! { #rt::decode::via_serde(node) }
    } else {
        quote! { #rt::decode::Decode::decode(node) }
    }
}

/// `#[doc]` lines: the schema's title and description, then where it is.
pub fn doc_attrs(doc: Option<&str>, origin: Option<&str>) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    if let Some(d) = doc {
        for line in d.trim().lines() {
            lines.push(format!(" {}", line.trim_end()));
        }
    }
    if let Some(o) = origin {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!(" Schema: `{o}`"));
    }
    let attrs = lines.iter().map(|l| quote! { #[doc = #l] });
    quote! { #(#attrs)* }
}

fn deprecated_attr(deprecated: bool) -> TokenStream {
    if deprecated {
        quote! { #[deprecated(note = "deprecated in the schema")] }
    } else {
        quote! {}
    }
}

/// Emits type `id` with its impls; `node` is the validator node its
/// `Deserialize` checks, `validator` the path of the source's validator
/// from the type's module.
pub fn emit_type(cx: &Context<'_>, id: usize, node: u32, validator: &TokenStream) -> TokenStream {
    let def = cx.types.get(id);
    let name = ident(&def.name);
    let item = match &def.kind {
        TypeKind::Struct { fields, extra } => emit_struct(cx, def, fields, extra),
        TypeKind::StringEnum { variants } => emit_enum(cx, def, variants),
        TypeKind::Tagged { tag, variants } => emit_tagged(cx, def, tag, variants),
    };
    let deserialize = deserialize_impl(cx, &name, node, validator);
    quote! {
        #item
        #deserialize
    }
}

/// The newtype of a version whose schema is not an object with properties
/// (an array, a string, anything): the whole payload as its Rust type.
pub fn emit_root_newtype(
    cx: &Context<'_>,
    name: &str,
    inner: &Ty,
    module: &[String],
    node: u32,
    validator: &TokenStream,
) -> TokenStream {
    let rt = &cx.rt;
    let serde = quote! { #rt::__private::serde };
    let name = ident(name);
    let decode = decode_expr(cx, inner);
    let inner = ty_tokens(cx, inner, module);
    let deserialize = deserialize_impl(cx, &name, node, validator);
    let derive_schema = schemars_derive(cx);
    quote! {
        /// The whole event, as the JSON type its schema describes.
        #[derive(Debug, Clone, PartialEq)]
        #derive_schema
        pub struct #name(pub #inner);

        impl #rt::decode::Decode for #name {
            fn decode(node: #rt::json::Node<'_>) -> ::std::result::Result<Self, #rt::decode::DecodeError> {
                #decode.map(#name)
            }
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                #serde::Serialize::serialize(&self.0, s)
            }
        }

        #deserialize
    }
}

/// `Deserialize` through the schema: any serde format is read, validated
/// against the type's own schema and decoded, so an invalid value cannot be
/// built this way either.
fn deserialize_impl(
    cx: &Context<'_>,
    name: &proc_macro2::Ident,
    node: u32,
    validator: &TokenStream,
) -> TokenStream {
    let rt = &cx.rt;
    let serde = quote! { #rt::__private::serde };
    quote! {
        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                #rt::decode::deserialize(d, &#validator, #node)
            }
        }
    }
}

/// `#[derive(JsonSchema)]` through the runtime's re-export, when asked for.
fn schemars_derive(cx: &Context<'_>) -> TokenStream {
    let rt = &cx.rt;
    if cx.json_schema {
        let schemars_crate = format!("{rt}::__private::schemars").replace(' ', "");
        quote! {
            #[derive(#rt::__private::schemars::JsonSchema)]
            #[schemars(crate = #schemars_crate)]
        }
    } else {
        quote! {}
    }
}

fn emit_struct(cx: &Context<'_>, def: &TypeDef, fields: &[Field], extra: &Extra) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref(), Some(&def.origin));
    let deprecated = deprecated_attr(def.deprecated);
    let derive_schema = schemars_derive(cx);
    let extra_attrs = cx.type_attributes(def);
    let field_tokens = fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let inner = ty_tokens(cx, &f.ty, &def.module);
        let fdocs = doc_attrs(f.doc.as_deref(), None);
        let fdep = deprecated_attr(f.deprecated);
        let nullable = matches!(f.ty, Ty::Nullable(_));
        let ty = match f.presence {
            Presence::Required => inner.clone(),
            Presence::Optional => quote! { ::std::option::Option<#inner> },
        };
        let attrs = if cx.json_schema {
            schemars_field_attrs(f, &inner)
        } else {
            quote! {}
        };
        let presence_doc = match (f.presence, nullable) {
            (Presence::Required, false) => "",
            (Presence::Required, true) => " Always present; `None` means `null`.",
            (Presence::Optional, false) => " `None` when absent.",
            (Presence::Optional, true) => " `None` when absent, `Some(None)` when `null`.",
        };
        let presence_doc = match (presence_doc.is_empty(), f.doc.is_some()) {
            (true, _) => quote! {},
            (false, true) => quote! { #[doc = ""] #[doc = #presence_doc] },
            (false, false) => quote! { #[doc = #presence_doc] },
        };
        quote! {
            #fdocs
            #presence_doc
            #fdep
            #attrs
            pub #fname: #ty,
        }
    });
    let extra_field = match extra {
        Extra::None => quote! {},
        Extra::Keep(ty) => {
            let t = ty_tokens(cx, &Ty::Map(Box::new(ty.clone())), &def.module);
            let flatten = if cx.json_schema {
                quote! { #[schemars(flatten)] }
            } else {
                quote! {}
            };
            quote! {
                /// Members the schema does not name, kept so the value
                /// serializes back to the same JSON.
                #flatten
                pub extra: #t,
            }
        }
    };
    let decode = struct_decode(cx, &name, fields, extra);
    let serialize = struct_serialize(cx, &name, fields, extra);
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq)]
        #derive_schema
        #extra_attrs
        pub struct #name {
            #(#field_tokens)*
            #extra_field
        }

        #decode
        #serialize
    }
}

/// The `#[schemars]` attributes of a field: its JSON name, and whether it
/// may be absent.
fn schemars_field_attrs(f: &Field, inner: &TokenStream) -> TokenStream {
    let rename = if f.rust_name.trim_start_matches("r#") != f.json_name {
        let j = Literal::string(&f.json_name);
        quote! { #[schemars(rename = #j)] }
    } else {
        quote! {}
    };
    let attrs = match (f.presence, matches!(f.ty, Ty::Nullable(_))) {
        (Presence::Required, _) => quote! {},
        (Presence::Optional, false) => quote! { #[schemars(default)] },
        (Presence::Optional, true) => {
            // An optional nullable member: absent, `null` or a value.
            let t = quote! { ::std::option::Option<#inner> }.to_string();
            quote! { #[schemars(default, with = #t)] }
        }
    };
    quote! { #rename #attrs }
}

/// `Decode`: one line per field, through `decode::fields`. Each field's
/// read records its error and gives `None` instead of returning early, and
/// one `match` builds the struct: an early return per field (`?`) would
/// give every field its own path dropping the fields before it, which was
/// most of the compiled code of a large catalog.
fn struct_decode(
    cx: &Context<'_>,
    name: &proc_macro2::Ident,
    fields: &[Field],
    extra: &Extra,
) -> TokenStream {
    let rt = &cx.rt;
    let names = fields.iter().map(|f| Literal::string(&f.json_name));
    let mut reads: Vec<TokenStream> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let i = Literal::usize_unsuffixed(i);
            match (f.presence, f.ty.has_replaced()) {
                (Presence::Required, false) => quote! { f.required(#i) },
                (Presence::Optional, false) => quote! { f.optional(#i) },
                (Presence::Required, true) => quote! { f.required_serde(#i) },
                (Presence::Optional, true) => quote! { f.optional_serde(#i) },
            }
        })
        .collect();
    let mut bindings: Vec<proc_macro2::Ident> =
        fields.iter().map(|f| ident(&f.rust_name)).collect();
    match extra {
        Extra::None => {}
        Extra::Keep(Ty::Value) => {
            reads.push(quote! { f.extra_map() });
            bindings.push(format_ident!("extra"));
        }
        Extra::Keep(_) => {
            reads.push(quote! { f.extra() });
            bindings.push(format_ident!("extra"));
        }
    }
    let body = if reads.is_empty() {
        quote! {
            let _ = #rt::decode::fields(node, &[])?;
            ::std::result::Result::Ok(#name {})
        }
    } else if reads.len() == 1 {
        // One read: no tuple (`match (x)` would be needless parentheses).
        quote! {
            let f = #rt::decode::fields(node, &[#(#names),*])?;
            match #(#reads)* {
                #(::std::option::Option::Some(#bindings))* => ::std::result::Result::Ok(#name { #(#bindings),* }),
                _ => ::std::result::Result::Err(f.error()),
            }
        }
    } else {
        quote! {
            let f = #rt::decode::fields(node, &[#(#names),*])?;
            match (#(#reads),*) {
                (#(::std::option::Option::Some(#bindings)),*) => ::std::result::Result::Ok(#name { #(#bindings),* }),
                _ => ::std::result::Result::Err(f.error()),
            }
        }
    };
    quote! {
        impl #rt::decode::Decode for #name {
            fn decode(node: #rt::json::Node<'_>) -> ::std::result::Result<Self, #rt::decode::DecodeError> {
                #body
            }
        }
    }
}

/// `Serialize`: the fields in declaration order (an absent optional field
/// not at all), then the kept unknown members, collected by one plain
/// function (`ToMembers`) so the generic `serialize` stays one line.
fn struct_serialize(
    cx: &Context<'_>,
    name: &proc_macro2::Ident,
    fields: &[Field],
    extra: &Extra,
) -> TokenStream {
    let rt = &cx.rt;
    let serde = quote! { #rt::__private::serde };
    let members = fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let j = Literal::string(&f.json_name);
        match f.presence {
            Presence::Required => quote! { m.field(#j, &self.#fname); },
            Presence::Optional => quote! { m.optional(#j, &self.#fname); },
        }
    });
    let extra = match extra {
        Extra::None => quote! {},
        Extra::Keep(_) => quote! { m.extra(&self.extra); },
    };
    quote! {
        impl #rt::__private::ser::ToMembers for #name {
            fn members<'a>(&'a self, m: &mut #rt::__private::ser::Members<'a>) {
                #(#members)*
                #extra
            }
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                #rt::__private::ser::serialize(self, s)
            }
        }
    }
}

fn emit_enum(cx: &Context<'_>, def: &TypeDef, variants: &[(String, String)]) -> TokenStream {
    let rt = &cx.rt;
    let serde = quote! { #rt::__private::serde };
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref(), Some(&def.origin));
    let deprecated = deprecated_attr(def.deprecated);
    let extra_attrs = cx.type_attributes(def);
    let vdefs = variants.iter().map(|(v, json)| {
        let vi = ident(v);
        // JSON-escaped, so control characters in the value stay visible.
        let d = format!(" `{}`", serde_json::Value::from(json.as_str()));
        quote! { #[doc = #d] #vi, }
    });
    let to_str = variants.iter().map(|(v, json)| {
        let vi = ident(v);
        let j = Literal::string(json);
        quote! { #name::#vi => #j, }
    });
    let known = variants.iter().map(|(v, json)| {
        let vi = ident(v);
        let j = Literal::string(json);
        quote! { #j => #name::#vi, }
    });
    let values = variants.iter().map(|(_, json)| Literal::string(json));
    let json_schema = if cx.json_schema {
        let enum_values = variants.iter().map(|(_, json)| Literal::string(json));
        let schema_name = Literal::string(&def.name);
        quote! {
            impl #rt::__private::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(#schema_name)
                }
                fn json_schema(_: &mut #rt::__private::schemars::SchemaGenerator) -> #rt::__private::schemars::Schema {
                    #rt::__private::schemars::json_schema!({ "type": "string", "enum": [#(#enum_values),*] })
                }
            }
        }
    } else {
        quote! {}
    };
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #extra_attrs
        pub enum #name {
            #(#vdefs)*
            /// A value this schema does not list. Newer versions may add
            /// values; reading one keeps its text instead of failing.
            Unknown(::std::string::String),
        }

        impl #name {
            /// Every value the schema lists.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The JSON text of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    #name::Unknown(other) => other,
                }
            }

            /// The variant for a value, `Unknown` for one the schema does not list.
            pub fn from_json(s: &str) -> Self {
                match s {
                    #(#known)*
                    other => #name::Unknown(::std::string::String::from(other)),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(#name::from_json(s))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl #rt::decode::Decode for #name {
            fn decode(node: #rt::json::Node<'_>) -> ::std::result::Result<Self, #rt::decode::DecodeError> {
                #rt::decode::string(node).map(#name::from_json)
            }
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        #json_schema
    }
}

fn emit_tagged(
    cx: &Context<'_>,
    def: &TypeDef,
    tag: &str,
    variants: &[(String, String, Ty)],
) -> TokenStream {
    let rt = &cx.rt;
    let serde = quote! { #rt::__private::serde };
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref(), Some(&def.origin));
    let deprecated = deprecated_attr(def.deprecated);
    let extra_attrs = cx.type_attributes(def);
    let tag_lit = Literal::string(tag);
    let vdefs = variants.iter().map(|(v, value, ty)| {
        let vi = ident(v);
        let t = ty_tokens(cx, ty, &def.module);
        let d = format!(
            " `{}: {}`",
            serde_json::Value::from(tag),
            serde_json::Value::from(value.as_str())
        );
        quote! { #[doc = #d] #vi(#t), }
    });
    let decode_arms = variants.iter().map(|(v, value, ty)| {
        let vi = ident(v);
        let lit = Literal::string(value);
        let decode = decode_expr(cx, ty);
        quote! { ::std::option::Option::Some(#lit) => #name::#vi(#decode?), }
    });
    let ser_arms = variants.iter().map(|(v, _, _)| {
        let vi = ident(v);
        quote! { #name::#vi(inner) => #serde::Serialize::serialize(inner, s), }
    });
    let tag_arms = variants.iter().map(|(v, value, _)| {
        let vi = ident(v);
        let lit = Literal::string(value);
        quote! { #name::#vi(_) => ::std::option::Option::Some(#lit), }
    });
    let json_schema = if cx.json_schema {
        let schema_name = Literal::string(&def.name);
        let subs = variants.iter().map(|(_, _, ty)| {
            let t = ty_tokens(cx, ty, &def.module);
            quote! { generator.subschema_for::<#t>() }
        });
        quote! {
            impl #rt::__private::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    ::std::borrow::Cow::Borrowed(#schema_name)
                }
                fn json_schema(generator: &mut #rt::__private::schemars::SchemaGenerator) -> #rt::__private::schemars::Schema {
                    #rt::__private::schemars::json_schema!({ "anyOf": [#(#subs),*] })
                }
            }
        }
    } else {
        quote! {}
    };
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq)]
        #extra_attrs
        pub enum #name {
            #(#vdefs)*
            /// A branch this schema does not list (a newer version may add
            /// one), kept as JSON.
            Unknown(#rt::json::Value),
        }

        impl #name {
            /// The member that tells the variants apart.
            pub const TAG: &'static str = #tag_lit;

            /// The tag value of this variant (`None` for `Unknown` without one).
            pub fn tag(&self) -> ::std::option::Option<&str> {
                match self {
                    #(#tag_arms)*
                    #name::Unknown(value) => value.get(#tag_lit).and_then(|t| t.as_str()),
                }
            }
        }

        impl #rt::decode::Decode for #name {
            fn decode(node: #rt::json::Node<'_>) -> ::std::result::Result<Self, #rt::decode::DecodeError> {
                ::std::result::Result::Ok(match node.get(#tag_lit).and_then(|t| t.as_str()) {
                    #(#decode_arms)*
                    _ => #name::Unknown(node.to_value()),
                })
            }
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#ser_arms)*
                    #name::Unknown(value) => #serde::Serialize::serialize(value, s),
                }
            }
        }

        #json_schema
    }
}
