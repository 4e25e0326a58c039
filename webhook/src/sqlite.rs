//! A durable [`SeenIds`]: delivery ids in an embedded SQLite database.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::seen::{Claim, DEFAULT_CLAIM_LEASE, DEFAULT_SEEN_EXPIRY, SeenIds, SeenIdsError};

/// The table [`SqliteSeenIds::open`] uses.
pub const DEFAULT_TABLE: &str = "eventsmith_seen_ids";

/// The table, created on first open. One row per id: claimed (`committed =
/// 0`, until the lease ends) or committed (`committed = 1`, until the
/// expiry window ends); `deadline` is the Unix second the row lapses at.
fn schema(table: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {table} (
             id TEXT PRIMARY KEY NOT NULL,
             committed INTEGER NOT NULL,
             deadline INTEGER NOT NULL
         ) WITHOUT ROWID;
         CREATE INDEX IF NOT EXISTS {table}_deadline ON {table} (deadline);"
    )
}

/// Whether `table` can be spliced into SQL as is: an ASCII identifier.
fn is_identifier(table: &str) -> bool {
    let mut chars = table.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The statements, with the table name in.
struct Sql {
    select: String,
    renew: String,
    claim: String,
    commit: String,
    forget: String,
    sweep: String,
    release: String,
    count: String,
}

impl Sql {
    fn new(table: &str) -> Self {
        Self {
            select: format!("SELECT committed, deadline FROM {table} WHERE id = ?1"),
            renew: format!("UPDATE {table} SET deadline = ?2 WHERE id = ?1"),
            claim: format!(
                "INSERT OR REPLACE INTO {table} (id, committed, deadline) VALUES (?1, 0, ?2)"
            ),
            commit: format!(
                "INSERT INTO {table} (id, committed, deadline) VALUES (?1, 1, ?2)
                 ON CONFLICT (id) DO UPDATE SET
                     deadline = CASE WHEN committed = 1 THEN max(deadline, excluded.deadline)
                                     ELSE excluded.deadline END,
                     committed = 1"
            ),
            forget: format!("DELETE FROM {table} WHERE id = ?1"),
            sweep: format!("DELETE FROM {table} WHERE deadline <= ?1"),
            release: format!("DELETE FROM {table} WHERE committed = 0"),
            count: format!("SELECT count(*) FROM {table}"),
        }
    }
}

/// Lapsed rows are deleted once every this many claims.
const SWEEP_EVERY: u32 = 512;

/// Waiting for another process's write lock, before giving up with an error.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A [`SeenIds`] kept in an SQLite database file, so a delivery committed
/// before a restart is still recognised after it.
///
/// **Guarantees.** A commit returns only once it is durable: the database
/// runs in WAL mode and commits with `synchronous = FULL`, so a committed
/// id survives a killed process and a power cut alike (claims and releases
/// run with `NORMAL`: they survive a killed process, and losing one with
/// the machine only lets a retry be handled, as a restart does anyway). A claim is a row too, so processes
/// sharing the file (on one host: SQLite's locking needs a local file
/// system) never both get [`Claim::New`] for one id; every claim runs in an
/// `IMMEDIATE` transaction, waiting up to 5 s for another writer. A claim
/// whose process died lapses after its lease ([`claim_lease`](Self::claim_lease),
/// default 60 s) — or at once with [`release_claims`](Self::release_claims),
/// which a server that is the file's only user calls when it starts.
/// Committed ids lapse after the expiry window ([`expiry`](Self::expiry),
/// default 24 h, restarted by each repeat); lapsed rows are deleted every
/// few hundred claims.
///
/// **Exactly-once effects.** A handler whose effect is written elsewhere
/// and then committed here can be interrupted between the two, and the
/// retry runs it again: at-least-once. Write the effect in the same SQLite
/// transaction as the commit with [`commit_with`](Self::commit_with) (an
/// inbox table beside this one), and it happens exactly once.
///
/// ```
/// use eventsmith_webhook::{Claim, SeenIds, SqliteSeenIds};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let dir = std::env::temp_dir().join(format!("eventsmith-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let path = dir.join("seen.db");
/// let seen = SqliteSeenIds::open(&path)?;
/// assert_eq!(seen.claim("msg_1", 1_000)?, Claim::New);
/// seen.commit("msg_1", 1_000)?;
/// drop(seen); // the process restarts
///
/// let seen = SqliteSeenIds::open(&path)?;
/// assert_eq!(seen.claim("msg_1", 1_010)?, Claim::Seen);
/// # drop(seen);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
pub struct SqliteSeenIds {
    connection: Mutex<Store>,
    sql: Sql,
    table: String,
    path: Option<PathBuf>,
    expiry_secs: i64,
    lease_secs: i64,
}

struct Store {
    connection: Connection,
    claims_since_sweep: u32,
    /// Whether the connection runs with `synchronous = FULL` (commits) or
    /// `NORMAL` (claims and releases).
    full_sync: bool,
}

impl Store {
    /// Sets how durable the next transactions are. Commits must survive a
    /// power cut (`FULL`: the WAL is synced at each commit); claims and
    /// releases need not (`NORMAL`: durable against a killed process, and
    /// a claim lost with the machine only lets a retry be handled, which a
    /// restart allows anyway), which saves a sync per delivery.
    fn sync(&mut self, full: bool) -> rusqlite::Result<()> {
        if self.full_sync != full {
            let level = if full { "FULL" } else { "NORMAL" };
            self.connection.pragma_update(None, "synchronous", level)?;
            self.full_sync = full;
        }
        Ok(())
    }
}

impl SqliteSeenIds {
    /// Opens (or creates) the database at `path` and its table.
    ///
    /// # Errors
    /// The file cannot be opened or created, is not an SQLite database, or
    /// WAL mode cannot be set.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, SeenIdsError> {
        Self::open_table(path, DEFAULT_TABLE)
    }

    /// Opens (or creates) the database at `path` with the ids in `table`
    /// (an ASCII identifier), so several stores (one per event source, say)
    /// can share one file and each keep its own ids.
    ///
    /// # Errors
    /// As [`open`](Self::open), and for a table name that is not an
    /// identifier.
    pub fn open_table(path: impl AsRef<Path>, table: &str) -> Result<Self, SeenIdsError> {
        let path = path.as_ref();
        let connection = Connection::open(path)
            .map_err(|error| SeenIdsError::new("cannot open the seen-id database", error))?;
        Self::with_connection(connection, table, Some(path.to_owned()))
    }

    /// A database in memory: nothing survives the store; for tests.
    ///
    /// # Errors
    /// SQLite could not set it up.
    pub fn in_memory() -> Result<Self, SeenIdsError> {
        let connection = Connection::open_in_memory()
            .map_err(|error| SeenIdsError::new("cannot open the seen-id database", error))?;
        Self::with_connection(connection, DEFAULT_TABLE, None)
    }

    fn with_connection(
        connection: Connection,
        table: &str,
        path: Option<PathBuf>,
    ) -> Result<Self, SeenIdsError> {
        if !is_identifier(table) {
            return Err(SeenIdsError::msg(format!(
                "the seen-id table name {table:?} is not an identifier (ASCII letters, digits, _)"
            )));
        }
        let setup = |connection: &Connection| -> rusqlite::Result<()> {
            connection.busy_timeout(BUSY_TIMEOUT)?;
            // In-memory databases answer "memory"; both are fine.
            let _mode: String =
                connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
            connection.pragma_update(None, "synchronous", "FULL")?;
            connection.execute_batch(&schema(table))
        };
        setup(&connection)
            .map_err(|error| SeenIdsError::new("cannot set up the seen-id database", error))?;
        Ok(Self {
            connection: Mutex::new(Store {
                connection,
                claims_since_sweep: 0,
                full_sync: true,
            }),
            sql: Sql::new(table),
            table: table.to_owned(),
            path,
            expiry_secs: secs(DEFAULT_SEEN_EXPIRY),
            lease_secs: secs(DEFAULT_CLAIM_LEASE),
        })
    }

    /// How long a committed id is remembered after it was last seen (whole
    /// seconds; default [`DEFAULT_SEEN_EXPIRY`], 24 h).
    #[must_use]
    pub fn expiry(mut self, expiry: Duration) -> Self {
        self.expiry_secs = secs(expiry);
        self
    }

    /// How long a claim holds an id before it lapses (whole seconds, at
    /// least one; default [`DEFAULT_CLAIM_LEASE`], 60 s): longer than the
    /// slowest handling.
    #[must_use]
    pub fn claim_lease(mut self, lease: Duration) -> Self {
        self.lease_secs = secs(lease).max(1);
        self
    }

    /// Drops every claim (not the committed ids), so deliveries whose
    /// handling was interrupted by a crash are handled on their next retry
    /// instead of after the lease. Call it when a server starts, and only
    /// when no other process uses the file: their handlings in progress
    /// would lose their claims. Returns how many claims were dropped.
    ///
    /// # Errors
    /// The database could not be written.
    pub fn release_claims(&self) -> Result<usize, SeenIdsError> {
        self.lock()
            .connection
            .execute(&self.sql.release, [])
            .map_err(|error| SeenIdsError::new("cannot release the claims", error))
    }

    /// How many ids are held, claimed or committed, including lapsed rows
    /// not yet deleted.
    ///
    /// # Errors
    /// The database could not be read.
    pub fn len(&self) -> Result<usize, SeenIdsError> {
        let count: i64 = self
            .lock()
            .connection
            .query_row(&self.sql.count, [], |row| row.get(0))
            .map_err(|error| SeenIdsError::new("cannot count the seen ids", error))?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Whether no id is held.
    ///
    /// # Errors
    /// The database could not be read.
    pub fn is_empty(&self) -> Result<bool, SeenIdsError> {
        self.len().map(|len| len == 0)
    }

    /// Commits `id` and runs `effect` in the same transaction: both happen
    /// or neither does. `effect` writes the handler's result (to tables of
    /// its own in this database), so a delivery's effect happens exactly
    /// once even when the process dies at any point.
    ///
    /// # Errors
    /// `effect`'s error, or the database's, with nothing committed.
    pub fn commit_with<T>(
        &self,
        id: &str,
        now_unix: i64,
        effect: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T, SeenIdsError> {
        let mut store = self.lock();
        let run = |store: &mut Store| -> rusqlite::Result<T> {
            store.sync(true)?;
            let transaction = store
                .connection
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = effect(&transaction)?;
            self.mark_committed(&transaction, id, now_unix)?;
            transaction.commit()?;
            Ok(value)
        };
        run(&mut store).map_err(|error| SeenIdsError::new("cannot commit the delivery", error))
    }

    fn mark_committed(
        &self,
        transaction: &Transaction<'_>,
        id: &str,
        now_unix: i64,
    ) -> rusqlite::Result<()> {
        let deadline = now_unix.saturating_add(self.expiry_secs);
        let row: Option<(bool, i64)> = transaction
            .query_row(&self.sql.select, [id], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        // Already committed this far (a handler's `commit_with`, then the
        // integration's `commit`): nothing to write, nothing to sync.
        if matches!(row, Some((true, until)) if until >= deadline) {
            return Ok(());
        }
        transaction.execute(&self.sql.commit, params![id, deadline])?;
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        // A panic inside rusqlite leaves the connection usable: SQLite rolls
        // back an unfinished transaction when the next one begins.
        self.connection
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SeenIds for SqliteSeenIds {
    fn claim(&self, id: &str, now_unix: i64) -> Result<Claim, SeenIdsError> {
        let mut store = self.lock();
        let claim = |store: &mut Store| -> rusqlite::Result<Claim> {
            store.sync(false)?;
            let transaction = store
                .connection
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row: Option<(bool, i64)> = transaction
                .query_row(&self.sql.select, [id], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?;
            let claim = match row {
                Some((true, deadline)) if deadline > now_unix => {
                    // A repeat: restart the window, never moving it backwards.
                    let renewed = deadline.max(now_unix.saturating_add(self.expiry_secs));
                    if renewed != deadline {
                        transaction.execute(&self.sql.renew, params![id, renewed])?;
                    }
                    Claim::Seen
                }
                Some((false, deadline)) if deadline > now_unix => Claim::InFlight,
                // Absent or lapsed: claim it.
                _ => {
                    transaction.execute(
                        &self.sql.claim,
                        params![id, now_unix.saturating_add(self.lease_secs)],
                    )?;
                    Claim::New
                }
            };
            transaction.commit()?;
            Ok(claim)
        };
        let result = claim(&mut store)
            .map_err(|error| SeenIdsError::new("cannot claim the delivery id", error))?;
        store.claims_since_sweep += 1;
        if store.claims_since_sweep >= SWEEP_EVERY {
            store.claims_since_sweep = 0;
            // Lapsed rows are already ignored; deleting them only bounds the
            // file, so a failure here is not the claim's.
            let _ = store.connection.execute(&self.sql.sweep, [now_unix]);
        }
        Ok(result)
    }

    fn commit(&self, id: &str, now_unix: i64) -> Result<(), SeenIdsError> {
        self.commit_with(id, now_unix, |_| Ok(()))
    }

    fn forget(&self, id: &str) -> Result<(), SeenIdsError> {
        let mut store = self.lock();
        store
            .sync(false)
            .and_then(|()| store.connection.execute(&self.sql.forget, [id]))
            .map(|_| ())
            .map_err(|error| SeenIdsError::new("cannot forget the delivery id", error))
    }
}

impl fmt::Debug for SqliteSeenIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteSeenIds")
            .field("path", &self.path)
            .field("table", &self.table)
            .field("expiry_secs", &self.expiry_secs)
            .field("lease_secs", &self.lease_secs)
            .finish_non_exhaustive()
    }
}

/// Whole seconds of `duration`, saturating at `i64::MAX`.
fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}
