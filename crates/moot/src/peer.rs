//! `moot peer ...`: peering this node with another council's, decided by
//! both admins. The running node carries out what is decided here (its
//! delivery sends the follows); every decision is audited.

use clap::Subcommand;
use moot_app::domain_policy::Who;
use moot_app::peering::{self, PeerView};
use moot_core::Settings;

use crate::database::{self, Role};

#[derive(Subcommand)]
pub enum PeerCommand {
    /// Propose peering to another node (its admin accepts or declines).
    Request {
        domain: String,
        /// A word for the other node's admin.
        #[arg(long, default_value = "")]
        message: String,
    },
    /// Accept a proposal another node sent.
    Accept { domain: String },
    /// Decline a proposal another node sent.
    Decline { domain: String },
    /// End a peering (or withdraw a proposal).
    Remove {
        domain: String,
        /// Keep the domain on the allow-list the peering put it on.
        #[arg(long)]
        keep_allow: bool,
    },
    /// Every peer: since when, status, directory, delivery health.
    List,
}

pub async fn run(command: PeerCommand, settings: &Settings) -> anyhow::Result<()> {
    let open = database::open(settings, Role::Tool).await?;
    let ctx = moot_app::Context::new(open.db.clone(), std::sync::Arc::new(settings.clone()));
    let result = execute(command, &ctx).await;
    open.close().await?;
    result
}

async fn execute(command: PeerCommand, ctx: &moot_app::Context) -> anyhow::Result<()> {
    let who = Who::command_line();
    ctx.policy.reload(&ctx.db).await?;
    let row = match command {
        PeerCommand::Request { domain, message } => {
            // Finding the other node's instance actor is a fetch.
            moot_federation::config::build(ctx.clone()).await?;
            peering::propose(ctx, &who, &domain, &message).await?
        }
        PeerCommand::Accept { domain } => peering::accept(ctx, &who, &domain).await?,
        PeerCommand::Decline { domain } => peering::decline(ctx, &who, &domain).await?,
        PeerCommand::Remove { domain, keep_allow } => {
            peering::remove(ctx, &who, &domain, keep_allow).await?
        }
        PeerCommand::List => {
            print!("{}", table(&peering::views(ctx).await?));
            return Ok(());
        }
    };
    println!("{}: {}", row.domain, row.status);
    Ok(())
}

/// One line a peer: domain, state, since, directory, delivery.
fn table(peers: &[PeerView]) -> String {
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or("-".to_owned(), |t| t.format("%Y-%m-%d %H:%M").to_string())
    };
    let mut out = format!(
        "{:<32} {:<9} {:<16} {:<28} {}\n",
        "domain", "status", "since", "directory", "delivery"
    );
    for peer in peers {
        let p = &peer.peering;
        let since = match p.active_since {
            Some(t) => when(Some(t)),
            None => when(Some(p.updated_at)),
        };
        let directory = match (&p.directory_fetched_at, &p.directory_error) {
            (None, _) => "not read yet".to_owned(),
            (Some(t), None) => format!("{} listed, {}", peer.listed, when(Some(*t))),
            (Some(t), Some(e)) => format!("failed {}: {e}", when(Some(*t))),
        };
        let delivery = match &peer.delivery {
            None => "nothing sent yet".to_owned(),
            Some(h) => format!("{}, backlog {}", h.state.label(), h.status.backlog),
        };
        out.push_str(&format!(
            "{:<32} {:<9} {:<16} {:<28} {delivery}\n",
            p.domain, peer.state, since, directory
        ));
        if !p.message.is_empty() && p.status == "received" {
            out.push_str(&format!("    says: {}\n", p.message));
        }
    }
    out
}
