//! The `trellis` command line: `serve`, `migrate`, `config check`, `sync ldap`.

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
    /// Run a provider's sync now and wait for it.
    Sync {
        #[command(subcommand)]
        command: SyncCommand,
    },
}

#[derive(Debug, Subcommand)]
enum SyncCommand {
    /// Sync LDAP org providers (`catalog.providers.ldapOrg`): the one named, or all of them.
    Ldap {
        /// Provider id; all providers when left out.
        id: Option<String>,
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
        for (old, new) in &loaded.renamed_keys {
            eprintln!(
                "warning: config key `{old}` is now spelled `{new}`; the old spelling still works"
            );
        }
        print!("{}", loaded.config.to_redacted_yaml());
        eprintln!("config OK");
        return ExitCode::SUCCESS;
    }
    crate::telemetry::init(&loaded.config.log);
    for key in &loaded.unknown_keys {
        tracing::warn!(key, "unknown config key is ignored");
    }
    for (old, new) in &loaded.renamed_keys {
        tracing::warn!(
            old,
            new,
            "config key renamed to Backstage's camelCase; the old spelling still works"
        );
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
    // A blocking task still running (a read stuck in the kernel) must not keep the process up.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
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
            let db = trellis_services::connect_db(&config).await?;
            let sets = trellis_services::migration_sets(&crate::plugins::plugins());
            let report = if status {
                db.migration_status(&sets).await?
            } else {
                db.migrate(&sets).await?
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
        Command::Sync {
            command: SyncCommand::Ldap { id },
        } => sync_ldap(&config, id).await,
    }
}

/// `trellis sync ldap [id]`: syncs with a progress line on stderr and a summary per provider.
async fn sync_ldap(config: &Config, id: Option<String>) -> anyhow::Result<()> {
    use std::io::{IsTerminal, Write};
    let providers = &config.catalog.providers.ldap_org;
    let ids: Vec<String> = match id {
        Some(id) => vec![id],
        None => providers.keys().cloned().collect(),
    };
    anyhow::ensure!(
        !ids.is_empty(),
        "no LDAP org provider is configured (catalog.providers.ldapOrg)"
    );
    let db = trellis_services::connect_db(config).await?;
    if config.database.migrate_on_start {
        db.migrate(&trellis_services::migration_sets(&crate::plugins::plugins()))
            .await?;
    }
    let tty = std::io::stderr().is_terminal();
    let mut failed = 0;
    for id in ids {
        let started = std::time::Instant::now();
        let mut progress = |line: &str| {
            let elapsed = started.elapsed().as_secs_f64();
            if tty {
                eprint!("\r\x1b[2K[{id}] {elapsed:6.1} s  {line}");
                let _ = std::io::stderr().flush();
            } else {
                eprintln!("[{id}] {elapsed:6.1} s  {line}");
            }
        };
        let result =
            trellis_services::ldap::sync_recorded(&db, providers, &id, &mut progress).await;
        if tty {
            eprintln!();
        }
        match result {
            Ok(report) => println!(
                "[{id}] {} users, {} groups: {} added, {} changed, {} removed, {} unchanged; {} entries skipped; read {} ms, applied {} ms",
                report.users, report.groups, report.summary.added, report.summary.changed,
                report.summary.removed, report.summary.unchanged, report.problems.len(),
                report.read_ms, report.apply_ms
            ),
            Err(e) => {
                failed += 1;
                eprintln!("[{id}] {e}");
            }
        }
    }
    db.close().await;
    anyhow::ensure!(failed == 0, "{failed} sync(s) did not apply");
    Ok(())
}
