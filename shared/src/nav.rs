//! The portal's top-level sections.
//!
//! One list drives the navigation bar, the route table and the end-to-end checks, so a plugin that
//! adds a section adds it here and every place that lists sections follows.

/// A top-level section of the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// Path of the section's landing page.
    pub path: &'static str,
    /// Label in the navigation bar.
    pub label: &'static str,
    /// One line shown under the page title.
    pub summary: &'static str,
}

/// The sections, in navigation order.
pub const SECTIONS: &[Section] = &[
    Section {
        path: "/",
        label: "Home",
        summary: "Everything you own and everything waiting on you.",
    },
    Section {
        path: "/catalog",
        label: "Catalog",
        summary: "Components, APIs, systems, resources and the teams that own them.",
    },
    Section {
        path: "/compute",
        label: "Compute",
        summary: "Kubernetes workloads of your projects across clusters.",
    },
    Section {
        path: "/admin",
        label: "Admin",
        summary: "Background jobs: catalog refreshes and org syncs, and how their runs went.",
    },
];

/// The section a path belongs to: the longest section path that prefixes it.
pub fn section_for(path: &str) -> Option<&'static Section> {
    SECTIONS
        .iter()
        .filter(|s| {
            s.path == "/" && path == "/"
                || s.path != "/" && (path == s.path || path.starts_with(&format!("{}/", s.path)))
        })
        .max_by_key(|s| s.path.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_section_by_prefix_not_by_substring() {
        assert_eq!(section_for("/").map(|s| s.label), Some("Home"));
        assert_eq!(section_for("/catalog").map(|s| s.label), Some("Catalog"));
        assert_eq!(
            section_for("/catalog/component/default/web").map(|s| s.label),
            Some("Catalog")
        );
        assert_eq!(section_for("/catalogue"), None);
        assert_eq!(section_for("/nope"), None);
    }
}
