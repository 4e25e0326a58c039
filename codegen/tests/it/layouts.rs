//! Catalog layouts real sources use, and schemas their users cannot edit,
//! each laid out in a temporary directory as a user would write it: it
//! loads, generates, proves its examples (valid ones and invalid ones with
//! their exact errors), and dispatches as `source.yaml` says. The
//! `eventsmith-snapshots` crate compiles and runs one such catalog
//! (`codegen/tests/snapshots/vendor`).

use std::path::{Path, PathBuf};

use eventsmith_codegen::diagnostic::Diagnostics;
use eventsmith_codegen::lower::Compiled;
use eventsmith_codegen::validate::{CatalogValidator, Outcome};
use eventsmith_core::event::Given;
use serde_json::{Value, json};

/// Writes `files` (path below the catalog, content) into a fresh directory.
fn catalog(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("eventsmith-layouts-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, content) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

/// Loads and lowers `dir`, generates its bindings and proves its
/// examples; fails on any error. Returns the catalog and its warnings.
fn prove(dir: &Path) -> (Compiled, Diagnostics) {
    let mut diags = Diagnostics::default();
    let compiled = Compiled::load(dir, &mut diags);
    assert!(!diags.has_errors(), "{}", diags.render());
    let files = eventsmith_codegen::emit::generate(&compiled, &Default::default()).unwrap();
    assert!(!files.is_empty());
    let problems = CatalogValidator::new(&compiled).check_examples();
    assert!(problems.is_empty(), "{problems:#?}");
    let examples: usize = compiled
        .catalog
        .sources
        .iter()
        .flat_map(|s| &s.events)
        .flat_map(|e| &e.versions)
        .map(|v| v.examples.len())
        .sum();
    assert!(examples > 0, "the catalog proves no example");
    (compiled, diags)
}

/// The errors loading `dir` reports.
fn errors(dir: &Path) -> Vec<String> {
    let mut diags = Diagnostics::default();
    let _ = Compiled::load(dir, &mut diags);
    diags
        .errors()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

fn validate(compiled: &Compiled, value: Value, given: Given<'_>) -> Outcome {
    CatalogValidator::new(compiled).validate_given(&value, &given)
}

fn generated(compiled: &Compiled) -> String {
    eventsmith_codegen::emit::generate(compiled, &Default::default())
        .unwrap()
        .into_values()
        .collect()
}

const OBJECT_07: &str = r#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
  "required": ["kind", "n"], "properties": {"kind": {"type": "string"}, "n": {"type": "integer"}}}"#;

#[test]
fn no_version_one_schema_per_type() {
    let dir = catalog(
        "none",
        &[
            (
                "plain/source.yaml",
                "title: Plain\nversioning: none\ntype_field: kind\n",
            ),
            ("plain/ping/schema.json", OBJECT_07),
            (
                "plain/ping/examples/basic.json",
                r#"{"kind": "ping", "n": 1}"#,
            ),
            (
                "plain/ping/examples/invalid/no-n.json",
                r#"{"kind": "ping"}"#,
            ),
            (
                "plain/ping/examples/invalid/expected.yaml",
                "no-n.json:\n  reason: n is required\n  errors:\n    - { instance_path: \"\", keyword: required }\n",
            ),
        ],
    );
    let (compiled, _) = prove(&dir);
    let ok = validate(&compiled, json!({"kind": "ping", "n": 2}), Given::NOTHING);
    assert!(ok.valid, "{ok:?}");
    assert_eq!(ok.schema_version.as_deref(), Some("schema"));
    assert_eq!(ok.version, None);
    let code = generated(&compiled);
    assert!(code.contains("Selector::Only"), "{code}");
    // Two schemas in a type without versions and no member to choose: refused.
    std::fs::write(dir.join("plain/ping/other.json"), OBJECT_07).unwrap();
    let e = errors(&dir);
    assert!(e.iter().any(|e| e.starts_with("several-schemas")), "{e:?}");
}

#[test]
fn integer_versions_in_the_payload_as_number_or_string() {
    let v2 = r#"{"type": "object", "required": ["kind", "version", "total"],
      "properties": {"kind": {"type": "string"}, "version": {"type": ["integer", "string"]}, "total": {"type": "integer"}}}"#;
    let dir = catalog(
        "integer",
        &[
            (
                "shop/source.yaml",
                "title: Shop\nversioning: integer\ntype_field: kind\n",
            ),
            (
                "shop/order/1.json",
                r#"{"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, "version": {}}}"#,
            ),
            ("shop/order/2.json", v2),
            (
                "shop/order/examples/1.json",
                r#"{"kind": "order", "version": "1"}"#,
            ),
            (
                "shop/order/examples/2-number.json",
                r#"{"kind": "order", "version": 2, "total": 3}"#,
            ),
            (
                "shop/order/examples/invalid/2-no-total.json",
                r#"{"kind": "order", "version": 2}"#,
            ),
            (
                "shop/order/examples/invalid/expected.yaml",
                "2-no-total.json:\n  reason: total is required\n  errors:\n    - { instance_path: \"\", keyword: required }\n",
            ),
        ],
    );
    let (compiled, _) = prove(&dir);
    for version in [json!(2), json!("2")] {
        let o = validate(
            &compiled,
            json!({"kind": "order", "version": version, "total": 1}),
            Given::NOTHING,
        );
        assert!(o.valid, "{o:?}");
        assert_eq!(o.schema_version.as_deref(), Some("2"));
    }
    // Read only by the schema of that exact number.
    let o = validate(
        &compiled,
        json!({"kind": "order", "version": 3}),
        Given::NOTHING,
    );
    assert_eq!(o.errors[0].keyword, "dispatch");
    assert!(
        o.errors[0].message.contains("no schema can read version 3"),
        "{o:?}"
    );
    assert!(generated(&compiled).contains("Scheme::Integer"));
}

#[test]
fn versions_given_outside_the_payload() {
    let dir = catalog(
        "given-version",
        &[
            (
                "api/source.yaml",
                "title: API\nversioning: calendar\ntype_field: kind\nversion_from: { given: the endpoint's API version }\n",
            ),
            ("api/charge/2024-01-01.json", OBJECT_07),
            (
                "api/charge/examples/2024-01-01.json",
                r#"{"kind": "charge", "n": 1}"#,
            ),
        ],
    );
    let (compiled, _) = prove(&dir);
    let payload = json!({"kind": "charge", "n": 1});
    let o = validate(&compiled, payload.clone(), Given::NOTHING);
    assert!(
        o.errors[0]
            .message
            .contains("comes from the endpoint's API version, and none was given"),
        "{o:?}"
    );
    let o = validate(
        &compiled,
        payload,
        Given {
            event_type: None,
            version: Some("2024-06-30"),
        },
    );
    assert!(o.valid, "{o:?}");
    assert_eq!(o.schema_version.as_deref(), Some("2024-01-01"));
}

#[test]
fn type_from_a_header_and_a_payload_that_is_an_array() {
    // The root says no `type`: the effective schema must not say `object`.
    let list =
        r#"{"$schema": "http://json-schema.org/draft-07/schema#", "items": {"type": "string"}}"#;
    let dir = catalog(
        "header",
        &[
            (
                "hub/source.yaml",
                "title: Hub\nversioning: none\ntype_from: { header: X-Hub-Event }\n",
            ),
            ("hub/tags/schema.json", list),
            ("hub/tags/examples/some.json", r#"["a", "b"]"#),
            ("hub/tags/examples/invalid/numbers.json", "[1]"),
            (
                "hub/tags/examples/invalid/expected.yaml",
                "numbers.json:\n  reason: tags are strings\n  errors:\n    - { instance_path: /0, keyword: type }\n",
            ),
        ],
    );
    let (compiled, _) = prove(&dir);
    let reg = &compiled.catalog.registry;
    let root = compiled.catalog.sources[0].events[0].versions[0].root();
    assert_eq!(
        reg.value(&root).unwrap().get("type"),
        None,
        "type: object was added"
    );
    let o = validate(&compiled, json!(["x"]), Given::event_type("tags"));
    assert!(o.valid, "{o:?}");
    let o = validate(&compiled, json!(["x"]), Given::NOTHING);
    assert!(
        o.errors[0].message.contains("the X-Hub-Event header"),
        "{o:?}"
    );
    let code = generated(&compiled);
    assert!(
        code.contains("Locator::Given(\"the X-Hub-Event header\")"),
        "{code}"
    );
    assert!(code.contains("const TYPE_HEADER"), "{code}");
}

#[test]
fn the_envelope_merge_says_when_it_needs_an_object() {
    let dir = catalog(
        "needs-object",
        &[
            ("box/source.yaml", "title: Box\nversioning: semver\n"),
            ("box/list/1.0.0.json", r#"{"type": "array"}"#),
        ],
    );
    let e = errors(&dir);
    assert!(
        e.iter()
            .any(|e| e.starts_with("envelope-needs-object") && e.contains("\"type\" member")),
        "{e:?}"
    );
}

#[test]
fn type_from_one_member_and_schema_from_another() {
    let action = |a: &str| {
        format!(
            r#"{{"type": "object", "required": ["kind", "action"], "properties": {{"kind": {{"type": "string"}}, "action": {{"const": "{a}"}}, "id": {{"type": "integer"}}}}, "additionalProperties": false}}"#
        )
    };
    let (opened, closed) = (action("opened"), action("closed"));
    let free = r#"{"type": "object", "properties": {"kind": {"type": "string"}, "action": {"type": "string"}}}"#;
    let dir = catalog(
        "two-members",
        &[
            (
                "tracker/source.yaml",
                "title: Tracker\nversioning: none\ntype_field: kind\nschema_from: { member: action, default: event }\n",
            ),
            ("tracker/issue/opened.json", &opened),
            ("tracker/issue/closed.json", &closed),
            (
                "tracker/issue/examples/opened.json",
                r#"{"kind": "issue", "action": "opened", "id": 1}"#,
            ),
            (
                "tracker/issue/examples/closed-quickly.json",
                r#"{"kind": "issue", "action": "closed"}"#,
            ),
            (
                "tracker/issue/examples/invalid/opened-extra.json",
                r#"{"kind": "issue", "action": "opened", "x": 1}"#,
            ),
            (
                "tracker/issue/examples/invalid/expected.yaml",
                "opened-extra.json:\n  reason: no other members\n  errors:\n    - { instance_path: /x, keyword: additionalProperties }\n",
            ),
            ("tracker/ping/event.json", free),
            (
                "tracker/ping/examples/event.json",
                r#"{"kind": "ping", "action": "anything"}"#,
            ),
        ],
    );
    let (compiled, _) = prove(&dir);
    let o = validate(
        &compiled,
        json!({"kind": "issue", "action": "closed"}),
        Given::NOTHING,
    );
    assert_eq!(
        (o.schema_version.as_deref(), o.valid),
        (Some("closed"), true),
        "{o:?}"
    );
    // A type whose only schema is the default reads any action with it.
    let o = validate(
        &compiled,
        json!({"kind": "ping", "action": "free-form"}),
        Given::NOTHING,
    );
    assert_eq!(o.schema_version.as_deref(), Some("event"), "{o:?}");
    let o = validate(
        &compiled,
        json!({"kind": "issue", "action": "deleted"}),
        Given::NOTHING,
    );
    assert_eq!(o.errors[0].instance_path, "/action", "{o:?}");
    // An example whose member names another schema than its file name.
    std::fs::write(
        dir.join("tracker/issue/examples/closed-2.json"),
        r#"{"kind": "issue", "action": "opened"}"#,
    )
    .unwrap();
    let e = errors(&dir);
    assert!(
        e.iter().any(|e| e.starts_with("example-version-mismatch")),
        "{e:?}"
    );
}

#[test]
fn schema_file_suffix_and_ignored_directories() {
    let dir = catalog(
        "suffix",
        &[
            (
                "vendor/source.yaml",
                "title: Vendor\nversioning: none\ntype_field: kind\nschema_file_suffix: .schema.json\nignore: [tools]\n",
            ),
            ("vendor/ping/event.schema.json", OBJECT_07),
            (
                "vendor/ping/examples/event.json",
                r#"{"kind": "ping", "n": 1}"#,
            ),
            ("vendor/tools/check.py", "print('not an event type')\n"),
        ],
    );
    let (compiled, _) = prove(&dir);
    assert_eq!(compiled.catalog.sources[0].events.len(), 1);
    assert_eq!(compiled.sources[0].events[0].versions[0].key, "event");
    std::fs::write(dir.join("vendor/ping/notes.json"), "{}").unwrap();
    let e = errors(&dir);
    assert!(
        e.iter()
            .any(|e| e.contains("does not end in \".schema.json\"")),
        "{e:?}"
    );
}

#[test]
fn a_vendor_keyword_is_refused_until_declared_an_annotation() {
    let schema = r#"{"type": "object", "properties": {"kind": {"type": "string"}}, "allOf": [{"tsAdditionalProperties": false}]}"#;
    let files = [
        (
            "v/source.yaml",
            "title: V\nversioning: none\ntype_field: kind\n",
        ),
        ("v/thing/schema.json", schema),
        (
            "v/thing/examples/any.json",
            r#"{"kind": "thing", "more": true}"#,
        ),
    ];
    let dir = catalog("vendor-keyword", &files);
    let mut diags = Diagnostics::default();
    let _ = Compiled::load(&dir, &mut diags);
    let refused = diags
        .errors()
        .find(|d| d.code == "unsupported-keyword")
        .expect("refused");
    assert!(refused.message.contains("tsAdditionalProperties"));
    assert!(
        refused
            .hint
            .as_deref()
            .unwrap()
            .contains("annotations: [tsAdditionalProperties]"),
        "{refused:?}"
    );
    std::fs::write(
        dir.join("v/source.yaml"),
        "title: V\nversioning: none\ntype_field: kind\nannotations: [tsAdditionalProperties]\n",
    )
    .unwrap();
    prove(&dir);
}

#[test]
fn colliding_names_are_numbered_with_a_warning_or_chosen_in_source_yaml() {
    let schema = r#"{"type": "object", "required": ["kind"], "properties": {
        "kind": {"type": "string"}, "+1": {"type": "integer"}, "-1": {"type": "integer"},
        "@type": {"type": "string"}, "first-name": {"type": "string"}, "first_name": {"type": "string"},
        "state": {"enum": ["a-b", "a_b", "ok"]}}}"#;
    let files = [
        (
            "n/source.yaml",
            "title: N\nversioning: none\ntype_field: kind\n",
        ),
        ("n/thing/schema.json", schema),
        (
            "n/thing/examples/all.json",
            r#"{"kind": "thing", "+1": 1, "-1": 2, "@type": "t", "first-name": "a", "first_name": "b", "state": "a_b"}"#,
        ),
    ];
    let dir = catalog("names", &files);
    let (compiled, warnings) = prove(&dir);
    let code = generated(&compiled);
    for field in [
        "pub plus_1:",
        "pub minus_1:",
        "pub at_type:",
        "pub first_name:",
        "pub first_name_2:",
    ] {
        assert!(code.contains(field), "{field} in {code}");
    }
    assert!(code.contains("AB2,"), "{code}");
    let collisions: Vec<&str> = warnings
        .0
        .iter()
        .filter(|d| d.code == "name-collision")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(collisions.len(), 2, "{collisions:?}");
    // Overrides by pointer, for a schema that cannot be edited.
    std::fs::write(
        dir.join("n/source.yaml"),
        "title: N\nversioning: none\ntype_field: kind\nnames:\n  \"thing/schema.json#/properties/+1\": thumbs_up\n  \"thing/schema.json#/properties/first_name\": given_name\n  \"thing/schema.json#/properties/state/enum/1\": AUnderscoreB\n  \"thing/schema.json#\": Gadget\n",
    )
    .unwrap();
    let (compiled, warnings) = prove(&dir);
    let code = generated(&compiled);
    for expected in [
        "pub thumbs_up:",
        "pub given_name:",
        "AUnderscoreB,",
        "pub struct Gadget",
    ] {
        assert!(code.contains(expected), "{expected} in {code}");
    }
    assert!(
        !warnings.0.iter().any(|d| d.code == "name-collision"),
        "{warnings:?}"
    );
    // A pointer that leads nowhere is an error naming it.
    std::fs::write(
        dir.join("n/source.yaml"),
        "title: N\nversioning: none\ntype_field: kind\nnames:\n  \"thing/schema.json#/properties/nope\": x\n",
    )
    .unwrap();
    let e = errors(&dir);
    assert!(
        e.iter()
            .any(|e| e.starts_with("invalid-override") && e.contains("/properties/nope")),
        "{e:?}"
    );
}

#[test]
fn a_replaced_type_is_the_users_and_is_read_through_serde() {
    let files = [
        (
            "r/source.yaml",
            "title: R\nversioning: none\ntype_field: kind\nreplace:\n  \"common/user.json#\": crate::people::User\nattributes:\n  \"thing/schema.json#\": [\"#[derive(Default)]\"]\n",
        ),
        (
            "r/common/user.json",
            r#"{"title": "User", "type": "object", "required": ["login"], "properties": {"login": {"type": "string"}}}"#,
        ),
        (
            "r/thing/schema.json",
            r#"{"type": "object", "required": ["kind", "owner"], "properties": {"kind": {"type": "string"}, "owner": {"$ref": "../common/user.json"}, "watchers": {"type": "array", "items": {"$ref": "../common/user.json"}}}}"#,
        ),
        (
            "r/thing/examples/one.json",
            r#"{"kind": "thing", "owner": {"login": "a"}}"#,
        ),
        (
            "r/thing/examples/invalid/no-login.json",
            r#"{"kind": "thing", "owner": {}}"#,
        ),
        (
            "r/thing/examples/invalid/expected.yaml",
            "no-login.json:\n  reason: the schema still validates a replaced type\n  errors:\n    - { instance_path: /owner, keyword: required }\n",
        ),
    ];
    let dir = catalog("replace", &files);
    let (compiled, _) = prove(&dir);
    let code = generated(&compiled);
    assert!(code.contains("pub owner: crate::people::User,"), "{code}");
    assert!(
        code.contains("::std::vec::Vec<crate::people::User>"),
        "{code}"
    );
    assert!(
        code.contains("f.required_serde(1)") && code.contains("f.optional_serde(2)"),
        "{code}"
    );
    assert!(code.contains("#[derive(Default)]"), "{code}");
    assert!(!code.contains("pub struct User"), "{code}");
    // The builder says the same.
    std::fs::write(
        dir.join("r/source.yaml"),
        "title: R\nversioning: none\ntype_field: kind\n",
    )
    .unwrap();
    let files = eventsmith_codegen::Config::new()
        .schemas(&dir)
        .replace("r/common/user.json#", "my_crate::Person")
        .generate()
        .unwrap()
        .files;
    assert!(
        files
            .values()
            .any(|f| f.contains("pub owner: my_crate::Person,"))
    );
    let e = eventsmith_codegen::Config::new()
        .schemas(&dir)
        .replace("r/common/nope.json#", "x::Y")
        .generate()
        .unwrap_err();
    assert!(e.to_string().contains("nope.json does not exist"), "{e}");
}

#[test]
fn patches_change_the_effective_schema_and_check_reports_them() {
    let files = [
        (
            "p/source.yaml",
            "title: P\nversioning: none\ntype_field: kind\npatches:\n  - at: \"thing/schema.json#/properties/when/format\"\n    remove: true\n    reason: the vendor sends dates without an offset\n  - at: \"thing/schema.json#/properties/n/maximum\"\n    value: 10\n    reason: documented as at most 10\n",
        ),
        (
            "p/thing/schema.json",
            r#"{"type": "object", "properties": {"kind": {"type": "string"}, "when": {"type": "string", "format": "date-time"}, "n": {"type": "integer"}}}"#,
        ),
        (
            "p/thing/examples/loose-date.json",
            r#"{"kind": "thing", "when": "2018-04-25 20:42:10"}"#,
        ),
        (
            "p/thing/examples/invalid/eleven.json",
            r#"{"kind": "thing", "n": 11}"#,
        ),
        (
            "p/thing/examples/invalid/expected.yaml",
            "eleven.json:\n  reason: the patched maximum\n  errors:\n    - { instance_path: /n, keyword: maximum }\n",
        ),
    ];
    let dir = catalog("patches", &files);
    let (compiled, _) = prove(&dir);
    // The file is untouched; the registry holds the patched schema.
    let on_disk = std::fs::read_to_string(dir.join("p/thing/schema.json")).unwrap();
    assert!(on_disk.contains("date-time"));
    let root = compiled.catalog.sources[0].events[0].versions[0].root();
    let effective = compiled.catalog.registry.value(&root).unwrap();
    assert_eq!(effective.pointer("/properties/when/format"), None);
    assert_eq!(effective.pointer("/properties/n/maximum"), Some(&json!(10)));
    let report = eventsmith_codegen::compat::check_catalog(&dir);
    let notes: Vec<&str> = report
        .diagnostics
        .0
        .iter()
        .filter(|d| d.code == "patched")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].contains("the vendor sends dates without an offset")
            || notes[1].contains("the vendor sends dates without an offset")
    );
    assert_eq!(report.exit_code(), 0, "{}", report.render_text());
    // And the export writes the effective schema.
    let mut compiled = compiled;
    let exported = eventsmith_codegen::export::export(&mut compiled, &Default::default()).unwrap();
    let text: String = exported.files.values().cloned().collect();
    assert!(
        text.contains("\"maximum\": 10") && !text.contains("date-time"),
        "{text}"
    );
}

#[test]
fn a_default_its_own_schema_rejects_is_an_error_until_patched() {
    let schema = r#"{"type": "object", "properties": {
        "kind": {"type": "string"},
        "archived": {"type": "boolean", "enum": [true], "default": false},
        "when": {"type": "string", "format": "date", "default": "yesterday"},
        "size": {"type": "integer", "minimum": 1, "default": 3}}}"#;
    let yaml = "title: D\nversioning: none\ntype_field: kind\n";
    let files = [
        ("d/source.yaml", yaml),
        ("d/thing/schema.json", schema),
        ("d/thing/examples/one.json", r#"{"kind": "thing"}"#),
    ];
    let dir = catalog("defaults", &files);
    let report = eventsmith_codegen::compat::check_catalog(&dir);
    let rejected: Vec<_> = report
        .diagnostics
        .0
        .iter()
        .filter(|d| d.code == "default-rejected")
        .collect();
    // `size`'s default fits; `archived`'s breaks `enum`, `when`'s `format`.
    let mut pointers: Vec<_> = rejected
        .iter()
        .map(|d| d.pointer.clone().unwrap())
        .collect();
    pointers.sort();
    assert_eq!(
        pointers,
        ["/properties/archived/default", "/properties/when/default"]
    );
    for d in &rejected {
        assert_eq!(
            d.file.as_deref(),
            Some(dir.join("d/thing/schema.json").as_path())
        );
        assert!(d.line.is_some(), "{d}");
        assert!(
            d.hint.as_deref().unwrap().contains(&format!(
                "thing/schema.json#{}",
                d.pointer.as_deref().unwrap()
            )),
            "{d:?}"
        );
    }
    assert_eq!(report.exit_code(), 1, "{}", report.render_text());

    // The fix the hint gives, beside the schema.
    let patched = format!(
        "{yaml}patches:\n  - at: \"thing/schema.json#/properties/archived/default\"\n    remove: true\n    reason: contradicts enum\n  - at: \"thing/schema.json#/properties/when/default\"\n    value: \"2024-01-31\"\n    reason: not a date\n"
    );
    let files = [
        ("d/source.yaml", patched.as_str()),
        ("d/thing/schema.json", schema),
        ("d/thing/examples/one.json", r#"{"kind": "thing"}"#),
    ];
    let dir = catalog("defaults-patched", &files);
    let report = eventsmith_codegen::compat::check_catalog(&dir);
    assert_eq!(report.exit_code(), 0, "{}", report.render_text());
}
