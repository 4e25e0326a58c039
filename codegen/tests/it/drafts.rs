//! Catalogs written in every JSON Schema draft, laid out in temporary
//! directories as a user would write them: loaded, lowered, their examples
//! judged through the interpreter, their versions diffed, their export
//! (2020-12) checked against the original with `jsonschema`; and octokit's
//! draft-07 GitHub schemas, whose identifiers only resolve against the
//! source directory (`base_uri: source-root`).

use std::path::{Path, PathBuf};

use eventsmith_codegen::diagnostic::Diagnostics;
use eventsmith_codegen::ir::validator::{Body, CheckKind, FormatMode, Graph, LowerOptions};
use eventsmith_codegen::load::catalog::Catalog;

/// A fresh directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eventsmith-drafts-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `files` (relative path, content) below `root`.
fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// octokit's schemas (`payload-schemas/api.github.com/`): from
/// `EVENTSMITH_GITHUB_SCHEMAS`, else the shared reference copy. Absent on a
/// clean clone, where the test says so and checks nothing.
fn github_schemas() -> Option<PathBuf> {
    let dir = std::env::var_os("EVENTSMITH_GITHUB_SCHEMAS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from("/work/shared/reference/github-webhooks/payload-schemas/api.github.com")
        });
    dir.join("common").is_dir().then_some(dir)
}

/// octokit's GitHub schemas, copied unchanged into a catalog source (one
/// event type per event and action, `common/` beside them) with
/// `base_uri: source-root`: their `$id`s (`"pull_request$opened"`,
/// `"common/user.schema.json"`) and `$ref`s (`"common/user.schema.json"`)
/// are written relative to the folder, as octokit's ajv setup reads them.
/// Every reference must resolve; the only errors left are the vendor
/// keyword `tsAdditionalProperties` (a later `source.yaml` setting reads it
/// as an annotation).
#[test]
fn github_schemas_resolve_against_the_source_root() {
    let Some(schemas) = github_schemas() else {
        eprintln!("octokit's GitHub schemas are not here; set EVENTSMITH_GITHUB_SCHEMAS");
        return;
    };
    let root = temp_dir("github");
    let source = root.join("github");
    write_files(
        &source,
        &[(
            "source.yaml",
            "title: GitHub\nversioning: semver\ntype_field: x_event\nbase_uri: source-root\ndefault_draft: draft-07\n",
        )],
    );
    copy_dir(&schemas.join("common"), &source.join("common"));
    let mut versions = 0;
    for event in std::fs::read_dir(&schemas).unwrap() {
        let event = event.unwrap().path();
        let name = event.file_name().unwrap().to_string_lossy().into_owned();
        if name == "common" || !event.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&event).unwrap() {
            let file = file.unwrap().path();
            let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
            let Some(action) = file_name.strip_suffix(".schema.json") else {
                continue;
            };
            let dir = if action == "event" {
                name.clone()
            } else {
                format!("{name}.{action}")
            };
            std::fs::create_dir_all(source.join(&dir)).unwrap();
            std::fs::copy(&file, source.join(&dir).join("1.0.0.json")).unwrap();
            versions += 1;
        }
    }
    assert!(
        versions > 200,
        "only {versions} schemas found in {}",
        schemas.display()
    );

    let mut diags = Diagnostics::default();
    let mut catalog = Catalog::load(&root, &mut diags);
    assert!(!diags.has_errors(), "{}", diags.render());
    let options = LowerOptions {
        formats: FormatMode::Assert,
        relative_to: Some(catalog.root.clone()),
    };
    let mut graph = Graph::new();
    let mut lowered = 0;
    for s in 0..catalog.sources.len() {
        for e in 0..catalog.sources[s].events.len() {
            for v in 0..catalog.sources[s].events[e].versions.len() {
                let loc = catalog.sources[s].events[e].versions[v].root();
                graph.lower(&mut catalog.registry, &loc, &options, &mut diags);
                lowered += 1;
            }
        }
    }
    assert_eq!(lowered, versions);
    let unexpected: Vec<String> = diags
        .errors()
        .filter(|d| {
            !(d.code == "unsupported-keyword"
                && d.pointer
                    .as_deref()
                    .is_some_and(|p| p.ends_with("/tsAdditionalProperties")))
        })
        .map(ToString::to_string)
        .collect();
    assert!(
        unexpected.is_empty(),
        "{} errors besides tsAdditionalProperties:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        diags.errors().count() > 0,
        "tsAdditionalProperties is a vendor keyword: still refused"
    );
    // The shared definitions were reached through `$ref` and lowered: the
    // `sender` of every event is `common/user.schema.json`.
    let user = source
        .join("common")
        .join("user.schema.json")
        .canonicalize()
        .unwrap();
    let reached = graph.nodes.iter().any(|n| {
        n.loc.pointer.is_empty()
            && catalog.registry.doc(n.loc.doc).path.canonicalize().ok() == Some(user.clone())
    });
    assert!(reached, "common/user.schema.json was never reached");
    let refs = graph
        .nodes
        .iter()
        .filter_map(|n| match &n.body {
            Body::Checks(checks) => Some(
                checks
                    .iter()
                    .filter(|c| matches!(c.kind, CheckKind::Ref(_)))
                    .count(),
            ),
            Body::Always(_) => None,
        })
        .sum::<usize>();
    assert!(refs > 1000, "only {refs} references lowered");
    let _ = std::fs::remove_dir_all(&root);
}

/// The same schemas under the default `base_uri` (each file's location)
/// do not resolve: the setting is what makes them work.
#[test]
fn github_schemas_need_the_source_root_base() {
    let Some(schemas) = github_schemas() else {
        return;
    };
    let root = temp_dir("github-file-base");
    let source = root.join("github");
    write_files(
        &source,
        &[("source.yaml", "versioning: semver\ntype_field: x_event\n")],
    );
    copy_dir(&schemas.join("common"), &source.join("common"));
    std::fs::create_dir_all(source.join("ping")).unwrap();
    std::fs::copy(
        schemas.join("ping").join("event.schema.json"),
        source.join("ping").join("1.0.0.json"),
    )
    .unwrap();
    let mut diags = Diagnostics::default();
    let _ = eventsmith_codegen::Compiled::load(&root, &mut diags);
    let unresolved: Vec<_> = diags
        .0
        .iter()
        .filter(|d| d.code == "unresolved-ref")
        .collect();
    assert!(!unresolved.is_empty(), "{}", diags.render());
    assert!(
        unresolved[0]
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("base_uri: source-root")),
        "{:?}",
        unresolved[0]
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// An invalid example: the payload, its errors `(instance_path, keyword)`
/// and why.
type InvalidExample = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
);

/// One event type, two versions, examples: a small catalog in one draft.
struct DraftCatalog {
    /// `draft-04`, …
    name: &'static str,
    /// `source.yaml`.
    source_yaml: &'static str,
    /// `(version, schema)`.
    versions: [(&'static str, &'static str); 2],
    /// Valid examples of 1.0.0.
    valid: &'static [&'static str],
    /// Invalid examples of 1.0.0: `(payload, [(instance_path, keyword)], reason)`.
    invalid: &'static [InvalidExample],
    /// The bump 1.0.0 → the second version needs, and a pointer one of its
    /// changes must name.
    bump: (&'static str, &'static str),
}

const DRAFT_CATALOGS: &[DraftCatalog] = &[
    DraftCatalog {
        name: "draft-04",
        source_yaml: "title: Shop\nversioning: semver\ndefault_draft: draft-04\n",
        versions: [
            (
                "1.0.0",
                r##"{
  "id": "order.json",
  "type": "object",
  "required": ["total", "lines"],
  "properties": {
    "total": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1000, "exclusiveMaximum": true},
    "lines": {"type": "array", "items": {"$ref": "#line"}, "minItems": 1},
    "position": {"type": "array", "items": [{"type": "number"}, {"type": "number"}], "additionalItems": false},
    "coupon": {"type": "string"},
    "discount": {"type": "number"},
    "note": {"$ref": "#/definitions/note", "maxLength": 3}
  },
  "dependencies": {"coupon": ["discount"]},
  "definitions": {
    "line": {"id": "#line", "type": "object", "required": ["sku"], "properties": {"sku": {"type": "string"}}},
    "note": {"type": "string"}
  }
}"##,
            ),
            (
                "1.1.0",
                r##"{
  "id": "order.json",
  "type": "object",
  "required": ["total", "lines"],
  "properties": {
    "total": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1000},
    "lines": {"type": "array", "items": {"$ref": "#line"}, "minItems": 1},
    "position": {"type": "array", "items": [{"type": "number"}, {"type": "number"}], "additionalItems": false},
    "coupon": {"type": "string"},
    "discount": {"type": "number"},
    "note": {"$ref": "#/definitions/note", "maxLength": 3}
  },
  "dependencies": {"coupon": ["discount"]},
  "definitions": {
    "line": {"id": "#line", "type": "object", "required": ["sku"], "properties": {"sku": {"type": "string"}}},
    "note": {"type": "string"}
  }
}"##,
            ),
        ],
        valid: &[
            r#"{"type": "order_placed", "total": 999.5, "lines": [{"sku": "a"}], "position": [1, 2], "note": "longer than three"}"#,
            r#"{"type": "order_placed", "total": 0.01, "lines": [{"sku": "a"}], "coupon": "X", "discount": 5}"#,
        ],
        invalid: &[
            (
                r#"{"type": "order_placed", "total": 0, "lines": [{"sku": "a"}]}"#,
                &[("/total", "minimum")],
                "draft-04's exclusiveMinimum: true excludes 0",
            ),
            (
                r#"{"type": "order_placed", "total": 1000, "lines": [{}], "position": [1, 2, 3], "coupon": "X"}"#,
                &[
                    ("", "dependencies"),
                    ("/lines/0", "required"),
                    ("/position", "additionalItems"),
                    ("/total", "maximum"),
                ],
                "exclusive maximum, a line without sku (through the id anchor), a third coordinate, a coupon without discount",
            ),
        ],
        // exclusiveMaximum: true dropped: 1000 is now allowed.
        bump: ("minor", "/properties/total"),
    },
    DraftCatalog {
        name: "draft-06",
        source_yaml: "title: Shop\nversioning: semver\ndefault_draft: draft-06\n",
        versions: [
            (
                "1.0.0",
                r##"{
  "type": "object",
  "required": ["currency", "lines"],
  "properties": {
    "currency": {"const": "EUR"},
    "lines": {"type": "array", "contains": {"properties": {"gift": {"const": true}}, "required": ["gift"]}},
    "labels": {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}},
    "total": {"type": "number", "exclusiveMinimum": 0},
    "legacy": false,
    "any": true,
    "coupon": {"type": "string"}
  },
  "dependencies": {"coupon": {"required": ["total"]}}
}"##,
            ),
            (
                "2.0.0",
                r##"{
  "type": "object",
  "required": ["currency", "lines"],
  "properties": {
    "currency": {"const": "EUR"},
    "lines": {"type": "array", "contains": {"properties": {"gift": {"const": true}}, "required": ["gift"]}},
    "labels": {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}},
    "total": {"type": "number", "exclusiveMinimum": 0},
    "legacy": false,
    "any": true,
    "coupon": {"type": "string"}
  },
  "dependencies": {"coupon": {"required": ["total"]}, "total": ["currency", "coupon"]}
}"##,
            ),
        ],
        valid: &[
            r#"{"type": "order_placed", "currency": "EUR", "lines": [{"gift": false}, {"gift": true}], "labels": {"abc": 1}, "any": [1]}"#,
        ],
        invalid: &[
            (
                r#"{"type": "order_placed", "currency": "USD", "lines": [{"gift": false}], "labels": {"A1": 1}, "legacy": 1, "coupon": "X"}"#,
                &[
                    ("", "required"),
                    ("/currency", "const"),
                    ("/labels", "pattern"),
                    ("/legacy", "false"),
                    ("/lines", "contains"),
                ],
                "a coupon without a total (schema dependency), and every other draft-06 keyword at once",
            ),
            (
                r#"{"type": "order_placed", "currency": "EUR", "lines": [{"gift": true}], "total": 0}"#,
                &[("/total", "exclusiveMinimum")],
                "a draft-06 exclusiveMinimum is the bound itself",
            ),
        ],
        // A new dependency: payloads with a total now need a coupon.
        bump: ("major", "/dependentRequired/total"),
    },
    DraftCatalog {
        name: "draft-07",
        source_yaml: "title: Shop\nversioning: semver\n",
        versions: [
            (
                "1.0.0",
                r##"{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$comment": "orders",
  "type": "object",
  "required": ["kind"],
  "properties": {
    "kind": {"enum": ["pickup", "delivery"]},
    "address": {"$ref": "#/definitions/address", "description": "where to", "minLength": 1000},
    "slots": {"type": "array", "items": [{"type": "string"}], "additionalItems": {"type": "integer"}}
  },
  "if": {"properties": {"kind": {"const": "delivery"}}},
  "then": {"required": ["address"]},
  "else": {"not": {"required": ["address"]}},
  "definitions": {
    "address": {"type": "string", "readOnly": true}
  }
}"##,
            ),
            (
                "2.0.0",
                r##"{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$comment": "orders",
  "type": "object",
  "required": ["kind"],
  "properties": {
    "kind": {"enum": ["pickup", "delivery"]},
    "address": {"$ref": "#/definitions/address", "description": "where to", "minLength": 1000},
    "slots": {"type": "array", "items": [{"type": "string"}], "additionalItems": false}
  },
  "if": {"properties": {"kind": {"const": "delivery"}}},
  "then": {"required": ["address"]},
  "else": {"not": {"required": ["address"]}},
  "definitions": {
    "address": {"type": "string", "readOnly": true}
  }
}"##,
            ),
        ],
        valid: &[
            r#"{"type": "order_placed", "kind": "delivery", "address": "short: minLength beside $ref is ignored", "slots": ["mon", 9, 10]}"#,
            r#"{"type": "order_placed", "kind": "pickup"}"#,
        ],
        invalid: &[(
            r#"{"type": "order_placed", "kind": "pickup", "address": 7, "slots": [1, "x"]}"#,
            &[
                ("", "not"),
                ("/address", "type"),
                ("/slots/0", "type"),
                ("/slots/1", "type"),
            ],
            "an address for a pickup, of the wrong type, and slots of the wrong types",
        )],
        // additionalItems closed: more slots are no longer allowed.
        bump: ("major", "/properties/slots/items"),
    },
    DraftCatalog {
        name: "2019-09",
        source_yaml: "title: Shop\nversioning: semver\n",
        versions: [
            (
                "1.0.0",
                r##"{
  "$schema": "https://json-schema.org/draft/2019-09/schema",
  "type": "object",
  "required": ["tree"],
  "properties": {
    "tree": {"$ref": "#/$defs/tree"},
    "tags": {"type": "array", "contains": {"const": "x"}, "minContains": 2},
    "pair": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}], "additionalItems": false},
    "coupon": {"type": "string"},
    "discount": {"$ref": "#amount"},
    "version": {"type": "string"}
  },
  "dependentRequired": {"coupon": ["discount"]},
  "unevaluatedProperties": false,
  "$defs": {
    "amount": {"$anchor": "amount", "type": "number"},
    "tree": {
      "$id": "tree.json",
      "$recursiveAnchor": true,
      "type": "object",
      "properties": {"children": {"type": "array", "items": {"$recursiveRef": "#"}}, "name": {"type": "string"}},
      "required": ["name"]
    }
  }
}"##,
            ),
            (
                "1.0.1",
                r##"{
  "$schema": "https://json-schema.org/draft/2019-09/schema",
  "type": "object",
  "required": ["tree"],
  "properties": {
    "tree": {"$ref": "#/$defs/tree", "description": "the order's category tree"},
    "tags": {"type": "array", "contains": {"const": "x"}, "minContains": 2},
    "pair": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}], "additionalItems": false},
    "coupon": {"type": "string"},
    "discount": {"$ref": "#amount"},
    "version": {"type": "string"}
  },
  "dependentRequired": {"coupon": ["discount"]},
  "unevaluatedProperties": false,
  "$defs": {
    "amount": {"$anchor": "amount", "type": "number"},
    "tree": {
      "$id": "tree.json",
      "$recursiveAnchor": true,
      "type": "object",
      "properties": {"children": {"type": "array", "items": {"$recursiveRef": "#"}}, "name": {"type": "string"}},
      "required": ["name"]
    }
  }
}"##,
            ),
        ],
        valid: &[
            r#"{"type": "order_placed", "tree": {"name": "a", "children": [{"name": "b", "children": []}]}, "tags": ["x", "y", "x"], "pair": ["a", 1]}"#,
        ],
        invalid: &[
            (
                r#"{"type": "order_placed", "tree": {"name": "a", "children": [{"children": []}]}, "tags": ["x"], "pair": ["a", 1, 2], "coupon": "X", "extra": 1}"#,
                &[
                    ("", "dependentRequired"),
                    ("/extra", "unevaluatedProperties"),
                    ("/pair", "additionalItems"),
                    ("/tags", "contains"),
                    ("/tree/children/0", "required"),
                ],
                "a nameless child (through $recursiveRef), one x, a third pair item, a coupon without discount, an unknown member",
            ),
            (
                r#"{"type": "order_placed", "tree": {"name": "a"}, "coupon": "X", "discount": "5"}"#,
                &[("/discount", "type")],
                "a string discount (through $anchor)",
            ),
        ],
        bump: ("patch", "/properties/tree"),
    },
];

/// The `jsonschema` crate's draft for a catalog's draft name.
fn jsonschema_draft(name: &str) -> jsonschema::Draft {
    match name {
        "draft-04" => jsonschema::Draft::Draft4,
        "draft-06" => jsonschema::Draft::Draft6,
        "draft-07" => jsonschema::Draft::Draft7,
        "2019-09" => jsonschema::Draft::Draft201909,
        _ => jsonschema::Draft::Draft202012,
    }
}

/// Lays `c` out as `<dir>/shop/order_placed/…`, `dir` named after `test`
/// (tests run in parallel).
fn lay_out(c: &DraftCatalog, test: &str) -> PathBuf {
    let dir = temp_dir(&format!("{test}-{}", c.name));
    let mut files: Vec<(String, String)> =
        vec![("shop/source.yaml".to_owned(), c.source_yaml.to_owned())];
    for (version, schema) in &c.versions {
        files.push((
            format!("shop/order_placed/{version}.json"),
            (*schema).to_owned(),
        ));
    }
    // Every payload names its version.
    let versioned = |payload: &str| {
        let mut v: serde_json::Value = serde_json::from_str(payload).unwrap();
        v["version"] = serde_json::Value::String("1.0.0".to_owned());
        v.to_string()
    };
    for (i, payload) in c.valid.iter().enumerate() {
        files.push((
            format!("shop/order_placed/examples/1.0.0-valid{i}.json"),
            versioned(payload),
        ));
    }
    let mut expected = String::new();
    for (i, (payload, errors, reason)) in c.invalid.iter().enumerate() {
        let name = format!("1.0.0-invalid{i}.json");
        files.push((
            format!("shop/order_placed/examples/invalid/{name}"),
            versioned(payload),
        ));
        expected.push_str(&format!("{name}:\n  reason: \"{reason}\"\n  errors:\n"));
        for (path, keyword) in *errors {
            expected.push_str(&format!(
                "    - instance_path: \"{path}\"\n      keyword: \"{keyword}\"\n"
            ));
        }
    }
    if !expected.is_empty() {
        files.push((
            "shop/order_placed/examples/invalid/expected.yaml".to_owned(),
            expected,
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    write_files(&dir, &refs);
    dir
}

/// A catalog written in each of draft-04, draft-06, draft-07 and 2019-09
/// loads and lowers without a problem, judges its examples as the draft
/// says (errors exactly as recorded), and its two versions diff with the
/// draft's semantics.
#[test]
fn catalogs_in_every_draft_load_judge_and_diff() {
    for c in DRAFT_CATALOGS {
        let dir = lay_out(c, "judge");
        let mut diags = Diagnostics::default();
        let compiled = eventsmith_codegen::Compiled::load(&dir, &mut diags);
        let unexpected: Vec<String> = diags
            .0
            .iter()
            .filter(|d| d.code != "ignored-beside-ref")
            .map(ToString::to_string)
            .collect();
        assert!(
            unexpected.is_empty(),
            "{}: {}",
            c.name,
            unexpected.join("\n")
        );
        // Generation succeeds too (the emitter never sees a draft).
        let options = eventsmith_codegen::emit::EmitOptions {
            regenerate_with: "test".to_owned(),
            ..Default::default()
        };
        let files = eventsmith_codegen::emit::generate(&compiled, &options).unwrap();
        for code in files.values() {
            syn::parse_file(code).unwrap();
        }

        let validator = eventsmith_codegen::validate::CatalogValidator::new(&compiled);
        let problems = validator.check_examples();
        assert!(problems.is_empty(), "{}: {}", c.name, problems.join("\n"));
        let version = &compiled.catalog.sources[0].events[0].versions[0];
        assert_eq!(
            version.examples.len(),
            c.valid.len() + c.invalid.len(),
            "{}",
            c.name
        );
        for example in &version.examples {
            let errors = validator.validate_version(0, 0, 0, &example.value);
            let expected_valid =
                example.expect == eventsmith_codegen::load::catalog::Expectation::Valid;
            assert_eq!(
                errors.is_empty(),
                expected_valid,
                "{}: {}: {errors:?}",
                c.name,
                example.path.display()
            );
            // Dispatch finds the version too.
            let outcome = validator.validate(&example.value);
            assert_eq!(outcome.valid, expected_valid, "{}: {outcome:?}", c.name);
        }

        // The export (2020-12, translated) gives the verdicts of the
        // original read as its own draft, on every example.
        let export = eventsmith_codegen::export::export_dir(
            &dir,
            &eventsmith_codegen::export::ExportOptions::default(),
        )
        .unwrap_or_else(|d| panic!("{}: {d}", c.name));
        for (vi, version) in compiled.catalog.sources[0].events[0]
            .versions
            .iter()
            .enumerate()
        {
            let reg = &compiled.catalog.registry;
            let original = jsonschema::options()
                .with_draft(jsonschema_draft(c.name))
                .with_base_uri(reg.url(version.doc).to_string())
                .build(&reg.doc(version.doc).value)
                .unwrap_or_else(|e| panic!("{}: {e}", c.name));
            let file = format!("jsonschema/shop/order_placed/{}.json", version.version);
            let exported: serde_json::Value = serde_json::from_str(&export.files[&file]).unwrap();
            assert!(
                !exported.to_string().contains("definitions")
                    && !exported.to_string().contains("additionalItems"),
                "{}: {exported}",
                c.name
            );
            let exported = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .build(&exported)
                .unwrap_or_else(|e| panic!("{}: {e}", c.name));
            let examples = &compiled.catalog.sources[0].events[0].versions[0].examples;
            for example in examples {
                assert_eq!(
                    original.is_valid(&example.value),
                    exported.is_valid(&example.value),
                    "{} {} ({vi}): {}",
                    c.name,
                    version.version,
                    example.path.display()
                );
            }
        }

        let report = eventsmith_codegen::compat::check_catalog(&dir);
        assert!(
            !report.diagnostics.has_errors(),
            "{}: {}",
            c.name,
            report.render_text()
        );
        let pair = report
            .pairs
            .iter()
            .find(|p| p.from.as_deref() == Some("1.0.0"))
            .unwrap_or_else(|| panic!("{}: no pair from 1.0.0: {}", c.name, report.render_text()));
        assert_eq!(
            pair.required_bump.as_str(),
            c.bump.0,
            "{}: {}",
            c.name,
            report.render_text()
        );
        assert!(
            pair.changes
                .iter()
                .any(|ch| ch.pointer.starts_with(c.bump.1)),
            "{}: no change at {}: {}",
            c.name,
            c.bump.1,
            report.render_text()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// `diff` and `check` compare drafts as their 2020-12 translations: a schema
/// and its translation (what `export` writes) diff as equal, while the same
/// schema misread as 2020-12 does not.
#[test]
fn a_schema_and_its_2020_12_translation_diff_as_equal() {
    use eventsmith_codegen::compat::diff_files;
    use eventsmith_codegen::load::registry::{Loc, Registry};
    for c in DRAFT_CATALOGS {
        let dir = lay_out(c, "translate");
        let file = dir.join("shop/order_placed/1.0.0.json");
        let mut diags = Diagnostics::default();
        let mut reg = Registry::new();
        let (source, settings) =
            eventsmith_codegen::load::catalog::enclosing_source(&file, &mut diags).unwrap();
        reg.configure_dir(&source, settings);
        let doc = reg.load_file(&file).unwrap();
        let root = Loc {
            doc,
            pointer: String::new(),
        };
        let translated =
            eventsmith_codegen::export::bundle::standalone_2020_12(&mut reg, &root, &mut diags);
        assert!(!diags.has_errors(), "{}: {}", c.name, diags.render());
        let translated_file = dir.join("translated.json");
        std::fs::write(&translated_file, translated.to_string()).unwrap();
        let diff = diff_files(&file, &translated_file).unwrap();
        assert!(
            diff.changes.is_empty(),
            "{}: {}\ntranslation: {translated}",
            c.name,
            diff.render_text()
        );
        // The control: the file read as if it were 2020-12.
        let mut misread: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        misread["$schema"] = "https://json-schema.org/draft/2020-12/schema".into();
        let misread_file = dir.join("misread.json");
        std::fs::write(&misread_file, misread.to_string()).unwrap();
        // (Or does not even load: draft-04's `"id": "#line"` anchors nothing in 2020-12.)
        if let Ok(diff) = diff_files(&file, &misread_file) {
            assert!(
                !diff.changes.is_empty(),
                "{}: reading as 2020-12 changed nothing",
                c.name
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
