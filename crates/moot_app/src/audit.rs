//! The audit log, as moderators read it: every rule change and moderation
//! action with who took it, on what, when and why. Actions record their
//! entry inside their own transaction (`record`), so an action and its
//! entry stand or fall together.

use diesel_async::AsyncPgConnection;
pub use moot_db::audit::{AuditEntry, AuditFilter};

use crate::{AppError, Context};

/// Who made a change, as the audit log shows it.
#[derive(Debug, Clone)]
pub struct Who(pub String);

impl Who {
    pub fn person(username: &str) -> Who {
        Who(format!("@{username}"))
    }

    /// The command line, as the operating-system user running it.
    pub fn command_line() -> Who {
        let user = std::env::var("SUDO_USER")
            .or_else(|_| std::env::var("USER"))
            .unwrap_or_else(|_| "unknown".into());
        Who(format!("cli:{user}"))
    }
}

/// Records an action inside its transaction.
pub async fn record(
    conn: &mut AsyncPgConnection,
    who: &Who,
    action: &str,
    target: &str,
    details: serde_json::Value,
    reason: &str,
) -> Result<(), AppError> {
    moot_db::audit::record(conn, &who.0, action, target, &details.to_string(), reason).await?;
    Ok(())
}

/// Most entries one read returns (a page, or an export).
pub const MOST_ENTRIES: i64 = 10_000;

/// Entries as `filter` narrows them, newest first.
pub async fn entries(ctx: &Context, filter: &AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
    let mut filter = filter.clone();
    filter.limit = filter.limit.clamp(1, MOST_ENTRIES);
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::audit::entries(&mut conn, &filter).await?)
}

/// Who appears in the log.
pub async fn actors(ctx: &Context) -> Result<Vec<String>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(moot_db::audit::actors(&mut conn).await?)
}

/// Entries as CSV (RFC 4180), oldest last as read, with a header row.
pub fn to_csv(entries: &[AuditEntry]) -> Result<Vec<u8>, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::Internal(e.into());
    out.write_record([
        "id", "when", "actor", "action", "target", "reason", "details",
    ])
    .map_err(fail)?;
    for e in entries {
        out.write_record([
            e.id.to_string().as_str(),
            &e.created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            &spreadsheet_safe(&e.actor),
            &e.action,
            &spreadsheet_safe(&e.target),
            &spreadsheet_safe(&e.reason),
            &spreadsheet_safe(&e.details),
        ])
        .map_err(fail)?;
    }
    out.into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing CSV: {e}")))
}

/// A cell a spreadsheet would not run as a formula: text from people (a
/// reason, a peer's domain) that starts like one gets a leading `'`.
fn spreadsheet_safe(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_start_a_formula() {
        let entry = AuditEntry {
            id: 7,
            actor: "@ann".into(),
            action: "status.remove".into(),
            target: "status:1".into(),
            details: "{}".into(),
            reason: "=HYPERLINK(\"http://x\")".into(),
            created_at: chrono::Utc::now(),
        };
        let text = String::from_utf8(to_csv(&[entry]).unwrap()).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("id,when,actor,action,target,reason,details")
        );
        let row = lines.next().unwrap();
        assert!(row.contains(",'@ann,status.remove,status:1,"), "{row}");
        assert!(row.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{row}");
    }
}
