//! Outbound activities, rendered once when the change that causes them is
//! committed, and stored in the outbox as they will be sent.

use serde_json::{json, Value};
use url::Url;

use crate::context::ACTIVITYSTREAMS;

/// `Follow`: `follower` asks to follow `target`.
pub fn follow(id: &Url, follower: &Url, target: &Url) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": "Follow",
        "actor": follower,
        "object": target,
        "to": [target],
    })
}

/// The answer to a `Follow`: `Accept` or `Reject`, embedding the follow so the
/// follower can match it without a fetch.
pub fn answer_follow(
    kind: FollowAnswer,
    id: &Url,
    target: &Url,
    follow_id: &Url,
    follower: &Url,
) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": kind.as_str(),
        "actor": target,
        "object": {
            "id": follow_id,
            "type": "Follow",
            "actor": follower,
            "object": target,
        },
        "to": [follower],
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowAnswer {
    Accept,
    Reject,
}

impl FollowAnswer {
    pub fn as_str(self) -> &'static str {
        match self {
            FollowAnswer::Accept => "Accept",
            FollowAnswer::Reject => "Reject",
        }
    }
}

/// `Undo` of an earlier activity of `actor`, embedded in full.
pub fn undo(id: &Url, actor: &Url, undone: Value, to: &[&Url]) -> Value {
    let mut undone = undone;
    if let Some(map) = undone.as_object_mut() {
        map.remove("@context");
    }
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": "Undo",
        "actor": actor,
        "object": undone,
        "to": to,
    })
}

/// Lemmy's `Lock` of a post: its thread takes no new replies. Sent by the
/// group the post was made in, to its followers.
pub fn lock(id: &Url, group: &Url, post: &Url, followers: &Url) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": "Lock",
        "actor": group,
        "object": post,
        "to": [crate::context::PUBLIC],
        "cc": [followers],
    })
}

/// `Announce` by a group of an activity made in it, embedded unchanged
/// (FEP-1b12), to the group's followers.
/// A private group's announces go to its members only.
pub fn announce(id: &Url, group: &Url, followers: &Url, activity: &Value, private: bool) -> Value {
    let (to, cc) = if private {
        (json!([followers]), json!([]))
    } else {
        (json!([crate::context::PUBLIC]), json!([followers]))
    };
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": "Announce",
        "actor": group,
        "to": to,
        "cc": cc,
        "object": activity,
    })
}

/// A person's boost: `Announce` of a post to everyone, copied to the
/// booster's followers and to the post's author.
pub fn boost(id: &Url, actor: &Url, followers: &Url, post: &Url, author: &Url) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": "Announce",
        "actor": actor,
        "to": [crate::context::PUBLIC],
        "cc": [followers, author],
        "object": post,
    })
}

/// `Update` of an actor's own document (`object`), to its followers.
pub fn update_actor(id: &Url, actor: &Url, object: Value, followers: &Url) -> Value {
    let mut object = object;
    if let Some(map) = object.as_object_mut() {
        map.remove("@context");
    }
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": "Update",
        "actor": actor,
        "to": [crate::context::PUBLIC],
        "cc": [followers],
        "object": object,
    })
}

/// `Block` of `target` by `actor`, sent to the blocked actor's node so it
/// ends follows both ways and stops delivering.
pub fn block(id: &Url, actor: &Url, target: &Url) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": "Block",
        "actor": actor,
        "object": target,
        "to": [target],
    })
}

/// `Like` of a post by `actor`.
pub fn like(id: &Url, actor: &Url, object: &Url, to: &[&Url]) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": "Like",
        "actor": actor,
        "object": object,
        "to": to,
    })
}

/// A report sent on to the node of the account reported (`Flag`, from the
/// reporting node's instance actor, as Mastodon sends it): the account
/// first, then the posts.
pub fn flag(id: &Url, node: &Url, objects: &[Url], comment: &str) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": "Flag",
        "actor": node,
        "content": comment,
        "object": objects,
    })
}

/// `Accept` of an activity by its id alone (an event's organizer taking
/// a `Join`).
pub fn accept(id: &Url, actor: &Url, to: &Url, accepted: &Url) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": "Accept",
        "actor": actor,
        "to": [to],
        "object": accepted,
    })
}

/// PieFed's `ChooseAnswer`: `actor` marks `answer` as the answer to
/// `question`; in a group, the group is its audience.
pub fn choose_answer(
    id: &Url,
    actor: &Url,
    answer: &Url,
    question: &Url,
    group: Option<&Url>,
) -> Value {
    let mut activity = json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": "ChooseAnswer",
        "actor": actor,
        "object": answer,
        "context": question,
        "to": [crate::context::PUBLIC],
    });
    if let Some(group) = group {
        activity["audience"] = json!(group);
        activity["cc"] = json!([group]);
    }
    activity
}

/// A group's `Create` (first version) or `Update` of one of its objects (a
/// wiki page, a library item), with the revision or version that made it
/// as the `result`, addressed as the object is.
pub fn group_publishes(id: &Url, kind: &str, group: &Url, object: &Value, result: &Value) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": kind,
        "actor": group,
        "to": object["to"],
        "cc": object["cc"],
        "audience": group,
        "object": object,
        "result": result,
    })
}

/// `Add` (pin) or `Remove` (unpin) of a post to or from a group's
/// `featured` collection, as Lemmy and Mastodon send them.
pub fn featured_change(
    id: &Url,
    kind: &str,
    group: &Url,
    post: &Url,
    featured: &Url,
    followers: &Url,
) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": kind,
        "actor": group,
        "object": post,
        "target": featured,
        "audience": group,
        "to": [crate::context::PUBLIC],
        "cc": [followers],
    })
}

/// A group's answer to something a member on another node proposed (a wiki
/// edit or page, a library file): `Accept` with what it made as `result`,
/// or `Reject` with the reason as `summary`.
pub fn answer_proposal(
    kind: &str,
    id: &Url,
    group: &Url,
    proposal: &Url,
    proposer: &Url,
    result: Option<&Url>,
    reason: Option<&str>,
) -> Value {
    let mut answer = json!({
        "@context": ACTIVITYSTREAMS,
        "id": id,
        "type": kind,
        "actor": group,
        "to": [proposer],
        "object": proposal,
    });
    if let Some(result) = result {
        answer["result"] = json!(result);
    }
    if let Some(reason) = reason {
        answer["summary"] = json!(reason);
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_embeds_the_follow() {
        let u = |s: &str| Url::parse(s).unwrap();
        let accept = answer_follow(
            FollowAnswer::Accept,
            &u("https://b.example/activities/2"),
            &u("https://b.example/users/bo"),
            &u("https://a.example/activities/1"),
            &u("https://a.example/users/al"),
        );
        assert_eq!(accept["type"], "Accept");
        assert_eq!(accept["object"]["id"], "https://a.example/activities/1");
        assert_eq!(accept["object"]["actor"], "https://a.example/users/al");
        let undo = undo(
            &u("https://a.example/activities/3"),
            &u("https://a.example/users/al"),
            follow(
                &u("https://a.example/activities/1"),
                &u("https://a.example/users/al"),
                &u("https://b.example/users/bo"),
            ),
            &[&u("https://b.example/users/bo")],
        );
        assert_eq!(undo["object"]["type"], "Follow");
        assert!(undo["object"].get("@context").is_none());
    }
}
