//! Schemas of answers whose Rust types live in crates that stay free of utoipa
//! (`trellis-catalog`, `trellis-services`, `trellis-store`, `trellis-auth`): the same field
//! names, types and optionality, declared here for the document only. A comment on each names
//! the type it mirrors; the API tests check the answers they get against these schemas, so a
//! mirror that drifts from its type fails them.

#![expect(dead_code, reason = "the fields are only ever described, never read")]

use trellis_shared::catalog::Entity;
use utoipa::{IntoParams, ToSchema};

/// A registered location.
// Mirrors `trellis_catalog::store::StoredLocation`.
#[derive(ToSchema)]
pub struct Location {
    /// Stable id.
    id: String,
    /// Location type; `file`.
    #[serde(rename = "type")]
    #[schema(example = "file")]
    location_type: String,
    /// Path, directory or glob on the server.
    target: String,
}

/// A location to read, `{type, target}`.
// Mirrors `trellis_catalog::LocationSpec`.
#[derive(ToSchema)]
pub struct LocationTarget {
    /// Location type; only `file` is read.
    #[serde(rename = "type")]
    location_type: String,
    /// Path, directory or glob on the server.
    target: String,
}

/// How serious an issue is.
// Mirrors `trellis_catalog::Level`.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum IssueLevel {
    /// The entity or file was not taken.
    Error,
    /// Taken, with something to fix.
    Warning,
}

/// A problem found while reading a location.
// Mirrors `trellis_catalog::Issue`.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocationIssue {
    /// `error`: the entity or file was not taken; `warning`: taken, with something to fix.
    level: IssueLevel,
    /// The location it was found under, `type:target`.
    location: String,
    /// The file.
    file: String,
    /// 0-based YAML document within the file, if the problem is in one.
    document: Option<u64>,
    /// The entity concerned, if known.
    entity_ref: Option<String>,
    /// What is wrong.
    message: String,
}

/// Answer of a registration, or of a dry run (Backstage's `AddLocationResponse`).
// Mirrors `trellis_services::catalog::Registered`.
#[derive(ToSchema)]
pub struct CreateLocationResponse {
    /// The location (for a dry run, as it would be registered).
    location: Location,
    /// The entities the location defines.
    entities: Vec<Entity>,
    /// Dry runs only: whether the location is registered already.
    #[serde(skip_serializing_if = "Option::is_none")]
    exists: Option<bool>,
    /// Problems found while reading.
    issues: Vec<LocationIssue>,
    /// Not for dry runs: the background run applying the registration.
    #[serde(rename = "runId", skip_serializing_if = "Option::is_none")]
    run_id: Option<i64>,
}

/// A page of `POST /locations/by-query`.
// Mirrors `trellis_services::catalog::LocationPage`.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocationsQueryResponse {
    /// The locations.
    items: Vec<Location>,
    /// Locations matching in total.
    total_items: u64,
    /// Where the next page starts.
    page_info: LocationsPageInfo,
}

/// `pageInfo` of a location page.
// Mirrors `trellis_services::catalog::LocationPageInfo`.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocationsPageInfo {
    /// The next page's cursor; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

/// A descriptor file an analysis found (Backstage's `AnalyzeLocationExistingEntity`).
// Mirrors `trellis_services::catalog::ExistingFile`.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzeLocationExistingEntity {
    /// The file, as a location.
    location: LocationTarget,
    /// Whether a registered location reads it already.
    is_registered: bool,
    /// The entity it defines.
    entity: Entity,
}

/// What a location holds (Backstage's `AnalyzeLocationResponse`).
// Mirrors `trellis_services::catalog::AnalyzeResult`.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzeLocationResponse {
    /// The descriptor files found and what each defines.
    existing_entity_files: Vec<AnalyzeLocationExistingEntity>,
    /// Entities to generate: always empty (Trellis does not guess entities from a repository).
    #[schema(value_type = Vec<Object>)]
    generate_entities: Vec<serde_json::Value>,
}

/// One step of an ancestry.
// Mirrors `trellis_services::catalog::Ancestor`.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntityAncestor {
    /// The entity.
    entity: Entity,
    /// The `Location` entities it was read through (none for a registered location's own file).
    parent_entity_refs: Vec<String>,
}

/// The entity and the `Location` entities above it.
// Mirrors `trellis_services::catalog::Ancestry`.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntityAncestryResponse {
    /// The entity asked for.
    root_entity_ref: String,
    /// It first, then each parent.
    items: Vec<EntityAncestor>,
}

/// What a refresh changed, counted in entities.
// Mirrors `trellis_catalog::store::ApplySummary`.
#[derive(ToSchema)]
pub struct RefreshSummary {
    /// Stored for the first time.
    added: u64,
    /// Definition or source changed.
    changed: u64,
    /// Left as they were.
    unchanged: u64,
    /// Removed because their source dropped them or their location is gone.
    removed: u64,
    /// Kept although not read this time, because their file or location failed.
    kept: u64,
    /// Errors found while reading (entities or files not taken).
    errors: u64,
    /// Warnings found while reading.
    warnings: u64,
}

/// One run of a background job, as stored.
// Mirrors `trellis_store::JobRun`.
#[derive(ToSchema)]
pub struct JobRun {
    /// Row id.
    id: i64,
    /// The job's name.
    job: String,
    /// When it started.
    #[schema(format = DateTime)]
    started_at: String,
    /// When it finished; `null` while running.
    #[schema(format = DateTime)]
    finished_at: Option<String>,
    /// `success`, `failed` or `aborted`; `null` while running.
    outcome: Option<String>,
    /// Counts (JSON), error message or abort reason.
    detail: Option<String>,
    /// What it is doing now, while it runs.
    progress: Option<String>,
    /// Who started it by hand (a user ref); `null` for scheduled runs.
    requested_by: Option<String>,
}

/// One LDAP org provider's status.
// Mirrors `trellis_services::ldap::ProviderStatus`.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderStatus {
    /// `catalog.providers.ldapOrg.<id>`.
    id: String,
    /// Directory URL.
    target: String,
    /// Seconds between scheduled syncs.
    frequency_seconds: u64,
    /// Whether a sync is running now (on any replica).
    running: bool,
    /// The ten newest runs, newest first.
    runs: Vec<JobRun>,
}

/// Every entity provider.
// Mirrors `trellis_services::ldap::Providers`.
#[derive(ToSchema)]
pub struct ProvidersResponse {
    /// LDAP org providers.
    #[serde(rename = "ldapOrg")]
    ldap_org: Vec<ProviderStatus>,
}

/// One per-replica service as `/readyz` reports it.
// Mirrors `trellis_services::jobs::ServiceState`.
#[derive(ToSchema)]
pub struct ServiceState {
    /// Name.
    name: String,
    /// Whether the replica waits for it.
    required: bool,
    /// Whether it is ready.
    ready: bool,
    /// Why not, or what it last did.
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

/// How an audited action ended.
// Mirrors `trellis_auth::audit::Outcome`.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AuditOutcome {
    /// Permitted and done.
    Allowed,
    /// Refused by the policy (or sign-in refused).
    Denied,
    /// Permitted but failed.
    Failed,
}

/// Which audit events to list.
// Mirrors `trellis_auth::audit::EventQuery`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct AuditEventParams {
    /// Only this actor (a user ref).
    actor: Option<String>,
    /// Only this outcome.
    #[param(inline)]
    outcome: Option<AuditOutcome>,
    /// Only events older than this id (paging: the last id of the previous page).
    before: Option<i64>,
    /// At most this many, 1 to 500; 100 by default.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}
