//! Whom a node federates with, decided by its admins at run time and
//! enforced at every border: real `moot serve` processes changed through
//! the `moot federation` command line while they run.

use std::time::Duration;

use moot_testkit::social::{follow_across, found_accounts, in_home, resolve};
use moot_testkit::{wait, FakePeer, ProcessNode, TestNode};
use reqwest::Method;
use serde_json::{json, Value};

async fn post(node: &ProcessNode, token: &str, text: &str) {
    let (status, body) = node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            token,
            json!({"status": text}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

/// How many deliveries `node`'s outbox ever held for the peer `domain`.
async fn queued_for(node: &ProcessNode, domain: &str) -> i64 {
    let (client, connection) = tokio_postgres::connect(&node.database.url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .query_one(
            "SELECT count(*) FROM outbox_deliveries d JOIN peers p ON p.id = d.peer_id WHERE p.domain = $1",
            &[&domain],
        )
        .await
        .unwrap()
        .get(0)
}

async fn count(node: &ProcessNode, token: &str, field: &str) -> Value {
    let (_, me) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", token)
        .await;
    me[field].clone()
}

#[tokio::test]
async fn an_allowlist_keeps_out_every_node_but_the_allowed_until_one_is_added() {
    let (a, b, c) = tokio::join!(
        ProcessNode::start(),
        ProcessNode::start(),
        ProcessNode::start()
    );
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    let carol = c.create_user("carol", "read write follow");
    let dave = c.create_user("dave", "read write follow");
    // Before any rule: Bob and Carol follow Alice; A knows Carol.
    follow_across(&b, &bob, &a, "alice").await;
    follow_across(&c, &carol, &a, "alice").await;
    let carol_on_a = resolve(&a, &alice, &c.handle("carol")).await;

    a.cli_ok(&["federation", "allow", &b.hostname]);
    let set = a.cli_ok(&[
        "federation",
        "mode",
        "allowlist",
        "--comment",
        "the region's councils only",
    ]);
    assert!(set.contains("allowlist"), "{set}");
    // The serving process reloads its rules on the change's notification:
    // Carol, known to A, disappears from its search once they are in force.
    wait::until("A's rules are in force", || async {
        (found_accounts(&a, &alice, &c.handle("carol")).await == 0).then_some(())
    })
    .await;

    // A's people cannot follow C's people.
    let (status, body) = a
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{carol_on_a}/follow"),
            &alice,
        )
        .await;
    assert_eq!(status, 403, "{body}");
    // A fetches nothing from C: a search with resolve=true finds no one.
    assert_eq!(found_accounts(&a, &alice, &c.handle("dave")).await, 0);
    assert_eq!(found_accounts(&a, &alice, &c.handle("carol")).await, 0);

    // A delivers nothing to C (nothing is even queued), while B gets the post.
    let queued_for_c = queued_for(&a, &c.hostname).await;
    post(&a, &alice, "for the region").await;
    wait::until("B gets Alice's post", || {
        in_home(&b, &bob, "for the region")
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(in_home(&c, &carol, "for the region").await.is_none());
    assert_eq!(queued_for(&a, &c.hostname).await, queued_for_c);

    // C's deliveries to A are refused: Dave's follow never lands.
    let alice_on_c = resolve(&c, &dave, &a.handle("alice")).await;
    let (status, _) = c
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{alice_on_c}/follow"),
            &dave,
        )
        .await;
    assert_eq!(status, 200);
    wait::until("C's Follow was answered (refused)", || async {
        let table = c.cli_ok(&["admin", "federation-status"]);
        let line = table.lines().find(|l| l.starts_with(&a.hostname))?;
        (line.split_whitespace().nth(1) == Some("0")).then_some(())
    })
    .await;
    assert_eq!(count(&a, &alice, "followers_count").await, 2);

    // B is unaffected in both directions.
    follow_across(&a, &alice, &b, "bob").await;
    post(&b, &bob, "news from B").await;
    wait::until("A gets Bob's post", || in_home(&a, &alice, "news from B")).await;

    // Allowing C at run time restores federation, without a restart.
    a.cli_ok(&["federation", "allow", &c.hostname]);
    wait::until("A resolves C's people again", || async {
        (found_accounts(&a, &alice, &c.handle("dave")).await == 1).then_some(())
    })
    .await;
    post(&a, &alice, "welcome back").await;
    wait::until("C gets Alice's post", || {
        in_home(&c, &carol, "welcome back")
    })
    .await;

    // Every change is in the audit log, with who and why.
    let log = a.cli_ok(&["admin", "audit-log"]);
    assert_eq!(log.lines().count(), 3, "{log}");
    assert!(
        log.contains("cli:") && log.contains("set_mode allowlist"),
        "{log}"
    );
    assert!(log.contains("because: the region's councils only"), "{log}");
}

#[tokio::test]
async fn silencing_keeps_posts_out_of_public_timelines_and_suspending_removes_them() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    follow_across(&a, &alice, &b, "bob").await;
    post(&b, &bob, "first from B").await;
    wait::until("A gets Bob's post", || in_home(&a, &alice, "first from B")).await;
    post(&a, &alice, "local news").await;

    let public = || async {
        let (status, timeline) = a.api(Method::GET, "/api/v1/timelines/public", &alice).await;
        assert_eq!(status, 200, "{timeline}");
        timeline
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["content"].as_str().unwrap_or_default().to_owned())
            .collect::<Vec<String>>()
    };
    let shows = |timeline: &[String], text: &str| timeline.iter().any(|c| c.contains(text));
    let before = public().await;
    assert!(shows(&before, "first from B") && shows(&before, "local news"));

    a.cli_ok(&["federation", "block", &b.hostname, "--severity", "silence"]);
    post(&b, &bob, "second from B").await;
    // Followers still see it ...
    wait::until("Alice still gets Bob's posts", || {
        in_home(&a, &alice, "second from B")
    })
    .await;
    // ... the public timeline does not (once the serving process has
    // reloaded its rules).
    let silenced = wait::until("B is silenced on A", || async {
        let timeline = public().await;
        (!shows(&timeline, "first from B")).then_some(timeline)
    })
    .await;
    assert!(!shows(&silenced, "second from B"));
    assert!(shows(&silenced, "local news"));
    let (status, _) = a
        .api(Method::GET, "/api/v1/timelines/public?remote=true", &alice)
        .await;
    assert_eq!(status, 200);

    // Suspending removes B's content and follows from A.
    a.cli_ok(&["federation", "block", &b.hostname, "--severity", "suspend"]);
    assert!(in_home(&a, &alice, "from B").await.is_none());
    assert_eq!(count(&a, &alice, "following_count").await, 0);
    wait::until("A no longer resolves B's people", || async {
        (found_accounts(&a, &alice, &b.handle("bob")).await == 0).then_some(())
    })
    .await;
    post(&b, &bob, "third from B").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(in_home(&a, &alice, "third from B").await.is_none());
}

#[tokio::test]
async fn rules_exported_from_one_node_import_into_another_and_a_bad_line_changes_nothing() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    a.cli_ok(&[
        "federation",
        "block",
        "spam.example",
        "--severity",
        "suspend",
        "--comment",
        "Spam, mostly",
    ]);
    a.cli_ok(&[
        "federation",
        "block",
        "loud.example",
        "--severity",
        "silence",
        "--reject-media",
        "--obfuscate",
    ]);
    a.cli_ok(&["federation", "allow", "council-b.example"]);
    let dir = tempfile::tempdir().unwrap();
    let blocks = dir.path().join("blocks.csv");
    let allows = dir.path().join("allows.csv");
    a.cli_ok(&["federation", "export", blocks.to_str().unwrap()]);
    a.cli_ok(&["federation", "export", allows.to_str().unwrap(), "--allows"]);
    let exported = std::fs::read_to_string(&blocks).unwrap();
    assert!(
        exported.starts_with(
            "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
        ),
        "{exported}"
    );
    assert!(exported.contains("spam.example,suspend,false,false,\"Spam, mostly\",false"));

    let report = b.cli_ok(&["federation", "import", blocks.to_str().unwrap()]);
    assert!(
        report.starts_with("added 2, changed 0, skipped 0"),
        "{report}"
    );
    let report = b.cli_ok(&["federation", "import", allows.to_str().unwrap()]);
    assert!(report.starts_with("added 1,"), "{report}");
    let same = |node: &ProcessNode| {
        (
            node.cli_ok(&["federation", "export"]),
            node.cli_ok(&["federation", "export", "--allows"]),
        )
    };
    assert_eq!(same(&a), same(&b), "the same rules result");
    let report = b.cli_ok(&["federation", "import", blocks.to_str().unwrap()]);
    assert!(
        report.starts_with("added 0, changed 0, skipped 2"),
        "{report}"
    );

    // A malformed third line: refused, naming the line; nothing applied.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
         new.example,suspend,false,false,,false\n\
         worse.example,obliterate,false,false,,false\n",
    )
    .unwrap();
    let before = same(&b);
    let out = b.cli(&["federation", "import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(
        error.contains("line 3") && error.contains("obliterate"),
        "{error}"
    );
    assert_eq!(same(&b), before, "nothing changed");
    let log = b.cli_ok(&["admin", "audit-log"]);
    assert!(!log.contains("new.example"), "{log}");
    assert!(log.contains("import"), "{log}");
}

#[tokio::test]
async fn a_subscribed_block_list_is_fetched_and_applied() {
    let peer = FakePeer::start().await;
    peer.add_actor("mallory");
    // A list server, as a sector would publish one: plain text.
    let listed = format!("# shared by the sector\nspam.example\n{}\n", peer.host());
    let server = actix_web::HttpServer::new(move || {
        let listed = listed.clone();
        actix_web::App::new().route(
            "/blocks.txt",
            actix_web::web::get().to(move || {
                let listed = listed.clone();
                async move { listed }
            }),
        )
    })
    .workers(1)
    .disable_signals()
    .bind("127.0.0.1:0")
    .unwrap();
    let list_url = format!("http://{}/blocks.txt", server.addrs()[0]);
    tokio::spawn(server.run());

    let a = ProcessNode::start().await;
    a.create_user("target", "read");
    let note = json!({"id": format!("{}/notes/1", peer.base_url), "type": "Note",
                      "attributedTo": peer.actor("mallory"), "content": "hello",
                      "to": ["https://www.w3.org/ns/activitystreams#Public"]});
    let create = |n: u32| {
        json!({"id": format!("{}/activities/{n}", peer.base_url), "type": "Create",
               "actor": peer.actor("mallory"), "object": note,
               "to": ["https://www.w3.org/ns/activitystreams#Public"]})
    };
    let (status, body) = peer
        .post_signed("mallory", &format!("{}/inbox", a.base_url), &create(1))
        .await;
    assert_eq!(status, 202, "accepted before the subscription: {body}");

    a.cli_ok(&["federation", "subscribe", &list_url, "--kind", "block"]);
    let mut n = 1;
    wait::until("the listed peer is refused", || {
        n += 1;
        let activity = create(n);
        let peer = &peer;
        let inbox = format!("{}/inbox", a.base_url);
        async move {
            let (status, _) = peer.post_signed("mallory", &inbox, &activity).await;
            (status == 403).then_some(())
        }
    })
    .await;
    let listing = a.cli_ok(&["federation", "list"]);
    assert!(listing.contains("block  spam.example suspend"), "{listing}");
    assert!(listing.contains("fetched"), "{listing}");

    // A local rule for the domain takes precedence over the subscribed one.
    a.cli_ok(&["federation", "block", &peer.host(), "--severity", "noop"]);
    let mut n = 100;
    wait::until("the local rule wins", || {
        n += 1;
        let activity = create(n);
        let peer = &peer;
        let inbox = format!("{}/inbox", a.base_url);
        async move {
            let (status, _) = peer.post_signed("mallory", &inbox, &activity).await;
            (status == 202).then_some(())
        }
    })
    .await;
}

#[tokio::test]
async fn in_allowlist_mode_an_unlisted_peer_is_refused_before_any_fetch() {
    let peer = FakePeer::start().await;
    peer.add_actor("mallory");
    let node = TestNode::start_with(|s| s.federation.mode = "allowlist".into()).await;
    node.create_user("target", "read").await;
    let activity = json!({"id": format!("{}/follows/1", peer.base_url), "type": "Follow",
                          "actor": peer.actor("mallory"), "object": node.url("/users/target")});
    let before = peer.fetches();
    let (status, body) = peer
        .post_signed("mallory", &node.url("/inbox"), &activity)
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(peer.fetches(), before, "not even the key was fetched");

    // Allowed at run time (through another handle on the same database, as
    // the command line would): the node's rules follow within seconds.
    let admin = moot_app::Context::new(node.db.clone(), node.settings.clone());
    let who = moot_app::domain_policy::Who("test".into());
    moot_app::domain_policy::allow(&admin, &who, &peer.host())
        .await
        .unwrap();
    wait::until("the peer is let in", || async {
        let (status, _) = peer
            .post_signed("mallory", &node.url("/inbox"), &activity)
            .await;
        (status == 202).then_some(())
    })
    .await;
}
