//! Data the pages load, as Leptos server functions: called directly during server rendering and
//! over HTTP (`/_sf/...`) after hydration. Bodies compile only into the server (`ssr`), where
//! they reach the store through the [`Portal`] context the backend provides; the WASM client
//! gets just the calls and the types.

pub mod admin;
pub mod catalog;
pub mod entity;
#[cfg(feature = "ssr")]
mod server_catalog;
#[cfg(feature = "ssr")]
mod server_entity;

#[cfg(feature = "ssr")]
pub use server::{JobInfo, Portal};

#[cfg(feature = "ssr")]
mod server {
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use leptos::prelude::*;
    use trellis_shared::catalog::query::FacetCount;

    /// What server functions need from the backend: the database and, until identity is
    /// configured, the user treated as signed in (demo mode).
    #[derive(Clone, Debug)]
    pub struct Portal {
        /// The store.
        pub db: trellis_store::Db,
        /// Canonical ref of the user to act as, if any.
        pub default_user: Option<String>,
        /// Filter options of the catalog list, cached briefly (they change with refreshes only).
        pub facet_cache: Arc<Mutex<Option<(Instant, FacetMap)>>>,
        /// Background jobs shown on the admin page.
        pub jobs: Arc<Vec<JobInfo>>,
    }

    /// A background job as the admin page lists it.
    #[derive(Clone, Debug)]
    pub struct JobInfo {
        /// Job name in `core.job_runs`.
        pub name: String,
        /// What it does.
        pub label: String,
        /// What it reads.
        pub target: String,
    }

    /// Facet name to value counts.
    pub type FacetMap = std::collections::BTreeMap<String, Vec<FacetCount>>;

    /// How long cached facets are served.
    pub const FACET_TTL: Duration = Duration::from_secs(30);

    impl Portal {
        /// A portal context over `db`.
        pub fn new(db: trellis_store::Db, default_user: Option<String>) -> Self {
            Portal {
                db,
                default_user,
                facet_cache: Arc::new(Mutex::new(None)),
                jobs: Arc::new(Vec::new()),
            }
        }

        /// The portal listing `jobs` on the admin page.
        pub fn with_jobs(mut self, jobs: Vec<JobInfo>) -> Self {
            self.jobs = Arc::new(jobs);
            self
        }
    }

    /// The context, or an error a page can show.
    pub fn portal() -> Result<Portal, ServerFnError> {
        use_context::<Portal>()
            .ok_or_else(|| ServerFnError::new("server context missing: the portal is not set up"))
    }

    /// A store error as a server function error (the message names what failed).
    pub fn store_error(e: trellis_store::StoreError) -> ServerFnError {
        ServerFnError::new(e.to_string())
    }
}
