//! The software catalog views: the list at `/catalog` and entity pages under it.

use leptos::prelude::*;
use leptos_router::{hooks::use_params_map, lazy_route, LazyRoute};

use crate::components::layout::{Card, PageHeader};

/// The catalog list view (lazy route).
pub struct CatalogView;

#[lazy_route]
impl LazyRoute for CatalogView {
    fn data() -> Self {
        CatalogView
    }

    fn view(_this: Self) -> AnyView {
        let here = super::section("/catalog");
        view! {
            <PageHeader title=here.label summary=here.summary/>
            <Card title="No entities yet">
                <p>"This build of Trellis does not ingest " <code>"catalog-info.yaml"</code> " files yet; the catalog is empty."</p>
            </Card>
        }
        .into_any()
    }
}

/// An entity page, `/catalog/:kind/:namespace/:name` (lazy route).
pub struct EntityView;

#[lazy_route]
impl LazyRoute for EntityView {
    fn data() -> Self {
        EntityView
    }

    fn view(_this: Self) -> AnyView {
        let params = use_params_map();
        let entity_ref = move || {
            params.with(|p| {
                format!(
                    "{}:{}/{}",
                    p.get("kind").unwrap_or_default(),
                    p.get("namespace").unwrap_or_default(),
                    p.get("name").unwrap_or_default()
                )
            })
        };
        view! {
            <PageHeader title=entity_ref() summary="Catalog entity"/>
            <Card title="Not in the catalog">
                <p>"No entity with this reference is stored. "<a href="/catalog">"Back to the catalog"</a></p>
            </Card>
        }
        .into_any()
    }
}
