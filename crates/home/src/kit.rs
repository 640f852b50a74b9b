//! The card kit: what every card body shares, for the built-in widgets and plugin authors
//! alike. [`card`] turns a body into the [`Card`] a widget answers; [`status`] is the footer
//! saying how old the data is and what is wrong upstream; [`ago`] says ages in words.
//!
//! Text reaches the HTML only through `view!` (escaped), never through `format!` into markup.

use leptos::prelude::*;
use trellis_services::widget::Card;
use trellis_shared::views::home::{Widget, WidgetProblem};

/// The card showing `w`, whose body is `body` (which includes `status(&w)` where it wants the
/// footer): its HTML, loaded again by the browser while `w` is unsettled.
pub fn card<T>(w: &Widget<T>, body: impl IntoView) -> Card {
    Card {
        html: body.to_html(),
        unsettled: Card::unsettled(w),
    }
}

/// `secs` in words: "just now", "4 min ago", "3 h ago", "2 d ago".
pub fn ago(secs: u64) -> String {
    match secs {
        0..=59 => "just now".into(),
        60..=3599 => format!("{} min ago", secs / 60),
        3600..=86_399 => format!("{} h ago", secs / 3600),
        _ => format!("{} d ago", secs / 86_400),
    }
}

/// The footer: age of the data, and the upstream's problem if there is one.
pub fn status<T>(w: &Widget<T>) -> impl IntoView {
    let age = w.age_secs.map(|a| format!("Updated {}", ago(a)));
    let problem = w.problem.map(|p| {
        let class = match p {
            WidgetProblem::NotConfigured | WidgetProblem::UnknownPerson => "widget-note",
            _ => "widget-note warn",
        };
        let text = w.message.clone().unwrap_or_default();
        let text = if w.data.is_some() {
            format!("{text}. Showing the last data Trellis has.")
        } else {
            text
        };
        view! { <p class=class role="status">{text}</p> }
    });
    let stale = (w.stale && w.problem.is_none()).then_some(" · refreshing");
    view! {
        {problem}
        {age.map(|a| view! { <p class="widget-age">{a}{stale}</p> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_as_people_say_them() {
        assert_eq!(ago(5), "just now");
        assert_eq!(ago(4 * 60 + 10), "4 min ago");
        assert_eq!(ago(3 * 3600), "3 h ago");
        assert_eq!(ago(2 * 86_400 + 5), "2 d ago");
    }
}
