//! A circuit breaker per upstream: after `failures` upstream failures in a row (transport
//! errors, timeouts, 5xx) it opens and refuses calls for `cool_down` (with up to 20 % jitter,
//! so replicas do not probe in step); then one probe goes through (half-open): success closes
//! it, failure opens it again for twice as long, up to `max_cool_down`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The breaker's state, for `/metrics` (`0` closed, `1` half-open, `2` open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls go through.
    Closed,
    /// One probe is allowed through.
    HalfOpen,
    /// Calls are refused.
    Open,
}

impl BreakerState {
    /// The gauge value.
    pub fn as_gauge(self) -> i64 {
        match self {
            Self::Closed => 0,
            Self::HalfOpen => 1,
            Self::Open => 2,
        }
    }
}

/// Tuning.
#[derive(Debug, Clone, Copy)]
pub struct BreakerPolicy {
    /// Upstream failures in a row that open it.
    pub failures: u32,
    /// How long it stays open the first time.
    pub cool_down: Duration,
    /// The longest it stays open.
    pub max_cool_down: Duration,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        Self {
            failures: 5,
            cool_down: Duration::from_secs(15),
            max_cool_down: Duration::from_secs(300),
        }
    }
}

#[derive(Debug)]
struct Inner {
    consecutive: u32,
    open_until: Option<Instant>,
    next_cool_down: Duration,
    probing: bool,
}

/// One upstream's breaker.
#[derive(Debug)]
pub struct Breaker {
    policy: BreakerPolicy,
    inner: Mutex<Inner>,
}

impl Breaker {
    /// A closed breaker.
    pub fn new(policy: BreakerPolicy) -> Self {
        Self {
            policy,
            inner: Mutex::new(Inner {
                consecutive: 0,
                open_until: None,
                next_cool_down: policy.cool_down,
                probing: false,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding this lock leaves plain counters behind: still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a call may go now; `Err(wait)` while open (or while another call probes).
    pub fn allow(&self) -> Result<(), Duration> {
        let mut s = self.lock();
        let Some(until) = s.open_until else {
            return Ok(());
        };
        let now = Instant::now();
        if now < until {
            return Err(until - now);
        }
        if s.probing {
            return Err(Duration::from_secs(1));
        }
        s.probing = true;
        Ok(())
    }

    /// A call reached the upstream and it answered (any status below 500).
    pub fn success(&self) {
        let mut s = self.lock();
        s.consecutive = 0;
        s.open_until = None;
        s.probing = false;
        s.next_cool_down = self.policy.cool_down;
    }

    /// A call failed because of the upstream.
    pub fn failure(&self) {
        let mut s = self.lock();
        s.consecutive = s.consecutive.saturating_add(1);
        let probe_failed = s.probing;
        s.probing = false;
        if probe_failed || s.consecutive >= self.policy.failures {
            let base = s.next_cool_down;
            let jitter = base.mul_f64(fastrand::f64() * 0.2);
            s.open_until = Some(Instant::now() + base + jitter);
            s.next_cool_down = (base * 2).min(self.policy.max_cool_down);
        }
    }

    /// A call ended without saying anything about the upstream's health (cancelled, refused
    /// by a rate limit): a probe slot it held is freed.
    pub fn neutral(&self) {
        self.lock().probing = false;
    }

    /// The current state.
    pub fn state(&self) -> BreakerState {
        let s = self.lock();
        match s.open_until {
            None => BreakerState::Closed,
            Some(until) if Instant::now() < until => BreakerState::Open,
            Some(_) => BreakerState::HalfOpen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> Breaker {
        Breaker::new(BreakerPolicy {
            failures: 3,
            cool_down: Duration::from_millis(40),
            max_cool_down: Duration::from_millis(200),
        })
    }

    #[test]
    fn opens_after_failures_in_a_row_and_probes_once_after_the_cool_down() {
        let b = quick();
        b.failure();
        b.failure();
        b.success();
        b.failure();
        b.failure();
        assert_eq!(
            b.state(),
            BreakerState::Closed,
            "a success resets the count"
        );
        b.failure();
        assert_eq!(b.state(), BreakerState::Open);
        assert!(b.allow().is_err());
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(b.state(), BreakerState::HalfOpen);
        assert!(b.allow().is_ok(), "one probe goes through");
        assert!(b.allow().is_err(), "a second caller waits for the probe");
        b.failure();
        assert_eq!(
            b.state(),
            BreakerState::Open,
            "a failed probe opens it again"
        );
        let wait = b.allow().expect_err("open");
        assert!(
            wait > Duration::from_millis(60),
            "the cool-down doubles: {wait:?}"
        );
        std::thread::sleep(wait + Duration::from_millis(5));
        assert!(b.allow().is_ok());
        b.success();
        assert_eq!(b.state(), BreakerState::Closed);
        assert!(b.allow().is_ok());
    }

    #[test]
    fn a_neutral_end_frees_the_probe() {
        let b = quick();
        for _ in 0..3 {
            b.failure();
        }
        std::thread::sleep(Duration::from_millis(60));
        assert!(b.allow().is_ok());
        b.neutral();
        assert!(b.allow().is_ok(), "the probe slot is free again");
    }
}
