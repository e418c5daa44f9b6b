//! A person's lists: titled groups of accounts they follow, each read as
//! its own timeline.

use moot_db::accounts::Account;
use moot_db::lists::{self as queries, List};

use crate::{AppError, Context};

/// Longest list title, in characters.
pub const MAX_TITLE: usize = 100;
/// Most lists one person keeps.
pub const MAX_LISTS: usize = 100;

/// What a list is called and how it reads.
pub struct ListInput {
    pub title: Option<String>,
    pub replies_policy: Option<String>,
    pub exclusive: Option<bool>,
}

/// Applies `input` to `list` after checking it.
fn apply(list: &mut List, input: ListInput) -> Result<(), AppError> {
    if let Some(title) = input.title {
        let title = title.trim().to_owned();
        if title.is_empty() {
            return Err(AppError::invalid("title", "must not be empty"));
        }
        AppError::check_length("title", Some(&title), MAX_TITLE)?;
        list.title = title;
    }
    if let Some(policy) = input.replies_policy {
        if !matches!(policy.as_str(), "followed" | "list" | "none") {
            return Err(AppError::invalid(
                "replies_policy",
                "must be followed, list or none",
            ));
        }
        list.replies_policy = policy;
    }
    if let Some(exclusive) = input.exclusive {
        list.exclusive = exclusive;
    }
    Ok(())
}

pub async fn create(ctx: &Context, owner: &Account, input: ListInput) -> Result<List, AppError> {
    if input.title.is_none() {
        return Err(AppError::invalid("title", "is required"));
    }
    let mut list = List {
        id: 0,
        account_id: owner.id,
        title: String::new(),
        replies_policy: "list".into(),
        exclusive: false,
    };
    apply(&mut list, input)?;
    let mut conn = ctx.db.conn().await?;
    if queries::of(&mut conn, owner.id, None).await?.len() >= MAX_LISTS {
        return Err(AppError::invalid(
            "title",
            format!("at most {MAX_LISTS} lists can be kept"),
        ));
    }
    Ok(queries::create(
        &mut conn,
        owner.id,
        &list.title,
        &list.replies_policy,
        list.exclusive,
    )
    .await?)
}

/// `owner`'s list `id`; someone else's is not found.
pub async fn get(ctx: &Context, owner: &Account, id: i64) -> Result<List, AppError> {
    let mut conn = ctx.db.conn().await?;
    queries::find(&mut conn, owner.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn change(
    ctx: &Context,
    owner: &Account,
    id: i64,
    input: ListInput,
) -> Result<List, AppError> {
    let mut list = get(ctx, owner, id).await?;
    apply(&mut list, input)?;
    let mut conn = ctx.db.conn().await?;
    Ok(queries::update(&mut conn, &list).await?)
}

pub async fn delete(ctx: &Context, owner: &Account, id: i64) -> Result<(), AppError> {
    let list = get(ctx, owner, id).await?;
    let mut conn = ctx.db.conn().await?;
    Ok(queries::delete(&mut conn, list.id).await?)
}

/// Adds accounts the owner follows; any other is refused, nothing added.
pub async fn add(
    ctx: &Context,
    owner: &Account,
    id: i64,
    accounts: &[i64],
) -> Result<(), AppError> {
    let list = get(ctx, owner, id).await?;
    let mut conn = ctx.db.conn().await?;
    let mut wanted = accounts.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let followed = moot_db::follows::following_among(&mut conn, owner.id, &wanted).await?;
    if followed.len() != wanted.len() {
        return Err(AppError::invalid(
            "account_ids",
            "only accounts you follow can be added to a list",
        ));
    }
    queries::add(&mut conn, &list, &wanted).await?;
    Ok(())
}

pub async fn remove(
    ctx: &Context,
    owner: &Account,
    id: i64,
    accounts: &[i64],
) -> Result<(), AppError> {
    let list = get(ctx, owner, id).await?;
    let mut conn = ctx.db.conn().await?;
    Ok(queries::remove(&mut conn, list.id, accounts).await?)
}

/// `owner`'s lists (those holding `member`, if given).
pub async fn of(ctx: &Context, owner: i64, member: Option<i64>) -> Result<Vec<List>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::of(&mut conn, owner, member).await?)
}

/// The accounts on `owner`'s list `id`.
pub async fn members(ctx: &Context, owner: &Account, id: i64) -> Result<Vec<Account>, AppError> {
    let list = get(ctx, owner, id).await?;
    let mut conn = ctx.db.conn().await?;
    Ok(queries::members(&mut conn, list.id).await?)
}
