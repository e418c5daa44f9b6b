//! Answered questions across two real nodes: a reply from B chosen as the
//! answer to a question on A shows as accepted on B; clearing it clears it
//! there too; only the question's author may choose.

use moot_testkit::social::{follow_across, in_home, moot_api};
use moot_testkit::{wait, ProcessNode};
use reqwest::Method;
use serde_json::{json, Value};

async fn answer_of(node: &ProcessNode, token: &str, question: &str) -> Value {
    let path = format!("/statuses/{question}/answer");
    let (status, answer) = moot_api(
        node,
        token,
        Method::GET,
        ("/statuses/{id}/answer", &path),
        None,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    answer
}

#[tokio::test]
async fn an_answer_chosen_on_one_node_shows_as_accepted_on_another() {
    let (a, b) = tokio::join!(ProcessNode::start(), ProcessNode::start());
    let alice = a.create_user("alice", "read write follow");
    let carol = a.create_user("carol", "read write follow");
    let bob = b.create_user("bob", "read write follow");
    follow_across(&b, &bob, &a, "alice").await;

    let (status, question) = a
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &alice,
            json!({ "status": "How do other councils handle fly-tipping reports?" }),
        )
        .await;
    assert_eq!(status, 200, "{question}");
    let question_on_a = question["id"].as_str().unwrap().to_owned();
    let question_on_b = wait::until("the question reaches B", || async {
        in_home(&b, &bob, "fly-tipping reports")
            .await
            .map(|p| p["id"].as_str().unwrap().to_owned())
    })
    .await;
    let (status, reply) = b
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &bob,
            json!({ "status": "@alice@".to_owned() + &a.hostname + " We use a shared map and a 48-hour target.", "in_reply_to_id": question_on_b }),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    let reply_on_b = reply["id"].as_str().unwrap().to_owned();
    let reply_on_a = wait::until("the reply reaches A", || async {
        let (_, context) = a
            .api(
                Method::GET,
                &format!("/api/v1/statuses/{question_on_a}/context"),
                &alice,
            )
            .await;
        context["descendants"].as_array()?.first()?["id"]
            .as_str()
            .map(str::to_owned)
    })
    .await;
    assert_eq!(
        answer_of(&b, &bob, &question_on_b).await["answer_id"],
        Value::Null
    );

    // Only the question's author (or a moderator of its group) chooses.
    let path = format!("/statuses/{question_on_a}/answer");
    let (status, _) = moot_api(
        &a,
        &carol,
        Method::POST,
        ("/statuses/{id}/answer", &path),
        Some(json!({ "answer_id": reply_on_a })),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = moot_api(
        &a,
        &alice,
        Method::POST,
        ("/statuses/{id}/answer", &path),
        Some(json!({ "answer_id": question_on_a })),
    )
    .await;
    assert_eq!(status, 422, "a post is not its own answer");

    let (status, chosen) = moot_api(
        &a,
        &alice,
        Method::POST,
        ("/statuses/{id}/answer", &path),
        Some(json!({ "answer_id": reply_on_a })),
    )
    .await;
    assert_eq!(status, 200, "{chosen}");
    assert_eq!(chosen["answer_id"], reply_on_a.as_str());
    wait::until("B shows the accepted answer", || async {
        (answer_of(&b, &bob, &question_on_b).await["answer_id"] == reply_on_b.as_str())
            .then_some(())
    })
    .await;

    // Cleared on A: cleared on B.
    let (status, cleared) = moot_api(
        &a,
        &alice,
        Method::DELETE,
        ("/statuses/{id}/answer", &path),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(cleared["answer_id"], Value::Null);
    wait::until("B clears the answer", || async {
        answer_of(&b, &bob, &question_on_b).await["answer_id"]
            .is_null()
            .then_some(())
    })
    .await;
}
