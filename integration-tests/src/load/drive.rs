//! Sending prepared requests at a fixed concurrency or a fixed rate, and
//! what came back: accepted per second, latency percentiles, answers by
//! status.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Kind, Prepared};

const AP: &str = "application/activity+json";

/// How requests are paced.
#[derive(Debug, Clone, Copy)]
pub enum Pace {
    /// This many requests in flight at all times.
    Concurrency(usize),
    /// This many requests started per second, however long they take, with
    /// at most `most_in_flight` unanswered at once: a tick that finds that
    /// many still open is skipped (and counted), as a peer's delivery
    /// workers, all busy, send nothing more until one is free.
    Rate {
        per_second: f64,
        most_in_flight: usize,
    },
}

impl Pace {
    /// A fixed rate, bounded only so that the generator itself cannot be
    /// exhausted by a server that stops answering.
    pub fn rate(per_second: f64) -> Pace {
        Pace::Rate {
            per_second,
            most_in_flight: 5_000,
        }
    }
}

/// The requests of one run, and which are left to send.
pub struct Work {
    items: Vec<Prepared>,
    queue: Mutex<VecDeque<usize>>,
    /// Refused requests (429, 503) go back in the queue, as a peer retries.
    retry_refused: bool,
    /// Send the items over and over (for a stream of requests that are all
    /// refused, e.g. badly signed ones).
    cyclic: bool,
    turn: AtomicUsize,
}

impl Work {
    pub fn once(items: Vec<Prepared>, retry_refused: bool) -> Arc<Work> {
        let queue = (0..items.len()).collect();
        Arc::new(Work {
            items,
            queue: Mutex::new(queue),
            retry_refused,
            cyclic: false,
            turn: AtomicUsize::new(0),
        })
    }

    pub fn cyclic(items: Vec<Prepared>) -> Arc<Work> {
        Arc::new(Work {
            items,
            queue: Mutex::new(VecDeque::new()),
            retry_refused: false,
            cyclic: true,
            turn: AtomicUsize::new(0),
        })
    }

    fn take(&self) -> Option<usize> {
        if self.cyclic {
            return Some(self.turn.fetch_add(1, Ordering::Relaxed) % self.items.len());
        }
        self.queue.lock().unwrap().pop_front()
    }

    fn refused(&self, index: usize) {
        if self.retry_refused && !self.cyclic {
            self.queue.lock().unwrap().push_back(index);
        }
    }

    /// Requests never sent or refused and not yet retried.
    pub fn left(&self) -> usize {
        self.queue.lock().unwrap().len()
    }
}

/// What one run measured.
#[derive(Debug, Default)]
pub struct Outcome {
    pub elapsed: Duration,
    /// Answers by status (0: no answer: a connection error or a timeout).
    pub statuses: BTreeMap<u16, u64>,
    pub accepted_by_kind: BTreeMap<Kind, u64>,
    /// Latency of accepted (2xx) answers, in microseconds.
    pub accepted_micros: Vec<u64>,
    /// Latency of 429 and 503 answers, in microseconds.
    pub refused_micros: Vec<u64>,
    /// Ticks a rate run could not start because too many were in flight.
    pub skipped: u64,
    /// 429 and 503 answers that did not say when to come back.
    pub refused_without_retry_after: u64,
}

impl Outcome {
    pub fn accepted(&self) -> u64 {
        self.accepted_by_kind.values().sum()
    }

    pub fn sent(&self) -> u64 {
        self.statuses.values().sum()
    }

    pub fn accepted_per_second(&self) -> f64 {
        self.accepted() as f64 / self.elapsed.as_secs_f64()
    }

    pub fn refused(&self) -> u64 {
        self.statuses
            .iter()
            .filter(|(s, _)| matches!(s, 429 | 503))
            .map(|(_, n)| n)
            .sum()
    }

    /// The `q` quantile of accepted latency, in milliseconds.
    pub fn accepted_ms(&self, q: f64) -> f64 {
        quantile_ms(&self.accepted_micros, q)
    }

    pub fn refused_ms(&self, q: f64) -> f64 {
        quantile_ms(&self.refused_micros, q)
    }

    /// One line: rate, latency and answers.
    pub fn summary(&self) -> String {
        let statuses: Vec<String> = self
            .statuses
            .iter()
            .map(|(s, n)| match s {
                0 => format!("no answer: {n}"),
                s => format!("{s}: {n}"),
            })
            .collect();
        let refused = match self.refused_micros.is_empty() {
            true => String::new(),
            false => format!(
                "; refused in p50 {:.1} ms, p99 {:.1} ms, slowest {:.1} ms",
                self.refused_ms(0.50),
                self.refused_ms(0.99),
                self.refused_ms(1.0)
            ),
        };
        format!(
            "{:.0} accepted/s over {:.1} s; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms; answers {}{refused}",
            self.accepted_per_second(),
            self.elapsed.as_secs_f64(),
            self.accepted_ms(0.50),
            self.accepted_ms(0.95),
            self.accepted_ms(0.99),
            statuses.join(", ")
        )
    }

    fn record(&mut self, kind: Kind, status: u16, retry_after: bool, micros: u64) {
        *self.statuses.entry(status).or_default() += 1;
        if matches!(status, 429 | 503) && !retry_after {
            self.refused_without_retry_after += 1;
        }
        match status {
            200..=299 => {
                *self.accepted_by_kind.entry(kind).or_default() += 1;
                self.accepted_micros.push(micros);
            }
            429 | 503 => self.refused_micros.push(micros),
            _ => {}
        }
    }
}

fn quantile_ms(micros: &[u64], q: f64) -> f64 {
    if micros.is_empty() {
        return 0.0;
    }
    let mut sorted = micros.to_vec();
    sorted.sort_unstable();
    let at = ((sorted.len() as f64 * q) as usize).min(sorted.len() - 1);
    sorted[at] as f64 / 1000.0
}

/// A client fit for many connections to one server.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(30))
        .build()
        .expect("building the HTTP client")
}

/// Sends `work` to `inbox` as `pace` says until it is done or `duration`
/// has passed.
pub async fn run(
    http: &reqwest::Client,
    inbox: &str,
    work: Arc<Work>,
    pace: Pace,
    duration: Duration,
) -> Outcome {
    let outcome = Arc::new(Mutex::new(Outcome::default()));
    let started = Instant::now();
    let deadline = started + duration;
    match pace {
        Pace::Concurrency(n) => {
            let tasks: Vec<_> = (0..n)
                .map(|_| {
                    let (http, inbox, work, outcome) = (
                        http.clone(),
                        inbox.to_owned(),
                        work.clone(),
                        outcome.clone(),
                    );
                    tokio::spawn(async move {
                        while Instant::now() < deadline {
                            let Some(index) = work.take() else { break };
                            send(&http, &inbox, &work, index, &outcome).await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                let _ = task.await;
            }
        }
        Pace::Rate {
            per_second,
            most_in_flight,
        } => {
            let in_flight = Arc::new(tokio::sync::Semaphore::new(most_in_flight));
            let mut tasks = tokio::task::JoinSet::new();
            let mut n: u64 = 0;
            loop {
                let due = started + Duration::from_secs_f64(n as f64 / per_second);
                if due >= deadline {
                    break;
                }
                tokio::time::sleep_until(due.into()).await;
                // Catch up on every tick that is due (the timer is coarser
                // than the interval at high rates).
                while started + Duration::from_secs_f64(n as f64 / per_second) <= Instant::now() {
                    n += 1;
                    let Ok(permit) = in_flight.clone().try_acquire_owned() else {
                        outcome.lock().unwrap().skipped += 1;
                        continue;
                    };
                    let Some(index) = work.take() else { continue };
                    let (http, inbox, work, outcome) = (
                        http.clone(),
                        inbox.to_owned(),
                        work.clone(),
                        outcome.clone(),
                    );
                    tasks.spawn(async move {
                        send(&http, &inbox, &work, index, &outcome).await;
                        drop(permit);
                    });
                }
                while tasks.try_join_next().is_some() {}
            }
            while tasks.join_next().await.is_some() {}
        }
    }
    let mut outcome = std::mem::take(&mut *outcome.lock().unwrap());
    outcome.elapsed = started.elapsed();
    outcome
}

async fn send(
    http: &reqwest::Client,
    inbox: &str,
    work: &Work,
    index: usize,
    outcome: &Mutex<Outcome>,
) {
    let item = &work.items[index];
    let mut request = http
        .post(inbox)
        .header("content-type", AP)
        .body(item.body.clone());
    for (name, value) in &item.headers {
        request = request.header(*name, value);
    }
    let sent = Instant::now();
    let (status, retry_after) = match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let retry_after = response.headers().contains_key("retry-after");
            let _ = response.bytes().await;
            (status, retry_after)
        }
        Err(_) => (0, false),
    };
    let micros = sent.elapsed().as_micros() as u64;
    if matches!(status, 429 | 503) || status == 0 {
        work.refused(index);
    }
    outcome
        .lock()
        .unwrap()
        .record(item.kind, status, retry_after, micros);
}
