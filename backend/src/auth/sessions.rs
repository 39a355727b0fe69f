//! Signed-in browser sessions, kept in memory: a restart signs everyone out, which for a panel that
//! reconfigures a phone system is a fair price for keeping no session secret on disk.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// One signed-in browser.
pub struct Session {
    /// Whose session it is.
    pub user: String,
    /// Echoed by the panel in `X-Conjure-Csrf` on every state-changing request.
    pub csrf: String,
    created: Instant,
    seen: Instant,
}

/// A user's sessions beyond this end, oldest first (a script signing in in a loop cannot fill memory, and
/// a forgotten browser does not stay signed in forever beside new ones).
pub const PER_USER: usize = 20;
/// All sessions together; at the cap, ended ones are removed and then the least recently used.
pub const TOTAL: usize = 10_000;

#[derive(Default)]
/// The open sessions, in memory: a restart signs everyone out.
pub struct Sessions {
    by_id: HashMap<String, Session>,
}

/// Why a session cookie no longer works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// No such session (signed out, or Conjure restarted).
    Unknown,
    /// Unused for longer than the idle limit.
    Idle,
    /// Older than the absolute limit.
    TooOld,
}

impl Sessions {
    /// Opens a session for `user`; its id and CSRF token.
    pub fn open(
        &mut self,
        id: String,
        user: &str,
        csrf: String,
        now: Instant,
        limits: (Duration, Duration),
    ) {
        let mine: Vec<(&String, Instant)> = self
            .by_id
            .iter()
            .filter(|(_, s)| s.user == user)
            .map(|(id, s)| (id, s.created))
            .collect();
        if mine.len() >= PER_USER
            && let Some(oldest) = mine
                .iter()
                .min_by_key(|(_, at)| *at)
                .map(|(id, _)| (*id).clone())
        {
            self.by_id.remove(&oldest);
        }
        if self.by_id.len() >= TOTAL {
            self.by_id.retain(|_, s| s.alive(now, limits).is_ok());
        }
        if self.by_id.len() >= TOTAL
            && let Some(idle) = self
                .by_id
                .iter()
                .min_by_key(|(_, s)| s.seen)
                .map(|(id, _)| id.clone())
        {
            self.by_id.remove(&idle);
        }
        self.by_id.insert(
            id,
            Session {
                user: user.to_string(),
                csrf,
                created: now,
                seen: now,
            },
        );
    }

    /// The session behind `id`, marked as used now; ended sessions are removed.
    pub fn touch(
        &mut self,
        id: &str,
        now: Instant,
        limits: (Duration, Duration),
    ) -> Result<&Session, Ended> {
        let alive = self.by_id.get(id).ok_or(Ended::Unknown)?.alive(now, limits);
        if let Err(e) = alive {
            self.by_id.remove(id);
            return Err(e);
        }
        let s = self.by_id.get_mut(id).expect("checked above");
        s.seen = now;
        Ok(s)
    }

    /// Ends session `id` (signing out).
    pub fn close(&mut self, id: &str) {
        self.by_id.remove(id);
    }

    /// Ends every session of `user` except `keep` (after a password change or reset).
    pub fn close_user(&mut self, user: &str, keep: Option<&str>) {
        self.by_id
            .retain(|id, s| s.user != user || Some(id.as_str()) == keep);
    }
}

impl Session {
    fn alive(&self, now: Instant, (idle, absolute): (Duration, Duration)) -> Result<(), Ended> {
        if now.duration_since(self.created) >= absolute {
            Err(Ended::TooOld)
        } else if now.duration_since(self.seen) >= idle {
            Err(Ended::Idle)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_and_absolute_expiry() {
        let limits = (Duration::from_secs(60), Duration::from_secs(150));
        let t0 = Instant::now();
        let mut s = Sessions::default();
        s.open("a".into(), "anna", "c".into(), t0, limits);
        assert!(s.touch("a", t0 + Duration::from_secs(50), limits).is_ok());
        assert!(s.touch("a", t0 + Duration::from_secs(100), limits).is_ok());
        assert_eq!(
            s.touch("a", t0 + Duration::from_secs(151), limits).err(),
            Some(Ended::TooOld)
        );
        assert_eq!(s.touch("a", t0, limits).err(), Some(Ended::Unknown));
        s.open("b".into(), "anna", "c".into(), t0, limits);
        assert_eq!(
            s.touch("b", t0 + Duration::from_secs(61), limits).err(),
            Some(Ended::Idle)
        );
        s.open("c".into(), "anna", "c".into(), t0, limits);
        s.open("d".into(), "anna", "c".into(), t0, limits);
        s.close_user("anna", Some("d"));
        assert!(s.touch("c", t0, limits).is_err() && s.touch("d", t0, limits).is_ok());
    }

    #[test]
    fn a_users_oldest_session_ends_beyond_the_cap_and_others_keep_theirs() {
        let limits = (Duration::from_secs(60), Duration::from_secs(150));
        let t0 = Instant::now();
        let mut s = Sessions::default();
        s.open("bo".into(), "bo", "c".into(), t0, limits);
        for i in 0..PER_USER + 1 {
            let at = t0 + Duration::from_millis(i as u64);
            s.open(format!("anna{i}"), "anna", "c".into(), at, limits);
        }
        assert_eq!(s.touch("anna0", t0, limits).err(), Some(Ended::Unknown));
        assert!(s.touch("anna1", t0, limits).is_ok());
        assert!(s.touch(&format!("anna{PER_USER}"), t0, limits).is_ok());
        assert!(s.touch("bo", t0, limits).is_ok());
    }

    #[test]
    fn at_the_total_cap_the_least_recently_used_session_ends() {
        let limits = (Duration::from_secs(60), Duration::from_secs(150));
        let t0 = Instant::now();
        let mut s = Sessions::default();
        for i in 0..TOTAL {
            s.open(format!("s{i}"), &format!("u{i}"), "c".into(), t0, limits);
        }
        let later = t0 + Duration::from_secs(1);
        assert!(s.touch("s0", later, limits).is_ok());
        s.open("new".into(), "x", "c".into(), later, limits);
        assert_eq!(s.by_id.len(), TOTAL);
        // The one just used stays; one of those unused since t0 made room.
        assert!(s.touch("s0", later, limits).is_ok() && s.touch("new", later, limits).is_ok());
    }
}
