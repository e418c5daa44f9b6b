//! `moot federation ...`: whom this node federates with. Changes apply to
//! every running process of the node within seconds, and are audited.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use moot_app::domain_lists::{self, Kind};
use moot_app::domain_policy::{self, BlockRequest, Who};
use moot_core::domain_rules::{Mode, Severity};
use moot_core::Settings;

use crate::database::{self, Role};

#[derive(Subcommand)]
pub enum FederationCommand {
    /// Show the mode, or set it: blocklist (everyone but the blocked) or
    /// allowlist (only the allowed; a block still wins).
    Mode {
        #[arg(value_parser = ["allowlist", "blocklist"])]
        mode: Option<String>,
        /// Why, for the audit log.
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Allow a domain (with its subdomains), or one host:port.
    Allow { domain: String },
    /// Block a domain (with its subdomains), or one host:port.
    Block {
        domain: String,
        /// suspend: no federation, and its content and follows are removed;
        /// silence: kept out of public timelines; noop: only the flags.
        #[arg(long, value_parser = ["suspend", "silence", "noop"])]
        severity: String,
        /// Ignore its media.
        #[arg(long)]
        reject_media: bool,
        /// Ignore its reports.
        #[arg(long)]
        reject_reports: bool,
        /// A comment shown in the public list of blocks.
        #[arg(long, default_value = "")]
        comment: String,
        /// A comment for administrators only.
        #[arg(long, default_value = "")]
        private_comment: String,
        /// Show the domain partly hidden in the public list.
        #[arg(long)]
        obfuscate: bool,
        /// When the block lapses (RFC 3339, e.g. 2027-01-31T00:00:00Z).
        #[arg(long)]
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Remove the local allow and block of a domain.
    Remove { domain: String },
    /// Print the mode and every rule in force.
    List,
    /// Apply a list in Mastodon's CSV format (blocks or allows) as local
    /// rules; a malformed line stops it before anything changes.
    Import { file: PathBuf },
    /// Write the local rules in Mastodon's CSV format, to FILE or standard output.
    Export {
        file: Option<PathBuf>,
        /// The allow list instead of the block list.
        #[arg(long)]
        allows: bool,
    },
    /// Follow a list published at a URL (CSV, or one domain a line), re-fetched on a schedule.
    Subscribe {
        url: url::Url,
        /// What a plain list's domains are.
        #[arg(long, value_parser = ["allow", "block"])]
        kind: String,
        #[arg(long, default_value_t = 24)]
        every_hours: i32,
    },
    /// Stop following a list; its entries are removed.
    Unsubscribe { url: url::Url },
}

pub async fn run(command: FederationCommand, settings: &Settings) -> anyhow::Result<()> {
    let open = database::open(settings, Role::Tool).await?;
    let ctx = moot_app::Context::new(open.db.clone(), std::sync::Arc::new(settings.clone()));
    let result = execute(command, &ctx).await;
    open.close().await?;
    result
}

async fn execute(command: FederationCommand, ctx: &moot_app::Context) -> anyhow::Result<()> {
    let who = Who::command_line();
    ctx.policy.reload(&ctx.db).await?;
    match command {
        FederationCommand::Mode {
            mode: None,
            comment: _,
        } => println!("{}", domain_policy::mode(ctx).as_str()),
        FederationCommand::Mode {
            mode: Some(mode),
            comment,
        } => {
            let mode = Mode::parse(&mode).expect("clap checked the mode");
            domain_policy::set_mode(ctx, &who, mode, &comment).await?;
            println!("federation mode: {}", mode.as_str());
        }
        FederationCommand::Allow { domain } => {
            let (row, new) = domain_policy::allow(ctx, &who, &domain).await?;
            println!(
                "{} {}",
                if new { "allowed" } else { "already allowed" },
                row.domain
            );
        }
        FederationCommand::Block {
            domain,
            severity,
            reject_media,
            reject_reports,
            comment,
            private_comment,
            obfuscate,
            expires_at,
        } => {
            let severity = Severity::parse(&severity).expect("clap checked the severity");
            let request = BlockRequest {
                reject_media,
                reject_reports,
                public_comment: comment,
                private_comment,
                obfuscate,
                expires_at,
                ..BlockRequest::new(severity)
            };
            let (row, change) = domain_policy::block(ctx, &who, &domain, &request).await?;
            println!("{} ({}): {change:?}", row.domain, row.severity);
        }
        FederationCommand::Remove { domain } => {
            domain_policy::remove(ctx, &who, &domain).await?;
            println!("removed the rules for {domain}");
        }
        FederationCommand::List => print!("{}", list(ctx).await?),
        FederationCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let entries = domain_lists::parse(&text, None)
                .with_context(|| format!("{}: nothing was imported", file.display()))?;
            let source = file.display().to_string();
            let report = domain_lists::import(ctx, &who, &entries, &source).await?;
            println!(
                "added {}, changed {}, skipped {} (unchanged)",
                report.added.len(),
                report.changed.len(),
                report.skipped.len()
            );
            for (label, domains) in [("added", &report.added), ("changed", &report.changed)] {
                for domain in domains {
                    println!("  {label} {domain}");
                }
            }
        }
        FederationCommand::Export { file, allows } => {
            let csv = match allows {
                true => domain_lists::export_allows(ctx).await?,
                false => domain_lists::export_blocks(ctx).await?,
            };
            match file {
                Some(file) => std::fs::write(&file, csv)
                    .with_context(|| format!("writing {}", file.display()))?,
                None => print!("{csv}"),
            }
        }
        FederationCommand::Subscribe {
            url,
            kind,
            every_hours,
        } => {
            let kind = if kind == "allow" {
                Kind::Allow
            } else {
                Kind::Block
            };
            moot_app::domain_subscriptions::subscribe(ctx, &who, &url, kind, every_hours).await?;
            println!("subscribed to {url}; the running node fetches it within seconds");
        }
        FederationCommand::Unsubscribe { url } => {
            moot_app::domain_subscriptions::unsubscribe(ctx, &who, &url).await?;
            println!("unsubscribed from {url}");
        }
    }
    Ok(())
}

/// The mode and the rules in force, as text.
async fn list(ctx: &moot_app::Context) -> anyhow::Result<String> {
    let rules = ctx.policy.rules();
    let mut out = format!("mode: {}\n", rules.mode.as_str());
    for allow in &rules.allows {
        out.push_str(&format!("allow  {allow}\n"));
    }
    for block in &rules.blocks {
        let mut flags = Vec::new();
        if block.reject_media {
            flags.push("reject_media");
        }
        if block.reject_reports {
            flags.push("reject_reports");
        }
        if let Some(t) = block.expires_at {
            flags.push(if t > chrono::Utc::now() {
                "expiring"
            } else {
                "expired"
            });
        }
        out.push_str(&format!(
            "block  {} {} {}\n",
            block.domain,
            block.severity.as_str(),
            flags.join(" ")
        ));
    }
    let mut conn = ctx.db.conn().await?;
    for sub in moot_db::domain_rules::subscriptions(&mut conn).await? {
        let state = match (&sub.last_fetched_at, &sub.last_error) {
            (None, _) => "not fetched yet".to_owned(),
            (Some(at), None) => format!("fetched {}", at.format("%Y-%m-%d %H:%M UTC")),
            (Some(at), Some(e)) => format!("failed {}: {e}", at.format("%Y-%m-%d %H:%M UTC")),
        };
        out.push_str(&format!(
            "subscription  {} ({}, every {} h) {state}\n",
            sub.url, sub.kind, sub.refresh_hours
        ));
    }
    Ok(out)
}
