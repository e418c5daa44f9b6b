//! Reading an inbox body as an activity. A refusal says in plain words what
//! is wrong (which field, what was expected), so the sender's admin can
//! tell: not the parser's "did not match any variant".

use actix_web::http::StatusCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::*;
use crate::error::FederationError;

/// The activity types this inbox takes.
pub const TAKEN: &[&str] = &[
    "Create",
    "Update",
    "Delete",
    "Follow",
    "Accept",
    "Reject",
    "Undo",
    "Announce",
    "Like",
    "Dislike",
    "Flag",
    "Block",
    "Edit",
    "Join",
    "Leave",
    "TentativeAccept",
    "ChooseAnswer",
    "Add",
    "Remove",
    "Lock",
];

fn refused(why: String) -> FederationError {
    FederationError::refused(StatusCode::BAD_REQUEST, why)
}

/// The activity in `body`, or a refusal naming the problem.
pub fn read(body: &[u8]) -> Result<InboxActivity, FederationError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| refused(format!("the body is not JSON ({e})")))?;
    let Some(object) = value.as_object() else {
        return Err(refused("an activity is a JSON object".into()));
    };
    let kind = match object.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(_) => return Err(refused("`type` must be a string, e.g. \"Create\"".into())),
        None => {
            return Err(refused(
                "`type` is missing: an activity names its type".into(),
            ))
        }
    };
    if !TAKEN.contains(&kind) {
        return Err(refused(format!(
            "activities of type `{kind}` are not taken here (taken: {})",
            TAKEN.join(", ")
        )));
    }
    match object.get("id").and_then(Value::as_str) {
        Some(id) if url::Url::parse(id).is_ok() => {}
        Some(id) => return Err(refused(format!("`id` must be a URL, not `{id}`"))),
        None => {
            return Err(refused(
                "`id` is missing: an activity has a URL as its id".into(),
            ))
        }
    }
    if object.get("actor").is_none_or(Value::is_null) {
        return Err(refused(
            "`actor` is missing: an activity names who did it".into(),
        ));
    }
    read_as(kind, &value).ok_or_else(|| refused(explain(kind, &value)))
}

/// `value` (of type `kind`) as an activity. A `Create`, most of what an
/// inbox receives, is read as a post straight away: the untagged enum would
/// first copy the whole document and fail four other readings, which
/// costs more than the reading itself. No reading listed before posts in
/// [`InboxActivity`] takes a `Create`, so the answer is the same.
fn read_as(kind: &str, value: &Value) -> Option<InboxActivity> {
    if kind == "Create" {
        return CreateOrUpdate::deserialize(value)
            .ok()
            .map(InboxActivity::CreateOrUpdate);
    }
    InboxActivity::deserialize(value).ok()
}

/// Why `value`, of a type taken here, is not understood: the complaint of
/// the first reading of that type that gets past the `type` field.
fn explain(kind: &str, value: &Value) -> String {
    fn complaint<T: DeserializeOwned>(value: &Value) -> Option<String> {
        let err = serde_path_to_error::deserialize::<_, T>(value).err()?;
        let path = err.path().to_string();
        let inner = err.into_inner().to_string();
        // A reading for another type of activity: not the one meant.
        if path == "type" || inner.starts_with("unknown variant") {
            return None;
        }
        Some(match path.as_str() {
            "." | "" => inner,
            _ => format!("`{path}`: {inner}"),
        })
    }
    let found = [
        complaint::<Follow>(value),
        complaint::<AnswerFollow>(value),
        complaint::<Undo>(value),
        complaint::<UpdateActor>(value),
        complaint::<CreateOrUpdate>(value),
        complaint::<Delete>(value),
        complaint::<Announce>(value),
        complaint::<React>(value),
        complaint::<Flag>(value),
        complaint::<Block>(value),
        complaint::<Edit>(value),
        complaint::<Rsvp>(value),
        complaint::<ChooseAnswer>(value),
        complaint::<Featured>(value),
        complaint::<super::lock::Lock>(value),
    ];
    match found.into_iter().flatten().next() {
        Some(why) => format!("this `{kind}` is not understood: {why}"),
        None => format!("this `{kind}` is not understood"),
    }
}

#[cfg(test)]
mod tests {
    use super::{read, read_as, InboxActivity};
    use serde::Deserialize;
    use serde_json::{json, Value};

    /// Every `Create` among other servers' documents (and a malformed one)
    /// is read the same way by the shortcut and by the untagged enum.
    #[test]
    fn a_create_is_read_as_the_enum_reads_it() {
        let root = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/fixtures/activitypub-samples"
        );
        let mut creates = vec![json!({"type": "Create", "id": "https://a.example/1",
            "actor": "https://a.example/u", "object": 5})];
        let mut dirs = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = dirs.pop() {
            for path in std::fs::read_dir(&dir)
                .expect("the shared fixtures")
                .flatten()
            {
                let path = path.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let value: Value = serde_json::from_str(&text).unwrap();
                    if value["type"] == "Create" {
                        creates.push(value);
                    }
                }
            }
        }
        assert!(creates.len() > 10, "{} documents", creates.len());
        for value in &creates {
            let by_enum = InboxActivity::deserialize(value).ok();
            let by_shortcut = read_as("Create", value);
            assert_eq!(
                by_enum.map(|a| matches!(a, InboxActivity::CreateOrUpdate(_))),
                by_shortcut.map(|a| matches!(a, InboxActivity::CreateOrUpdate(_))),
                "{value}"
            );
        }
    }

    fn why(value: serde_json::Value) -> String {
        match read(value.to_string().as_bytes()) {
            Err(crate::error::FederationError::Refused(_, why)) => why,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn refusals_name_the_field_and_what_was_expected() {
        assert!(why(json!([1])).contains("JSON object"));
        assert!(why(json!({"id": "https://a.example/1"})).contains("`type` is missing"));
        let moved = why(
            json!({"type": "Move", "id": "https://a.example/1", "actor": "https://a.example/u"}),
        );
        assert!(
            moved.contains("`Move` are not taken") && moved.contains("Create"),
            "{moved}"
        );
        assert!(
            why(json!({"type": "Like", "id": "x", "actor": "https://a.example/u"}))
                .contains("`id` must be a URL")
        );
        let no_actor = why(
            json!({"type": "Like", "id": "https://a.example/1", "object": "https://b.example/p"}),
        );
        assert!(no_actor.contains("`actor` is missing"), "{no_actor}");
        let no_object = why(
            json!({"type": "Follow", "id": "https://a.example/1", "actor": "https://a.example/u"}),
        );
        assert!(
            no_object.contains("Follow") && no_object.contains("object"),
            "{no_object}"
        );
        let bad_actor = why(
            json!({"type": "Block", "id": "https://a.example/1", "actor": 5, "object": "https://b.example/u"}),
        );
        assert!(bad_actor.contains("`actor`"), "{bad_actor}");
        assert!(read(b"{not json").is_err());
    }
}
