//! A webhook server for the shipped catalogs, on axum with
//! `eventsmith-axum`:
//!
//! | route | source | authentication | secrets (comma-separated, newest first) |
//! |---|---|---|---|
//! | `POST /hooks/impact-stack` | `impact_stack::Event` | shared secret: `?secret=…` or basic auth | `EVENTSMITH_IMPACT_STACK_SECRETS`, default `impact-stack-local-secret` |
//! | `POST /hooks/gigs` | `gigs::Event` | Standard Webhooks signature | `EVENTSMITH_GIGS_SECRETS`, default `whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw` |
//! | `POST /hooks/github` (feature `github`) | `github::Event` | `X-Hub-Signature-256` | `EVENTSMITH_GITHUB_SECRETS`, default `It's a Secret to Everybody` |
//!
//! ```text
//! cargo run --example webhook_server -- [--addr 127.0.0.1:3000] [--db hooks.db]
//! ```
//!
//! Every route is the same generic handler ([`route`]): it writes each
//! received event to an inbox and answers 204, which commits the delivery.
//! Without `--db` the inbox and the seen ids are in memory; with `--db
//! PATH` both are in one SQLite file, the event written in the same
//! transaction as its delivery's commit (`SqliteSeenIds::commit_with`), so
//! each delivery lands in the `inbox` table exactly once, across crashes
//! and restarts. The defaults are for trying it locally only.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::MethodRouter;
use eventsmith::webhook::rusqlite::{self, Connection};
use eventsmith::webhook::{
    InMemorySeenIds, Secret, SeenIds, SharedSecret, SharedSecrets, SqliteSeenIds, Verifier,
};
use eventsmith::{EventSource, Receiver, gigs, impact_stack};
use eventsmith_axum::{Webhook, webhook};

/// Where the server listens by default.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";
/// The Impact Stack secret when `EVENTSMITH_IMPACT_STACK_SECRETS` is unset.
pub const DEFAULT_IMPACT_STACK_SECRET: &str = "impact-stack-local-secret";
/// The Gigs signing secret when `EVENTSMITH_GIGS_SECRETS` is unset.
pub const DEFAULT_GIGS_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The GitHub secret when `EVENTSMITH_GITHUB_SECRETS` is unset (GitHub's
/// documented test secret).
#[cfg(feature = "github")]
pub const DEFAULT_GITHUB_SECRET: &str = "It's a Secret to Everybody";

/// The server's settings: `--addr`, `--db` and the secrets from the
/// environment.
#[derive(Clone)]
pub struct Config {
    /// Where to listen (`--addr`; port 0 picks a free one).
    pub addr: SocketAddr,
    /// The SQLite file for the seen ids and the inbox (`--db`); `None`
    /// keeps both in memory.
    pub db: Option<PathBuf>,
    /// Impact Stack's shared secrets, newest first.
    pub impact_stack_secrets: Vec<String>,
    /// Gigs' Standard Webhooks secrets (`whsec_…`), newest first.
    pub gigs_secrets: Vec<String>,
    /// GitHub's webhook secrets, newest first.
    #[cfg(feature = "github")]
    pub github_secrets: Vec<String>,
}

impl Config {
    /// Reads `--addr ADDR` and `--db PATH` from `args` (the program name
    /// excluded) and the secrets from the environment.
    ///
    /// # Errors
    /// An unknown argument, a missing value, or an address that does not
    /// parse.
    pub fn from_args(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut addr = DEFAULT_ADDR.to_owned();
        let mut db = None;
        while let Some(arg) = args.next() {
            let mut value = || args.next().ok_or(format!("{arg} needs a value"));
            match arg.as_str() {
                "--addr" => addr = value()?,
                "--db" => db = Some(PathBuf::from(value()?)),
                "-h" | "--help" => {
                    return Err("usage: webhook_server [--addr HOST:PORT] [--db PATH]".to_owned());
                }
                other => return Err(format!("unknown argument {other}; see --help")),
            }
        }
        Ok(Self {
            addr: addr
                .parse()
                .map_err(|error| format!("--addr {addr}: {error}"))?,
            db,
            impact_stack_secrets: secrets(
                "EVENTSMITH_IMPACT_STACK_SECRETS",
                DEFAULT_IMPACT_STACK_SECRET,
            ),
            gigs_secrets: secrets("EVENTSMITH_GIGS_SECRETS", DEFAULT_GIGS_SECRET),
            #[cfg(feature = "github")]
            github_secrets: secrets("EVENTSMITH_GITHUB_SECRETS", DEFAULT_GITHUB_SECRET),
        })
    }
}

impl std::fmt::Debug for Config {
    /// Counts the secrets, never shows them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = f.debug_struct("Config");
        debug
            .field("addr", &self.addr)
            .field("db", &self.db)
            .field("impact_stack_secrets", &self.impact_stack_secrets.len())
            .field("gigs_secrets", &self.gigs_secrets.len());
        #[cfg(feature = "github")]
        debug.field("github_secrets", &self.github_secrets.len());
        debug.finish()
    }
}

/// The comma-separated list in `variable`, or `default`.
fn secrets(variable: &str, default: &str) -> Vec<String> {
    std::env::var(variable)
        .ok()
        .filter(|value| !value.trim().is_empty())
        .map_or_else(
            || vec![default.to_owned()],
            |value| value.split(',').map(|s| s.trim().to_owned()).collect(),
        )
}

/// One received event, as the inbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The catalog source (`gigs`).
    pub source: String,
    /// The delivery id.
    pub delivery: String,
    /// The event type.
    pub event_type: String,
}

/// Where the handler puts received events.
#[derive(Debug, Clone)]
pub enum Inbox {
    /// In memory (no `--db`).
    Memory(Arc<Mutex<Vec<Entry>>>),
    /// In the SQLite file, written in the transaction that commits the
    /// delivery in its source's seen-id store.
    Sqlite {
        /// The file.
        path: PathBuf,
        /// Each source's store, by source name.
        stores: Arc<Vec<(&'static str, Arc<SqliteSeenIds>)>>,
    },
}

const INBOX_SCHEMA: &str = "CREATE TABLE IF NOT EXISTS inbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    delivery TEXT NOT NULL,
    event_type TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    payload TEXT NOT NULL
)";

impl Inbox {
    /// Records one handled event; blocking (SQLite writes to disk).
    fn record(&self, entry: Entry, payload: &str) -> Result<(), String> {
        match self {
            Self::Memory(entries) => {
                entries
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(entry);
                Ok(())
            }
            Self::Sqlite { stores, .. } => {
                let store = stores
                    .iter()
                    .find(|(source, _)| *source == entry.source)
                    .map(|(_, store)| store)
                    .ok_or_else(|| format!("no store for source {}", entry.source))?;
                store
                    .commit_with(&entry.delivery, now(), |transaction| {
                        transaction.execute(
                            "INSERT INTO inbox (source, delivery, event_type, received_at, payload)
                             VALUES (?1, ?2, ?3, ?4, ?5)",
                            (
                                &entry.source,
                                &entry.delivery,
                                &entry.event_type,
                                now(),
                                payload,
                            ),
                        )
                    })
                    .map(|_rows| ())
                    .map_err(|error| error.to_string())
            }
        }
    }

    /// Every event received so far, oldest first.
    ///
    /// # Errors
    /// The SQLite file could not be read.
    pub fn entries(&self) -> Result<Vec<Entry>, String> {
        match self {
            Self::Memory(entries) => Ok(entries
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()),
            Self::Sqlite { path, .. } => read_inbox(path).map_err(|error| error.to_string()),
        }
    }
}

/// The `inbox` table of a `--db` file, oldest first.
///
/// # Errors
/// The file could not be read.
pub fn read_inbox(path: &std::path::Path) -> rusqlite::Result<Vec<Entry>> {
    let connection = Connection::open(path)?;
    let mut statement =
        connection.prepare("SELECT source, delivery, event_type FROM inbox ORDER BY seq")?;
    statement
        .query_map([], |row| {
            Ok(Entry {
                source: row.get(0)?,
                delivery: row.get(1)?,
                event_type: row.get(2)?,
            })
        })?
        .collect()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        })
}

/// The server's state: one receiver per route, and the inbox.
#[derive(Debug, Clone)]
pub struct App {
    /// `/hooks/impact-stack`.
    pub impact_stack: Receiver<impact_stack::Event>,
    /// `/hooks/gigs`.
    pub gigs: Receiver<gigs::Event>,
    /// `/hooks/github`.
    #[cfg(feature = "github")]
    pub github: Receiver<eventsmith::github::Event>,
    /// Where handled events go.
    pub inbox: Inbox,
}

impl FromRef<App> for Receiver<impact_stack::Event> {
    fn from_ref(app: &App) -> Self {
        app.impact_stack.clone()
    }
}

impl FromRef<App> for Receiver<gigs::Event> {
    fn from_ref(app: &App) -> Self {
        app.gigs.clone()
    }
}

#[cfg(feature = "github")]
impl FromRef<App> for Receiver<eventsmith::github::Event> {
    fn from_ref(app: &App) -> Self {
        app.github.clone()
    }
}

impl FromRef<App> for Inbox {
    fn from_ref(app: &App) -> Self {
        app.inbox.clone()
    }
}

/// The seen-id stores: in memory, or one table per source in the `--db`
/// file (claims of a previous run released: this server is the file's
/// only user).
struct Stores {
    db: Option<PathBuf>,
    sqlite: Vec<(&'static str, Arc<SqliteSeenIds>)>,
}

impl Stores {
    fn for_source<E: EventSource>(&mut self) -> Result<Arc<dyn SeenIds + Send + Sync>, String> {
        let Some(path) = &self.db else {
            return Ok(Arc::new(InMemorySeenIds::default()));
        };
        let store = SqliteSeenIds::open_table(path, &format!("seen_{}", E::SOURCE))
            .map_err(|error| format!("{}: {error}", path.display()))?;
        store.release_claims().map_err(|error| error.to_string())?;
        let store = Arc::new(store);
        self.sqlite.push((E::SOURCE, Arc::clone(&store)));
        Ok(store)
    }
}

impl App {
    /// The receivers and the inbox `config` describes.
    ///
    /// # Errors
    /// A secret that does not parse, or a `--db` file that cannot be opened.
    pub fn new(config: &Config) -> Result<Self, String> {
        let mut stores = Stores {
            db: config.db.clone(),
            sqlite: Vec::new(),
        };
        let shared = config
            .impact_stack_secrets
            .iter()
            .map(SharedSecret::new)
            .collect::<Result<Vec<_>, _>>()
            .and_then(SharedSecrets::new)
            .map_err(|error| format!("EVENTSMITH_IMPACT_STACK_SECRETS: {error}"))?;
        let impact_stack =
            Receiver::shared_secret(shared).seen_ids(stores.for_source::<impact_stack::Event>()?);
        let signing = config
            .gigs_secrets
            .iter()
            .map(|secret| Secret::new(secret))
            .collect::<Result<Vec<_>, _>>()
            .and_then(Verifier::with_secrets)
            .map_err(|error| format!("EVENTSMITH_GIGS_SECRETS: {error}"))?;
        let gigs =
            Receiver::standard_webhooks(signing).seen_ids(stores.for_source::<gigs::Event>()?);
        #[cfg(feature = "github")]
        let github = {
            let verifier =
                eventsmith::webhook::GitHubVerifier::with_secrets(&config.github_secrets)
                    .map_err(|error| format!("EVENTSMITH_GITHUB_SECRETS: {error}"))?;
            Receiver::github(verifier).seen_ids(stores.for_source::<eventsmith::github::Event>()?)
        };
        let inbox = match &config.db {
            None => Inbox::Memory(Arc::default()),
            Some(path) => {
                Connection::open(path)
                    .and_then(|connection| connection.execute_batch(INBOX_SCHEMA))
                    .map_err(|error| format!("{}: {error}", path.display()))?;
                Inbox::Sqlite {
                    path: path.clone(),
                    stores: Arc::new(stores.sqlite),
                }
            }
        };
        Ok(Self {
            impact_stack,
            gigs,
            #[cfg(feature = "github")]
            github,
            inbox,
        })
    }

    /// The routes, one per shipped catalog.
    pub fn router(self) -> Router {
        let router = Router::new()
            .route("/hooks/impact-stack", route::<impact_stack::Event, App>())
            .route("/hooks/gigs", route::<gigs::Event, App>());
        #[cfg(feature = "github")]
        let router = router.route("/hooks/github", route::<eventsmith::github::Event, App>());
        router.with_state(self)
    }
}

/// The route of any source `E`: receive, record in the inbox, answer 204
/// (which commits the delivery), or 500 when the inbox cannot be written
/// (which releases it, so the sender's retry is handled again).
pub fn route<E, S>() -> MethodRouter<S>
where
    E: EventSource + Send + 'static,
    Receiver<E>: FromRef<S>,
    Inbox: FromRef<S>,
    S: Clone + Send + Sync + 'static,
{
    webhook(handle::<E>)
}

async fn handle<E: EventSource + Send + 'static>(
    State(inbox): State<Inbox>,
    Webhook(delivery): Webhook<E>,
) -> StatusCode {
    let entry = Entry {
        source: E::SOURCE.to_owned(),
        delivery: delivery.id.clone(),
        event_type: delivery.event.event_type().to_owned(),
    };
    let payload = serde_json::to_string(&delivery.event).unwrap_or_default();
    let recorded = tokio::task::spawn_blocking(move || inbox.record(entry, &payload)).await;
    match recorded {
        Ok(Ok(())) => StatusCode::NO_CONTENT,
        Ok(Err(error)) => {
            eprintln!(
                "{}: delivery {} not recorded: {error}",
                E::SOURCE,
                delivery.id
            );
            StatusCode::INTERNAL_SERVER_ERROR
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Binds `config.addr`, prints the address, and serves until Ctrl-C.
///
/// # Errors
/// A bad configuration or an address that cannot be bound.
pub async fn serve(config: Config) -> Result<(), String> {
    let app = App::new(&config)?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|error| format!("{}: {error}", config.addr))?;
    let addr = listener.local_addr().map_err(|error| error.to_string())?;
    let store = config
        .db
        .as_ref()
        .map_or("in memory".to_owned(), |path| path.display().to_string());
    println!("eventsmith webhook server listening on http://{addr} (seen ids and inbox: {store})");
    println!("  POST /hooks/impact-stack  POST /hooks/gigs");
    #[cfg(feature = "github")]
    println!("  POST /hooks/github");
    axum::serve(listener, app.router())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|error| error.to_string())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let served = match Config::from_args(std::env::args().skip(1)) {
        Ok(config) => serve(config).await,
        Err(error) => Err(error),
    };
    match served {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("webhook_server: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
