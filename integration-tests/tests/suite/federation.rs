//! Several real `moot serve` processes, each on its own database, talking
//! ActivityPub over HTTP. Tests act only through public interfaces: the
//! client API, the CLI and the ActivityPub endpoints.

use moot_testkit::social::{follow_across, in_home, resolve, resolved_posts};
use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::Value;

#[tokio::test]
async fn a_person_follows_a_person_on_another_node() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");

    let bob_id = resolve(&a, &alice, &b.handle("bob")).await;
    let (status, rel) = a
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{bob_id}/follow"),
            &alice,
        )
        .await;
    assert_eq!(status, 200, "{rel}");
    // Requested until the Accept arrives (it may already have).
    assert!(
        rel["requested"] == true || rel["following"] == true,
        "{rel}"
    );

    wait::until("the Accept reaches A", || async {
        let (_, rels) = a
            .api(
                Method::GET,
                &format!("/api/v1/accounts/relationships?id[]={bob_id}"),
                &alice,
            )
            .await;
        (rels[0]["following"] == Value::Bool(true)).then_some(())
    })
    .await;

    let (_, bob_self) = b
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &bob)
        .await;
    assert_eq!(bob_self["followers_count"], 1, "{bob_self}");
    // Bob is told who followed him, across nodes.
    let (_, told) = b.api(Method::GET, "/api/v1/notifications", &bob).await;
    assert_eq!(told[0]["type"], "follow", "{told}");
    assert_eq!(told[0]["account"]["acct"], a.handle("alice"));
    let followers: Value = b
        .http
        .get(format!("{}/users/bob/followers", b.base_url))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(followers["totalItems"], 1);
    let (_, alice_self) = a
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &alice)
        .await;
    assert_eq!(alice_self["following_count"], 1, "{alice_self}");

    // Following again changes nothing.
    let (status, rel) = a
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{bob_id}/follow"),
            &alice,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(rel["following"], true);

    // Unfollowing reaches B.
    let (status, rel) = a
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{bob_id}/unfollow"),
            &alice,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(rel["following"], false);
    wait::until("the Undo reaches B", || async {
        let (_, me) = b
            .api(Method::GET, "/api/v1/accounts/verify_credentials", &bob)
            .await;
        (me["followers_count"] == 0).then_some(())
    })
    .await;
}

/// The post at `uri` is neither served unsigned nor reachable from `node`
/// (a signed fetch by its instance actor), and nothing of it arrived there.
async fn assert_hidden_from(node: &ProcessNode, token: &str, uri: &str) {
    let unsigned = node
        .http
        .get(uri)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 404, "served unsigned");
    assert_eq!(
        resolved_posts(node, token, uri).await,
        0,
        "fetched by a node outside the audience"
    );
    let (_, home) = node.api(Method::GET, "/api/v1/timelines/home", token).await;
    assert_eq!(
        home,
        serde_json::json!([]),
        "delivered outside the audience"
    );
}

#[tokio::test]
async fn posts_replies_edits_and_deletes_cross_nodes() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    follow_across(&a, &alice, &b, "bob").await;

    // Bob posts; it reaches Alice's home timeline on A, rendered safely.
    let (status, post) = b
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &bob,
            serde_json::json!({"status": "Our **housing** toolkit <script>x</script>", "visibility": "public", "content_type": "text/markdown"}),
        )
        .await;
    assert_eq!(status, 200, "{post}");
    assert!(post["content"]
        .as_str()
        .unwrap()
        .contains("<strong>housing</strong>"));
    let post_on_b = post["id"].as_str().unwrap().to_owned();
    let copy = wait::until("Bob's post reaches A", || in_home(&a, &alice, "housing")).await;
    assert!(
        !copy["content"].as_str().unwrap().contains("<script"),
        "{copy}"
    );
    assert_eq!(copy["account"]["acct"], b.handle("bob"));
    assert_eq!(copy["uri"], post["uri"]);
    let copy_on_a = copy["id"].as_str().unwrap().to_owned();

    // Alice replies on A; the reply threads under the post on B.
    let (status, reply) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            serde_json::json!({"status": "Thanks, very useful", "in_reply_to_id": copy_on_a}),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    wait::until("the reply threads on B", || async {
        let (_, context) = b
            .api(
                Method::GET,
                &format!("/api/v1/statuses/{post_on_b}/context"),
                &bob,
            )
            .await;
        context["descendants"]
            .as_array()?
            .iter()
            .find(|d| {
                d["content"]
                    .as_str()
                    .is_some_and(|c| c.contains("very useful"))
            })
            .map(|d| assert_eq!(d["account"]["acct"], a.handle("alice")))
    })
    .await;

    // Bob edits; A shows the new text.
    let (status, _) = b
        .api_json(
            Method::PUT,
            &format!("/api/v1/statuses/{post_on_b}"),
            &bob,
            serde_json::json!({"status": "Our **housing** toolkit, version 2"}),
        )
        .await;
    assert_eq!(status, 200);
    wait::until("the edit reaches A", || async {
        let (_, s) = a
            .api(
                Method::GET,
                &format!("/api/v1/statuses/{copy_on_a}"),
                &alice,
            )
            .await;
        (s["content"].as_str()?.contains("version 2") && s["edited_at"].is_string()).then_some(())
    })
    .await;

    // Bob deletes; A's copy goes, and B serves a tombstone at its id.
    let (status, _) = b
        .api(
            Method::DELETE,
            &format!("/api/v1/statuses/{post_on_b}"),
            &bob,
        )
        .await;
    assert_eq!(status, 200);
    wait::until("the delete reaches A", || async {
        let (status, _) = a
            .api(
                Method::GET,
                &format!("/api/v1/statuses/{copy_on_a}"),
                &alice,
            )
            .await;
        (status == 404).then_some(())
    })
    .await;
    let gone = b
        .http
        .get(post["uri"].as_str().unwrap())
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 410);
    let tombstone: Value = gone.json().await.unwrap();
    assert_eq!(tombstone["type"], "Tombstone");
}

#[tokio::test]
async fn followers_only_posts_reach_followers_and_nobody_else() {
    let (a, b, c) = tokio::join!(
        ProcessNode::start(),
        ProcessNode::start(),
        ProcessNode::start()
    );
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    let carol = c.create_user("carol", "read write follow");
    follow_across(&a, &alice, &b, "bob").await;
    // Carol knows Bob but does not follow him.
    resolve(&c, &carol, &b.handle("bob")).await;

    let (_, post) = b
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &bob,
            serde_json::json!({"status": "followers only: budget figures", "visibility": "private"}),
        )
        .await;
    assert_eq!(post["visibility"], "private");
    let copy = wait::until("the post reaches the follower", || {
        in_home(&a, &alice, "budget figures")
    })
    .await;
    assert_eq!(copy["visibility"], "private");

    // Not fetchable unsigned, nor by C (no follower there) ...
    assert_hidden_from(&c, &carol, post["uri"].as_str().unwrap()).await;
    // ... while a public post of Bob's is fetched by C the same way.
    let (_, public) = b
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &bob,
            serde_json::json!({"status": "public minutes"}),
        )
        .await;
    assert_eq!(
        resolved_posts(&c, &carol, public["uri"].as_str().unwrap()).await,
        1
    );
}

#[tokio::test]
async fn an_approval_group_admits_some_and_spreads_members_posts_to_every_node() {
    let (a, b, c) = tokio::join!(
        ProcessNode::start(),
        ProcessNode::start(),
        ProcessNode::start()
    );
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    let dave = b.create_user("dave", "read write follow");
    let carol = c.create_user("carol", "read write follow");
    let made = c.cli(&[
        "admin",
        "create-group",
        "--name",
        "housing",
        "--owner",
        "carol",
        "--mode",
        "approval",
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let group = c.handle("housing");

    // The group is a Group actor listing its moderators.
    let (_, on_c) = c
        .api(Method::GET, "/api/v1/accounts/lookup?acct=housing", &carol)
        .await;
    assert_eq!(on_c["group"], true, "{on_c}");
    let group_id_on_c = on_c["id"].as_str().unwrap().to_owned();
    let actor: Value = c
        .http
        .get(on_c["uri"].as_str().unwrap())
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(actor["type"], "Group");
    assert_eq!(actor["manuallyApprovesFollowers"], true);
    assert_eq!(actor["membershipMode"], "approval");
    assert!(actor["attributedTo"]
        .as_str()
        .unwrap()
        .ends_with("/moderators"));

    // Three people ask to join.
    let mut group_ids = Vec::new();
    for (node, token) in [(&a, &alice), (&b, &bob), (&b, &dave)] {
        let id = resolve(node, token, &group).await;
        let (status, rel) = node
            .api(
                Method::POST,
                &format!("/api/v1/accounts/{id}/follow"),
                token,
            )
            .await;
        assert_eq!(status, 200, "{rel}");
        assert_eq!(rel["requested"], true, "approval needed: {rel}");
        group_ids.push(id);
    }
    let requests = wait::until("three join requests reach the moderator", || async {
        let (_, pending) = c
            .api(
                Method::GET,
                &format!("/api/moot/v1/groups/{group_id_on_c}/requests"),
                &carol,
            )
            .await;
        (pending.as_array()?.len() == 3).then_some(pending)
    })
    .await;
    // Only moderators may see or answer requests.
    let erin = c.create_user("erin", "read write follow");
    let (status, _) = c
        .api(
            Method::GET,
            &format!("/api/moot/v1/groups/{group_id_on_c}/requests"),
            &erin,
        )
        .await;
    assert_eq!(status, 403, "not a moderator");

    for request in requests.as_array().unwrap() {
        let answer = if request["acct"] == b.handle("bob") {
            "reject"
        } else {
            "authorize"
        };
        let id = request["id"].as_str().unwrap();
        let (status, body) = c
            .api(
                Method::POST,
                &format!("/api/moot/v1/groups/{group_id_on_c}/requests/{id}/{answer}"),
                &carol,
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    for (node, token, id, member) in [
        (&a, &alice, &group_ids[0], true),
        (&b, &bob, &group_ids[1], false),
        (&b, &dave, &group_ids[2], true),
    ] {
        wait::until("the moderator's answer arrives", || async {
            let (_, rels) = node
                .api(
                    Method::GET,
                    &format!("/api/v1/accounts/relationships?id[]={id}"),
                    token,
                )
                .await;
            let rel = &rels[0];
            let settled = rel["requested"] == false;
            (settled && rel["following"] == member).then_some(())
        })
        .await;
    }

    // Alice's post in the group reaches members on all three nodes.
    let (status, post) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            serde_json::json!({"status": format!("@{group} our tenancy checklist")}),
        )
        .await;
    assert_eq!(status, 200, "{post}");
    for (node, token) in [(&b, &dave), (&c, &carol)] {
        let seen = wait::until("the group's Announce reaches a member", || {
            in_home(node, token, "tenancy checklist")
        })
        .await;
        assert_eq!(seen["account"]["acct"], a.handle("alice"));
    }

    // Bob, turned away, cannot post in the group from his node ...
    let (status, body) = b
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &bob,
            serde_json::json!({"status": format!("@{group} buy my course")}),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    // ... and a node that ignores that is refused by the group's node.
    let peer = moot_testkit::FakePeer::start().await;
    peer.add_actor("intruder");
    let group_uri = on_c["uri"].as_str().unwrap();
    let note = format!("{}/notes/1", peer.base_url);
    let create = serde_json::json!({
        "id": format!("{}/activities/1", peer.base_url), "type": "Create", "actor": peer.actor("intruder"),
        "to": [group_uri], "cc": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": { "id": note, "type": "Note", "attributedTo": peer.actor("intruder"), "audience": group_uri,
                    "content": "<p>buy my course</p>", "to": [group_uri],
                    "cc": ["https://www.w3.org/ns/activitystreams#Public"] },
    });
    let (status, body) = peer
        .post_signed("intruder", &format!("{}/inbox", c.base_url), &create)
        .await;
    assert_eq!(status, 403, "{body}");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    for (node, token) in [(&a, &alice), (&b, &dave), (&c, &carol)] {
        assert!(in_home(node, token, "buy my course").await.is_none());
    }
}

#[tokio::test]
async fn a_private_groups_posts_reach_members_and_no_one_else() {
    let (a, b, c) = tokio::join!(
        ProcessNode::start(),
        ProcessNode::start(),
        ProcessNode::start()
    );
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    let carol = c.create_user("carol", "read write follow");
    let made = c.cli(&[
        "admin",
        "create-group",
        "--name",
        "casework",
        "--owner",
        "carol",
        "--mode",
        "private",
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let group = c.handle("casework");
    let (_, on_c) = c
        .api(Method::GET, "/api/v1/accounts/lookup?acct=casework", &carol)
        .await;
    let group_id = on_c["id"].as_str().unwrap().to_owned();

    // Alice joins (approved); Bob only knows of the group.
    let id = resolve(&a, &alice, &group).await;
    a.api(
        Method::POST,
        &format!("/api/v1/accounts/{id}/follow"),
        &alice,
    )
    .await;
    resolve(&b, &bob, &group).await;
    let request = wait::until("the join request arrives", || async {
        let (_, pending) = c
            .api(
                Method::GET,
                &format!("/api/moot/v1/groups/{group_id}/requests"),
                &carol,
            )
            .await;
        pending.as_array()?.first().cloned()
    })
    .await;
    let (status, _) = c
        .api(
            Method::POST,
            &format!(
                "/api/moot/v1/groups/{group_id}/requests/{}/authorize",
                request["id"].as_str().unwrap()
            ),
            &carol,
        )
        .await;
    assert_eq!(status, 200);
    wait::until("Alice is a member", || async {
        let (_, rels) = a
            .api(
                Method::GET,
                &format!("/api/v1/accounts/relationships?id[]={id}"),
                &alice,
            )
            .await;
        (rels[0]["following"] == true).then_some(())
    })
    .await;

    // Carol posts in the group: members only, whatever she asked for.
    let (status, post) = c
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &carol,
            serde_json::json!({"status": format!("@{group} confidential case notes"), "visibility": "public"}),
        )
        .await;
    assert_eq!(status, 200, "{post}");
    assert_eq!(post["visibility"], "private");
    let uri = post["uri"].as_str().unwrap().to_owned();

    // Alice's node fetches it (signed, for a member) and shows it to her.
    let seen = wait::until("the post reaches the member", || {
        in_home(&a, &alice, "confidential case notes")
    })
    .await;
    assert_eq!(seen["visibility"], "private");

    // Not to an unsigned fetch, nor to a node with no member.
    assert_hidden_from(&b, &bob, &uri).await;
}

#[tokio::test]
async fn likes_and_their_undo_cross_nodes() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    follow_across(&a, &alice, &b, "bob").await;
    let (_, post) = b
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &bob,
            serde_json::json!({"status": "minutes of the meeting"}),
        )
        .await;
    let on_b = post["id"].as_str().unwrap().to_owned();
    let copy = wait::until("the post reaches A", || {
        in_home(&a, &alice, "minutes of the meeting")
    })
    .await;
    let on_a = copy["id"].as_str().unwrap().to_owned();

    let (status, liked) = a
        .api(
            Method::POST,
            &format!("/api/v1/statuses/{on_a}/favourite"),
            &alice,
        )
        .await;
    assert_eq!(status, 200, "{liked}");
    assert_eq!(liked["favourited"], true);
    assert_eq!(liked["favourites_count"], 1);
    wait::until("the Like reaches B", || async {
        let (_, s) = b
            .api(Method::GET, &format!("/api/v1/statuses/{on_b}"), &bob)
            .await;
        (s["favourites_count"] == 1).then_some(())
    })
    .await;
    let (_, told) = b
        .api(Method::GET, "/api/v1/notifications?types[]=favourite", &bob)
        .await;
    assert_eq!(told[0]["status"]["id"], on_b.as_str(), "{told}");

    let (status, _) = a
        .api(
            Method::POST,
            &format!("/api/v1/statuses/{on_a}/unfavourite"),
            &alice,
        )
        .await;
    assert_eq!(status, 200);
    wait::until("the Undo reaches B", || async {
        let (_, s) = b
            .api(Method::GET, &format!("/api/v1/statuses/{on_b}"), &bob)
            .await;
        (s["favourites_count"] == 0).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_direct_message_reaches_only_the_person_mentioned() {
    let (a, b, c) = tokio::join!(
        ProcessNode::start(),
        ProcessNode::start(),
        ProcessNode::start()
    );
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    let carol = c.create_user("carol", "read write follow");
    resolve(&a, &alice, &b.handle("bob")).await;
    // Carol follows Alice, but is not mentioned.
    follow_across(&c, &carol, &a, "alice").await;

    let (status, post) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            serde_json::json!({"status": format!("@{} the draft contract, between us", b.handle("bob")), "visibility": "direct"}),
        )
        .await;
    assert_eq!(status, 200, "{post}");
    let seen = wait::until("the message reaches Bob", || {
        in_home(&b, &bob, "the draft contract")
    })
    .await;
    assert_eq!(seen["visibility"], "direct");

    // Carol follows Alice but is not mentioned: nothing reaches her node.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_hidden_from(&c, &carol, post["uri"].as_str().unwrap()).await;
}

#[tokio::test]
async fn delivery_can_run_in_separate_worker_processes() {
    let (a, b) = tokio::join!(
        ProcessNode::start_with(&["serve", "--no-delivery"]),
        ProcessNode::start()
    );
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    let bob_id = resolve(&a, &alice, &b.handle("bob")).await;
    let (status, _) = a
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{bob_id}/follow"),
            &alice,
        )
        .await;
    assert_eq!(status, 200);
    // Queued, not sent: this node does not deliver.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let (_, me) = b
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &bob)
        .await;
    assert_eq!(me["followers_count"], 0);
    // Two shard workers start; the one owning B's peer delivers the Follow.
    let _workers = [
        a.spawn(&["deliver", "--shard", "0/2"]),
        a.spawn(&["deliver", "--shard", "1/2"]),
    ];
    wait::until("a worker delivers the Follow", || async {
        let (_, me) = b
            .api(Method::GET, "/api/v1/accounts/verify_credentials", &bob)
            .await;
        (me["followers_count"] == 1).then_some(())
    })
    .await;
    // B's Accept comes back to A's HTTP process, which records it.
    wait::until("the Accept reaches A", || async {
        let (_, rels) = a
            .api(
                Method::GET,
                &format!("/api/v1/accounts/relationships?id[]={bob_id}"),
                &alice,
            )
            .await;
        (rels[0]["following"] == true).then_some(())
    })
    .await;
}

#[tokio::test]
async fn delivery_is_observable_in_metrics_and_the_cli() {
    let metrics_env = [
        ("MOOT_METRICS__ENABLED", "true"),
        ("MOOT_METRICS__TOKEN", "s3cret-token"),
    ];
    let (a, b) = tokio::join!(
        ProcessNode::start_configured(&["serve"], &metrics_env),
        ProcessNode::start()
    );
    let alice = a.create_user("alice", "read write follow");
    b.create_user("bob", "read write follow");
    follow_across(&a, &alice, &b, "bob").await;

    let url = format!("{}/metrics", a.base_url);
    assert_eq!(a.http.get(&url).send().await.unwrap().status(), 401);
    let scrape = || async {
        let response = a.http.get(&url).bearer_auth("s3cret-token").send();
        response.await.unwrap().text().await.unwrap()
    };
    let text = scrape().await;
    assert!(
        text.contains("moot_delivery_attempts_total{outcome=\"delivered\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("moot_delivery_request_seconds_count 1"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "moot_peer_lag_activities{{peer=\"{}\"}} 0",
            b.hostname
        )),
        "{text}"
    );
    assert!(text.contains("moot_outbox_queued 0"), "{text}");
    // A forged request to the inbox is counted where it was refused.
    let forged = a
        .http
        .post(format!("{}/inbox", a.base_url))
        .header("content-type", "application/activity+json")
        .body(r#"{"type":"Create"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    let text = scrape().await;
    assert!(
        text.contains("moot_inbox_screen_refusals_total{status=\"401\"} 1"),
        "{text}"
    );
    // Without metrics enabled the endpoint does not exist.
    assert_eq!(
        b.http
            .get(format!("{}/metrics", b.base_url))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    let status = a.cli(&["admin", "federation-status"]);
    let table = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let row = table
        .lines()
        .find(|l| l.starts_with(&b.hostname))
        .expect("a row for B");
    assert!(
        row.split_whitespace().collect::<Vec<_>>()[1..].starts_with(&["0", "0", "0", "ok"]),
        "{table}"
    );
}

#[tokio::test]
async fn a_backlog_survives_a_killed_sender_and_a_stopped_receiver() {
    use nix::sys::signal::Signal;
    const POSTS: usize = 500;
    let (mut a, mut b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let alice = a.create_user("alice", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    follow_across(&b, &bob, &a, "alice").await;

    // B goes down; A queues 500 posts for it; A is killed outright.
    b.stop(Signal::SIGTERM);
    for i in 1..=POSTS {
        let (status, _) = a
            .api_json(
                Method::POST,
                "/api/v1/statuses",
                &alice,
                serde_json::json!({"status": format!("backlog {i}")}),
            )
            .await;
        assert_eq!(status, 200);
    }
    a.stop(Signal::SIGKILL);
    b.restart().await;
    a.restart().await;

    // B ends up with all of them, in order, none twice (its database).
    let expected: Vec<String> = (1..=POSTS).map(|i| format!("<p>backlog {i}</p>")).collect();
    let (client, conn) = tokio_postgres::connect(&b.database.url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let received = wait::within(
        std::time::Duration::from_secs(150),
        "B catches up",
        || async {
            let rows = client
                .query(
                    "SELECT content FROM statuses WHERE ap_id IS NOT NULL ORDER BY id",
                    &[],
                )
                .await
                .unwrap();
            let contents: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
            (contents.len() >= POSTS).then_some(contents)
        },
    )
    .await;
    assert_eq!(received, expected);
}

#[tokio::test]
async fn a_burst_through_two_api_processes_and_two_shard_workers_arrives_once_in_order() {
    const POSTS: usize = 1000;
    let a = ProcessNode::start_with(&["serve", "--no-delivery"]).await;
    // A second HTTP process of the same node, on another port.
    let second_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let port = second_port.to_string();
    let _second = a.spawn_with(
        &["serve", "--no-delivery"],
        &[("MOOT_SERVER__PORT", port.as_str())],
    );
    let _workers = [
        a.spawn(&["deliver", "--shard", "0/2"]),
        a.spawn(&["deliver", "--shard", "1/2"]),
    ];
    let alice = a.create_user("alice", "read write follow");
    let second_url = format!("http://127.0.0.1:{second_port}");
    wait::until("the second process serves", || async {
        let r = a
            .http
            .get(format!("{second_url}/healthz"))
            .send()
            .await
            .ok()?;
        r.status().is_success().then_some(())
    })
    .await;

    let mut peers = Vec::new();
    for _ in 0..4 {
        let peer = moot_testkit::FakePeer::start().await;
        let actor = peer.add_actor("reader");
        let follow = serde_json::json!({"id": format!("{actor}/follows/1"), "type": "Follow", "actor": actor,
                                        "object": format!("{}/users/alice", a.base_url)});
        let (status, body) = peer
            .post_signed("reader", &format!("{}/inbox", a.base_url), &follow)
            .await;
        assert_eq!(status, 202, "{body}");
        peers.push(peer);
    }
    // Posts go through both HTTP processes, alternately.
    let expected: Vec<String> = (1..=POSTS).map(|i| format!("burst {i}")).collect();
    for (i, text) in expected.iter().enumerate() {
        let base = if i % 2 == 0 {
            a.base_url.clone()
        } else {
            second_url.clone()
        };
        let response = a
            .http
            .post(format!("{base}/api/v1/statuses"))
            .bearer_auth(&alice)
            .json(&serde_json::json!({"status": text}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    for peer in &peers {
        let got = wait::within(
            std::time::Duration::from_secs(120),
            "every post reaches every peer",
            || async {
                let posts: Vec<String> = peer
                    .received()
                    .iter()
                    .filter(|a| a["type"] == "Create")
                    .map(|a| {
                        a["object"]["source"]["content"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned()
                    })
                    .collect();
                (posts.len() >= POSTS).then_some(posts)
            },
        )
        .await;
        assert_eq!(got, expected, "all {POSTS}, in order, none twice");
    }
}
