//! A Moot node running in this process on a random port, on a fresh database.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::ServerHandle;
use moot_app::Context;
use moot_core::Settings;
use moot_db::Database;
use moot_server::build_server;

use crate::{fresh_database, TestDatabase};

pub struct TestNode {
    /// e.g. `http://127.0.0.1:40123`
    pub base_url: String,
    pub settings: Arc<Settings>,
    pub db: Database,
    pub database: TestDatabase,
    pub http: reqwest::Client,
    handle: ServerHandle,
    delivery: Option<tokio::task::JoinHandle<()>>,
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
        TestNode::launch(adjust, true).await
    }

    /// A node whose outbox nobody delivers, for tests that drive it by hand.
    pub async fn start_without_delivery() -> TestNode {
        TestNode::launch(|_| {}, false).await
    }

    async fn launch(adjust: impl FnOnce(&mut Settings), deliver: bool) -> TestNode {
        let database = fresh_database().await;
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding a test port");
        let port = listener.local_addr().unwrap().port();
        let mut settings = Settings::defaults();
        settings.server.hostname = format!("localhost:{port}");
        settings.server.port = port;
        settings.server.workers = 1;
        settings.server.shutdown_timeout_secs = 1;
        settings.federation.allow_private_addresses = true;
        // Tests poll; the rate limit test sets its own limits.
        settings.rate_limits.per_token = 1_000_000;
        settings.rate_limits.per_ip = 1_000_000;
        settings.rate_limits.sign_in_attempts = 1_000_000;
        settings.data_dir =
            std::env::temp_dir().join(format!("moot-node-{}-{port}", std::process::id()));
        adjust(&mut settings);
        let settings = Arc::new(settings);
        let db = database.connect().await;
        let ctx = Context::new(db.clone(), settings.clone());
        let _rules = moot_app::domain_policy::start_watching(&ctx)
            .await
            .expect("loading the federation rules");
        // Lives as long as the test's runtime.
        let _streams = moot_app::streaming::start(&ctx);
        let _read_cache = moot_app::read_cache::start(&ctx);
        let _follow_resends = moot_app::follows::spawn_resends(ctx.clone());
        let federation = moot_federation::config::build(ctx.clone())
            .await
            .expect("federation config");
        let delivery =
            deliver.then(|| moot_federation::delivery::spawn(ctx.clone(), Default::default()));
        let server = build_server(listener, ctx, federation).expect("starting the test server");
        let handle = server.handle();
        tokio::spawn(server);
        TestNode {
            base_url: format!("http://localhost:{port}"),
            settings,
            db,
            database,
            http: crate::http_client(),
            handle,
            delivery,
        }
    }

    /// Creates a local person and returns an access token with `scopes`.
    pub async fn create_user(&self, username: &str, scopes: &str) -> String {
        self.create_person(username, scopes, false).await
    }

    /// Creates a local administrator and returns an access token with `scopes`.
    pub async fn create_admin(&self, username: &str, scopes: &str) -> String {
        self.create_person(username, scopes, true).await
    }

    async fn create_person(&self, username: &str, scopes: &str, make_admin: bool) -> String {
        moot_app::accounts::create_local_user(
            &self.db,
            &self.settings,
            moot_app::accounts::NewUser {
                username: username.into(),
                email: format!("{username}@council.example"),
                password: Some("a long enough password".into()),
                ..Default::default()
            },
            moot_app::accounts::CreatedBy::Admin { make_admin },
        )
        .await
        .expect("creating a test user");
        moot_app::tokens::issue(&self.db, username, scopes)
            .await
            .expect("issuing a token")
    }

    /// A context on the node's database, to set things up through the
    /// app's own rules (as the CLI does).
    pub fn ctx(&self) -> Context {
        Context::new(self.db.clone(), self.settings.clone())
    }

    /// Creates a group owned by the local person `owner`.
    pub async fn create_group(
        &self,
        name: &str,
        owner: &str,
        mode: moot_app::groups::MembershipMode,
    ) -> moot_app::model::Account {
        moot_app::groups::create(&self.ctx(), name, owner, mode)
            .await
            .expect("creating a test group")
    }

    /// `user@host` of a local person, as other nodes address them.
    pub fn handle(&self, username: &str) -> String {
        format!("{username}@{}", self.settings.server.hostname)
    }

    /// A client API request with a bearer token; returns status and JSON.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> (u16, serde_json::Value) {
        let response = self
            .http
            .request(method, self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("API request");
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// The same with a JSON body.
    pub async fn api_json(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        api_request(&self.http, method, &self.url(path), token, Some(body)).await
    }

    /// Posts `text` as `token`'s owner; returns the post (asserting 200).
    pub async fn post(&self, token: &str, text: &str) -> serde_json::Value {
        let (status, body) = self
            .api_json(
                reqwest::Method::POST,
                "/api/v1/statuses",
                token,
                serde_json::json!({ "status": text }),
            )
            .await;
        assert_eq!(status, 200, "posting: {body}");
        body
    }

    /// Makes `token`'s owner follow the local person `username`; returns
    /// that person's account id (asserting every step succeeds).
    pub async fn follow_local(&self, token: &str, username: &str) -> String {
        let lookup = format!("/api/v1/accounts/lookup?acct={username}");
        let (status, account) = self.api(reqwest::Method::GET, &lookup, token).await;
        assert_eq!(status, 200, "looking {username} up: {account}");
        let id = account["id"].as_str().expect("an account id").to_owned();
        let follow = format!("/api/v1/accounts/{id}/follow");
        let (status, body) = self.api(reqwest::Method::POST, &follow, token).await;
        assert_eq!(status, 200, "following {username}: {body}");
        id
    }

    /// The account `user@host` as `token`'s owner finds it through search
    /// with `resolve=true` (fetched from its node if need be).
    pub async fn resolve_account(&self, token: &str, handle: &str) -> serde_json::Value {
        let search = format!("/api/v2/search?q={handle}&resolve=true&type=accounts");
        let (status, found) = self.api(reqwest::Method::GET, &search, token).await;
        assert_eq!(status, 200, "resolving {handle}: {found}");
        let account = found["accounts"][0].clone();
        assert!(account.is_object(), "{handle} not found: {found}");
        account
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
        if let Some(delivery) = self.delivery {
            delivery.abort();
        }
        self.handle.stop(true).await;
    }
}

/// One client API call: bearer token, optional JSON body; status and JSON back.
pub(crate) async fn api_request(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut request = http.request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("API request");
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}
