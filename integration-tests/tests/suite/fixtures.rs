//! Real ActivityPub documents from other servers (`../shared/fixtures`),
//! replayed into a node as those servers would send them: each document's
//! hosts are moved onto a scripted peer, which serves its actors and signs
//! the delivery. Types Moot handles must be accepted with their effect
//! visible through the client API; the rest must be refused with a clear 4xx.

use std::path::{Path, PathBuf};

use moot_testkit::social::follow_by_uri;
use moot_testkit::{FakePeer, TestNode};
use reqwest::Method;
use serde_json::{json, Value};
use url::Url;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/activitypub-samples")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
        panic!(
            "the shared fixtures belong beside the repository, at {}: {e}",
            dir.display()
        )
    });
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(json_files(&path));
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Vocabulary hosts that name terms, not servers.
const VOCABULARY: &[&str] = &[
    "www.w3.org",
    "w3id.org",
    "schema.org",
    "ostatus.org",
    "purl.org",
];

/// Moves every server URL in `value` onto the peer, keeping paths.
fn rehost(value: &Value, peer: &Url) -> Value {
    match value {
        Value::String(s) => match Url::parse(s) {
            Ok(mut url)
                if url.host_str().is_some_and(|h| !VOCABULARY.contains(&h))
                    && url.scheme().starts_with("http") =>
            {
                let _ = url.set_scheme(peer.scheme());
                let _ = url.set_host(peer.host_str());
                let _ = url.set_port(peer.port());
                Value::String(url.to_string())
            }
            _ => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(|i| rehost(i, peer)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| k.as_str() != "@context" && k.as_str() != "signature")
                .map(|(k, v)| (k.clone(), rehost(v, peer)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn id_of(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::to_owned)
        .or_else(|| v.get("id")?.as_str().map(str::to_owned))
}

struct Replay {
    node: TestNode,
    peer: FakePeer,
    token: String,
    inbox: String,
    me: String,
}

impl Replay {
    async fn send(&self, activity: &Value) -> (u16, String) {
        // A bare object has no actor; its author signs it.
        let actor = id_of(&activity["actor"])
            .or_else(|| id_of(&activity["attributedTo"]))
            .expect("an actor or an author");
        let path = Url::parse(&actor).unwrap().path().to_owned();
        self.peer.add_actor_at(&path);
        let key_id = format!("{actor}#main-key");
        self.peer
            .post_signed_as(&path, &key_id, &self.inbox, activity.to_string().as_bytes())
            .await
    }

    async fn posts_with_id(&self, id: &str) -> usize {
        let (_, found) = self
            .node
            .api(
                Method::GET,
                &format!("/api/v2/search?q={id}&type=statuses"),
                &self.token,
            )
            .await;
        found["statuses"].as_array().map_or(0, Vec::len)
    }

    async fn likes(&self, id: &str) -> i64 {
        let (_, found) = self
            .node
            .api(
                Method::GET,
                &format!("/api/v2/search?q={id}&type=statuses"),
                &self.token,
            )
            .await;
        found["statuses"][0]["favourites_count"]
            .as_i64()
            .unwrap_or(-1)
    }

    async fn followers(&self) -> i64 {
        let (_, me) = self
            .node
            .api(
                Method::GET,
                "/api/v1/accounts/verify_credentials",
                &self.token,
            )
            .await;
        me["followers_count"].as_i64().unwrap()
    }

    /// A minimal post with `id` by `actor`, so an Update or Delete has something to act on.
    /// Someone here follows `actor`: their public posts are wanted.
    async fn follow(&self, actor: &str) {
        self.peer.add_actor_at(Url::parse(actor).unwrap().path());
        follow_by_uri(&self.node.http, &self.node.base_url, &self.token, actor).await;
    }

    async fn seed_post(&self, actor: &str, id: &str) {
        self.follow(actor).await;
        let create = json!({
            "id": format!("{id}#seed"), "type": "Create", "actor": actor,
            "object": { "id": id, "type": "Note", "attributedTo": actor, "content": "<p>seed</p>",
                        "to": ["https://www.w3.org/ns/activitystreams#Public"] },
        });
        let (status, body) = self.send(&create).await;
        assert_eq!(status, 202, "seeding {id}: {body}");
    }
}

/// What replaying one fixture did.
enum Outcome {
    Accepted(&'static str),
    Refused(u16),
}

async fn replay(r: &Replay, original: &Value) -> Outcome {
    let mut activity = rehost(original, &Url::parse(&r.peer.base_url).unwrap());
    let kind = activity["type"].as_str().unwrap_or_default().to_owned();
    let object_kind = activity["object"]["type"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let actor = id_of(&activity["actor"]).unwrap_or_default();
    match (kind.as_str(), object_kind.as_str()) {
        ("Create", "Note" | "Page" | "Article") => {
            let id = id_of(&activity["object"]).unwrap();
            r.follow(&actor).await;
            let (status, body) = r.send(&activity).await;
            assert_eq!(status, 202, "{body}");
            let object = &activity["object"];
            let addressed = [
                &object["to"],
                &object["cc"],
                &activity["to"],
                &activity["cc"],
            ];
            let public = addressed
                .iter()
                .any(|a| a.to_string().contains("activitystreams#Public"));
            if public {
                assert_eq!(r.posts_with_id(&id).await, 1, "the post is stored");
                Outcome::Accepted("post stored")
            } else {
                // Addressed to people elsewhere: kept from everyone else here.
                assert_eq!(
                    r.posts_with_id(&id).await,
                    0,
                    "a message for others stays hidden"
                );
                Outcome::Accepted("private message stored, hidden from others")
            }
        }
        ("Update", "Note" | "Page" | "Article") => {
            let id = id_of(&activity["object"]).unwrap();
            r.seed_post(&actor, &id).await;
            assert_eq!(r.posts_with_id(&id).await, 1, "seeded {id}");
            let (status, body) = r.send(&activity).await;
            assert_eq!(status, 202, "{body}");
            let (_, found) = r
                .node
                .api(
                    Method::GET,
                    &format!("/api/v2/search?q={id}&type=statuses"),
                    &r.token,
                )
                .await;
            assert!(found["statuses"][0]["edited_at"].is_string(), "{found}");
            Outcome::Accepted("post edited")
        }
        ("Delete", _) if id_of(&activity["object"]).as_deref() != Some(actor.as_str()) => {
            let id = id_of(&activity["object"]).unwrap();
            r.seed_post(&actor, &id).await;
            assert_eq!(r.posts_with_id(&id).await, 1);
            let (status, body) = r.send(&activity).await;
            assert_eq!(status, 202, "{body}");
            assert_eq!(r.posts_with_id(&id).await, 0, "the post is gone");
            Outcome::Accepted("post deleted")
        }
        ("Delete", _) => {
            let (status, body) = r.send(&activity).await;
            assert_eq!(status, 202, "{body}");
            Outcome::Accepted("account deletion acknowledged")
        }
        ("Follow", _) => {
            activity["object"] = json!(r.me);
            let before = r.followers().await;
            let (status, body) = r.send(&activity).await;
            assert_eq!(status, 202, "{body}");
            assert_eq!(r.followers().await, before + 1, "a new follower");
            // Clean up so the next follow fixture starts from the same place.
            let undo = json!({"id": format!("{}#undo", activity["id"].as_str().unwrap()), "type": "Undo",
                              "actor": actor, "object": activity});
            assert_eq!(r.send(&undo).await.0, 202);
            Outcome::Accepted("follower added")
        }
        ("Block", _) => {
            // A block (or, with a target, a ban) of one of our people.
            activity["object"] = json!(r.me);
            let (status, body) = r.send(&activity).await;
            assert_eq!(status, 202, "{body}");
            Outcome::Accepted("block of a local person taken")
        }
        ("Undo", "Block") => {
            activity["object"]["object"] = json!(r.me);
            assert_eq!(r.send(&activity["object"]).await.0, 202);
            let (status, body) = r.send(&activity).await;
            assert_eq!(status, 202, "{body}");
            Outcome::Accepted("block lifted")
        }
        ("Undo", "Follow") => {
            activity["object"]["object"] = json!(r.me);
            let follow = activity["object"].clone();
            assert_eq!(r.send(&follow).await.0, 202);
            let before = r.followers().await;
            let (status, body) = r.send(&activity).await;
            assert_eq!(status, 202, "{body}");
            assert_eq!(r.followers().await, before - 1, "the follower is gone");
            Outcome::Accepted("follower removed")
        }
        ("Like" | "Dislike", _) => {
            let id = id_of(&activity["object"]).unwrap();
            r.seed_post(&actor, &id).await;
            let (status, body) = r.send(&activity).await;
            assert_eq!(status, 202, "{body}");
            if kind == "Like" {
                assert_eq!(r.likes(&id).await, 1, "the like is counted");
                Outcome::Accepted("like counted")
            } else {
                Outcome::Accepted("dislike stored")
            }
        }
        ("Undo", "Like" | "Dislike") => {
            let id = id_of(&activity["object"]["object"]).unwrap();
            r.seed_post(&actor, &id).await;
            let reaction = activity["object"].clone();
            assert_eq!(r.send(&reaction).await.0, 202);
            let (status, body) = r.send(&activity).await;
            assert_eq!(status, 202, "{body}");
            assert_eq!(r.likes(&id).await, 0, "no like left");
            Outcome::Accepted("reaction withdrawn")
        }
        ("Lock", _) | ("Undo", "Lock") => {
            // Lemmy's lock of a thread this node never saw: nothing to do.
            let (status, body) = r.send(&activity).await;
            assert_eq!(status, 202, "{body}");
            Outcome::Accepted("lock of a post not kept here")
        }
        ("Flag", _) => {
            // Reports are about our people: point it at one.
            activity["object"] = json!([r.me]);
            let (status, body) = r.send(&activity).await;
            assert_eq!(status, 202, "{body}");
            Outcome::Accepted("report stored")
        }
        ("Update", "Person" | "Group" | "Service" | "Organization" | "Application") => {
            // The actor is fetched again from its origin: serve it there.
            let object = activity["object"].clone();
            let id = Url::parse(&id_of(&object).unwrap()).unwrap();
            r.peer.put(id.path(), object.clone());
            let (status, body) = r.send(&activity).await;
            assert_eq!(status, 202, "{body}");
            let acct = format!(
                "{}@{}",
                object["preferredUsername"].as_str().unwrap(),
                r.peer.host()
            );
            let (_, account) = r
                .node
                .api(
                    Method::GET,
                    &format!("/api/v1/accounts/lookup?acct={acct}"),
                    &r.token,
                )
                .await;
            assert_eq!(account["display_name"], object["name"], "{account}");
            Outcome::Accepted("updated actor fetched from its origin")
        }
        ("Announce", "Create" | "Update" | "Page" | "Note") => {
            // The announced post is fetched from its origin: serve it there.
            let inner = &activity["object"];
            let post = if inner.get("object").is_some() {
                inner["object"].clone()
            } else {
                inner.clone()
            };
            let id = id_of(&post).unwrap();
            if post.is_object() {
                r.peer.put(Url::parse(&id).unwrap().path(), post.clone());
            }
            let author = id_of(&post["attributedTo"]).or_else(|| id_of(&post["attributedTo"][0]));
            if let Some(author) = author {
                r.peer.add_actor_at(Url::parse(&author).unwrap().path());
            }
            let (status, body) = r.send(&activity).await;
            assert_eq!(status, 202, "{body}");
            Outcome::Accepted("announced post fetched from its origin")
        }
        _ => {
            let (status, body) = r.send(&activity).await;
            assert!(
                (400..500).contains(&status),
                "{kind}/{object_kind}: {status} {body}"
            );
            assert!(body.contains("error"), "a clear error: {body}");
            Outcome::Refused(status)
        }
    }
}

#[tokio::test]
async fn real_activities_from_other_servers() {
    let node = TestNode::start().await;
    let token = node.create_user("target", "read write follow").await;
    let mut r = Replay {
        inbox: node.url("/inbox"),
        me: node.url("/users/target"),
        peer: FakePeer::start().await,
        node,
        token,
    };
    let files: Vec<PathBuf> = json_files(&fixtures())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("/activities/"))
        .collect();
    assert!(
        files.len() > 50,
        "the fixtures are there ({} files)",
        files.len()
    );
    let (mut accepted, mut refused) = (0, 0);
    for file in &files {
        let original: Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        // A fresh peer (a new origin) for each file: fixtures reuse ids.
        r.peer = FakePeer::start().await;
        let name = file.strip_prefix(fixtures()).unwrap().display().to_string();
        let kind = format!(
            "{} {}",
            original["type"].as_str().unwrap_or("?"),
            original["object"]["type"].as_str().unwrap_or("")
        );
        match replay(&r, &original).await {
            Outcome::Accepted(effect) => {
                accepted += 1;
                println!("accepted  {name:55} {kind:20} {effect}");
            }
            Outcome::Refused(status) => {
                refused += 1;
                println!("refused   {name:55} {kind:20} {status}");
            }
        }
    }
    println!("{accepted} accepted, {refused} refused");
    assert!(accepted >= 20, "most posts and follows are understood");
}

#[tokio::test]
async fn real_objects_parse_or_are_refused_cleanly() {
    use moot_protocol::actor::Actor;
    use moot_protocol::notes::{RemoteNote, POST_TYPES};
    let mut report = Vec::new();
    for file in json_files(&fixtures())
        .iter()
        .filter(|p| p.to_string_lossy().contains("/objects/"))
    {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let kind = doc["type"].as_str().unwrap_or_default();
        let name = file.strip_prefix(fixtures()).unwrap().display().to_string();
        let result = match kind {
            "Person" | "Group" | "Application" | "Service" | "Organization" => {
                serde_json::from_value::<Actor>(doc.clone())
                    .map(|_| "actor")
                    .map_err(|e| e.to_string())
            }
            k if POST_TYPES.contains(&k) => {
                let note =
                    serde_json::from_value::<RemoteNote>(doc.clone()).map_err(|e| e.to_string());
                note.and_then(|n| {
                    n.author()
                        .map(|_| "post")
                        .ok_or_else(|| "no author".to_owned())
                })
            }
            _ => Err(format!("{kind} is not handled")),
        };
        println!("{name:45} {kind:14} {result:?}");
        report.push((name, kind.to_owned(), result));
    }
    // Every post and every actor of a kind we federate with must parse.
    for (name, kind, result) in &report {
        if POST_TYPES.contains(&kind.as_str()) || kind == "Person" || kind == "Group" {
            assert!(result.is_ok(), "{name}: {result:?}");
        }
    }
}
