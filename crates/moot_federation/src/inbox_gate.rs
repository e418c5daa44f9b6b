//! Admission to the inbox. At most `concurrency` activities are processed at
//! once and at most `backlog` more wait their turn; past that a peer is told
//! at once to come back later (503 with `Retry-After`), which peers do. So a
//! burst beyond what the node can take costs almost nothing, memory stays
//! bounded, and nothing accepted is lost.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::FederationError;

/// Longest a request waits in the backlog before it is turned away.
const MOST_WAIT: Duration = Duration::from_secs(5);

pub struct InboxGate {
    permits: Semaphore,
    waiting: AtomicUsize,
    backlog: usize,
}

impl InboxGate {
    pub fn new(concurrency: usize, backlog: usize) -> InboxGate {
        InboxGate {
            permits: Semaphore::new(concurrency.max(1)),
            waiting: AtomicUsize::new(0),
            backlog,
        }
    }

    /// Whether a request arriving now would be turned away: checked first,
    /// so that under overload a refusal costs next to nothing.
    pub fn is_full(&self) -> bool {
        self.permits.available_permits() == 0
            && self.waiting.load(Ordering::Acquire) >= self.backlog
    }

    /// A place among the requests being processed, or `Busy`.
    pub async fn admit(&self) -> Result<SemaphorePermit<'_>, FederationError> {
        if let Ok(permit) = self.permits.try_acquire() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.backlog {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(FederationError::Busy);
        }
        let permit = tokio::time::timeout(MOST_WAIT, self.permits.acquire()).await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        match permit {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(FederationError::Busy),
        }
    }
}
