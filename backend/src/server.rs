//! Starting and stopping the server: database, migrations, router, listener, graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use trellis_store::{redact_url, Db, DbOptions};

use crate::config::Config;
use crate::state::{App, AppState};

/// Opens the database named in the config.
pub async fn connect_db(config: &Config) -> anyhow::Result<Db> {
    let options = DbOptions {
        max_connections: config.database.max_connections,
        acquire_timeout: Duration::from_secs(config.database.acquire_timeout_secs),
    };
    Db::connect(&config.database.url, &options)
        .await
        .with_context(|| format!("cannot open database {}", redact_url(&config.database.url)))
}

/// Builds the shared state, applying migrations first when `database.migrate_on_start` is on.
pub async fn build_state(config: Config) -> anyhow::Result<AppState> {
    let db = connect_db(&config).await?;
    if config.database.migrate_on_start {
        let status = db.migrate().await.context("applying database migrations")?;
        tracing::info!(
            applied = status.applied,
            backend = db.backend().as_str(),
            "database ready"
        );
    }
    let leptos = crate::web::leptos_options(&config.server);
    if config.demo.enabled {
        tracing::warn!(catalog = %config.demo.catalog, "DEMO MODE: the demo catalog is loaded; set demo.enabled=false in production");
    }
    if config.auth.mode == trellis_auth::AuthMode::Guest {
        tracing::warn!(user = %config.auth.guest_user, "GUEST MODE: nobody signs in and every visitor acts as a user of their choice; use auth.mode=proxy in production");
    }
    let identities = trellis_auth::Identities::new(db.clone(), &config.auth, &config.permission)
        .map_err(|e| anyhow::anyhow!("auth: {e}"))?;
    let policy = Arc::new(trellis_auth::Policy::new(
        config.policy_rules()?,
        config.permission.everyone_reads,
    ));
    let portal = trellis_frontend::api::Portal::new(db.clone(), policy.clone())
        .with_jobs(crate::jobs::admin_jobs(&config))
        .with_sign_out(
            config.auth.sign_out_url.clone(),
            config.auth.mode == trellis_auth::AuthMode::Guest,
        );
    let (file_roots, skipped) = config.file_roots()?;
    for reason in skipped {
        tracing::warn!(%reason, "a configured location's folder is not a file root for registrations (catalog.fileRoots)");
    }
    Ok(AppState::new(App {
        file_roots,
        shutdown: tokio_util::sync::CancellationToken::new(),
        config,
        db,
        leptos,
        refresh_lock: tokio::sync::Mutex::new(()),
        portal,
        identities: Arc::new(identities),
        policy,
    }))
}

/// How long a stopping server waits for its database connections to close.
const DB_CLOSE_LIMIT: Duration = Duration::from_secs(3);

/// Runs the server until SIGTERM or Ctrl-C, then lets requests in flight finish.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let listen = config.server.listen;
    let grace = Duration::from_secs(config.server.shutdown_grace_secs);
    let pkg = config.server.site_root.join("pkg");
    if !pkg.is_dir() {
        tracing::warn!(path = %pkg.display(), "client assets missing: pages render but do not hydrate; build with `cargo leptos build`");
    }
    let state = build_state(config).await?;
    let db = state.db.clone();
    let shutdown = state.shutdown.clone();
    let refresher = crate::jobs::catalog_refresh::spawn(state.clone());
    let syncs = crate::jobs::ldap_sync::spawn(state.clone());
    let app = crate::router::build(state);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!(
        "listening on http://{}",
        listener.local_addr().unwrap_or(listen)
    );

    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        let _ = stop_tx.send(true);
    });
    let deadline = async move {
        let _ = stop_rx.wait_for(|stopped| *stopped).await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        result = server => result.context("server failed")?,
        () = deadline => tracing::warn!("shutdown grace period over; dropping remaining requests"),
    }
    // Catalog reads in flight stop at their next file or chunk; jobs are dropped.
    shutdown.cancel();
    refresher.abort();
    for sync in syncs {
        sync.abort();
    }
    // Connections still held by a job being aborted are waited for, but not forever.
    if tokio::time::timeout(DB_CLOSE_LIMIT, db.close())
        .await
        .is_err()
    {
        tracing::warn!(
            "database connections still busy {} s after shutdown; exiting anyway",
            DB_CLOSE_LIMIT.as_secs()
        );
    }
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
