//! Runs a validator graph directly, through the runtime's engine: the
//! program the graph lowers to, the same one generated bindings embed.
//! For tests and tools that hold a graph rather than a catalog
//! (`standalone`, the conformance suite); a catalog's payloads go through
//! [`crate::validate::CatalogValidator`].

use std::marker::PhantomData;

use eventsmith_core::json::Tape;
use eventsmith_core::validation::{Path, Sink, ValidationError, Validator};
use serde_json::Value;

use crate::emit::program::{Lowered, program};
use crate::ir::validator::{Graph, NodeId};

/// A graph ready to run: every node reachable, patterns compiled once.
#[derive(Debug)]
pub struct Interpreter<'g> {
    validator: Result<Validator, String>,
    program: Lowered,
    _graph: PhantomData<&'g Graph>,
}

impl<'g> Interpreter<'g> {
    /// Prepares `graph`.
    pub fn new(graph: &'g Graph) -> Interpreter<'g> {
        let program = program(graph, 0..graph.nodes.len());
        let validator = Validator::new(program.program.clone()).map_err(|e| e.to_string());
        Interpreter {
            validator,
            program,
            _graph: PhantomData,
        }
    }

    /// Validates `value` (found at `at`) against graph node `node`;
    /// failures go to `sink`. A graph the engine refuses (a generator bug)
    /// fails every value with one `internal` error.
    pub fn validate<S: Sink>(
        &self,
        node: NodeId,
        value: &Value,
        at: &Path<'_>,
        sink: &mut S,
    ) -> bool {
        let tape = Tape::from_value(value);
        match &self.validator {
            Ok(validator) => validator.validate_at(self.program.node(node), tape.root(), at, sink),
            Err(_) => {
                sink.fail(
                    at,
                    "",
                    "internal",
                    eventsmith_core::validation::Msg::UnknownNode(0),
                );
                false
            }
        }
    }

    /// Every error of `value` against graph node `node`.
    pub fn errors(&self, node: NodeId, value: &Value) -> Vec<ValidationError> {
        let mut sink = eventsmith_core::validation::Collect::default();
        self.validate(node, value, &Path::Root, &mut sink);
        sink.0
    }
}
