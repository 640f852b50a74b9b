//! Rendered home pages, kept per person for a few seconds (`home.pageCacheSecs`): a person's
//! `/` rendered with every card settled is served again, as rendered, to the same request (the
//! same viewer, viewing as the same person, with the same layout) until it is that old. The
//! page's inputs are all cached for at least as long already (the cards' data for
//! `home.freshForSecs`, the personal card and the layout for
//! [`crate::per_person::PER_PERSON_TTL`]), so a kept page shows nothing older than a render
//! would; what a person changes themselves (stars, toolkit, layout, visits, dashboards opened)
//! drops their page at once, as it drops those caches. Each replica keeps its own, bounded by
//! bytes. The HTTP side (taking a page as it streams, a fresh script nonce per answer) is the
//! server's (`backend/src/page_cache.rs`).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use trellis_shared::auth::Identity;

/// The most bytes of pages a replica keeps (about 2,000 home pages).
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Who a page was rendered for: it is served again only to a request with the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    /// Who asks.
    pub viewer: Identity,
    /// Whom an admin views the page as, if anyone.
    pub viewed: Option<Identity>,
    /// The layout text the page was rendered with (its cards, in order).
    pub layout: Option<Arc<str>>,
}

impl Audience {
    /// The person whose page it is (their changes drop it).
    pub fn person(&self) -> &str {
        &self.viewed.as_ref().unwrap_or(&self.viewer).user_ref
    }
}

/// A rendered page, with its per-answer script nonce cut out: each answer joins the parts with
/// a nonce of its own.
#[derive(Debug, Clone)]
pub struct Page {
    /// Who it was rendered for.
    pub audience: Audience,
    /// Its headers, each value cut at the nonce.
    pub headers: Vec<(http::HeaderName, Vec<Bytes>)>,
    /// Its body, cut at the nonce.
    pub body: Vec<Bytes>,
    /// The same parts compressed one by one, for answers in gzip.
    pub gzip: Option<Deflated>,
}

/// A page's parts, each compressed on its own (raw deflate), with its CRC-32 and length: what a
/// gzip answer is joined from.
#[derive(Debug, Clone, Default)]
pub struct Deflated {
    /// Each part, compressed.
    pub parts: Vec<Bytes>,
    /// Each part's CRC-32.
    pub crcs: Vec<u32>,
    /// Each part's length.
    pub lens: Vec<u64>,
}

impl Page {
    fn weight(&self) -> u32 {
        let gzip = self
            .gzip
            .as_ref()
            .map_or(0, |g| g.parts.iter().map(Bytes::len).sum::<usize>());
        let bytes: usize = gzip
            + self.body.iter().map(Bytes::len).sum::<usize>()
            + self
                .headers
                .iter()
                .flat_map(|(_, v)| v.iter().map(Bytes::len))
                .sum::<usize>();
        u32::try_from(bytes).unwrap_or(u32::MAX)
    }
}

/// A render under way, as a request extension: a card that is not settled (its upstream slow,
/// its data being refreshed) or failed to load spoils it, and a spoiled render is not kept.
#[derive(Debug, Clone)]
pub struct Capture {
    spoiled: Arc<AtomicBool>,
    /// [`Pages`]' generation when the render began.
    generation: u64,
}

impl Capture {
    /// This render must not be kept.
    pub fn spoil(&self) {
        self.spoiled.store(true, Ordering::Release);
    }

    /// Whether [`Capture::spoil`] was called.
    pub fn spoiled(&self) -> bool {
        self.spoiled.load(Ordering::Acquire)
    }
}

/// The replica's kept pages, by person (clones share them).
#[derive(Clone)]
pub struct Pages {
    entries: Option<moka::future::Cache<String, Arc<Page>>>,
    /// Bumped by every [`Pages::forget`].
    generation: Arc<AtomicU64>,
    /// When each person last changed something (the generation it made): a render of their
    /// page that began before it is not kept (it may show what the change replaced).
    changed: moka::future::Cache<String, u64>,
    counts: Arc<[AtomicU64; 3]>,
}

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("enabled", &self.entries.is_some())
            .finish_non_exhaustive()
    }
}

/// How long a person's last change is remembered: longer than any render runs (requests time
/// out after 30 s).
const CHANGES_KEPT: Duration = Duration::from_secs(120);

/// What [`Pages::counts`] counts.
const HIT: usize = 0;
const MISS: usize = 1;
const KEPT: usize = 2;

impl Pages {
    /// Pages kept for `ttl` (zero: none kept), at most [`MAX_BYTES`] of them.
    pub fn new(ttl: Duration) -> Self {
        Self::bounded(ttl, MAX_BYTES)
    }

    /// Pages kept for `ttl`, at most `max_bytes` of them (the least used go first).
    pub fn bounded(ttl: Duration, max_bytes: u64) -> Self {
        let entries = (!ttl.is_zero()).then(|| {
            moka::future::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|_: &String, page: &Arc<Page>| page.weight())
                .time_to_live(ttl)
                .build()
        });
        Self {
            entries,
            generation: Arc::new(AtomicU64::new(0)),
            changed: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(CHANGES_KEPT)
                .build(),
            counts: Arc::new([AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)]),
        }
    }

    /// Whether pages are kept at all.
    pub fn enabled(&self) -> bool {
        self.entries.is_some()
    }

    /// The page kept for exactly `audience`, if any.
    pub async fn get(&self, audience: &Audience) -> Option<Arc<Page>> {
        let entries = self.entries.as_ref()?;
        let found = entries
            .get(audience.person())
            .await
            .filter(|page| page.audience == *audience);
        let which = if found.is_some() { HIT } else { MISS };
        self.counts[which].fetch_add(1, Ordering::Relaxed);
        found
    }

    /// A render beginning now.
    pub fn begin(&self) -> Capture {
        Capture {
            spoiled: Arc::default(),
            generation: self.generation.load(Ordering::Acquire),
        }
    }

    /// Keeps `page`, rendered under `capture`, unless the render was spoiled or a change came
    /// in while it ran. Whether it was kept.
    pub async fn keep(&self, capture: &Capture, page: Page) -> bool {
        let Some(entries) = self.entries.as_ref() else {
            return false;
        };
        let person = page.audience.person().to_string();
        let newer = |at: Option<u64>| at.is_some_and(|at| at > capture.generation);
        if capture.spoiled() || newer(self.changed.get(&person).await) {
            return false;
        }
        entries.insert(person.clone(), Arc::new(page)).await;
        // A change that came in between the check and the insert: the page may predate it.
        if newer(self.changed.get(&person).await) {
            entries.invalidate(&person).await;
            return false;
        }
        self.counts[KEPT].fetch_add(1, Ordering::Relaxed);
        true
    }

    /// Drops `person`'s page (they changed something it shows).
    pub async fn forget(&self, person: &str) {
        let at = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        self.changed.insert(person.to_string(), at).await;
        if let Some(entries) = self.entries.as_ref() {
            entries.invalidate(person).await;
        }
    }

    /// Bytes of pages kept now (after pending evictions).
    pub async fn kept_bytes(&self) -> u64 {
        let Some(entries) = self.entries.as_ref() else {
            return 0;
        };
        entries.run_pending_tasks().await;
        entries.weighted_size()
    }

    /// Lookups that found a page, lookups that did not, pages kept.
    pub fn counts(&self) -> (u64, u64, u64) {
        let get = |i: usize| self.counts[i].load(Ordering::Relaxed);
        (get(HIT), get(MISS), get(KEPT))
    }
}

#[cfg(test)]
mod tests;
