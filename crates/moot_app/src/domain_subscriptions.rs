//! Subscriptions to domain lists published at a URL (a sector's shared
//! allow-list, say). The fetching is done by the federation crate's
//! guarded client; this module keeps the subscriptions and applies what a
//! fetch returns. Local rules always win over a subscribed entry.

use diesel_async::AsyncConnection;
use moot_db::domain_rules::{self as store, Subscription};
use serde_json::json;

use crate::domain_lists::{self, Entry, Kind};
use crate::domain_policy::{record, Who};
use crate::error::AppError;
use crate::Context;

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Allow => "allow",
        Kind::Block => "block",
    }
}

pub async fn subscribe(
    ctx: &Context,
    who: &Who,
    url: &url::Url,
    kind: Kind,
    every_hours: i32,
) -> Result<Subscription, AppError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(AppError::invalid("url", "must be an http(s) URL"));
    }
    if !(1..=8760).contains(&every_hours) {
        return Err(AppError::invalid(
            "every_hours",
            "must be between 1 and 8760",
        ));
    }
    let mut conn = ctx.db.conn().await?;
    let details = json!({"kind": kind_name(kind), "every_hours": every_hours});
    conn.transaction::<_, AppError, _>(async |conn| {
        let sub = store::add_subscription(conn, url.as_str(), kind_name(kind), every_hours).await?;
        record(conn, who, ("subscribe", url.as_str(), details, "")).await?;
        Ok(sub)
    })
    .await
}

pub async fn unsubscribe(ctx: &Context, who: &Who, url: &url::Url) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !store::remove_subscription(conn, url.as_str()).await? {
            return Err(AppError::NotFound);
        }
        record(conn, who, ("unsubscribe", url.as_str(), json!({}), "")).await
    })
    .await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;
    Ok(())
}

pub async fn due(ctx: &Context) -> Result<Vec<Subscription>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(store::due_subscriptions(&mut conn).await?)
}

/// Replaces the subscription's entries with the list fetched for it.
/// A list that does not parse changes nothing and is recorded as the
/// subscription's error. Returns (added, removed) domains.
pub async fn apply_fetched(
    ctx: &Context,
    sub: &Subscription,
    text: &str,
) -> Result<(usize, usize), AppError> {
    let kind = if sub.kind == "allow" {
        Kind::Allow
    } else {
        Kind::Block
    };
    let entries = match domain_lists::parse(text, Some(kind)) {
        Ok(entries) => entries,
        Err(e) => {
            failed(ctx, sub, &e.to_string()).await?;
            return Err(AppError::invalid("list", e.to_string()));
        }
    };
    let mut allows = Vec::new();
    let mut blocks = Vec::new();
    for entry in entries {
        match entry {
            Entry::Allow(domain) => allows.push(domain),
            Entry::Block(domain, request) => blocks.push((domain, request.fields())),
        }
    }
    let who = Who(format!("subscription:{}", sub.url));
    let mut conn = ctx.db.conn().await?;
    let (added, removed) = conn
        .transaction::<_, AppError, _>(async |conn| {
            let (added, removed) = store::replace_entries(conn, sub.id, &allows, &blocks).await?;
            if added + removed > 0 {
                let details = json!({"added": added, "removed": removed});
                record(conn, &who, ("refresh", &sub.url, details, "")).await?;
            }
            Ok((added, removed))
        })
        .await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;
    Ok((added, removed))
}

/// Records a failed fetch; the previous entries stay in force.
pub async fn failed(ctx: &Context, sub: &Subscription, error: &str) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(store::record_fetch(&mut conn, sub.id, Some(error)).await?)
}

/// Every subscription, for the admin page.
pub async fn all(ctx: &Context) -> Result<Vec<Subscription>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(store::subscriptions(&mut conn).await?)
}
