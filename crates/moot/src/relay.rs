//! `moot relay ...`: subscribing this node to ActivityPub relays, for
//! sectors that share public posts through one. Audited; the running node
//! sends the follows.

use clap::Subcommand;
use moot_app::domain_policy::Who;
use moot_core::Settings;

use crate::database::{self, Role};

#[derive(Subcommand)]
pub enum RelayCommand {
    /// Subscribe to the relay whose inbox is INBOX (e.g. https://relay.example/inbox).
    Subscribe { inbox: String },
    /// End the subscription to the relay whose inbox is INBOX.
    Unsubscribe { inbox: String },
    /// Every relay subscribed to, and whether it accepted.
    List,
}

pub async fn run(command: RelayCommand, settings: &Settings) -> anyhow::Result<()> {
    let open = database::open(settings, Role::Tool).await?;
    let ctx = moot_app::Context::new(open.db.clone(), std::sync::Arc::new(settings.clone()));
    let result = execute(command, &ctx).await;
    open.close().await?;
    result
}

async fn execute(command: RelayCommand, ctx: &moot_app::Context) -> anyhow::Result<()> {
    let who = Who::command_line();
    ctx.policy.reload(&ctx.db).await?;
    match command {
        RelayCommand::Subscribe { inbox } => {
            let relay = moot_app::relays::subscribe(ctx, &who, &inbox).await?;
            println!(
                "{}: {} (the running node sends the follow)",
                relay.inbox, relay.status
            );
        }
        RelayCommand::Unsubscribe { inbox } => {
            moot_app::relays::unsubscribe(ctx, &who, &inbox).await?;
            println!("unsubscribed from {inbox}");
        }
        RelayCommand::List => {
            for relay in moot_app::relays::list(ctx).await? {
                println!(
                    "{:<48} {:<9} since {}",
                    relay.inbox,
                    relay.status,
                    relay.updated_at.format("%Y-%m-%d %H:%M UTC")
                );
            }
        }
    }
    Ok(())
}
