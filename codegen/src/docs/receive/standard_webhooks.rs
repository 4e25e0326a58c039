use eventsmith::EventSource;
use eventsmith::receive::Receiver;
use eventsmith::webhook::{InMemorySeenIds, Secret, Verifier};

/// Built once at start-up. The signing secret (`whsec_…`) is the
/// endpoint's, from the sender's dashboard.
pub fn receiver(signing_secret: &str) -> Result<Receiver<Event>, Box<dyn std::error::Error>> {
    let verifier = Verifier::new(Secret::new(signing_secret)?);
    Ok(Receiver::<Event>::standard_webhooks(verifier).seen_ids(InMemorySeenIds::default()))
}

/// Per request: the headers and the raw body as your HTTP framework gives
/// them. Returns the status to answer with.
pub fn handle(receiver: &Receiver<Event>, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    // Checks the webhook-signature header over the raw body, parses,
    // validates, decodes, and drops a webhook-id it has seen before.
    match receiver.receive(headers, body) {
        Ok(pending) => {
            // `pending.event` is the typed event: match on its variants.
            println!("{} {}", pending.id, pending.event.event_type());
            // Handled: from now on a retry of it is a duplicate. (Drop
            // `pending` instead when handling fails: the retry is handled.)
            match pending.commit() {
                Ok(_) => 200,
                Err(error) => error.status(),
            }
        }
        // A duplicate answers 200, a bad signature 401, an invalid payload 422.
        Err(error) => error.status(),
    }
}
