//! Real catalogs to test against, and where they are.
//!
//! - [`create_app_examples`]: the example catalog and org Backstage's `@backstage/create-app`
//!   (npm, pinned in `e2e/package.json`) puts into every new Backstage app. `scripts/setup.sh`
//!   installs it with the e2e packages, so it is there in any clone after setup.
//! - [`demo_catalog`]: Trellis' own demo catalog (`demo/catalog`, in the repository).
//! - [`backstage_examples`]: the larger example set of Backstage's repository
//!   (`packages/catalog-model/examples`), present only where the read-only `shared/` folder
//!   sits beside the checkout. Tests over it are `#[ignore]`d; `scripts/test.sh` runs them when
//!   the folder is there.

use std::path::PathBuf;

/// The repository's root.
fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `templates/default-app/examples` of `@backstage/create-app` (entities.yaml, org.yaml,
/// template/template.yaml). Panics, saying how to get it, when setup has not installed it.
pub fn create_app_examples() -> PathBuf {
    let dir =
        repo_root().join("e2e/node_modules/@backstage/create-app/templates/default-app/examples");
    assert!(
        dir.join("entities.yaml").is_file(),
        "Backstage's create-app example catalog is absent at {}: run scripts/setup.sh --test \
         (it installs the e2e npm packages, @backstage/create-app among them)",
        dir.display()
    );
    dir
}

/// `demo/catalog` (its `all.yaml` lists the rest).
pub fn demo_catalog() -> PathBuf {
    repo_root().join("demo/catalog")
}

/// The optional larger Backstage example set, if present beside the checkout.
pub fn backstage_examples() -> PathBuf {
    let dir = repo_root().join("../shared/fixtures/backstage-examples");
    assert!(
        dir.join("all.yaml").is_file(),
        "Backstage's larger example catalog is absent at {} (the read-only shared/ folder beside \
         the checkout); tests over it are optional: run them only where it exists",
        dir.display()
    );
    dir
}
