//! Light/dark theme switch.
//!
//! The choice lives in `localStorage` under `trellis-theme` and on `<html data-theme>`; the small
//! `/theme.js` in the document head applies it before first paint. With no stored choice the CSS
//! follows the system's `prefers-color-scheme`.

use leptos::prelude::*;

#[cfg_attr(feature = "ssr", allow(dead_code))]
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

/// The switch's id.
pub const TOGGLE: &str = "theme-toggle";

/// Reads the theme the page currently shows (browser only).
#[cfg(not(feature = "ssr"))]
fn current_theme() -> Theme {
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
        Theme::Dark
    } else {
        Theme::Light
    }
}

/// Shows `theme` on the switch (pressed for dark, its icon).
#[cfg(not(feature = "ssr"))]
fn show(theme: Theme) {
    if let Some(button) = document().get_element_by_id(TOGGLE) {
        let dark = theme == Theme::Dark;
        let _ = button.set_attribute("aria-pressed", if dark { "true" } else { "false" });
        if let Some(icon) = button.first_element_child() {
            icon.set_text_content(Some(if dark { "☾" } else { "☀" }));
        }
    }
}

/// After hydration: the switch shows what `/theme.js` applied.
#[cfg(not(feature = "ssr"))]
pub fn sync() {
    show(current_theme());
}

/// The switch was pressed: the other theme, on the page and in storage.
#[cfg(not(feature = "ssr"))]
pub fn toggle() {
    let next = current_theme().toggled();
    if let Some(el) = document().document_element() {
        // Setting an attribute on <html> only fails for invalid names; ours is a constant.
        let _ = el.set_attribute("data-theme", next.as_str());
    }
    if let Ok(Some(storage)) = window().local_storage() {
        // Private browsing may refuse storage; the theme still applies for this page.
        let _ = storage.set_item(STORAGE_KEY, next.as_str());
    }
    show(next);
}

/// A button that switches between light and dark; [`super::listen`] answers its clicks.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    view! {
        <button type="button" class="theme-toggle" id=TOGGLE aria-pressed="false"
            title="Switch between light and dark theme">
            <span aria-hidden="true">"☀"</span>
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
