//! What can go wrong when Trellis asks a third-party tool: one error type for every integration,
//! saying which upstream failed and how, and whether trying again can help.

use std::time::Duration;

use trellis_shared::views::home::WidgetProblem;

/// A failed call to an upstream (GitHub, Jira, ...).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UpstreamError {
    /// No credentials or URL for it in the config.
    #[error("{upstream} is not configured on this portal")]
    NotConfigured {
        /// Which upstream.
        upstream: &'static str,
    },
    /// The person has no identity in that tool (no annotation, no rule matched).
    #[error("{0}")]
    UnknownPerson(String),
    /// No answer in time.
    #[error("{upstream} did not answer within {} ms", .after.as_millis())]
    Timeout {
        /// Which upstream.
        upstream: &'static str,
        /// The deadline that passed.
        after: Duration,
    },
    /// The connection failed.
    #[error("cannot reach {upstream}: {detail}")]
    Transport {
        /// Which upstream.
        upstream: &'static str,
        /// What the HTTP client said.
        detail: String,
    },
    /// An answer with an error status (or a GraphQL error).
    #[error("{upstream} answered {status}: {detail}")]
    Status {
        /// Which upstream.
        upstream: &'static str,
        /// The HTTP status (200 for GraphQL errors).
        status: u16,
        /// The upstream's message.
        detail: String,
    },
    /// The upstream says to slow down (429, GitHub's 403 secondary limit, remaining 0).
    #[error("{upstream} is rate limiting this portal; trying again in {} s", .retry_after.as_secs().max(1))]
    RateLimited {
        /// Which upstream.
        upstream: &'static str,
        /// How long to wait.
        retry_after: Duration,
    },
    /// Too many failures in a row: calls are paused.
    #[error("{upstream} kept failing; calls to it are paused for {} s", .retry_in.as_secs().max(1))]
    CircuitOpen {
        /// Which upstream.
        upstream: &'static str,
        /// How long until the next probe.
        retry_in: Duration,
    },
    /// What to ask the upstream could not be worked out inside Trellis (the catalog failed);
    /// the cause is logged.
    #[error("{0}")]
    Local(String),
    /// The answer could not be read.
    #[error("{upstream}'s answer is unreadable: {detail}")]
    Decode {
        /// Which upstream.
        upstream: &'static str,
        /// What was wrong.
        detail: String,
    },
}

impl UpstreamError {
    /// Whether trying the same call again soon can succeed (transport, timeouts, 5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Transport { .. } => true,
            Self::Status { status, .. } => *status >= 500 || *status == 408,
            _ => false,
        }
    }

    /// Whether this says the upstream itself is unhealthy (counts towards the circuit breaker).
    pub fn is_upstream_failure(&self) -> bool {
        self.is_transient()
    }

    /// The delay the upstream asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => Some(*retry_after),
            Self::CircuitOpen { retry_in, .. } => Some(*retry_in),
            _ => None,
        }
    }

    /// The kind shown on the card.
    pub fn problem(&self) -> WidgetProblem {
        match self {
            Self::NotConfigured { .. } => WidgetProblem::NotConfigured,
            Self::UnknownPerson(_) => WidgetProblem::UnknownPerson,
            Self::Timeout { .. } => WidgetProblem::Slow,
            Self::RateLimited { .. } => WidgetProblem::RateLimited,
            Self::CircuitOpen { .. } | Self::Transport { .. } | Self::Status { .. } => {
                WidgetProblem::Unavailable
            }
            Self::Decode { .. } | Self::Local(_) => WidgetProblem::Unavailable,
        }
    }

    /// The metrics outcome label.
    pub fn outcome(&self) -> &'static str {
        match self {
            Self::NotConfigured { .. } | Self::UnknownPerson(_) | Self::Local(_) => "skipped",
            Self::Timeout { .. } => "timeout",
            Self::Transport { .. } => "transport",
            Self::Status { .. } => "status",
            Self::RateLimited { .. } => "rate_limited",
            Self::CircuitOpen { .. } => "circuit_open",
            Self::Decode { .. } => "decode",
        }
    }
}
