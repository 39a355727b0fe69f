//! Sign-in throttling: after a few failures a key (an account tried from one address, an address, an
//! account from anywhere, one browser's device cookie) must wait before its next attempt, twice as long
//! after each further failure (capped). Correct passwords wait too, or the lock would not slow a guesser.
//!
//! Attempts are counted when they start, not when argon2 has judged them: an attempt holds a place on
//! each of its keys until it is settled, and a key whose failures and open attempts together reach its
//! allowance refuses the next one. So 300 wrong passwords sent at once are 5 evaluated and 295 refused,
//! exactly as if they had been sent one after the other.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Failures allowed for one account from one address (or one browser) before it is locked.
pub const USER_FREE: u32 = 5;
/// Failures allowed from one address (over all accounts) before it is locked.
pub const ADDRESS_FREE: u32 = 20;
/// Failures allowed for one account over all addresses, from browsers it never signed in on: what bounds
/// a guesser with many addresses. Browsers that signed in before have their own allowance.
pub const ACCOUNT_FREE: u32 = 50;
const FIRST_LOCK: Duration = Duration::from_secs(30);
const MAX_LOCK: Duration = Duration::from_secs(15 * 60);
/// A key with no failure for this long starts afresh.
const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);
/// Keys kept at most. Each is at most ~150 bytes (names are capped before they get here), so the
/// throttle stays under ~30 MB whatever is sent; past it the keys that lock nothing are dropped first.
pub const MAX_KEYS: usize = 100_000;

#[derive(Default)]
/// Failed sign-ins by account and by address, and the places of attempts still being checked.
pub struct Throttle {
    entries: HashMap<String, Entry>,
}

struct Entry {
    failures: u32,
    /// Attempts started and not settled yet.
    open: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

/// The keys an attempt holds a place on, each with its allowance; give it back to [`Throttle::settle`].
#[must_use = "an attempt's places are given back by settle"]
pub struct Attempt {
    keys: Vec<(String, u32)>,
}

/// Which of the attempt's keys refused it (its index) and for how long.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused {
    /// Which key (account or address) is locked.
    pub key: usize,
    /// How long until it opens.
    pub wait: Duration,
}

fn lock_for(failures: u32, free: u32) -> Duration {
    let doublings = failures.saturating_sub(free).min(10);
    (FIRST_LOCK * 2u32.pow(doublings)).min(MAX_LOCK)
}

impl Throttle {
    /// Starts an attempt on `keys` (each with its allowance), or says which key refuses it and how long
    /// to wait. A key is refused while locked, and also while the attempts still open on it would use up
    /// what is left of its allowance: the wait is then the lock those attempts would bring if they failed.
    pub fn begin(&mut self, keys: Vec<(String, u32)>, now: Instant) -> Result<Attempt, Refused> {
        for (i, (key, free)) in keys.iter().enumerate() {
            let Some(e) = self.entries.get(key) else {
                continue;
            };
            if let Some(until) = e.locked_until.filter(|u| *u > now) {
                return Err(Refused {
                    key: i,
                    wait: until - now,
                });
            }
            let failures = if now.duration_since(e.last) >= FORGET_AFTER {
                0
            } else {
                e.failures
            };
            // Before the allowance is used up, as many at once as are left of it; after a lock has
            // run out, one at a time (each failure locks again).
            let allowed = free.saturating_sub(failures).max(1);
            if e.open >= allowed {
                return Err(Refused {
                    key: i,
                    wait: lock_for(failures + e.open, *free),
                });
            }
        }
        self.make_room(now, keys.len());
        for (key, _) in &keys {
            let e = self.entries.entry(key.clone()).or_insert(Entry {
                failures: 0,
                open: 0,
                last: now,
                locked_until: None,
            });
            e.open += 1;
        }
        Ok(Attempt { keys })
    }

    /// Ends an attempt: a failure counts on every key (locking those past their allowance); a success
    /// clears the keys at `cleared` (the account's own, never the address's) and only frees the others.
    pub fn settle(&mut self, attempt: Attempt, ok: bool, cleared: &[usize], now: Instant) {
        for (i, (key, free)) in attempt.keys.into_iter().enumerate() {
            let Some(e) = self.entries.get_mut(&key) else {
                continue;
            };
            e.open = e.open.saturating_sub(1);
            if ok {
                if cleared.contains(&i) {
                    e.failures = 0;
                    e.locked_until = None;
                }
            } else {
                if now.duration_since(e.last) >= FORGET_AFTER {
                    e.failures = 0;
                }
                e.failures += 1;
                e.last = now;
                if e.failures >= free {
                    e.locked_until = Some(now + lock_for(e.failures, free));
                }
            }
            if e.open == 0 && e.failures == 0 {
                self.entries.remove(&key);
            }
        }
    }

    /// A failure on `keys` that needed no evaluation (a name no account can have): counted as one.
    pub fn fail_now(&mut self, keys: Vec<(String, u32)>, now: Instant) {
        self.make_room(now, keys.len());
        for (key, _) in &keys {
            self.entries.entry(key.clone()).or_insert(Entry {
                failures: 0,
                open: 1,
                last: now,
                locked_until: None,
            });
        }
        self.settle(Attempt { keys }, false, &[], now);
    }

    /// Keeps the map under [`MAX_KEYS`]: forgotten keys go first, then those that lock nothing now.
    fn make_room(&mut self, now: Instant, wanted: usize) {
        if self.entries.len() + wanted <= MAX_KEYS {
            return;
        }
        self.entries
            .retain(|_, e| e.open > 0 || now.duration_since(e.last) < FORGET_AFTER);
        if self.entries.len() + wanted > MAX_KEYS {
            self.entries
                .retain(|_, e| e.open > 0 || e.locked_until.is_some_and(|u| u > now));
        }
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
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

    fn one(key: &str) -> Vec<(String, u32)> {
        vec![(key.to_string(), USER_FREE)]
    }

    fn fail(t: &mut Throttle, key: &str, now: Instant) {
        let a = t.begin(one(key), now).expect("not locked");
        t.settle(a, false, &[], now);
    }

    #[test]
    fn locks_after_the_free_failures_and_doubles() {
        let mut t = Throttle::default();
        let now = Instant::now();
        for _ in 0..USER_FREE - 1 {
            fail(&mut t, "u:anna", now);
        }
        assert!(t.begin(one("u:anna"), now).is_ok_and(|a| {
            t.settle(a, false, &[], now);
            true
        }));
        assert_eq!(t.begin(one("u:anna"), now).err().unwrap().wait, FIRST_LOCK);
        let later = now + FIRST_LOCK;
        fail(&mut t, "u:anna", later);
        assert_eq!(
            t.begin(one("u:anna"), later).err().unwrap().wait,
            FIRST_LOCK * 2
        );
        let a = t.begin(one("u:anna"), later + FIRST_LOCK * 2).unwrap();
        t.settle(a, true, &[0], later + FIRST_LOCK * 2);
        assert!(t.is_empty(), "a success forgets the account's key");
        assert_eq!(human(Duration::from_secs(30)), "30 seconds");
        assert_eq!(human(Duration::from_secs(600)), "10 minutes");
    }

    #[test]
    fn open_attempts_count_before_they_are_judged() {
        let mut t = Throttle::default();
        let now = Instant::now();
        let open: Vec<Attempt> = (0..USER_FREE)
            .map(|_| t.begin(one("u:anna"), now).unwrap())
            .collect();
        let refused = t.begin(one("u:anna"), now).err().unwrap();
        assert_eq!(
            refused,
            Refused {
                key: 0,
                wait: FIRST_LOCK
            }
        );
        for a in open {
            t.settle(a, false, &[], now);
        }
        assert_eq!(t.begin(one("u:anna"), now).err().unwrap().wait, FIRST_LOCK);
        // Once the lock has run out, one attempt at a time.
        let later = now + FIRST_LOCK;
        let a = t.begin(one("u:anna"), later).unwrap();
        assert_eq!(
            t.begin(one("u:anna"), later).err().unwrap().wait,
            FIRST_LOCK * 2
        );
        t.settle(a, false, &[], later);
    }

    #[test]
    fn a_success_frees_the_place_it_held_without_clearing_the_address() {
        let mut t = Throttle::default();
        let now = Instant::now();
        let keys = || vec![("u:x".to_string(), 5), ("a:x".to_string(), 3)];
        for _ in 0..2 {
            let a = t.begin(keys(), now).unwrap();
            t.settle(a, false, &[], now);
        }
        let a = t.begin(keys(), now).unwrap();
        t.settle(a, true, &[0], now);
        let a = t.begin(keys(), now).unwrap();
        t.settle(a, false, &[], now);
        assert_eq!(
            t.begin(keys(), now).err().unwrap().key,
            1,
            "the address locks"
        );
    }

    #[test]
    fn memory_is_bounded_whatever_the_keys() {
        let mut t = Throttle::default();
        let now = Instant::now();
        for i in 0..MAX_KEYS + 500 {
            let key = format!("u:{i}");
            let a = t.begin(one(&key), now).unwrap();
            t.settle(a, false, &[], now);
        }
        assert!(t.len() <= MAX_KEYS, "{}", t.len());
        // One locked key survives a flood of others.
        for _ in 0..USER_FREE {
            fail(&mut t, "u:victim-of-a-guess", now);
        }
        for i in 0..MAX_KEYS {
            t.fail_now(one(&format!("x:{i}")), now);
        }
        assert!(t.begin(one("u:victim-of-a-guess"), now).is_err());
    }
}
