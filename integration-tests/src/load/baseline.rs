//! The storage baseline: how many durable single-row inserts of a JSON
//! document per second the same PostgreSQL takes from `clients` connections,
//! each insert its own transaction (as a naive inbox would write).

use std::time::{Duration, Instant};

/// The database's durability settings, to print beside the figures.
pub async fn settings(conninfo: &str) -> Result<String, tokio_postgres::Error> {
    let client = connect(conninfo).await?;
    let mut shown = Vec::new();
    for name in ["fsync", "synchronous_commit", "full_page_writes"] {
        let row = client.query_one(&format!("SHOW {name}"), &[]).await?;
        shown.push(format!("{name}={}", row.get::<_, String>(0)));
    }
    Ok(shown.join(", "))
}

/// Inserts per second, over `duration`, from `clients` connections.
pub async fn insert_rate(
    conninfo: &str,
    clients: usize,
    duration: Duration,
) -> Result<f64, tokio_postgres::Error> {
    let setup = connect(conninfo).await?;
    setup
        .batch_execute(
            "DROP TABLE IF EXISTS load_baseline;
             CREATE TABLE load_baseline (id bigserial PRIMARY KEY, doc jsonb NOT NULL)",
        )
        .await?;
    let document = serde_json::json!({
        "type": "Create",
        "id": "https://council.example/activities/1",
        "object": { "type": "Note", "content": "x".repeat(600) },
    })
    .to_string();
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let client = connect(conninfo).await?;
        let document = document.clone();
        tasks.push(tokio::spawn(async move {
            let insert = client
                .prepare("INSERT INTO load_baseline (doc) VALUES ($1::text::jsonb)")
                .await?;
            let mut done = 0u64;
            while Instant::now() < deadline {
                client.execute(&insert, &[&document]).await?;
                done += 1;
            }
            Ok::<u64, tokio_postgres::Error>(done)
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.expect("baseline client")?;
    }
    let rate = total as f64 / started.elapsed().as_secs_f64();
    setup.batch_execute("DROP TABLE load_baseline").await?;
    Ok(rate)
}

async fn connect(conninfo: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(conninfo, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}
