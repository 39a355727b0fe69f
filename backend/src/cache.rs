//! One read shared by everyone who asks at once ("single flight"), kept a short while: what a page
//! polls (Asterisk's status, the endpoints' states, the drift check) costs Asterisk one request however
//! many viewers poll it, so no crowd of viewers can fill the connections that saves and the watcher
//! need.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

/// One read shared by all who ask at once, kept `keep` (see the module).
pub struct Shared<T> {
    /// An answer is reused for this long; zero: only by those who asked while it was being read.
    keep: Duration,
    /// Bumped by [`Shared::clear`]: an answer read before a change is not handed out after it.
    generation: AtomicU64,
    last: Mutex<Option<Kept<T>>>,
}

struct Kept<T> {
    /// When its read began, and ended.
    began: Instant,
    at: Instant,
    /// The generation when its read began.
    generation: u64,
    value: T,
}

impl<T: Clone> Shared<T> {
    /// Nothing read yet; answers are reused for `keep`.
    pub fn new(keep: Duration) -> Self {
        Shared {
            keep,
            generation: AtomicU64::new(0),
            last: Mutex::new(None),
        }
    }

    /// The answer read for someone who asked at the same time (or within `keep`), or `read`'s, which
    /// is kept when it succeeds. Failures are not kept: the next caller reads again, one at a time.
    pub async fn get<E, F, Fut>(&self, read: F) -> Result<T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let asked = Instant::now();
        self.read_unless(read, |kept| {
            kept.at >= asked || kept.at.elapsed() < self.keep
        })
        .await
    }

    /// [`Shared::get`] for whoever must see every change made before it asked (an explicit "compare
    /// now"): only an answer whose read began after it asked is reused. What it reads is kept for the
    /// others.
    pub async fn get_fresh<E, F, Fut>(&self, read: F) -> Result<T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let asked = Instant::now();
        self.read_unless(read, |kept| kept.began >= asked).await
    }

    async fn read_unless<E, F, Fut>(
        &self,
        read: F,
        reuse: impl Fn(&Kept<T>) -> bool,
    ) -> Result<T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        // Callers queue here while one reads; whoever gets the lock next finds its answer.
        let mut last = self.last.lock().await;
        let now = self.generation.load(Ordering::Acquire);
        if let Some(kept) = &*last
            && kept.generation == now
            && reuse(kept)
        {
            return Ok(kept.value.clone());
        }
        let began = Instant::now();
        let value = read().await?;
        *last = Some(Kept {
            began,
            at: Instant::now(),
            generation: now,
            value: value.clone(),
        });
        Ok(value)
    }

    /// Forgets the kept answer (something changed that it reflects). It does not wait for a read
    /// under way: that read's answer is handed to those already waiting and then not kept.
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn callers_at_the_same_time_share_one_read() {
        let shared = Arc::new(Shared::new(Duration::ZERO));
        let reads = Arc::new(AtomicUsize::new(0));
        let (go, gate) = tokio::sync::watch::channel(false);
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let (shared, reads, mut gate) = (shared.clone(), reads.clone(), gate.clone());
            set.spawn(async move {
                shared
                    .get(|| async move {
                        reads.fetch_add(1, Ordering::SeqCst);
                        // The read is under way until the test lets it finish.
                        let _ = gate.wait_for(|g| *g).await;
                        Ok::<_, ()>(7)
                    })
                    .await
            });
        }
        // Every caller has started (each yields at the lock or inside the read) before the read ends.
        while reads.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        go.send(true).unwrap();
        while let Some(r) = set.join_next().await {
            assert_eq!(r.unwrap(), Ok(7));
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        // Asked afterwards, with nothing kept: read again.
        let again = shared.get(|| async { Ok::<_, ()>(8) }).await;
        assert_eq!(again, Ok(8));
    }

    #[tokio::test]
    async fn failures_are_not_kept() {
        let shared = Shared::new(Duration::from_secs(60));
        assert_eq!(
            shared.get(|| async { Err::<u8, _>("down") }).await,
            Err("down")
        );
        assert_eq!(shared.get(|| async { Ok::<_, &str>(1) }).await, Ok(1));
        assert_eq!(
            shared.get(|| async { Ok::<_, &str>(2) }).await,
            Ok(1),
            "kept"
        );
        shared.clear();
        assert_eq!(shared.get(|| async { Ok::<_, &str>(3) }).await, Ok(3));
    }

    #[tokio::test]
    async fn a_change_during_a_read_is_not_hidden_by_that_read() {
        let shared = Shared::new(Duration::from_secs(60));
        let read = shared.get(|| async {
            // The change lands while the list is being read.
            shared.clear();
            Ok::<_, ()>("before")
        });
        assert_eq!(read.await, Ok("before"));
        assert_eq!(
            shared.get(|| async { Ok::<_, ()>("after") }).await,
            Ok("after"),
            "read again"
        );
        assert_eq!(shared.get(|| async { Ok::<_, ()>("x") }).await, Ok("after"));
        assert_eq!(
            shared.get_fresh(|| async { Ok::<_, ()>("fresh") }).await,
            Ok("fresh"),
            "read before it asked: read again"
        );
        assert_eq!(shared.get(|| async { Ok::<_, ()>("y") }).await, Ok("fresh"));
    }
}
