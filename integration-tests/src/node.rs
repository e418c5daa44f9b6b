//! A Moot node running in this process on a random port, on a fresh database.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::ServerHandle;
use moot_api::build_server;
use moot_app::Context;
use moot_core::Settings;
use moot_db::Database;

use crate::{fresh_database, TestDatabase};

pub struct TestNode {
    /// e.g. `http://127.0.0.1:40123`
    pub base_url: String,
    pub settings: Arc<Settings>,
    pub db: Database,
    pub database: TestDatabase,
    pub http: reqwest::Client,
    handle: ServerHandle,
}

impl TestNode {
    /// Starts a node with default settings.
    pub async fn start() -> TestNode {
        TestNode::start_with(|_| {}).await
    }

    /// Starts a node after `adjust` has changed its settings. The hostname is
    /// `127.0.0.1:<port>` and private addresses are allowed, as two test
    /// nodes on one machine need.
    pub async fn start_with(adjust: impl FnOnce(&mut Settings)) -> TestNode {
        let database = fresh_database().await;
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding a test port");
        let port = listener.local_addr().unwrap().port();
        let mut settings = Settings::defaults();
        settings.server.hostname = format!("127.0.0.1:{port}");
        settings.server.port = port;
        settings.server.workers = 1;
        settings.server.shutdown_timeout_secs = 1;
        settings.federation.allow_private_addresses = true;
        settings.data_dir =
            std::env::temp_dir().join(format!("moot-node-{}-{port}", std::process::id()));
        adjust(&mut settings);
        let settings = Arc::new(settings);
        let db = database.connect().await;
        let server = build_server(listener, Context::new(db.clone(), settings.clone()))
            .expect("starting the test server");
        let handle = server.handle();
        tokio::spawn(server);
        TestNode {
            base_url: format!("http://127.0.0.1:{port}"),
            settings,
            db,
            database,
            http: reqwest::Client::new(),
            handle,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// GET `path`; returns the status and the body parsed as JSON.
    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self.http.get(self.url(path)).send().await.expect("GET");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}
