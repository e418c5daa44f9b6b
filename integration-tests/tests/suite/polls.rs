//! Polls across three real nodes through the Mastodon client API: a poll
//! on A gets votes from B and C (and A); the totals are right on all three,
//! and every poll answer has Mastodon's shape.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::social::{follow_across, in_home};
use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::{json, Value};

async fn vote_json(node: &ProcessNode, token: &str, poll: &str, choices: Value) -> (u16, Value) {
    node.api_json(
        Method::POST,
        &format!("/api/v1/polls/{poll}/votes"),
        token,
        json!({ "choices": choices }),
    )
    .await
}

/// Votes as a form, the way many clients send it.
async fn vote_form(node: &ProcessNode, token: &str, poll: &str, choices: &[&str]) -> (u16, Value) {
    let form: Vec<(&str, &str)> = choices.iter().map(|c| ("choices[]", *c)).collect();
    let response = node
        .http
        .post(format!("{}/api/v1/polls/{poll}/votes", node.base_url))
        .bearer_auth(token)
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn poll(node: &ProcessNode, token: &str, id: &str) -> Value {
    let (status, poll) = node
        .api(Method::GET, &format!("/api/v1/polls/{id}"), token)
        .await;
    assert_eq!(status, 200, "{poll}");
    MastodonApi::get().assert_valid("GET", "/api/v1/polls/{id}", 200, &poll);
    poll
}

/// The id, on `node`, of the post with a poll that says `text`, once it
/// has reached `token`'s home.
async fn find_poll(node: &ProcessNode, token: &str, text: &str) -> String {
    wait::until("the poll reaches the follower", || async {
        let post = in_home(node, token, text).await?;
        post["poll"]
            .is_object()
            .then(|| post["id"].as_str().unwrap().to_owned())
    })
    .await
}

fn totals(poll: &Value) -> (Vec<i64>, i64) {
    let counts = poll["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["votes_count"].as_i64().unwrap())
        .collect();
    (counts, poll["voters_count"].as_i64().unwrap())
}

#[tokio::test]
async fn a_poll_gets_votes_from_three_nodes_and_every_node_shows_the_totals() {
    let (a, b, c) = tokio::join!(
        ProcessNode::start(),
        ProcessNode::start(),
        ProcessNode::start()
    );
    let alice = a.create_user("alice", "read write follow");
    let dave = a.create_user("dave", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    let carol = c.create_user("carol", "read write follow");
    tokio::join!(
        follow_across(&b, &bob, &a, "alice"),
        follow_across(&c, &carol, &a, "alice")
    );

    // Refused polls: one option, too short a life.
    for bad in [
        json!({ "options": ["Only"], "expires_in": 3600 }),
        json!({ "options": ["A", "B"], "expires_in": 10 }),
    ] {
        let (status, _) = a
            .api_json(
                Method::POST,
                "/api/v1/statuses",
                &alice,
                json!({ "status": "Bad poll", "poll": bad }),
            )
            .await;
        assert_eq!(status, 422);
    }

    let (status, single) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            json!({
                "status": "When should the forum meet?",
                "poll": { "options": ["Tuesday", "Thursday"], "expires_in": 86400 },
            }),
        )
        .await;
    assert_eq!(status, 200, "{single}");
    MastodonApi::get().assert_valid("POST", "/api/v1/statuses", 200, &single);
    assert_eq!(single["poll"]["options"][1]["title"], "Thursday");
    let (status, multiple) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            json!({
                "status": "Which topics?",
                "poll": { "options": ["Housing", "Roads", "Budgets"], "expires_in": "86400", "multiple": "true" },
            }),
        )
        .await;
    assert_eq!(status, 200, "{multiple}");
    assert_eq!(multiple["poll"]["multiple"], true);
    let single_on_a = single["id"].as_str().unwrap().to_owned();
    let multiple_on_a = multiple["id"].as_str().unwrap().to_owned();

    // B and C see the polls as native polls, and vote there.
    let (single_on_b, single_on_c, multiple_on_c) = tokio::join!(
        find_poll(&b, &bob, "When should the forum meet?"),
        find_poll(&c, &carol, "When should the forum meet?"),
        find_poll(&c, &carol, "Which topics?")
    );
    let (status, after) = vote_json(&b, &bob, &single_on_b, json!([0])).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["voted"], true);
    assert_eq!(after["own_votes"], json!([0]));
    let (status, _) = vote_form(&c, &carol, &single_on_c, &["1"]).await;
    assert_eq!(status, 200);
    let (status, _) = vote_json(&a, &dave, &single_on_a, json!(["1"])).await;
    assert_eq!(status, 200);
    // Once each; one choice in a single-choice poll; never your own poll.
    let (status, _) = vote_json(&b, &bob, &single_on_b, json!([1])).await;
    assert_eq!(status, 422);
    let (status, _) = vote_json(&a, &dave, &multiple_on_a, json!([0, 0])).await;
    assert_eq!(status, 422);
    let (status, _) = vote_json(&a, &alice, &single_on_a, json!([0])).await;
    assert_eq!(status, 422);
    let (status, _) = vote_json(&a, &dave, &single_on_a, json!([5])).await;
    assert_eq!(status, 422);
    // Several choices in the multiple-choice poll travel one by one.
    let (status, _) = vote_form(&c, &carol, &multiple_on_c, &["0", "2"]).await;
    assert_eq!(status, 200);

    // A counts them all; B and C get the totals.
    wait::until("A counts every vote", || async {
        let one = totals(&poll(&a, &alice, &single_on_a).await);
        let many = totals(&poll(&a, &alice, &multiple_on_a).await);
        (one == (vec![1, 2], 3) && many == (vec![1, 0, 1], 1)).then_some(())
    })
    .await;
    for (node, token, id) in [(&b, &bob, &single_on_b), (&c, &carol, &single_on_c)] {
        wait::until("the totals reach the node", || async {
            (totals(&poll(node, token, id).await) == (vec![1, 2], 3)).then_some(())
        })
        .await;
    }
    let on_c = poll(&c, &carol, &single_on_c).await;
    assert_eq!(
        (on_c["voted"].clone(), on_c["own_votes"].clone()),
        (json!(true), json!([1]))
    );
    let many_on_c = poll(&c, &carol, &multiple_on_c).await;
    assert_eq!(many_on_c["own_votes"], json!([0, 2]));
}
