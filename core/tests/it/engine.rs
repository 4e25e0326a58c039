//! The validation engine on hand-built programs: every keyword's verdict,
//! messages, paths and order; `anyOf`/`oneOf` branch reporting;
//! `unevaluated*` through in-place applicators; program errors.

use eventsmith_core::formats::Format;
use eventsmith_core::json::{Limits, Tape};
use eventsmith_core::validation::program::{
    Body, Check, CheckKind as K, Node, NodeId, Program, TypeSet,
};
use eventsmith_core::validation::{Collect, Embedded, Num, Probe, Validator};
use serde_json::{Value, json};

/// A program under construction: node 0 is added first.
#[derive(Default)]
struct P(Vec<Node>);

impl P {
    /// Adds a node with these checks; its id.
    fn node(&mut self, checks: Vec<(&str, K)>) -> NodeId {
        let id = self.0.len();
        let at = format!("s.json#/n{id}");
        self.0.push(Node {
            body: Body::Checks(
                checks
                    .into_iter()
                    .map(|(keyword, kind)| Check {
                        keyword: keyword.to_owned(),
                        path: format!("{at}/{keyword}"),
                        kind,
                    })
                    .collect(),
            ),
            at,
        });
        id as NodeId
    }

    fn always(&mut self, b: bool) -> NodeId {
        let id = self.0.len();
        self.0.push(Node {
            at: format!("s.json#/n{id}"),
            body: Body::Always(b),
        });
        id as NodeId
    }

    fn build(self) -> Validator {
        Validator::new(Program { nodes: self.0 }).unwrap()
    }
}

fn ty(names: &[&str]) -> K {
    K::Type(TypeSet(
        names
            .iter()
            .map(|n| TypeSet::bit(n).unwrap())
            .fold(0, |a, b| a | b),
    ))
}

/// Every error as `instance path | keyword | message`, after checking that
/// the probe agrees on the verdict.
fn errors(v: &Validator, node: NodeId, instance: Value) -> Vec<String> {
    let from_text = errors_in(v, node, &instance.to_string());
    assert_eq!(
        v.validate_value(node, &instance).is_ok(),
        from_text.is_empty()
    );
    from_text
}

/// [`errors`] of a JSON text (members in the text's order).
fn errors_in(v: &Validator, node: NodeId, text: &str) -> Vec<String> {
    let tape = Tape::parse(text.as_bytes(), Limits::DEFAULT).unwrap();
    let mut sink = Collect::default();
    let valid = v.validate(node, tape.root(), &mut sink);
    assert_eq!(
        valid,
        sink.0.is_empty(),
        "verdict and errors disagree on {text}"
    );
    assert_eq!(
        v.validate(node, tape.root(), &mut Probe),
        valid,
        "probe disagrees on {text}"
    );
    assert_eq!(v.is_valid(node, tape.root()), valid);
    assert_eq!(v.errors(node, tape.root()).is_ok(), valid);
    sink.0
        .iter()
        .map(|e| {
            format!("{} | {} | {}", e.instance_path, e.keyword, e.message)
                .trim_start()
                .to_owned()
        })
        .collect()
}

fn ok(v: &Validator, node: NodeId, instance: Value) {
    assert_eq!(
        errors(v, node, instance.clone()),
        Vec::<String>::new(),
        "{instance}"
    );
}

#[test]
fn type_enum_const() {
    let mut p = P::default();
    let t = p.node(vec![
        ("type", ty(&["string", "null"])),
        ("minLength", K::MinLength(2)),
    ]);
    let int = p.node(vec![("type", ty(&["integer"]))]);
    let e = p.node(vec![("enum", K::Enum(vec![json!("a"), json!("b")]))]);
    let mixed = p.node(vec![(
        "enum",
        K::Enum(vec![json!(1), json!({"x": [1]}), json!(null)]),
    )]);
    let one = p.node(vec![("enum", K::Enum(vec![json!("only")]))]);
    let none = p.node(vec![("enum", K::Enum(vec![]))]);
    let c = p.node(vec![("const", K::Const(json!({"a": [1, "x"]})))]);
    let v = p.build();
    ok(&v, t, json!("ab"));
    ok(&v, t, json!(null));
    // A failed `type` ends the node: no minLength error.
    assert_eq!(
        errors(&v, t, json!(5)),
        ["| type | expected null or string, got integer 5"]
    );
    assert_eq!(
        errors(&v, t, json!(1.5)),
        ["| type | expected null or string, got number 1.5"]
    );
    assert_eq!(
        errors(&v, t, json!("a")),
        ["| minLength | expected at least 2 characters, got 1"]
    );
    ok(&v, int, json!(1.0));
    ok(&v, int, json!(-7));
    assert_eq!(
        errors(&v, int, json!(null)),
        ["| type | expected integer, got null"]
    );
    assert_eq!(
        errors(&v, int, json!(0.5)),
        ["| type | expected integer, got number 0.5"]
    );
    ok(&v, e, json!("b"));
    assert_eq!(
        errors(&v, e, json!("c")),
        [r#"| enum | expected one of "a", "b", got "c""#]
    );
    assert_eq!(
        errors(&v, e, json!(1)),
        [r#"| enum | expected one of "a", "b", got 1"#]
    );
    ok(&v, mixed, json!(1.0));
    ok(&v, mixed, json!({"x": [1.0]}));
    ok(&v, mixed, json!(null));
    assert_eq!(
        errors(&v, mixed, json!({"x": [2]})),
        [r#"| enum | expected one of 1, {"x":[1]}, null, got {"x":[2]}"#]
    );
    assert_eq!(
        errors(&v, one, json!("x")),
        [r#"| enum | expected "only", got "x""#]
    );
    assert_eq!(
        errors(&v, none, json!(1)),
        ["| enum | the enum lists no value, so 1 is not allowed"]
    );
    ok(&v, c, json!({"a": [1.0, "x"]}));
    assert_eq!(
        errors(&v, c, json!({"a": [1]})),
        [r#"| const | expected {"a":[1,"x"]}, got {"a":[1]}"#]
    );
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn object_keywords() {
    let mut p = P::default();
    let s = p.node(vec![("type", ty(&["string"]))]);
    let never = p.always(false);
    let root = p.node(vec![
        (
            "required",
            K::Required(vec!["a".into(), "x_z".into(), "b".into(), "x_y".into()]),
        ),
        (
            "properties",
            K::Properties(vec![("a".into(), s), ("b".into(), s)]),
        ),
        (
            "patternProperties",
            K::PatternProperties(vec![("^x_".into(), s)]),
        ),
        (
            "additionalProperties",
            K::AdditionalProperties {
                known: vec!["a".into(), "b".into()],
                patterns: vec!["^x_".into()],
                schema: never,
            },
        ),
        ("minProperties", K::MinProperties(2)),
        ("maxProperties", K::MaxProperties(4)),
    ]);
    let v = p.build();
    ok(&v, root, json!({"a": "1", "x_z": "0", "b": "2", "x_y": ""}));
    // `required` reports in the schema's order; the member keywords run as
    // one pass, in payload order.
    assert_eq!(
        errors_in(
            &v,
            root,
            r#"{"b": 2, "x_1": 3, "q": 1, "a": 1, "x_y": "0"}"#
        ),
        strings(&[
            "| required | missing required property \"x_z\"",
            "/b | type | expected string, got integer 2",
            "/x_1 | type | expected string, got integer 3",
            "/q | additionalProperties | property \"q\" is not allowed here",
            "/a | type | expected string, got integer 1",
            "| maxProperties | expected at most 4 properties, got 5",
        ])
    );
    assert_eq!(
        errors(&v, root, json!({"a": "x"})),
        strings(&[
            "| required | missing required property \"x_z\"",
            "| required | missing required property \"b\"",
            "| required | missing required property \"x_y\"",
            "| minProperties | expected at least 2 properties, got 1",
        ])
    );
    // Checks on objects pass on other types.
    ok(&v, root, json!("text"));
}

#[test]
fn additional_properties_with_a_schema_and_its_own_names() {
    let mut p = P::default();
    let int = p.node(vec![("type", ty(&["integer"]))]);
    let root = p.node(vec![
        ("properties", K::Properties(vec![("a".into(), int)])),
        (
            // Names that differ from the node's `properties`: its own list decides.
            "additionalProperties",
            K::AdditionalProperties {
                known: vec!["a".into(), "k".into()],
                patterns: vec!["^p".into()],
                schema: int,
            },
        ),
        ("propertyNames", K::PropertyNames(int)),
    ]);
    let names = p.node(vec![("propertyNames", K::PropertyNames(0))]);
    let short = p.node(vec![("maxLength", K::MaxLength(2))]);
    let short_names = p.node(vec![("propertyNames", K::PropertyNames(short))]);
    let v = p.build();
    assert_eq!(
        // Members in sorted order, so serde_json's map (sorted, or in
        // insertion order with `preserve_order`) keeps the payload's order.
        errors(&v, root, json!({"a": 1, "k": "x", "o": "z", "p1": "y"})),
        strings(&[
            "/o | type | expected integer, got string \"z\"",
            "| type | expected integer, got string \"a\"",
            "| type | expected integer, got string \"k\"",
            "| type | expected integer, got string \"o\"",
            "| type | expected integer, got string \"p1\"",
        ])
    );
    assert_eq!(
        errors(&v, names, json!({"1": 1})),
        strings(&["| type | expected integer, got string \"1\""])
    );
    ok(&v, short_names, json!({"ab": 1, "c": 2}));
    assert_eq!(
        errors(&v, short_names, json!({"ab": 1, "abc": 2})),
        strings(&["| maxLength | expected at most 2 characters, got 3"])
    );
}

#[test]
fn dependent_keywords() {
    let mut p = P::default();
    let needs_c = p.node(vec![("required", K::Required(vec!["c".into()]))]);
    let root = p.node(vec![
        (
            "dependentRequired",
            K::DependentRequired(vec![("a".into(), vec!["b".into(), "d".into()])]),
        ),
        (
            "dependentSchemas",
            K::DependentSchemas(vec![("b".into(), needs_c)]),
        ),
    ]);
    let v = p.build();
    ok(&v, root, json!({"x": 1}));
    ok(&v, root, json!({"a": 1, "b": 2, "d": 3, "c": 4}));
    assert_eq!(
        errors(&v, root, json!({"a": 1, "b": 2})),
        strings(&[
            "| dependentRequired | property \"d\" is required when \"a\" is present",
            "| required | missing required property \"c\"",
        ])
    );
}

#[test]
fn array_keywords() {
    let mut p = P::default();
    let s = p.node(vec![("type", ty(&["string"]))]);
    let int = p.node(vec![("type", ty(&["integer"]))]);
    let never = p.always(false);
    let tuple = p.node(vec![
        ("prefixItems", K::PrefixItems(vec![s, int])),
        (
            "items",
            K::Items {
                start: 2,
                schema: never,
            },
        ),
    ]);
    let list = p.node(vec![
        (
            "items",
            K::Items {
                start: 0,
                schema: int,
            },
        ),
        ("minItems", K::MinItems(2)),
        ("maxItems", K::MaxItems(3)),
        ("uniqueItems", K::UniqueItems),
    ]);
    let contains = p.node(vec![(
        "contains",
        K::Contains {
            schema: s,
            min: 1,
            max: Some(2),
        },
    )]);
    let unique = p.node(vec![("uniqueItems", K::UniqueItems)]);
    let at_least_two = p.node(vec![(
        "contains",
        K::Contains {
            schema: s,
            min: 2,
            max: None,
        },
    )]);
    let v = p.build();
    ok(&v, tuple, json!(["a", 1]));
    ok(&v, tuple, json!(["a"]));
    assert_eq!(
        errors(&v, tuple, json!([1, "a", true])),
        strings(&[
            "/0 | type | expected string, got integer 1",
            "/1 | type | expected integer, got string \"a\"",
            "| items | expected at most 2 items, got 3",
        ])
    );
    ok(&v, list, json!([1, 2.0, 3.5e0 as i64]));
    assert_eq!(
        errors(&v, list, json!([1, "x", 1.0, 4])),
        strings(&[
            "/1 | type | expected integer, got string \"x\"",
            "| maxItems | expected at most 3 items, got 4",
            "| uniqueItems | expected unique items, found duplicates",
        ])
    );
    assert_eq!(
        errors(&v, list, json!([1])),
        strings(&["| minItems | expected at least 2 items, got 1"])
    );
    ok(&v, unique, json!([{"a": 1, "b": 2}, {"b": 2, "a": 1.5}]));
    assert_eq!(
        errors_in(
            &v,
            unique,
            r#"[[1, {"a": 1, "b": 2}], [1.0, {"b": 2, "a": 1}]]"#
        ),
        strings(&["| uniqueItems | expected unique items, found duplicates"])
    );
    ok(&v, contains, json!([1, "a"]));
    assert_eq!(
        errors(&v, contains, json!([1, 2])),
        strings(&["| contains | expected at least 1 items matching `contains`, found 0"])
    );
    assert_eq!(
        errors(&v, contains, json!(["a", "b", "c"])),
        strings(&["| contains | expected at most 2 items matching `contains`, found 3"])
    );
    assert_eq!(
        errors(&v, at_least_two, json!(["a"])),
        strings(&["| contains | expected at least 2 items matching `contains`, found 1"])
    );
    ok(&v, contains, json!({"not": "an array"}));
}

#[test]
fn string_keywords() {
    let mut p = P::default();
    let root = p.node(vec![
        ("minLength", K::MinLength(2)),
        ("maxLength", K::MaxLength(4)),
        ("pattern", K::Pattern("^evt_[a-z0-9]+$".into())),
        ("format", K::Format(Format::Uuid)),
    ]);
    let regex = p.node(vec![("pattern", K::Pattern("(?<!a)b\\p{L}".into()))]);
    let v = p.build();
    assert_eq!(
        errors(&v, root, json!("é")),
        strings(&[
            "| minLength | expected at least 2 characters, got 1",
            "| pattern | expected a string matching /^evt_[a-z0-9]+$/, got \"é\"",
            "| format | expected a valid uuid, got \"é\"",
        ])
    );
    assert_eq!(
        errors(&v, root, json!("evt_abc")),
        strings(&[
            "| maxLength | expected at most 4 characters, got 7",
            "| format | expected a valid uuid, got \"evt_abc\"",
        ])
    );
    ok(&v, root, json!(12));
    ok(&v, regex, json!("xbé"));
    assert_eq!(
        errors(&v, regex, json!("abé")),
        strings(&["| pattern | expected a string matching /(?<!a)b\\p{L}/, got \"abé\""])
    );
    let long = "x".repeat(80);
    assert_eq!(
        errors(&v, regex, json!(long)),
        [format!(
            "| pattern | expected a string matching /(?<!a)b\\p{{L}}/, got \"{}...",
            "x".repeat(56)
        )]
    );
}

#[test]
fn number_keywords() {
    let mut p = P::default();
    let root = p.node(vec![
        ("minimum", K::Minimum(Num::I(1))),
        ("maximum", K::Maximum(Num::F(10.5))),
        ("exclusiveMinimum", K::ExclusiveMinimum(Num::I(0))),
        ("exclusiveMaximum", K::ExclusiveMaximum(Num::U(u64::MAX))),
        ("multipleOf", K::MultipleOf(Num::F(0.5))),
    ]);
    let v = p.build();
    ok(&v, root, json!(1));
    ok(&v, root, json!(10.5));
    ok(&v, root, json!("not a number"));
    assert_eq!(
        errors(&v, root, json!(0)),
        strings(&[
            "| minimum | expected a number at least 1, got 0",
            "| exclusiveMinimum | expected a number greater than 0, got 0",
        ])
    );
    assert_eq!(
        errors(&v, root, json!(10.75)),
        strings(&[
            "| maximum | expected a number at most 10.5, got 10.75",
            "| multipleOf | expected a multiple of 0.5, got 10.75",
        ])
    );
    let text = "18446744073709551615";
    let tape = Tape::parse(text.as_bytes(), Limits::DEFAULT).unwrap();
    let e = v.errors(root, tape.root()).unwrap_err();
    assert_eq!(
        e.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
        [
            "expected a number at most 10.5, got 18446744073709551615",
            "expected a number less than 18446744073709551615, got 18446744073709551615",
        ]
    );
}

#[test]
fn applicators() {
    let mut p = P::default();
    let s = p.node(vec![("type", ty(&["string"]))]);
    let short = p.node(vec![("maxLength", K::MaxLength(2))]);
    let all = p.node(vec![("allOf", K::AllOf(vec![s, short]))]);
    let any = p.node(vec![("anyOf", K::AnyOf(vec![s, short]))]);
    let int = p.node(vec![("type", ty(&["integer"]))]);
    let one = p.node(vec![("oneOf", K::OneOf(vec![s, short]))]);
    let not = p.node(vec![("not", K::Not(s))]);
    let cond = p.node(vec![(
        "if",
        K::IfThenElse {
            condition: s,
            then: Some(short),
            otherwise: Some(int),
        },
    )]);
    let lone_if = p.node(vec![(
        "if",
        K::IfThenElse {
            condition: s,
            then: None,
            otherwise: None,
        },
    )]);
    let reference = p.node(vec![("$ref", K::Ref(all))]);
    let never = p.always(false);
    let always = p.always(true);
    let v = p.build();
    ok(&v, all, json!("ab"));
    assert_eq!(
        errors(&v, all, json!(123)),
        strings(&["| type | expected string, got integer 123"])
    );
    assert_eq!(
        errors(&v, all, json!("abc")),
        strings(&["| maxLength | expected at most 2 characters, got 3"])
    );
    ok(&v, any, json!(1));
    // oneOf: "ab" is valid against both.
    assert_eq!(
        errors(&v, one, json!("ab")),
        strings(&[
            "| oneOf | expected a value valid against exactly one of the 2 oneOf schemas, it matches more than one"
        ])
    );
    ok(&v, one, json!("abc"));
    ok(&v, not, json!(1));
    assert_eq!(
        errors(&v, not, json!("x")),
        strings(&["| not | expected a value that is not valid against the `not` schema"])
    );
    ok(&v, cond, json!("ab"));
    ok(&v, cond, json!(3));
    assert_eq!(
        errors(&v, cond, json!("abc")),
        strings(&["| maxLength | expected at most 2 characters, got 3"])
    );
    assert_eq!(
        errors(&v, cond, json!(1.5)),
        strings(&["| type | expected integer, got number 1.5"])
    );
    ok(&v, lone_if, json!(1));
    assert_eq!(
        errors(&v, reference, json!("abc")),
        strings(&["| maxLength | expected at most 2 characters, got 3"])
    );
    assert_eq!(
        errors(&v, never, json!(1)),
        strings(&["| false | no value is allowed here"])
    );
    let tape = Tape::parse(b"1", Limits::DEFAULT).unwrap();
    let e = v.errors(never, tape.root()).unwrap_err();
    assert_eq!(e.0[0].schema_path, "s.json#/n10");
    ok(&v, always, json!({"anything": [1]}));
    // A node id the program does not have fails, without panicking.
    assert_eq!(
        v.errors(99, tape.root()).unwrap_err().0[0].message,
        "the validator has no node 99"
    );
}

/// Three branches told apart by the `type` member's `const`: directly, through
/// `$ref`, and through `allOf`.
fn union() -> (Validator, NodeId) {
    let mut p = P::default();
    let root = p.node(vec![]);
    let s = p.node(vec![("type", ty(&["string"]))]);
    let int = p.node(vec![("type", ty(&["integer"]))]);
    let person = p.node(vec![("const", K::Const(json!("person")))]);
    let member = p.node(vec![("enum", K::Enum(vec![json!("member")]))]);
    let group = p.node(vec![("const", K::Const(json!("group")))]);
    let a = p.node(vec![
        ("required", K::Required(vec!["type".into(), "name".into()])),
        (
            "properties",
            K::Properties(vec![("type".into(), person), ("name".into(), s)]),
        ),
    ]);
    let b_target = p.node(vec![
        ("required", K::Required(vec!["id".into()])),
        (
            "properties",
            K::Properties(vec![("type".into(), member), ("id".into(), int)]),
        ),
    ]);
    let b = p.node(vec![("$ref", K::Ref(b_target))]);
    let c_part = p.node(vec![(
        "properties",
        K::Properties(vec![("type".into(), group)]),
    )]);
    let c_rest = p.node(vec![("required", K::Required(vec!["members".into()]))]);
    let c = p.node(vec![("allOf", K::AllOf(vec![c_part, c_rest]))]);
    let mut nodes = p.0;
    nodes[root as usize].body = Body::Checks(vec![
        Check {
            keyword: "type".into(),
            path: "s.json#/type".into(),
            kind: ty(&["object"]),
        },
        Check {
            keyword: "oneOf".into(),
            path: "s.json#/oneOf".into(),
            kind: K::OneOf(vec![a, b, c]),
        },
    ]);
    (Validator::new(Program { nodes }).unwrap(), root)
}

#[test]
fn one_of_reports_the_branch_the_discriminator_selects() {
    let (v, root) = union();
    ok(&v, root, json!({"type": "member", "id": 3}));
    assert_eq!(
        errors(&v, root, json!({"type": "member", "id": "3", "name": 1})),
        strings(&[
            "| oneOf | expected a value valid against exactly one of the 3 oneOf schemas, it matches none; the branch whose \"type\" is \"member\" is branch 2, its error follows",
            "/id | type | expected integer, got string \"3\"",
        ])
    );
    assert_eq!(
        errors(&v, root, json!({"type": "group"})),
        strings(&[
            "| oneOf | expected a value valid against exactly one of the 3 oneOf schemas, it matches none; the branch whose \"type\" is \"group\" is branch 3, its error follows",
            "| required | missing required property \"members\"",
        ])
    );
    let tape = Tape::parse(br#"{"type":"group"}"#, Limits::DEFAULT).unwrap();
    let e = v.errors(root, tape.root()).unwrap_err();
    assert_eq!(e.0[1].schema_path, "s.json#/n10/required");
}

#[test]
fn one_of_without_a_discriminator_reports_the_closest_branch() {
    let (v, root) = union();
    // An unknown type: no branch is selected; the first branch has one
    // error (the const), as has the second (the const; `id` is there), the
    // third has two: fewest errors, then the deepest first error, then the first.
    assert_eq!(
        errors(&v, root, json!({"type": "robot", "name": "r2"})),
        strings(&[
            "| oneOf | expected a value valid against exactly one of the 3 oneOf schemas, it matches none; branch 1 came closest, its error follows",
            "/type | const | expected \"person\", got \"robot\"",
        ])
    );
    assert_eq!(
        errors(&v, root, json!({"type": "robot", "id": 1})),
        strings(&[
            "| oneOf | expected a value valid against exactly one of the 3 oneOf schemas, it matches none; branch 2 came closest, its error follows",
            "/type | enum | expected \"member\", got \"robot\"",
        ])
    );
    // A tie on the count goes to the deepest first error: branch 1 fails
    // at `/name`, branch 2 at the root (`id` missing).
    assert_eq!(
        errors(&v, root, json!({"type": "person", "name": 5, "x": 1})),
        strings(&[
            "| oneOf | expected a value valid against exactly one of the 3 oneOf schemas, it matches none; the branch whose \"type\" is \"person\" is branch 1, its error follows",
            "/name | type | expected string, got integer 5",
        ])
    );
    assert_eq!(
        errors(&v, root, json!({"name": 5})),
        strings(&[
            // Branch 1 has two errors, branches 2 and 3 one each, at the root.
            "| oneOf | expected a value valid against exactly one of the 3 oneOf schemas, it matches none; branch 2 came closest, its error follows",
            "| required | missing required property \"id\"",
        ])
    );
}

#[test]
fn any_of_reports_a_branch_too() {
    let mut p = P::default();
    let s = p.node(vec![
        ("type", ty(&["string"])),
        ("minLength", K::MinLength(3)),
    ]);
    let obj = p.node(vec![
        ("type", ty(&["object"])),
        ("required", K::Required(vec!["a".into(), "b".into()])),
    ]);
    let any = p.node(vec![("anyOf", K::AnyOf(vec![obj, s]))]);
    let v = p.build();
    ok(&v, any, json!("abc"));
    ok(&v, any, json!({"a": 1, "b": 2}));
    // One error each: the first branch.
    assert_eq!(
        errors(&v, any, json!(true)),
        strings(&[
            "| anyOf | expected a value valid against at least one of the 2 anyOf schemas; branch 1 came closest, its error follows",
            "| type | expected object, got boolean true",
        ])
    );
    // Two errors against one: the second.
    assert_eq!(
        errors(&v, any, json!({})),
        strings(&[
            "| anyOf | expected a value valid against at least one of the 2 anyOf schemas; branch 2 came closest, its error follows",
            "| type | expected string, got object {}",
        ])
    );
}

#[test]
fn unevaluated_properties_see_in_place_applicators() {
    let mut p = P::default();
    let any_value = p.always(true);
    let never = p.always(false);
    let int = p.node(vec![("type", ty(&["integer"]))]);
    let has_a = p.node(vec![(
        "properties",
        K::Properties(vec![("a".into(), any_value)]),
    )]);
    let b_int = p.node(vec![
        ("required", K::Required(vec!["b".into()])),
        ("properties", K::Properties(vec![("b".into(), int)])),
    ]);
    let c_any = p.node(vec![(
        "properties",
        K::Properties(vec![("c".into(), any_value)]),
    )]);
    let x_pattern = p.node(vec![(
        "patternProperties",
        K::PatternProperties(vec![("^x".into(), any_value)]),
    )]);
    let if_d = p.node(vec![
        ("required", K::Required(vec!["d".into()])),
        ("properties", K::Properties(vec![("d".into(), any_value)])),
    ]);
    let then_e = p.node(vec![(
        "properties",
        K::Properties(vec![("e".into(), any_value)]),
    )]);
    let f_any = p.node(vec![(
        "properties",
        K::Properties(vec![("f".into(), any_value), ("g".into(), any_value)]),
    )]);
    let nested = p.node(vec![
        ("properties", K::Properties(vec![("n".into(), any_value)])),
        ("unevaluatedProperties", K::UnevaluatedProperties(int)),
    ]);
    let root = p.node(vec![
        ("allOf", K::AllOf(vec![has_a, x_pattern])),
        ("anyOf", K::AnyOf(vec![b_int, c_any])),
        (
            "if",
            K::IfThenElse {
                condition: if_d,
                then: Some(then_e),
                otherwise: None,
            },
        ),
        (
            "dependentSchemas",
            K::DependentSchemas(vec![("f".into(), f_any)]),
        ),
        ("unevaluatedProperties", K::UnevaluatedProperties(never)),
    ]);
    let outer = p.node(vec![
        ("$ref", K::Ref(nested)),
        ("unevaluatedProperties", K::UnevaluatedProperties(never)),
    ]);
    let v = p.build();
    // a (allOf), x1 (allOf's patternProperties), b (valid anyOf branch), c
    // (the other branch validates too: no required), d (if), e (then).
    ok(
        &v,
        root,
        json!({"a": 1, "x1": 1, "b": 2, "c": 3, "d": 4, "e": 5}),
    );
    // `b` is not an integer: that anyOf branch fails and its annotations
    // do not count; the other branch evaluates only `c`.
    assert_eq!(
        errors(&v, root, json!({"a": 1, "b": "x", "z": 0})),
        strings(&[
            "/b | unevaluatedProperties | property \"b\" is not allowed here",
            "/z | unevaluatedProperties | property \"z\" is not allowed here",
        ])
    );
    // Without `d`, `then` does not apply and `e` is unevaluated.
    assert_eq!(
        errors(&v, root, json!({"b": 1, "e": 1})),
        strings(&["/e | unevaluatedProperties | property \"e\" is not allowed here"])
    );
    // dependentSchemas counts when its trigger is present.
    ok(&v, root, json!({"b": 1, "f": 1, "g": 2}));
    assert_eq!(
        errors(&v, root, json!({"b": 1, "g": 2})),
        strings(&["/g | unevaluatedProperties | property \"g\" is not allowed here"])
    );
    // A nested unevaluatedProperties (through $ref) evaluated every member.
    ok(&v, outer, json!({"n": "x", "o": 2}));
    assert_eq!(
        errors(&v, outer, json!({"n": "x", "o": "y"})),
        strings(&["/o | type | expected integer, got string \"y\""])
    );
}

#[test]
fn unevaluated_items_see_prefix_items_contains_and_branches() {
    let mut p = P::default();
    let s = p.node(vec![("type", ty(&["string"]))]);
    let int = p.node(vec![("type", ty(&["integer"]))]);
    let never = p.always(false);
    let prefix = p.node(vec![("prefixItems", K::PrefixItems(vec![s]))]);
    let all_items = p.node(vec![(
        "items",
        K::Items {
            start: 0,
            schema: int,
        },
    )]);
    let root = p.node(vec![
        ("allOf", K::AllOf(vec![prefix])),
        (
            "contains",
            K::Contains {
                schema: int,
                min: 0,
                max: None,
            },
        ),
        ("unevaluatedItems", K::UnevaluatedItems(never)),
    ]);
    let either = p.node(vec![
        ("oneOf", K::OneOf(vec![all_items, prefix])),
        ("unevaluatedItems", K::UnevaluatedItems(s)),
    ]);
    let v = p.build();
    ok(&v, root, json!(["a", 1, 2]));
    assert_eq!(
        errors(&v, root, json!(["a", 1, true, null])),
        strings(&[
            "/2 | unevaluatedItems | item 2 is not allowed here",
            "/3 | unevaluatedItems | item 3 is not allowed here",
        ])
    );
    // The valid oneOf branch (`items`) evaluated everything.
    ok(&v, either, json!([1, 2]));
    // Only the prefix branch is valid: item 1 is left to unevaluatedItems.
    ok(&v, either, json!(["a", "b"]));
    assert_eq!(
        errors(&v, either, json!(["a", true])),
        strings(&["/1 | type | expected string, got boolean true"])
    );
}

#[test]
fn program_errors_name_the_node_and_check() {
    let mut p = P::default();
    p.node(vec![("type", ty(&["string"])), ("$ref", K::Ref(7))]);
    let e = Validator::new(Program { nodes: p.0 }).unwrap_err();
    assert_eq!((e.node, e.check), (0, Some(1)));
    assert_eq!(
        e.to_string(),
        "node 0, check 1: `$ref` refers to node 7, which the program does not have (1 nodes)"
    );
    let mut p = P::default();
    p.node(vec![]);
    p.node(vec![("pattern", K::Pattern("(".into()))]);
    let e = Validator::new(Program { nodes: p.0 }).unwrap_err();
    assert_eq!((e.node, e.check), (1, Some(0)));
    assert!(
        e.to_string()
            .contains("pattern /(/ is not an ECMA-262 regular expression"),
        "{e}"
    );
}

static EMBEDDED: Embedded = Embedded::new(&[
    r#"{"at":"e.json#","checks":[{"type":"object"},{"properties":[["n",1]]}]}"#,
    r#"{"at":"e.json#/properties/n","checks":[{"maximum":2.5}]}"#,
]);

#[test]
fn embedded_programs_are_prepared_once() {
    let v = EMBEDDED.get();
    assert!(std::ptr::eq(v, EMBEDDED.get()));
    ok(v, 0, json!({"n": 2}));
    assert_eq!(
        errors(v, 0, json!({"n": 3})),
        strings(&["/n | maximum | expected a number at most 2.5, got 3"])
    );
    // What the generator writes is what serde writes.
    let text = serde_json::to_string(&v.program().nodes[1]).unwrap();
    assert_eq!(text, EMBEDDED_TEXTS[1]);
}

const EMBEDDED_TEXTS: [&str; 2] = [
    "",
    r#"{"at":"e.json#/properties/n","checks":[{"maximum":2.5}]}"#,
];

static BROKEN: Embedded = Embedded::new(&[r#"{"at":"x","checks":[{"$ref":3}]}"#]);

#[test]
#[should_panic(expected = "node 0, check 0: `$ref` refers to node 3")]
fn a_broken_embedded_program_panics_with_the_node() {
    BROKEN.get();
}
