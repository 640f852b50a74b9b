//! Entity refs on pages: links to entity pages and short labels.

use leptos::prelude::*;

/// Parts of a canonical ref `kind:namespace/name`.
pub fn parts(entity_ref: &str) -> (&str, &str, &str) {
    let (kind, rest) = entity_ref.split_once(':').unwrap_or(("", entity_ref));
    let (namespace, name) = rest.split_once('/').unwrap_or(("default", rest));
    (kind, namespace, name)
}

/// The page of an entity, Backstage's path shape: `/catalog/{namespace}/{kind}/{name}`.
pub fn href(entity_ref: &str) -> String {
    let (kind, namespace, name) = parts(entity_ref);
    format!(
        "/catalog/{}/{}/{}",
        crate::api::catalog::encode(namespace),
        crate::api::catalog::encode(kind),
        crate::api::catalog::encode(name)
    )
}

/// `name`, or `namespace/name` outside the default namespace.
pub fn label(entity_ref: &str) -> String {
    let (_, namespace, name) = parts(entity_ref);
    if namespace == "default" {
        name.to_string()
    } else {
        format!("{namespace}/{name}")
    }
}

/// A link to an entity, showing its kind when `with_kind`.
#[component]
pub fn EntityLink(
    #[prop(into)] entity_ref: String,
    #[prop(optional)] with_kind: bool,
) -> impl IntoView {
    let (kind, ..) = parts(&entity_ref);
    let kind = kind.to_string();
    view! {
        <a class="entity-link" href=href(&entity_ref)>
            {with_kind.then(|| view! { <span class="kind-badge">{kind}</span> " " })}
            {label(&entity_ref)}
        </a>
    }
}
