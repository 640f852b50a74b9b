//! The `trellis` command line: `serve`, `migrate`, `config check`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{self, Config};

/// Trellis, the developer portal.
#[derive(Debug, Parser)]
#[command(name = "trellis", version, about)]
struct Cli {
    /// YAML config file; without it, embedded defaults (SQLite under ./data) plus environment overrides.
    #[arg(
        long,
        short,
        global = true,
        env = "TRELLIS_CONFIG",
        value_name = "FILE"
    )]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the portal (migrates the database first unless `database.migrate_on_start` is off).
    Serve,
    /// Apply pending database migrations, or show their status.
    Migrate {
        /// Only report applied and pending migrations.
        #[arg(long)]
        status: bool,
    },
    /// Inspect the configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Validate the config and print it with secrets hidden; exits 2 when it is invalid.
    Check,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let loaded = match config::load(cli.config.as_deref(), std::env::vars()) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("trellis: invalid configuration: {e}");
            return ExitCode::from(2);
        }
    };
    if let Command::Config {
        command: ConfigCommand::Check,
    } = cli.command
    {
        for key in &loaded.unknown_keys {
            eprintln!("warning: unknown config key `{key}` is ignored");
        }
        print!("{}", loaded.config.to_redacted_yaml());
        eprintln!("config OK");
        return ExitCode::SUCCESS;
    }
    crate::telemetry::init(&loaded.config.log);
    for key in &loaded.unknown_keys {
        tracing::warn!(key, "unknown config key is ignored");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("trellis: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli.command, loaded.config));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("trellis: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => crate::server::serve(config).await,
        Command::Migrate { status } => {
            let db = crate::server::connect_db(&config).await?;
            let report = if status {
                db.migration_status().await?
            } else {
                db.migrate().await?
            };
            println!(
                "{} database: {} migrations applied, {} pending",
                db.backend().as_str(),
                report.applied,
                report.pending
            );
            db.close().await;
            Ok(())
        }
        Command::Config { .. } => Ok(()),
    }
}
