//! Catalogs written in every JSON Schema draft, laid out in temporary
//! directories as a user would write them: loaded, lowered, their examples
//! judged through the interpreter, their versions diffed; and octokit's
//! draft-07 GitHub schemas, whose identifiers only resolve against the
//! source directory (`base_uri: source-root`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
