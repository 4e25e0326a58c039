//! Replay protection: remembering which delivery ids were handled.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How long [`InMemorySeenIds::default`] remembers an id: 24 hours, as Svix
/// suggests (its retries of one message span about a day).
pub const DEFAULT_SEEN_EXPIRY: Duration = Duration::from_hours(24);

/// How long a claim ([`Claim::New`]) holds an id by default before it
/// lapses: 60 s, longer than senders wait for an answer (Svix 15 s, GitHub
/// 10 s), so a handling that neither committed nor forgot (a crash, a
/// leaked claim) blocks the id for a minute at most.
pub const DEFAULT_CLAIM_LEASE: Duration = Duration::from_secs(60);

/// What [`SeenIds::claim`] found for an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Claim {
    /// Not seen: it is now claimed for this handling. Call
    /// [`commit`](SeenIds::commit) once the delivery is handled, or
    /// [`forget`](SeenIds::forget) if handling failed so the sender's retry
    /// is handled again; a claim that gets neither lapses after its lease.
    New,
    /// Committed within the expiry window: a repeat of a delivery already
    /// handled. Answer it with a 2xx and do nothing.
    Seen,
    /// Claimed by a handling that has not finished (or by one that died
    /// less than a lease ago): it may still fail, so this repeat can be
    /// neither handled nor acknowledged yet. Ask the sender to retry later.
    InFlight,
}

/// Remembers delivery ids, so a retried or replayed delivery is handled
/// once.
///
/// Deduplication is two steps, so that "seen" means *handled*:
/// [`claim`](Self::claim) before handling (only one caller gets
/// [`Claim::New`] for an id; the others get [`Claim::Seen`] or
/// [`Claim::InFlight`]), then [`commit`](Self::commit) once handling
/// succeeded, or [`forget`](Self::forget) if it failed. A delivery whose
/// handling failed or was interrupted is thus handled again on the sender's
/// retry (at-least-once), and one that was committed is never handled again
/// within the expiry window. Commit before acknowledging the delivery (the
/// 2xx), so an acknowledged delivery is always a committed one.
///
/// Check ids only after the delivery's signature or shared secret has been
/// verified, or anyone could burn ids. Implementations are
/// [`InMemorySeenIds`] (one process) and, with the `sqlite` feature,
/// `SqliteSeenIds` (durable: survives restarts, shareable between
/// processes on one host).
pub trait SeenIds {
    /// Claims `id` for handling at `now_unix` (Unix seconds); see [`Claim`].
    /// A repeat of a committed id restarts its expiry window.
    ///
    /// # Errors
    /// The store could not be read or written (a durable store's I/O).
    fn claim(&self, id: &str, now_unix: i64) -> Result<Claim, SeenIdsError>;

    /// Records `id` as handled at `now_unix`: every later claim within the
    /// expiry window finds it [`Claim::Seen`]. Idempotent; also records an
    /// id that was never claimed.
    ///
    /// # Errors
    /// The store could not be written; the id is then not recorded.
    fn commit(&self, id: &str, now_unix: i64) -> Result<(), SeenIdsError>;

    /// Removes `id`, claimed or committed, so the next delivery with it is
    /// [`Claim::New`].
    ///
    /// # Errors
    /// The store could not be written.
    fn forget(&self, id: &str) -> Result<(), SeenIdsError>;

    /// Claim and commit in one step: `true` when `id` was new. For callers
    /// that check before handling and accept that a handling failure after
    /// the check is not retried (at-most-once); prefer the two steps.
    ///
    /// # Errors
    /// As [`claim`](Self::claim) and [`commit`](Self::commit).
    fn first_time(&self, id: &str, now_unix: i64) -> Result<bool, SeenIdsError> {
        match self.claim(id, now_unix)? {
            Claim::New => self.commit(id, now_unix).map(|()| true),
            Claim::Seen | Claim::InFlight => Ok(false),
        }
    }
}

impl<T: SeenIds + ?Sized> SeenIds for &T {
    fn claim(&self, id: &str, now_unix: i64) -> Result<Claim, SeenIdsError> {
        (**self).claim(id, now_unix)
    }

    fn commit(&self, id: &str, now_unix: i64) -> Result<(), SeenIdsError> {
        (**self).commit(id, now_unix)
    }

    fn forget(&self, id: &str) -> Result<(), SeenIdsError> {
        (**self).forget(id)
    }
}

impl<T: SeenIds + ?Sized> SeenIds for Arc<T> {
    fn claim(&self, id: &str, now_unix: i64) -> Result<Claim, SeenIdsError> {
        (**self).claim(id, now_unix)
    }

    fn commit(&self, id: &str, now_unix: i64) -> Result<(), SeenIdsError> {
        (**self).commit(id, now_unix)
    }

    fn forget(&self, id: &str) -> Result<(), SeenIdsError> {
        (**self).forget(id)
    }
}

/// A seen-id store failed (a durable store's I/O or database error). The
/// message never holds a delivery's content, only the store's own error.
#[derive(Debug, Clone)]
pub struct SeenIdsError {
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl SeenIdsError {
    /// An error with this description and underlying cause.
    pub fn new(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(Arc::from(source.into())),
        }
    }

    /// An error with this description alone.
    pub fn msg(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }
}

impl PartialEq for SeenIdsError {
    /// Equal when the descriptions are (causes are not comparable).
    fn eq(&self, other: &Self) -> bool {
        self.message == other.message
    }
}

impl fmt::Display for SeenIdsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(source) => write!(f, "{}: {source}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for SeenIdsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// A process-local [`SeenIds`]: a map behind a `Mutex`.
///
/// A committed id stays remembered until `expiry` has passed since it was
/// last seen (each repeat restarts its window); a claim lapses after
/// [`claim_lease`](Self::claim_lease). Lapsed entries are dropped on every
/// call, so memory tracks the delivery rate times the expiry. With
/// [`max_entries`](Self::max_entries) the map never holds more ids than
/// that: when full, the entry closest to lapsing is dropped, trading replay
/// protection for a memory bound. Everything is lost when the process
/// ends; for restarts or several processes use a durable store
/// (`SqliteSeenIds`, feature `sqlite`).
///
/// ```
/// use std::time::Duration;
/// use eventsmith_webhook::{Claim, InMemorySeenIds, SeenIds};
///
/// let seen = InMemorySeenIds::new(Duration::from_secs(60));
/// assert_eq!(seen.claim("msg_1", 1_000)?, Claim::New);
/// assert_eq!(seen.claim("msg_1", 1_001)?, Claim::InFlight); // not handled yet
/// seen.commit("msg_1", 1_002)?;
/// assert_eq!(seen.claim("msg_1", 1_010)?, Claim::Seen);
/// assert_eq!(seen.claim("msg_1", 1_071)?, Claim::New); // 60 s after it was last seen
/// # Ok::<(), eventsmith_webhook::SeenIdsError>(())
/// ```
pub struct InMemorySeenIds {
    expiry_secs: u64,
    lease_secs: u64,
    max_entries: Option<usize>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Id → its entry's key in `by_deadline` and whether it is committed.
    by_id: HashMap<Arc<str>, Entry>,
    /// (deadline, insertion sequence) → id, the first to lapse first.
    /// Deadlines are `i128`: every `i64` time plus every `u64` window.
    by_deadline: BTreeMap<(i128, u64), Arc<str>>,
    next_sequence: u64,
}

#[derive(Clone, Copy)]
struct Entry {
    key: (i128, u64),
    committed: bool,
}

impl InMemorySeenIds {
    /// Remembers each committed id for `expiry` (whole seconds) after it was
    /// last seen, with no bound on the number of ids and claims lapsing
    /// after [`DEFAULT_CLAIM_LEASE`].
    #[must_use]
    pub fn new(expiry: Duration) -> Self {
        Self {
            expiry_secs: expiry.as_secs(),
            lease_secs: DEFAULT_CLAIM_LEASE.as_secs(),
            max_entries: None,
            state: Mutex::new(State::default()),
        }
    }

    /// How long a claim holds an id before it lapses (whole seconds, at
    /// least one): longer than the slowest handling, or a repeat arriving
    /// after the lease is handled while the first is still running.
    #[must_use]
    pub fn claim_lease(mut self, lease: Duration) -> Self {
        self.lease_secs = lease.as_secs().max(1);
        self
    }

    /// Holds at most `max` ids (at least one), dropping the entry closest to
    /// lapsing when full.
    #[must_use]
    pub fn max_entries(mut self, max: usize) -> Self {
        self.max_entries = Some(max.max(1));
        self
    }

    /// How many ids are held, claimed or committed, including lapsed ones
    /// not yet dropped (they go on the next call).
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().by_id.len()
    }

    /// Whether no id is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked: every
        // mutation below completes before anything that could panic.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn bound(&self, state: &mut State) {
        if let Some(max) = self.max_entries {
            while state.by_id.len() > max {
                state.drop_first();
            }
        }
    }
}

/// `now` plus `secs`, exactly.
fn deadline(now: i64, secs: u64) -> i128 {
    i128::from(now) + i128::from(secs)
}

impl Default for InMemorySeenIds {
    /// Remembers ids for [`DEFAULT_SEEN_EXPIRY`], unbounded.
    fn default() -> Self {
        Self::new(DEFAULT_SEEN_EXPIRY)
    }
}

impl SeenIds for InMemorySeenIds {
    fn claim(&self, id: &str, now_unix: i64) -> Result<Claim, SeenIdsError> {
        let mut state = self.lock();
        state.drop_lapsed(now_unix);
        // Lapsed entries were just dropped: what is left is live.
        let claim = match state.by_id.get(id).copied() {
            Some(Entry {
                key,
                committed: true,
            }) => {
                // A repeat: restart the window, never moving it backwards.
                let renewed = key.0.max(deadline(now_unix, self.expiry_secs));
                state.remove(id);
                state.insert(Arc::from(id), renewed, true);
                Claim::Seen
            }
            Some(Entry {
                committed: false, ..
            }) => Claim::InFlight,
            None => {
                state.insert(Arc::from(id), deadline(now_unix, self.lease_secs), false);
                Claim::New
            }
        };
        self.bound(&mut state);
        Ok(claim)
    }

    fn commit(&self, id: &str, now_unix: i64) -> Result<(), SeenIdsError> {
        let mut state = self.lock();
        let mut until = deadline(now_unix, self.expiry_secs);
        if let Some(Entry {
            key,
            committed: true,
        }) = state.remove(id)
        {
            until = until.max(key.0);
        }
        state.insert(Arc::from(id), until, true);
        self.bound(&mut state);
        Ok(())
    }

    fn forget(&self, id: &str) -> Result<(), SeenIdsError> {
        self.lock().remove(id);
        Ok(())
    }
}

impl State {
    fn insert(&mut self, id: Arc<str>, deadline: i128, committed: bool) {
        let key = (deadline, self.next_sequence);
        self.next_sequence = self.next_sequence.wrapping_add(1);
        self.by_id.insert(Arc::clone(&id), Entry { key, committed });
        self.by_deadline.insert(key, id);
    }

    fn remove(&mut self, id: &str) -> Option<Entry> {
        let entry = self.by_id.remove(id)?;
        self.by_deadline.remove(&entry.key);
        Some(entry)
    }

    fn drop_first(&mut self) {
        if let Some((_, id)) = self.by_deadline.pop_first() {
            self.by_id.remove(&id);
        }
    }

    fn drop_lapsed(&mut self, now: i64) {
        while let Some((&(deadline, _), _)) = self.by_deadline.first_key_value() {
            if deadline > i128::from(now) {
                break;
            }
            self.drop_first();
        }
    }
}

impl fmt::Debug for InMemorySeenIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemorySeenIds")
            .field("expiry_secs", &self.expiry_secs)
            .field("lease_secs", &self.lease_secs)
            .field("max_entries", &self.max_entries)
            .field("len", &self.len())
            .finish()
    }
}
