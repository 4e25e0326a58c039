//! TEMPORARY compile-only stand-ins for the runtime engine being written on
//! another branch; dropped at merge.
#![allow(missing_docs, clippy::all, unused)]

use serde_json::Value;

use crate::json::{Limits, ParseError};
use crate::validation::program::{NodeId, Program};
use crate::validation::{Errors, Num};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind { Null, Bool, Number, String, Array, Object }

#[derive(Debug)]
pub struct Tape<'s> { v: Value, _p: std::marker::PhantomData<&'s ()> }

impl<'s> Tape<'s> {
    pub fn parse(bytes: &'s [u8], limits: Limits) -> Result<Tape<'s>, ParseError> {
        Ok(Tape { v: crate::json::parse_slice(bytes, limits)?, _p: Default::default() })
    }
    pub fn from_value(value: &Value) -> Tape<'static> { Tape { v: value.clone(), _p: Default::default() } }
    pub fn root(&self) -> Node<'_> { Node { v: &self.v } }
}

#[derive(Debug, Clone, Copy)]
pub struct Node<'t> { v: &'t Value }

impl<'t> Node<'t> {
    pub fn kind(self) -> Kind { match self.v { Value::Null => Kind::Null, Value::Bool(_) => Kind::Bool, Value::Number(_) => Kind::Number, Value::String(_) => Kind::String, Value::Array(_) => Kind::Array, Value::Object(_) => Kind::Object } }
    pub fn type_name(self) -> &'static str { crate::validation::type_name(self.v) }
    pub fn as_str(self) -> Option<&'t str> { self.v.as_str() }
    pub fn as_bool(self) -> Option<bool> { self.v.as_bool() }
    pub fn as_number(self) -> Option<serde_json::Number> { self.v.as_number().cloned() }
    pub fn as_num(self) -> Option<Num> { self.v.as_number().map(Num::of) }
    pub fn len(self) -> usize { 0 }
    pub fn get(self, name: &str) -> Option<Node<'t>> { self.v.get(name).map(|v| Node { v }) }
    pub fn members(self) -> impl Iterator<Item = (&'t str, Node<'t>)> { self.v.as_object().into_iter().flatten().map(|(k, v)| (k.as_str(), Node { v })) }
    pub fn items(self) -> impl Iterator<Item = Node<'t>> { self.v.as_array().into_iter().flatten().map(|v| Node { v }) }
    pub fn to_value(self) -> Value { self.v.clone() }
}

#[derive(Debug)]
pub struct Validator { program: Program }
#[derive(Debug)]
pub struct ProgramError;
impl std::fmt::Display for ProgramError { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("shim") } }
impl Validator {
    pub fn new(program: Program) -> Result<Validator, ProgramError> { Ok(Validator { program }) }
    pub fn errors(&self, node: NodeId, instance: Node<'_>) -> Result<(), Errors> { unimplemented!() }
    pub fn is_valid(&self, node: NodeId, instance: Node<'_>) -> bool { unimplemented!() }
}
#[derive(Debug)]
pub struct Embedded { nodes: &'static [&'static str] }
impl Embedded {
    pub const fn new(nodes: &'static [&'static str]) -> Embedded { Embedded { nodes } }
    pub fn get(&'static self) -> &'static Validator { unimplemented!() }
}

pub mod decode {
    use super::*;
    use std::collections::BTreeMap;
    #[derive(Debug)]
    pub struct DecodeError;
    impl std::fmt::Display for DecodeError { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("shim") } }
    impl DecodeError { pub fn no_schema(t: usize, s: usize) -> DecodeError { DecodeError } }
    pub trait Decode: Sized { fn decode(node: Node<'_>) -> Result<Self, DecodeError>; }
    macro_rules! stub { ($($t:ty),*) => { $(impl Decode for $t { fn decode(node: Node<'_>) -> Result<Self, DecodeError> { unimplemented!() } })* } }
    stub!(bool, i64, u64, f64, String, (), serde_json::Number, Value, serde_json::Map<String, Value>, crate::values::DateTime, crate::values::Duration, crate::values::Decimal, crate::values::Money, uuid::Uuid);
    impl<T: Decode> Decode for Option<T> { fn decode(node: Node<'_>) -> Result<Self, DecodeError> { unimplemented!() } }
    impl<T: Decode> Decode for Box<T> { fn decode(node: Node<'_>) -> Result<Self, DecodeError> { unimplemented!() } }
    impl<T: Decode> Decode for Vec<T> { fn decode(node: Node<'_>) -> Result<Self, DecodeError> { unimplemented!() } }
    impl<T: Decode> Decode for BTreeMap<String, T> { fn decode(node: Node<'_>) -> Result<Self, DecodeError> { unimplemented!() } }
    pub struct Fields<'t, const N: usize> { n: Node<'t> }
    pub fn fields<'t, const N: usize>(node: Node<'t>, names: &'static [&'static str; N]) -> Result<Fields<'t, N>, DecodeError> { unimplemented!() }
    impl<'t, const N: usize> Fields<'t, N> {
        pub fn required<T: Decode>(&self, i: usize) -> Option<T> { unimplemented!() }
        pub fn optional<T: Decode>(&self, i: usize) -> Option<Option<T>> { unimplemented!() }
        pub fn extra<T: Decode>(&self) -> Option<BTreeMap<String, T>> { unimplemented!() }
        pub fn extra_map(&self) -> Option<serde_json::Map<String, Value>> { unimplemented!() }
        pub fn error(self) -> DecodeError { unimplemented!() }
        pub fn error_ref(&self) -> DecodeError { unimplemented!() }
    }
    pub fn string<'t>(node: Node<'t>) -> Result<&'t str, DecodeError> { unimplemented!() }
    pub fn deserialize<'de, D: serde::Deserializer<'de>, T: Decode>(d: D, validator: &'static Embedded, node: NodeId) -> Result<T, D::Error> { unimplemented!() }
}
