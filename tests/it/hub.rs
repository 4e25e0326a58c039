//! `Hub`: a small hand-written source shaped like GitHub's webhooks, for
//! testing GitHub receiving before the real catalog (`eventsmith::github`)
//! lands. The event type is not in the payload but in the `X-GitHub-Event`
//! header (`Locator::Given`), and a type's schema is chosen by the payload's
//! `action` member, `event` for payloads without one (`Selector::Member`),
//! as the generator writes it for the GitHub catalog.
//!
//! - `ping` (no action): `{"zen": string, "hook_id": integer}`, `zen`
//!   required;
//! - `issues`, action `opened` or `closed`: `{"action": …, "number":
//!   integer ≥ 1}`, both required.

use eventsmith::EventSource;
use eventsmith::decode::{Decode, DecodeError};
use eventsmith::event::{Locator, Selector, SourceTable, TypeTable};
use eventsmith::json::Node;
use eventsmith::validation::Embedded;

/// An event of the `Hub` source.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Hub {
    /// `ping`.
    Ping {
        /// GitHub's zen line.
        zen: String,
    },
    /// `issues` with action `opened`.
    IssueOpened {
        /// The issue number.
        number: u64,
    },
    /// `issues` with action `closed`.
    IssueClosed {
        /// The issue number.
        number: u64,
    },
}

static VALIDATOR: Embedded = Embedded::new(&[
    r#"{"at":"ping/event.json#","checks":[{"type":"object"},{"properties":[["zen",1],["hook_id",5]]},{"required":["zen"]}]}"#,
    r#"{"at":"ping/event.json#/properties/zen","checks":[{"type":"string"}]}"#,
    r#"{"at":"issues/opened.json#","checks":[{"type":"object"},{"properties":[["number",3]]},{"required":["action","number"]}]}"#,
    r#"{"at":"issues/opened.json#/properties/number","checks":[{"type":"integer"},{"minimum":1}]}"#,
    r#"{"at":"issues/closed.json#","checks":[{"type":"object"},{"properties":[["number",3]]},{"required":["action","number"]}]}"#,
    r#"{"at":"ping/event.json#/properties/hook_id","checks":[{"type":"integer"}]}"#,
]);

static TABLE: SourceTable = SourceTable {
    source: "hub",
    validator: &VALIDATOR,
    event_type: Locator::Given("the X-GitHub-Event header"),
    selector: Selector::Member {
        name: "action",
        absent: Some("event"),
    },
    types: &[
        TypeTable {
            event_type: "issues",
            keys: &["closed", "opened"],
            roots: &[4, 2],
        },
        TypeTable {
            event_type: "ping",
            keys: &["event"],
            roots: &[0],
        },
    ],
};

impl EventSource for Hub {
    const SOURCE: &'static str = "hub";
    const TYPES: &'static [&'static str] = &["issues", "ping"];

    fn table() -> &'static SourceTable {
        &TABLE
    }

    fn decode(event_type: usize, schema: usize, node: Node<'_>) -> Result<Self, DecodeError> {
        let number = || {
            node.get("number")
                .map(u64::decode)
                .transpose()
                .map(Option::unwrap_or_default)
        };
        match (event_type, schema) {
            (0, 0) => Ok(Hub::IssueClosed { number: number()? }),
            (0, _) => Ok(Hub::IssueOpened { number: number()? }),
            _ => {
                let zen = node
                    .get("zen")
                    .and_then(|zen| zen.as_str())
                    .unwrap_or_default()
                    .to_owned();
                Ok(Hub::Ping { zen })
            }
        }
    }

    fn event_type(&self) -> &'static str {
        match self {
            Hub::Ping { .. } => "ping",
            Hub::IssueOpened { .. } | Hub::IssueClosed { .. } => "issues",
        }
    }

    fn schema_version(&self) -> &'static str {
        match self {
            Hub::Ping { .. } => "event",
            Hub::IssueOpened { .. } => "opened",
            Hub::IssueClosed { .. } => "closed",
        }
    }
}
