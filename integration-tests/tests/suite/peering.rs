//! Councils peer their nodes: both admins decide, the wire carries two
//! ordinary follows between instance actors, allow-lists follow the
//! peering, a block wins over it, and proposals from the wrong node or a
//! blocked one change nothing.

use moot_testkit::documents::{upload, DRAFT_PDF};
use moot_testkit::openapi::MastodonApi;
use moot_testkit::relay::ApRelay;
use moot_testkit::social::{follow_across, in_home, make_group, moot_api, say};
use moot_testkit::web::WebClient;
use moot_testkit::{wait, FakePeer, ProcessNode, TestNode};
use reqwest::Method;
use serde_json::{json, Value};

/// `node`'s view of its peer `domain`, as its admin API shows it.
async fn peer(node: &ProcessNode, admin: &str, domain: &str) -> Option<Value> {
    let (status, peers) = node
        .api_json(Method::GET, "/api/moot/v1/peers", admin, Value::Null)
        .await;
    assert_eq!(status, 200, "{peers}");
    peers
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["domain"] == domain)
        .cloned()
}

/// Waits until `node` sees its peering with `domain` as `status`.
async fn until_status(node: &ProcessNode, admin: &str, domain: &str, status: &str) -> Value {
    wait::until(
        &format!("{} sees {domain} as {status}", node.hostname),
        || async {
            peer(node, admin, domain)
                .await
                .filter(|p| p["status"] == status)
        },
    )
    .await
}

/// The audit log's actions about `target`, oldest first.
async fn audited(node: &ProcessNode, admin: &str, target: &str) -> Vec<(String, String)> {
    let path = format!("/api/moot/v1/admin/audit_log?target={target}");
    let (status, entries) = node.api_json(Method::GET, &path, admin, Value::Null).await;
    assert_eq!(status, 200, "{entries}");
    let mut out: Vec<(String, String)> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let field = |k: &str| e[k].as_str().unwrap().to_owned();
            (field("actor"), field("action"))
        })
        .collect();
    out.reverse();
    out
}

#[tokio::test]
async fn both_admins_decide_and_each_side_sees_the_peering() {
    let (a, b, c) = tokio::join!(
        ProcessNode::start(),
        ProcessNode::start(),
        ProcessNode::start()
    );
    let (a_admin, _) = a.create_admin("ada", "read admin:read");
    let (b_admin, _) = b.create_admin("bea", "read admin:read");
    let (c_admin, _) = c.create_admin("cal", "read admin:read");

    let out = a.cli_ok(&[
        "peer",
        "request",
        &b.hostname,
        "--message",
        "Housing teams across the region",
    ]);
    assert!(out.contains("proposed"), "{out}");
    a.cli_ok(&["peer", "request", &c.hostname]);
    let asked = until_status(&b, &b_admin, &a.hostname, "received").await;
    assert_eq!(asked["message"], "Housing teams across the region");
    assert_eq!(asked["proposed_by"], "them");
    until_status(&c, &c_admin, &a.hostname, "received").await;
    assert_eq!(
        peer(&a, &a_admin, &b.hostname).await.unwrap()["status"],
        "proposed"
    );

    // Asking again while waiting does not make a second proposal.
    let list = b.cli_ok(&["peer", "list"]);
    assert!(
        list.contains(&a.hostname) && list.contains("received"),
        "{list}"
    );
    assert!(list.contains("Housing teams across the region"), "{list}");

    assert!(b
        .cli_ok(&["peer", "accept", &a.hostname])
        .contains("active"));
    assert!(c
        .cli_ok(&["peer", "decline", &a.hostname])
        .contains("declined"));
    let on_a = until_status(&a, &a_admin, &b.hostname, "active").await;
    assert_eq!(on_a["proposed_by"], "us");
    until_status(&a, &a_admin, &c.hostname, "declined").await;
    until_status(&b, &b_admin, &a.hostname, "active").await;
    // B's follow back reached A and was accepted there: B's deliveries to A
    // leave nothing behind.
    wait::until("B's deliveries to A are done", || async {
        peer(&b, &b_admin, &a.hostname)
            .await
            .filter(|p| p["delivery"]["backlog"] == 0 && p["delivery"]["state"] == "ok")
    })
    .await;
    // Deciding twice is refused and changes nothing.
    let again = c.cli(&["peer", "accept", &a.hostname]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no proposal waiting"));

    // Both audit logs tell the story, naming who acted.
    let a_log = audited(&a, &a_admin, &b.hostname).await;
    assert!(
        a_log
            .iter()
            .any(|(who, what)| who.starts_with("cli:") && what == "peer_request"),
        "{a_log:?}"
    );
    let b_node = format!("node:{}", b.hostname);
    assert!(
        a_log.contains(&(b_node, "peer_accepted".into())),
        "{a_log:?}"
    );
    let b_log = audited(&b, &b_admin, &a.hostname).await;
    let a_node = format!("node:{}", a.hostname);
    assert!(
        b_log.contains(&(a_node.clone(), "peer_proposal".into())),
        "{b_log:?}"
    );
    assert!(
        b_log
            .iter()
            .any(|(who, what)| who.starts_with("cli:") && what == "peer_accept"),
        "{b_log:?}"
    );
    let c_log = audited(&c, &c_admin, &a.hostname).await;
    assert!(
        c_log.iter().any(|(_, what)| what == "peer_decline"),
        "{c_log:?}"
    );

    // Either side ends it; the other hears within seconds.
    assert!(b
        .cli_ok(&["peer", "remove", &a.hostname])
        .contains("removed"));
    until_status(&a, &a_admin, &b.hostname, "removed").await;
    let list = a.cli_ok(&["peer", "list"]);
    assert!(
        list.contains("removed") && list.contains("declined"),
        "{list}"
    );
    let _ = json!(null);
}

#[tokio::test]
async fn in_allowlist_mode_a_peering_lets_the_peer_in_its_end_shuts_it_out_and_a_block_wins() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let (a_admin, _) = a.create_admin("ada", "read admin:read");
    let (b_admin, _) = b.create_admin("bea", "read admin:read");
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    a.cli_ok(&["federation", "mode", "allowlist"]);

    // B is not listed: A finds nothing of it...
    let search = format!("/api/v2/search?q={}&resolve=true", b.handle("bob"));
    let (_, found) = a.api_json(Method::GET, &search, &alice, Value::Null).await;
    assert_eq!(found["accounts"], json!([]), "{found}");
    // ...but hears its proposal, for the admin to decide.
    b.cli_ok(&[
        "peer",
        "request",
        &a.hostname,
        "--message",
        "Planning officers",
    ]);
    let asked = until_status(&a, &a_admin, &b.hostname, "received").await;
    assert_eq!(asked["message"], "Planning officers");
    assert!(!a.cli_ok(&["federation", "list"]).contains(&b.hostname));

    a.cli_ok(&["peer", "accept", &b.hostname]);
    let rules = a.cli_ok(&["federation", "list"]);
    assert!(rules.contains(&format!("allow  {}", b.hostname)), "{rules}");
    until_status(&b, &b_admin, &a.hostname, "active").await;
    follow_across(&a, &alice, &b, "bob").await;
    say(&b, &bob, "Peered: the allocations review is out").await;
    wait::until("Bob's post is in Alice's home", || {
        in_home(&a, &alice, "the allocations review is out")
    })
    .await;

    // A ends it: B's activities are refused again within seconds, and the
    // allow entry the peering added is gone.
    a.cli_ok(&["peer", "remove", &b.hostname]);
    assert!(!a.cli_ok(&["federation", "list"]).contains(&b.hostname));
    until_status(&b, &b_admin, &a.hostname, "removed").await;
    say(&b, &bob, "After the end: nobody on A hears this").await;
    delivered_or_dropped(&b, &b_admin, &a.hostname).await;
    let (_, home) = a
        .api_json(Method::GET, "/api/v1/timelines/home", &alice, Value::Null)
        .await;
    assert!(
        !home.to_string().contains("nobody on A hears this"),
        "{home}"
    );

    // Peered again, then blocked: the block wins. B's undoing of the
    // peering is refused at the border and changes nothing on A.
    b.cli_ok(&["peer", "request", &a.hostname]);
    until_status(&a, &a_admin, &b.hostname, "received").await;
    a.cli_ok(&["peer", "accept", &b.hostname]);
    until_status(&b, &b_admin, &a.hostname, "active").await;
    a.cli_ok(&["federation", "block", &b.hostname, "--severity", "suspend"]);
    until_status(&a, &a_admin, &b.hostname, "blocked").await;
    let refused = a.cli(&["peer", "request", &b.hostname]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("a block wins"));
    b.cli_ok(&["peer", "remove", &a.hostname]);
    delivered_or_dropped(&b, &b_admin, &a.hostname).await;
    assert_eq!(
        peer(&a, &a_admin, &b.hostname).await.unwrap()["status"],
        "blocked",
        "a blocked node's word changes nothing"
    );
}

/// Waits until `node` has nothing left to send `to` (delivered or refused).
async fn delivered_or_dropped(node: &ProcessNode, admin: &str, to: &str) {
    wait::until(
        &format!("{} has nothing left for {to}", node.hostname),
        || async {
            peer(node, admin, to)
                .await
                .filter(|p| p["delivery"]["backlog"] == 0)
        },
    )
    .await;
}

/// A scripted node whose instance actor answers `host@host`, as Mastodon's
/// and Moot's do.
fn instance_actor(peer: &FakePeer) -> String {
    let name = peer.host();
    peer.add_actor(&name);
    peer.set_profile(&name, json!({"type": "Application"}));
    peer.actor(&name)
}

#[tokio::test]
async fn proposals_and_answers_from_the_wrong_node_or_a_blocked_one_change_nothing() {
    let a = TestNode::start().await;
    let ctx = a.ctx();
    // Proposing finds the other node's instance actor: a fetch, as from the CLI.
    moot_federation::config::build(ctx.clone()).await.unwrap();
    let (x, y) = tokio::join!(FakePeer::start(), FakePeer::start());
    let (x_actor, y_actor) = (instance_actor(&x), instance_actor(&y));
    let inbox = a.url("/inbox");
    let ours = a.url("/actor");
    let admin = moot_app::audit::Who("cli:test".into());
    let peerings = || async {
        let rows = moot_app::peering::list(&ctx).await.unwrap();
        rows.into_iter()
            .map(|p| (p.domain, p.status))
            .collect::<Vec<_>>()
    };

    // A proposes to X; X's inbox gets our instance actor's Follow.
    moot_app::peering::propose(&ctx, &admin, &x.host(), "hello")
        .await
        .unwrap();
    let follow = wait::until("X receives A's proposal", || async {
        x.received()
            .into_iter()
            .find(|a| a["type"] == "Follow" && a["object"] == x_actor)
    })
    .await;
    assert_eq!(follow["actor"], ours);
    assert_eq!(follow["content"], "hello");
    let accept = |by: &FakePeer, actor: &str| {
        json!({
            "id": format!("{}/activities/accept-{}", by.base_url, rand_suffix()),
            "type": "Accept",
            "actor": actor,
            "object": follow.clone(),
        })
    };

    // Y answers for X: refused, nothing changes.
    let (status, body) = y
        .post_signed(&y.host(), &inbox, &accept(&y, &y_actor))
        .await;
    assert_eq!(status, 403, "{body}");
    // Y claims to be X: the key's origin is not the actor's.
    let (status, _) = y
        .post_signed(&y.host(), &inbox, &accept(&x, &x_actor))
        .await;
    assert_eq!(status, 401);
    assert_eq!(peerings().await, vec![(x.host(), "proposed".into())]);

    // X's own answer is taken.
    let (status, body) = x
        .post_signed(&x.host(), &inbox, &accept(&x, &x_actor))
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(peerings().await, vec![(x.host(), "active".into())]);

    // A person is not a node: following the instance actor is no proposal.
    x.add_actor("mallory");
    let person_follow = json!({
        "id": format!("{}/activities/f1", x.base_url),
        "type": "Follow",
        "actor": x.actor("mallory"),
        "object": ours,
    });
    let (status, _) = x.post_signed("mallory", &inbox, &person_follow).await;
    assert_eq!(status, 400);

    // Blocked, Y's proposal is refused at the border.
    let suspend =
        moot_app::domain_policy::BlockRequest::new(moot_core::domain_rules::Severity::Suspend);
    moot_app::domain_policy::block(&ctx, &admin, &y.host(), &suspend)
        .await
        .unwrap();
    until_refused(&y, &y_actor, &inbox).await;
    let proposal = json!({
        "id": format!("{}/activities/p1", y.base_url),
        "type": "Follow",
        "actor": y_actor,
        "object": ours,
        "content": "let us peer",
    });
    let (status, _) = y.post_signed(&y.host(), &inbox, &proposal).await;
    assert_eq!(status, 403);
    assert_eq!(peerings().await, vec![(x.host(), "active".into())]);

    // In allow-list mode an unlisted node is heard only as a proposal, and
    // only when its signature is its own.
    moot_app::domain_policy::set_mode(&ctx, &admin, moot_core::domain_rules::Mode::Allowlist, "")
        .await
        .unwrap();
    let z = FakePeer::start().await;
    let z_actor = instance_actor(&z);
    until_refused(&z, &z_actor, &inbox).await;
    let note = json!({
        "id": format!("{}/activities/c1", z.base_url),
        "type": "Create",
        "actor": z_actor,
        "object": {"id": format!("{}/notes/1", z.base_url), "type": "Note",
                   "attributedTo": z_actor, "content": "hi",
                   "to": ["https://www.w3.org/ns/activitystreams#Public"]},
    });
    let (status, _) = z.post_signed(&z.host(), &inbox, &note).await;
    assert_eq!(status, 403);
    let proposal = json!({
        "id": format!("{}/activities/p2", z.base_url),
        "type": "Follow",
        "actor": z_actor,
        "object": ours,
        "content": "from the county",
    });
    let forged = proposal.to_string();
    let (status, _) = z
        .post_signed_as(
            &z.host(),
            &format!("{}#other-key", z_actor),
            &inbox,
            forged.as_bytes(),
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(peerings().await.len(), 1);
    let (status, body) = z.post_signed(&z.host(), &inbox, &proposal).await;
    assert_eq!(status, 202, "{body}");
    let rows = moot_app::peering::list(&ctx).await.unwrap();
    let heard = rows.iter().find(|p| p.domain == z.host()).unwrap();
    assert_eq!(
        (heard.status.as_str(), heard.message.as_str()),
        ("received", "from the county")
    );
    // Nothing of Z is stored until the admin accepts.
    let (_, found) = a
        .get_json(&format!(
            "/api/v1/accounts/lookup?acct={}@{}",
            z.host(),
            z.host()
        ))
        .await;
    assert!(found.get("id").is_none(), "{found}");
}

/// Waits until the node refuses `peer` at its inbox: a rule changed through
/// another context is in force in the server within moments, not at once.
/// The probe is harmless: the deletion of a post that never existed.
async fn until_refused(peer: &FakePeer, actor: &str, inbox: &str) {
    wait::until("the node's policy refuses the peer", || async {
        let nothing = json!({
            "id": format!("{}/activities/d{}", peer.base_url, rand_suffix()),
            "type": "Delete",
            "actor": actor,
            "object": format!("{}/notes/none", peer.base_url),
        });
        (peer.post_signed(&peer.host(), inbox, &nothing).await.0 == 403).then_some(())
    })
    .await;
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

/// Searches `node`'s knowledge for `q`; the hits.
async fn search(node: &ProcessNode, token: &str, q: &str) -> Vec<Value> {
    let (status, hits) = moot_api(
        node,
        token,
        Method::GET,
        ("/search", &format!("/search?q={q}")),
        None,
    )
    .await;
    assert_eq!(status, 200, "{hits}");
    hits.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn peers_list_each_others_public_groups_and_their_public_knowledge_is_found_at_home() {
    let (a, b, c) = tokio::join!(
        ProcessNode::start(),
        ProcessNode::start(),
        ProcessNode::start()
    );
    let (a_admin, _) = a.create_admin("ada", "read admin:read");
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    b.create_user("dee", "read");
    let cal = c.create_user("cal", "read write follow");
    let housing = make_group(&b, &bob, "housing", "bob", "open").await;
    // Bob chooses to be listed; Dee does not.
    let (status, me) = b
        .api_json(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            &bob,
            json!({"discoverable": true}),
        )
        .await;
    assert_eq!((status, &me["discoverable"]), (200, &json!(true)), "{me}");
    // Before the peering: a post of Bob's own (in no group, so it reaches
    // no peer) gives him a topic in B's directory.
    say(&b, &bob, "Cavity wall #retrofit: what worked for us").await;
    make_group(&b, &bob, "planning", "bob", "approval").await;
    make_group(&b, &bob, "cabinet", "bob", "private").await;
    make_group(&c, &cal, "waste", "cal", "open").await;

    a.cli_ok(&["peer", "request", &b.hostname]);
    a.cli_ok(&["peer", "request", &c.hostname]);
    wait::until("both proposals arrive", || async {
        let b_list = b.cli_ok(&["peer", "list"]);
        let c_list = c.cli_ok(&["peer", "list"]);
        (b_list.contains("received") && c_list.contains("received")).then_some(())
    })
    .await;
    b.cli_ok(&["peer", "accept", &a.hostname]);
    c.cli_ok(&["peer", "decline", &a.hostname]);
    until_status(&a, &a_admin, &b.hostname, "active").await;

    // What B's open group publishes reaches A through the peering, though
    // nobody on A follows the group; the private group's posts do not.
    let (status, page) = moot_api(
        &b,
        &bob,
        Method::POST,
        ("/groups/{id}/wiki", &format!("/groups/{housing}/wiki")),
        Some(json!({ "title": "Damp and mould", "body": "Inspect within 14 days of a mould report.\n" })),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let (status, file) = upload(&b, &bob, "tenancy.pdf", "application/pdf", DRAFT_PDF).await;
    assert_eq!(status, 200, "{file}");
    let (status, item) = moot_api(
        &b,
        &bob,
        Method::POST,
        ("/groups/{id}/library", &format!("/groups/{housing}/library")),
        Some(json!({ "media_id": file["id"], "title": "Tenancy template", "description": "Standard tenancy agreement" })),
    )
    .await;
    assert_eq!(status, 200, "{item}");
    say(&b, &bob, "@cabinet Confidential: the draft budget figures").await;
    say(&b, &bob, "@housing Heating repairs backlog is down to 40").await;

    let found = wait::until("B's page is found on A", || async {
        search(&a, &alice, "mould")
            .await
            .into_iter()
            .find(|h| h["type"] == "wiki")
    })
    .await;
    assert_eq!(found["node"], b.hostname.as_str(), "{found}");
    let found = wait::until("B's file is found on A", || async {
        search(&a, &alice, "tenancy")
            .await
            .into_iter()
            .find(|h| h["type"] == "file")
    })
    .await;
    assert_eq!(found["node"], b.hostname.as_str(), "{found}");
    wait::until("B's group post is found on A", || async {
        search(&a, &alice, "heating")
            .await
            .into_iter()
            .find(|h| h["type"] == "post")
    })
    .await;
    assert!(search(&a, &alice, "confidential").await.is_empty());

    // A's directory lists B's groups anyone may find, none of C's.
    wait::until("A has read B's directory", || async {
        peer(&a, &a_admin, &b.hostname)
            .await
            .filter(|p| p["directory"]["fetched_at"].is_string())
    })
    .await;
    let directory = wait::until("A lists B's groups", || async {
        let (_, found) = a
            .api_json(
                Method::GET,
                "/api/v1/directory?local=false",
                &alice,
                Value::Null,
            )
            .await;
        let accts: Vec<String> = found
            .as_array()?
            .iter()
            .map(|a| a["acct"].as_str().unwrap().to_owned())
            .collect();
        accts.contains(&b.handle("planning")).then_some(found)
    })
    .await;
    MastodonApi::get().assert_valid("GET", "/api/v1/directory", 200, &directory);
    let accts = directory.to_string();
    assert!(accts.contains(&b.handle("housing")), "{accts}");
    assert!(!accts.contains(&b.handle("cabinet")), "{accts}");
    assert!(!accts.contains(&c.hostname), "{accts}");
    let (status, sector) =
        moot_api(&a, &alice, Method::GET, ("/directory", "/directory"), None).await;
    assert_eq!(status, 200);
    let listed = sector
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["account"]["acct"] == b.handle("housing"))
        .cloned()
        .unwrap_or_else(|| panic!("{sector}"));
    assert_eq!(
        (listed["node"].as_str(), listed["local"].as_bool()),
        (Some(b.hostname.as_str()), Some(false))
    );
    assert!(listed["members"].as_i64().unwrap() >= 1, "{listed}");
    let listed_accts = sector.to_string();
    assert!(listed_accts.contains(&b.handle("bob")), "{sector}");
    assert!(!listed_accts.contains(&b.handle("dee")), "{sector}");
    let peers = peer(&a, &a_admin, &b.hostname).await.unwrap();
    assert_eq!(
        peers["directory"]["listed"], 3,
        "two groups and Bob: {peers}"
    );
    // "Who knows" covers the peered sector: Bob, by the topic B's
    // directory lists him with, though his post never reached A.
    assert!(search(&a, &alice, "cavity").await.is_empty());
    let (status, experts) = moot_api(
        &a,
        &alice,
        Method::GET,
        ("/directory", "/directory?topic=retrofit"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(experts[0]["account"]["acct"], b.handle("bob"), "{experts}");
    let page = a
        .http
        .get(format!("{}/groups", a.base_url))
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains(&b.handle("housing")));

    // Joining from the list is one request.
    let id = listed["account"]["id"].as_str().unwrap();
    let (status, joined) = a
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{id}/follow"),
            &alice,
        )
        .await;
    assert_eq!(status, 200, "{joined}");
    wait::until("Alice is a member of B's group", || async {
        let path = format!("/api/v1/accounts/relationships?id[]={id}");
        let (_, rel) = a.api(Method::GET, &path, &alice).await;
        (rel[0]["following"] == true).then_some(())
    })
    .await;
}

#[tokio::test]
async fn two_nodes_on_one_ap_relay_find_each_others_public_posts() {
    let relay = ApRelay::start().await;
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow read:search");
    for node in [&a, &b] {
        let out = node.cli_ok(&["relay", "subscribe", &relay.inbox()]);
        assert!(out.contains("pending"), "{out}");
    }
    for node in [&a, &b] {
        wait::until("the relay accepts the node", || async {
            let list = node.cli_ok(&["relay", "list"]);
            list.contains("accepted").then_some(())
        })
        .await;
    }
    say(&a, &alice, "Relayed: the winter gritting routes are agreed").await;
    let found = wait::until("B finds A's post through the relay", || async {
        search(&b, &bob, "gritting")
            .await
            .into_iter()
            .find(|h| h["type"] == "post")
    })
    .await;
    assert_eq!(
        found["node"],
        a.hostname.as_str(),
        "{found}\n{}",
        relay.log()
    );
    // Nobody on B follows Alice: the post came through the relay alone,
    // and it is nobody's boost there.
    let (_, status) = b
        .api(
            Method::GET,
            &format!("/api/v1/statuses/{}", found["id"].as_str().unwrap()),
            &bob,
        )
        .await;
    assert_eq!(status["reblogs_count"], 0, "{status}");
    assert_eq!(status["account"]["acct"], a.handle("alice"));

    // Unsubscribed, the relay is off the node's list.
    a.cli_ok(&["relay", "unsubscribe", &relay.inbox()]);
    assert!(!a.cli_ok(&["relay", "list"]).contains(&relay.hostname));
}

#[tokio::test]
async fn peered_content_nobody_here_joined_is_pruned_by_its_budget_and_joined_groups_stay() {
    // A keeps no peered text at all beyond what its people joined.
    let a = TestNode::start_with(|s| s.federation.peered_budget_mib = 0).await;
    let b = ProcessNode::start().await;
    let ctx = a.ctx();
    moot_federation::config::build(ctx.clone()).await.unwrap();
    let alice = a.create_user("alice", "read write follow").await;
    let bob = b.create_user("bob", "read write follow");
    make_group(&b, &bob, "housing", "bob", "open").await;
    make_group(&b, &bob, "roads", "bob", "open").await;
    let admin = moot_app::audit::Who("cli:test".into());
    moot_app::peering::propose(&ctx, &admin, &b.hostname, "")
        .await
        .unwrap();
    wait::until("B hears the proposal", || async {
        b.cli_ok(&["peer", "list"])
            .contains("received")
            .then_some(())
    })
    .await;
    b.cli_ok(&["peer", "accept", &a.settings.server.hostname]);
    wait::until("A is peered", || async {
        let rows = moot_app::peering::list(&ctx).await.unwrap();
        (rows[0].status == "active").then_some(())
    })
    .await;
    // Alice joins B's roads group; nobody on A joins housing.
    let roads = a.resolve_account(&alice, &b.handle("roads")).await;
    let path = format!("/api/v1/accounts/{}/follow", roads["id"].as_str().unwrap());
    let (status, _) = a.api(Method::POST, &path, &alice).await;
    assert_eq!(status, 200);
    wait::until("Alice is in roads", || async {
        let path = format!(
            "/api/v1/accounts/relationships?id[]={}",
            roads["id"].as_str().unwrap()
        );
        let (_, rel) = a.api(Method::GET, &path, &alice).await;
        (rel[0]["following"] == true).then_some(())
    })
    .await;
    say(&b, &bob, "@housing Damp survey results for the east estate").await;
    say(&b, &bob, "@roads Pothole map for the ring road").await;
    let found = |q: &'static str| {
        let (a, alice) = (&a, &alice);
        async move {
            let (_, hits) = a
                .api(Method::GET, &format!("/api/moot/v1/search?q={q}"), alice)
                .await;
            hits.as_array().is_some_and(|h| !h.is_empty())
        }
    };
    wait::until("both posts reach A", || async {
        (found("damp").await && found("pothole").await).then_some(())
    })
    .await;

    let gone = moot_app::peering::prune_peered(&ctx).await.unwrap();
    assert_eq!(
        gone, 1,
        "only the post in the group nobody here joined goes"
    );
    assert!(!found("damp").await);
    assert!(found("pothole").await);
}

#[tokio::test]
async fn admins_peer_their_nodes_from_the_browser() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let (_, a_password) = a.create_admin("ada", "read");
    let (_, b_password) = b.create_admin("bea", "read");
    let mut ada = WebClient::new(&a.base_url);
    ada.sign_in("ada", &a_password).await;
    let mut bea = WebClient::new(&b.base_url);
    bea.sign_in("bea", &b_password).await;

    let sent = ada
        .submit(
            "/admin/peering",
            "/admin/peering",
            &[("domain", &b.hostname), ("message", "Shared services")],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let page = ada.get("/admin/peering").await.body;
    assert!(page.contains("Waiting for their answer"), "{page}");

    until_page(&mut bea, "/admin", "1 node proposes peering").await;
    let page = bea.get("/admin/peering").await.body;
    assert!(
        page.contains("Waiting for your answer") && page.contains("Shared services"),
        "{page}"
    );
    let accepted = bea
        .submit(
            "/admin/peering",
            "/admin/peering/decide",
            &[("domain", &a.hostname), ("action", "accept")],
        )
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    until_page(&mut ada, "/admin/peering", "Peered").await;
    // A wrong action changes nothing.
    let wrong = bea
        .submit(
            "/admin/peering",
            "/admin/peering/decide",
            &[("domain", &a.hostname), ("action", "explode")],
        )
        .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert!(wrong.body.contains("must be accept, decline or remove"));
}

/// Reloads `path` until it shows `text` (20 s at most).
async fn until_page(client: &mut WebClient, path: &str, text: &str) {
    for _ in 0..200 {
        if client.get(path).await.body.contains(text) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "{path} never showed {text:?}:\n{}",
        client.get(path).await.body
    );
}
