#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cmp::Ordering;

use serde_json::{Number, Value, json};

use super::*;

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
fn unique_uses_json_equality() {
    assert!(!all_unique(&[json!(1), json!(1.0)]));
    assert!(all_unique(&[json!({"a": 1}), json!({"a": 2})]));
}
