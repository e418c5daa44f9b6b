//! `moot admin ...`: tasks for the node's administrators and their scripts.

use std::io::{IsTerminal, Read};

use anyhow::Context;
use clap::Subcommand;
use moot_app::accounts::{create_local_user, CreatedBy, NewUser};
use moot_core::Settings;

use crate::database::{self, Role};

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create a local person. The password is read from standard input, or
    /// generated and printed once when standard input is a terminal or empty.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        /// Make the person an administrator of this node.
        #[arg(long)]
        admin: bool,
    },
    /// Create a group (community of practice) owned by a local person.
    CreateGroup {
        #[arg(long)]
        name: String,
        /// Username of the owner, who is also its first member and moderator.
        #[arg(long)]
        owner: String,
        /// open: following is joining; approval: a moderator accepts each
        /// request; private: approval, and content for members only.
        #[arg(long, value_parser = ["open", "approval", "private"])]
        mode: String,
    },
    /// Print each peer's delivery progress: backlog, lag and failures.
    FederationStatus,
    /// Print the latest changes to the federation rules: who, when, what, why.
    AuditLog {
        /// How many entries, newest first.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Print a new client API access token for a person (for scripts and tests).
    Token {
        #[arg(long)]
        username: String,
        /// Space-separated OAuth scopes, e.g. "read write follow".
        #[arg(long, default_value = "read")]
        scopes: String,
    },
}

pub async fn run(command: AdminCommand, settings: &Settings) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateUser {
            username,
            email,
            admin,
        } => {
            let password = read_password_from_stdin()?;
            let open = database::open(settings, Role::Tool).await?;
            let result = create_local_user(
                &open.db,
                settings,
                NewUser {
                    username,
                    email,
                    password,
                    reason: String::new(),
                    invite_code: None,
                },
                CreatedBy::Admin { make_admin: admin },
            )
            .await;
            open.close().await?;
            let created = result?;
            let role = if created.user.is_admin {
                "admin"
            } else {
                "user"
            };
            println!("created {role} {}", created.account.username);
            if let Some(password) = created.generated_password {
                println!("password: {password}");
                eprintln!("(this password is shown once: pass it on now)");
            }
            Ok(())
        }
        AdminCommand::CreateGroup { name, owner, mode } => {
            let mode =
                moot_app::groups::MembershipMode::parse(&mode).expect("clap checked the mode");
            let open = database::open(settings, Role::Tool).await?;
            let ctx =
                moot_app::Context::new(open.db.clone(), std::sync::Arc::new(settings.clone()));
            let result = moot_app::groups::create(&ctx, &name, &owner, mode).await;
            open.close().await?;
            let group = result?;
            println!(
                "created group {} ({}), id {}",
                group.username,
                mode.as_str(),
                group.id
            );
            Ok(())
        }
        AdminCommand::FederationStatus => {
            let open = database::open(settings, Role::Tool).await?;
            let statuses = async {
                let mut conn = open.db.conn().await?;
                Ok::<_, moot_db::DbError>(moot_db::outbox::peer_statuses(&mut conn).await?)
            }
            .await;
            open.close().await?;
            let health = moot_app::delivery_health::read_all(statuses?, settings);
            print!("{}", federation_status_table(&health));
            Ok(())
        }
        AdminCommand::AuditLog { limit } => {
            let open = database::open(settings, Role::Tool).await?;
            let entries = async {
                let mut conn = open.db.conn().await?;
                let filter = moot_db::audit::AuditFilter {
                    limit: limit.clamp(1, 10_000),
                    ..Default::default()
                };
                Ok::<_, moot_db::DbError>(moot_db::audit::entries(&mut conn, &filter).await?)
            }
            .await;
            open.close().await?;
            for e in entries? {
                let reason = if e.reason.is_empty() {
                    String::new()
                } else {
                    format!(" because: {}", e.reason)
                };
                println!(
                    "{} {} {} {} {}{reason}",
                    e.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
                    e.actor,
                    e.action,
                    e.target,
                    e.details
                );
            }
            Ok(())
        }
        AdminCommand::Token { username, scopes } => {
            let open = database::open(settings, Role::Tool).await?;
            let result = moot_app::tokens::issue(&open.db, &username, &scopes).await;
            open.close().await?;
            println!("{}", result?);
            Ok(())
        }
    }
}

/// The first line of standard input, unless it is a terminal or empty.
fn read_password_from_stdin() -> anyhow::Result<Option<String>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut input = String::new();
    stdin
        .lock()
        .take(64 * 1024)
        .read_to_string(&mut input)
        .context("reading the password from standard input")?;
    let password = input.lines().next().unwrap_or_default().to_owned();
    Ok(Some(password).filter(|p| !p.is_empty()))
}

/// The peers' delivery progress as an aligned text table.
fn federation_status_table(peers: &[moot_app::delivery_health::PeerHealth]) -> String {
    let mut out = format!(
        "{:<40} {:>9} {:>12} {:>8} {:<10}\n",
        "PEER", "BACKLOG", "LAG (s)", "RETRIES", "STATE"
    );
    for peer in peers {
        out.push_str(&format!(
            "{:<40} {:>9} {:>12} {:>8} {:<10}\n",
            peer.status.domain,
            peer.status.backlog,
            peer.lag.num_seconds(),
            peer.status.attempts,
            peer.state.label()
        ));
    }
    if peers.is_empty() {
        out.push_str("(no peers yet)\n");
    }
    out
}
