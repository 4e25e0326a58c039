//! What a validator reports and the JSON semantics every check relies on.
//!
//! Generated validators are generic over a [`Sink`]: with [`Collect`] they
//! gather every error; with [`Probe`] they stop at the first failure and
//! allocate nothing. A failure is described by a [`Msg`], rendered to text
//! only when collected. Instance paths are a linked list on the stack ([`Path`])
//! and become a JSON pointer string only when an error is recorded.

use std::cmp::Ordering;
use std::fmt;

pub mod program;

pub use crate::shim::{Embedded, Validator};

use serde_json::{Map, Number, Value};

/// Where in the instance a check runs: a stack-allocated linked list of
/// segments, turned into a JSON pointer only when an error needs it.
#[derive(Debug, Clone, Copy)]
pub enum Path<'a> {
    /// The document root.
    Root,
    /// A member of an object.
    Key(&'a Path<'a>, &'a str),
    /// An element of an array.
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// The path of member `key` below this one.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    /// The path of element `index` below this one.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    /// This path as an RFC 6901 JSON pointer (`""` for the root).
    pub fn to_pointer(&self) -> String {
        let mut segments = Vec::new();
        let mut at = self;
        loop {
            match at {
                Path::Root => break,
                Path::Key(parent, key) => {
                    segments.push(escape_pointer_segment(key));
                    at = parent;
                }
                Path::Index(parent, index) => {
                    segments.push(index.to_string());
                    at = parent;
                }
            }
        }
        let mut out = String::new();
        for segment in segments.iter().rev() {
            out.push('/');
            out.push_str(segment);
        }
        out
    }
}

/// Escapes one JSON pointer segment (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidationError {
    /// JSON pointer to the offending part of the payload.
    pub instance_path: String,
    /// Where the failing keyword lives: `file#/json/pointer`.
    pub schema_path: String,
    /// The failing keyword (`required`, `enum`, …).
    pub keyword: String,
    /// What was expected and what was found, in plain words.
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.instance_path.is_empty() {
            "/"
        } else {
            &self.instance_path
        };
        write!(f, "{at}: {}", self.message)
    }
}

/// Every error found in one payload, in the order the checks ran.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Errors(pub Vec<ValidationError>);

impl Errors {
    /// True when no check failed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The errors, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, ValidationError> {
        self.0.iter()
    }

    /// Number of errors.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

impl IntoIterator for Errors {
    type Item = ValidationError;
    type IntoIter = std::vec::IntoIter<ValidationError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Receives the failures of a validation run.
pub trait Sink {
    /// `true` when the sink wants every error; `false` when the first failure
    /// settles the verdict, so validators may return early.
    const COLLECT: bool;

    /// Records a failure. `message` is rendered to text only by sinks that
    /// keep it.
    fn fail(&mut self, at: &Path<'_>, schema_path: &str, keyword: &str, message: Msg<'_>);

    /// Notes that two entries of a typed map failed. A typed map
    /// (`BTreeMap`) is visited in key order, the JSON object it was read
    /// from in its members' order (with serde_json's `preserve_order`), so
    /// the errors may come in another order than the `Value` validators
    /// give. Called by the validators of decoded values only.
    #[inline(always)]
    fn unordered(&mut self) {}
}

/// A sink that keeps every error.
#[derive(Debug, Default)]
pub struct Collect(pub Vec<ValidationError>);

impl Sink for Collect {
    const COLLECT: bool = true;

    fn fail(&mut self, at: &Path<'_>, schema_path: &str, keyword: &str, message: Msg<'_>) {
        self.0.push(ValidationError {
            instance_path: at.to_pointer(),
            schema_path: schema_path.to_owned(),
            keyword: keyword.to_owned(),
            message: message.to_string(),
        });
    }
}

/// The sink of [`Schema::validate_decoded`](crate::event::Schema::validate_decoded):
/// every error, and whether their order is the `Value` validators' (see
/// [`Sink::unordered`]).
#[derive(Debug, Default)]
pub struct CollectDecoded {
    /// The errors, in the order the typed value gave them.
    pub errors: Collect,
    /// Whether that order may differ from the `Value` validators'.
    pub unordered: bool,
}

impl Sink for CollectDecoded {
    const COLLECT: bool = true;

    fn fail(&mut self, at: &Path<'_>, schema_path: &str, keyword: &str, message: Msg<'_>) {
        self.errors.fail(at, schema_path, keyword, message);
    }

    fn unordered(&mut self) {
        self.unordered = true;
    }
}

/// A sink that only records that something failed; validators stop early.
#[derive(Debug, Default, Clone, Copy)]
pub struct Probe;

impl Sink for Probe {
    const COLLECT: bool = false;

    #[inline(always)]
    fn fail(&mut self, _: &Path<'_>, _: &str, _: &str, _: Msg<'_>) {}
}

/// Why a check failed: the values a message needs, borrowed, rendered to
/// text (through [`Display`](fmt::Display)) only by a sink that keeps it.
/// Generated validators and the generator's interpreter build the same
/// variants, so both word every failure the same way.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Msg<'a> {
    /// A `false` schema.
    False,
    /// `type`: the expected type names (`"string or null"`) and the value.
    Type(&'a str, &'a Value),
    /// `enum`: the allowed values and the value.
    Enum(&'a [Value], &'a Value),
    /// `enum`, with the allowed values already [`preview`]ed.
    EnumShown(&'a [&'a str], &'a Value),
    /// `const`: the expected value and the value.
    Const(&'a Value, &'a Value),
    /// `const`, with the expected value already [`preview`]ed.
    ConstShown(&'a str, &'a Value),
    /// `required`: the missing member.
    Missing(&'a str),
    /// `dependentRequired`: the missing member and the one requiring it.
    DependentRequired(&'a str, &'a str),
    /// `additionalProperties`/`unevaluatedProperties: false`: the member.
    UnexpectedProperty(&'a str),
    /// `unevaluatedItems: false`: the index.
    UnexpectedItem(usize),
    /// `minProperties`: the bound and the member count.
    MinProperties(u64, usize),
    /// `maxProperties`: the bound and the member count.
    MaxProperties(u64, usize),
    /// `minItems`: the bound and the length.
    MinItems(u64, usize),
    /// `maxItems` (and `items: false` after `prefixItems`): the bound and
    /// the length.
    MaxItems(u64, usize),
    /// `uniqueItems`.
    UniqueItems,
    /// `minLength`: the bound and the string.
    MinLength(u64, &'a str),
    /// `maxLength`: the bound and the string.
    MaxLength(u64, &'a str),
    /// `pattern`: the pattern and the string.
    Pattern(&'a str, &'a str),
    /// `format`: the format name and the string.
    Format(&'a str, &'a str),
    /// `minimum`: the bound and the number.
    Minimum(Num, &'a Number),
    /// `maximum`: the bound and the number.
    Maximum(Num, &'a Number),
    /// `exclusiveMinimum`: the bound and the number.
    ExclusiveMinimum(Num, &'a Number),
    /// `exclusiveMaximum`: the bound and the number.
    ExclusiveMaximum(Num, &'a Number),
    /// `multipleOf`: the divisor and the number.
    MultipleOf(Num, &'a Number),
    /// `contains`/`minContains`/`maxContains`: matching items found, min, max.
    Contains(u64, u64, Option<u64>),
    /// `anyOf`: the number of branches.
    AnyOf(usize),
    /// `oneOf`: branches valid (0, or 2 for two or more) and branches.
    OneOf(usize, usize),
    /// `not`.
    Not,
}

impl fmt::Display for Msg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Msg::False => f.write_str("no value is allowed here"),
            Msg::Type(expected, Value::Null) => write!(f, "expected {expected}, got null"),
            Msg::Type(expected, got) => {
                write!(
                    f,
                    "expected {expected}, got {} {}",
                    type_name(got),
                    preview(got)
                )
            }
            Msg::Enum(allowed, got) => {
                let shown: Vec<String> = allowed.iter().map(preview).collect();
                not_in_enum(f, &shown, got)
            }
            Msg::EnumShown(allowed, got) => not_in_enum(f, allowed, got),
            Msg::Const(expected, got) => {
                write!(f, "expected {}, got {}", preview(expected), preview(got))
            }
            Msg::ConstShown(expected, got) => {
                write!(f, "expected {expected}, got {}", preview(got))
            }
            Msg::Missing(name) => write!(f, "missing required property \"{name}\""),
            Msg::DependentRequired(name, trigger) => write!(
                f,
                "property \"{name}\" is required when \"{trigger}\" is present"
            ),
            Msg::UnexpectedProperty(name) => write!(f, "property \"{name}\" is not allowed here"),
            Msg::UnexpectedItem(index) => write!(f, "item {index} is not allowed here"),
            Msg::MinProperties(n, len) => write!(f, "expected at least {n} properties, got {len}"),
            Msg::MaxProperties(n, len) => write!(f, "expected at most {n} properties, got {len}"),
            Msg::MinItems(n, len) => write!(f, "expected at least {n} items, got {len}"),
            Msg::MaxItems(n, len) => write!(f, "expected at most {n} items, got {len}"),
            Msg::UniqueItems => f.write_str("expected unique items, found duplicates"),
            Msg::MinLength(n, got) => {
                write!(f, "expected at least {n} characters, got {}", char_len(got))
            }
            Msg::MaxLength(n, got) => {
                write!(f, "expected at most {n} characters, got {}", char_len(got))
            }
            Msg::Pattern(pattern, got) => write!(
                f,
                "expected a string matching /{pattern}/, got {}",
                preview_str(got)
            ),
            Msg::Format(format, got) => {
                write!(f, "expected a valid {format}, got {}", preview_str(got))
            }
            Msg::Minimum(b, got) => bound(f, "at least", b, got),
            Msg::Maximum(b, got) => bound(f, "at most", b, got),
            Msg::ExclusiveMinimum(b, got) => bound(f, "greater than", b, got),
            Msg::ExclusiveMaximum(b, got) => bound(f, "less than", b, got),
            Msg::MultipleOf(d, got) => {
                write!(f, "expected a multiple of {}, got {got}", NumText(d))
            }
            Msg::Contains(found, _, Some(max)) if found > max => write!(
                f,
                "expected at most {max} items matching `contains`, found {found}"
            ),
            Msg::Contains(found, min, _) => write!(
                f,
                "expected at least {min} items matching `contains`, found {found}"
            ),
            Msg::AnyOf(branches) => write!(
                f,
                "expected a value valid against at least one of the {branches} anyOf schemas"
            ),
            Msg::OneOf(0, branches) => write!(
                f,
                "expected a value valid against exactly one of the {branches} oneOf schemas, it matches none"
            ),
            Msg::OneOf(_, branches) => write!(
                f,
                "expected a value valid against exactly one of the {branches} oneOf schemas, it matches more than one"
            ),
            Msg::Not => f.write_str("expected a value that is not valid against the `not` schema"),
        }
    }
}

fn not_in_enum<S: AsRef<str>>(f: &mut fmt::Formatter<'_>, shown: &[S], got: &Value) -> fmt::Result {
    match shown {
        [] => write!(
            f,
            "the enum lists no value, so {} is not allowed",
            preview(got)
        ),
        [one] => write!(f, "expected {}, got {}", one.as_ref(), preview(got)),
        _ => {
            f.write_str("expected one of ")?;
            for (i, s) in shown.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(s.as_ref())?;
            }
            write!(f, ", got {}", preview(got))
        }
    }
}

fn bound(f: &mut fmt::Formatter<'_>, words: &str, b: Num, got: &Number) -> fmt::Result {
    write!(f, "expected a number {words} {}, got {got}", NumText(b))
}

/// A schema number as a message prints it.
struct NumText(Num);

impl fmt::Display for NumText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Num::I(i) => write!(f, "{i}"),
            Num::U(u) => write!(f, "{u}"),
            Num::F(x) => write!(f, "{x}"),
        }
    }
}

fn preview_str(s: &str) -> String {
    preview(&Value::String(s.to_owned()))
}

/// The members and items of one instance that keywords have evaluated, as
/// `unevaluatedProperties` and `unevaluatedItems` need to know (2020-12
/// §11): filled from the annotations of the adjacent keywords and of the
/// in-place subschemas that validated. Only schemas using those keywords
/// build one.
#[derive(Debug, Default, Clone)]
pub struct Evaluated<'v> {
    all_properties: bool,
    properties: Vec<&'v str>,
    all_items: bool,
    prefix: usize,
    items: Vec<usize>,
}

impl<'v> Evaluated<'v> {
    /// Member `name` was evaluated.
    pub fn property(&mut self, name: &'v str) {
        if !self.all_properties {
            self.properties.push(name);
        }
    }

    /// Every member was evaluated (`additionalProperties`, a nested
    /// `unevaluatedProperties`).
    pub fn all_properties(&mut self) {
        self.all_properties = true;
        self.properties.clear();
    }

    /// Items `0..n` were evaluated (`prefixItems`).
    pub fn prefix(&mut self, n: usize) {
        self.prefix = self.prefix.max(n);
    }

    /// Item `index` was evaluated (`contains`).
    pub fn item(&mut self, index: usize) {
        if !self.all_items {
            self.items.push(index);
        }
    }

    /// Every item was evaluated (`items`, a nested `unevaluatedItems`).
    pub fn all_items(&mut self) {
        self.all_items = true;
        self.items.clear();
    }

    /// True when member `name` was evaluated.
    pub fn has_property(&self, name: &str) -> bool {
        self.all_properties || self.properties.contains(&name)
    }

    /// True when item `index` was evaluated.
    pub fn has_item(&self, index: usize) -> bool {
        self.all_items || index < self.prefix || self.items.contains(&index)
    }
}

/// Objects of up to this many members are searched by comparing names
/// rather than by hashing the name looked for: payload objects are small,
/// and hashing a name (SipHash, when `serde_json`'s `preserve_order` is on)
/// costs more than comparing it with a dozen others.
const COMPARE_UP_TO: usize = 16;

/// The member `name` of `o` with its name (`Map::get_key_value`, faster on
/// small objects).
#[inline]
fn lookup<'o>(o: &'o Map<String, Value>, name: &str) -> Option<(&'o String, &'o Value)> {
    if o.len() <= COMPARE_UP_TO {
        o.iter().find(|(k, _)| *k == name)
    } else {
        o.get_key_value(name)
    }
}

/// Whether `o` has a member `name` (`Map::contains_key`, faster on small
/// objects).
#[inline]
pub fn has(o: &Map<String, Value>, name: &str) -> bool {
    lookup(o, name).is_some()
}

/// The member `name` of `o` (`Map::get`, faster on small objects).
#[inline]
pub fn get<'o>(o: &'o Map<String, Value>, name: &str) -> Option<&'o Value> {
    lookup(o, name).map(|(_, v)| v)
}

/// The members of `o` a `properties` keyword visits: with `collect`, those
/// of `names` that are present, in that order (so errors come in schema
/// order); otherwise every member in one pass, without lookups (the caller
/// skips the names it does not know).
#[inline]
pub fn members<'o>(o: &'o Map<String, Value>, names: &'o [&'o str], collect: bool) -> Members<'o> {
    if collect {
        Members::Named(o, names.iter())
    } else {
        Members::All(o.iter())
    }
}

/// The iterator [`members`] returns.
#[derive(Debug)]
pub enum Members<'o> {
    /// The present members among these names, in this order.
    Named(&'o Map<String, Value>, std::slice::Iter<'o, &'o str>),
    /// Every member.
    All(serde_json::map::Iter<'o>),
}

impl<'o> Iterator for Members<'o> {
    type Item = (&'o String, &'o Value);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Members::Named(o, names) => names.find_map(|name| named(o, name)),
            Members::All(all) => all.next(),
        }
    }
}

/// [`lookup`], not inlined: keeps `Members::next` small for the probing loop.
#[inline(never)]
fn named<'o>(o: &'o Map<String, Value>, name: &str) -> Option<(&'o String, &'o Value)> {
    lookup(o, name)
}

/// A JSON number as written in a schema, exact for every integer serde_json
/// can hold.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Num {
    /// A negative integer (or any integer that fits `i64`).
    I(i64),
    /// A non-negative integer beyond `i64::MAX`.
    U(u64),
    /// Anything else.
    F(f64),
}

impl Num {
    /// Reads a serde_json number without losing integer precision.
    pub fn of(n: &Number) -> Num {
        if let Some(i) = n.as_i64() {
            Num::I(i)
        } else if let Some(u) = n.as_u64() {
            Num::U(u)
        } else {
            Num::F(n.as_f64().unwrap_or(f64::NAN))
        }
    }

    /// The value as `f64` (lossy for huge integers).
    pub fn as_f64(self) -> f64 {
        match self {
            Num::I(i) => i as f64,
            Num::U(u) => u as f64,
            Num::F(f) => f,
        }
    }

    /// Exact comparison across integer and float representations.
    pub fn cmp_exact(self, other: Num) -> Ordering {
        match (self, other) {
            (Num::I(a), Num::I(b)) => a.cmp(&b),
            (Num::U(a), Num::U(b)) => a.cmp(&b),
            (Num::I(_), Num::U(_)) => Ordering::Less,
            (Num::U(_), Num::I(_)) => Ordering::Greater,
            (Num::F(a), Num::F(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
            (Num::F(f), int) => cmp_float_int(f, int),
            (int, Num::F(f)) => cmp_float_int(f, int).reverse(),
        }
    }

    /// True for an integral value, including floats such as `1.0`.
    pub fn is_integer(self) -> bool {
        match self {
            Num::I(_) | Num::U(_) => true,
            Num::F(f) => f.is_finite() && f.fract() == 0.0,
        }
    }
}

/// Compares a float with an integer exactly (`f` ⋚ `int`).
fn cmp_float_int(f: f64, int: Num) -> Ordering {
    if f.is_nan() {
        return Ordering::Equal;
    }
    // i128 holds every i64 and u64, and every float in that range whose
    // integer part we compare; beyond it the float decides alone.
    let i: i128 = match int {
        Num::I(i) => i128::from(i),
        Num::U(u) => i128::from(u),
        Num::F(_) => return Ordering::Equal,
    };
    // Beyond ±2^64 no i64/u64 can compare otherwise; inside it the float's
    // integer part fits i128 exactly.
    if f >= 18_446_744_073_709_551_616.0 {
        return Ordering::Greater;
    }
    if f <= -18_446_744_073_709_551_616.0 {
        return Ordering::Less;
    }
    let trunc = f.trunc() as i128;
    match trunc.cmp(&i) {
        Ordering::Equal => f.fract().partial_cmp(&0.0).unwrap_or(Ordering::Equal),
        other => other,
    }
}

/// Reads a JSON number into a [`Num`].
pub fn num(n: &Number) -> Num {
    Num::of(n)
}

/// JSON Schema `integer`: any number with no fractional part, `1.0` included.
pub fn is_integer(n: &Number) -> bool {
    Num::of(n).is_integer()
}

/// JSON equality as JSON Schema defines it: numbers by value (`1 == 1.0`),
/// objects regardless of key order.
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Num::of(x).cmp_exact(Num::of(y)) == Ordering::Equal,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => objects_equal(x, y),
        _ => a == b,
    }
}

fn objects_equal(x: &Map<String, Value>, y: &Map<String, Value>) -> bool {
    x.len() == y.len()
        && x.iter()
            .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
}

/// `uniqueItems`: true when no two elements are JSON-equal.
pub fn all_unique(items: &[Value]) -> bool {
    for (i, a) in items.iter().enumerate() {
        if items[i + 1..].iter().any(|b| json_equal(a, b)) {
            return false;
        }
    }
    true
}

/// String length in Unicode code points, as `minLength`/`maxLength` count.
pub fn char_len(s: &str) -> u64 {
    s.chars().count() as u64
}

/// `multipleOf`, exact for decimal literals such as `0.01` and for integers
/// of any size serde_json can hold.
pub fn is_multiple_of(value: &Number, divisor: Num) -> bool {
    let value = Num::of(value);
    match (value, divisor) {
        (Num::I(a), Num::I(b)) if b != 0 => a % b == 0,
        (Num::U(a), Num::I(b)) if b > 0 => a % (b as u64) == 0,
        (Num::U(a), Num::U(b)) if b != 0 => a % b == 0,
        (Num::I(_), Num::U(_)) => false_unless_zero(value),
        _ => {
            let (Some(a), Some(b)) = (Decimal::of(value), Decimal::of(divisor)) else {
                return false;
            };
            a.is_multiple_of(b)
        }
    }
}

fn false_unless_zero(n: Num) -> bool {
    matches!(n, Num::I(0))
}

/// A finite number as `mantissa × 10^exponent`, exact for the shortest
/// decimal text of a float (the text a JSON document carried).
#[derive(Debug, Clone, Copy)]
struct Decimal {
    mantissa: u128,
    exponent: i32,
}

impl Decimal {
    fn of(n: Num) -> Option<Decimal> {
        match n {
            Num::I(i) => Some(Decimal {
                mantissa: u128::from(i.unsigned_abs()),
                exponent: 0,
            }),
            Num::U(u) => Some(Decimal {
                mantissa: u128::from(u),
                exponent: 0,
            }),
            Num::F(f) if f.is_finite() => Decimal::parse(&format!("{:e}", f.abs())),
            Num::F(_) => None,
        }
    }

    /// Parses Rust's `{:e}` rendering (`1.25e-2`).
    fn parse(text: &str) -> Option<Decimal> {
        let (digits, exp) = text.split_once('e')?;
        let mut exponent: i32 = exp.parse().ok()?;
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let mut mantissa: u128 = 0;
        for c in int.chars().chain(frac.chars()) {
            mantissa = mantissa
                .checked_mul(10)?
                .checked_add(u128::from(c.to_digit(10)?))?;
        }
        exponent -= i32::try_from(frac.len()).ok()?;
        Some(Decimal { mantissa, exponent })
    }

    fn is_multiple_of(self, divisor: Decimal) -> bool {
        if divisor.mantissa == 0 {
            return false;
        }
        if self.mantissa == 0 {
            return true;
        }
        if self.exponent >= divisor.exponent {
            // value / divisor = (m1 · 10^k) / m2 with k ≥ 0: work modulo m2.
            let k = (self.exponent - divisor.exponent) as u32;
            mul_mod(
                self.mantissa % divisor.mantissa,
                pow_mod(10, k, divisor.mantissa),
                divisor.mantissa,
            ) == 0
        } else {
            // value / divisor = m1 / (m2 · 10^k): m1 must be divisible by it.
            let k = (divisor.exponent - self.exponent) as u32;
            match 10u128
                .checked_pow(k)
                .and_then(|p| p.checked_mul(divisor.mantissa))
            {
                Some(d) => self.mantissa.is_multiple_of(d),
                None => false,
            }
        }
    }
}

fn mul_mod(a: u128, b: u128, m: u128) -> u128 {
    // Russian-peasant multiplication keeps every intermediate below 2m.
    let (mut a, mut b, mut acc) = (a % m, b, 0u128);
    while b > 0 {
        if b & 1 == 1 {
            acc = add_mod(acc, a, m);
        }
        a = add_mod(a, a, m);
        b >>= 1;
    }
    acc
}

fn add_mod(a: u128, b: u128, m: u128) -> u128 {
    let (sum, overflow) = a.overflowing_add(b);
    if overflow || sum >= m {
        sum.wrapping_sub(m)
    } else {
        sum
    }
}

fn pow_mod(base: u128, mut exp: u32, m: u128) -> u128 {
    let mut result = 1 % m;
    let mut base = base % m;
    while exp > 0 {
        if exp & 1 == 1 {
            result = mul_mod(result, base, m);
        }
        base = mul_mod(base, base, m);
        exp >>= 1;
    }
    result
}

/// A `pattern` compiled on first use, with ECMA-262 semantics (`u` flag):
/// generated validators keep one per pattern in a `static`.
#[derive(Debug)]
pub struct LazyPattern {
    source: &'static str,
    compiled: std::sync::OnceLock<Option<regress::Regex>>,
}

impl LazyPattern {
    /// A pattern that compiles `source` when first used.
    pub const fn new(source: &'static str) -> LazyPattern {
        LazyPattern {
            source,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// True when the pattern matches anywhere in `s` (patterns are not
    /// anchored). A pattern that does not compile matches nothing; the
    /// generator refuses such patterns, so this only guards hand-written use.
    pub fn is_match(&self, s: &str) -> bool {
        self.compiled
            .get_or_init(|| compile_pattern(self.source).ok())
            .as_ref()
            .is_some_and(|re| re.find(s).is_some())
    }

    /// The pattern's source text.
    pub fn source(&self) -> &'static str {
        self.source
    }
}

/// Parses a JSON literal embedded in generated code (`enum`/`const`
/// values). The generator wrote the text from a parsed value, so it always
/// parses; `null` stands in should it ever not.
pub fn json_literal(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// Compiles a JSON Schema `pattern` with ECMA-262 semantics.
pub fn compile_pattern(source: &str) -> Result<regress::Regex, regress::Error> {
    regress::Regex::with_flags(source, "u")
}

/// The JSON type name of a value, as error messages print it.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if is_integer(n) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A short rendering of a value for messages (long strings are cut).
pub fn preview(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn n(v: Value) -> Number {
        match v {
            Value::Number(n) => n,
            _ => unreachable!("test helper takes numbers"),
        }
    }

    #[test]
    fn pointer_escapes_segments() {
        let root = Path::Root;
        let a = root.key("a/b");
        let b = a.index(3);
        let c = b.key("m~n");
        assert_eq!(c.to_pointer(), "/a~1b/3/m~0n");
        assert_eq!(Path::Root.to_pointer(), "");
    }

    #[test]
    fn equality_is_json_equality() {
        assert!(json_equal(&json!(1), &json!(1.0)));
        assert!(json_equal(
            &json!({"a": 1, "b": [1.0]}),
            &json!({"b": [1], "a": 1.0})
        ));
        assert!(!json_equal(&json!(false), &json!(0)));
        assert!(!json_equal(&json!([1]), &json!([1, 1])));
    }

    #[test]
    fn integers_include_integral_floats() {
        assert!(is_integer(&n(json!(1.0))));
        assert!(!is_integer(&n(json!(1.5))));
        assert!(is_integer(&n(json!(u64::MAX))));
    }

    #[test]
    fn multiple_of_is_exact_for_decimals() {
        assert!(is_multiple_of(&n(json!(0.3)), Num::F(0.1)));
        assert!(is_multiple_of(&n(json!(19.99)), Num::F(0.01)));
        assert!(!is_multiple_of(&n(json!(0.0075)), Num::F(0.01)));
        assert!(is_multiple_of(&n(json!(1e308)), Num::F(0.5)));
        assert!(!is_multiple_of(&n(json!(35)), Num::F(1.5)));
        assert!(is_multiple_of(&n(json!(u64::MAX)), Num::I(5)));
        assert!(!is_multiple_of(&n(json!(-7)), Num::I(2)));
        assert!(is_multiple_of(&n(json!(-8)), Num::F(2.0)));
    }

    #[test]
    fn comparisons_are_exact_across_representations() {
        assert_eq!(Num::I(1).cmp_exact(Num::F(1.0)), Ordering::Equal);
        assert_eq!(Num::F(1.5).cmp_exact(Num::I(1)), Ordering::Greater);
        assert_eq!(Num::I(2).cmp_exact(Num::F(1.5)), Ordering::Greater);
        assert_eq!(
            Num::U(u64::MAX).cmp_exact(Num::F(1.0e19)),
            Ordering::Greater
        );
        assert_eq!(
            Num::U(u64::MAX).cmp_exact(Num::F(1.8e19)),
            Ordering::Greater
        );
        assert_eq!(Num::F(1e30).cmp_exact(Num::U(u64::MAX)), Ordering::Greater);
        assert_eq!(Num::I(-3).cmp_exact(Num::F(-2.5)), Ordering::Less);
        assert_eq!(
            Num::I(9_007_199_254_740_993).cmp_exact(Num::F(9_007_199_254_740_992.0)),
            Ordering::Greater
        );
    }

    #[test]
    fn evaluated_tracks_members_and_items() {
        let mut e = Evaluated::default();
        e.property("a");
        e.prefix(2);
        e.item(5);
        assert!(e.has_property("a") && !e.has_property("b"));
        assert!(e.has_item(0) && e.has_item(1) && !e.has_item(2) && e.has_item(5));
        e.all_properties();
        e.all_items();
        assert!(e.has_property("b") && e.has_item(3));
    }

    #[test]
    fn unique_uses_json_equality() {
        assert!(!all_unique(&[json!(1), json!(1.0)]));
        assert!(all_unique(&[json!({"a": 1}), json!({"a": 2})]));
    }
}
