//! A program embedded in generated code as text, prepared on first use.

use std::sync::OnceLock;

use super::Validator;
use super::program::{Node, Program};

/// A [`Program`] written into generated code as one JSON text per node
/// (`serde_json::to_string(&node)`; a node's id is its index), parsed and
/// prepared the first time it is used, once, whichever thread asks first.
///
/// ```
/// use eventsmith_core::json::{Limits, Tape};
/// use eventsmith_core::validation::Embedded;
///
/// static PROGRAM: Embedded = Embedded::new(&[
///     r#"{"at":"s.json#","checks":[{"type":"string"}]}"#,
/// ]);
///
/// let tape = Tape::parse(br#""text""#, Limits::DEFAULT).unwrap();
/// assert!(PROGRAM.get().is_valid(0, tape.root()));
/// ```
pub struct Embedded {
    nodes: &'static [&'static str],
    ready: OnceLock<Validator>,
}

impl std::fmt::Debug for Embedded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedded")
            .field("nodes", &self.nodes.len())
            .field("prepared", &self.ready.get().is_some())
            .finish()
    }
}

impl Embedded {
    /// The program whose node `i` is the JSON text `nodes[i]`.
    pub const fn new(nodes: &'static [&'static str]) -> Embedded {
        Embedded {
            nodes,
            ready: OnceLock::new(),
        }
    }

    /// The prepared validator (parsed and prepared on the first call).
    ///
    /// # Panics
    ///
    /// When a node's text does not parse as a [`Node`] or the program does
    /// not prepare (a dangling node id, a pattern `regress` refuses). The
    /// generator writes these texts from a program it has prepared itself,
    /// so that is a generator bug; the message names the node and the error.
    /// This is the only place the runtime panics.
    pub fn get(&'static self) -> &'static Validator {
        self.ready.get_or_init(|| self.prepare())
    }

    #[allow(clippy::panic, reason = "documented: a generator bug, see `get`")]
    fn prepare(&self) -> Validator {
        let mut program = Program {
            nodes: Vec::with_capacity(self.nodes.len()),
        };
        for (i, text) in self.nodes.iter().enumerate() {
            match serde_json::from_str::<Node>(text) {
                Ok(node) => program.nodes.push(node),
                Err(e) => panic!(
                    "eventsmith: node {i} of an embedded validator does not parse (a generator bug): {e}"
                ),
            }
        }
        match Validator::new(program) {
            Ok(validator) => validator,
            Err(e) => {
                panic!("eventsmith: an embedded validator does not prepare (a generator bug): {e}")
            }
        }
    }
}
