//! Type IR → Rust items: structs with serde attributes that keep JSON's
//! absent/null distinction, string enums that tolerate values added later.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::types::{Extra, Field, Presence, Ty, TypeDef, TypeGraph, TypeKind};

/// Paths and switches the emitted types depend on.
#[derive(Debug, Clone)]
pub struct TypeEmitOptions {
    /// The runtime crate path (`::eventsmith`).
    pub rt: TokenStream,
    /// Derive `schemars::JsonSchema`.
    pub json_schema: bool,
}

/// A Rust identifier from a name that may be a raw identifier (`r#type`).
pub fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// The path from module `from` to type `id`.
pub fn type_path(graph: &TypeGraph, id: usize, from: &[String]) -> TokenStream {
    let def = graph.get(id);
    let common = from
        .iter()
        .zip(&def.module)
        .take_while(|(a, b)| a == b)
        .count();
    let ups = from.len() - common;
    let supers = (0..ups).map(|_| quote! { super:: });
    let downs = def.module[common..].iter().map(|m| {
        let m = ident(m);
        quote! { #m:: }
    });
    let name = ident(&def.name);
    quote! { #(#supers)* #(#downs)* #name }
}

/// The Rust type for `ty`, written from module `from`.
pub fn ty_tokens(graph: &TypeGraph, ty: &Ty, from: &[String], o: &TypeEmitOptions) -> TokenStream {
    let rt = &o.rt;
    match ty {
        Ty::Bool => quote! { bool },
        Ty::I64 => quote! { i64 },
        Ty::U64 => quote! { u64 },
        Ty::Number => quote! { #rt::__private::serde_json::Number },
        Ty::String => quote! { ::std::string::String },
        Ty::Unit => quote! { () },
        Ty::Runtime(name) => {
            let n = format_ident!("{}", name);
            quote! { #rt::#n }
        }
        Ty::Value => quote! { #rt::__private::serde_json::Value },
        Ty::Map(inner) if **inner == Ty::Value => {
            quote! { #rt::__private::serde_json::Map<::std::string::String, #rt::__private::serde_json::Value> }
        }
        Ty::Map(inner) => {
            let i = ty_tokens(graph, inner, from, o);
            quote! { ::std::collections::BTreeMap<::std::string::String, #i> }
        }
        Ty::Vec(inner) => {
            let i = ty_tokens(graph, inner, from, o);
            quote! { ::std::vec::Vec<#i> }
        }
        Ty::Nullable(inner) => {
            let i = ty_tokens(graph, inner, from, o);
            quote! { ::std::option::Option<#i> }
        }
        Ty::Named(id) => type_path(graph, *id, from),
        Ty::Boxed(inner) => {
            let i = ty_tokens(graph, inner, from, o);
            quote! { ::std::boxed::Box<#i> }
        }
    }
}

fn doc_attrs(doc: Option<&str>, origin: Option<&str>) -> TokenStream {
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

/// Emits type `id` (it lives in its own module).
pub fn emit_type(graph: &TypeGraph, id: usize, o: &TypeEmitOptions) -> TokenStream {
    let def = graph.get(id);
    match &def.kind {
        TypeKind::Struct { fields, extra } => emit_struct(graph, def, fields, extra, o),
        TypeKind::StringEnum { variants } => emit_enum(def, variants, o),
        TypeKind::Tagged { tag, variants } => emit_tagged(graph, def, tag, variants, o),
    }
}

fn emit_struct(
    graph: &TypeGraph,
    def: &TypeDef,
    fields: &[Field],
    extra: &Extra,
    o: &TypeEmitOptions,
) -> TokenStream {
    let rt = &o.rt;
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref(), Some(&def.origin));
    let deprecated = deprecated_attr(def.deprecated);
    // serde's derive is not used (see `struct_serde`); with the schemars
    // derive the `#[serde]` attributes stay, read by schemars alone.
    let derive_schema = if o.json_schema {
        let serde_crate = format!("{rt}::__private::serde").replace(' ', "");
        let schemars_crate = format!("{rt}::__private::schemars").replace(' ', "");
        quote! {
            #[derive(#rt::__private::schemars::JsonSchema)]
            #[schemars(crate = #schemars_crate)]
            #[serde(crate = #serde_crate)]
        }
    } else {
        quote! {}
    };
    let field_tokens = fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let inner = ty_tokens(graph, &f.ty, &def.module, o);
        let fdocs = doc_attrs(f.doc.as_deref(), None);
        let fdep = deprecated_attr(f.deprecated);
        let nullable = matches!(f.ty, Ty::Nullable(_));
        let ty = match f.presence {
            Presence::Required => inner.clone(),
            Presence::Optional => quote! { ::std::option::Option<#inner> },
        };
        let attrs = if o.json_schema {
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
            let t = ty_tokens(graph, &Ty::Map(Box::new(ty.clone())), &def.module, o);
            let flatten = if o.json_schema {
                quote! { #[serde(flatten)] }
            } else {
                quote! {}
            };
            quote! {
                /// Members the schema does not name, kept so the event
                /// serializes back to the same JSON.
                #flatten
                pub extra: #t,
            }
        }
    };
    let impls = struct_serde(def, fields, extra, rt);
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq)]
        #derive_schema
        pub struct #name {
            #(#field_tokens)*
            #extra_field
        }

        #impls
    }
}

/// The `#[serde]` attributes of a field, for the schemars derive (which
/// reads them for the schema: member names, which members are required).
fn schemars_field_attrs(f: &Field, inner: &TokenStream) -> TokenStream {
    let rename = if f.rust_name.trim_start_matches("r#") != f.json_name {
        let j = Literal::string(&f.json_name);
        quote! { #[serde(rename = #j)] }
    } else {
        quote! {}
    };
    let attrs = match (f.presence, matches!(f.ty, Ty::Nullable(_))) {
        (Presence::Required, _) => quote! {},
        (Presence::Optional, false) => {
            quote! { #[serde(default, skip_serializing_if = "::std::option::Option::is_none")] }
        }
        (Presence::Optional, true) => {
            // schemars reads `with` as a type; tell it the real one.
            let t = quote! { ::std::option::Option<#inner> }.to_string();
            quote! {
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                #[schemars(with = #t)]
            }
        }
    };
    quote! { #rename #attrs }
}

/// A name for a local of the generated impls that no field's local takes.
fn fresh(base: &str, fields: &[Field]) -> proc_macro2::Ident {
    let mut name = base.to_owned();
    while fields
        .iter()
        .any(|f| f.rust_name.trim_start_matches("r#") == name)
    {
        name.push('_');
    }
    format_ident!("{}", name)
}

/// `Serialize` and `Deserialize` for a struct, written out instead of
/// derived: serde's derive buffers every member of a struct with a
/// `#[serde(flatten)]` map, and emits that code again for each struct. Here
/// each field costs a line or two and `__private::de`/`ser` do the rest.
fn struct_serde(def: &TypeDef, fields: &[Field], extra: &Extra, rt: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let expecting = Literal::string(&format!("struct {}", def.name.trim_start_matches("r#")));
    let visitor = format_ident!("{}Visitor", def.name.trim_start_matches("r#"));
    let map = fresh("map", fields);
    let key = fresh("key", fields);
    let names = fields.iter().map(|f| Literal::string(&f.json_name));
    // One local per field, named like the field.
    let slots = fields.iter().map(|f| {
        let local = ident(&f.rust_name);
        quote! { let mut #local = ::std::option::Option::None; }
    });
    // An optional field that is not nullable reads its value as the inner
    // type, so `null` fails rather than reading as absent.
    let arms = fields.iter().enumerate().map(|(i, f)| {
        let local = ident(&f.rust_name);
        let i = Literal::usize_unsuffixed(i);
        let j = Literal::string(&f.json_name);
        let read = if f.presence == Presence::Optional && !matches!(f.ty, Ty::Nullable(_)) {
            quote! { slot_some }
        } else {
            quote! { slot }
        };
        quote! { de::Key::Field(#i) => de::#read(&mut #map, &mut #local, #j)?, }
    });
    // An optional nullable field reads `null` as `Some(None)`: its local
    // holds the field itself. An absent optional field is `None`
    // (`present`), an absent required one an error, nullable or not.
    let inits = fields.iter().map(|f| {
        let local = ident(&f.rust_name);
        let j = Literal::string(&f.json_name);
        match (f.presence, matches!(f.ty, Ty::Nullable(_))) {
            (Presence::Optional, true) => quote! { #local, },
            (Presence::Optional, false) => quote! { #local: de::present(#local, #j)?, },
            (Presence::Required, _) => quote! { #local: de::required(#local, #j)?, },
        }
    });
    let (extra_slot, seed, other, extra_init, extra_ser) = match extra {
        Extra::None => (
            quote! {},
            quote! { ignoring },
            quote! { de::skip(&mut #map)? },
            quote! {},
            quote! {},
        ),
        Extra::Keep(_) => (
            quote! { let mut extra = ::std::default::Default::default(); },
            quote! { keeping },
            quote! { de::keep(&mut #map, &mut extra, #key)? },
            quote! { extra, },
            quote! { ser::extra(&mut map, &self.extra)?; },
        ),
    };
    let next = quote! {
        #map.next_key_seed(&keys)?
    };
    let read_loop = match (fields.is_empty(), extra) {
        (true, Extra::None) => quote! {
            while #next.is_some() {
                #other;
            }
        },
        (true, Extra::Keep(_)) => quote! {
            while let ::std::option::Option::Some(#key) = #next {
                #other;
            }
        },
        (false, _) => {
            let catch_all = match extra {
                Extra::None => quote! { _ },
                Extra::Keep(_) => quote! { #key },
            };
            quote! {
                while let ::std::option::Option::Some(#key) = #next {
                    match #key {
                        #(#arms)*
                        #catch_all => #other,
                    }
                }
            }
        }
    };
    let ser_fields = fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let j = Literal::string(&f.json_name);
        match f.presence {
            Presence::Required => {
                quote! { ser::field(&mut map, #j, &self.#fname)?; }
            }
            Presence::Optional => {
                quote! { ser::optional(&mut map, #j, &self.#fname)?; }
            }
        }
    });
    let serde = quote! { #rt::__private::serde };
    let strict = strict_impl(&name, rt);
    quote! {
        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                use #serde::ser::SerializeMap as _;
                use #rt::__private::ser;
                let mut map = s.serialize_map(::std::option::Option::None)?;
                #(#ser_fields)*
                #extra_ser
                map.end()
            }
        }

        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                struct #visitor;
                        impl<'de> #serde::de::Visitor<'de> for #visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: #serde::de::MapAccess<'de>>(self, mut #map: A) -> ::std::result::Result<#name, A::Error> {
                        use #rt::__private::de;
                        const FIELDS: &[&str] = &[#(#names),*];
                        let keys = de::KeySeed::#seed(FIELDS);
                        #(#slots)*
                        #extra_slot
                        #read_loop
                        ::std::result::Result::Ok(#name {
                            #(#inits)*
                            #extra_init
                        })
                    }
                }
                d.deserialize_map(#visitor)
            }
        }

        #strict
    }
}

/// `__private::de::Strict` for a generated type: its `Deserialize` is
/// already strict.
fn strict_impl(name: &proc_macro2::Ident, rt: &TokenStream) -> TokenStream {
    quote! {
        impl<'de> #rt::__private::de::Strict<'de> for #name {
            fn read<D: #rt::__private::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                <Self as #rt::__private::serde::Deserialize<'de>>::deserialize(d)
            }
        }
    }
}

fn emit_enum(def: &TypeDef, variants: &[(String, String)], o: &TypeEmitOptions) -> TokenStream {
    let rt = &o.rt;
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref(), Some(&def.origin));
    let deprecated = deprecated_attr(def.deprecated);
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
    let strict = strict_impl(&name, rt);
    let json_schema = if o.json_schema {
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

            /// The variant for a value the schema lists.
            fn known(s: &str) -> ::std::option::Option<Self> {
                ::std::option::Option::Some(match s {
                    #(#known)*
                    _ => return ::std::option::Option::None,
                })
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(
                    #name::known(s).unwrap_or_else(|| #name::Unknown(::std::string::String::from(s))),
                )
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl #rt::__private::serde::Serialize for #name {
            fn serialize<S: #rt::__private::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> #rt::__private::serde::Deserialize<'de> for #name {
            fn deserialize<D: #rt::__private::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                #rt::__private::de::string_enum(d, #name::known, #name::Unknown)
            }
        }

        #strict

        #json_schema
    }
}

fn emit_tagged(
    graph: &TypeGraph,
    def: &TypeDef,
    tag: &str,
    variants: &[(String, String, Ty)],
    o: &TypeEmitOptions,
) -> TokenStream {
    let rt = &o.rt;
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref(), Some(&def.origin));
    let deprecated = deprecated_attr(def.deprecated);
    let tag_lit = Literal::string(tag);
    let strict = strict_impl(&name, rt);
    let vdefs = variants.iter().map(|(v, value, ty)| {
        let vi = ident(v);
        let t = ty_tokens(graph, ty, &def.module, o);
        let d = format!(
            " `{}: {}`",
            serde_json::Value::from(tag),
            serde_json::Value::from(value.as_str())
        );
        quote! { #[doc = #d] #vi(#t), }
    });
    let de_arms = variants.iter().map(|(v, value, _)| {
        let vi = ident(v);
        let lit = Literal::string(value);
        quote! {
            ::std::option::Option::Some(#lit) => #rt::__private::serde_json::from_value(value)
                .map(#name::#vi)
                .map_err(<D::Error as #rt::__private::serde::de::Error>::custom),
        }
    });
    let ser_arms = variants.iter().map(|(v, _, _)| {
        let vi = ident(v);
        quote! { #name::#vi(inner) => #rt::__private::serde::Serialize::serialize(inner, s), }
    });
    let tag_arms = variants.iter().map(|(v, value, _)| {
        let vi = ident(v);
        let lit = Literal::string(value);
        quote! { #name::#vi(_) => ::std::option::Option::Some(#lit), }
    });
    let json_schema = if o.json_schema {
        let schema_name = Literal::string(&def.name);
        let subs = variants.iter().map(|(_, _, ty)| {
            let t = ty_tokens(graph, ty, &def.module, o);
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
        pub enum #name {
            #(#vdefs)*
            /// A branch this schema does not list (a newer version may add
            /// one), kept as JSON.
            Unknown(#rt::__private::serde_json::Value),
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

        impl #rt::__private::serde::Serialize for #name {
            fn serialize<S: #rt::__private::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#ser_arms)*
                    #name::Unknown(value) => #rt::__private::serde::Serialize::serialize(value, s),
                }
            }
        }

        impl<'de> #rt::__private::serde::Deserialize<'de> for #name {
            fn deserialize<D: #rt::__private::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let value = <#rt::__private::serde_json::Value as #rt::__private::de::Strict>::read(d)?;
                let tag = value.get(#tag_lit).and_then(|t| t.as_str()).map(::std::borrow::ToOwned::to_owned);
                match tag.as_deref() {
                    #(#de_arms)*
                    _ => ::std::result::Result::Ok(#name::Unknown(value)),
                }
            }
        }

        #strict

        #json_schema
    }
}
