//! `eventsmith docs`: the catalog as a static website for the people who
//! integrate with its sources.
//!
//! A back end beside [`crate::export`], reading the same compiled catalog
//! and never the raw files: the sources, events and versions of
//! [`Compiled`], the type IR for Rust names and fields, the validator IR for
//! what is enforced, the compatibility check's version pairs
//! ([`crate::compat::compare_versions`]) for each step's changes and bumps,
//! the export's standalone schemas ([`crate::export::standalone_schemas`])
//! for download, and [`crate::validate::CatalogValidator`]'s verdict on
//! every example.
//!
//! [`build`] returns the files as data (site path → bytes), touching
//! nothing; [`Site::write`] puts them in a directory. Stages, one module
//! each: [`model`] (the page model; [`fields`] reads field tables,
//! [`words`] says pointers and dispatch rules in words, [`signing`] how
//! deliveries are authenticated), [`render`] (pages, through the escaping
//! writer in [`html`]), [`search`] (the index) and [`assets`] (style sheet
//! and script). The layout is in [`paths`].
//!
//! The site is plain HTML and CSS; the one script is the home page's
//! search, whose index is a `.js` file assigning a global so it works from
//! `file://`. Nothing is fetched at view time. Output is deterministic.

pub mod assets;
pub mod fields;
pub mod html;
pub mod model;
pub mod paths;
pub mod render;
pub mod search;
pub mod signing;
pub mod words;

use std::collections::BTreeMap;
use std::path::Path;

use crate::compat::compare_versions;
use crate::config::{Error, write_if_changed};
use crate::diagnostic::Diagnostics;
use crate::export::{ExportOptions, standalone_schemas};
use crate::lower::Compiled;

/// The file listing what the last [`Site::write`] wrote, so the next one
/// removes pages that are gone without touching anything else in the
/// directory.
pub const MANIFEST: &str = "_eventsmith/files.txt";

/// How to build the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocsOptions {
    /// The site's title (home page heading, every page's title).
    pub title: String,
    /// How the downloadable schemas are exported (their `$id`s).
    pub export: ExportOptions,
}

impl Default for DocsOptions {
    fn default() -> Self {
        DocsOptions {
            title: "Event catalog".to_owned(),
            export: ExportOptions {
                regenerate_with: "eventsmith docs".to_owned(),
                ..ExportOptions::default()
            },
        }
    }
}

/// The site: path relative to its root (with `/`) → content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    /// The files.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// What [`Site::write`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written because they were missing or changed.
    pub changed: usize,
    /// Files already up to date.
    pub unchanged: usize,
    /// Files of an earlier site that this one no longer has, removed.
    pub removed: usize,
}

impl Site {
    /// The total size in bytes.
    pub fn size(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }

    /// Writes every file whose content changed, and removes the files an
    /// earlier site written there listed in its manifest that this one no
    /// longer has (nothing else in `out` is touched).
    pub fn write(&self, out: &Path) -> Result<Written, Error> {
        let mut written = Written::default();
        let previous = std::fs::read_to_string(out.join(MANIFEST)).unwrap_or_default();
        for rel in previous.lines().filter(|l| !l.is_empty()) {
            let safe = !rel
                .split('/')
                .any(|s| s.is_empty() || s == "." || s == "..");
            if safe && !self.files.contains_key(rel) {
                let path = out.join(rel);
                if path.is_file() {
                    std::fs::remove_file(&path).map_err(|e| Error::Io(path.clone(), e))?;
                    written.removed += 1;
                }
            }
        }
        for (rel, content) in &self.files {
            if write_if_changed(&out.join(rel), content)? {
                written.changed += 1;
            } else {
                written.unchanged += 1;
            }
        }
        Ok(written)
    }
}

/// Builds the site of a compiled catalog. Fails when the export cannot
/// bundle a schema.
pub fn build(compiled: &mut Compiled, options: &DocsOptions) -> Result<Site, Diagnostics> {
    let schemas = standalone_schemas(compiled, &options.export)?;
    // `check`'s violations are shown on the pages (each step's verdict);
    // they do not stop the site.
    let mut check = Diagnostics::default();
    let pairs = compare_versions(&mut compiled.catalog, &mut check);
    let model = model::build_model(compiled, &pairs, &schemas);

    let mut files = BTreeMap::new();
    let mut put = |(path, content): (String, Vec<u8>)| {
        files.insert(path, content);
    };
    let site = options.title.as_str();
    put(render::index(site, &model.sources));
    for source in &model.sources {
        put(render::source(site, source));
        for event in &source.events {
            put(render::event(site, source, event));
            for (vi, v) in event.versions.iter().enumerate() {
                put(render::version(site, source, event, vi));
                put((
                    paths::schema(&source.name, &event.dir, &v.key),
                    v.schema.clone().into_bytes(),
                ));
            }
        }
        for ty in &source.types {
            put(render::type_page(site, source, ty));
        }
    }
    put((paths::style(), assets::STYLE.as_bytes().to_vec()));
    put((paths::search_script(), assets::SEARCH.as_bytes().to_vec()));
    let entries = search::entries(&model);
    put((
        paths::search_index(),
        search::index_script(&entries).into_bytes(),
    ));
    let mut manifest = format!("{MANIFEST}\n");
    for path in files.keys() {
        manifest.push_str(path);
        manifest.push('\n');
    }
    files.insert(MANIFEST.to_owned(), manifest.into_bytes());
    Ok(Site { files })
}

/// Loads the catalog at `schemas` and builds its site.
pub fn build_dir(schemas: &Path, options: &DocsOptions) -> Result<Site, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut compiled = Compiled::load(schemas, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    build(&mut compiled, options)
}
