//! Where a change stands on one target, decided by ancestry: the change is live where the
//! deployed commit contains it (GitHub compare `base...head` is `ahead` or `identical`), not
//! where the SHAs are equal. `contains(head)` answers "is the change contained in `head`".
//!
//! - Deploy history (newest first): live since the oldest deploy of the newest unbroken run
//!   that contains it; rolled back when an older deploy contained it and a later one no longer
//!   does; not yet otherwise. At most one ancestry question per deploy read.
//! - Releases (tags sorted by version, oldest first): the first that contains it, found by
//!   bisection — releases are cut from one line of history, so once a release contains a
//!   change every later one does — in about log2(n) questions.

use std::cmp::Ordering;
use std::future::Future;

use trellis_shared::views::commits::{DeployRef, Liveness};

/// A target's answer, without its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Where the change stands.
    pub state: Liveness,
    /// The deploy or release that carried it.
    pub carried_by: Option<DeployRef>,
    /// Whether `carried_by` is only the oldest deploy read.
    pub at_least: bool,
    /// The later deploy that no longer contains it.
    pub rolled_back_by: Option<DeployRef>,
    /// What is deployed now.
    pub current: Option<DeployRef>,
}

impl Trace {
    /// Nothing deployed there.
    pub fn unknown() -> Self {
        Trace {
            state: Liveness::Unknown,
            carried_by: None,
            at_least: false,
            rolled_back_by: None,
            current: None,
        }
    }
}

/// The change against `history` (newest first).
pub async fn deploys<F, Fut, E>(history: &[DeployRef], mut contains: F) -> Result<Trace, E>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<bool, E>>,
{
    let Some(current) = history.first() else {
        return Ok(Trace::unknown());
    };
    let mut trace = Trace {
        current: Some(current.clone()),
        ..Trace::unknown()
    };
    if contains(current.sha.clone()).await? {
        let mut oldest = 0;
        while oldest + 1 < history.len() && contains(history[oldest + 1].sha.clone()).await? {
            oldest += 1;
        }
        trace.state = Liveness::Live;
        trace.carried_by = Some(history[oldest].clone());
        trace.at_least = oldest + 1 == history.len() && history.len() > 1;
        return Ok(trace);
    }
    trace.state = Liveness::NotYet;
    for i in 1..history.len() {
        if contains(history[i].sha.clone()).await? {
            trace.state = Liveness::RolledBack;
            trace.carried_by = Some(history[i].clone());
            trace.rolled_back_by = Some(history[i - 1].clone());
            break;
        }
    }
    Ok(trace)
}

/// The first of `releases` (sorted by [`version_order`], oldest first) that contains the
/// change.
pub async fn first_release<F, Fut, E>(releases: &[DeployRef], mut contains: F) -> Result<Trace, E>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<bool, E>>,
{
    let Some(latest) = releases.last() else {
        return Ok(Trace::unknown());
    };
    let mut trace = Trace {
        current: Some(latest.clone()),
        state: Liveness::NotYet,
        ..Trace::unknown()
    };
    if !contains(latest.sha.clone()).await? {
        return Ok(trace);
    }
    let (mut lo, mut hi) = (0, releases.len() - 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if contains(releases[mid].sha.clone()).await? {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    trace.state = Liveness::Live;
    trace.carried_by = Some(releases[lo].clone());
    Ok(trace)
}

/// Version order of tag names: runs of digits compare as numbers (`v4.10.0` after `v4.9.1`),
/// the rest as text.
pub fn version_order(a: &str, b: &str) -> Ordering {
    fn runs(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (ra, rb) = (runs(a), runs(b));
    for ((da, sa), (db, sb)) in ra.iter().zip(rb.iter()) {
        let o = if *da && *db {
            let (ta, tb) = (sa.trim_start_matches('0'), sb.trim_start_matches('0'));
            ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb))
        } else {
            sa.cmp(sb)
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    ra.len().cmp(&rb.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn d(label: &str) -> DeployRef {
        DeployRef {
            label: label.into(),
            sha: label.into(),
            at: String::new(),
        }
    }

    /// Answers from `yes` (the deploys that contain the change), counting questions.
    async fn run(history: &[&str], yes: &[&str], asked: &Cell<u32>) -> Trace {
        let h: Vec<DeployRef> = history.iter().map(|l| d(l)).collect();
        deploys(&h, |sha| {
            asked.set(asked.get() + 1);
            let hit = yes.contains(&sha.as_str());
            async move { Ok::<_, ()>(hit) }
        })
        .await
        .expect("no error")
    }

    #[tokio::test]
    async fn live_since_the_first_deploy_that_carried_it() {
        let asked = Cell::new(0);
        let t = run(&["d4", "d3", "d2", "d1"], &["d4", "d3"], &asked).await;
        assert_eq!(t.state, Liveness::Live);
        assert_eq!(t.carried_by.map(|c| c.label).as_deref(), Some("d3"));
        assert!(!t.at_least);
        assert_eq!(asked.get(), 3);
        let t = run(&["d2", "d1"], &["d2", "d1"], &asked).await;
        assert!(
            t.at_least,
            "live in every deploy read: at least since the oldest"
        );
    }

    #[tokio::test]
    async fn a_later_deploy_without_it_is_a_rollback() {
        let asked = Cell::new(0);
        let t = run(&["d4", "d3", "d2", "d1"], &["d3", "d2"], &asked).await;
        assert_eq!(t.state, Liveness::RolledBack);
        assert_eq!(t.carried_by.map(|c| c.label).as_deref(), Some("d3"));
        assert_eq!(t.rolled_back_by.map(|c| c.label).as_deref(), Some("d4"));
        let t = run(&["d2", "d1"], &[], &asked).await;
        assert_eq!(t.state, Liveness::NotYet);
        assert_eq!(t.current.map(|c| c.label).as_deref(), Some("d2"));
        assert_eq!(run(&[], &[], &asked).await.state, Liveness::Unknown);
    }

    #[tokio::test]
    async fn the_first_release_is_found_by_bisection() {
        let mut names: Vec<String> = (1..=64).map(|i| format!("ios-v4.{i}.0")).collect();
        names.sort_by(|a, b| version_order(a, b));
        assert_eq!(names[8], "ios-v4.9.0");
        assert_eq!(names[9], "ios-v4.10.0");
        let releases: Vec<DeployRef> = names.iter().map(|n| d(n)).collect();
        let asked = Cell::new(0);
        let t = first_release(&releases, |sha| {
            asked.set(asked.get() + 1);
            let n: u32 = sha[7..]
                .split('.')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            async move { Ok::<_, ()>(n >= 37) }
        })
        .await
        .expect("no error");
        assert_eq!(t.state, Liveness::Live);
        assert_eq!(
            t.carried_by.map(|c| c.label).as_deref(),
            Some("ios-v4.37.0")
        );
        assert!(
            asked.get() <= 7,
            "{} questions for 64 releases",
            asked.get()
        );
        let none = first_release(&releases, |_| async { Ok::<_, ()>(false) }).await;
        assert_eq!(none.map(|t| t.state), Ok(Liveness::NotYet));
    }
}
