//! Rate-limit awareness: what each answer says about the upstream's budget, and what Trellis
//! does with it — refuse calls while the upstream said to wait, and refresh caches more slowly
//! as the budget runs low, before the limit is hit.
//!
//! Read from the headers the upstreams document:
//! - GitHub: `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset` (UTC epoch
//!   seconds); 403/429 with `retry-after` for secondary limits
//!   (<https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api>), and the
//!   GraphQL `rateLimit { limit remaining resetAt }` object ([`RateLimits::observe`]).
//! - PagerDuty: `ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset` (seconds to wait)
//!   (<https://support.pagerduty.com/main/docs/rest-api-rate-limits>).
//! - Jira: 429 with `Retry-After` (seconds) and `X-RateLimit-Reset` (ISO 8601)
//!   (<https://developer.atlassian.com/cloud/jira/platform/rate-limiting/>).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime, Utc};
use http::HeaderMap;

/// The longest wait Trellis accepts from an upstream's headers (a bogus far-future reset must
/// not silence an integration for days).
pub const MAX_WAIT: Duration = Duration::from_secs(3600);

#[derive(Debug, Default)]
struct State {
    limit: Option<u64>,
    remaining: Option<u64>,
    blocked_until: Option<Instant>,
}

/// One upstream's budget as last reported.
#[derive(Debug, Default)]
pub struct RateLimits {
    state: Mutex<State>,
}

impl RateLimits {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records the budget an answer's headers report.
    pub fn observe_headers(&self, headers: &HeaderMap) {
        let num = |name: &str| header(headers, name).and_then(|v| v.trim().parse::<u64>().ok());
        let limit = num("x-ratelimit-limit").or_else(|| num("ratelimit-limit"));
        let remaining = num("x-ratelimit-remaining").or_else(|| num("ratelimit-remaining"));
        if limit.is_none() && remaining.is_none() {
            return;
        }
        let mut s = self.lock();
        s.limit = limit.or(s.limit);
        s.remaining = remaining;
        if remaining == Some(0) {
            if let Some(wait) = reset_wait(headers) {
                s.blocked_until = Some(Instant::now() + wait);
            }
        }
    }

    /// Records a budget reported in a body (GitHub GraphQL's `rateLimit`).
    pub fn observe(&self, limit: u64, remaining: u64, reset_at: Option<DateTime<Utc>>) {
        let mut s = self.lock();
        s.limit = Some(limit);
        s.remaining = Some(remaining);
        if remaining == 0 {
            let wait = reset_at
                .and_then(|at| (at - Utc::now()).to_std().ok())
                .unwrap_or(Duration::from_secs(60));
            s.blocked_until = Some(Instant::now() + wait.min(MAX_WAIT));
        }
    }

    /// Stops calls for `wait` (the upstream refused one).
    pub fn block_for(&self, wait: Duration) {
        self.lock().blocked_until = Some(Instant::now() + wait.min(MAX_WAIT));
    }

    /// How long calls must still wait, if the upstream said so.
    pub fn blocked_for(&self) -> Option<Duration> {
        let s = self.lock();
        let until = s.blocked_until?;
        until.checked_duration_since(Instant::now())
    }

    /// How many times longer than usual cached data stays fresh: 1 with most of the budget left,
    /// 2 under 25 %, 4 under 10 %, 8 under 5 %.
    pub fn slowdown(&self) -> u32 {
        let s = self.lock();
        let (Some(limit), Some(remaining)) = (s.limit, s.remaining) else {
            return 1;
        };
        if limit == 0 {
            return 1;
        }
        match remaining * 100 / limit {
            0..=4 => 8,
            5..=9 => 4,
            10..=24 => 2,
            _ => 1,
        }
    }

    /// The remaining budget last reported.
    pub fn remaining(&self) -> Option<u64> {
        self.lock().remaining
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// How long an answer asks to wait: `Retry-After` (seconds or an HTTP date), else the reset
/// header (epoch seconds, seconds to wait, or an ISO 8601 time). Capped at [`MAX_WAIT`].
pub fn wait_from(headers: &HeaderMap) -> Option<Duration> {
    retry_after(headers)
        .or_else(|| reset_wait(headers))
        .map(|d| d.min(MAX_WAIT))
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = header(headers, "retry-after")?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
    Some((at - Utc::now()).to_std().unwrap_or_default())
}

fn reset_wait(headers: &HeaderMap) -> Option<Duration> {
    let v = header(headers, "x-ratelimit-reset")
        .or_else(|| header(headers, "ratelimit-reset"))?
        .trim();
    let now = Utc::now();
    let wait = if let Ok(n) = v.parse::<i64>() {
        // Epoch seconds (GitHub) are far larger than any seconds-to-wait (PagerDuty).
        if n > 1_000_000_000 {
            DateTime::from_timestamp(n, 0).map(|at| at - now)?
        } else {
            chrono::TimeDelta::seconds(n)
        }
    } else {
        let at = DateTime::parse_from_rfc3339(v)
            .map(|t| t.with_timezone(&Utc))
            .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%MZ").map(|t| t.and_utc()))
            .ok()?;
        at - now
    };
    Some(wait.to_std().unwrap_or_default().min(MAX_WAIT))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().expect("header value"));
        }
        h
    }

    #[test]
    fn reads_each_upstreams_reset_format() {
        let in_90 = (Utc::now().timestamp() + 90).to_string();
        let github = headers(&[
            ("x-ratelimit-remaining", "0".into()),
            ("x-ratelimit-reset", in_90),
        ]);
        let w = wait_from(&github).expect("GitHub epoch reset");
        assert!((85..=91).contains(&w.as_secs()), "{w:?}");
        let pagerduty = headers(&[("ratelimit-reset", "12".into())]);
        assert_eq!(wait_from(&pagerduty), Some(Duration::from_secs(12)));
        let jira_at = (Utc::now() + chrono::TimeDelta::minutes(3)).format("%Y-%m-%dT%H:%MZ");
        let jira = headers(&[("x-ratelimit-reset", jira_at.to_string())]);
        let w = wait_from(&jira).expect("Jira ISO reset");
        assert!(w.as_secs() <= 180, "{w:?}");
        let retry = headers(&[
            ("retry-after", "7".into()),
            ("ratelimit-reset", "50".into()),
        ]);
        assert_eq!(
            wait_from(&retry),
            Some(Duration::from_secs(7)),
            "Retry-After wins"
        );
        let far = headers(&[("retry-after", "99999999".into())]);
        assert_eq!(wait_from(&far), Some(MAX_WAIT), "capped");
        assert_eq!(wait_from(&headers(&[("retry-after", "soon".into())])), None);
    }

    #[test]
    fn slows_down_as_the_budget_runs_low_and_blocks_at_zero() {
        let l = RateLimits::default();
        assert_eq!(l.slowdown(), 1);
        l.observe_headers(&headers(&[
            ("x-ratelimit-limit", "5000".into()),
            ("x-ratelimit-remaining", "4000".into()),
        ]));
        assert_eq!(l.slowdown(), 1);
        l.observe_headers(&headers(&[
            ("x-ratelimit-limit", "5000".into()),
            ("x-ratelimit-remaining", "400".into()),
        ]));
        assert_eq!(l.slowdown(), 4);
        assert!(l.blocked_for().is_none());
        l.observe(5000, 0, Some(Utc::now() + chrono::TimeDelta::seconds(30)));
        assert_eq!(l.slowdown(), 8);
        let b = l.blocked_for().expect("blocked at zero");
        assert!(b.as_secs() <= 30 && b.as_secs() >= 25, "{b:?}");
    }
}
