//! Turning schema names into Rust identifiers: one place decides casing,
//! keywords and what cannot become a name at all.

/// Rust keywords (2024 edition, strict and reserved).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Splits a name into words at `_`, `-`, `.`, spaces, other punctuation and
/// lower→upper case changes (`firstName` → `first`, `Name`; `eSIMProfile` →
/// `e`, `SIM`, `Profile`); `+`, a leading `-` before a digit and `@`
/// become the words `plus`, `minus` and `at`.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            // Signs and `@` carry meaning a separator would lose: `+1` and
            // `-1` are different names (`plus_1`, `minus_1`), `@type` is
            // not `type` (`at_type`). A `-` is a sign only before a digit
            // at the start; elsewhere it separates words (`first-name`).
            let next_is_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
            match c {
                '+' => out.push("plus".to_owned()),
                '-' if i == 0 && next_is_digit => out.push("minus".to_owned()),
                '@' => out.push("at".to_owned()),
                _ => {}
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        let boundary = match prev {
            Some(p) if c.is_ascii_uppercase() => {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            }
            _ => false,
        };
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// True when `name` has only ASCII letters, digits and separators.
fn ascii_only(name: &str) -> bool {
    name.chars().all(|c| {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ' | '$' | '@' | '/' | '+')
    })
}

/// `snake_case` field or module name; `None` when nothing usable remains.
pub fn snake(name: &str) -> Option<String> {
    let w = words(name);
    if w.is_empty() {
        return None;
    }
    let mut s = w
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("_{s}");
    }
    Some(s)
}

/// `PascalCase` type or variant name; `None` when nothing usable remains.
pub fn pascal(name: &str) -> Option<String> {
    let w = words(name);
    if w.is_empty() {
        return None;
    }
    let mut s: String = w
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => {
                    let rest: String = cs.collect();
                    // Keep acronyms readable: `SIM` → `Sim`, `eSIM` words → `E`, `Sim`.
                    let rest = if rest
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                    {
                        rest.to_ascii_lowercase()
                    } else {
                        rest
                    };
                    format!("{}{rest}", first.to_ascii_uppercase())
                }
                None => String::new(),
            }
        })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("_{s}");
    }
    Some(s)
}

/// A module name for a directory, refusing names that are not ASCII.
pub fn module_name(dir: &str) -> Option<String> {
    if !ascii_only(dir) || !dir.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    snake(dir).map(|s| escape_keyword(&s))
}

/// A type name from a snake or other name.
pub fn type_name(name: &str) -> String {
    pascal(name).unwrap_or_else(|| "Unnamed".to_owned())
}

/// `r#type` for keywords; `self_` etc. for those that cannot be raw.
pub fn escape_keyword(s: &str) -> String {
    match s {
        "self" | "Self" | "super" | "crate" => format!("{s}_"),
        _ if KEYWORDS.contains(&s) => format!("r#{s}"),
        _ => s.to_owned(),
    }
}

/// The field name for JSON member `name`, or why there is none.
pub fn field_name(name: &str) -> Result<String, &'static str> {
    if name.is_empty() {
        return Err("an empty property name cannot become a Rust field");
    }
    if !name.is_ascii() {
        return Err("a property name with non-ASCII characters cannot become a Rust field");
    }
    // Keep leading underscores: `_links` and `links` are different members.
    let underscores = &name[..name.len() - name.trim_start_matches('_').len()];
    match snake(name) {
        Some(s) if !underscores.is_empty() && !s.starts_with('_') => {
            Ok(format!("{underscores}{s}"))
        }
        Some(s) => Ok(escape_keyword(&s)),
        None => Err("the property name has no letters or digits to build a Rust field name from"),
    }
}

/// The variant name for enum value `value`.
pub fn variant_name(value: &str) -> String {
    match pascal(value) {
        Some(p) => escape_keyword(&p),
        None if value.is_empty() => "Empty".to_owned(),
        None => {
            let code: String = value
                .chars()
                .map(|c| format!("U{:04X}", c as u32))
                .collect();
            code
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casing() {
        assert_eq!(snake("firstName").as_deref(), Some("first_name"));
        assert_eq!(snake("first-name").as_deref(), Some("first_name"));
        assert_eq!(snake("_links").as_deref(), Some("links"));
        assert_eq!(snake("30").as_deref(), Some("_30"));
        assert_eq!(pascal("form_submission").as_deref(), Some("FormSubmission"));
        assert_eq!(
            pascal("eSimProfile.enabled").as_deref(),
            Some("ESimProfileEnabled")
        );
        assert_eq!(pascal("opt-in").as_deref(), Some("OptIn"));
        assert_eq!(pascal("eSIM").as_deref(), Some("ESim"));
        assert_eq!(
            module_name("user.address.created").as_deref(),
            Some("user_address_created")
        );
        assert_eq!(
            module_name("subscriptionChange.applied").as_deref(),
            Some("subscription_change_applied")
        );
    }

    #[test]
    fn keywords_and_bad_names() {
        assert_eq!(field_name("type").as_deref(), Ok("r#type"));
        assert_eq!(field_name("self").as_deref(), Ok("self_"));
        assert!(field_name("").is_err());
        assert_eq!(field_name("_links").as_deref(), Ok("_links"));
        assert!(field_name("prénom").is_err());
        assert!(field_name("--").is_err());
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("1"), "_1");
    }

    #[test]
    fn signs_and_at_are_words() {
        assert_eq!(field_name("+1").as_deref(), Ok("plus_1"));
        assert_eq!(field_name("-1").as_deref(), Ok("minus_1"));
        assert_eq!(field_name("@type").as_deref(), Ok("at_type"));
        assert_eq!(field_name("user@host").as_deref(), Ok("user_at_host"));
        assert_eq!(field_name("first-name").as_deref(), Ok("first_name"));
        assert_eq!(field_name("a-1").as_deref(), Ok("a_1"));
        assert_eq!(variant_name("+1"), "Plus1");
        assert_eq!(variant_name("-1"), "Minus1");
        assert_eq!(variant_name("won't fix"), "WonTFix");
    }
}
