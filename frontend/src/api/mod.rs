//! Data the pages load, as Leptos server functions: called directly during server rendering and
//! over HTTP (`/_sf/...`) after hydration. Bodies compile only into the server (`ssr`), where
//! they reach the store through the [`Portal`] context the backend provides; the WASM client
//! gets just the calls and the types.

pub mod admin;
pub mod audit;
pub mod catalog;
pub mod entity;
#[cfg(feature = "ssr")]
mod server_catalog;
#[cfg(feature = "ssr")]
mod server_entity;
#[cfg(feature = "ssr")]
mod server_scope;
pub mod viewer;

#[cfg(feature = "ssr")]
pub use server::{identity, JobInfo, Portal};

#[cfg(feature = "ssr")]
mod server {
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use leptos::prelude::*;
    use trellis_shared::catalog::query::FacetCount;

    /// What server functions need from the backend: the database, the access policy and
    /// caches. Who is asking comes with each request (see [`identity`]).
    #[derive(Clone, Debug)]
    pub struct Portal {
        /// The store.
        pub db: trellis_store::Db,
        /// The access policy.
        pub policy: Arc<trellis_auth::Policy>,
        /// Where the sign-out link goes (`auth.sign_out_url`).
        pub sign_out_url: String,
        /// Guest mode: the header offers switching users instead of signing out.
        pub guest: bool,
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
        pub fn new(db: trellis_store::Db, policy: Arc<trellis_auth::Policy>) -> Self {
            Portal {
                db,
                policy,
                sign_out_url: String::new(),
                guest: false,
                facet_cache: Arc::new(Mutex::new(None)),
                jobs: Arc::new(Vec::new()),
            }
        }

        /// The portal with its sign-out link and mode.
        pub fn with_sign_out(mut self, url: String, guest: bool) -> Self {
            self.sign_out_url = url;
            self.guest = guest;
            self
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

    /// Who made the request being served (set by the server's sign-in middleware; every page
    /// and server function request has one).
    pub fn identity() -> Result<trellis_shared::auth::Identity, ServerFnError> {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .extensions
                    .get::<trellis_shared::auth::Identity>()
                    .cloned()
            })
            .ok_or_else(|| ServerFnError::new("sign in first: the request carries no identity"))
    }

    /// Refuses (naming who and what) unless `me` may do `action` to `kind` (resources nobody
    /// owns: admin functions, the audit log).
    pub fn may(
        portal: &Portal,
        me: &trellis_shared::auth::Identity,
        action: trellis_auth::Action,
        kind: trellis_auth::ResourceType,
        what: &str,
    ) -> Result<(), ServerFnError> {
        if portal.policy.may(me, action, kind) {
            Ok(())
        } else {
            Err(ServerFnError::new(format!(
                "{} may not {what}; ask for permission.admins",
                me.user_ref
            )))
        }
    }

    /// A store error as a server function error (the message names what failed).
    pub fn store_error(e: trellis_store::StoreError) -> ServerFnError {
        ServerFnError::new(e.to_string())
    }
}
