//! `eventsmith docs`: the site of the shipped catalog builds fast, is
//! deterministic, every internal link and anchor resolves, every page has
//! its landmarks and headings in order, the search index finds known
//! fields, the dispatch tables say what the runtime does, the pages show
//! what the check and the validator say; and a hostile catalog (HTML and
//! JavaScript in every text it controls) produces no element, attribute or
//! script of its own. The browser test is `tests/docs-site/run.sh`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use eventsmith_codegen::Compiled;
use eventsmith_codegen::diagnostic::Diagnostics;
use eventsmith_codegen::docs::{self, DocsOptions, Site};
use eventsmith_core::version::{self, Scheme};
use serde_json::Value;

use crate::workspace;

fn hostile_catalog() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/docs/hostile")
}

/// The shipped catalog's site and how long it took to build.
static SHIPPED: LazyLock<(Site, Duration)> = LazyLock::new(|| {
    let start = Instant::now();
    let site = docs::build_dir(&workspace().join("schemas"), &DocsOptions::default())
        .unwrap_or_else(|d| panic!("docs failed:\n{d}"));
    (site, start.elapsed())
});

static HOSTILE: LazyLock<Site> = LazyLock::new(|| {
    docs::build_dir(&hostile_catalog(), &DocsOptions::default())
        .unwrap_or_else(|d| panic!("docs of the hostile catalog failed:\n{d}"))
});

fn text(site: &Site, path: &str) -> String {
    let bytes = site
        .files
        .get(path)
        .unwrap_or_else(|| panic!("the site has no {path}"));
    String::from_utf8(bytes.clone()).unwrap()
}

fn pages(site: &Site) -> impl Iterator<Item = (&String, String)> {
    site.files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b.clone()).unwrap()))
}

// ------------------------------------------------------------ a strict reader of our HTML

/// A tag as the HTML tokenizer sees it.
#[derive(Debug, Clone)]
struct Tag {
    name: String,
    closing: bool,
    attrs: Vec<(String, String)>,
}

/// The elements and attributes the writer emits. Anything else in a page
/// came from somewhere else.
const ELEMENTS: &[&str] = &[
    "!doctype", "html", "head", "meta", "title", "link", "body", "a", "header", "form", "label",
    "input", "button", "nav", "ol", "ul", "li", "span", "main", "h1", "h2", "h3", "p", "section",
    "div", "table", "caption", "thead", "tbody", "tr", "th", "td", "code", "dl", "dt", "dd", "pre",
    "br", "strong", "details", "summary", "noscript", "footer", "script",
];
const ATTRIBUTES: &[&str] = &[
    "lang",
    "charset",
    "name",
    "content",
    "rel",
    "href",
    "class",
    "role",
    "action",
    "method",
    "for",
    "id",
    "type",
    "placeholder",
    "autocomplete",
    "aria-current",
    "aria-label",
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "tabindex",
    "scope",
    "title",
    "download",
    "src",
];

/// Reads a page the way an HTML tokenizer starts a tag: at every `<`
/// followed by a letter, `/` or `!`. Fails on anything our writer never
/// produces: an unknown element or attribute, an unquoted or unclosed
/// attribute value, a raw `<`/`>` in text, a `&` that is not one of the
/// references `escape` writes.
fn tokenize(page: &str) -> Result<(Vec<Tag>, String), String> {
    let mut tags = Vec::new();
    let mut texts = String::new();
    let mut rest = page;
    while let Some(at) = rest.find(['<', '>', '&']) {
        texts.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix('&') {
            let ok = ["amp;", "lt;", "gt;", "quot;", "#39;"]
                .iter()
                .find(|r| after.starts_with(**r));
            let Some(r) = ok else {
                return Err(format!("a bare & in text: {}", preview(tail)));
            };
            texts.push_str(&tail[..=r.len()]);
            rest = &after[r.len()..];
            continue;
        }
        if tail.starts_with('>') {
            return Err(format!("a raw > in text: {}", preview(tail)));
        }
        let end = tail[1..].find('>').ok_or("an unclosed tag")? + 1;
        let inner = &tail[1..end];
        if inner.contains('<') {
            return Err(format!("a < inside a tag: {}", preview(tail)));
        }
        tags.push(parse_tag(inner).map_err(|e| format!("{e}: {}", preview(tail)))?);
        rest = &tail[end + 1..];
    }
    texts.push_str(rest);
    Ok((tags, texts))
}

fn preview(s: &str) -> String {
    s.chars().take(120).collect()
}

fn parse_tag(inner: &str) -> Result<Tag, String> {
    let (closing, body) = match inner.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, inner),
    };
    let name_end = body.find([' ', '\n']).unwrap_or(body.len());
    let name = body[..name_end].to_ascii_lowercase();
    if !ELEMENTS.contains(&name.as_str()) {
        return Err(format!("element <{name}> is not one the writer emits"));
    }
    let mut attrs = Vec::new();
    let mut rest = body[name_end..].trim_start();
    if name == "!doctype" {
        return Ok(Tag {
            name,
            closing,
            attrs,
        });
    }
    while !rest.is_empty() {
        let eq = rest.find('=').ok_or("an attribute without a value")?;
        let attr = &rest[..eq];
        if !ATTRIBUTES.contains(&attr) {
            return Err(format!("attribute {attr:?} is not one the writer emits"));
        }
        let value_part = rest[eq + 1..]
            .strip_prefix('"')
            .ok_or("an unquoted attribute value")?;
        let close = value_part.find('"').ok_or("an unclosed attribute value")?;
        let value = &value_part[..close];
        if value.contains(['<', '>']) {
            return Err(format!("a raw < or > in attribute {attr}"));
        }
        attrs.push((attr.to_owned(), value.to_owned()));
        rest = value_part[close + 1..].trim_start();
    }
    Ok(Tag {
        name,
        closing,
        attrs,
    })
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

// ------------------------------------------------------------ the shipped catalog

#[test]
fn the_shipped_catalog_builds_in_seconds_and_is_small() {
    let (site, took) = &*SHIPPED;
    let size = site.size();
    let schemas: usize = site
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".schema.json"))
        .map(|(_, b)| b.len())
        .sum();
    println!(
        "site: {} files, {} KB ({} KB of it standalone schemas), built in {took:?}",
        site.files.len(),
        size / 1024,
        schemas / 1024
    );
    // Unoptimised test builds are several times slower than the release CLI.
    assert!(*took < Duration::from_secs(30), "took {took:?}");
    // GitHub's 224 schemas are most of it (about 23 MB, a third of it
    // standalone schemas).
    assert!(size < 32 * 1024 * 1024, "{size} bytes");
    // One page per source, event type, version and shared type.
    let versions = site
        .files
        .keys()
        .filter(|p| p.ends_with(".schema.json"))
        .count();
    // Impact Stack and Gigs: 115 versions; GitHub: 224 schemas.
    assert_eq!(versions, 115 + 224);
    for page in [
        "index.html",
        "gigs/index.html",
        "gigs/sim.updated/index.html",
        "gigs/sim.updated/2025-05-22.html",
        "gigs/sim.updated/2025-05-22.schema.json",
        "gigs/types/Sim.html",
        "impact_stack/form_submission/1.3.0.html",
        "_eventsmith/style.css",
        "_eventsmith/search.js",
        "_eventsmith/search-index.js",
    ] {
        assert!(site.files.contains_key(page), "no {page}");
    }
}

#[test]
fn the_site_is_deterministic() {
    let again = docs::build_dir(&workspace().join("schemas"), &DocsOptions::default()).unwrap();
    assert!(again == SHIPPED.0, "two builds differ");
}

/// Every `href` and `src` of every page, resolved against the page.
fn links(site: &Site) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    for (path, page) in pages(site) {
        let (tags, _) = tokenize(&page).unwrap_or_else(|e| panic!("{path}: {e}"));
        let dir: Vec<&str> = path.split('/').collect();
        let dir = &dir[..dir.len() - 1];
        for tag in tags {
            for (attr, value) in &tag.attrs {
                if attr != "href" && attr != "src" && attr != "action" {
                    continue;
                }
                let value = unescape(value);
                assert!(
                    !value.contains("://") && !value.starts_with("//") && !value.starts_with('/'),
                    "{path}: {attr}={value} leaves the site"
                );
                let (file, fragment) = match value.split_once('#') {
                    Some((f, frag)) => (f.to_owned(), Some(percent_decode(frag))),
                    None => (value.clone(), None),
                };
                let target = if file.is_empty() {
                    path.clone()
                } else {
                    let mut parts: Vec<String> = dir.iter().map(|s| (*s).to_owned()).collect();
                    for seg in file.split('/') {
                        match seg {
                            ".." => {
                                parts.pop();
                            }
                            "." => {}
                            s => parts.push(percent_decode(s)),
                        }
                    }
                    parts.join("/")
                };
                out.push((path.clone(), target, fragment));
            }
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn ids(page: &str) -> BTreeSet<String> {
    let (tags, _) = tokenize(page).unwrap();
    tags.iter()
        .flat_map(|t| t.attrs.iter())
        .filter(|(a, _)| a == "id")
        .map(|(_, v)| unescape(v))
        .collect()
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let site = &SHIPPED.0;
    let mut ids_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let all = links(site);
    assert!(all.len() > 1000, "only {} links", all.len());
    let mut broken = Vec::new();
    for (from, target, fragment) in &all {
        if !site.files.contains_key(target) {
            broken.push(format!("{from} → {target}: no such file"));
            continue;
        }
        if let Some(fragment) = fragment {
            let known = ids_of
                .entry(target.clone())
                .or_insert_with(|| ids(&text(site, target)));
            if !known.contains(fragment) {
                broken.push(format!("{from} → {target}#{fragment}: no such id"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken[..broken.len().min(20)].join("\n")
    );
    // Every page is reachable from the home page.
    let mut reached = BTreeSet::from(["index.html".to_owned()]);
    let mut todo = vec!["index.html".to_owned()];
    let by_page: BTreeMap<&String, Vec<&String>> =
        all.iter().fold(BTreeMap::new(), |mut m, (f, t, _)| {
            m.entry(f).or_default().push(t);
            m
        });
    while let Some(p) = todo.pop() {
        for t in by_page.get(&p).into_iter().flatten() {
            if reached.insert((*t).clone()) {
                todo.push((*t).clone());
            }
        }
    }
    for (path, _) in pages(site) {
        assert!(
            reached.contains(path),
            "{path} is not reachable from index.html"
        );
    }
}

#[test]
fn every_page_has_landmarks_headings_in_order_and_table_headers() {
    for (path, page) in pages(&SHIPPED.0) {
        let (tags, _) = tokenize(&page).unwrap_or_else(|e| panic!("{path}: {e}"));
        let opened = |name: &str| tags.iter().filter(|t| t.name == name && !t.closing).count();
        assert_eq!(opened("main"), 1, "{path}: one <main>");
        assert_eq!(opened("header"), 1, "{path}: one <header>");
        assert_eq!(opened("footer"), 1, "{path}: one <footer>");
        assert_eq!(opened("h1"), 1, "{path}: one <h1>");
        assert!(
            page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
            "{path}: doctype and lang"
        );
        let mut level = 0;
        for t in tags
            .iter()
            .filter(|t| !t.closing && matches!(t.name.as_str(), "h1" | "h2" | "h3"))
        {
            let l: usize = t.name[1..].parse().unwrap();
            assert!(l <= level + 1, "{path}: <{}> after <h{level}>", t.name);
            level = l;
        }
        // Every table has a header row of column headers.
        let tables = opened("table");
        let heads = tags
            .windows(3)
            .filter(|w| {
                w[0].name == "thead" && w[1].name == "tr" && w[2].name == "th" && !w[0].closing
            })
            .count();
        assert_eq!(
            tables, heads,
            "{path}: every table starts with <thead><tr><th>"
        );
        // Tags balance (void elements aside).
        let mut stack: Vec<&str> = Vec::new();
        for t in &tags {
            if matches!(
                t.name.as_str(),
                "!doctype" | "meta" | "link" | "input" | "br"
            ) {
                continue;
            }
            if t.closing {
                let top = stack.pop();
                assert_eq!(
                    top,
                    Some(t.name.as_str()),
                    "{path}: </{}> closes {top:?}",
                    t.name
                );
            } else {
                stack.push(&t.name);
            }
        }
        assert!(stack.is_empty(), "{path}: unclosed {stack:?}");
    }
}

/// The search index as its entries `[kind, title, context, url, text]`.
fn search_entries(site: &Site) -> Vec<Vec<String>> {
    let script = text(site, "_eventsmith/search-index.js");
    let json = script
        .split_once("window.EVENTSMITH_SEARCH = ")
        .and_then(|(_, rest)| rest.trim_end().strip_suffix(';'))
        .expect("the index assigns window.EVENTSMITH_SEARCH");
    assert!(
        !json.contains(['<', '>', '&']),
        "the index has raw markup characters"
    );
    serde_json::from_str(json).unwrap()
}

#[test]
fn the_search_index_finds_known_fields_types_and_events() {
    let site = &SHIPPED.0;
    let entries = search_entries(site);
    let find = |kind: &str, title: &str, context: &str| {
        entries
            .iter()
            .find(|e| e[0] == kind && e[1] == title && e[2] == context)
            .unwrap_or_else(|| panic!("no {kind} {title} in {context}"))
    };
    let iccid = find("field", "iccid", "Sim");
    assert_eq!(iccid[3], "gigs/types/Sim.html#f-iccid");
    assert!(iccid[4].contains("ICCID"), "{iccid:?}");
    // A field defined in the version schema itself points at the newest version.
    let status = find("field", "previousData.status", "com.gigs.sim.updated");
    assert_eq!(
        status[3],
        "gigs/sim.updated/2025-05-22.html#f-previousData.status"
    );
    find("field", "id", "ActionWithId");
    find("field", "is_draft", "form_submission");
    find("event", "com.gigs.sim.updated", "Gigs");
    find("type", "Sim", "Gigs shared definition");
    // Every URL points at a page of the site and an id on it.
    for e in &entries {
        let (file, fragment) = e[3]
            .split_once('#')
            .map_or((e[3].as_str(), None), |(f, x)| (f, Some(x)));
        assert!(site.files.contains_key(file), "{e:?}");
        if let Some(fragment) = fragment {
            assert!(ids(&text(site, file)).contains(fragment), "{e:?}");
        }
    }
}

#[test]
fn dispatch_tables_say_what_the_runtime_selects() {
    let mut diags = Diagnostics::default();
    let compiled = Compiled::load(&workspace().join("schemas"), &mut diags);
    assert!(!diags.has_errors());
    let mut checked = 0;
    for source in &compiled.catalog.sources {
        let scheme = match source.versioning {
            eventsmith_codegen::load::catalog::Versioning::Semver => Scheme::Semver,
            eventsmith_codegen::load::catalog::Versioning::Calendar => Scheme::Calendar,
            // One schema per type or exact versions: nothing to read later
            // (the GitHub catalog; `words.rs`' own tests cover the words).
            eventsmith_codegen::load::catalog::Versioning::Integer
            | eventsmith_codegen::load::catalog::Versioning::None => continue,
        };
        for event in &source.events {
            let keys: Vec<String> = event
                .versions
                .iter()
                .map(|v| v.version.to_string())
                .collect();
            let known: Vec<&str> = keys.iter().map(String::as_str).collect();
            let page = text(
                &SHIPPED.0,
                &format!("{}/{}/index.html", source.name, event.dir),
            );
            for (i, key) in keys.iter().enumerate() {
                // A version a little later than the schema: read by it unless
                // the table says the next schema starts there.
                let later = match scheme {
                    Scheme::Semver => {
                        let v = version::SemVer::parse(key).unwrap();
                        format!("{}.{}.{}", v.major, v.minor, v.patch + 1)
                    }
                    _ => {
                        let d = version::Date::parse(key).unwrap();
                        format!(
                            "{:04}-{:02}-{:02}",
                            d.year,
                            d.month,
                            if d.day < 28 { d.day + 1 } else { d.day }
                        )
                    }
                };
                assert_eq!(version::select(scheme, &known, key), Ok(i), "{key}");
                let next_starts = keys.get(i + 1) == Some(&later);
                if !next_starts {
                    assert_eq!(
                        version::select(scheme, &known, &later),
                        Ok(i),
                        "{} {later}",
                        event.dir
                    );
                }
                // The page's table names the schema's range as the words say it.
                let words = match (scheme, keys.get(i + 1)) {
                    (Scheme::Semver, Some(n))
                        if version::SemVer::parse(n).unwrap().major
                            == version::SemVer::parse(key).unwrap().major =>
                    {
                        format!("{key} up to, not including, {n}")
                    }
                    (Scheme::Semver, _) => format!(
                        "{key} and every later {}.x",
                        version::SemVer::parse(key).unwrap().major
                    ),
                    (_, Some(n)) => format!("dated {key} up to, not including, {n}"),
                    (_, None) => format!("dated {key} or later"),
                };
                assert!(page.contains(&words), "{}: {words}", event.dir);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 115);
}

#[test]
fn pages_show_what_check_and_the_validator_say() {
    let site = &SHIPPED.0;
    // A step with its bumps and a change in words.
    let event = text(site, "impact_stack/form_submission/index.html");
    assert!(event.contains("<h3 id=\"step-1.3.0\">1.1.0 → 1.3.0</h3>"));
    assert!(event.contains("property <code>action.id</code></td><td>added (required)"));
    assert!(event.contains("declared gap: 1.2.0 changed only payment_status_change"));
    // The type's removal in the next major is a step too.
    let confirmed = text(site, "impact_stack/form_submission_confirmed/index.html");
    assert!(confirmed.contains("after 1.1.0: dropped"));
    // A field row: nested, with its Rust type, values and description.
    let version = text(site, "gigs/sim.updated/2025-05-22.html");
    assert!(version.contains("<tr id=\"f-previousData.status\" class=\"d1\">"));
    assert!(version.contains("Option&lt;<a href=\"../types/SimStatus.html\">SimStatus</a>&gt;"));
    assert!(version.contains("<code>&quot;retired&quot;</code>"));
    // An invalid example with the recorded reason and the validator's message.
    assert!(version.contains("2025-05-22-missing-created-at.json</code> <span class=\"badge invalid\">invalid, as recorded</span>"));
    assert!(version.contains("createdAt is required"));
    assert!(version.contains("<td><code>/data</code></td><td><code>required</code></td><td>"));
    assert!(
        !site
            .files
            .values()
            .any(|b| String::from_utf8_lossy(b).contains("NOT proven")),
        "an example is not proven"
    );
    // The standalone schema is the export's.
    let schema: Value =
        serde_json::from_str(&text(site, "gigs/sim.updated/2025-05-22.schema.json")).unwrap();
    let exported: Value = serde_json::from_str(
        &std::fs::read_to_string(
            workspace().join("generated/export/jsonschema/gigs/sim.updated/2025-05-22.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(schema["$defs"], exported["$defs"]);
    assert_eq!(schema["properties"], exported["properties"]);
    // Each source says how it is authenticated, with receiving code.
    let gigs = text(site, "gigs/index.html");
    assert!(gigs.contains("Standard Webhooks signatures"));
    assert!(gigs.contains("Receiver::&lt;Event&gt;::standard_webhooks"));
    assert!(gigs.contains("use events::gigs::Event;"));
    let impact = text(site, "impact_stack/index.html");
    assert!(impact.contains("Receiver::&lt;Event&gt;::shared_secret"));
    // A shared type lists where it is used.
    let sim = text(site, "gigs/types/Sim.html");
    assert!(sim.contains("<code>com.gigs.sim.updated</code></a>: <a href=\"../sim.updated/2024-10-28.html\">2024-10-28</a>"));
}

// ------------------------------------------------------------ untrusted text

#[test]
fn nothing_from_a_hostile_catalog_becomes_markup() {
    let site = &*HOSTILE;
    let mut landed = 0;
    for (path, page) in pages(site) {
        let (tags, texts) = tokenize(&page).unwrap_or_else(|e| panic!("{path}: {e}"));
        // The only scripts are the site's own, empty, from its own folder.
        for t in tags.iter().filter(|t| t.name == "script" && !t.closing) {
            let src = &t
                .attrs
                .iter()
                .find(|(a, _)| a == "src")
                .expect("a script has a src")
                .1;
            assert!(
                src.ends_with("_eventsmith/search-index.js")
                    || src.ends_with("_eventsmith/search.js"),
                "{path}: {src}"
            );
        }
        assert!(!page.contains("<script>"), "{path}: an inline script");
        for t in &tags {
            for (attr, value) in &t.attrs {
                // The fixture's text may sit in a value (escaped, e.g. a
                // `title`), never name an attribute or become a link.
                if matches!(attr.as_str(), "href" | "src" | "action") {
                    assert!(
                        !value.contains("PWN") && !value.contains("javascript"),
                        "{path}: {attr}={value}"
                    );
                }
            }
        }
        // The fixture's text arrived, as text.
        let n = unescape(&texts).matches("PWN").count();
        landed += n;
        assert!(!texts.contains("<"), "{path}");
    }
    assert!(
        landed > 40,
        "the fixture's text should appear on the pages ({landed} times)"
    );
    // Some of it, to the letter, with its markup characters escaped.
    let version = text(site, "evil/x_event/1.1.0.html");
    for shown in [
        "&lt;img src=x onerror=window.__pwned=1&gt;PWN",
        "&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;PWN",
        "&quot;PWN&lt;!--new--&gt;&quot;",
        "PWN &amp; &lt;b onclick=&quot;window.__pwned=1&quot;&gt;bold&lt;/b&gt;",
        "^PWN&lt;[a-z]+&gt;&quot;&amp;&#39;$",
        "&quot;status&quot;: &quot;PWN&lt;img src=x onerror=window.__pwned=1&gt;&quot;",
        "PWN &lt;script&gt;window.__pwned=1&lt;/script&gt; is not an allowed status",
    ] {
        assert!(version.contains(shown), "1.1.0.html lacks {shown}");
    }
    let source = text(site, "evil/index.html");
    assert!(
        source.contains("a [link](javascript:window.__pwned=1) and"),
        "a Markdown link stays text"
    );
    // The search index holds the same strings, and no markup character.
    let entries = search_entries(site);
    let all: Vec<&String> = entries.iter().flatten().collect();
    assert!(
        all.iter()
            .any(|s| s.contains("<script>window.__pwned=1</script>PWN Evil & Co"))
    );
    assert!(all.iter().any(|s| s.contains("</script><!-- a comment")));
    assert!(
        all.iter()
            .any(|s| s.starts_with("<img src=x onerror=window.__pwned=1>PWN"))
    );
    let script = text(site, "_eventsmith/search-index.js");
    assert!(!script.contains("</") && !script.contains("<!--") && !script.contains('\u{2028}'));
}

#[test]
fn the_tokenizer_catches_what_escaping_prevents() {
    // The checks above can fail: unescaped fixture text is refused.
    assert!(tokenize("<p><img src=x></p>").is_err());
    assert!(tokenize("<p onclick=\"x\">a</p>").is_err());
    assert!(tokenize("<p>a > b</p>").is_err());
    assert!(tokenize("<p>a & b</p>").is_err());
    assert!(tokenize("<a href=\"x\" title=\"a\"b\">c</a>").is_err());
    assert!(tokenize("<p>&lt;img&gt; &amp; &quot;</p>").is_ok());
}

// ------------------------------------------------------------ writing

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eventsmith-docs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn writing_refreshes_changed_files_and_removes_only_the_sites_own_stale_ones() {
    let out = temp_dir("write");
    std::fs::write(out.join("mine.txt"), "not the site's").unwrap();
    let site = &*HOSTILE;
    let first = site.write(&out).unwrap();
    assert_eq!(first.changed, site.files.len());
    let again = site.write(&out).unwrap();
    assert_eq!(
        (again.changed, again.unchanged, again.removed),
        (0, site.files.len(), 0)
    );
    // A site without one version page: that page goes, nothing else.
    let mut smaller = site.clone();
    smaller.files.remove("evil/x_event/1.0.0.html");
    let w = smaller.write(&out).unwrap();
    assert_eq!(w.removed, 1);
    assert!(!out.join("evil/x_event/1.0.0.html").exists());
    assert!(out.join("mine.txt").exists());
    assert!(out.join("evil/x_event/1.1.0.html").exists());
    let _ = std::fs::remove_dir_all(&out);
}
