//! The HTML writer. Markup comes only from `&'static str` (tag names,
//! attribute names, fixed fragments); every other string — everything a
//! schema, an example or a file name says — goes through [`escape`], so no
//! catalog text can become an element or an attribute.

use std::fmt::Write as _;

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by character
/// references: safe both as element content and inside a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// JSON text made safe to embed in a `<script>` element or a `.js` file:
/// `<`, `>` and `&` become `\u` escapes (so neither `</script>` nor `<!--`
/// can appear), and so do U+2028/U+2029, which end a line in older
/// JavaScript. The result is still JSON with the same value.
pub fn json_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// A path segment for a URL: unreserved characters kept, everything else
/// percent-encoded (a vendor's directory may hold spaces or `#`).
pub fn url_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A relative URL from the page at `from` to the file at `to` (both paths
/// relative to the site root, `/`-separated), each segment URL-encoded.
/// `fragment`, when given, is appended encoded too.
pub fn href(from: &str, to: &str, fragment: Option<&str>) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let (to_dirs, file) = to_parts.split_at(to_parts.len() - 1);
    let common = from_dirs
        .iter()
        .zip(to_dirs)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from_dirs.len() - common);
    for dir in &to_dirs[common..] {
        out.push_str(&url_segment(dir));
        out.push('/');
    }
    out.push_str(&url_segment(file[0]));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(&url_segment(f));
    }
    out
}

/// An id usable as an HTML `id` and a URL fragment: ASCII letters, digits,
/// `-`, `_` and `.` kept, everything else `_`.
pub fn anchor(prefix: &str, text: &str) -> String {
    let mut out = String::from(prefix);
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    out
}

/// An HTML document being written.
#[derive(Debug, Default)]
pub struct Html {
    out: String,
}

impl Html {
    /// An empty document.
    pub fn new() -> Html {
        Html::default()
    }

    /// Fixed markup. Only `'static` text: nothing read from a catalog can
    /// be passed here.
    pub fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    /// Text, escaped.
    pub fn text(&mut self, text: &str) -> &mut Self {
        escape_into(&mut self.out, text);
        self
    }

    /// `<tag a="v" …>`, every value escaped.
    pub fn open(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Self {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value);
            self.out.push('"');
        }
        self.out.push('>');
        self
    }

    /// `</tag>`.
    pub fn close(&mut self, tag: &'static str) -> &mut Self {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        self
    }

    /// `<tag attrs>text</tag>`.
    pub fn elem(
        &mut self,
        tag: &'static str,
        attrs: &[(&'static str, &str)],
        text: &str,
    ) -> &mut Self {
        self.open(tag, attrs).text(text).close(tag)
    }

    /// `<a href="…">text</a>`.
    pub fn link(&mut self, href: &str, text: &str) -> &mut Self {
        self.elem("a", &[("href", href)], text)
    }

    /// Prose from a schema: paragraphs at blank lines, `` `code` `` spans
    /// as `<code>`; nothing else is interpreted (a Markdown link stays
    /// text, so no URL from a schema becomes a link).
    pub fn prose(&mut self, text: &str) -> &mut Self {
        for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            self.raw("<p>");
            self.inline(para);
            self.raw("</p>");
        }
        self
    }

    /// One line of prose: `` `code` `` spans as `<code>`, the rest text.
    pub fn inline(&mut self, text: &str) -> &mut Self {
        let mut parts = text.split('`');
        if let Some(first) = parts.next() {
            self.text(first);
        }
        let rest: Vec<&str> = parts.collect();
        // An odd backtick has no partner: it stays a backtick.
        let pairs = rest.len() / 2 * 2;
        for (i, part) in rest.iter().enumerate() {
            if i >= pairs {
                self.text("`").text(part);
            } else if i % 2 == 0 {
                self.elem("code", &[], part);
            } else {
                self.text(part);
            }
        }
        self
    }

    /// The document.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_every_markup_character() {
        assert_eq!(
            escape(r#"<script>alert("x&y")</script> it's"#),
            "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt; it&#39;s"
        );
        assert_eq!(escape("plain text é"), "plain text é");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn json_for_script_cannot_close_the_script_and_stays_json() {
        let value = serde_json::json!({"d": "</script><!-- & \u{2028}"});
        let safe = json_for_script(&value.to_string());
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        assert!(!safe.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap_or_default();
        assert_eq!(back, value);
    }

    #[test]
    fn attributes_and_text_are_escaped_markup_is_not() {
        let mut h = Html::new();
        h.open("a", &[("href", "x\" onclick=\"evil()")])
            .text("<b>")
            .close("a");
        assert_eq!(
            h.finish(),
            "<a href=\"x&quot; onclick=&quot;evil()\">&lt;b&gt;</a>"
        );
    }

    #[test]
    fn prose_makes_code_spans_and_paragraphs_only() {
        let mut h = Html::new();
        h.prose("Use `a<b>` here.\n\n[link](javascript:x) and `odd");
        assert_eq!(
            h.finish(),
            "<p>Use <code>a&lt;b&gt;</code> here.</p><p>[link](javascript:x) and `odd</p>"
        );
    }

    #[test]
    fn hrefs_are_relative_and_encoded() {
        assert_eq!(
            href("index.html", "gigs/index.html", None),
            "gigs/index.html"
        );
        assert_eq!(
            href(
                "gigs/sim.updated/2025-05-22.html",
                "gigs/types/Sim.html",
                Some("f-a b")
            ),
            "../types/Sim.html#f-a%20b"
        );
        assert_eq!(
            href("gigs/types/Sim.html", "index.html", None),
            "../../index.html"
        );
        assert_eq!(
            href("gigs/a/1.html", "gigs/a/index.html", None),
            "index.html"
        );
        assert_eq!(
            href("gigs/index.html", "_eventsmith/style.css", None),
            "../_eventsmith/style.css"
        );
        assert_eq!(url_segment("a b#?/é"), "a%20b%23%3F%2F%C3%A9");
        assert_eq!(anchor("f-", "data.<x> y"), "f-data._x__y");
    }
}
