use eventsmith::EventSource;
use eventsmith::receive::Receiver;
use eventsmith::webhook::{GitHubVerifier, InMemorySeenIds};

/// Built once at start-up, with the webhook's secret from its settings
/// page on GitHub.
pub fn receiver(secret: &str) -> Result<Receiver<Event>, Box<dyn std::error::Error>> {
    let verifier = GitHubVerifier::new(secret)?;
    Ok(Receiver::<Event>::github(verifier).seen_ids(InMemorySeenIds::default()))
}

/// Per request: the headers and the raw body as your HTTP framework gives
/// them (JSON or form-encoded). Returns the status to answer with.
pub fn handle(receiver: &Receiver<Event>, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    // Checks X-Hub-Signature-256 over the raw body, takes the event type
    // from X-GitHub-Event, parses, validates, decodes, and drops an
    // X-GitHub-Delivery it has already handled.
    match receiver.receive(headers, body) {
        Ok(pending) => {
            // `pending.event` is the typed event: match on its variants.
            println!("{} {}", pending.id, pending.event.event_type());
            // Handled: from now on a redelivery of it is a duplicate. (Drop
            // `pending` instead when handling fails: the redelivery is handled.)
            match pending.commit() {
                Ok(_) => 200,
                Err(error) => error.status(),
            }
        }
        // A duplicate answers 200, a bad signature 401, an invalid payload 422.
        Err(error) => error.status(),
    }
}
