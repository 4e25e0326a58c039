//! Replay protection: remembering which delivery ids were handled.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How long [`InMemorySeenIds::default`] remembers an id: 24 hours, as Svix
/// suggests (its retries of one message span about a day).
pub const DEFAULT_SEEN_EXPIRY: Duration = Duration::from_hours(24);

/// Remembers delivery ids, so a retried or replayed delivery is handled once.
///
/// Check the id only after the delivery's signature or shared secret has
/// been verified, or anyone could burn ids. If handling then fails and the
/// sender should retry, call [`forget`](Self::forget).
pub trait SeenIds {
    /// `true` when `id` was not seen within the expiry window before
    /// `now_unix` (Unix seconds); records it as seen at `now_unix` either way.
    fn first_time(&self, id: &str, now_unix: i64) -> bool;

    /// Removes `id`, so the next delivery with it counts as the first. Does
    /// nothing by default.
    fn forget(&self, id: &str) {
        let _ = id;
    }
}

impl<T: SeenIds + ?Sized> SeenIds for &T {
    fn first_time(&self, id: &str, now_unix: i64) -> bool {
        (**self).first_time(id, now_unix)
    }

    fn forget(&self, id: &str) {
        (**self).forget(id);
    }
}

impl<T: SeenIds + ?Sized> SeenIds for Arc<T> {
    fn first_time(&self, id: &str, now_unix: i64) -> bool {
        (**self).first_time(id, now_unix)
    }

    fn forget(&self, id: &str) {
        (**self).forget(id);
    }
}

/// A process-local [`SeenIds`]: a map behind a `Mutex`.
///
/// An id stays remembered until `expiry` has passed since it was last seen
/// (each repeat restarts its window); expired ids are dropped on every call,
/// so memory tracks the delivery rate times the expiry. With
/// [`max_entries`](Self::max_entries) the map never holds more ids than
/// that: when full, the id seen longest ago is dropped, trading replay
/// protection for a memory bound. For several processes, implement
/// [`SeenIds`] over a shared store instead.
///
/// ```
/// use std::time::Duration;
/// use eventsmith_webhook::{InMemorySeenIds, SeenIds};
///
/// let seen = InMemorySeenIds::new(Duration::from_secs(60));
/// assert!(seen.first_time("msg_1", 1_000));
/// assert!(!seen.first_time("msg_1", 1_010));
/// assert!(seen.first_time("msg_1", 1_070));
/// ```
pub struct InMemorySeenIds {
    expiry_secs: u64,
    max_entries: Option<usize>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Id → key of its entry in `by_age`.
    by_id: HashMap<Arc<str>, (i64, u64)>,
    /// (last seen, insertion sequence) → id, oldest first.
    by_age: BTreeMap<(i64, u64), Arc<str>>,
    next_sequence: u64,
}

impl InMemorySeenIds {
    /// Remembers each id for `expiry` (whole seconds) after it was last seen,
    /// with no bound on the number of ids.
    #[must_use]
    pub fn new(expiry: Duration) -> Self {
        Self {
            expiry_secs: expiry.as_secs(),
            max_entries: None,
            state: Mutex::new(State::default()),
        }
    }

    /// Holds at most `max` ids (at least one), dropping the id seen longest
    /// ago when full.
    #[must_use]
    pub fn max_entries(mut self, max: usize) -> Self {
        self.max_entries = Some(max.max(1));
        self
    }

    /// How many ids are held, including expired ones not yet dropped (they
    /// go on the next call to [`first_time`](SeenIds::first_time)).
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
}

impl Default for InMemorySeenIds {
    /// Remembers ids for [`DEFAULT_SEEN_EXPIRY`], unbounded.
    fn default() -> Self {
        Self::new(DEFAULT_SEEN_EXPIRY)
    }
}

impl SeenIds for InMemorySeenIds {
    fn first_time(&self, id: &str, now_unix: i64) -> bool {
        let mut state = self.lock();
        state.drop_expired(now_unix, self.expiry_secs);
        let first = match state.by_id.get(id).copied() {
            Some((last_seen, sequence)) => {
                // Still within its window (expired ids were just dropped):
                // a repeat. Restart the window, never moving it backwards.
                if let Some(key) = state.by_age.remove(&(last_seen, sequence)) {
                    state.insert(key, last_seen.max(now_unix));
                }
                false
            }
            None => {
                state.insert(Arc::from(id), now_unix);
                true
            }
        };
        if let Some(max) = self.max_entries {
            while state.by_id.len() > max {
                state.drop_oldest();
            }
        }
        first
    }

    fn forget(&self, id: &str) {
        let mut state = self.lock();
        if let Some(key) = state.by_id.remove(id) {
            state.by_age.remove(&key);
        }
    }
}

impl State {
    fn insert(&mut self, id: Arc<str>, seen: i64) {
        let key = (seen, self.next_sequence);
        self.next_sequence = self.next_sequence.wrapping_add(1);
        self.by_id.insert(Arc::clone(&id), key);
        self.by_age.insert(key, id);
    }

    fn drop_oldest(&mut self) {
        if let Some((_, id)) = self.by_age.pop_first() {
            self.by_id.remove(&id);
        }
    }

    fn drop_expired(&mut self, now: i64, expiry_secs: u64) {
        while let Some((&(seen, _), _)) = self.by_age.first_key_value() {
            // i128 holds every difference of two i64s and every u64.
            if i128::from(now) - i128::from(seen) < i128::from(expiry_secs) {
                break;
            }
            self.drop_oldest();
        }
    }
}

impl fmt::Debug for InMemorySeenIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemorySeenIds")
            .field("expiry_secs", &self.expiry_secs)
            .field("max_entries", &self.max_entries)
            .field("len", &self.len())
            .finish()
    }
}
