use eventsmith::event::{self, Given};
use eventsmith::{EventSource, Options};

/// Per request, once *you* have authenticated it: the source signs nothing,
/// so check the caller another way (mutual TLS, an allow-list, a secret in
/// the URL) before trusting the body. Returns the status to answer with.
pub fn handle(body: &[u8]) -> u16 {
    // Parses, validates and decodes into the typed event.
    match event::from_slice::<Event>(body, &Given::NOTHING, &Options::default()) {
        Ok(event) => {
            println!("{}", event.event_type());
            200
        }
        Err(_) => 400,
    }
}
