//! Starting and stopping the server: the service layer (database, migrations, plugins), the
//! router, the listener, background work, graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::serve::ListenerExt;
use trellis_services::{Config, Services};

use crate::state::AppState;

/// Builds the shared state: the services of every registered plugin (applying migrations first
/// when `database.migrate_on_start` is on) and the rendering options.
pub async fn build_state(config: Config) -> anyhow::Result<AppState> {
    let leptos = Arc::new(crate::web::leptos_options(&config.server));
    let services = Services::start(config, crate::plugins::plugins()).await?;
    Ok(AppState { services, leptos })
}

/// Demo mode without configured integrations: starts the fake upstreams (GitHub, Jira, with
/// data for the demo org) and points the integrations at them.
async fn demo_upstreams(
    config: &mut Config,
) -> anyhow::Result<Option<trellis_fakes::demo::DemoUpstreams>> {
    let integrations = &config.integrations;
    if !config.demo.enabled || !integrations.github.is_empty() || !integrations.jira.is_empty() {
        return Ok(None);
    }
    let catalog = std::path::Path::new(&config.demo.catalog);
    let dir = catalog.parent().unwrap_or(std::path::Path::new("."));
    let upstream = &config.demo.upstream;
    let fakes = trellis_fakes::demo::start(
        dir,
        Duration::from_millis(upstream.latency_ms),
        upstream.error_rate,
    )
    .await
    .with_context(|| format!("starting the demo's fake upstreams for {}", dir.display()))?;
    tracing::warn!(github = %fakes.github_api_base, "DEMO MODE: integrations answer from fake upstreams with made-up data");
    config
        .integrations
        .github
        .push(trellis_integrations::github::GitHubIntegration {
            host: "github.com".into(),
            token: None,
            api_base_url: Some(fakes.github_api_base.clone()),
            // As a GitHub App: installation tokens, as a real deployment would.
            apps: vec![trellis_integrations::github::GitHubAppConfig {
                app_id: trellis_fakes::demo::DEMO_APP_ID,
                private_key: trellis_fakes::github_app::TEST_PRIVATE_KEY.into(),
                client_id: None,
                client_secret: None,
                webhook_secret: None,
                allowed_installation_owners: None,
            }],
        });
    config
        .integrations
        .jira
        .push(trellis_integrations::jira::JiraIntegration {
            base_url: fakes.jira_base.clone(),
            email: trellis_fakes::demo::JIRA_EMAIL.into(),
            token: trellis_fakes::demo::DEMO_TOKEN.into(),
        });
    if !config.pager_duty.enabled() {
        config.pager_duty.api_base_url = Some(fakes.pagerduty_base.clone());
        // With scoped OAuth, as a deployment should.
        config.pager_duty.oauth = Some(
            trellis_integrations::pagerduty::oauth::PagerDutyOAuthConfig {
                client_id: trellis_fakes::demo::PAGERDUTY_CLIENT_ID.into(),
                client_secret: trellis_fakes::demo::DEMO_TOKEN.into(),
                sub_domain: "acme".into(),
                region: None,
                token_url: Some(fakes.pagerduty_token_url.clone()),
            },
        );
    }
    if !config.grafana.enabled() {
        config.grafana.domain = Some(fakes.grafana_base.clone());
        config.grafana.token = Some(trellis_fakes::demo::DEMO_TOKEN.into());
    }
    if config.home.toolkit.is_empty() {
        // The demo's toolkit: portal paths (the demo runs offline).
        config.home.toolkit = serde_json::from_value(serde_json::json!([
            {"title": "Services my teams own", "url": "/catalog?kind=component&mine=1"},
            {"title": "API reference (OpenAPI)", "url": "/api/openapi.json"},
            {"title": "Background jobs and audit log", "url": "/admin"},
        ]))?;
    }
    if config.deployments.environments.is_empty() {
        config.deployments = serde_json::from_value(serde_json::json!({"environments": [
            {"name": "production", "source": "githubDeployments"},
            {"name": "staging", "source": "events"},
            {"name": "ios", "source": "releaseTags", "tagPattern": "ios-v*"},
        ]}))?;
    }
    if config.backend.auth.external_access.is_empty() {
        config.backend = serde_json::from_value(serde_json::json!({"auth": {"externalAccess": [
            {"type": "static", "options": {"token": DEMO_DEPLOY_TOKEN, "subject": "demo-ci"},
             "accessRestrictions": [{"plugin": "deployments"}]},
        ]}}))?;
    }
    config
        .plugins
        .entry("vendorStatus".into())
        .or_insert_with(|| serde_json::json!({ "pages": fakes.status_pages }));
    Ok(Some(fakes))
}

/// The token demo mode accepts on `POST /api/deployments/events`.
pub const DEMO_DEPLOY_TOKEN: &str = "demo-deploy-token-0123456789";

/// Records the demo's `staging` deploy events (the same ids all day: recording is idempotent).
async fn record_demo_deploys(
    services: &trellis_services::Services,
    fakes: &trellis_fakes::demo::DemoUpstreams,
) {
    for d in &fakes.deploys {
        let event = trellis_deploys::events::DeployEvent {
            event_id: d.event_id.clone(),
            environment: "staging".into(),
            component: d.component.clone(),
            repository: Some(d.repo.clone()),
            sha: d.sha.clone(),
            at: d.at,
            source: "demo/ci".into(),
        };
        if let Err(e) =
            trellis_deploys::store::record(&services.db, &event, "demo-ci", chrono::Utc::now())
                .await
        {
            tracing::warn!(error = %e, "a demo deploy event could not be recorded");
        }
    }
}

/// How long a stopping server waits for background work, then for its database connections.
const STOP_LIMIT: Duration = Duration::from_secs(3);

/// Runs the server until SIGTERM or Ctrl-C, then lets requests in flight finish.
pub async fn serve(mut config: Config) -> anyhow::Result<()> {
    let demo = demo_upstreams(&mut config).await?;
    let listen = config.server.listen;
    let grace = Duration::from_secs(config.server.shutdown_grace_secs);
    let pkg = config.server.site_root.join("pkg");
    if !pkg.is_dir() {
        tracing::warn!(path = %pkg.display(), "client assets missing: pages render but do not hydrate; build with `cargo leptos build`");
    }
    let state = build_state(config).await?;
    let services = state.services.clone();
    if let Some(fakes) = &demo {
        record_demo_deploys(&services, fakes).await;
    }
    let background = services.spawn_background();
    let app = crate::router::build(state);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!(
        "listening on http://{}",
        listener.local_addr().unwrap_or(listen)
    );
    // Without TCP_NODELAY a response written in parts (a streamed page, a file's headers then
    // its body) waits ~40 ms for the client's delayed ACK before its last part leaves (Nagle).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY on a connection");
        }
    });

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
    // Runs, schedulers, services and catalog reads in flight stop at their next step.
    services.shutdown.cancel();
    background.wait(STOP_LIMIT).await;
    // Connections still held by work being stopped are waited for, but not forever.
    if tokio::time::timeout(STOP_LIMIT, services.db.close())
        .await
        .is_err()
    {
        tracing::warn!(
            "database connections still busy {} s after shutdown; exiting anyway",
            STOP_LIMIT.as_secs()
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
