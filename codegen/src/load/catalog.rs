//! Walking a catalog directory: sources, event types, versions, examples.
//! Every problem is collected; nothing here panics on a malformed catalog.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::document::{self, Syntax};
use super::registry::{BaseUri, DocId, Loc, Registry, Settings};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ident;
use crate::keywords::{self, Draft, FormatMode};

/// How a source numbers its versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Versioning {
    /// `MAJOR.MINOR.PATCH`
    Semver,
    /// `YYYY-MM-DD`
    Calendar,
    /// Whole numbers `1`, `2`: each read only by the schema of that number.
    Integer,
    /// No version: one schema per event type, or one per value of a
    /// member (`schema_from`), each named by its file.
    None,
}

impl Versioning {
    /// The runtime's scheme, for sources whose payloads carry versions.
    pub fn scheme(self) -> Option<eventsmith_core::version::Scheme> {
        use eventsmith_core::version::Scheme;
        match self {
            Versioning::Semver => Some(Scheme::Semver),
            Versioning::Calendar => Some(Scheme::Calendar),
            Versioning::Integer => Some(Scheme::Integer),
            Versioning::None => None,
        }
    }
}

/// Where a source's payloads say something (their event type or version),
/// as `source.yaml` declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A member of the payload object.
    Member(String),
    /// An HTTP header of the delivery, which the caller passes on.
    Header(String),
    /// Given by the caller from elsewhere (an endpoint's API version),
    /// described for error messages.
    Given(String),
}

impl Origin {
    /// The member, when it is one.
    pub fn member(&self) -> Option<&str> {
        match self {
            Origin::Member(m) => Some(m),
            _ => None,
        }
    }

    /// Where it comes from, for messages: `the X-GitHub-Event header`.
    pub fn describe(&self) -> String {
        match self {
            Origin::Member(m) => format!("the \"{m}\" member"),
            Origin::Header(h) => format!("the {h} header"),
            Origin::Given(what) => what.clone(),
        }
    }
}

/// How a type's schema is chosen by a member other than the version
/// (`schema_from:`; GitHub's `action`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFrom {
    /// The member whose value names the schema file.
    pub member: String,
    /// The schema of payloads without the member; a type whose only
    /// schema is this one reads every payload with it, whatever the member.
    pub default: Option<String>,
}

/// How deliveries of a source are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Signing {
    /// Not declared.
    None,
    /// GitHub's `X-Hub-Signature-256` (HMAC-SHA256 of the body), the
    /// delivery id in `X-GitHub-Delivery`.
    Github,
    /// Standard Webhooks signatures (`webhook-id`, `webhook-timestamp`,
    /// `webhook-signature`), as Svix sends them.
    StandardWebhooks,
    /// A shared secret in the URL or HTTP basic auth.
    SharedSecret,
}

/// A version of an event type: the key its schema is chosen by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// A semantic version.
    Semver(u64, u64, u64),
    /// A date.
    Date(u16, u8, u8),
    /// A whole number.
    Integer(u64),
    /// A schema named by its file, in a source without versions (`event`,
    /// or the `action` value `opened`).
    Name(String),
}

/// The names the emitter gives items of an event type's module itself:
/// a schema alias must not take them.
const TYPE_MODULE_ITEMS: &[&str] = &["Event"];

impl Version {
    /// Parses a version file stem under `scheme`.
    pub fn parse(text: &str, scheme: Versioning) -> Result<Version, String> {
        match scheme {
            Versioning::Semver => eventsmith_core::version::SemVer::parse(text)
                .map(|v| Version::Semver(v.major, v.minor, v.patch))
                .map_err(|e| e.to_string()),
            Versioning::Calendar => eventsmith_core::version::Date::parse(text)
                .map(|d| Version::Date(d.year, d.month, d.day))
                .map_err(|e| e.to_string()),
            Versioning::Integer => eventsmith_core::version::parse_integer(text)
                .map(Version::Integer)
                .map_err(|e| e.to_string()),
            Versioning::None => {
                if ident::module_name(text).is_some() {
                    Ok(Version::Name(text.to_owned()))
                } else {
                    Err(format!(
                        "\"{text}\" cannot become a Rust module name (ASCII letters, digits, `-`, `_` and `.`, starting with a letter)"
                    ))
                }
            }
        }
    }

    /// The Rust type-name form: `V1_3_0`, `V2024_10_28`, `V2`, `Opened`
    /// (`EventSchema` for a schema named `event`: `Event` is the type's enum).
    pub fn type_name(&self) -> String {
        match self {
            Version::Semver(a, b, c) => format!("V{a}_{b}_{c}"),
            Version::Date(y, m, d) => format!("V{y:04}_{m:02}_{d:02}"),
            Version::Integer(n) => format!("V{n}"),
            Version::Name(name) => {
                let pascal = ident::type_name(name);
                if TYPE_MODULE_ITEMS.contains(&pascal.as_str()) {
                    format!("{pascal}Schema")
                } else {
                    pascal
                }
            }
        }
    }

    /// The Rust module form: `v1_3_0`, `opened`.
    pub fn module_name(&self) -> String {
        match self {
            Version::Name(name) => ident::module_name(name).unwrap_or_else(|| name.clone()),
            _ => self.type_name().to_lowercase(),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Semver(a, b, c) => write!(f, "{a}.{b}.{c}"),
            Version::Date(y, m, d) => write!(f, "{y:04}-{m:02}-{d:02}"),
            Version::Integer(n) => write!(f, "{n}"),
            Version::Name(name) => f.write_str(name),
        }
    }
}

/// What an example must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    /// Validate cleanly.
    Valid,
    /// Fail with exactly these `(instance_path, keyword)` errors.
    Invalid {
        /// Why it is invalid.
        reason: String,
        /// The expected errors, sorted.
        errors: Vec<(String, String)>,
    },
}

/// An example payload.
#[derive(Debug, Clone)]
pub struct Example {
    /// The file.
    pub path: PathBuf,
    /// The version its name declares.
    pub version: Version,
    /// Its content.
    pub value: Value,
    /// What it must do.
    pub expect: Expectation,
}

/// One version of one event type.
#[derive(Debug, Clone)]
pub struct EventVersion {
    /// The version.
    pub version: Version,
    /// The schema file.
    pub file: PathBuf,
    /// The document (after the envelope merge) in the registry.
    pub doc: DocId,
    /// `deprecated: true` at the top level.
    pub deprecated: bool,
    /// Its examples.
    pub examples: Vec<Example>,
}

impl EventVersion {
    /// The schema's root location.
    pub fn root(&self) -> Loc {
        Loc {
            doc: self.doc,
            pointer: String::new(),
        }
    }
}

/// One event type of a source.
#[derive(Debug, Clone)]
pub struct EventType {
    /// Directory name.
    pub dir: String,
    /// The `type` value payloads carry (prefix + directory name).
    pub type_value: String,
    /// Rust module name (`form_submission`).
    pub module: String,
    /// Rust type name (`FormSubmission`).
    pub rust_name: String,
    /// Versions, oldest first.
    pub versions: Vec<EventVersion>,
}

/// A system that sends events.
#[derive(Debug, Clone)]
pub struct Source {
    /// Directory name.
    pub name: String,
    /// Rust module name.
    pub module: String,
    /// Its directory.
    pub dir: PathBuf,
    /// Human title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Version scheme.
    pub versioning: Versioning,
    /// Member holding the event type (`type_from`'s member, `type` by
    /// default; unused when the type comes from outside the payload).
    pub type_field: String,
    /// Member holding the version (likewise).
    pub version_field: String,
    /// Where the event type is (`type_field`, or `type_from:`).
    pub type_from: Origin,
    /// Where the version is (`version_field`, or `version_from:`); unused
    /// for `versioning: none`.
    pub version_from: Origin,
    /// Schemas chosen by a member (`schema_from:`), for `versioning: none`.
    pub schema_from: Option<SchemaFrom>,
    /// The end of every schema file's name (`.schema.json`); empty: the
    /// extension alone (`.json`, `.yaml`, `.yml`).
    pub schema_suffix: String,
    /// Directories of the source that are not event types (`tools`).
    pub ignore: Vec<String>,
    /// The header holding a delivery's unique id (`X-GitHub-Delivery`),
    /// for deduplication.
    pub delivery_id_header: Option<String>,
    /// Prefix of every type value.
    pub type_prefix: String,
    /// The envelope schema file, if any.
    pub envelope: Option<PathBuf>,
    /// How deliveries are authenticated (`signing:` in source.yaml).
    pub signing: Signing,
    /// Declared gaps: `(event type dir, from, to)` → reason.
    pub gaps: BTreeMap<(String, String, String), String>,
    /// Declared rollbacks: `(event type dir, version)` → reason.
    pub rollbacks: BTreeMap<(String, String), String>,
    /// The patches `source.yaml` applies to its schemas (`patches:`).
    pub patches: Vec<super::overrides::Patch>,
    /// Event types, sorted by directory name.
    pub events: Vec<EventType>,
}

impl Source {
    /// The number of event versions, over every event type.
    pub fn version_count(&self) -> usize {
        self.events.iter().map(|e| e.versions.len()).sum()
    }
}

/// A loaded catalog.
#[derive(Debug)]
pub struct Catalog {
    /// The catalog directory.
    pub root: PathBuf,
    /// Sources, sorted by name.
    pub sources: Vec<Source>,
    /// Every schema document.
    pub registry: Registry,
}

/// The extension key for a shallow partial of another object schema.
pub const PARTIAL_OF: &str = "x-eventsmith-partial-of";

impl Catalog {
    /// The number of event versions, over every source.
    pub fn version_count(&self) -> usize {
        self.sources.iter().map(Source::version_count).sum()
    }

    /// Loads the catalog in `root`, collecting every problem into `diags`.
    pub fn load(root: &Path, diags: &mut Diagnostics) -> Catalog {
        Catalog::load_with(root, Examples::Read, diags)
    }

    /// [`Catalog::load`] without reading the examples (every version's
    /// `examples` is empty, and a broken example file is not reported):
    /// for back ends that never read them (the bindings, `validate`),
    /// where parsing GitHub's 273 payloads would be a third of the load.
    pub fn load_schemas(root: &Path, diags: &mut Diagnostics) -> Catalog {
        Catalog::load_with(root, Examples::Skip, diags)
    }

    fn load_with(root: &Path, examples: Examples, diags: &mut Diagnostics) -> Catalog {
        // Absolute, so files reached by `$ref` (file URLs) and files found by
        // walking the directory have paths of one kind.
        let root = &std::fs::canonicalize(root)
            .or_else(|_| std::path::absolute(root))
            .unwrap_or_else(|_| root.to_owned());
        let mut catalog = Catalog {
            root: root.to_owned(),
            sources: Vec::new(),
            registry: Registry::new(),
        };
        let entries = match sorted_entries(root) {
            Ok(e) => e,
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        "unreadable-catalog",
                        format!("cannot read the catalog directory: {e}"),
                    )
                    .in_file(root),
                );
                return catalog;
            }
        };
        for dir in entries.into_iter().filter(|p| p.is_dir()) {
            if let Some(source) = load_source(&dir, examples, &mut catalog.registry, diags) {
                catalog.sources.push(source);
            }
        }
        if catalog.sources.is_empty() && !diags.has_errors() {
            diags.push(
                Diagnostic::error("empty-catalog", "the catalog has no source directory")
                    .in_file(root)
                    .with_hint("create <catalog>/<source>/source.yaml; see docs/catalog-format.md"),
            );
        }
        expand_partials(&mut catalog.registry, diags);
        super::integers::bound_integers(&mut catalog.registry);
        catalog
    }

    /// Finds a source by name.
    pub fn source(&self, name: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.name == name)
    }
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        out.push(entry?.path());
    }
    out.sort();
    Ok(out)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether loading reads each event type's `examples/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Examples {
    Read,
    Skip,
}

fn load_source(
    dir: &Path,
    examples: Examples,
    reg: &mut Registry,
    diags: &mut Diagnostics,
) -> Option<Source> {
    let name = file_name(dir);
    let config_path = ["source.yaml", "source.yml", "source.json"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file());
    let Some(config_path) = config_path else {
        diags.push(
            Diagnostic::error("missing-source-file", format!("source directory \"{name}\" has no source.yaml"))
                .in_file(dir)
                .with_hint("every directory of the catalog is a source and needs source.yaml (see docs/catalog-format.md)"),
        );
        return None;
    };
    let config = match document::read(&config_path) {
        Ok(d) => d,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let before = diags.0.len();
    let Value::Object(obj) = &config.value else {
        diags.push(config.diagnostic(
            Diagnostic::error("invalid-source-file", "source.yaml must be a mapping"),
            "",
        ));
        return None;
    };
    const KNOWN: &[&str] = &[
        "title",
        "description",
        "versioning",
        "type_field",
        "version_field",
        "type_prefix",
        "envelope",
        "gaps",
        "rollbacks",
        "signing",
        "default_draft",
        "formats",
        "base_uri",
        "type_from",
        "version_from",
        "schema_from",
        "schema_file_suffix",
        "ignore",
        "delivery_id_header",
        "annotations",
        "names",
        "replace",
        "attributes",
        "patches",
    ];
    for key in obj.keys() {
        if !KNOWN.contains(&key.as_str()) {
            diags.push(
                config.diagnostic(
                    Diagnostic::error(
                        "invalid-source-file",
                        format!("unknown key \"{key}\" in source.yaml"),
                    )
                    .with_hint(format!("known keys: {}", KNOWN.join(", "))),
                    &format!("/{key}"),
                ),
            );
        }
    }
    let text = |key: &str, default: Option<&str>, diags: &mut Diagnostics| -> Option<String> {
        match obj.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            None => {
                if default.is_none() {
                    diags.push(
                        config.diagnostic(
                            Diagnostic::error(
                                "invalid-source-file",
                                format!("source.yaml lacks the required key \"{key}\""),
                            )
                            .with_hint(format!(
                                "add `{key}:`; docs/catalog-format.md describes it"
                            )),
                            "",
                        ),
                    );
                }
                default.map(str::to_owned)
            }
            Some(other) => {
                diags.push(config.diagnostic(
                    Diagnostic::error(
                        "invalid-source-file",
                        format!(
                            "\"{key}\" must be a string, found {}",
                            eventsmith_core::validation::type_name(other)
                        ),
                    ),
                    &format!("/{key}"),
                ));
                None
            }
        }
    };
    let signing = match text("signing", Some("none"), diags).as_deref() {
        Some("standard-webhooks") => Signing::StandardWebhooks,
        Some("shared-secret") => Signing::SharedSecret,
        Some("github") => Signing::Github,
        Some("none") | None => Signing::None,
        Some(other) => {
            diags.push(config.diagnostic(
                Diagnostic::error(
                    "invalid-source-file",
                    format!("signing must be \"standard-webhooks\", \"shared-secret\", \"github\" or \"none\", found \"{other}\""),
                ),
                "/signing",
            ));
            Signing::None
        }
    };
    let versioning = match text("versioning", None, diags).as_deref() {
        Some("semver") => Some(Versioning::Semver),
        Some("calendar") => Some(Versioning::Calendar),
        Some("integer") => Some(Versioning::Integer),
        Some("none") => Some(Versioning::None),
        Some(other) => {
            diags.push(config.diagnostic(
                Diagnostic::error(
                    "invalid-source-file",
                    format!("versioning must be \"semver\", \"calendar\", \"integer\" or \"none\", found \"{other}\""),
                ),
                "/versioning",
            ));
            None
        }
        None => None,
    };
    let type_field = text("type_field", Some("type"), diags).unwrap_or_default();
    let version_field = text("version_field", Some("version"), diags).unwrap_or_default();
    let type_from = read_origin(&config, "type_from", "type_field", &type_field, diags);
    let version_from = read_origin(
        &config,
        "version_from",
        "version_field",
        &version_field,
        diags,
    );
    let type_field = type_from.member().unwrap_or_default().to_owned();
    let version_field = version_from.member().unwrap_or_default().to_owned();
    let schema_from = read_schema_from(&config, versioning, diags);
    let schema_suffix = text("schema_file_suffix", Some(""), diags).unwrap_or_default();
    if !schema_suffix.is_empty() && Syntax::of(Path::new(&format!("x{schema_suffix}"))).is_none() {
        diags.push(config.diagnostic(
            Diagnostic::error(
                "invalid-source-file",
                format!("schema_file_suffix \"{schema_suffix}\" must end in .json, .yaml or .yml"),
            ),
            "/schema_file_suffix",
        ));
    }
    let ignore = read_names(&config, "ignore", diags);
    let delivery_id_header = text("delivery_id_header", Some(""), diags).filter(|s| !s.is_empty());
    let type_prefix = text("type_prefix", Some(""), diags).unwrap_or_default();
    let title = text("title", Some(&name), diags).unwrap_or_default();
    let description = text("description", Some(""), diags).unwrap_or_default();
    let envelope = text("envelope", Some(""), diags)
        .filter(|s| !s.is_empty())
        .map(|s| dir.join(s));
    let gaps = parse_annotated_list(&config, "gaps", 3, diags);
    let gaps = gaps
        .into_iter()
        .map(|(k, v)| ((k[0].clone(), k[1].clone(), k[2].clone()), v))
        .collect();
    let rollbacks = parse_annotated_list(&config, "rollbacks", 2, diags);
    let rollbacks = rollbacks
        .into_iter()
        .map(|(k, v)| ((k[0].clone(), k[1].clone()), v))
        .collect();
    if ident::module_name(&name).is_none() {
        diags.push(
            Diagnostic::error(
                "invalid-name",
                format!("source directory \"{name}\" cannot become a Rust module name"),
            )
            .in_file(dir)
            .with_hint(
                "use lower-case ASCII letters, digits and underscores, starting with a letter",
            ),
        );
    }
    let settings = read_settings(dir, &config, diags);
    let versioning = versioning?;
    if diags.0.len() > before && diags.0[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    // Before any document of the source is read.
    reg.configure_dir(dir, settings);
    // Before the envelope merge reads them: patches change the effective
    // schema, and names, replacements and attributes are kept by location.
    let before = diags.0.len();
    let patches = super::overrides::read(&config, dir, reg, diags);
    if diags.0[before..].iter().any(Diagnostic::is_error) {
        return None;
    }

    let envelope_doc = match &envelope {
        Some(path) if !path.is_file() => {
            diags.push(config.diagnostic(
                Diagnostic::error(
                    "invalid-source-file",
                    format!("the envelope file {} does not exist", path.display()),
                ),
                "/envelope",
            ));
            return None;
        }
        Some(path) => match reg.load_file(path) {
            Ok(id) => Some(id),
            Err(d) => {
                diags.push(d);
                return None;
            }
        },
        None => None,
    };

    let mut source = Source {
        module: ident::module_name(&name).unwrap_or_else(|| name.clone()),
        name,
        dir: dir.to_owned(),
        title,
        description,
        versioning,
        type_field,
        version_field,
        type_from,
        version_from,
        schema_from,
        schema_suffix,
        ignore,
        delivery_id_header,
        type_prefix,
        envelope,
        signing,
        gaps,
        rollbacks,
        patches,
        events: Vec::new(),
    };
    let entries = match sorted_entries(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(
                Diagnostic::error("unreadable-catalog", format!("cannot read directory: {e}"))
                    .in_file(dir),
            );
            return None;
        }
    };
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    for event_dir in entries.into_iter().filter(|p| p.is_dir()) {
        let dir_name = file_name(&event_dir);
        if dir_name == "common" || dir_name.starts_with('.') || source.ignore.contains(&dir_name) {
            continue;
        }
        let Some(module) = ident::module_name(&dir_name) else {
            diags.push(
                Diagnostic::error(
                    "invalid-name",
                    format!("event type directory \"{dir_name}\" cannot become a Rust module name"),
                )
                .in_file(&event_dir)
                .with_hint("use ASCII letters, digits, `.`, `-` and `_`, starting with a letter"),
            );
            continue;
        };
        if let Some(other) = modules.insert(module.clone(), dir_name.clone()) {
            diags.push(
                Diagnostic::error(
                    "name-collision",
                    format!("event types \"{other}\" and \"{dir_name}\" both become the Rust module `{module}`"),
                )
                .in_file(&event_dir)
                .with_hint("rename one of the directories"),
            );
            continue;
        }
        if let Some(event) = load_event_type(
            &source,
            &event_dir,
            module,
            envelope_doc,
            examples,
            reg,
            diags,
        ) {
            source.events.push(event);
        }
    }
    Some(source)
}

/// The reading settings of a source: `default_draft`, `formats`, `base_uri`.
fn read_settings(dir: &Path, config: &document::Document, diags: &mut Diagnostics) -> Settings {
    let text = |key: &str, diags: &mut Diagnostics| match config.value.get(key) {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            diags.push(config.diagnostic(
                Diagnostic::error(
                    "invalid-source-file",
                    format!(
                        "\"{key}\" must be a string, found {}",
                        eventsmith_core::validation::type_name(other)
                    ),
                ),
                &format!("/{key}"),
            ));
            None
        }
    };
    let default_draft = text("default_draft", diags);
    let annotations = read_names(config, "annotations", diags);
    let formats = text("formats", diags);
    let base_uri = text("base_uri", diags);
    let mut settings = Settings {
        vendor_annotations: annotations,
        ..Settings::default()
    };
    let mut refuse = |key: &str, found: &str, expected: String| {
        diags.push(config.diagnostic(
            Diagnostic::error(
                "invalid-source-file",
                format!("{key} must be {expected}, found \"{found}\""),
            ),
            &format!("/{key}"),
        ));
    };
    match default_draft.as_deref() {
        None => {}
        Some(name) => match Draft::from_name(name) {
            Some(d) => settings.default_draft = d,
            None => refuse(
                "default_draft",
                name,
                "\"draft-04\", \"draft-06\", \"draft-07\", \"2019-09\" or \"2020-12\"".to_owned(),
            ),
        },
    }
    match formats.as_deref() {
        None => {}
        Some("assert") => settings.formats = Some(FormatMode::Assert),
        Some("annotate") => settings.formats = Some(FormatMode::Annotate),
        Some(other) => refuse("formats", other, "\"assert\" or \"annotate\"".to_owned()),
    }
    match base_uri.as_deref() {
        None | Some("file") => {}
        Some("source-root") => match Registry::dir_url(dir) {
            Ok(url) => settings.base = BaseUri::Dir(url),
            Err(d) => diags.push(d),
        },
        Some(other) => refuse("base_uri", other, "\"file\" or \"source-root\"".to_owned()),
    }
    settings
}

/// `type_from:` / `version_from:` (`{member: m}`, `{header: H}` or
/// `{given: "what"}`), else the member `field_key` names.
fn read_origin(
    config: &document::Document,
    key: &str,
    field_key: &str,
    field: &str,
    diags: &mut Diagnostics,
) -> Origin {
    let Some(value) = config.value.get(key) else {
        return Origin::Member(field.to_owned());
    };
    let one = value.as_object().filter(|o| o.len() == 1).and_then(|o| {
        let (k, v) = o.iter().next()?;
        Some((k.as_str(), v.as_str()?))
    });
    match one {
        Some(("member", m)) if !m.is_empty() => {
            if config.value.get(field_key).is_some() {
                diags.push(
                    config.diagnostic(
                        Diagnostic::error(
                            "invalid-source-file",
                            format!("`{key}` and `{field_key}` both say where the member is"),
                        )
                        .with_hint("keep one of them"),
                        &format!("/{key}"),
                    ),
                );
            }
            Origin::Member(m.to_owned())
        }
        Some(("header", h)) if !h.is_empty() => Origin::Header(h.to_owned()),
        Some(("given", what)) if !what.is_empty() => Origin::Given(what.to_owned()),
        _ => {
            diags.push(config.diagnostic(
                Diagnostic::error(
                    "invalid-source-file",
                    format!("`{key}` must be one of `{{member: <name>}}`, `{{header: <HTTP header>}}` or `{{given: <where the caller finds it>}}`"),
                ),
                &format!("/{key}"),
            ));
            Origin::Member(field.to_owned())
        }
    }
}

/// `schema_from: {member: action, default: event}` (sources without versions only).
fn read_schema_from(
    config: &document::Document,
    versioning: Option<Versioning>,
    diags: &mut Diagnostics,
) -> Option<SchemaFrom> {
    let value = config.value.get("schema_from")?;
    let obj = value.as_object();
    let member = obj
        .and_then(|o| o.get("member"))
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty());
    let default = obj.and_then(|o| o.get("default"));
    let bad_key = obj.and_then(|o| o.keys().find(|k| *k != "member" && *k != "default"));
    let default_ok =
        default.is_none_or(|d| d.as_str().is_some_and(|d| ident::module_name(d).is_some()));
    let Some(member) = member.filter(|_| default_ok && bad_key.is_none()) else {
        diags.push(config.diagnostic(
            Diagnostic::error(
                "invalid-source-file",
                "`schema_from` must read `{member: <name>}` or `{member: <name>, default: <schema file stem>}`",
            ),
            "/schema_from",
        ));
        return None;
    };
    if versioning.is_some_and(|v| v != Versioning::None) {
        diags.push(
            config.diagnostic(
                Diagnostic::error(
                    "invalid-source-file",
                    "`schema_from` chooses a schema by a member instead of a version: it needs `versioning: none`",
                )
                .with_hint("set `versioning: none`, or remove `schema_from`"),
                "/schema_from",
            ),
        );
        return None;
    }
    Some(SchemaFrom {
        member: member.to_owned(),
        default: default.and_then(Value::as_str).map(str::to_owned),
    })
}

/// A list of plain names (`ignore: [tools]`).
fn read_names(config: &document::Document, key: &str, diags: &mut Diagnostics) -> Vec<String> {
    let Some(value) = config.value.get(key) else {
        return Vec::new();
    };
    match value
        .as_array()
        .map(|a| a.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
    {
        Some(Some(names)) => names.into_iter().map(str::to_owned).collect(),
        _ => {
            diags.push(config.diagnostic(
                Diagnostic::error(
                    "invalid-source-file",
                    format!("`{key}` must be a list of names"),
                ),
                &format!("/{key}"),
            ));
            Vec::new()
        }
    }
}

/// The source directory enclosing `file` (the nearest ancestor with a
/// `source.yaml`) and the settings it reads documents with, so a schema
/// file diffed on its own is read as its catalog reads it. Problems with
/// that `source.yaml` go to `diags`.
pub fn enclosing_source(file: &Path, diags: &mut Diagnostics) -> Option<(PathBuf, Settings)> {
    let file = std::fs::canonicalize(file).ok()?;
    let mut dir = file.parent();
    while let Some(d) = dir {
        let config = ["source.yaml", "source.yml", "source.json"]
            .iter()
            .map(|f| d.join(f))
            .find(|p| p.is_file());
        if let Some(config) = config {
            let doc = match document::read(&config) {
                Ok(doc) => doc,
                Err(e) => {
                    diags.push(e);
                    return None;
                }
            };
            return Some((d.to_owned(), read_settings(d, &doc, diags)));
        }
        dir = d.parent();
    }
    None
}

/// Reads `gaps:`/`rollbacks:` lists of `"a b -> c: reason"` / `"a b: reason"` strings.
fn parse_annotated_list(
    config: &document::Document,
    key: &str,
    parts: usize,
    diags: &mut Diagnostics,
) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let Some(value) = config.value.get(key) else {
        return out;
    };
    let Some(items) = value.as_array() else {
        diags.push(config.diagnostic(
            Diagnostic::error("invalid-source-file", format!("\"{key}\" must be a list")),
            &format!("/{key}"),
        ));
        return out;
    };
    for (i, item) in items.iter().enumerate() {
        let pointer = format!("/{key}/{i}");
        let parsed = item.as_str().and_then(|s| {
            let (head, reason) = s.split_once(':')?;
            let words: Vec<String> = head
                .split_whitespace()
                .filter(|w| *w != "->")
                .map(str::to_owned)
                .collect();
            (words.len() == parts && !reason.trim().is_empty())
                .then(|| (words, reason.trim().to_owned()))
        });
        match parsed {
            Some(p) => out.push(p),
            None => {
                let shape = if parts == 3 {
                    "\"<event_type> <from> -> <to>: <reason>\""
                } else {
                    "\"<event_type> <version>: <reason>\""
                };
                diags.push(config.diagnostic(
                    Diagnostic::error(
                        "invalid-source-file",
                        format!("each entry of \"{key}\" must read {shape}"),
                    ),
                    &pointer,
                ));
            }
        }
    }
    out
}

fn load_event_type(
    source: &Source,
    dir: &Path,
    module: String,
    envelope: Option<DocId>,
    examples: Examples,
    reg: &mut Registry,
    diags: &mut Diagnostics,
) -> Option<EventType> {
    let dir_name = &file_name(dir);
    let type_value = format!("{}{}", source.type_prefix, dir_name);
    let mut by_version: BTreeMap<Version, PathBuf> = BTreeMap::new();
    let entries = sorted_entries(dir).unwrap_or_default();
    for path in entries.iter().filter(|p| p.is_file()) {
        let name = file_name(path);
        let stem = if source.schema_suffix.is_empty() {
            Syntax::of(path).map(|_| {
                path.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
        } else {
            name.strip_suffix(&source.schema_suffix).map(str::to_owned)
        };
        let Some(stem) = stem else {
            if !name.starts_with('.') && name != "README.md" {
                let expected = if source.schema_suffix.is_empty() {
                    "a .json or .yaml schema".to_owned()
                } else {
                    format!(
                        "a schema file: its name does not end in \"{}\" (schema_file_suffix)",
                        source.schema_suffix
                    )
                };
                diags.push(
                    Diagnostic::error("unexpected-file", format!("\"{name}\" is not {expected}"))
                        .in_file(path)
                        .with_hint(format!(
                            "schema files are named <version>{}",
                            if source.schema_suffix.is_empty() {
                                ".json or <version>.yaml"
                            } else {
                                &source.schema_suffix
                            }
                        )),
                );
            }
            continue;
        };
        match Version::parse(&stem, source.versioning) {
            Ok(version) => {
                if let Some(previous) = by_version.insert(version.clone(), path.clone()) {
                    diags.push(
                        Diagnostic::error(
                            "duplicate-version",
                            format!(
                                "version {version} is defined twice: {} and {}",
                                file_name(&previous),
                                file_name(path)
                            ),
                        )
                        .in_file(path)
                        .with_hint("keep one file per version"),
                    );
                }
            }
            Err(why) => {
                let expected = match source.versioning {
                    Versioning::Semver => "MAJOR.MINOR.PATCH, e.g. 1.3.0.json",
                    Versioning::Calendar => "a date YYYY-MM-DD, e.g. 2024-12-20.json",
                    Versioning::Integer => "a whole number, e.g. 2.json",
                    Versioning::None => "a Rust-friendly name, e.g. opened.json",
                };
                let hint = match stem
                    .strip_prefix(['v', 'V'])
                    .map(|rest| Version::parse(rest, source.versioning))
                {
                    Some(Ok(v)) if source.versioning != Versioning::None => format!(
                        "drop the leading `v`: {v}.{}",
                        path.extension().unwrap_or_default().to_string_lossy()
                    ),
                    _ => format!("name version files {expected}"),
                };
                diags.push(
                    Diagnostic::error(
                        "bad-version-file-name",
                        format!("\"{}\" is not a version file name: {why}", file_name(path)),
                    )
                    .in_file(path)
                    .with_hint(hint),
                );
            }
        }
    }
    if by_version.is_empty() {
        diags.push(
            Diagnostic::error(
                "no-versions",
                format!("event type \"{dir_name}\" has no version file"),
            )
            .in_file(dir)
            .with_hint(format!(
                "add <version>{}",
                if source.schema_suffix.is_empty() {
                    ".json"
                } else {
                    &source.schema_suffix
                }
            )),
        );
        return None;
    }
    if source.versioning == Versioning::None && source.schema_from.is_none() && by_version.len() > 1
    {
        let names: Vec<String> = by_version.keys().map(Version::to_string).collect();
        diags.push(
            Diagnostic::error(
                "several-schemas",
                format!(
                    "event type \"{dir_name}\" has {} schemas ({}), but payloads of this source carry no version",
                    names.len(),
                    names.join(", ")
                ),
            )
            .in_file(dir)
            .with_hint("keep one schema per event type, or say which member chooses among them with `schema_from: {member: <name>}`"),
        );
        return None;
    }
    let mut examples_of: BTreeMap<Version, Vec<Example>> = BTreeMap::new();
    let read = match examples {
        Examples::Read => load_examples(source, dir, &by_version, diags),
        Examples::Skip => Vec::new(),
    };
    for example in read {
        examples_of
            .entry(example.version.clone())
            .or_default()
            .push(example);
    }
    let mut versions = Vec::new();
    for (version, file) in by_version {
        let doc = match reg.load_file(&file) {
            Ok(id) => id,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if !reg.doc(doc).value.is_object() {
            diags.push(reg.doc(doc).diagnostic(
                Diagnostic::error(
                    "invalid-schema",
                    "an event version schema must be a JSON object",
                ),
                "",
            ));
            continue;
        }
        merge_envelope(
            reg,
            doc,
            envelope,
            source.type_from.member(),
            &type_value,
            diags,
        );
        let deprecated = reg.doc(doc).value.get("deprecated") == Some(&Value::Bool(true));
        let examples = examples_of.remove(&version).unwrap_or_default();
        versions.push(EventVersion {
            version,
            file,
            doc,
            deprecated,
            examples,
        });
    }
    Some(EventType {
        dir: dir_name.to_owned(),
        type_value,
        rust_name: ident::type_name(&module),
        module,
        versions,
    })
}

/// Merges the envelope's top-level `properties` and `required` into a version
/// document (as `$ref`s to the envelope, so their docs and types are shared)
/// and pins the type member, when there is one, to the event's type value.
/// Nothing is merged into a source with neither, and nothing the authors
/// did not write is added: the root's `type` is the version's, else the
/// envelope's, else none (a root that is not an object where members must
/// be merged is a diagnostic).
fn merge_envelope(
    reg: &mut Registry,
    doc: DocId,
    envelope: Option<DocId>,
    type_field: Option<&str>,
    type_value: &str,
    diags: &mut Diagnostics,
) {
    if envelope.is_none() && type_field.is_none() {
        return;
    }
    let root = Loc {
        doc,
        pointer: String::new(),
    };
    let draft = reg.draft(&root);
    let mut value = reg.doc(doc).value.clone();
    let Some(obj) = value.as_object_mut() else {
        return;
    };
    let envelope_type = envelope.and_then(|env| reg.doc(env).value.get("type").cloned());
    let declared = obj.get("type").or(envelope_type.as_ref());
    let allows_object = match declared {
        None => true,
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
        Some(_) => true,
    };
    if !allows_object {
        let why = match (envelope.is_some(), type_field) {
            (true, _) => "the source's envelope merges members into it".to_owned(),
            (false, Some(field)) => format!("the event type is its \"{field}\" member"),
            (false, None) => String::new(),
        };
        let at = if obj.contains_key("type") {
            "/type"
        } else {
            ""
        };
        diags.push(reg.doc(doc).diagnostic(
            Diagnostic::error(
                "envelope-needs-object",
                format!("this schema's root is not an object, but {why}"),
            )
            .with_hint("a source whose payloads are not objects gives the event type from outside: `type_from: {header: <name>}` or `{given: <where>}`, and no envelope"),
            at,
        ));
        return;
    }
    // Before 2019-09 a `$ref` at the root would override what is merged in
    // beside it: the reference becomes an `allOf` member (what it overrode,
    // its `$id` included, was never read).
    if let Some(view) = keywords::effective(obj, draft) {
        let mut kept: Map<String, Value> = obj
            .iter()
            .filter(|(k, _)| {
                view.contains_key(*k) && *k != "$ref"
                    || matches!(
                        keywords::get(k, draft).map(|kw| kw.role),
                        Some(keywords::Role::Definitions)
                    )
                    || *k == "$schema"
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(r) = view.get("$ref") {
            kept.insert("allOf".to_owned(), json!([{ "$ref": r }]));
        }
        *obj = kept;
    }
    let mut properties = match obj.remove("properties") {
        Some(Value::Object(p)) => p,
        Some(other) => {
            // Leave a malformed `properties` for the validator to report.
            obj.insert("properties".to_owned(), other);
            return;
        }
        None => Map::new(),
    };
    let mut merged = Map::new();
    let mut required: Vec<Value> = Vec::new();
    if let Some(env) = envelope {
        let env_url = reg.url(env).clone();
        let env_value = &reg.doc(env).value;
        if let Some(Value::Object(env_props)) = env_value.get("properties") {
            for name in env_props.keys() {
                if !properties.contains_key(name) {
                    let pointer = format!(
                        "/properties/{}",
                        eventsmith_core::validation::escape_pointer_segment(name)
                    );
                    merged.insert(
                        name.clone(),
                        json!({ "$ref": format!("{env_url}#{pointer}") }),
                    );
                }
            }
        }
        if let Some(Value::Array(req)) = env_value.get("required") {
            required.extend(req.iter().cloned());
        }
    }
    for (k, v) in std::mem::take(&mut properties) {
        merged.insert(k, v);
    }
    if let Some(Value::Array(own)) = obj.get("required") {
        for r in own {
            if !required.contains(r) {
                required.push(r.clone());
            }
        }
    }
    let Some(type_field) = type_field else {
        obj.insert("properties".to_owned(), Value::Object(merged));
        if !required.is_empty() {
            obj.insert("required".to_owned(), Value::Array(required));
        }
        if let Some(t) = envelope_type {
            obj.entry("type").or_insert(t);
        }
        reg.replace_value(doc, value);
        return;
    };
    // Draft-04 has no `const`: a one-value `enum` says the same.
    let (pin, pinned) = if keywords::get("const", draft).is_some() {
        ("const", Value::String(type_value.to_owned()))
    } else {
        ("enum", json!([type_value]))
    };
    if let Some(Value::Object(field)) = merged.get_mut(type_field)
        && !field.contains_key(pin)
    {
        field.insert(pin.to_owned(), pinned);
    } else if let Some(Value::Object(field)) = merged.get_mut(type_field)
        && pin == "enum"
        && field.get("enum") != Some(&pinned)
    {
        // Its own `enum` stays; the pin joins it in an `allOf`.
        let all = field.entry("allOf").or_insert_with(|| json!([]));
        if let Value::Array(all) = all {
            all.push(json!({ "enum": pinned }));
        }
    } else if !merged.contains_key(type_field) {
        merged.insert(type_field.to_owned(), json!({ pin: pinned }));
    }
    obj.insert("properties".to_owned(), Value::Object(merged));
    if !required.is_empty() {
        obj.insert("required".to_owned(), Value::Array(required));
    }
    if let Some(t) = envelope_type {
        obj.entry("type").or_insert(t);
    }
    reg.replace_value(doc, value);
}

fn load_examples(
    source: &Source,
    dir: &Path,
    versions: &BTreeMap<Version, PathBuf>,
    diags: &mut Diagnostics,
) -> Vec<Example> {
    let mut out = Vec::new();
    let examples_dir = dir.join("examples");
    if !examples_dir.is_dir() {
        return out;
    }
    let invalid_dir = examples_dir.join("invalid");
    let expected = load_expected(&invalid_dir, diags);
    for (folder, invalid) in [(examples_dir.clone(), false), (invalid_dir.clone(), true)] {
        let Ok(entries) = sorted_entries(&folder) else {
            continue;
        };
        for path in entries.iter().filter(|p| p.is_file()) {
            let name = file_name(path);
            if name == "expected.yaml"
                || name == "SOURCES.md"
                || name == "README.md"
                || name.starts_with('.')
            {
                continue;
            }
            let Some(syntax) = Syntax::of(path) else {
                diags.push(
                    Diagnostic::error(
                        "unexpected-file",
                        format!("\"{name}\" is not a .json or .yaml example"),
                    )
                    .in_file(path),
                );
                continue;
            };
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let version = match example_version(&stem, source, versions) {
                Ok(v) => v,
                Err(why) => {
                    diags.push(
                        Diagnostic::error(
                            "bad-example-name",
                            format!("example \"{name}\" does not start with a version: {why}"),
                        )
                        .in_file(path)
                        .with_hint("name examples <version>.json or <version>-<name>.json"),
                    );
                    continue;
                }
            };
            if !versions.contains_key(&version) {
                diags.push(
                    Diagnostic::error(
                        "example-without-schema",
                        format!("example \"{name}\" is for version {version}, which has no schema"),
                    )
                    .in_file(path),
                );
                continue;
            }
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    diags.push(
                        Diagnostic::error("unreadable-file", format!("cannot read example: {e}"))
                            .in_file(path),
                    );
                    continue;
                }
            };
            let doc = match document::parse(path, &text, syntax) {
                Ok(d) => d,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            let (said_by, declared) = declared_key(&doc.value, source, versions);
            if let Some(declared) = declared
                && declared != version.to_string()
                && !invalid
            {
                diags.push(doc.diagnostic(
                    Diagnostic::error(
                        "example-version-mismatch",
                        format!("example \"{name}\" says version \"{declared}\" but its file name says {version}"),
                    ),
                    &format!("/{said_by}"),
                ));
                continue;
            }
            let expect = if invalid {
                match expected.get(&name) {
                    Some(e) => e.clone(),
                    None => {
                        diags.push(
                            Diagnostic::error("missing-expectation", format!("invalid example \"{name}\" is not listed in invalid/expected.yaml"))
                                .in_file(path)
                                .with_hint("list its expected errors (instance_path, keyword) and the reason"),
                        );
                        continue;
                    }
                }
            } else {
                Expectation::Valid
            };
            out.push(Example {
                path: path.clone(),
                version,
                value: doc.value,
                expect,
            });
        }
    }
    for name in expected.keys() {
        if !invalid_dir.join(name).is_file() {
            diags.push(
                Diagnostic::error(
                    "stale-expectation",
                    format!("expected.yaml lists \"{name}\", which does not exist"),
                )
                .in_file(invalid_dir.join("expected.yaml")),
            );
        }
    }
    out
}

/// The version (schema key) an example's file name declares.
fn example_version(
    stem: &str,
    source: &Source,
    versions: &BTreeMap<Version, PathBuf>,
) -> Result<Version, String> {
    match source.versioning {
        // A semver never contains '-' in our file names; a name follows it.
        Versioning::Semver | Versioning::Integer => Version::parse(
            stem.split_once('-').map_or(stem, |(v, _)| v),
            source.versioning,
        ),
        // A date has two '-'; the name follows a third.
        Versioning::Calendar => {
            let text = if stem.len() > 10 && stem.as_bytes().get(10) == Some(&b'-') {
                &stem[..10]
            } else {
                stem
            };
            Version::parse(text, source.versioning)
        }
        // The one schema of a type reads every example; among named
        // schemas, the longest name the file name starts with.
        Versioning::None if source.schema_from.is_none() => versions
            .keys()
            .next()
            .cloned()
            .ok_or_else(|| "the event type has no schema".to_owned()),
        Versioning::None => versions
            .keys()
            .filter(|k| {
                let k = k.to_string();
                stem == k
                    || stem
                        .strip_prefix(&k)
                        .is_some_and(|rest| rest.starts_with('-'))
            })
            .max_by_key(|k| k.to_string().len())
            .cloned()
            .ok_or_else(|| {
                format!(
                    "it names none of the type's schemas ({})",
                    versions
                        .keys()
                        .map(Version::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
    }
}

/// The schema key an example says it is for, and the member that says it:
/// its version member, or (without versions) the member that chooses
/// among named schemas when it names one of them.
fn declared_key<'v>(
    value: &'v Value,
    source: &'v Source,
    versions: &BTreeMap<Version, PathBuf>,
) -> (&'v str, Option<String>) {
    match (&source.schema_from, source.versioning) {
        (Some(from), Versioning::None) => {
            let named = value
                .get(&from.member)
                .and_then(Value::as_str)
                .filter(|k| versions.contains_key(&Version::Name((*k).to_owned())));
            (&from.member, named.map(str::to_owned))
        }
        (None, Versioning::None) => ("", None),
        _ => match source.version_from.member() {
            Some(field) => {
                let said = match value.get(field) {
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(Value::Number(n)) if source.versioning == Versioning::Integer => {
                        Some(n.to_string())
                    }
                    _ => None,
                };
                (field, said)
            }
            None => ("", None),
        },
    }
}

fn load_expected(invalid_dir: &Path, diags: &mut Diagnostics) -> BTreeMap<String, Expectation> {
    let mut out = BTreeMap::new();
    let path = invalid_dir.join("expected.yaml");
    if !path.is_file() {
        return out;
    }
    let doc = match document::read(&path) {
        Ok(d) => d,
        Err(d) => {
            diags.push(d);
            return out;
        }
    };
    let Some(map) = doc.value.as_object() else {
        diags.push(doc.diagnostic(
            Diagnostic::error(
                "invalid-expectation",
                "expected.yaml must map file names to expectations",
            ),
            "",
        ));
        return out;
    };
    for (file, spec) in map {
        let at = format!(
            "/{}",
            eventsmith_core::validation::escape_pointer_segment(file)
        );
        let reason = spec
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut errors = Vec::new();
        let mut ok = !reason.is_empty();
        if let Some(list) = spec.get("errors").and_then(Value::as_array) {
            for e in list {
                match (
                    e.get("instance_path").and_then(Value::as_str),
                    e.get("keyword").and_then(Value::as_str),
                ) {
                    (Some(p), Some(k)) => errors.push((p.to_owned(), k.to_owned())),
                    _ => ok = false,
                }
            }
        } else {
            ok = false;
        }
        if !ok || errors.is_empty() {
            diags.push(doc.diagnostic(
                Diagnostic::error(
                    "invalid-expectation",
                    format!("the entry for \"{file}\" needs a `reason` and a non-empty `errors` list of {{instance_path, keyword}}"),
                ),
                &at,
            ));
            continue;
        }
        errors.sort();
        out.insert(file.clone(), Expectation::Invalid { reason, errors });
    }
    out
}

/// Expands every `x-eventsmith-partial-of` into a real schema: the target's
/// properties (through `allOf` and `$ref`), none required, each a `$ref` to
/// the original property schema so nested objects stay whole.
fn expand_partials(reg: &mut Registry, diags: &mut Diagnostics) {
    for id in 0..reg.len() {
        let mut found = Vec::new();
        find_partials(&reg.doc(id).value, String::new(), &mut found);
        if found.is_empty() {
            continue;
        }
        let mut value = reg.doc(id).value.clone();
        for (pointer, target) in found {
            let at = Loc {
                doc: id,
                pointer: pointer.clone(),
            };
            let loc = match reg.resolve(&target, &at) {
                Ok(l) => l,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            let mut props = Map::new();
            collect_properties(reg, &loc, &mut props, 0);
            let title = reg
                .value(&loc)
                .and_then(|v| v.get("title"))
                .and_then(Value::as_str)
                .unwrap_or("Object")
                .to_owned();
            let partial = json!({
                "type": "object",
                "title": format!("{title}Partial"),
                "description": format!("The values the changed fields of a {title} had before the update: a shallow partial, every key optional, a changed nested object included whole."),
                "properties": Value::Object(props),
            });
            if let Some(slot) = value.pointer_mut(&pointer) {
                *slot = partial;
            }
        }
        reg.replace_value(id, value);
    }
}

fn find_partials(v: &Value, pointer: String, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(obj) => {
            if let Some(Value::String(target)) = obj.get(PARTIAL_OF) {
                out.push((pointer.clone(), target.clone()));
            }
            for (k, child) in obj {
                find_partials(
                    child,
                    format!(
                        "{pointer}/{}",
                        eventsmith_core::validation::escape_pointer_segment(k)
                    ),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_partials(child, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn collect_properties(reg: &mut Registry, loc: &Loc, out: &mut Map<String, Value>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Some(value) = reg.value(loc).cloned() else {
        return;
    };
    if let Some(Value::String(r)) = value.get("$ref")
        && let Ok(target) = reg.resolve(r, loc)
    {
        collect_properties(reg, &target, out, depth + 1);
    }
    if let Some(Value::Array(members)) = value.get("allOf") {
        for i in 0..members.len() {
            collect_properties(reg, &loc.child("allOf").index(i), out, depth + 1);
        }
    }
    if let Some(Value::Object(props)) = value.get("properties") {
        let url = reg.url(loc.doc).clone();
        for name in props.keys() {
            let pointer = format!(
                "{}/properties/{}",
                loc.pointer,
                eventsmith_core::validation::escape_pointer_segment(name)
            );
            out.insert(name.clone(), json!({ "$ref": format!("{url}#{pointer}") }));
        }
    }
}
