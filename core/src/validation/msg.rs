//! What a failed check says: [`Msg`], rendered to text only by a sink that
//! keeps it. Every failure is worded here once.

use std::fmt;

use serde_json::Value;

use super::{Num, char_len, preview};
use crate::json::Node;
use crate::json::tape::preview_str;

/// Why a check failed: the values a message needs, borrowed, rendered to
/// text (through [`Display`](fmt::Display)) only by a sink that keeps it.
/// Instance values are [`Node`]s of the payload's tape.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Msg<'a> {
    /// A `false` schema.
    False,
    /// `type`: the expected type names (`"string or null"`) and the value.
    Type(&'a str, Node<'a>),
    /// `enum`: the allowed values and the value.
    Enum(&'a [Value], Node<'a>),
    /// `enum`, with the allowed values already [`preview`]ed.
    EnumShown(&'a [&'a str], Node<'a>),
    /// `const`: the expected value and the value.
    Const(&'a Value, Node<'a>),
    /// `const`, with the expected value already [`preview`]ed.
    ConstShown(&'a str, Node<'a>),
    /// `required`: the missing member.
    Missing(&'a str),
    /// `dependentRequired`: the missing member and the one requiring it.
    DependentRequired(&'a str, &'a str),
    /// `additionalProperties`/`unevaluatedProperties: false`: the member.
    UnexpectedProperty(&'a str),
    /// `unevaluatedItems: false`: the index.
    UnexpectedItem(usize),
    /// `minProperties`: the bound and the member count.
    MinProperties(u64, usize),
    /// `maxProperties`: the bound and the member count.
    MaxProperties(u64, usize),
    /// `minItems`: the bound and the length.
    MinItems(u64, usize),
    /// `maxItems` (and `items: false` after `prefixItems`): the bound and
    /// the length.
    MaxItems(u64, usize),
    /// `uniqueItems`.
    UniqueItems,
    /// `minLength`: the bound and the string.
    MinLength(u64, &'a str),
    /// `maxLength`: the bound and the string.
    MaxLength(u64, &'a str),
    /// `pattern`: the pattern and the string.
    Pattern(&'a str, &'a str),
    /// `format`: the format name and the string.
    Format(&'a str, &'a str),
    /// `minimum`: the bound and the number.
    Minimum(Num, Node<'a>),
    /// `maximum`: the bound and the number.
    Maximum(Num, Node<'a>),
    /// `exclusiveMinimum`: the bound and the number.
    ExclusiveMinimum(Num, Node<'a>),
    /// `exclusiveMaximum`: the bound and the number.
    ExclusiveMaximum(Num, Node<'a>),
    /// `multipleOf`: the divisor and the number.
    MultipleOf(Num, Node<'a>),
    /// `contains`/`minContains`/`maxContains`: matching items found, min, max.
    Contains(u64, u64, Option<u64>),
    /// `anyOf`: the number of branches.
    AnyOf(usize),
    /// `anyOf` with no valid branch, when the errors of one branch follow:
    /// the number of branches and which one.
    AnyOfBranch(usize, Branch<'a>),
    /// `oneOf`: branches valid (0, or 2 for two or more) and branches.
    OneOf(usize, usize),
    /// `oneOf` with no valid branch, when the errors of one branch follow:
    /// the number of branches and which one.
    OneOfBranch(usize, Branch<'a>),
    /// `not`.
    Not,
    /// A node id the program does not have (a caller's mistake).
    UnknownNode(u32),
}

/// The branch of a failed `anyOf`/`oneOf` whose errors follow its error.
#[derive(Debug, Clone, Copy)]
pub enum Branch<'a> {
    /// The branch the instance's discriminating member selects.
    Selected {
        /// 0-based index of the branch.
        index: usize,
        /// The discriminating member.
        member: &'a str,
        /// Its value in that branch.
        value: &'a Value,
        /// How many errors of the branch follow.
        errors: usize,
    },
    /// The branch that came closest: the fewest errors (then the deepest
    /// first error, then the first branch).
    Closest {
        /// 0-based index of the branch.
        index: usize,
        /// How many errors of the branch follow.
        errors: usize,
    },
}

/// "its error follows" / "its 3 errors follow".
fn follow(errors: usize) -> String {
    if errors == 1 {
        "its error follows".to_owned()
    } else {
        format!("its {errors} errors follow")
    }
}

impl fmt::Display for Branch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Branch::Selected {
                index,
                member,
                value,
                errors,
            } => write!(
                f,
                "; the branch whose \"{member}\" is {} is branch {}, {}",
                preview(value),
                index + 1,
                follow(errors)
            ),
            Branch::Closest { index, errors } => {
                write!(f, "; branch {} came closest, {}", index + 1, follow(errors))
            }
        }
    }
}

impl fmt::Display for Msg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Msg::False => f.write_str("no value is allowed here"),
            Msg::Type(expected, got) if got.is_null() => write!(f, "expected {expected}, got null"),
            Msg::Type(expected, got) => {
                write!(
                    f,
                    "expected {expected}, got {} {}",
                    got.type_name(),
                    got.preview()
                )
            }
            Msg::Enum(allowed, got) => {
                let shown: Vec<String> = allowed.iter().map(preview).collect();
                not_in_enum(f, &shown, got)
            }
            Msg::EnumShown(allowed, got) => not_in_enum(f, allowed, got),
            Msg::Const(expected, got) => {
                write!(f, "expected {}, got {}", preview(expected), got.preview())
            }
            Msg::ConstShown(expected, got) => {
                write!(f, "expected {expected}, got {}", got.preview())
            }
            Msg::Missing(name) => write!(f, "missing required property \"{name}\""),
            Msg::DependentRequired(name, trigger) => write!(
                f,
                "property \"{name}\" is required when \"{trigger}\" is present"
            ),
            Msg::UnexpectedProperty(name) => write!(f, "property \"{name}\" is not allowed here"),
            Msg::UnexpectedItem(index) => write!(f, "item {index} is not allowed here"),
            Msg::MinProperties(n, len) => write!(f, "expected at least {n} properties, got {len}"),
            Msg::MaxProperties(n, len) => write!(f, "expected at most {n} properties, got {len}"),
            Msg::MinItems(n, len) => write!(f, "expected at least {n} items, got {len}"),
            Msg::MaxItems(n, len) => write!(f, "expected at most {n} items, got {len}"),
            Msg::UniqueItems => f.write_str("expected unique items, found duplicates"),
            Msg::MinLength(n, got) => {
                write!(f, "expected at least {n} characters, got {}", char_len(got))
            }
            Msg::MaxLength(n, got) => {
                write!(f, "expected at most {n} characters, got {}", char_len(got))
            }
            Msg::Pattern(pattern, got) => write!(
                f,
                "expected a string matching /{pattern}/, got {}",
                preview_str(got)
            ),
            Msg::Format(format, got) => {
                write!(f, "expected a valid {format}, got {}", preview_str(got))
            }
            Msg::Minimum(b, got) => bound(f, "at least", b, got),
            Msg::Maximum(b, got) => bound(f, "at most", b, got),
            Msg::ExclusiveMinimum(b, got) => bound(f, "greater than", b, got),
            Msg::ExclusiveMaximum(b, got) => bound(f, "less than", b, got),
            Msg::MultipleOf(d, got) => {
                write!(f, "expected a multiple of {}, got {got}", NumText(d))
            }
            Msg::Contains(found, _, Some(max)) if found > max => write!(
                f,
                "expected at most {max} items matching `contains`, found {found}"
            ),
            Msg::Contains(found, min, _) => write!(
                f,
                "expected at least {min} items matching `contains`, found {found}"
            ),
            Msg::AnyOf(branches) => any_of(f, branches),
            Msg::AnyOfBranch(branches, branch) => {
                any_of(f, branches)?;
                write!(f, "{branch}")
            }
            Msg::OneOf(0, branches) => one_of_none(f, branches),
            Msg::OneOf(_, branches) => write!(
                f,
                "expected a value valid against exactly one of the {branches} oneOf schemas, it matches more than one"
            ),
            Msg::OneOfBranch(branches, branch) => {
                one_of_none(f, branches)?;
                write!(f, "{branch}")
            }
            Msg::Not => f.write_str("expected a value that is not valid against the `not` schema"),
            Msg::UnknownNode(id) => write!(f, "the validator has no node {id}"),
        }
    }
}

fn any_of(f: &mut fmt::Formatter<'_>, branches: usize) -> fmt::Result {
    write!(
        f,
        "expected a value valid against at least one of the {branches} anyOf schemas"
    )
}

fn one_of_none(f: &mut fmt::Formatter<'_>, branches: usize) -> fmt::Result {
    write!(
        f,
        "expected a value valid against exactly one of the {branches} oneOf schemas, it matches none"
    )
}

fn not_in_enum<S: AsRef<str>>(
    f: &mut fmt::Formatter<'_>,
    shown: &[S],
    got: Node<'_>,
) -> fmt::Result {
    match shown {
        [] => write!(
            f,
            "the enum lists no value, so {} is not allowed",
            got.preview()
        ),
        [one] => write!(f, "expected {}, got {}", one.as_ref(), got.preview()),
        _ => {
            f.write_str("expected one of ")?;
            for (i, s) in shown.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(s.as_ref())?;
            }
            write!(f, ", got {}", got.preview())
        }
    }
}

fn bound(f: &mut fmt::Formatter<'_>, words: &str, b: Num, got: Node<'_>) -> fmt::Result {
    write!(f, "expected a number {words} {}, got {got}", NumText(b))
}

/// A schema number as a message prints it.
struct NumText(Num);

impl fmt::Display for NumText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Num::I(i) => write!(f, "{i}"),
            Num::U(u) => write!(f, "{u}"),
            Num::F(x) => write!(f, "{x}"),
        }
    }
}
