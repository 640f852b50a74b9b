//! Light/dark theme switch.
//!
//! The choice lives in `localStorage` under `trellis-theme` and on `<html data-theme>`; the small
//! `/theme.js` in the document head applies it before first paint. With no stored choice the CSS
//! follows the system's `prefers-color-scheme`.

use leptos::prelude::*;

const STORAGE_KEY: &str = "trellis-theme";

/// The themes the design system defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Dark text on light surfaces.
    Light,
    /// Light text on dark surfaces.
    Dark,
}

impl Theme {
    /// Name used in `data-theme` and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The other theme.
    pub fn toggled(self) -> Self {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }

    /// Parses a stored name; anything else is `None`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
}

/// Reads the theme the page currently shows (browser only).
fn current_theme() -> Theme {
    #[cfg(not(feature = "ssr"))]
    {
        let attr = document()
            .document_element()
            .and_then(|el| el.get_attribute("data-theme"));
        if let Some(theme) = attr.as_deref().and_then(Theme::parse) {
            return theme;
        }
        let prefers_dark = window()
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
        if prefers_dark {
            return Theme::Dark;
        }
    }
    Theme::Light
}

fn apply_theme(theme: Theme) {
    if let Some(el) = document().document_element() {
        // Setting an attribute on <html> only fails for invalid names; ours is a constant.
        let _ = el.set_attribute("data-theme", theme.as_str());
    }
    if let Ok(Some(storage)) = window().local_storage() {
        // Private browsing may refuse storage; the theme still applies for this page.
        let _ = storage.set_item(STORAGE_KEY, theme.as_str());
    }
}

/// A button that switches between light and dark.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = RwSignal::new(Theme::Light);
    // Runs only in the browser, after hydration: pick up what /theme.js applied.
    Effect::new(move |_| theme.set(current_theme()));
    let toggle = move |_| {
        let next = theme.get_untracked().toggled();
        apply_theme(next);
        theme.set(next);
    };
    view! {
        <button
            type="button"
            class="theme-toggle"
            aria-pressed=move || (theme.get() == Theme::Dark).to_string()
            title="Switch between light and dark theme"
            on:click=toggle
        >
            <span aria-hidden="true">{move || if theme.get() == Theme::Dark { "☾" } else { "☀" }}</span>
            <span class="visually-hidden">"Dark theme"</span>
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_names_round_trip() {
        for theme in [Theme::Light, Theme::Dark] {
            assert_eq!(Theme::parse(theme.as_str()), Some(theme));
            assert_eq!(theme.toggled().toggled(), theme);
        }
        assert_eq!(Theme::parse("purple"), None);
    }
}
