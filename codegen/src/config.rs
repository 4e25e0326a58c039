//! The builder `build.rs` uses, in the style of prost-build's `Config`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostics;
use crate::emit::{self, EmitOptions, Files};
use crate::load::catalog::Catalog;
use crate::load::overrides;
use crate::lower::Compiled;
use crate::select::Selection;

/// Why generation failed. Its `Debug` is its `Display`, so a `build.rs`
/// can end in `.unwrap()` (or return it) and still print every diagnostic
/// readably.
pub enum Error {
    /// The catalog has problems; every one is listed.
    Catalog(Diagnostics),
    /// Writing the output failed.
    Io(PathBuf, std::io::Error),
    /// `OUT_DIR` is not set and no output directory was given.
    NoOutDir,
    /// An internal error (a bug): the generated code did not parse.
    Internal(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Catalog(d) => write!(f, "{d}"),
            Error::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
            Error::NoOutDir => {
                f.write_str("OUT_DIR is not set: call out_dir() or run from build.rs")
            }
            Error::Internal(m) => write!(f, "{m}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `build.rs` failures print the `Debug` of an unwrapped error: make
        // that the diagnostics themselves, not a struct dump.
        write!(f, "\n{self}")
    }
}

impl std::error::Error for Error {}

/// The generated files and the warnings that came with them.
#[derive(Debug)]
pub struct Generated {
    /// File name → content; [`Config::file_name`] is the one to `include!`,
    /// it includes the others (one per source).
    pub files: Files,
    /// Warnings about the catalog (nothing that stopped generation).
    pub warnings: Diagnostics,
}

/// Configures and runs code generation.
#[derive(Debug, Clone)]
pub struct Config {
    schemas: PathBuf,
    emit: EmitOptions,
    selection: Selection,
    sources: Vec<String>,
    out_dir: Option<PathBuf>,
    cargo_directives: bool,
    /// `(address, Rust type)` pairs of [`Config::replace`].
    replace: Vec<(String, String)>,
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

impl Config {
    /// Defaults: catalog `schemas/`, every source, event type and version,
    /// runtime crate `::eventsmith`, no `schemars` derive, output
    /// `$OUT_DIR/eventsmith.rs` (and `eventsmith.<source>.rs` beside it).
    pub fn new() -> Config {
        Config {
            schemas: PathBuf::from("schemas"),
            emit: EmitOptions {
                regenerate_with: "cargo build (build.rs runs eventsmith-codegen)".to_owned(),
                ..EmitOptions::default()
            },
            selection: Selection::default(),
            sources: Vec::new(),
            out_dir: None,
            cargo_directives: true,
            replace: Vec::new(),
        }
    }

    /// The catalog directory.
    ///
    /// ```
    /// eventsmith_codegen::Config::new().schemas("schemas");
    /// ```
    pub fn schemas(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.schemas = dir.as_ref().to_owned();
        self
    }

    /// Generate only these sources (by directory name); by default every
    /// source of the catalog. Call once per source.
    ///
    /// ```
    /// eventsmith_codegen::Config::new().source("gigs").source("impact_stack");
    /// ```
    pub fn source(&mut self, name: impl Into<String>) -> &mut Self {
        self.sources.push(name.into());
        self
    }

    /// Generate only the event types matching `pattern`, a glob over
    /// `<source>/<event type directory>` (`gigs/sim.*`); call once per
    /// pattern. Dispatch reports every other type as unknown. A pattern
    /// that matches nothing is a warning.
    ///
    /// ```
    /// eventsmith_codegen::Config::new().event_type("gigs/subscription.*").event_type("impact_stack/donation");
    /// ```
    pub fn event_type(&mut self, pattern: impl Into<String>) -> &mut Self {
        self.selection.event_types.push(pattern.into());
        self
    }

    /// Generate only the versions matching `pattern`, a glob over the
    /// version text (`2.*`, `2025-*`); call once per pattern.
    ///
    /// ```
    /// eventsmith_codegen::Config::new().version("2.*");
    /// ```
    pub fn version(&mut self, pattern: impl Into<String>) -> &mut Self {
        self.selection.versions.push(pattern.into());
        self
    }

    /// Generate only the newest `n` versions of each major version of each
    /// event type (semver; the newest `n` under other schemes). An event at
    /// an older version is then read by the oldest kept one of its major,
    /// or is an unknown version.
    ///
    /// ```
    /// eventsmith_codegen::Config::new().newest_per_major(1);
    /// ```
    pub fn newest_per_major(&mut self, n: usize) -> &mut Self {
        self.selection.newest_per_major = Some(n);
        self
    }

    /// The path generated code uses for the runtime crate (default `::eventsmith`).
    ///
    /// ```
    /// eventsmith_codegen::Config::new().runtime_crate("::eventsmith");
    /// ```
    pub fn runtime_crate(&mut self, path: impl Into<String>) -> &mut Self {
        self.emit.runtime = path.into();
        self
    }

    /// Derive `schemars::JsonSchema` on generated types (needs the runtime's
    /// `schemars` feature).
    ///
    /// ```
    /// eventsmith_codegen::Config::new().json_schema(true);
    /// ```
    pub fn json_schema(&mut self, on: bool) -> &mut Self {
        self.emit.json_schema = on;
        self
    }

    /// Put `attribute` on every generated type whose path matches `pattern`,
    /// a glob over the type's path in the bindings (`gigs::common::*`,
    /// `*::Money`), like prost-build's `type_attribute`.
    ///
    /// ```
    /// eventsmith_codegen::Config::new().type_attribute("gigs::common::*", "#[derive(Hash, Eq)]");
    /// ```
    pub fn type_attribute(
        &mut self,
        pattern: impl Into<String>,
        attribute: impl Into<String>,
    ) -> &mut Self {
        self.emit
            .type_attributes
            .push((pattern.into(), attribute.into()));
        self
    }

    /// Use your own Rust type for a schema instead of generating one, like
    /// typify's `replace`: `address` is `<source>/<file>#<JSON pointer>`
    /// (relative to the catalog), `rust_type` a path. The type must
    /// implement serde's `Serialize` and `DeserializeOwned` (and
    /// `schemars::JsonSchema` with [`Config::json_schema`]); payloads are
    /// still validated against the schema, then the value is read through
    /// serde. `replace:` in `source.yaml` says the same beside the schemas.
    ///
    /// ```
    /// eventsmith_codegen::Config::new().replace("github/common/user.schema.json#", "crate::GithubUser");
    /// ```
    pub fn replace(
        &mut self,
        address: impl Into<String>,
        rust_type: impl Into<String>,
    ) -> &mut Self {
        self.replace.push((address.into(), rust_type.into()));
        self
    }

    /// Where [`Config::compile`] writes (default `$OUT_DIR`).
    ///
    /// ```
    /// eventsmith_codegen::Config::new().out_dir("target/bindings");
    /// ```
    pub fn out_dir(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.out_dir = Some(dir.as_ref().to_owned());
        self
    }

    /// The name of the file to `include!` (default `eventsmith.rs`); each
    /// source's file is named after it (`eventsmith.gigs.rs`).
    ///
    /// ```
    /// eventsmith_codegen::Config::new().file_name("events.rs");
    /// ```
    pub fn file_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.emit.file_name = name.into();
        self
    }

    /// Print `cargo:rerun-if-changed` and `cargo:warning` lines (default on).
    ///
    /// ```
    /// eventsmith_codegen::Config::new().cargo_directives(false);
    /// ```
    pub fn cargo_directives(&mut self, on: bool) -> &mut Self {
        self.cargo_directives = on;
        self
    }

    /// The command named in the generated files' header.
    ///
    /// ```
    /// eventsmith_codegen::Config::new().regenerate_with("cargo run -p eventsmith-cli -- generate");
    /// ```
    pub fn regenerate_with(&mut self, command: impl Into<String>) -> &mut Self {
        self.emit.regenerate_with = command.into();
        self
    }

    /// What the builder selects of the catalog.
    fn selection(&self) -> Selection {
        let mut selection = self.selection.clone();
        if !self.sources.is_empty() && selection.event_types.is_empty() {
            selection.event_types = self.sources.iter().map(|s| format!("{s}/*")).collect();
        } else if !self.sources.is_empty() {
            // Both given: keep the type patterns of the chosen sources.
            selection
                .event_types
                .retain(|p| self.sources.iter().any(|s| p.starts_with(&format!("{s}/"))));
        }
        selection
    }

    /// Loads and lowers the catalog (what is selected of it); warnings are
    /// returned beside it. Examples are not read
    /// ([`Catalog::load_schemas`]): the bindings do not use them.
    pub fn load(&self) -> Result<(Compiled, Diagnostics), Error> {
        let mut diags = Diagnostics::default();
        // The bindings never read examples (`eventsmith examples` proves them).
        let mut catalog = Catalog::load_schemas(&self.schemas, &mut diags);
        self.selection().apply(&mut catalog, &mut diags);
        for (address, rust_type) in &self.replace {
            let root = catalog.root.clone();
            if let Err(d) =
                overrides::replace_from_config(&root, &mut catalog.registry, address, rust_type)
            {
                diags.push(d);
            }
        }
        let compiled = Compiled::lower(catalog, &mut diags);
        if diags.has_errors() {
            return Err(Error::Catalog(diags));
        }
        Ok((compiled, diags))
    }

    /// Generates the bindings as data, touching no file.
    pub fn generate(&self) -> Result<Generated, Error> {
        let (compiled, warnings) = self.load()?;
        let files = emit::generate(&compiled, &self.emit).map_err(Error::Internal)?;
        Ok(Generated { files, warnings })
    }

    /// Generates and writes the files into the output directory, each only
    /// when its content changed. Returns the path of the file to `include!`.
    pub fn compile(&self) -> Result<PathBuf, Error> {
        if self.cargo_directives {
            // A directory makes cargo rerun when anything below it changes.
            println!("cargo:rerun-if-changed={}", self.schemas.display());
        }
        let generated = self.generate()?;
        if self.cargo_directives {
            for w in &generated.warnings.0 {
                let source = w
                    .file
                    .as_deref()
                    .and_then(|f| std::fs::read_to_string(f).ok());
                for line in w.render(source.as_deref()).lines() {
                    println!("cargo:warning={line}");
                }
            }
        }
        let dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::NoOutDir)?,
        };
        for (name, content) in &generated.files {
            write_if_changed(&dir.join(name), content.as_bytes())?;
        }
        Ok(dir.join(&self.emit.file_name))
    }
}

/// Writes `content` to `path` unless the file already holds exactly that, so
/// unchanged output does not trigger rebuilds.
pub fn write_if_changed(path: &Path, content: &[u8]) -> Result<bool, Error> {
    if std::fs::read(path).is_ok_and(|old| old == content) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::Io(parent.to_owned(), e))?;
    }
    std::fs::write(path, content).map_err(|e| Error::Io(path.to_owned(), e))?;
    Ok(true)
}
