//! The builder `build.rs` uses, in the style of prost-build's `Config`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::compile::Compiled;
use crate::diagnostic::Diagnostics;
use crate::emit::{self, EmitOptions};

/// Why generation failed.
#[derive(Debug)]
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

impl std::error::Error for Error {}

/// Configures and runs code generation.
#[derive(Debug, Clone)]
pub struct Config {
    schemas: PathBuf,
    runtime: String,
    json_schema: bool,
    one_pass: bool,
    out_dir: Option<PathBuf>,
    file_name: String,
    cargo_directives: bool,
    regenerate_with: String,
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

impl Config {
    /// Defaults: catalog `schemas/`, runtime crate `::eventsmith`, no
    /// `schemars` derive, output `$OUT_DIR/eventsmith.rs`.
    pub fn new() -> Config {
        Config {
            schemas: PathBuf::from("schemas"),
            runtime: "::eventsmith".to_owned(),
            json_schema: false,
            one_pass: true,
            out_dir: None,
            file_name: "eventsmith.rs".to_owned(),
            cargo_directives: true,
            regenerate_with: "cargo build (build.rs runs eventsmith-codegen)".to_owned(),
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

    /// The path generated code uses for the runtime crate (default `::eventsmith`).
    ///
    /// ```
    /// eventsmith_codegen::Config::new().runtime_crate("::eventsmith");
    /// ```
    pub fn runtime_crate(&mut self, path: &str) -> &mut Self {
        self.runtime = path.to_owned();
        self
    }

    /// Derive `schemars::JsonSchema` on generated types (needs the runtime's
    /// `schemars` feature).
    ///
    /// ```
    /// eventsmith_codegen::Config::new().json_schema(true);
    /// ```
    pub fn json_schema(&mut self, on: bool) -> &mut Self {
        self.json_schema = on;
        self
    }

    /// Write the validators of decoded values (default: on). They let a
    /// valid payload be decoded and validated in one pass, and an invalid
    /// one get its errors without a `serde_json::Value`; without them every
    /// payload goes through a `Value`, as the results are the same either
    /// way. Off saves about a third of the generated code and of the memory
    /// compiling it takes: for very large catalogs.
    ///
    /// ```
    /// eventsmith_codegen::Config::new().one_pass(false);
    /// ```
    pub fn one_pass(&mut self, on: bool) -> &mut Self {
        self.one_pass = on;
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

    /// The output file name (default `eventsmith.rs`).
    ///
    /// ```
    /// eventsmith_codegen::Config::new().file_name("events.rs");
    /// ```
    pub fn file_name(&mut self, name: &str) -> &mut Self {
        self.file_name = name.to_owned();
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

    /// The command named in the generated file's header.
    ///
    /// ```
    /// eventsmith_codegen::Config::new().regenerate_with("cargo run -p eventsmith-cli -- generate");
    /// ```
    pub fn regenerate_with(&mut self, command: &str) -> &mut Self {
        self.regenerate_with = command.to_owned();
        self
    }

    /// Loads and lowers the catalog; warnings are returned beside it.
    pub fn load(&self) -> Result<(Compiled, Diagnostics), Error> {
        let mut diags = Diagnostics::default();
        let compiled = Compiled::load(&self.schemas, &mut diags);
        if diags.has_errors() {
            return Err(Error::Catalog(diags));
        }
        Ok((compiled, diags))
    }

    /// Generates the bindings as a string, touching no file.
    pub fn generate(&self) -> Result<(String, Diagnostics), Error> {
        let (compiled, warnings) = self.load()?;
        let options = EmitOptions {
            runtime: self.runtime.clone(),
            json_schema: self.json_schema,
            one_pass: self.one_pass,
            regenerate_with: self.regenerate_with.clone(),
        };
        let code = emit::bindings(&compiled, &options).map_err(Error::Internal)?;
        Ok((code, warnings))
    }

    /// Generates and writes `<out_dir>/<file_name>` when its content changed.
    /// Returns the path written.
    pub fn compile(&self) -> Result<PathBuf, Error> {
        if self.cargo_directives {
            // A directory makes cargo rerun when anything below it changes.
            println!("cargo:rerun-if-changed={}", self.schemas.display());
        }
        let (code, warnings) = self.generate()?;
        if self.cargo_directives {
            for w in &warnings.0 {
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
        let path = dir.join(&self.file_name);
        write_if_changed(&path, code.as_bytes())?;
        Ok(path)
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
