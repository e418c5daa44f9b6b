//! `moot`: run a node, migrate its database, administer it.

mod admin;
mod database;
mod federation;
mod logging;
mod peer;
mod relay;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use moot_core::settings::CONFIG_FILE_ENV;
use moot_core::Settings;

/// mimalloc instead of the C library's allocator: a node makes and drops
/// many small allocations per request (headers, JSON, query rows); under
/// load glibc's `malloc` and `free` took about a sixth of its CPU (`perf`
/// over `inbox_load`), and with mimalloc its CPU per received post is about
/// a tenth lower. Built without transparent huge pages (`no_thp`): with
/// them the node's peak memory in `delivery_bench` went from 64 to 108 MiB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "moot",
    version,
    about = "Moot: a federated knowledge hub for communities of practice"
)]
struct Cli {
    /// Configuration file (TOML); only the keys that differ from the defaults are needed.
    #[arg(long, global = true, env = CONFIG_FILE_ENV, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the node: HTTP server, and the embedded database unless database.url is set.
    Serve {
        /// Do not deliver to other nodes here (run `moot deliver` workers instead).
        #[arg(long)]
        no_delivery: bool,
    },
    /// Deliver queued activities to other nodes, for the peers of one shard.
    Deliver {
        /// This worker's share of the peers, as INDEX/COUNT (e.g. 0/2 and 1/2).
        #[arg(long, default_value = "0/1")]
        shard: moot_federation::delivery::Shard,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administer the node.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Decide whom this node federates with: mode, allows, blocks, lists.
    #[command(subcommand)]
    Federation(federation::FederationCommand),
    /// Peer this node with other councils' nodes: request, accept, decline, remove, list.
    #[command(subcommand)]
    Peer(peer::PeerCommand),
    /// Subscribe to ActivityPub relays: subscribe, unsubscribe, list.
    #[command(subcommand)]
    Relay(relay::RelayCommand),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Validate the configuration and print the effective settings (secrets masked).
    Check {
        /// Configuration file to check (same as the global --config).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let config_file = match &cli.command {
        Command::Config(ConfigCommand::Check { config: Some(file) }) => Some(file.clone()),
        _ => cli.config.clone(),
    };
    let settings = Settings::load(config_file.as_deref(), std::env::vars())?;
    logging::check_level(&settings)?;

    if let Command::Config(ConfigCommand::Check { .. }) = cli.command {
        print!("{}", settings.to_masked_toml());
        eprintln!("configuration is valid");
        return Ok(());
    }

    let long_running = matches!(cli.command, Command::Serve { .. } | Command::Deliver { .. });
    logging::init(&settings, !long_running)?;
    actix_web::rt::System::new().block_on(async move {
        match cli.command {
            Command::Serve { no_delivery } => serve::run(settings, !no_delivery).await,
            Command::Deliver { shard } => serve::deliver(settings, shard).await,
            Command::Migrate => database::migrate_only(&settings).await,
            Command::Admin(command) => admin::run(command, &settings).await,
            Command::Federation(command) => federation::run(command, &settings).await,
            Command::Peer(command) => peer::run(command, &settings).await,
            Command::Relay(command) => relay::run(command, &settings).await,
            Command::Config(_) => unreachable!("handled above"),
        }
    })
}
