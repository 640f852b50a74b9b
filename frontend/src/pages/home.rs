//! Home: the signed-in engineer's landing page. Widgets (pull requests, incidents, issues, deploys)
//! plug in here as they are built; until then it shows the way into each section.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};
use trellis_shared::nav::SECTIONS;

use crate::components::layout::{Card, PageHeader};

/// The home view (lazy route).
pub struct HomeView;

#[lazy_route]
impl LazyRoute for HomeView {
    fn data() -> Self {
        HomeView
    }

    fn view(_this: Self) -> AnyView {
        let here = super::section("/");
        view! {
            <PageHeader title=here.label summary=here.summary/>
            <div class="grid">
                {SECTIONS
                    .iter()
                    .filter(|s| s.path != "/")
                    .map(|s| view! {
                        <Card title=s.label>
                            <p>{s.summary}</p>
                            <a class="button" href=s.path>"Open " {s.label.to_lowercase()}</a>
                        </Card>
                    })
                    .collect_view()}
            </div>
        }
        .into_any()
    }
}
