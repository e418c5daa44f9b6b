//! Group rules against a scripted remote member: open joining, bans.

use moot_testkit::openapi::MootApi;
use moot_testkit::{wait, FakePeer, TestNode};
use reqwest::Method;
use serde_json::{json, Value};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

#[tokio::test]
async fn an_open_group_admits_at_once_and_a_ban_shuts_the_door() {
    let node = TestNode::start().await;
    let owner = node.create_user("owner", "read write follow").await;
    moot_app::groups::create(
        &moot_app::Context::new(node.db.clone(), node.settings.clone()),
        "walking",
        "owner",
        moot_app::groups::MembershipMode::Open,
    )
    .await
    .unwrap();
    let (_, group) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=walking", &owner)
        .await;
    let group_uri = group["uri"].as_str().unwrap().to_owned();
    let group_id = group["id"].as_str().unwrap().to_owned();
    let inbox = node.url("/inbox");

    let peer = FakePeer::start().await;
    let member = peer.add_actor("rambler");
    let follow = |n: u32| json!({"id": format!("{}/follows/{n}", peer.base_url), "type": "Follow", "actor": member, "object": group_uri});
    let (status, body) = peer.post_signed("rambler", &inbox, &follow(1)).await;
    assert_eq!(status, 202, "{body}");
    // Open: accepted at once.
    wait::until("the Accept reaches the peer", || async {
        peer.received()
            .iter()
            .any(|a| a["type"] == "Accept")
            .then_some(())
    })
    .await;

    let post = |n: u32| {
        let note = format!("{}/notes/{n}", peer.base_url);
        json!({
            "id": format!("{}/creates/{n}", peer.base_url), "type": "Create", "actor": member,
            "to": [group_uri, PUBLIC],
            "object": {"id": note, "type": "Note", "attributedTo": member, "audience": group_uri,
                       "content": format!("<p>walk {n}</p>"), "to": [group_uri, PUBLIC]},
        })
    };
    let (status, body) = peer.post_signed("rambler", &inbox, &post(1)).await;
    assert_eq!(status, 202, "a member posts: {body}");

    // A change to the group reaches its members elsewhere at once.
    let (status, _) = node
        .api_json(
            Method::PATCH,
            &format!("/api/moot/v1/groups/{group_id}"),
            &owner,
            json!({"display_name": "Walking routes"}),
        )
        .await;
    assert_eq!(status, 200);
    let update = wait::until("the group's Update reaches the member", || async {
        peer.received()
            .into_iter()
            .find(|a| a["type"] == "Update" && a["object"]["type"] == "Group")
    })
    .await;
    assert_eq!(update["object"]["name"], "Walking routes");

    // The moderator bans the member (only moderators may).
    let (_, found) = node
        .api(
            Method::GET,
            &format!("/api/v2/search?q=@rambler@{}&type=accounts", peer.host()),
            &owner,
        )
        .await;
    let member_id = found["accounts"][0]["id"].as_str().unwrap().to_owned();
    let stranger = node.create_user("stranger", "read write follow").await;
    let (status, _) = node
        .api(
            Method::POST,
            &format!("/api/moot/v1/groups/{group_id}/bans/{member_id}"),
            &stranger,
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = node
        .api(
            Method::POST,
            &format!("/api/moot/v1/groups/{group_id}/bans/{member_id}"),
            &owner,
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // Banned: posts are refused, and asking to join again is rejected.
    let (status, _) = peer.post_signed("rambler", &inbox, &post(2)).await;
    assert_eq!(status, 403);
    let (status, _) = peer.post_signed("rambler", &inbox, &follow(2)).await;
    assert_eq!(status, 202);
    wait::until("the Reject reaches the peer", || async {
        peer.received()
            .iter()
            .any(|a| a["type"] == "Reject")
            .then_some(())
    })
    .await;
    let (_, g) = node
        .api(Method::GET, &format!("/api/v1/accounts/{group_id}"), &owner)
        .await;
    assert_eq!(
        g["followers_count"],
        Value::from(1),
        "only the owner remains"
    );
}

/// Calls Moot's own API and checks a 200 answer against its document.
async fn moot(
    node: &TestNode,
    token: &str,
    method: Method,
    (template, path): (&str, &str),
    body: Option<Value>,
) -> (u16, Value) {
    let (status, answer) = match body {
        Some(body) => {
            node.api_json(method.clone(), &format!("/api/moot/v1{path}"), token, body)
                .await
        }
        None => {
            node.api(method.clone(), &format!("/api/moot/v1{path}"), token)
                .await
        }
    };
    if status == 200 {
        MootApi::get().assert_valid(method.as_str(), template, status, &answer);
    } else {
        assert!(answer["error"].is_string(), "{method} {path}: {answer}");
    }
    (status, answer)
}

#[tokio::test]
async fn a_group_is_run_through_moots_own_api() {
    let node = TestNode::start().await;
    let owner = node.create_user("owner", "read write follow").await;
    let helper = node.create_user("helper", "read write follow").await;
    let outsider = node.create_user("outsider", "read write follow").await;

    let (status, group) = moot(
        &node,
        &owner,
        Method::POST,
        ("/groups", "/groups"),
        Some(json!({"name": "planning", "display_name": "Planning officers", "membership": "approval"})),
    )
    .await;
    assert_eq!(status, 200, "{group}");
    assert_eq!(group["membership"], "approval");
    assert_eq!(group["account"]["group"], true);
    assert_eq!(group["moderators"][0]["username"], "owner");
    let group_id = group["id"].as_str().unwrap().to_owned();
    let at = |rest: &str| format!("/groups/{group_id}{rest}");
    // The name is the group's: a second one is refused.
    let (status, _) = moot(
        &node,
        &helper,
        Method::POST,
        ("/groups", "/groups"),
        Some(json!({"name": "planning"})),
    )
    .await;
    assert_eq!(status, 422);

    // Only moderators change it; the description is shown as HTML.
    let change = json!({"description": "Local plans & appeals<script>alert(1)</script>", "membership": "private"});
    let (status, _) = moot(
        &node,
        &outsider,
        Method::PATCH,
        ("/groups/{id}", &at("")),
        Some(change.clone()),
    )
    .await;
    assert_eq!(status, 403);
    let (status, changed) = moot(
        &node,
        &owner,
        Method::PATCH,
        ("/groups/{id}", &at("")),
        Some(change),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(changed["membership"], "private");
    let description = changed["description"].as_str().unwrap();
    assert!(
        description.contains("appeals") && !description.contains("<script"),
        "{description}"
    );

    let (_, me) = node
        .api(Method::GET, "/api/v1/accounts/verify_credentials", &helper)
        .await;
    let helper_id = me["id"].as_str().unwrap().to_owned();
    let role = at(&format!("/members/{helper_id}/role"));
    let role_template = "/groups/{id}/members/{account_id}/role";
    let moderator = Some(json!({"role": "moderator"}));
    let (status, _) = moot(
        &node,
        &owner,
        Method::PUT,
        (role_template, &role),
        moderator.clone(),
    )
    .await;
    assert_eq!(status, 422, "not a member yet");

    // Asking to join, seen and granted by the owner.
    node.api(
        Method::POST,
        &format!("/api/v1/accounts/{group_id}/follow"),
        &helper,
    )
    .await;
    let (_, pending) = moot(
        &node,
        &owner,
        Method::GET,
        ("/groups/{id}/requests", &at("/requests")),
        None,
    )
    .await;
    assert_eq!(pending[0]["id"], helper_id.as_str());
    let (status, _) = moot(
        &node,
        &owner,
        Method::POST,
        (
            "/groups/{id}/requests/{account_id}/{answer}",
            &at(&format!("/requests/{helper_id}/authorize")),
        ),
        None,
    )
    .await;
    assert_eq!(status, 200);

    // Roles: only the owner gives them.
    let (status, _) = moot(
        &node,
        &helper,
        Method::PUT,
        (role_template, &role),
        moderator.clone(),
    )
    .await;
    assert_eq!(status, 403, "only the owner appoints");
    let (status, member) = moot(
        &node,
        &owner,
        Method::PUT,
        (role_template, &role),
        moderator,
    )
    .await;
    assert_eq!((status, member["role"].as_str()), (200, Some("moderator")));
    let (status, _) = moot(
        &node,
        &helper,
        Method::GET,
        ("/groups/{id}/requests", &at("/requests")),
        None,
    )
    .await;
    assert_eq!(status, 200, "a moderator sees requests");
    let (_, members) = moot(
        &node,
        &helper,
        Method::GET,
        ("/groups/{id}/members", &at("/members")),
        None,
    )
    .await;
    let roles: Vec<(&str, &str)> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["account"]["username"].as_str().unwrap(),
                m["role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(roles, [("helper", "moderator"), ("owner", "owner")]);
    // A private group's members are for its members.
    let (status, _) = moot(
        &node,
        &outsider,
        Method::GET,
        ("/groups/{id}/members", &at("/members")),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (_, shown) = moot(
        &node,
        &outsider,
        Method::GET,
        ("/groups/{id}", &at("")),
        None,
    )
    .await;
    assert_eq!(shown["members_count"], 2);
    let moderators: Value = node
        .http
        .get(node.url("/users/planning/moderators"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(moderators["totalItems"], 2);

    // A moderator again a member; a ban ends membership, lifting it lets
    // them ask again.
    let (_, member) = moot(
        &node,
        &owner,
        Method::PUT,
        (role_template, &role),
        Some(json!({"role": "member"})),
    )
    .await;
    assert_eq!(member["role"], "member");
    let ban = at(&format!("/bans/{helper_id}"));
    let (status, _) = moot(
        &node,
        &owner,
        Method::POST,
        ("/groups/{id}/bans/{account_id}", &ban),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (_, shown) = moot(&node, &owner, Method::GET, ("/groups/{id}", &at("")), None).await;
    assert_eq!(shown["members_count"], 1);
    let (status, _) = moot(
        &node,
        &owner,
        Method::DELETE,
        ("/groups/{id}/bans/{account_id}", &ban),
        None,
    )
    .await;
    assert_eq!(status, 200);

    // The document is served beside the API it describes.
    let (status, doc) = node.get_json("/api/moot/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["servers"][0]["url"], "/api/moot/v1");
}

/// In a fediverse app a group's profile says how many are in it and how
/// to post to it.
#[tokio::test]
async fn a_groups_profile_in_apps_says_its_members_and_how_to_post() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write follow").await;
    node.create_group("housing", "jo", moot_app::groups::MembershipMode::Open)
        .await;
    let (_, group) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=housing", &jo)
        .await;
    moot_testkit::openapi::MastodonApi::get().assert_entity("Account", &group);
    assert_eq!(group["group"], true);
    let fields = group["fields"].as_array().unwrap();
    assert_eq!(fields[0]["name"], "Members");
    assert_eq!(fields[0]["value"], group["followers_count"].to_string());
    assert_eq!(
        fields[1]["value"],
        format!("Mention @{} in a post", node.handle("housing"))
    );
    // People have no such fields.
    let (_, person) = node
        .api(Method::GET, "/api/v1/accounts/lookup?acct=jo", &jo)
        .await;
    assert_eq!(person["fields"], json!([]));
}
