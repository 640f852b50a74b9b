//! `POST /me/edit`, where the personal card's and the entity page's forms post: plain forms
//! (keyboard and no-JS friendly), always the caller's own corner, answered with a redirect
//! that stays on Trellis.

use axum::extract::State;
use axum::response::Redirect;
use axum::{Extension, Form};
use serde::Deserialize;
use trellis_services::personal::layout::LayoutOp;
use trellis_services::personal::local_path;
use trellis_services::personal::view_as::ViewAs;
use trellis_services::ServiceError;
use trellis_shared::views::personal::NewLink;

use crate::auth::Viewer;
use crate::state::AppState;

/// What the forms send to `POST /me/edit`: `op` (`star`, `unstar`, `add-link`,
/// `remove-link`, or a layout op: `up:<widget>`, `down:<widget>`, `show:<widget>`,
/// `hide:<widget>`, `reset`) and its fields; `back`, where to go after (a local path).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Edit {
    op: String,
    entity_ref: String,
    title: String,
    url: String,
    id: String,
    back: String,
}

/// `POST /me/edit`: applies a form's change, then `303` to `back` (a path on Trellis, else
/// the home page); when the change is refused, to the home page with `?personal=<reason>`,
/// which the personal card explains.
pub async fn edit(
    State(state): State<AppState>,
    Viewer(me): Viewer,
    viewing: Option<Extension<ViewAs>>,
    form: Result<Form<Edit>, axum::extract::rejection::FormRejection>,
) -> Redirect {
    // The page shows someone else's corner: nothing is changed in anyone's name.
    if viewing.is_some() {
        return Redirect::to("/?personal=viewing-as");
    }
    let Ok(Form(edit)) = form else {
        return Redirect::to("/?personal=form");
    };
    let done = match edit.op.as_str() {
        "star" => state.star(&me, &edit.entity_ref).await.map(drop),
        "unstar" => state.unstar(&me, &edit.entity_ref).await.map(drop),
        "add-link" => {
            let link = NewLink {
                title: edit.title,
                url: edit.url,
            };
            state.add_link(&me, link).await.map(drop)
        }
        "remove-link" => match edit.id.parse() {
            Ok(id) => state.remove_link(&me, id).await,
            Err(_) => Err(ServiceError::NotFound("no such link".into())),
        },
        op => match LayoutOp::parse(op) {
            Ok(op) => state.change_layout(&me, op).await.map(drop),
            Err(e) => Err(e),
        },
    };
    match done {
        Ok(()) => Redirect::to(&local_path(&edit.back).unwrap_or_else(|| "/".into())),
        Err(e) => {
            if let Some(cause) = e.internal_cause() {
                tracing::error!(%cause, "a personal change failed");
            }
            Redirect::to(&format!("/?personal={}", reason(&edit.op, &e)))
        }
    }
}

/// The reason code the card explains (`trellis-home`'s personal card lists them).
fn reason(op: &str, e: &ServiceError) -> &'static str {
    let message = e.to_string();
    match (e, op) {
        (ServiceError::Conflict(_), "add-link") => "links-full",
        (ServiceError::Conflict(_), _) => "stars-full",
        (ServiceError::NotFound(_), "remove-link") => "no-link",
        (ServiceError::NotFound(_), _) => "no-entity",
        (ServiceError::Input(_), _) if message.starts_with("url:") => "url",
        (ServiceError::Input(_), _) if message.starts_with("title:") => "title",
        (ServiceError::Input(_), _) if message.starts_with("entityRef:") => "no-entity",
        (ServiceError::Input(_), _) => "op",
        _ => "failed",
    }
}
