//! Time as Conjure's expiries see it (sessions, the sign-in throttle, import results). Production reads
//! the system's monotonic clock; a test moves a [`ManualClock`] forward to see what happens after 30 idle
//! minutes, without waiting for them.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The wall-clock time now, as RFC 3339 (what the panel shows for "since" and "finished at").
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// What sessions, the throttle and import results measure time by: the system's monotonic clock in production, a [`ManualClock`] in tests.
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> Instant;
}

/// The system's monotonic clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that stands still until [`ManualClock::advance`] moves it.
pub struct ManualClock {
    start: Instant,
    offset: Mutex<Duration>,
}

impl ManualClock {
    /// A clock standing at the moment it was made.
    pub fn new() -> Arc<Self> {
        Arc::new(ManualClock {
            start: Instant::now(),
            offset: Mutex::default(),
        })
    }

    /// Moves the clock on by `by`.
    pub fn advance(&self, by: Duration) {
        *self.offset.lock().unwrap_or_else(|p| p.into_inner()) += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + *self.offset.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The clock every part of one Conjure shares.
pub type SharedClock = Arc<dyn Clock>;

/// The system's monotonic clock.
pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}
