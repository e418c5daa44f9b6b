//! The node's rules, terms of service and privacy policy: written by its
//! administrators (Markdown for the documents), shown on the web and to
//! apps (`/api/v1/instance/rules`, `…/terms_of_service`,
//! `…/privacy_policy`); each change is in the audit log.

use diesel_async::AsyncConnection;
pub use moot_db::node_texts::{Document, Rule};

use crate::audit::Who;
use crate::model::Account;
use crate::{AppError, Context};

/// The two documents a node publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    TermsOfService,
    PrivacyPolicy,
}

impl Kind {
    pub fn parse(raw: &str) -> Option<Kind> {
        match raw {
            "terms_of_service" | "terms" => Some(Kind::TermsOfService),
            "privacy_policy" | "privacy" => Some(Kind::PrivacyPolicy),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Kind::TermsOfService => "terms_of_service",
            Kind::PrivacyPolicy => "privacy_policy",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Kind::TermsOfService => "Terms of service",
            Kind::PrivacyPolicy => "Privacy policy",
        }
    }
}

const MOST_RULE_CHARS: usize = 300;
const MOST_HINT_CHARS: usize = 1000;
const MOST_DOCUMENT_CHARS: usize = 100_000;

/// The rules, in order.
pub async fn rules(ctx: &Context) -> Result<Vec<Rule>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::node_texts::rules(&mut conn).await?)
}

fn check_rule(text: &str, hint: &str) -> Result<(), AppError> {
    if text.trim().is_empty() {
        return Err(AppError::invalid("text", "is empty"));
    }
    AppError::check_length("text", Some(text), MOST_RULE_CHARS)?;
    AppError::check_length("hint", Some(hint), MOST_HINT_CHARS)
}

/// Adds a rule after the others.
pub async fn add_rule(
    ctx: &Context,
    admin: &Account,
    text: &str,
    hint: &str,
) -> Result<Rule, AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    check_rule(text, hint)?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let rule = moot_db::node_texts::add_rule(conn, text.trim(), hint.trim()).await?;
        record(
            conn,
            admin,
            "node.rule_add",
            &format!("rule:{}", rule.id),
            text.trim(),
        )
        .await?;
        Ok(rule)
    })
    .await
}

/// Rewrites a rule.
pub async fn update_rule(
    ctx: &Context,
    admin: &Account,
    id: i64,
    text: &str,
    hint: &str,
) -> Result<Rule, AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    check_rule(text, hint)?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let rule = moot_db::node_texts::update_rule(conn, id, text.trim(), hint.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        record(
            conn,
            admin,
            "node.rule_change",
            &format!("rule:{id}"),
            text.trim(),
        )
        .await?;
        Ok(rule)
    })
    .await
}

/// Removes a rule (reports that cite it keep its id).
pub async fn remove_rule(ctx: &Context, admin: &Account, id: i64) -> Result<(), AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        if !moot_db::node_texts::remove_rule(conn, id).await? {
            return Err(AppError::NotFound);
        }
        record(conn, admin, "node.rule_remove", &format!("rule:{id}"), "").await
    })
    .await
}

/// A document, if the administrators have written it.
pub async fn document(ctx: &Context, kind: Kind) -> Result<Option<Document>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::node_texts::document(&mut conn, kind.key()).await?)
}

/// Writes a document (Markdown); it is shown rendered and sanitized.
pub async fn set_document(
    ctx: &Context,
    admin: &Account,
    kind: Kind,
    source: &str,
) -> Result<Document, AppError> {
    crate::accounts::require_admin(ctx, admin).await?;
    AppError::check_length("text", Some(source), MOST_DOCUMENT_CHARS)?;
    let html = moot_core::text::render_markdown(source);
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let document = moot_db::node_texts::set_document(conn, kind.key(), source, &html).await?;
        record(conn, admin, "node.document", kind.key(), "").await?;
        Ok(document)
    })
    .await
}

async fn record(
    conn: &mut diesel_async::AsyncPgConnection,
    admin: &Account,
    action: &str,
    target: &str,
    text: &str,
) -> Result<(), AppError> {
    crate::audit::record(
        conn,
        &Who::person(&admin.username),
        action,
        target,
        serde_json::json!({ "text": text }),
        "",
    )
    .await
}
