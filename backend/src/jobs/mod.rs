//! Background jobs: each has a name, a schedule and an idempotent `run`. With several replicas,
//! a job runs on the replica holding its lease in `core.leases`.

pub mod catalog_refresh;
pub mod ldap_sync;
