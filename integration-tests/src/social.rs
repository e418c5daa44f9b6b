//! What people do across nodes, as tests need it over and over: resolve a
//! handle, follow and wait for the Accept, look for a post at home.

use reqwest::Method;
use serde_json::Value;

use crate::{wait, ProcessNode};

/// `v2/search` for `q` with `resolve=true`, as `token`'s owner; `kind` is
/// `accounts` or `statuses`.
async fn search(node: &ProcessNode, token: &str, kind: &str, q: &str) -> Value {
    let (status, found) = node
        .api(
            Method::GET,
            &format!("/api/v2/search?q={q}&resolve=true&type={kind}"),
            token,
        )
        .await;
    assert_eq!(status, 200, "{found}");
    found
}

/// How many accounts `node` finds for `handle`, resolving remote ones.
pub async fn found_accounts(node: &ProcessNode, token: &str, handle: &str) -> usize {
    let found = search(node, token, "accounts", &format!("@{handle}")).await;
    found["accounts"].as_array().map_or(0, Vec::len)
}

/// Resolves `handle` from `node` as `token`'s owner would; returns the local id.
pub async fn resolve(node: &ProcessNode, token: &str, handle: &str) -> String {
    let found = search(node, token, "accounts", &format!("@{handle}")).await;
    assert_eq!(found["accounts"][0]["acct"], handle, "{found}");
    found["accounts"][0]["id"].as_str().unwrap().to_owned()
}

/// A's person follows B's person and waits for the Accept; returns B's
/// person's id on A.
pub async fn follow_across(
    a: &ProcessNode,
    token: &str,
    b: &ProcessNode,
    username: &str,
) -> String {
    let id = resolve(a, token, &b.handle(username)).await;
    let (status, _) = a
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{id}/follow"),
            token,
        )
        .await;
    assert_eq!(status, 200);
    wait::until("the follow is accepted", || async {
        let (_, rels) = a
            .api(
                Method::GET,
                &format!("/api/v1/accounts/relationships?id[]={id}"),
                token,
            )
            .await;
        (rels[0]["following"] == Value::Bool(true)).then_some(())
    })
    .await;
    id
}

/// The newest post in `token`'s home timeline whose content contains
/// `text`; a boosted post (group posts come as the group's boosts) is
/// returned with the booster's entry as `boosted_by`.
pub async fn in_home(node: &ProcessNode, token: &str, text: &str) -> Option<Value> {
    let (_, timeline) = node.api(Method::GET, "/api/v1/timelines/home", token).await;
    timeline.as_array()?.iter().find_map(|entry| {
        let mut post = match &entry["reblog"] {
            Value::Null => entry.clone(),
            boosted => boosted.clone(),
        };
        if !post["content"].as_str().is_some_and(|c| c.contains(text)) {
            return None;
        }
        if !entry["reblog"].is_null() {
            post["boosted_by"] = entry["account"].clone();
        }
        Some(post)
    })
}

/// How many posts `node` finds at `uri` for `token`, fetching if unknown.
pub async fn resolved_posts(node: &ProcessNode, token: &str, uri: &str) -> usize {
    let found = search(node, token, "statuses", uri).await;
    found["statuses"].as_array().map_or(0, Vec::len)
}

/// Calls Moot's own API (`/api/moot/v1` + `path`) on a node; a success or
/// conflict answer is checked against Moot's API document (under
/// `template`), any other against the error shape.
pub async fn moot_api(
    node: &ProcessNode,
    token: &str,
    method: Method,
    (template, path): (&str, &str),
    body: Option<Value>,
) -> (u16, Value) {
    let url = format!("/api/moot/v1{path}");
    let (status, answer) = match body {
        Some(body) => node.api_json(method.clone(), &url, token, body).await,
        None => node.api(method.clone(), &url, token).await,
    };
    match status {
        200 | 202 | 409 => {
            crate::openapi::MootApi::get().assert_valid(method.as_str(), template, status, &answer)
        }
        _ => assert!(answer["error"].is_string(), "{method} {path}: {answer}"),
    }
    (status, answer)
}

/// Makes an `open`, `approval` or `private` group on `node` owned by local
/// `owner` (through the CLI), and returns its account id there as `token`'s
/// owner sees it.
pub async fn make_group(
    node: &ProcessNode,
    token: &str,
    name: &str,
    owner: &str,
    mode: &str,
) -> String {
    let made = node.cli(&[
        "admin",
        "create-group",
        "--name",
        name,
        "--owner",
        owner,
        "--mode",
        mode,
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let (status, group) = node
        .api(
            Method::GET,
            &format!("/api/v1/accounts/lookup?acct={name}"),
            token,
        )
        .await;
    assert_eq!(status, 200, "{group}");
    group["id"].as_str().unwrap().to_owned()
}

/// Makes `token`'s owner on the node at `base` follow the remote actor
/// `actor_uri` (resolved through search), so the node wants that actor's
/// posts: a node keeps public posts only from people someone there
/// follows. The follow may stay pending (the peer need not answer).
pub async fn follow_by_uri(http: &reqwest::Client, base: &str, token: &str, actor_uri: &str) {
    let found: Value = http
        .get(format!(
            "{base}/api/v2/search?resolve=true&type=accounts&q={}",
            percent_encode(actor_uri)
        ))
        .bearer_auth(token)
        .send()
        .await
        .expect("searching the node")
        .json()
        .await
        .expect("a search answer");
    let id = found["accounts"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("the node resolves {actor_uri}: {found}"));
    let answer = http
        .post(format!("{base}/api/v1/accounts/{id}/follow"))
        .bearer_auth(token)
        .send()
        .await
        .expect("following");
    assert!(answer.status().is_success(), "following {actor_uri}");
}

/// `raw` made safe as one query string value.
pub fn percent_encode(raw: &str) -> String {
    url::form_urlencoded::byte_serialize(raw.as_bytes()).collect()
}

/// Posts `text` as `token`'s owner on `node`; the new status.
pub async fn say(node: &ProcessNode, token: &str, text: &str) -> Value {
    let (status, body) = node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            token,
            serde_json::json!({"status": text}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}
