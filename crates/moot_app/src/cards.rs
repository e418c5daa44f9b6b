//! Preview cards for links in posts (`card` on statuses): the first link of
//! a post that is not a mention, a hashtag, the post it quotes or this
//! node's own, described by the linked page. The page is fetched by the
//! federation side in the background, never while a request waits, and
//! what it said is kept a day for every post that links it.

use chrono::Utc;
use url::Url;

use crate::model::Status;
use crate::{AppError, Context};

pub use moot_db::cards::Card;

/// How long what a page said is kept before it is asked again.
const KEPT_FOR: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// The link of a post that gets a card, if any.
pub fn first_link(ctx: &Context, status: &Status) -> Option<Url> {
    // Most received posts have no link: not worth reading their HTML.
    if !status.content.contains("href=") {
        return None;
    }
    moot_core::pages::links(&status.content)
        .into_iter()
        .filter(|link| {
            !link
                .class
                .split_whitespace()
                .any(|c| c == "mention" || c == "hashtag")
        })
        .filter(|link| status.quote_ap_id.as_deref() != Some(link.href.as_str()))
        .filter_map(|link| Url::parse(&link.href).ok())
        .find(|url| {
            matches!(url.scheme(), "http" | "https") && url.origin() != ctx.urls.base().origin()
        })
}

/// Gives a new post the card of its first link, in the background (when
/// the node shows link previews).
pub fn attach_later(ctx: &Context, status: &Status) {
    if !ctx.settings.federation.link_previews {
        return;
    }
    let Some(url) = first_link(ctx, status) else {
        return;
    };
    let (ctx, status_id) = (ctx.clone(), status.id);
    tokio::spawn(async move {
        if let Err(e) = attach(&ctx, status_id, &url).await {
            tracing::debug!(%url, error = %e, "no preview card");
        }
    });
}

async fn attach(ctx: &Context, status_id: i64, url: &Url) -> Result<(), AppError> {
    let kept = {
        let mut conn = ctx.db.conn().await?;
        moot_db::cards::fresh(&mut conn, url.as_str(), Utc::now() - KEPT_FOR).await?
    };
    let card = match kept {
        Some(card) => card,
        None => {
            let Some(remote) = ctx.remote.get() else {
                return Ok(());
            };
            let summary = remote.page_summary(url).await.unwrap_or_else(|e| {
                tracing::debug!(%url, error = %e, "a linked page could not be read");
                Default::default()
            });
            let card = Card {
                url: url.to_string(),
                found: !summary.title.is_empty(),
                title: summary.title,
                description: summary.description,
                image_url: summary.image,
                provider_name: match summary.site_name.is_empty() {
                    true => url.host_str().unwrap_or_default().to_owned(),
                    false => summary.site_name,
                },
                fetched_at: Utc::now(),
            };
            let mut conn = ctx.db.conn().await?;
            moot_db::cards::keep(&mut conn, &card).await?;
            card
        }
    };
    if card.found {
        let mut conn = ctx.db.conn().await?;
        moot_db::cards::attach(&mut conn, status_id, &card.url).await?;
    }
    Ok(())
}
