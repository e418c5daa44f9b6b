//! Domain lists in and out: Mastodon's CSV formats (blocks:
//! `#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate`;
//! allows: `#domain`) and plain text, one domain a line, for subscriptions.
//! A list is parsed whole before anything is applied, so a bad line changes
//! nothing.

use diesel_async::AsyncConnection;
use moot_core::domain_rules::Severity;
use moot_db::domain_rules as store;
use serde_json::json;

use crate::domain_policy::{self, BlockRequest, Change, Who};
use crate::error::AppError;
use crate::Context;

#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Allow(String),
    Block(String, BlockRequest),
}

impl Entry {
    pub fn domain(&self) -> &str {
        match self {
            Entry::Allow(domain) | Entry::Block(domain, _) => domain,
        }
    }
}

/// What a headerless list means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Allow,
    Block,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("line {line}: {message}")]
pub struct ListError {
    pub line: u64,
    pub message: String,
}

fn error(line: u64, message: impl Into<String>) -> ListError {
    ListError {
        line,
        message: message.into(),
    }
}

/// Parses a list. A first line starting `#domain` is a CSV header (a
/// `#severity` column makes it a block list); otherwise each line is a
/// domain, blank lines and `#` comments skipped, read as `plain`. Blocks
/// without a severity in a plain or allow-shaped block list are suspensions.
pub fn parse(text: &str, plain: Option<Kind>) -> Result<Vec<Entry>, ListError> {
    let text = text.trim_start_matches('\u{feff}');
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    if first.trim_start().starts_with("#domain") {
        return parse_csv(text, plain);
    }
    let kind = plain.ok_or_else(|| {
        error(
            1,
            "expected a CSV header starting with #domain (Mastodon's export format)",
        )
    })?;
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let domain = domain_policy::parse_domain(line)
            .map_err(|e| error(i as u64 + 1, format!("`{line}`: {e}")))?;
        entries.push(match kind {
            Kind::Allow => Entry::Allow(domain),
            Kind::Block => Entry::Block(domain, BlockRequest::new(Severity::Suspend)),
        });
    }
    Ok(entries)
}

fn parse_csv(text: &str, plain: Option<Kind>) -> Result<Vec<Entry>, ListError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| error(1, e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('#').to_ascii_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let domain_at = column("domain").ok_or_else(|| error(1, "no #domain column"))?;
    let blocks = column("severity").is_some() || plain == Some(Kind::Block);
    let mut entries = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            error(line, e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |name: &str| column(name).and_then(|i| record.get(i)).unwrap_or("");
        let raw = record.get(domain_at).unwrap_or("");
        if raw.is_empty() {
            continue;
        }
        let domain =
            domain_policy::parse_domain(raw).map_err(|e| error(line, format!("`{raw}`: {e}")))?;
        if !blocks {
            entries.push(Entry::Allow(domain));
            continue;
        }
        let severity = match field("severity") {
            "" => Severity::Suspend,
            s => Severity::parse(s).ok_or_else(|| {
                error(
                    line,
                    format!("severity `{s}` is not suspend, silence or noop"),
                )
            })?,
        };
        let flag = |name: &str| match field(name).to_ascii_lowercase().as_str() {
            "" | "false" | "0" => Ok(false),
            "true" | "1" => Ok(true),
            other => Err(error(
                line,
                format!("#{name} `{other}` is not true or false"),
            )),
        };
        let mut request = BlockRequest::new(severity);
        request.reject_media = flag("reject_media")?;
        request.reject_reports = flag("reject_reports")?;
        request.obfuscate = flag("obfuscate")?;
        request.public_comment = field("public_comment").to_owned();
        entries.push(Entry::Block(domain, request));
    }
    Ok(entries)
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub skipped: Vec<String>,
}

/// Applies a parsed list as local rules, all in one transaction; each rule
/// changed is audited. `source` names the list in the audit log.
pub async fn import(
    ctx: &Context,
    who: &Who,
    entries: &[Entry],
    source: &str,
) -> Result<ImportReport, AppError> {
    let mut conn = ctx.db.conn().await?;
    let report = conn
        .transaction::<_, AppError, _>(async |conn| apply(conn, who, entries, source).await)
        .await?;
    drop(conn);
    ctx.policy.reload(&ctx.db).await?;
    Ok(report)
}

/// What `import` would do, without doing it: the same import, in a
/// transaction that is rolled back, so the preview cannot differ from
/// what applying the list does.
pub async fn preview(
    ctx: &Context,
    who: &Who,
    entries: &[Entry],
    source: &str,
) -> Result<ImportReport, AppError> {
    enum Outcome {
        Previewed(ImportReport),
        Failed(AppError),
    }
    impl From<diesel::result::Error> for Outcome {
        fn from(e: diesel::result::Error) -> Self {
            Outcome::Failed(e.into())
        }
    }
    let mut conn = ctx.db.conn().await?;
    let outcome = conn
        .transaction::<(), Outcome, _>(async |conn| {
            let report = apply(conn, who, entries, source)
                .await
                .map_err(Outcome::Failed)?;
            Err(Outcome::Previewed(report))
        })
        .await;
    match outcome {
        Err(Outcome::Previewed(report)) => Ok(report),
        Err(Outcome::Failed(e)) => Err(e),
        Ok(()) => Err(AppError::Internal(anyhow::anyhow!("a preview was kept"))),
    }
}

/// `import`'s changes, in the caller's transaction.
async fn apply(
    conn: &mut diesel_async::AsyncPgConnection,
    who: &Who,
    entries: &[Entry],
    source: &str,
) -> Result<ImportReport, AppError> {
    let mut report = ImportReport::default();
    for entry in entries {
        let change = match entry {
            Entry::Allow(domain) => match domain_policy::allow_in(conn, who, domain).await?.1 {
                true => Change::Added,
                false => Change::Unchanged,
            },
            Entry::Block(domain, request) => {
                domain_policy::block_in(conn, who, domain, request).await?.1
            }
        };
        let list = match change {
            Change::Added => &mut report.added,
            Change::Changed => &mut report.changed,
            Change::Unchanged => &mut report.skipped,
        };
        list.push(entry.domain().to_owned());
    }
    let details = json!({
        "added": report.added.len(), "changed": report.changed.len(),
        "skipped": report.skipped.len(),
    });
    domain_policy::record(conn, who, ("import", source, details, "")).await?;
    Ok(report)
}

/// The local blocks in Mastodon's block-list CSV.
pub async fn export_blocks(ctx: &Context) -> Result<String, AppError> {
    let mut conn = ctx.db.conn().await?;
    let blocks = store::local_blocks(&mut conn).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = |out: &mut csv::Writer<Vec<u8>>, row: &[&str]| {
        out.write_record(row)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("writing CSV: {e}")))
    };
    write(
        &mut out,
        &[
            "#domain",
            "#severity",
            "#reject_media",
            "#reject_reports",
            "#public_comment",
            "#obfuscate",
        ],
    )?;
    for b in &blocks {
        let (media, reports, obfuscate) = (
            b.reject_media.to_string(),
            b.reject_reports.to_string(),
            b.obfuscate.to_string(),
        );
        write(
            &mut out,
            &[
                &b.domain,
                &b.severity,
                &media,
                &reports,
                &b.public_comment,
                &obfuscate,
            ],
        )?;
    }
    csv_text(out)
}

/// The local allows in Mastodon's allow-list CSV.
pub async fn export_allows(ctx: &Context) -> Result<String, AppError> {
    let mut conn = ctx.db.conn().await?;
    let allows = store::local_allows(&mut conn).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::Internal(anyhow::anyhow!("writing CSV: {e}"));
    out.write_record(["#domain"]).map_err(fail)?;
    for a in &allows {
        out.write_record([&a.domain]).map_err(fail)?;
    }
    csv_text(out)
}

fn csv_text(out: csv::Writer<Vec<u8>>) -> Result<String, AppError> {
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodon_block_csv() {
        let text = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
                    spam.example,suspend,false,false,Spam,false\n\
                    loud.example,silence,true,false,\"Noisy, often\",true\n";
        let entries = parse(text, None).unwrap();
        let Entry::Block(domain, request) = &entries[1] else {
            panic!("{entries:?}")
        };
        assert_eq!(domain, "loud.example");
        assert_eq!(request.severity, Severity::Silence);
        assert!(request.reject_media && request.obfuscate && !request.reject_reports);
        assert_eq!(request.public_comment, "Noisy, often");
        assert_eq!(entries[0].domain(), "spam.example");
    }

    #[test]
    fn allow_csv_and_plain_lists() {
        assert_eq!(
            parse("#domain\ncouncil-a.example\n", None).unwrap(),
            [Entry::Allow("council-a.example".into())]
        );
        let plain = "# the region's councils\ncouncil-a.example\n\nlocalhost:8082\n";
        assert_eq!(
            parse(plain, Some(Kind::Allow)).unwrap(),
            [
                Entry::Allow("council-a.example".into()),
                Entry::Allow("localhost:8082".into())
            ]
        );
        assert!(
            parse(plain, None).is_err(),
            "a headerless import is refused"
        );
    }

    #[test]
    fn a_bad_line_is_named() {
        let text = "#domain,#severity\nok.example,suspend\nbad domain,suspend\n";
        assert_eq!(parse(text, None).unwrap_err().line, 3);
        let text = "#domain,#severity\nok.example,suspend\nx.example,obliterate\n";
        let e = parse(text, None).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("obliterate"), "{e}");
        assert_eq!(
            parse("a.example\nnot valid\n", Some(Kind::Block))
                .unwrap_err()
                .line,
            2
        );
    }
}
