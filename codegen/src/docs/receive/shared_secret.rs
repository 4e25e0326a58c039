use eventsmith::EventSource;
use eventsmith::receive::Receiver;
use eventsmith::webhook::{InMemorySeenIds, SharedSecret, secret_from_query};

/// Built once at start-up, with the secret agreed with the sender.
pub fn receiver(secret: &str) -> Result<Receiver<Event>, Box<dyn std::error::Error>> {
    let secret = SharedSecret::new(secret)?;
    Ok(Receiver::<Event>::shared_secret(secret).seen_ids(InMemorySeenIds::default()))
}

/// Per request, when the secret comes as HTTP basic auth (the password of
/// the `Authorization` header). Returns the status to answer with.
pub fn handle(receiver: &Receiver<Event>, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    answer(receiver.receive(headers, body))
}

/// Per request, when the secret is in the endpoint's URL
/// (`/hooks?secret=…`): pass the path and query.
pub fn handle_url(receiver: &Receiver<Event>, path_and_query: &str, body: &[u8]) -> u16 {
    let token = secret_from_query(path_and_query, "secret");
    answer(receiver.receive_token(token.as_deref(), body))
}

fn answer(received: Result<eventsmith::receive::Pending<Event>, eventsmith::ReceiveError>) -> u16 {
    match received {
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
        // A duplicate answers 200, a wrong secret 401, an invalid payload 422.
        Err(error) => error.status(),
    }
}
