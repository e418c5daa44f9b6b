//! Federation rules through the client API, in Mastodon's shape:
//! `/api/v1/admin/domain_allows` and `/api/v1/admin/domain_blocks` for the
//! node's administrators, the public `/api/v1/instance/domain_blocks`, and
//! Moot's `/api/moot/v1/admin/audit_log`.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use moot_app::domain_policy::{self, stored, BlockRequest, Change, Who};
use moot_app::model::{AllowRow, BlockRow};
use moot_app::Context;
use moot_core::domain_rules::Severity;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Auth;
use crate::errors::ApiError;
use crate::params::parse_id;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_allows)
        .service(get_allow)
        .service(create_allow)
        .service(delete_allow)
        .service(list_blocks)
        .service(get_block)
        .service(create_block)
        .service(update_block)
        .service(delete_block)
        .service(public_blocks)
        .service(audit_log);
}

fn allow_json(row: &AllowRow) -> Value {
    json!({
        "id": row.id.to_string(),
        "domain": row.domain,
        "created_at": crate::presenter::timestamp(row.created_at),
    })
}

fn digest(domain: &str) -> String {
    openssl::sha::sha256(domain.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn block_json(row: &BlockRow) -> Value {
    json!({
        "id": row.id.to_string(),
        "domain": row.domain,
        "digest": digest(&row.domain),
        "created_at": crate::presenter::timestamp(row.created_at),
        "severity": row.severity,
        "reject_media": row.reject_media,
        "reject_reports": row.reject_reports,
        "private_comment": Some(&row.private_comment).filter(|c| !c.is_empty()),
        "public_comment": Some(&row.public_comment).filter(|c| !c.is_empty()),
        "obfuscate": row.obfuscate,
        "expires_at": row.expires_at.map(crate::presenter::timestamp),
    })
}

#[get("/api/v1/admin/domain_allows")]
async fn list_allows(ctx: web::Data<Context>, auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require_admin("admin:read:domain_allows")?;
    let rows = stored::allows(&ctx).await?;
    Ok(HttpResponse::Ok().json(rows.iter().map(allow_json).collect::<Vec<_>>()))
}

#[get("/api/v1/admin/domain_allows/{id}")]
async fn get_allow(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin("admin:read:domain_allows")?;
    let row = stored::allow(&ctx, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(allow_json(&row)))
}

#[derive(Deserialize)]
struct AllowParams {
    domain: String,
}

#[post("/api/v1/admin/domain_allows")]
async fn create_allow(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:write:domain_allows")?;
    let params: AllowParams = crate::params::parse(&req, &body).await?;
    let who = Who::person(&session.account.username);
    let (row, _) = domain_policy::allow(&ctx, &who, &params.domain).await?;
    Ok(HttpResponse::Ok().json(allow_json(&row)))
}

#[delete("/api/v1/admin/domain_allows/{id}")]
async fn delete_allow(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:write:domain_allows")?;
    let who = Who::person(&session.account.username);
    domain_policy::remove_allow_by_id(&ctx, &who, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

#[get("/api/v1/admin/domain_blocks")]
async fn list_blocks(ctx: web::Data<Context>, auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.require_admin("admin:read:domain_blocks")?;
    let rows = stored::blocks(&ctx).await?;
    Ok(HttpResponse::Ok().json(rows.iter().map(block_json).collect::<Vec<_>>()))
}

#[get("/api/v1/admin/domain_blocks/{id}")]
async fn get_block(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin("admin:read:domain_blocks")?;
    let row = stored::block(&ctx, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(block_json(&row)))
}

/// The fields of a block, as created or updated.
#[derive(Deserialize)]
struct BlockParams {
    domain: Option<String>,
    severity: Option<String>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    reject_media: Option<bool>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    reject_reports: Option<bool>,
    private_comment: Option<String>,
    public_comment: Option<String>,
    #[serde(default, deserialize_with = "crate::params::flag")]
    obfuscate: Option<bool>,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl BlockParams {
    /// `base` changed by whatever the request gives.
    fn apply_to(self, mut base: BlockRequest) -> Result<BlockRequest, ApiError> {
        if let Some(severity) = self.severity {
            base.severity = Severity::parse(&severity).ok_or_else(|| {
                ApiError::unprocessable(format!(
                    "Validation failed: severity `{severity}` is not suspend, silence or noop"
                ))
            })?;
        }
        base.reject_media = self.reject_media.unwrap_or(base.reject_media);
        base.reject_reports = self.reject_reports.unwrap_or(base.reject_reports);
        base.private_comment = self.private_comment.unwrap_or(base.private_comment);
        base.public_comment = self.public_comment.unwrap_or(base.public_comment);
        base.obfuscate = self.obfuscate.unwrap_or(base.obfuscate);
        base.expires_at = self.expires_at.or(base.expires_at);
        Ok(base)
    }
}

#[post("/api/v1/admin/domain_blocks")]
async fn create_block(
    ctx: web::Data<Context>,
    auth: Auth,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:write:domain_blocks")?;
    let mut params: BlockParams = crate::params::parse(&req, &body).await?;
    let domain = params
        .domain
        .take()
        .ok_or_else(|| ApiError::unprocessable("Validation failed: domain is missing"))?;
    let domain = domain_policy::parse_domain(&domain)?;
    if let Some(existing) = stored::block_of(&ctx, &domain).await? {
        // As Mastodon: a second block of a domain is an error naming the first.
        return Ok(HttpResponse::UnprocessableEntity().json(json!({
            "error": "You have already imposed stricter limits on this domain.",
            "existing_domain_block": block_json(&existing),
        })));
    }
    // Mastodon's default severity is silence.
    let request = params.apply_to(BlockRequest::new(Severity::Silence))?;
    let who = Who::person(&session.account.username);
    let (row, _) = domain_policy::block(&ctx, &who, &domain, &request).await?;
    Ok(HttpResponse::Ok().json(block_json(&row)))
}

#[put("/api/v1/admin/domain_blocks/{id}")]
async fn update_block(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:write:domain_blocks")?;
    let params: BlockParams = crate::params::parse(&req, &body).await?;
    let existing = stored::block(&ctx, parse_id(&id)?).await?;
    let current = BlockRequest {
        severity: Severity::parse(&existing.severity).unwrap_or(Severity::Silence),
        reject_media: existing.reject_media,
        reject_reports: existing.reject_reports,
        public_comment: existing.public_comment.clone(),
        private_comment: existing.private_comment.clone(),
        obfuscate: existing.obfuscate,
        expires_at: existing.expires_at,
    };
    let request = params.apply_to(current)?;
    let who = Who::person(&session.account.username);
    let (row, change) = domain_policy::block(&ctx, &who, &existing.domain, &request).await?;
    debug_assert!(change != Change::Added);
    Ok(HttpResponse::Ok().json(block_json(&row)))
}

#[delete("/api/v1/admin/domain_blocks/{id}")]
async fn delete_block(
    ctx: web::Data<Context>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let session = auth.require_admin("admin:write:domain_blocks")?;
    let who = Who::person(&session.account.username);
    domain_policy::remove_block_by_id(&ctx, &who, parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

/// A domain with its middle half hidden, as Mastodon shows obfuscated blocks.
fn obfuscated(domain: &str) -> String {
    let len = domain.chars().count();
    let hidden = len / 4..len / 4 + len / 2;
    domain
        .chars()
        .enumerate()
        .map(|(i, c)| if hidden.contains(&i) { '*' } else { c })
        .collect()
}

/// The public list of blocks: domain (or its obfuscated form), digest,
/// severity and the public comment only.
#[get("/api/v1/instance/domain_blocks")]
async fn public_blocks(ctx: web::Data<Context>) -> Result<HttpResponse, ApiError> {
    let rows = stored::effective_blocks(&ctx).await?;
    let now = chrono::Utc::now();
    let shown: Vec<Value> = rows
        .iter()
        .filter(|r| r.expires_at.is_none_or(|t| t > now))
        .map(|r| {
            json!({
                "domain": if r.obfuscate { obfuscated(&r.domain) } else { r.domain.clone() },
                "digest": digest(&r.domain),
                "severity": r.severity,
                "comment": Some(&r.public_comment).filter(|c| !c.is_empty()),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(shown))
}

#[derive(Deserialize)]
struct AuditQuery {
    limit: Option<i64>,
    actor: Option<String>,
    action: Option<String>,
    target: Option<String>,
    since: Option<chrono::DateTime<chrono::Utc>>,
    until: Option<chrono::DateTime<chrono::Utc>>,
    max_id: Option<i64>,
}

#[get("/api/moot/v1/admin/audit_log")]
async fn audit_log(
    ctx: web::Data<Context>,
    auth: Auth,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_admin("admin:read")?;
    let query = query.into_inner();
    let filter = moot_app::audit::AuditFilter {
        actor: query.actor.filter(|a| !a.is_empty()),
        actions: query.action.into_iter().filter(|a| !a.is_empty()).collect(),
        target: query.target.filter(|t| !t.is_empty()),
        since: query.since,
        until: query.until,
        max_id: query.max_id,
        limit: query.limit.unwrap_or(100).clamp(1, 1000),
    };
    let entries = moot_app::audit::entries(&ctx, &filter).await?;
    let out: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({
                "id": e.id.to_string(),
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "details": serde_json::from_str::<Value>(&e.details).unwrap_or(Value::Null),
                "reason": e.reason,
                "created_at": crate::presenter::timestamp(e.created_at),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}

#[cfg(test)]
mod tests {
    #[test]
    fn obfuscation_keeps_the_ends_and_dots() {
        assert_eq!(super::obfuscated("example.org"), "ex*****.org");
    }
}
