//! Sign-in throttling: after a few failures an account, and after more an address, must wait before the
//! next attempt, twice as long after each further failure (capped). Correct passwords wait too, or the
//! lock would not slow a guesser down.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Failures allowed before an account is locked.
pub const USER_FREE: u32 = 5;
/// Failures allowed from one address (over all accounts) before it is locked.
pub const ADDRESS_FREE: u32 = 20;
const FIRST_LOCK: Duration = Duration::from_secs(30);
const MAX_LOCK: Duration = Duration::from_secs(15 * 60);
/// A key with no failure for this long starts afresh.
const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct Throttle {
    entries: HashMap<String, Entry>,
}

struct Entry {
    failures: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

impl Throttle {
    /// How long `key` must still wait, if it is locked.
    pub fn wait(&self, key: &str, now: Instant) -> Option<Duration> {
        let until = self.entries.get(key)?.locked_until?;
        (until > now).then(|| until - now)
    }

    pub fn fail(&mut self, key: &str, free: u32, now: Instant) {
        if self.entries.len() > 100_000 {
            self.entries
                .retain(|_, e| now.duration_since(e.last) < FORGET_AFTER);
        }
        let e = self.entries.entry(key.to_string()).or_insert(Entry {
            failures: 0,
            last: now,
            locked_until: None,
        });
        if now.duration_since(e.last) >= FORGET_AFTER {
            e.failures = 0;
        }
        e.failures += 1;
        e.last = now;
        if e.failures >= free {
            let doublings = (e.failures - free).min(10);
            e.locked_until = Some(now + (FIRST_LOCK * 2u32.pow(doublings)).min(MAX_LOCK));
        }
    }

    pub fn succeed(&mut self, key: &str) {
        self.entries.remove(key);
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// "30 seconds", "4 minutes": how a person reads a wait.
pub fn human(d: Duration) -> String {
    let s = whole_seconds(d);
    if s < 90 {
        format!("{s} seconds")
    } else {
        format!("{} minutes", s.div_ceil(60))
    }
}

/// Rounded up, so a wait is never announced shorter than it is.
pub fn whole_seconds(d: Duration) -> u64 {
    d.as_millis().div_ceil(1000).max(1) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_free_failures_and_doubles() {
        let mut t = Throttle::default();
        let now = Instant::now();
        for _ in 0..USER_FREE - 1 {
            t.fail("u:anna", USER_FREE, now);
        }
        assert_eq!(t.wait("u:anna", now), None);
        t.fail("u:anna", USER_FREE, now);
        assert_eq!(t.wait("u:anna", now), Some(FIRST_LOCK));
        t.fail("u:anna", USER_FREE, now);
        assert_eq!(t.wait("u:anna", now), Some(FIRST_LOCK * 2));
        assert_eq!(t.wait("u:anna", now + FIRST_LOCK * 2), None);
        for _ in 0..20 {
            t.fail("u:anna", USER_FREE, now);
        }
        assert_eq!(t.wait("u:anna", now), Some(MAX_LOCK));
        t.succeed("u:anna");
        assert_eq!(t.wait("u:anna", now), None);
        assert_eq!(human(Duration::from_secs(30)), "30 seconds");
        assert_eq!(human(Duration::from_secs(600)), "10 minutes");
    }
}
