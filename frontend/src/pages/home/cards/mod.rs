//! The widgets' card bodies, rendered on the server only: each server function answers its
//! card's finished HTML, which the page streams in and the browser shows as it is. No card
//! code (nor a JSON parser for the card's data) goes into the WASM client, so `/` stays small
//! however many widgets there are; the browser keeps only the frame that places the HTML and
//! loads it again while the upstream is slow.
//!
//! Text reaches the HTML only through `view!` (escaped), never through `format!` into markup.

mod attention;
mod jira;
mod pulls;
mod widget;

use leptos::prelude::*;
use trellis_shared::views::home::{JiraIssues, PullRequests, Widget, WidgetProblem};

/// A card body: its HTML, and whether the browser should load it again soon (the upstream had
/// not answered, or the data was stale while a refresh ran).
pub struct Card {
    /// The body's HTML.
    pub html: String,
    /// Load again in a few seconds.
    pub unsettled: bool,
}

impl Card {
    /// The line the server function answers: `settled`/`unsettled`, a newline, the HTML.
    pub fn encode(&self) -> String {
        let state = if self.unsettled {
            "unsettled"
        } else {
            "settled"
        };
        format!("{state}\n{}", self.html)
    }
}

fn unsettled<T>(w: &Widget<T>) -> bool {
    w.problem == Some(WidgetProblem::Slow) || w.stale && w.problem.is_none()
}

/// The pull requests card's body.
pub fn pull_requests(w: Widget<PullRequests>) -> Card {
    let unsettled = unsettled(&w);
    Card {
        html: pulls::body(w).to_html(),
        unsettled,
    }
}

/// The Jira card's body.
pub fn jira(w: Widget<JiraIssues>) -> Card {
    let unsettled = unsettled(&w);
    Card {
        html: jira::body(w).to_html(),
        unsettled,
    }
}

/// The "needs attention" card's body, from the widgets it draws on.
pub fn attention(pulls: Widget<PullRequests>, issues: Widget<JiraIssues>) -> Card {
    let unsettled = unsettled(&pulls) || unsettled(&issues);
    Card {
        html: attention::body(pulls, issues).to_html(),
        unsettled,
    }
}
