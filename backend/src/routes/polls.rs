//! Long polls (`?wait=` on status and fleet) and event streams (an import's progress) each hold a
//! request open for up to half a minute. They are capped per user and in all, so one user's script (or
//! a crowd of viewers) cannot hold every connection Conjure serves: past the cap, a clear 503 with
//! `Retry-After`, which the panel's polling meets by asking again later.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::WebError;

/// Held requests one user may have open (a person with a few tabs open needs a handful each).
pub const PER_USER: usize = 16;
/// Held requests in all.
pub const TOTAL: usize = 512;

#[derive(Default)]
pub struct Polls(Mutex<HashMap<String, usize>>);

/// One open long poll or stream; its place is given back when it is dropped.
pub struct Held {
    polls: Arc<Polls>,
    user: String,
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut open = self.polls.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.user) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.user);
            }
        }
    }
}

impl Polls {
    /// A place for one more held request of `user`, or why not.
    pub fn hold(self: &Arc<Self>, user: &str) -> Result<Held, WebError> {
        let mut open = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let total: usize = open.values().sum();
        let mine = open.get(user).copied().unwrap_or(0);
        let why = if mine >= PER_USER {
            format!("{user} has {mine} pages or scripts waiting for changes already")
        } else if total >= TOTAL {
            format!("Conjure holds {total} requests waiting for changes already")
        } else {
            *open.entry(user.to_string()).or_default() += 1;
            return Ok(Held {
                polls: self.clone(),
                user: user.to_string(),
            });
        };
        Err(WebError::TooManyWaiting(why))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_capped_per_user_and_given_back() {
        let polls = Arc::new(Polls::default());
        let held: Vec<Held> = (0..PER_USER).map(|_| polls.hold("anna").unwrap()).collect();
        let refused = polls.hold("anna").err().unwrap();
        assert!(matches!(refused, WebError::TooManyWaiting(_)), "{refused}");
        assert!(polls.hold("ben").is_ok(), "another user is not affected");
        drop(held);
        assert!(polls.hold("anna").is_ok());
        assert!(polls.0.lock().unwrap().is_empty() || polls.0.lock().unwrap()["anna"] <= 1);
    }
}
