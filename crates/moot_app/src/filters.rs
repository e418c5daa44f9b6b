//! A person's filters (Mastodon's filters v2): keywords and particular
//! posts which, in the contexts chosen, are shown behind a warning or
//! hidden.

use chrono::{Duration, Utc};
use moot_db::accounts::Account;
use moot_db::filters::{self as queries, FilterFields, FullFilter};

use crate::{AppError, Context};

/// Where a filter applies.
pub const CONTEXTS: [&str; 5] = ["home", "notifications", "public", "thread", "account"];
/// Most filters one person keeps.
pub const MAX_FILTERS: usize = 100;
const MAX_TEXT: usize = 200;

/// A filter as asked for; keywords are (keyword, whole word).
pub struct FilterInput {
    pub title: Option<String>,
    pub context: Option<Vec<String>>,
    pub action: Option<String>,
    /// Seconds from now; `Some(None)` clears the expiry.
    pub expires_in: Option<Option<i64>>,
    pub keywords: Vec<(String, bool)>,
}

fn check_text(field: &'static str, text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(field, "must not be empty"));
    }
    AppError::check_length(field, Some(text), MAX_TEXT)?;
    Ok(text.to_owned())
}

/// `fields` changed by `input`, checked.
fn apply(fields: &mut FilterFields, input: &FilterInput) -> Result<(), AppError> {
    if let Some(title) = &input.title {
        fields.title = check_text("title", title)?;
    }
    if let Some(context) = &input.context {
        if context.is_empty() || context.iter().any(|c| !CONTEXTS.contains(&c.as_str())) {
            return Err(AppError::invalid(
                "context",
                format!("must be one or more of {}", CONTEXTS.join(", ")),
            ));
        }
        fields.context = context.clone();
    }
    if let Some(action) = &input.action {
        if !matches!(action.as_str(), "warn" | "hide" | "blur") {
            return Err(AppError::invalid(
                "filter_action",
                "must be warn, hide or blur",
            ));
        }
        fields.action = action.clone();
    }
    match input.expires_in {
        Some(Some(secs)) if !(1..=10 * 365 * 86_400).contains(&secs) => {
            return Err(AppError::invalid(
                "expires_in",
                "must be a number of seconds up to ten years",
            ))
        }
        Some(Some(secs)) => fields.expires_at = Some(Utc::now() + Duration::seconds(secs)),
        Some(None) => fields.expires_at = None,
        None => {}
    }
    Ok(())
}

/// `owner`'s filter `id`; someone else's is not found.
pub async fn owned(ctx: &Context, owner: &Account, id: i64) -> Result<FullFilter, AppError> {
    let mut conn = ctx.db.conn().await?;
    queries::of(&mut conn, owner.id, false)
        .await?
        .into_iter()
        .find(|f| f.filter.id == id)
        .ok_or(AppError::NotFound)
}

pub async fn create(
    ctx: &Context,
    owner: &Account,
    input: FilterInput,
) -> Result<FullFilter, AppError> {
    if input.title.is_none() || input.context.is_none() {
        return Err(AppError::invalid(
            "title",
            "a title and a context are required",
        ));
    }
    let mut fields = FilterFields {
        title: String::new(),
        context: Vec::new(),
        action: "warn".into(),
        expires_at: None,
    };
    apply(&mut fields, &input)?;
    let keywords = input
        .keywords
        .iter()
        .map(|(k, whole)| Ok((check_text("keyword", k)?, *whole)))
        .collect::<Result<Vec<_>, AppError>>()?;
    let mut conn = ctx.db.conn().await?;
    if queries::of(&mut conn, owner.id, false).await?.len() >= MAX_FILTERS {
        return Err(AppError::invalid(
            "title",
            format!("at most {MAX_FILTERS} filters can be kept"),
        ));
    }
    let id = queries::create(&mut conn, owner.id, &fields, &keywords).await?;
    drop(conn);
    owned(ctx, owner, id).await
}

pub async fn change(
    ctx: &Context,
    owner: &Account,
    id: i64,
    input: FilterInput,
) -> Result<FullFilter, AppError> {
    let found = owned(ctx, owner, id).await?;
    let mut fields = FilterFields {
        title: found.filter.title,
        context: found.filter.context,
        action: found.filter.action,
        expires_at: found.filter.expires_at,
    };
    apply(&mut fields, &input)?;
    let mut conn = ctx.db.conn().await?;
    queries::update(&mut conn, id, &fields).await?;
    for (keyword, whole) in &input.keywords {
        queries::add_keyword(&mut conn, id, &check_text("keyword", keyword)?, *whole).await?;
    }
    drop(conn);
    owned(ctx, owner, id).await
}

pub async fn delete(ctx: &Context, owner: &Account, id: i64) -> Result<(), AppError> {
    owned(ctx, owner, id).await?;
    let mut conn = ctx.db.conn().await?;
    Ok(queries::delete(&mut conn, id).await?)
}

pub async fn add_keyword(
    ctx: &Context,
    owner: &Account,
    id: i64,
    keyword: &str,
    whole_word: bool,
) -> Result<queries::Keyword, AppError> {
    owned(ctx, owner, id).await?;
    let keyword = check_text("keyword", keyword)?;
    let mut conn = ctx.db.conn().await?;
    Ok(queries::add_keyword(&mut conn, id, &keyword, whole_word).await?)
}

/// `owner`'s keyword `id` (and the filter it belongs to).
pub async fn owned_keyword(
    ctx: &Context,
    owner: &Account,
    id: i64,
) -> Result<queries::Keyword, AppError> {
    let mut conn = ctx.db.conn().await?;
    let keyword = queries::keyword(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    owned(ctx, owner, keyword.filter_id).await?;
    Ok(keyword)
}

/// `owner`'s filtered-post entry `id`.
pub async fn owned_status(
    ctx: &Context,
    owner: &Account,
    id: i64,
) -> Result<queries::FilteredStatus, AppError> {
    let mut conn = ctx.db.conn().await?;
    let entry = queries::status(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    owned(ctx, owner, entry.filter_id).await?;
    Ok(entry)
}

/// All of `owner`'s filters, expired ones too.
pub async fn all(ctx: &Context, owner: &Account) -> Result<Vec<FullFilter>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::of(&mut conn, owner.id, false).await?)
}

/// Changes `owner`'s keyword `id`; `whole_word` None keeps it as it is.
pub async fn change_keyword(
    ctx: &Context,
    owner: &Account,
    id: i64,
    keyword: &str,
    whole_word: Option<bool>,
) -> Result<queries::Keyword, AppError> {
    let found = owned_keyword(ctx, owner, id).await?;
    let keyword = check_text("keyword", keyword)?;
    let whole = whole_word.unwrap_or(found.whole_word);
    let mut conn = ctx.db.conn().await?;
    Ok(queries::update_keyword(&mut conn, found.id, &keyword, whole).await?)
}

/// Removes `owner`'s keyword `id`.
pub async fn remove_keyword(ctx: &Context, owner: &Account, id: i64) -> Result<(), AppError> {
    let found = owned_keyword(ctx, owner, id).await?;
    let mut conn = ctx.db.conn().await?;
    Ok(queries::delete_keyword(&mut conn, found.id).await?)
}

/// Removes `owner`'s filtered-post entry `id`.
pub async fn remove_status(ctx: &Context, owner: &Account, id: i64) -> Result<(), AppError> {
    let found = owned_status(ctx, owner, id).await?;
    let mut conn = ctx.db.conn().await?;
    Ok(queries::delete_status(&mut conn, found.id).await?)
}

/// Adds a post the owner can see to their filter.
pub async fn add_status(
    ctx: &Context,
    owner: &Account,
    id: i64,
    status_id: i64,
) -> Result<queries::FilteredStatus, AppError> {
    owned(ctx, owner, id).await?;
    let (status, _) = crate::statuses::get_visible(ctx, Some(owner), status_id).await?;
    let mut conn = ctx.db.conn().await?;
    Ok(queries::add_status(&mut conn, id, status.id).await?)
}

/// Which of `filter`'s keywords a post's text matches (case aside; a whole
/// word keyword only between non-word characters), and whether the post
/// itself is filtered.
pub fn matches(filter: &FullFilter, status_id: i64, text: &str) -> (Vec<String>, bool) {
    let text = text.to_lowercase();
    let keywords = filter
        .keywords
        .iter()
        .filter(|k| contains(&text, &k.keyword.to_lowercase(), k.whole_word))
        .map(|k| k.keyword.clone())
        .collect();
    let post = filter.statuses.iter().any(|s| s.status_id == status_id);
    (keywords, post)
}

fn contains(text: &str, keyword: &str, whole_word: bool) -> bool {
    if keyword.is_empty() {
        return false;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(keyword).any(|(at, _)| {
        !whole_word
            || (!text[..at].chars().next_back().is_some_and(is_word)
                && !text[at + keyword.len()..]
                    .chars()
                    .next()
                    .is_some_and(is_word))
    })
}

/// Filters v1, as older apps use them: each keyword is a filter of its own
/// (`phrase`), its filter's context, expiry and action shared; a v1 filter
/// made here is a v2 filter titled by its phrase with that one keyword.
/// `irreversible` is the `hide` action.
pub struct V1Input {
    pub phrase: Option<String>,
    pub context: Option<Vec<String>>,
    pub irreversible: Option<bool>,
    pub whole_word: Option<bool>,
    pub expires_in: Option<Option<i64>>,
}

/// One keyword with its filter: a v1 filter.
pub struct V1Filter {
    pub keyword: queries::Keyword,
    pub filter: queries::Filter,
}

fn v1_action(irreversible: Option<bool>) -> Option<String> {
    irreversible.map(|hide| if hide { "hide" } else { "warn" }.to_owned())
}

/// Every keyword of `owner`'s filters, as v1 filters.
pub async fn all_v1(ctx: &Context, owner: &Account) -> Result<Vec<V1Filter>, AppError> {
    Ok(all(ctx, owner)
        .await?
        .into_iter()
        .flat_map(|full| {
            let filter = full.filter;
            full.keywords.into_iter().map(move |keyword| V1Filter {
                keyword,
                filter: filter.clone(),
            })
        })
        .collect())
}

/// `owner`'s v1 filter `id` (a keyword's id).
pub async fn owned_v1(ctx: &Context, owner: &Account, id: i64) -> Result<V1Filter, AppError> {
    let keyword = owned_keyword(ctx, owner, id).await?;
    let filter = owned(ctx, owner, keyword.filter_id).await?.filter;
    Ok(V1Filter { keyword, filter })
}

pub async fn create_v1(
    ctx: &Context,
    owner: &Account,
    input: V1Input,
) -> Result<V1Filter, AppError> {
    let phrase = input
        .phrase
        .ok_or_else(|| AppError::invalid("phrase", "is required"))?;
    let made = create(
        ctx,
        owner,
        FilterInput {
            title: Some(phrase.clone()),
            context: input.context,
            action: v1_action(input.irreversible),
            expires_in: input.expires_in,
            keywords: vec![(phrase, input.whole_word.unwrap_or(true))],
        },
    )
    .await?;
    let keyword = made.keywords.into_iter().next().ok_or(AppError::NotFound)?;
    Ok(V1Filter {
        keyword,
        filter: made.filter,
    })
}

/// Changes a v1 filter: its phrase and whole-word flag, and its filter's
/// context, action and expiry.
pub async fn change_v1(
    ctx: &Context,
    owner: &Account,
    id: i64,
    input: V1Input,
) -> Result<V1Filter, AppError> {
    let found = owned_v1(ctx, owner, id).await?;
    if input.phrase.is_some() || input.whole_word.is_some() {
        let phrase = input.phrase.clone().unwrap_or(found.keyword.keyword);
        change_keyword(ctx, owner, id, &phrase, input.whole_word).await?;
    }
    change(
        ctx,
        owner,
        found.filter.id,
        FilterInput {
            title: None,
            context: input.context,
            action: v1_action(input.irreversible),
            expires_in: input.expires_in,
            keywords: Vec::new(),
        },
    )
    .await?;
    owned_v1(ctx, owner, id).await
}

/// Removes a v1 filter; its filter goes too when nothing else is in it.
pub async fn remove_v1(ctx: &Context, owner: &Account, id: i64) -> Result<(), AppError> {
    let found = owned_v1(ctx, owner, id).await?;
    remove_keyword(ctx, owner, id).await?;
    let rest = owned(ctx, owner, found.filter.id).await?;
    if rest.keywords.is_empty() && rest.statuses.is_empty() {
        delete(ctx, owner, found.filter.id).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::contains;

    #[test]
    fn whole_words_and_parts() {
        assert!(contains("road closed today", "closed", true));
        assert!(!contains("road closedown", "closed", true));
        assert!(contains("road closedown", "closed", false));
        assert!(contains("(closed)", "closed", true));
        assert!(!contains("anything", "", false));
    }
}
