//! Background jobs: each has a name, a schedule and an idempotent `run`. With several replicas,
//! a job runs on the replica holding its lease in `core.leases`.

pub mod catalog_refresh;
pub mod ldap_sync;

use trellis_frontend::api::JobInfo;

use crate::config::Config;

/// The jobs the admin page lists: the catalog refresh and each LDAP org provider.
pub fn admin_jobs(config: &Config) -> Vec<JobInfo> {
    let locations: Vec<String> = config.catalog_locations().iter().map(|l| l.key()).collect();
    let mut jobs = vec![JobInfo {
        name: catalog_refresh::JOB.into(),
        label: "Catalog refresh".into(),
        target: if locations.is_empty() {
            "no configured locations".into()
        } else {
            locations.join(", ")
        },
    }];
    for (id, provider) in &config.catalog.providers.ldap_org {
        jobs.push(JobInfo {
            name: ldap_sync::job_name(id),
            label: format!("LDAP org sync `{id}`"),
            target: provider.target.clone(),
        });
    }
    jobs
}
