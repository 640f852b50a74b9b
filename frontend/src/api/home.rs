//! The home page's cards. Each is its own server function answering the card's body as
//! server-rendered HTML (see `pages/home/cards`), so each card loads, and streams into the
//! page, on its own; the person is the request's identity, never a parameter.

use leptos::prelude::*;

use super::{PortalError, Wire};

/// The pull requests card's body for whoever asks.
#[server(prefix = "/_sf", endpoint = "home/pull-requests")]
pub async fn pull_requests_card() -> Result<Wire, PortalError> {
    let services = super::server::services()?;
    let me = super::server::identity()?;
    let widget = services.home_pull_requests(&me).await;
    Ok(Wire::text(
        crate::pages::home::cards::pull_requests(widget).encode(),
    ))
}

/// The "needs attention" card's body for whoever asks.
#[server(prefix = "/_sf", endpoint = "home/attention")]
pub async fn attention_card() -> Result<Wire, PortalError> {
    let services = super::server::services()?;
    let me = super::server::identity()?;
    let (pulls, jira) = services.home_attention(&me).await;
    Ok(Wire::text(
        crate::pages::home::cards::attention(pulls, jira).encode(),
    ))
}

/// The Jira card's body for whoever asks.
#[server(prefix = "/_sf", endpoint = "home/jira")]
pub async fn jira_card() -> Result<Wire, PortalError> {
    let services = super::server::services()?;
    let me = super::server::identity()?;
    let widget = services.home_jira(&me).await;
    Ok(Wire::text(crate::pages::home::cards::jira(widget).encode()))
}

/// Which card a view loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CardKind {
    /// [`pull_requests_card`].
    PullRequests,
    /// [`attention_card`].
    Attention,
    /// [`jira_card`].
    Jira,
}

/// Loads a card: the service directly while the server renders, the server function from a
/// chunk of its own in the browser (so rendering adds no preload for it).
pub async fn card(kind: CardKind) -> Result<Wire, PortalError> {
    #[cfg(feature = "ssr")]
    return match kind {
        CardKind::PullRequests => pull_requests_card().await,
        CardKind::Attention => attention_card().await,
        CardKind::Jira => jira_card().await,
    };
    #[cfg(not(feature = "ssr"))]
    return load_card(kind).await;
}

/// Calls a card's server function from a chunk of its own (see `wire.rs`).
#[lazy]
pub async fn load_card(kind: CardKind) -> Result<Wire, PortalError> {
    match kind {
        CardKind::PullRequests => pull_requests_card().await,
        CardKind::Attention => attention_card().await,
        CardKind::Jira => jira_card().await,
    }
}
