//! Choosing what to generate: sources, event types and versions, the way
//! prost-build users choose their `.proto` files. A service that consumes
//! three event types compiles three event types; dispatch reports the rest
//! as unknown types, like any type the catalog does not have.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::catalog::{Catalog, EventVersion, Version};

/// What to keep of a catalog. The default keeps everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Event types to keep, as `<source>/<event type directory>` glob
    /// patterns (`gigs/sim.*`, `impact_stack/*`); empty keeps every type.
    pub event_types: Vec<String>,
    /// Versions to keep, as glob patterns over the version text (`2.*`,
    /// `2025-*`); empty keeps every version.
    pub versions: Vec<String>,
    /// Keep only the newest `n` versions of each major version (semver),
    /// or the newest `n` (other schemes).
    pub newest_per_major: Option<usize>,
}

impl Selection {
    /// True when it keeps everything.
    pub fn is_everything(&self) -> bool {
        self == &Selection::default()
    }

    /// Drops from `catalog` what is not selected. A pattern that selects
    /// nothing is a warning (a typo would otherwise silently generate
    /// nothing); a source left with no event type is dropped.
    pub fn apply(&self, catalog: &mut Catalog, diags: &mut Diagnostics) {
        if self.is_everything() {
            return;
        }
        let mut type_hits = vec![false; self.event_types.len()];
        let mut version_hits = vec![false; self.versions.len()];
        for source in &mut catalog.sources {
            let source_name = source.name.clone();
            source.events.retain(|event| {
                if self.event_types.is_empty() {
                    return true;
                }
                let name = format!("{source_name}/{}", event.dir);
                let mut keep = false;
                for (i, pattern) in self.event_types.iter().enumerate() {
                    if glob(pattern, &name) {
                        type_hits[i] = true;
                        keep = true;
                    }
                }
                keep
            });
            for event in &mut source.events {
                if !self.versions.is_empty() {
                    event.versions.retain(|v| {
                        let text = v.version.to_string();
                        let mut keep = false;
                        for (i, pattern) in self.versions.iter().enumerate() {
                            if glob(pattern, &text) {
                                version_hits[i] = true;
                                keep = true;
                            }
                        }
                        keep
                    });
                }
                if let Some(n) = self.newest_per_major {
                    keep_newest(&mut event.versions, n);
                }
            }
            source.events.retain(|e| !e.versions.is_empty());
        }
        catalog.sources.retain(|s| !s.events.is_empty());
        let unused = |kind: &str, pattern: &str| {
            Diagnostic::warning(
                "selection-matches-nothing",
                format!("the {kind} pattern `{pattern}` selects nothing in the catalog"),
            )
            .in_file(&catalog.root)
            .with_hint(
                "check the spelling; event types are named `<source>/<event type directory>`",
            )
        };
        for (pattern, hit) in self.event_types.iter().zip(type_hits) {
            if !hit {
                diags.push(unused("event type", pattern));
            }
        }
        for (pattern, hit) in self.versions.iter().zip(version_hits) {
            if !hit {
                diags.push(unused("version", pattern));
            }
        }
    }
}

/// Keeps the newest `n` versions of each major (versions are oldest first).
fn keep_newest(versions: &mut Vec<EventVersion>, n: usize) {
    let major = |v: &Version| match v {
        Version::Semver(major, _, _) => Some(*major),
        _ => None,
    };
    let mut kept = Vec::new();
    for (i, v) in versions.iter().enumerate().rev() {
        let same_major = kept
            .iter()
            .filter(|&&k: &&usize| major(&versions[k].version) == major(&v.version))
            .count();
        if same_major < n {
            kept.push(i);
        }
    }
    let mut i = 0;
    versions.retain(|_| {
        let keep = kept.contains(&i);
        i += 1;
        keep
    });
}

/// Shell-style glob: `*` matches any run of characters, `?` one character;
/// everything else matches itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Classic two-pointer match with backtracking to the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs_match_like_a_shell() {
        assert!(glob("gigs/*", "gigs/sim.updated"));
        assert!(glob("gigs/sim.*", "gigs/sim.updated"));
        assert!(!glob("gigs/sim.*", "gigs/subscription.created"));
        assert!(glob("*", ""));
        assert!(glob("2.*", "2.1.0"));
        assert!(!glob("2.*", "12.1.0"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(glob("*a*b", "xxaxxb"));
        assert!(!glob("*a*b", "xxaxxbx"));
    }
}
