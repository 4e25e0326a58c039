//! The site's own files, compiled in: the style sheet and the home page's
//! search script (the index it reads is generated, see `search.rs`).

/// `_eventsmith/style.css`.
pub const STYLE: &str = include_str!("assets/style.css");

/// `_eventsmith/search.js`.
pub const SEARCH: &str = include_str!("assets/search.js");
