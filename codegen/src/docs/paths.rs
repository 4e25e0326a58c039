//! Where each page of the site is, relative to its root. Every link is
//! made from these (relative, so the site works from `file://` and under
//! any prefix on a static host).

/// The directory of the site's own files (style sheet, scripts). No
/// source can clash with it: a source directory must be a Rust module
/// name, and loading refuses one that starts with `_`.
pub const ASSETS: &str = "_eventsmith";

/// The style sheet.
pub fn style() -> String {
    format!("{ASSETS}/style.css")
}

/// The search script.
pub fn search_script() -> String {
    format!("{ASSETS}/search.js")
}

/// The search index, a script that assigns a global (a `file://` page
/// cannot fetch JSON).
pub fn search_index() -> String {
    format!("{ASSETS}/search-index.js")
}

/// The home page: sources, event types, search.
pub const INDEX: &str = "index.html";

/// A source's page.
pub fn source(source: &str) -> String {
    format!("{source}/index.html")
}

/// An event type's page: timeline, dispatch, changes.
pub fn event(source: &str, event: &str) -> String {
    format!("{source}/{event}/index.html")
}

/// A version's page: fields, examples.
pub fn version(source: &str, event: &str, version: &str) -> String {
    format!("{source}/{event}/{version}.html")
}

/// A version's standalone schema, for download.
pub fn schema(source: &str, event: &str, version: &str) -> String {
    format!("{source}/{event}/{version}.schema.json")
}

/// A shared definition's page.
pub fn type_page(source: &str, name: &str) -> String {
    format!("{source}/types/{name}.html")
}

/// The anchor of a step's section on its event type's page.
pub fn step_anchor(from: Option<&str>, to: Option<&str>) -> String {
    match (from, to) {
        (_, Some(to)) => super::html::anchor("step-", to),
        (Some(from), None) => super::html::anchor("dropped-after-", from),
        (None, None) => "steps".to_owned(),
    }
}
