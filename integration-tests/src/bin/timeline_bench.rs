//! Home timeline benchmark: a real `moot serve` (release build) on a
//! database of 1,000,000 posts by 10,000 accounts, read by a person who
//! follows 1,000 of them, under concurrent load; `/healthz` is measured
//! the same way in the same run as the baseline.
//!
//! `cargo build --release -p moot && cargo run --release -p moot_testkit --bin timeline_bench`

use std::sync::Arc;
use std::time::{Duration, Instant};

use moot_testkit::ProcessNode;

const AUTHORS: i64 = 10_000;
const FOLLOWED: i64 = 1_000;
const STATUSES: i64 = 1_000_000;
const CLIENTS: usize = 8;
const DURATION: Duration = Duration::from_secs(20);

async fn seed(node: &ProcessNode, viewer: &str) {
    let (client, connection) = tokio_postgres::connect(&node.database.url, tokio_postgres::NoTls)
        .await
        .expect("connecting to the node's database");
    tokio::spawn(connection);
    let started = Instant::now();
    // Loading, not living: the streaming triggers stay quiet.
    let sql = format!(
        "SET session_replication_role = replica;
         INSERT INTO accounts (username, domain, display_name, ap_id, inbox_url, actor_type)
         SELECT 'author' || g, 'council' || (g % 100) || '.example', 'Author ' || g,
                'https://council' || (g % 100) || '.example/users/author' || g,
                'https://council' || (g % 100) || '.example/inbox', 'Person'
           FROM generate_series(1, {AUTHORS}) g;
         INSERT INTO follows (follower_id, target_id, ap_id, accepted)
         SELECT v.id, a.id, 'https://bench.example/follows/' || a.id, true
           FROM accounts v, (SELECT id FROM accounts WHERE username LIKE 'author%'
                              ORDER BY random() LIMIT {FOLLOWED}) a
          WHERE v.username = '{viewer}' AND v.domain IS NULL;
         CREATE TEMP TABLE authors AS
           SELECT row_number() OVER (ORDER BY id) AS n, id FROM accounts WHERE username LIKE 'author%';
         INSERT INTO statuses (ap_id, account_id, content, visibility, created_at)
         SELECT 'https://bench.example/statuses/' || g, a.id,
                '<p>Post ' || g || ' about housing, roads and budgets</p>', 'public',
                now() - (({STATUSES} - g) * interval '1 second')
           FROM generate_series(1, {STATUSES}) g
           JOIN authors a ON a.n = 1 + (g::bigint * 7919) % {AUTHORS};
         SET session_replication_role = origin;"
    );
    client.batch_execute(&sql).await.expect("seeding");
    // As autovacuum leaves a live database.
    client
        .batch_execute("VACUUM ANALYZE")
        .await
        .expect("vacuuming");
    println!(
        "seeded {AUTHORS} accounts, {STATUSES} statuses, {FOLLOWED} follows in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

struct Run {
    requests: usize,
    /// Failed requests by status (0: no answer).
    errors: std::collections::BTreeMap<u16, usize>,
    rate: f64,
    p50: Duration,
    p99: Duration,
}

/// `CLIENTS` loops requesting `path` for `DURATION`; with `every_page`,
/// each request asks for a page no other asked for (older than an id of
/// its own), so none is served from the node's cache.
async fn load(node: &ProcessNode, path: &str, token: Option<&str>, every_page: bool) -> Run {
    let url = Arc::new(format!("{}{path}", node.base_url));
    let token = token.map(str::to_owned);
    let deadline = Instant::now() + DURATION;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..CLIENTS as i64 {
        let (http, url, token) = (node.http.clone(), url.clone(), token.clone());
        let mut page = client;
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut errors) = (Vec::new(), std::collections::BTreeMap::new());
            while Instant::now() < deadline {
                let mut request = match every_page {
                    true => {
                        page += CLIENTS as i64;
                        let max_id = STATUSES - page % (STATUSES / 2);
                        http.get(format!("{url}?max_id={max_id}"))
                    }
                    false => http.get(url.as_str()),
                };
                if let Some(token) = &token {
                    request = request.bearer_auth(token);
                }
                let sent = Instant::now();
                match request.send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        latencies.push(sent.elapsed());
                    }
                    Ok(r) => *errors.entry(r.status().as_u16()).or_insert(0) += 1,
                    Err(_) => *errors.entry(0).or_insert(0) += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let (mut latencies, mut errors) = (Vec::new(), std::collections::BTreeMap::new());
    for task in tasks {
        let (l, e) = task.await.unwrap();
        latencies.extend(l);
        for (status, count) in e {
            *errors.entry(status).or_insert(0) += count;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Run {
        requests: latencies.len(),
        errors,
        rate: latencies.len() as f64 / elapsed,
        p50: at(0.50),
        p99: at(0.99),
    }
}

fn show(name: &str, run: &Run) {
    println!(
        "{name:<24} {:>7.0} req/s  p50 {:>6.1} ms  p99 {:>6.1} ms  ({} requests, errors by status: {:?})",
        run.rate,
        run.p50.as_secs_f64() * 1000.0,
        run.p99.as_secs_f64() * 1000.0,
        run.requests,
        run.errors
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let exe = std::env::current_exe().unwrap();
    std::env::set_var("TESTKIT_MOOT_BIN", exe.parent().unwrap().join("moot"));
    let node = ProcessNode::start().await;
    let token = node.create_user("viewer", "read");
    seed(&node, "viewer").await;

    // Warm the caches, then check the page is what it should be.
    let (status, page) = node
        .api(reqwest::Method::GET, "/api/v1/timelines/home", &token)
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page.as_array().map(Vec::len), Some(20), "a full page");
    // Each run has a token of its own: each stays within the node's rate
    // limit per token.
    let (hits, misses) = (node.token("viewer", "read"), node.token("viewer", "read"));
    let home = "/api/v1/timelines/home";
    load(&node, home, Some(&misses), true).await;

    println!(
        "{CLIENTS} concurrent clients, {} s each, this machine:",
        DURATION.as_secs()
    );
    let health = load(&node, "/healthz", None, false).await;
    show("GET /healthz", &health);
    // A signed-in call that reads one row: the cost of authentication.
    let me = load(
        &node,
        "/api/v1/accounts/verify_credentials",
        Some(&token),
        false,
    )
    .await;
    show("GET verify_credentials", &me);
    // The same page over and over, as a person's clients and devices
    // reload it: served from the read cache while nothing in it changes.
    let cached = load(&node, home, Some(&hits), false).await;
    show("GET home (same page)", &cached);
    // A different page each time: every request reads the database.
    let fresh = load(&node, home, Some(&misses), true).await;
    show("GET home (every page)", &fresh);
    for (name, run) in [("same page", &cached), ("every page", &fresh)] {
        println!(
            "home timeline, {name}: {:.0} % of the /healthz rate (goal: at least 33 %), p99 {:.1} ms (goal: under 50 ms)",
            100.0 * run.rate / health.rate,
            run.p99.as_secs_f64() * 1000.0
        );
    }
}
