//! One read shared by everyone who asks at once ("single flight"), kept a short while: what a page
//! polls (Asterisk's status, the endpoints' states, the drift check) costs Asterisk one request however
//! many viewers poll it, so no crowd of viewers can fill the connections that saves and the watcher
//! need.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

pub struct Shared<T> {
    /// An answer is reused for this long; zero: only by those who asked while it was being read.
    keep: Duration,
    last: Mutex<Option<(Instant, T)>>,
}

impl<T: Clone> Shared<T> {
    pub fn new(keep: Duration) -> Self {
        Shared {
            keep,
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
        // Callers queue here while one reads; whoever gets the lock next finds its answer.
        let mut last = self.last.lock().await;
        if let Some((at, value)) = &*last
            && (*at >= asked || at.elapsed() < self.keep)
        {
            return Ok(value.clone());
        }
        let value = read().await?;
        *last = Some((Instant::now(), value.clone()));
        Ok(value)
    }

    /// Forgets the kept answer (something changed that it reflects).
    pub async fn clear(&self) {
        *self.last.lock().await = None;
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
        shared.clear().await;
        assert_eq!(shared.get(|| async { Ok::<_, &str>(3) }).await, Ok(3));
    }
}
