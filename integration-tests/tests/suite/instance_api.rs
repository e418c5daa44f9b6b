//! What apps read about the node as a whole: the profile directory (people
//! and groups, most recently active first), the nodes it federates with
//! (blocked ones, obfuscated or not, left out), its weekly activity, its
//! extended description and translation languages; each answer checked
//! against Mastodon's API document.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::social::follow_by_uri;
use moot_testkit::{FakePeer, TestNode};
use reqwest::Method;
use serde_json::{json, Value};

fn names(accounts: &Value) -> Vec<String> {
    accounts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["acct"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_directory_lists_active_people_and_groups() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let sam = node.create_user("sam", "read write follow").await;
    let jo = node.create_user("jo", "read write follow").await;
    node.create_user("quiet", "read").await;
    node.create_group("housing", "jo", moot_app::groups::MembershipMode::Open)
        .await;
    // A sign-up waiting for approval is not listed.
    let ctx = node.ctx();
    moot_app::accounts::create_local_user(
        &ctx.db,
        &ctx.settings,
        moot_app::accounts::NewUser {
            username: "pending".into(),
            email: "pending@council.example".into(),
            password: Some("a long enough password".into()),
            ..Default::default()
        },
        moot_app::accounts::CreatedBy::SignUp,
    )
    .await
    .unwrap();
    node.post(&sam, "Morning all").await;
    node.post(
        &jo,
        &format!(
            "@housing@{} Damp survey results",
            node.settings.server.hostname
        ),
    )
    .await;

    let (status, active) = node
        .get_json("/api/v1/directory?local=true&order=active")
        .await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v1/directory", 200, &active);
    let listed = names(&active);
    // A group is as active as the last post made in it: Jo's, after Sam's.
    assert_eq!(&listed[..3], ["housing", "jo", "sam"], "{listed:?}");
    assert!(listed.contains(&"quiet".to_owned()), "{listed:?}");
    assert!(!listed.contains(&"pending".to_owned()), "{listed:?}");
    let group = active
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["acct"] == "housing")
        .unwrap();
    assert_eq!(group["group"], true);

    let (_, newest) = node
        .get_json("/api/v1/directory?local=true&order=new&limit=2")
        .await;
    assert_eq!(names(&newest).len(), 2);
    assert_eq!(names(&newest)[0], "housing", "the newest account first");
    let (_, rest) = node
        .get_json("/api/v1/directory?local=true&order=new&offset=2")
        .await;
    assert!(!names(&rest).contains(&"housing".to_owned()));
    let (status, _) = node.get_json("/api/v1/directory?order=loudest").await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn peers_activity_and_description_are_what_mastodon_serves() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let jo = node.create_user("jo", "read write follow").await;
    let (friendly, silenced, hidden) =
        tokio::join!(FakePeer::start(), FakePeer::start(), FakePeer::start());
    for peer in [&friendly, &silenced, &hidden] {
        peer.add_actor("someone");
        follow_by_uri(&node.http, &node.base_url, &jo, &peer.actor("someone")).await;
    }
    let ctx = node.ctx();
    let who = moot_app::audit::Who::person("keeper");
    use moot_app::domain_policy::{block, BlockRequest};
    use moot_core::domain_rules::Severity;
    block(
        &ctx,
        &who,
        &silenced.host(),
        &BlockRequest::new(Severity::Silence),
    )
    .await
    .unwrap();
    let mut obfuscated = BlockRequest::new(Severity::Suspend);
    obfuscated.obfuscate = true;
    block(&ctx, &who, &hidden.host(), &obfuscated)
        .await
        .unwrap();

    let (status, peers) = node.get_json("/api/v1/instance/peers").await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v1/instance/peers", 200, &peers);
    assert_eq!(
        peers,
        json!([friendly.host()]),
        "blocked nodes are left out"
    );

    node.post(&jo, "A week's work").await;
    let (status, weeks) = node.get_json("/api/v1/instance/activity").await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v1/instance/activity", 200, &weeks);
    assert_eq!(weeks.as_array().unwrap().len(), 12);
    assert_eq!(weeks[0]["statuses"], "1", "{weeks}");
    assert_eq!(weeks[0]["registrations"], "1");
    let this_week: i64 = weeks[0]["week"].as_str().unwrap().parse().unwrap();
    let last_week: i64 = weeks[1]["week"].as_str().unwrap().parse().unwrap();
    assert_eq!(this_week - last_week, 7 * 86_400);

    let (status, about) = node.get_json("/api/v1/instance/extended_description").await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v1/instance/extended_description", 200, &about);
    assert!(about["content"].as_str().unwrap().contains("Moot node"));
    let (status, languages) = node
        .get_json("/api/v1/instance/translation_languages")
        .await;
    assert_eq!((status, languages), (200, json!({})));
    let (_, me) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &jo)
        .await;
    assert_eq!(me["username"], "jo");
}

#[tokio::test]
async fn several_posts_and_accounts_at_once_familiar_followers_and_featured_tags() {
    let node = TestNode::start().await;
    let api = MastodonApi::get();
    let jo = node.create_user("jo", "read write follow").await;
    let sam = node.create_user("sam", "read write follow").await;
    let kim = node.create_user("kim", "read write follow").await;
    let first = node.post(&sam, "About #housing damp").await;
    let second = node.post(&sam, "More on #housing repairs").await;
    let (_, private) = node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &kim,
            json!({"status": "followers only", "visibility": "private"}),
        )
        .await;
    let ids = [&second, &private, &first]
        .iter()
        .map(|p| format!("id[]={}", p["id"].as_str().unwrap()))
        .collect::<Vec<_>>()
        .join("&");
    let (status, found) = node
        .api(Method::GET, &format!("/api/v1/statuses?{ids}"), &jo)
        .await;
    assert_eq!(status, 200, "{found}");
    api.assert_valid("GET", "/api/v1/statuses", 200, &found);
    let got: Vec<&Value> = found.as_array().unwrap().iter().map(|s| &s["id"]).collect();
    assert_eq!(
        got,
        [&second["id"], &first["id"]],
        "in order, without what jo may not see"
    );

    let (_, sam_json) = node.get_json("/api/v1/accounts/lookup?acct=sam").await;
    let (_, kim_json) = node.get_json("/api/v1/accounts/lookup?acct=kim").await;
    let (_, accounts) = node
        .get_json(&format!(
            "/api/v1/accounts?id[]={}&id[]={}&id[]=999999",
            kim_json["id"].as_str().unwrap(),
            sam_json["id"].as_str().unwrap()
        ))
        .await;
    api.assert_valid("GET", "/api/v1/accounts", 200, &accounts);
    assert_eq!(names(&accounts), ["kim", "sam"]);

    // Jo follows Sam, who follows Kim: Sam is a familiar follower of Kim.
    node.follow_local(&jo, "sam").await;
    node.follow_local(&sam, "kim").await;
    let (status, familiar) = node
        .api(
            Method::GET,
            &format!(
                "/api/v1/accounts/familiar_followers?id[]={}",
                kim_json["id"].as_str().unwrap()
            ),
            &jo,
        )
        .await;
    assert_eq!(status, 200, "{familiar}");
    api.assert_valid("GET", "/api/v1/accounts/familiar_followers", 200, &familiar);
    assert_eq!(names(&familiar[0]["accounts"]), ["sam"]);

    let (status, tags) = node
        .get_json(&format!(
            "/api/v1/accounts/{}/featured_tags",
            sam_json["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, 200);
    api.assert_valid("GET", "/api/v1/accounts/{id}/featured_tags", 200, &tags);
    assert_eq!(tags[0]["name"], "housing");
    assert_eq!(tags[0]["statuses_count"], "2");
    for path in ["/api/v1/featured_tags", "/api/v1/endorsements"] {
        let (status, empty) = node.api(Method::GET, path, &jo).await;
        assert_eq!((status, empty), (200, json!([])), "{path}");
    }
}

#[tokio::test]
async fn a_public_post_can_be_embedded_and_a_private_one_cannot() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write").await;
    let post = node.post(&jo, "Our <b>damp</b> survey").await;
    let page = post["url"].as_str().unwrap();
    let (status, embed) = node
        .get_json(&format!(
            "/api/oembed?url={}",
            moot_testkit::social::percent_encode(page)
        ))
        .await;
    assert_eq!(status, 200, "{embed}");
    MastodonApi::get().assert_valid("GET", "/api/oembed", 200, &embed);
    let html = embed["html"].as_str().unwrap();
    assert!(html.contains("damp") && html.contains(page), "{html}");
    assert!(!html.contains("<b>"), "the text as sanitized: {html}");
    let (_, private) = node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &jo,
            json!({"status": "followers only", "visibility": "private"}),
        )
        .await;
    let (status, _) = node
        .get_json(&format!(
            "/api/oembed?url={}",
            moot_testkit::social::percent_encode(private["uri"].as_str().unwrap())
        ))
        .await;
    assert_eq!(status, 404);
    let (status, _) = node
        .get_json("/api/oembed?url=https%3A%2F%2Felsewhere.example%2Fposts%2F1")
        .await;
    assert_eq!(status, 404);
}
