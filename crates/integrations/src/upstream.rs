//! One upstream (a GitHub host, a Jira site, ...) and how every call to it is made: refused at
//! once while its rate limit or its circuit breaker says to wait; a deadline per attempt;
//! retries with exponential backoff and jitter for idempotent calls that failed transiently;
//! answers capped in size; rate-limit headers recorded; outcome and latency counted.

use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use http::{HeaderMap, StatusCode};

use crate::breaker::{Breaker, BreakerPolicy, BreakerState};
use crate::limits::{wait_from, RateLimits};
use crate::{Metrics, UpstreamError};

/// How calls to an upstream are made.
#[derive(Debug, Clone, Copy)]
pub struct UpstreamOptions {
    /// Deadline of one attempt (connect, answer and body).
    pub timeout: Duration,
    /// Retries after the first attempt, for idempotent calls.
    pub retries: usize,
    /// The largest answer read, in bytes.
    pub max_body: usize,
    /// The circuit breaker's tuning.
    pub breaker: BreakerPolicy,
}

impl Default for UpstreamOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            retries: 2,
            max_body: 8 << 20,
            breaker: BreakerPolicy::default(),
        }
    }
}

/// An upstream's answer, read whole.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Its status (always a success here).
    pub status: StatusCode,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body.
    pub body: Vec<u8>,
}

/// One upstream and its call machinery.
#[derive(Debug)]
pub struct Upstream {
    name: &'static str,
    http: reqwest::Client,
    options: UpstreamOptions,
    breaker: Breaker,
    limits: RateLimits,
    metrics: Metrics,
}

impl Upstream {
    /// An upstream named `name` (in errors and metrics).
    pub fn new(
        name: &'static str,
        options: UpstreamOptions,
        metrics: Metrics,
    ) -> Result<Self, UpstreamError> {
        // TLS through rustls with ring; installing it twice is harmless (the first one stays).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(concat!("Trellis/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .map_err(|e| UpstreamError::Transport {
                upstream: name,
                detail: format!("cannot build the HTTP client: {e}"),
            })?;
        Ok(Self {
            name,
            http,
            options,
            breaker: Breaker::new(options.breaker),
            limits: RateLimits::default(),
            metrics,
        })
    }

    /// Its name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Its rate-limit state.
    pub fn limits(&self) -> &RateLimits {
        &self.limits
    }

    /// Its breaker's state.
    pub fn breaker_state(&self) -> BreakerState {
        self.breaker.state()
    }

    /// Makes the request `build` describes (again for each retry when `idempotent`).
    pub async fn call(
        &self,
        operation: &'static str,
        idempotent: bool,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Answer, UpstreamError> {
        let started = Instant::now();
        let result = self.guarded(idempotent, &build).await;
        let outcome = match &result {
            Ok(_) => "success",
            Err(e) => e.outcome(),
        };
        self.metrics.call(
            self.name,
            operation,
            outcome,
            started.elapsed().as_secs_f64(),
        );
        result
    }

    async fn guarded(
        &self,
        idempotent: bool,
        build: &impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Answer, UpstreamError> {
        if let Some(retry_after) = self.limits.blocked_for() {
            return Err(UpstreamError::RateLimited {
                upstream: self.name,
                retry_after,
            });
        }
        self.breaker
            .allow()
            .map_err(|retry_in| UpstreamError::CircuitOpen {
                upstream: self.name,
                retry_in,
            })?;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_secs(1))
            .with_jitter()
            .with_max_times(if idempotent { self.options.retries } else { 0 });
        let result = (|| self.attempt(build))
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .when(UpstreamError::is_transient)
            .await;
        match &result {
            Err(e) if e.is_upstream_failure() => self.breaker.failure(),
            Err(UpstreamError::RateLimited { retry_after, .. }) => {
                self.limits.block_for(*retry_after);
                self.breaker.neutral();
            }
            // It answered (maybe with a 4xx about the request): it is healthy.
            _ => self.breaker.success(),
        }
        result
    }

    async fn attempt(
        &self,
        build: &impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Answer, UpstreamError> {
        let timeout = self.options.timeout;
        tokio::time::timeout(timeout, self.exchange(build))
            .await
            .map_err(|_| UpstreamError::Timeout {
                upstream: self.name,
                after: timeout,
            })?
    }

    async fn exchange(
        &self,
        build: &impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Answer, UpstreamError> {
        let transport = |e: reqwest::Error| UpstreamError::Transport {
            upstream: self.name,
            detail: e.without_url().to_string(),
        };
        let mut response = build(&self.http).send().await.map_err(transport)?;
        self.limits.observe_headers(response.headers());
        let status = response.status();
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > self.options.max_body {
                return Err(UpstreamError::Decode {
                    upstream: self.name,
                    detail: format!("the answer is larger than {} bytes", self.options.max_body),
                });
            }
            body.extend_from_slice(&chunk);
        }
        if status.is_success() {
            return Ok(Answer {
                status,
                headers,
                body,
            });
        }
        let text = String::from_utf8_lossy(&body);
        let limited = status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::FORBIDDEN
                && (headers.contains_key("retry-after")
                    || self.limits.remaining() == Some(0)
                    || text.to_ascii_lowercase().contains("rate limit"));
        if limited {
            return Err(UpstreamError::RateLimited {
                upstream: self.name,
                retry_after: wait_from(&headers).unwrap_or(Duration::from_secs(60)),
            });
        }
        Err(UpstreamError::Status {
            upstream: self.name,
            status: status.as_u16(),
            detail: message_of(&text),
        })
    }

    /// Reads an answer's body as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(
        &self,
        answer: &Answer,
    ) -> Result<T, UpstreamError> {
        serde_json::from_slice(&answer.body).map_err(|e| UpstreamError::Decode {
            upstream: self.name,
            detail: e.to_string(),
        })
    }
}

/// The message of an error body: its JSON `message` (GitHub, Grafana) or `error.message`
/// (PagerDuty) or `errorMessages` (Jira), else its first 200 characters.
fn message_of(text: &str) -> String {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        let found = v["message"]
            .as_str()
            .or_else(|| v["error"]["message"].as_str())
            .or_else(|| v["errorMessages"][0].as_str())
            .or_else(|| v["error"].as_str());
        if let Some(m) = found {
            return m.chars().take(200).collect();
        }
    }
    let t: String = text.chars().take(200).collect();
    if t.trim().is_empty() {
        "no message".into()
    } else {
        t
    }
}
