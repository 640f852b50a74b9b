//! Compute: Kubernetes workloads of the signed-in engineer's projects across clusters.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::components::layout::{Card, PageHeader};

/// The compute view (lazy route).
pub struct ComputeView;

#[lazy_route]
impl LazyRoute for ComputeView {
    fn data() -> Self {
        ComputeView
    }

    fn view(_this: Self) -> AnyView {
        let here = super::section("/compute");
        view! {
            <PageHeader title=here.label summary=here.summary/>
            <Card title="No clusters connected">
                <p>"This build of Trellis does not connect to Kubernetes clusters yet."</p>
            </Card>
        }
        .into_any()
    }
}
