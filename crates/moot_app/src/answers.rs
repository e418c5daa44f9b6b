//! Answered questions: a post's author, or a moderator of the group it is
//! in, marks one reply as the answer. On the wire this is PieFed's
//! `ChooseAnswer` (the chosen reply as `object`; Moot adds the question as
//! `context`), and `Undo` of it clears the answer. It goes to the chooser's
//! followers, the question's and the answer's authors, and the question's
//! group (which announces it to its members).

use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_db::accounts::Account;
use moot_db::answers::{self as queries, Accepted};
use moot_db::statuses::Status;
use serde_json::Value;
use url::Url;

use crate::follows::{actor_id, inbox_of};
use crate::statuses::{get_visible, status_uri};
use crate::{AppError, Context};

/// Who may choose a question's answer: its author, or a moderator of the
/// (local) group the question is in.
async fn may_choose(
    conn: &mut AsyncPgConnection,
    question: &Status,
    who: &Account,
) -> Result<bool, AppError> {
    if question.account_id == who.id {
        return Ok(true);
    }
    Ok(match question.group_id {
        Some(group) => moot_db::groups::role_of(conn, group, who.id)
            .await?
            .is_some(),
        None => false,
    })
}

/// The question's answer, if one was chosen (and `viewer` may see both).
pub async fn of_question(
    ctx: &Context,
    viewer: Option<&Account>,
    question_id: i64,
) -> Result<(Status, Option<Accepted>), AppError> {
    let (question, _) = get_visible(ctx, viewer, question_id).await?;
    let mut conn = ctx.db.conn().await?;
    let accepted = queries::of_question(&mut conn, question.id).await?;
    drop(conn);
    let accepted = match accepted {
        Some(a) if get_visible(ctx, viewer, a.answer_id).await.is_ok() => Some(a),
        _ => None,
    };
    Ok((question, accepted))
}

/// Where a choice about `question` and `answer` is sent, besides the
/// chooser's followers: the authors of both (when remote) and the
/// question's group (when remote; a local one announces it).
async fn recipients(
    conn: &mut AsyncPgConnection,
    question: &Status,
    answer: &Account,
    question_author: &Account,
) -> Result<Vec<Url>, AppError> {
    let mut inboxes = crate::outbound::follower_inboxes(conn, question.account_id).await?;
    let mut remote = vec![answer.clone(), question_author.clone()];
    if let Some(group) = question.group_id {
        if let Some(group) = moot_db::accounts::find_by_id(conn, group).await? {
            remote.push(group);
        }
    }
    for account in remote.iter().filter(|a| a.domain.is_some()) {
        let inbox = inbox_of(account)?;
        if !inboxes.contains(&inbox) {
            inboxes.push(inbox);
        }
    }
    Ok(inboxes)
}

/// `who` marks reply `answer_id` as the answer to `question_id` (None
/// clears it).
pub async fn choose(
    ctx: &Context,
    who: &Account,
    question_id: i64,
    answer_id: Option<i64>,
) -> Result<Option<Accepted>, AppError> {
    let (question, question_author) = get_visible(ctx, Some(who), question_id).await?;
    let mut conn = ctx.db.conn().await?;
    if !may_choose(&mut conn, &question, who).await? {
        return Err(AppError::Forbidden(
            "only the question's author or the group's moderators choose its answer".into(),
        ));
    }
    let chosen = match answer_id {
        Some(id) => {
            let (answer, author) = get_visible(ctx, Some(who), id).await?;
            if answer.in_reply_to_id != Some(question.id) {
                return Err(AppError::invalid(
                    "answer_id",
                    "is not a reply to the question",
                ));
            }
            Some((answer, author))
        }
        None => None,
    };
    let previous = queries::of_question(&mut conn, question.id).await?;
    let group = match question.group_id {
        Some(group) => moot_db::accounts::find_by_id(&mut conn, group).await?,
        None => None,
    };
    conn.transaction::<_, AppError, _>(async |conn| {
        let activity = match (&chosen, &previous) {
            (Some((answer, author)), _) => {
                let id = ctx.urls.new_activity();
                queries::choose(conn, question.id, answer.id, who.id, id.as_str()).await?;
                let inboxes = recipients(conn, &question, author, &question_author).await?;
                let activity = choose_json(ctx, &id, who, &question, answer, group.as_ref())?;
                Some((activity, inboxes, author.clone()))
            }
            (None, Some(was)) => {
                queries::clear(conn, question.id, None).await?;
                let Some((answer, author)) = moot_db::statuses::find(conn, was.answer_id).await?
                else {
                    return Ok(());
                };
                let inboxes = recipients(conn, &question, &author, &question_author).await?;
                let choice = choose_json(
                    ctx,
                    &Url::parse(&was.ap_id).map_err(|e| AppError::Internal(e.into()))?,
                    who,
                    &question,
                    &answer,
                    group.as_ref(),
                )?;
                let undo = moot_protocol::activities::undo(
                    &ctx.urls.new_activity(),
                    &actor_id(ctx, who)?,
                    choice,
                    &[&Url::parse(moot_protocol::context::PUBLIC).expect("a URL")],
                );
                Some((undo, inboxes, author))
            }
            (None, None) => None,
        };
        if let Some((activity, inboxes, _)) = activity {
            let id = activity["id"].as_str().unwrap_or_default().to_owned();
            if !inboxes.is_empty() {
                crate::outbound::queue(ctx, conn, who.id, &id, &activity.to_string(), &inboxes)
                    .await?;
            }
            if let Some(group) = group.as_ref().filter(|g| g.domain.is_none()) {
                crate::groups::announce(ctx, conn, group, &activity).await?;
            }
        }
        Ok(())
    })
    .await?;
    Ok(queries::of_question(&mut conn, question.id).await?)
}

fn choose_json(
    ctx: &Context,
    id: &Url,
    who: &Account,
    question: &Status,
    answer: &Status,
    group: Option<&Account>,
) -> Result<Value, AppError> {
    let group = group.map(|g| actor_id(ctx, g)).transpose()?;
    Ok(moot_protocol::activities::choose_answer(
        id,
        &actor_id(ctx, who)?,
        &status_uri(ctx, answer)?,
        &status_uri(ctx, question)?,
        group.as_ref(),
    ))
}

/// A `ChooseAnswer` from another node: `chooser` marks `answer` (a reply
/// this node knows) as the answer to the post it replies to. Taken from the
/// question's author, or from the question's group (announcing a
/// moderator's choice: the group vouches for it).
pub async fn receive_choose(
    ctx: &Context,
    activity_id: &Url,
    chooser: &Account,
    vouched_by: Option<&Account>,
    answer: &Status,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    let Some(question_id) = answer.in_reply_to_id else {
        return Err(AppError::invalid("object", "is not a reply"));
    };
    let (question, _) = moot_db::statuses::find(&mut conn, question_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let allowed = question.account_id == chooser.id
        || vouched_by.is_some_and(|g| question.group_id == Some(g.id))
        || may_choose(&mut conn, &question, chooser).await?;
    if !allowed {
        return Err(AppError::Forbidden(
            "only the question's author or its group chooses its answer".into(),
        ));
    }
    queries::choose(
        &mut conn,
        question.id,
        answer.id,
        chooser.id,
        activity_id.as_str(),
    )
    .await?;
    Ok(())
}

/// An `Undo` of a `ChooseAnswer` this node took: from who chose, the
/// question's author, or (announced) the question's group.
pub async fn receive_undo(
    ctx: &Context,
    chooser: &Account,
    vouched_by: Option<&Account>,
    undone: &Url,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    let Some(choice) = queries::by_activity(&mut conn, undone.as_str()).await? else {
        return Ok(());
    };
    let question = moot_db::statuses::find(&mut conn, choice.question_id)
        .await?
        .map(|(s, _)| s)
        .ok_or(AppError::NotFound)?;
    let allowed = choice.chosen_by == chooser.id
        || question.account_id == chooser.id
        || vouched_by.is_some_and(|g| question.group_id == Some(g.id));
    if !allowed {
        return Err(AppError::Forbidden(
            "only who chose an answer, the question's author or its group takes it back".into(),
        ));
    }
    queries::clear(&mut conn, choice.question_id, Some(undone.as_str())).await?;
    Ok(())
}
