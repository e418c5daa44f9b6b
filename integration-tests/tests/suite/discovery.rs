//! How other servers find this node's people: WebFinger, host-meta, NodeInfo
//! and actor documents, over real HTTP.

use moot_app::accounts::{create_local_user, CreatedBy, NewUser};
use moot_testkit::TestNode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION};
use serde_json::Value;

const AP: &str = "application/activity+json";

async fn node_with_person(username: &str) -> TestNode {
    let node = TestNode::start().await;
    create_local_user(
        &node.db,
        &node.settings,
        NewUser {
            username: username.into(),
            email: format!("{username}@council.example"),
            password: Some("a long enough password".into()),
            ..Default::default()
        },
        CreatedBy::Admin { make_admin: false },
    )
    .await
    .unwrap();
    node
}

async fn get(node: &TestNode, path: &str, accept: &str) -> reqwest::Response {
    node.http
        .get(node.url(path))
        .header(ACCEPT, accept)
        .send()
        .await
        .unwrap()
}

fn content_type(response: &reqwest::Response) -> String {
    response.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn webfinger_finds_local_people_strictly() {
    let node = node_with_person("jo").await;
    let host = node.settings.server.hostname.clone();
    let base = &node.base_url;

    let response = get(
        &node,
        &format!("/.well-known/webfinger?resource=acct:jo@{host}"),
        "*/*",
    )
    .await;
    assert_eq!(response.status(), 200);
    assert!(content_type(&response).starts_with("application/jrd+json"));
    let jrd: Value = response.json().await.unwrap();
    assert_eq!(jrd["subject"], format!("acct:jo@{host}"));
    let self_link = jrd["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "self")
        .unwrap();
    assert_eq!(self_link["type"], AP);
    assert_eq!(self_link["href"], format!("{base}/users/jo"));

    // Case-insensitive, and by actor URL too.
    let upper = get(
        &node,
        &format!("/.well-known/webfinger?resource=acct:JO@{host}"),
        "*/*",
    )
    .await;
    assert_eq!(upper.status(), 200);
    let by_url = get(
        &node,
        &format!("/.well-known/webfinger?resource={base}/users/jo"),
        "*/*",
    )
    .await;
    assert_eq!(by_url.status(), 200);

    for (resource, status) in [
        (format!("acct:nobody@{host}"), 404),
        ("acct:jo@elsewhere.example".to_owned(), 404),
        ("acct:jo".to_owned(), 400),
        ("acct:@".to_owned(), 400),
        ("jo".to_owned(), 400),
        ("acct:a@b@c".to_owned(), 400),
    ] {
        let response = get(
            &node,
            &format!("/.well-known/webfinger?resource={resource}"),
            "*/*",
        )
        .await;
        assert_eq!(response.status(), status, "{resource}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].is_string(), "{resource}: {body}");
    }
    assert_eq!(
        get(&node, "/.well-known/webfinger", "*/*").await.status(),
        400
    );
}

#[tokio::test]
async fn people_are_served_as_activitypub_actors() {
    let node = node_with_person("sam").await;
    let base = &node.base_url;
    for accept in [
        AP,
        "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
        "text/html;q=0.5, application/activity+json",
    ] {
        let response = get(&node, "/users/sam", accept).await;
        assert_eq!(response.status(), 200, "{accept}");
        assert!(content_type(&response).starts_with(AP));
        let actor: Value = response.json().await.unwrap();
        assert_eq!(actor["type"], "Person");
        assert_eq!(actor["id"], format!("{base}/users/sam"));
        assert_eq!(actor["preferredUsername"], "sam");
        assert_eq!(actor["inbox"], format!("{base}/users/sam/inbox"));
        assert_eq!(actor["endpoints"]["sharedInbox"], format!("{base}/inbox"));
        assert_eq!(
            actor["publicKey"]["id"],
            format!("{base}/users/sam#main-key")
        );
        assert_eq!(actor["publicKey"]["owner"], actor["id"]);
        let pem = actor["publicKey"]["publicKeyPem"].as_str().unwrap();
        let key = openssl::pkey::PKey::public_key_from_pem(pem.as_bytes()).unwrap();
        assert_eq!(key.bits(), 2048);
        assert_eq!(actor["manuallyApprovesFollowers"], false);
        assert!(actor["published"].is_string());
        assert_eq!(actor["url"], format!("{base}/@sam"));
    }

    // Browsers are sent to the profile page, which escapes what it shows.
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = no_redirects
        .get(node.url("/users/sam"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()[LOCATION], format!("{base}/@sam"));
    let page = get(&node, "/@sam", "text/html").await;
    assert_eq!(page.status(), 200);
    assert!(content_type(&page).starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("@sam@"));

    assert_eq!(get(&node, "/users/nobody", AP).await.status(), 404);
    let outbox: Value = get(&node, "/users/sam/outbox", AP)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outbox["type"], "OrderedCollection");
}

#[tokio::test]
async fn the_instance_actor_has_a_stable_key() {
    let node = TestNode::start().await;
    let first: Value = get(&node, "/actor", AP).await.json().await.unwrap();
    assert_eq!(first["type"], "Application");
    assert_eq!(first["id"], format!("{}/actor", node.base_url));
    let again: Value = get(&node, "/actor", AP).await.json().await.unwrap();
    assert_eq!(first["publicKey"], again["publicKey"]);
    let host = node.settings.server.hostname.clone();
    let jrd: Value = get(
        &node,
        &format!("/.well-known/webfinger?resource=acct:instance_actor@{host}"),
        "*/*",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(jrd["links"][0]["href"], first["id"]);
}

#[tokio::test]
async fn host_meta_and_nodeinfo_describe_the_node() {
    let node = node_with_person("one").await;
    let response = get(&node, "/.well-known/host-meta", "*/*").await;
    assert_eq!(response.status(), 200);
    assert!(content_type(&response).starts_with("application/xrd+xml"));
    let xml = response.text().await.unwrap();
    assert!(
        xml.contains(&format!(
            "template=\"{}/.well-known/webfinger?resource={{uri}}\"",
            node.base_url
        )),
        "{xml}"
    );

    let links: Value = get(&node, "/.well-known/nodeinfo", "*/*")
        .await
        .json()
        .await
        .unwrap();
    for version in ["2.0", "2.1"] {
        let href = links["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"].as_str().unwrap().ends_with(version))
            .unwrap()["href"]
            .as_str()
            .unwrap()
            .to_owned();
        let info: Value = node
            .http
            .get(href)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(info["version"], version);
        assert_eq!(info["software"]["name"], "moot");
        assert_eq!(info["protocols"][0], "activitypub");
        assert_eq!(info["usage"]["users"]["total"], 1);
        // The default mode is approval: sign-up is possible.
        assert_eq!(info["openRegistrations"], true);
    }
    assert_eq!(get(&node, "/nodeinfo/3.0", "*/*").await.status(), 404);
}

#[tokio::test]
async fn posts_have_a_page_for_browsers_and_json_for_servers() {
    let node = TestNode::start().await;
    let token = node.create_user("writer", "read write").await;
    let (status, post) = node
        .api(
            reqwest::Method::GET,
            "/api/v1/accounts/verify_credentials",
            &token,
        )
        .await;
    assert_eq!(status, 200, "{post}");
    let created: Value = node
        .http
        .post(node.url("/api/v1/statuses"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"status": "A *public* note on #Housing <b onclick=x>bold</b>", "content_type": "text/markdown"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let uri = created["uri"].as_str().unwrap();
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let browser = no_redirects
        .get(uri)
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(browser.status(), 302);
    let page_url = browser.headers()[LOCATION].to_str().unwrap().to_owned();
    assert_eq!(page_url, created["url"]);
    let page = node
        .http
        .get(&page_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<em>public</em>"), "{page}");
    assert!(!page.contains("onclick"), "{page}");
    let note: Value = node
        .http
        .get(uri)
        .header(ACCEPT, AP)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(note["type"], "Note");
    assert_eq!(
        note["attributedTo"],
        format!("{}/users/writer", node.base_url)
    );
    assert_eq!(
        note["to"][0],
        "https://www.w3.org/ns/activitystreams#Public"
    );

    // The outbox lists it; NodeInfo counts it.
    let outbox: Value = node
        .http
        .get(node.url("/users/writer/outbox"))
        .header(ACCEPT, AP)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(outbox["totalItems"], 1);
    assert_eq!(note["tag"][0]["type"], "Hashtag");
    assert_eq!(note["tag"][0]["name"], "#housing");
    assert_eq!(outbox["orderedItems"][0]["type"], "Create");
    assert_eq!(outbox["orderedItems"][0]["object"]["id"], uri);
    let info: Value = node
        .http
        .get(node.url("/nodeinfo/2.1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["usage"]["localPosts"], 1);
}
