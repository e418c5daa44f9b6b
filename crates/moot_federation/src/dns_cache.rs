//! Remembered DNS answers for outbound connections.
//!
//! Every new connection asks the resolver, and a lookup is a blocking
//! `getaddrinfo` on a helper thread: on first contact with many peers (a
//! post to a thousand followers' nodes) that costs the node a good part of
//! what signing costs. Answers are kept for a minute, and connections
//! opened at the same moment to one name wait for a single lookup rather
//! than each starting its own. Only answers that passed the
//! private-address check are kept, and the check runs again when one is
//! looked up anew, so a cached answer never lets a request reach an
//! address the guard would refuse.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use tokio::sync::OnceCell;

/// How long an answer is used.
const KEEP: Duration = Duration::from_secs(60);
/// Most names remembered; the oldest answers go first beyond it.
const MOST: usize = 10_000;

/// One name's answer and when it was had; empty while it is asked (or
/// after a refusal, which is not kept).
type Answer = Arc<OnceCell<(Instant, Vec<SocketAddr>)>>;

/// A resolver that remembers what `inner` answered.
pub struct CachingResolver<R> {
    inner: Arc<R>,
    answers: Arc<Mutex<HashMap<String, Answer>>>,
}

impl<R> CachingResolver<R> {
    pub fn new(inner: R) -> Self {
        CachingResolver {
            inner: Arc::new(inner),
            answers: Arc::default(),
        }
    }

    /// The entry for `key`: its fresh answer, the lookup under way, or a
    /// new one to make.
    fn entry(&self, key: String) -> Answer {
        let fresh = |answer: &Answer| answer.get().is_none_or(|(at, _)| at.elapsed() < KEEP);
        let mut answers = self.answers.lock().unwrap();
        if let Some(answer) = answers.get(&key).filter(|a| fresh(a)) {
            return answer.clone();
        }
        if answers.len() >= MOST {
            // Kept: fresh answers, and empty entries someone is asking
            // through (not those a refusal left behind).
            answers.retain(|_, answer| match answer.get() {
                Some(_) => fresh(answer),
                None => Arc::strong_count(answer) > 1,
            });
        }
        let answer = Answer::default();
        if answers.len() < MOST {
            answers.insert(key, answer.clone());
        }
        answer
    }
}

impl<R: Resolve + 'static> Resolve for CachingResolver<R> {
    fn resolve(&self, name: Name) -> Resolving {
        let answer = self.entry(name.as_str().to_ascii_lowercase());
        let inner = self.inner.clone();
        Box::pin(async move {
            let (_, addrs) = answer
                .get_or_try_init(|| async move {
                    let addrs = inner.resolve(name).await?;
                    Ok::<_, Box<dyn std::error::Error + Send + Sync>>((
                        Instant::now(),
                        addrs.collect(),
                    ))
                })
                .await?;
            let addrs: Addrs = Box::new(addrs.clone().into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Answers 192.0.2.1 and counts the questions; refuses "bad.example".
    #[derive(Default)]
    struct Counting(Arc<AtomicUsize>);

    impl Resolve for Counting {
        fn resolve(&self, name: Name) -> Resolving {
            self.0.fetch_add(1, Ordering::SeqCst);
            let refused = name.as_str().starts_with("bad");
            Box::pin(async move {
                if refused {
                    return Err("a private address".into());
                }
                let addrs: Addrs =
                    Box::new(vec![SocketAddr::from(([192, 0, 2, 1], 0))].into_iter());
                Ok(addrs)
            })
        }
    }

    #[tokio::test]
    async fn an_answer_is_asked_once_and_a_refusal_is_never_kept() {
        let asked = Arc::new(AtomicUsize::new(0));
        let resolver = CachingResolver::new(Counting(asked.clone()));
        for _ in 0..3 {
            let addrs: Vec<SocketAddr> = resolver
                .resolve(Name::from_str("Peer.example").unwrap())
                .await
                .unwrap()
                .collect();
            assert_eq!(addrs, vec![SocketAddr::from(([192, 0, 2, 1], 0))]);
        }
        assert_eq!(asked.load(Ordering::SeqCst), 1);
        for _ in 0..2 {
            let refused = resolver
                .resolve(Name::from_str("bad.example").unwrap())
                .await;
            assert!(refused.is_err());
        }
        assert_eq!(asked.load(Ordering::SeqCst), 3, "a refusal is asked again");
    }

    #[tokio::test]
    async fn refusals_do_not_fill_the_cache() {
        let asked = Arc::new(AtomicUsize::new(0));
        let resolver = CachingResolver::new(Counting(asked.clone()));
        for n in 0..MOST {
            let name = Name::from_str(&format!("bad{n}.example")).unwrap();
            assert!(resolver.resolve(name).await.is_err());
        }
        for _ in 0..2 {
            let name = Name::from_str("peer.example").unwrap();
            assert!(resolver.resolve(name).await.is_ok());
        }
        assert_eq!(
            asked.load(Ordering::SeqCst),
            MOST + 1,
            "the good answer is kept"
        );
    }

    #[tokio::test]
    async fn connections_opened_together_share_one_lookup() {
        let asked = Arc::new(AtomicUsize::new(0));
        let resolver = CachingResolver::new(Counting(asked.clone()));
        let lookups = (0..20).map(|_| resolver.resolve(Name::from_str("peer.example").unwrap()));
        for answer in futures_util::future::join_all(lookups).await {
            assert_eq!(answer.unwrap().count(), 1);
        }
        assert_eq!(asked.load(Ordering::SeqCst), 1);
    }
}
