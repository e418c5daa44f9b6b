//! Group traffic arrives whole and in order: a group on A with members on
//! B and C; B's people post into it all at once; C gets every post once,
//! each sender's in the order sent, and A keeps exactly what was sent.

use std::collections::{HashMap, HashSet};

use moot_testkit::social::{follow_across, make_group, say};
use moot_testkit::ProcessNode;
use reqwest::Method;
use serde_json::Value;

const SENDERS: usize = 5;
const EACH: usize = 100;

/// Every post in `group` as `node` lists it (newest first), by paging; a
/// group's boost of a post stands for the post.
async fn posts_in(node: &ProcessNode, token: &str, group: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut max_id = String::new();
    loop {
        let path = format!("/api/v1/accounts/{group}/statuses?limit=40&max_id={max_id}");
        let (status, page) = node.api(Method::GET, &path, token).await;
        assert_eq!(status, 200, "{page}");
        let page = page.as_array().cloned().unwrap_or_default();
        let Some(last) = page.last() else {
            return all;
        };
        max_id = last["id"].as_str().unwrap().to_owned();
        all.extend(page.into_iter().map(|entry| match &entry["reblog"] {
            Value::Object(_) => entry["reblog"].clone(),
            _ => entry,
        }));
    }
}

/// (sender, number) from a post's text `... from bN number M ...`.
fn sent_as(post: &Value) -> (String, usize) {
    let text = post["content"].as_str().unwrap();
    let from = text.split("from ").nth(1).unwrap();
    let mut words = from.split_whitespace();
    let sender = words.next().unwrap().to_owned();
    let number = words
        .nth(1)
        .unwrap()
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .unwrap();
    (sender, number)
}

#[tokio::test]
async fn five_hundred_posts_into_a_group_reach_every_member_node_once_and_in_order() {
    let (a, b, c) = tokio::join!(
        ProcessNode::start(),
        ProcessNode::start(),
        ProcessNode::start()
    );
    let owner = a.create_user("owner", "read write follow");
    let on_a = make_group(&a, &owner, "housing", "owner", "open").await;
    let carol = c.create_user("carol", "read write follow");
    let on_c = follow_across(&c, &carol, &a, "housing").await;
    let mut senders = Vec::new();
    for n in 0..SENDERS {
        let name = format!("b{n}");
        let token = b.create_user(&name, "read write follow");
        follow_across(&b, &token, &a, "housing").await;
        senders.push((name, token));
    }

    // Everyone at once; each sender's posts one after another.
    let group = a.handle("housing");
    let sending = senders.iter().map(|(name, token)| {
        let (b, group) = (&b, &group);
        async move {
            for i in 0..EACH {
                say(
                    b,
                    token,
                    &format!("@{group} Note from {name} number {i:03}."),
                )
                .await;
            }
        }
    });
    futures_util::future::join_all(sending).await;

    // Slow is not lost: waits while posts keep coming, and fails when
    // none has come for a minute and a half.
    let total = SENDERS * EACH;
    let (mut seen, mut last_progress) = (0, std::time::Instant::now());
    let on_c_posts = loop {
        let posts = posts_in(&c, &carol, &on_c).await;
        if posts.len() >= total {
            break posts;
        }
        if posts.len() > seen {
            (seen, last_progress) = (posts.len(), std::time::Instant::now());
        }
        assert!(
            last_progress.elapsed() < std::time::Duration::from_secs(90),
            "C has {seen} of {total} posts and no more came for 90 s"
        );
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    };
    // Once each.
    assert_eq!(on_c_posts.len(), total);
    let uris: HashSet<&str> = on_c_posts
        .iter()
        .map(|p| p["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris.len(), total, "a post arrived twice");
    // In order per sender: C's ids rise with each sender's numbers.
    let mut by_sender: HashMap<String, Vec<(u64, usize)>> = HashMap::new();
    for post in &on_c_posts {
        let (sender, number) = sent_as(post);
        let id: u64 = post["id"].as_str().unwrap().parse().unwrap();
        by_sender.entry(sender).or_default().push((id, number));
    }
    assert_eq!(by_sender.len(), SENDERS);
    for (sender, mut posts) in by_sender {
        posts.sort();
        let numbers: Vec<usize> = posts.iter().map(|(_, n)| *n).collect();
        assert_eq!(
            numbers,
            (0..EACH).collect::<Vec<_>>(),
            "{sender}'s posts arrived out of order"
        );
    }
    // A keeps exactly what was sent.
    assert_eq!(posts_in(&a, &owner, &on_a).await.len(), total);
}
