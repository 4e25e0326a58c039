//! Numbers as JSON Schema compares them: exactly, across integer and float
//! representations.

use std::cmp::Ordering;

use serde_json::{Map, Number, Value};

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
    Num::of(value).is_multiple_of(divisor)
}

impl Num {
    /// `multipleOf`: exact for decimal literals such as `0.01` and for
    /// integers of any size serde_json can hold.
    pub fn is_multiple_of(self, divisor: Num) -> bool {
        multiple_of(self, divisor)
    }
}

fn multiple_of(value: Num, divisor: Num) -> bool {
    match (value, divisor) {
        (Num::I(a), Num::I(b)) if b != 0 => a % b == 0,
        (Num::U(a), Num::I(b)) if b > 0 => a % (b as u64) == 0,
        (Num::U(a), Num::U(b)) if b != 0 => a % b == 0,
        (Num::I(_), Num::U(_)) => false_unless_zero(value),
        _ => {
            let (Some(a), Some(b)) = (Exact::of(value), Exact::of(divisor)) else {
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
struct Exact {
    mantissa: u128,
    exponent: i32,
}

impl Exact {
    fn of(n: Num) -> Option<Exact> {
        match n {
            Num::I(i) => Some(Exact {
                mantissa: u128::from(i.unsigned_abs()),
                exponent: 0,
            }),
            Num::U(u) => Some(Exact {
                mantissa: u128::from(u),
                exponent: 0,
            }),
            Num::F(f) if f.is_finite() => Exact::parse(&format!("{:e}", f.abs())),
            Num::F(_) => None,
        }
    }

    /// Parses Rust's `{:e}` rendering (`1.25e-2`).
    fn parse(text: &str) -> Option<Exact> {
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
        Some(Exact { mantissa, exponent })
    }

    fn is_multiple_of(self, divisor: Exact) -> bool {
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
