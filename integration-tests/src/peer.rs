//! A scripted remote server for tests: it hosts actors with real keys (and
//! any documents a test puts there), signs and POSTs activities as they
//! would, and records what is delivered to it. Used to replay what other
//! software sends and to play hostile peers.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::dev::ServerHandle;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use serde_json::{json, Value};
use url::Url;

const AP: &str = "application/activity+json";

#[derive(Default)]
struct PeerState {
    base: String,
    keys: Mutex<HashMap<String, PKey<Private>>>,
    docs: Mutex<HashMap<String, Value>>,
    /// Web pages (HTML), with how often each was fetched.
    pages: Mutex<HashMap<String, (String, usize)>>,
    /// Fields laid over an actor's document (a changed name, a picture).
    profiles: Mutex<HashMap<String, Value>>,
    received: Mutex<Vec<Value>>,
    /// Activity types only counted, not kept (a load run's announces).
    counted_only: Mutex<HashMap<String, u64>>,
    fetches: AtomicUsize,
    /// Statuses to answer the next inbox POSTs with, in order (then 202).
    script: Mutex<std::collections::VecDeque<u16>>,
    /// A body to answer inbox POSTs with (some servers say `"ok"`).
    answer_body: Mutex<Option<String>>,
    /// The client ports inbox POSTs came from: one per connection.
    inbox_connections: Mutex<std::collections::HashSet<u16>>,
    /// Secure mode ("authorized fetch"): GETs must be signed over
    /// `(request-target) host date`, as Mastodon's secure mode requires.
    secure: AtomicBool,
    signed_fetches: AtomicUsize,
    refused_fetches: Mutex<Vec<String>>,
}

pub struct FakePeer {
    /// e.g. `http://localhost:40123`
    pub base_url: String,
    state: Arc<PeerState>,
    handle: ServerHandle,
    http: reqwest::Client,
}

impl PeerState {
    /// The actor document served at `path`, if an actor lives there.
    fn actor_json(&self, path: &str) -> Option<Value> {
        let keys = self.keys.lock().unwrap();
        let key = keys.get(path)?;
        let id = format!("{}{path}", self.base);
        let name = path.rsplit('/').next().unwrap_or("actor");
        let pem = String::from_utf8(key.public_key_to_pem().ok()?).ok()?;
        let mut doc = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": id,
            "type": "Person",
            "preferredUsername": name,
            "name": format!("{name} (test peer)"),
            "inbox": format!("{id}/inbox"),
            "outbox": format!("{id}/outbox"),
            "followers": format!("{id}/followers"),
            "endpoints": { "sharedInbox": format!("{}/inbox", self.base) },
            "publicKey": { "id": format!("{id}#main-key"), "owner": id, "publicKeyPem": pem },
        });
        if let Some(Value::Object(fields)) = self.profiles.lock().unwrap().get(path) {
            for (key, value) in fields {
                doc[key] = value.clone();
            }
        }
        Some(doc)
    }
}

/// Checks a GET's signature as a server in secure mode does: `host` and
/// `date` (and the request target) signed, recently, by the key named, which
/// is fetched from its owner.
async fn check_fetch_signature(req: &HttpRequest) -> Result<(), String> {
    let headers: std::collections::BTreeMap<String, String> = req
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let path = match req.uri().query() {
        Some(q) => format!("{}?{q}", req.path()),
        None => req.path().to_owned(),
    };
    let unverified = http_signature_normalization::Config::new()
        .mastodon_compat()
        .begin_verify("GET", &path, headers)
        .map_err(|e| format!("signature: {e}"))?;
    let key_doc: Value = reqwest::Client::new()
        .get(unverified.key_id())
        .header("accept", AP)
        .send()
        .await
        .map_err(|e| format!("key: {e}"))?
        .json()
        .await
        .map_err(|e| format!("key: {e}"))?;
    let pem = key_doc["publicKey"]["publicKeyPem"]
        .as_str()
        .ok_or("no publicKeyPem")?;
    let key = PKey::public_key_from_pem(pem.as_bytes()).map_err(|e| e.to_string())?;
    let good = unverified.verify(|signature, signing_string| {
        use base64::Engine;
        let Ok(signature) = base64::engine::general_purpose::STANDARD.decode(signature) else {
            return false;
        };
        openssl::sign::Verifier::new(openssl::hash::MessageDigest::sha256(), &key)
            .and_then(|mut v| v.verify_oneshot(&signature, signing_string.as_bytes()))
            .unwrap_or(false)
    });
    good.then_some(())
        .ok_or_else(|| "signature does not verify".to_owned())
}

async fn serve_get(req: HttpRequest, state: web::Data<Arc<PeerState>>) -> HttpResponse {
    state.fetches.fetch_add(1, Ordering::SeqCst);
    let path = req.path().to_owned();
    // Secure mode leaves WebFinger open, as Mastodon does.
    if state.secure.load(Ordering::SeqCst) && path != "/.well-known/webfinger" {
        match check_fetch_signature(&req).await {
            Ok(()) => {
                state.signed_fetches.fetch_add(1, Ordering::SeqCst);
            }
            Err(why) => {
                state
                    .refused_fetches
                    .lock()
                    .unwrap()
                    .push(format!("{path}: {why}"));
                return HttpResponse::Unauthorized().body(why);
            }
        }
    }
    if path == "/.well-known/webfinger" {
        let resource = req
            .query_string()
            .split('&')
            .find_map(|kv| kv.strip_prefix("resource="))
            .map(|r| r.replace("%3A", ":").replace("%40", "@"))
            .unwrap_or_default();
        let name = resource
            .strip_prefix("acct:")
            .and_then(|a| a.split('@').next())
            .unwrap_or_default();
        if state.actor_json(&format!("/users/{name}")).is_none() {
            return HttpResponse::NotFound().finish();
        }
        return HttpResponse::Ok().content_type("application/jrd+json").json(json!({
            "subject": resource,
            "links": [{ "rel": "self", "type": AP, "href": format!("{}/users/{name}", state.base) }],
        }));
    }
    if let Some(actor) = state.actor_json(&path) {
        return HttpResponse::Ok().content_type(AP).json(actor);
    }
    // `/chain/N`: an endless thread, each post a reply to the next one.
    if let Some(n) = path
        .strip_prefix("/chain/")
        .and_then(|n| n.parse::<u64>().ok())
    {
        return HttpResponse::Ok().content_type(AP).json(json!({
            "id": format!("{}/chain/{n}", state.base),
            "type": "Note",
            "attributedTo": format!("{}/users/chainer", state.base),
            "content": format!("<p>link {n}</p>"),
            "inReplyTo": format!("{}/chain/{}", state.base, n + 1),
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        }));
    }
    if let Some((html, fetched)) = state.pages.lock().unwrap().get_mut(&path) {
        *fetched += 1;
        return HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(html.clone());
    }
    match state.docs.lock().unwrap().get(&path) {
        Some(doc) => HttpResponse::Ok().content_type(AP).json(doc),
        None => HttpResponse::NotFound().finish(),
    }
}

async fn receive(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<Arc<PeerState>>,
) -> HttpResponse {
    if let Some(client) = req.peer_addr() {
        state
            .inbox_connections
            .lock()
            .unwrap()
            .insert(client.port());
    }
    let status = state.script.lock().unwrap().pop_front().unwrap_or(202);
    if (200..300).contains(&status) {
        if let Ok(activity) = serde_json::from_slice::<Value>(&body) {
            let kind = activity["type"].as_str().unwrap_or_default();
            match state.counted_only.lock().unwrap().get_mut(kind) {
                Some(count) => *count += 1,
                None => state.received.lock().unwrap().push(activity),
            }
        }
    }
    let mut answer = HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap());
    match state.answer_body.lock().unwrap().clone() {
        Some(body) => answer.content_type("application/json").body(body),
        None => answer.finish(),
    }
}

impl FakePeer {
    pub async fn start() -> FakePeer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding the peer's port");
        let port = listener.local_addr().unwrap().port();
        let base_url = format!("http://localhost:{port}");
        let state = Arc::new(PeerState {
            base: base_url.clone(),
            ..Default::default()
        });
        let data = web::Data::new(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/inbox", web::post().to(receive))
                .route("/{tail:.*}/inbox", web::post().to(receive))
                .default_service(web::get().to(serve_get))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("peer server")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        FakePeer {
            base_url,
            state,
            handle,
            http: crate::http_client(),
        }
    }

    /// From now on, serves nothing but WebFinger to unsigned GETs, or to
    /// GETs whose signature leaves out `host` or `date`.
    pub fn require_signed_fetches(&self) {
        self.state.secure.store(true, Ordering::SeqCst);
    }

    /// GETs served with a good signature, and those refused (with why).
    pub fn signed_fetches(&self) -> (usize, Vec<String>) {
        (
            self.state.signed_fetches.load(Ordering::SeqCst),
            self.state.refused_fetches.lock().unwrap().clone(),
        )
    }

    /// `localhost:PORT`, the peer's authority.
    pub fn host(&self) -> String {
        self.base_url.trim_start_matches("http://").to_owned()
    }

    /// Creates an actor at `/users/<name>` with a fresh RSA key; returns its id.
    pub fn add_actor(&self, name: &str) -> String {
        self.add_actor_at(&format!("/users/{name}"))
    }

    /// Creates an actor at any path (as other software lays them out),
    /// unless one lives there already.
    pub fn add_actor_at(&self, path: &str) -> String {
        let mut keys = self.state.keys.lock().unwrap();
        keys.entry(path.to_owned())
            .or_insert_with(|| PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap());
        format!("{}{path}", self.base_url)
    }

    /// Changes what the actor `name`'s document says (`fields` are laid
    /// over it), as a person editing their profile.
    pub fn set_profile(&self, name: &str, fields: Value) {
        self.state
            .profiles
            .lock()
            .unwrap()
            .insert(format!("/users/{name}"), fields);
    }

    /// Gives the actor a new key, as a server does when it rotates keys.
    pub fn rotate_key(&self, name: &str) {
        let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        self.state
            .keys
            .lock()
            .unwrap()
            .insert(format!("/users/{name}"), key);
    }

    pub fn actor(&self, name: &str) -> String {
        format!("{}/users/{name}", self.base_url)
    }

    /// Serves a web page at `path`.
    pub fn put_page(&self, path: &str, html: &str) {
        self.state
            .pages
            .lock()
            .unwrap()
            .insert(path.to_owned(), (html.to_owned(), 0));
    }

    /// How often the page at `path` was fetched.
    pub fn page_fetches(&self, path: &str) -> usize {
        self.state
            .pages
            .lock()
            .unwrap()
            .get(path)
            .map_or(0, |p| p.1)
    }

    /// Serves `doc` at `path` (e.g. `/notes/1`).
    pub fn put(&self, path: &str, doc: Value) {
        self.state.docs.lock().unwrap().insert(path.to_owned(), doc);
    }

    /// How many GETs the peer has answered.
    pub fn fetches(&self) -> usize {
        self.state.fetches.load(Ordering::SeqCst)
    }

    /// Answers the next inbox POSTs with these statuses, in order, then 202
    /// again (only accepted ones count as received).
    pub fn answer_next(&self, statuses: &[u16]) {
        self.state.script.lock().unwrap().extend(statuses);
    }

    /// Answers inbox POSTs with `body` from now on.
    pub fn answer_with_body(&self, body: &str) {
        *self.state.answer_body.lock().unwrap() = Some(body.to_owned());
    }

    /// How many connections inbox POSTs have come over.
    pub fn inbox_connections(&self) -> usize {
        self.state.inbox_connections.lock().unwrap().len()
    }

    /// What other servers delivered to this peer's inboxes.
    /// From now on, activities of type `kind` are counted, not kept.
    pub fn count_only(&self, kind: &str) {
        self.state
            .counted_only
            .lock()
            .unwrap()
            .entry(kind.to_owned())
            .or_default();
    }

    /// How many activities of type `kind` were counted (see `count_only`).
    pub fn counted(&self, kind: &str) -> u64 {
        let counts = self.state.counted_only.lock().unwrap();
        counts.get(kind).copied().unwrap_or_default()
    }

    pub fn received(&self) -> Vec<Value> {
        self.state.received.lock().unwrap().clone()
    }

    /// POSTs `body` to `inbox`, signed with `signer`'s key under `key_id`
    /// (normally `<actor>#main-key`). `signer` is a name under `/users/` or
    /// the path of an actor.
    pub async fn post_signed_as(
        &self,
        signer: &str,
        key_id: &str,
        inbox: &str,
        body: &[u8],
    ) -> (u16, String) {
        let headers = self.signature_headers(signer, key_id, inbox, body);
        self.post_raw(inbox, body.to_vec(), headers).await
    }

    /// The `date`, `digest` and `signature` headers for POSTing `body`.
    pub fn signature_headers(
        &self,
        signer: &str,
        key_id: &str,
        inbox: &str,
        body: &[u8],
    ) -> Vec<(&'static str, String)> {
        let path = if signer.starts_with('/') {
            signer.to_owned()
        } else {
            format!("/users/{signer}")
        };
        let key = self
            .state
            .keys
            .lock()
            .unwrap()
            .get(&path)
            .cloned()
            .expect("known signer");
        let inbox_url = Url::parse(inbox).unwrap();
        let signed = moot_federation::signing::sign_post(
            &key,
            &Url::parse(key_id).unwrap(),
            &inbox_url,
            body,
        )
        .unwrap();
        vec![
            ("date", signed.date),
            ("digest", signed.digest),
            ("signature", signed.signature),
        ]
    }

    /// POSTs `activity` to `inbox` signed the newer way (`hs2019` over
    /// `(request-target) (created) (expires) digest`, no `date`), as
    /// servers built on the Rust federation library sign.
    pub async fn post_signed_with_created(
        &self,
        actor: &str,
        inbox: &str,
        activity: &Value,
    ) -> (u16, String) {
        use base64::Engine;
        let key = self.state.keys.lock().unwrap()[&format!("/users/{actor}")].clone();
        let body = activity.to_string().into_bytes();
        let digest = moot_federation::signing::digest(&body);
        let inbox_url = Url::parse(inbox).unwrap();
        let headers = [("digest".to_owned(), digest.clone())]
            .into_iter()
            .collect();
        let signature = http_signature_normalization::Config::new()
            .begin_sign("POST", inbox_url.path(), headers)
            .unwrap()
            .sign(format!("{}#main-key", self.actor(actor)), |signing| {
                let mut signer =
                    openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &key)?;
                signer.update(signing.as_bytes())?;
                Ok::<_, openssl::error::ErrorStack>(
                    base64::engine::general_purpose::STANDARD.encode(signer.sign_to_vec()?),
                )
            })
            .unwrap()
            .signature_header();
        let headers = vec![("digest", digest), ("signature", signature)];
        self.post_raw(inbox, body, headers).await
    }

    /// POSTs `activity` to `inbox`, properly signed by `actor`.
    pub async fn post_signed(&self, actor: &str, inbox: &str, activity: &Value) -> (u16, String) {
        let key_id = format!("{}#main-key", self.actor(actor));
        self.post_signed_as(actor, &key_id, inbox, activity.to_string().as_bytes())
            .await
    }

    /// POSTs raw bytes with the given headers (for hostile requests).
    pub async fn post_raw(
        &self,
        inbox: &str,
        body: Vec<u8>,
        headers: Vec<(&str, String)>,
    ) -> (u16, String) {
        let mut request = self.http.post(inbox).header("content-type", AP).body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().await.expect("POST to inbox");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    pub async fn stop(self) {
        self.handle.stop(false).await;
    }
}
