//! A person's home layout: the registered widgets in their order, each shown or hidden. What
//! they stored is read against the widgets this release registers: unknown ids are dropped,
//! widgets added since show at the end. Every page carries the frames of the shown ones
//! ([`Services::widget_layout_for`]), read once per person per [`LAYOUT_TTL`] on each replica
//! (a change shows at once on the replica that took it, within the TTL on the others).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use trellis_personal::prefs;
use trellis_shared::views::personal::{LayoutEntry, LayoutItem};

use crate::widget::{frame_line, shown};
use crate::{Identity, ServiceError, ServiceResult, Services};

/// How long a replica reuses a person's layout text.
pub const LAYOUT_TTL: Duration = Duration::from_secs(5);

/// Layout texts by person.
pub(crate) type Layouts = moka::future::Cache<String, Arc<str>>;

/// A new cache of layout texts.
pub(crate) fn layouts() -> Layouts {
    moka::future::Cache::builder()
        .max_capacity(20_000)
        .time_to_live(LAYOUT_TTL)
        .build()
}

/// The layout text of the person a page request is for (a request extension the sign-in
/// middleware adds to page loads, which the page shell puts on `<body data-widgets>`).
#[derive(Debug, Clone)]
pub struct PersonLayout(pub Arc<str>);

/// A change to a layout, as the layout editor's buttons send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutOp {
    /// Move a widget one place up.
    Up(String),
    /// Move a widget one place down.
    Down(String),
    /// Show a widget.
    Show(String),
    /// Hide a widget.
    Hide(String),
    /// Back to the default layout.
    Reset,
}

impl LayoutOp {
    /// Parses `up:<id>`, `down:<id>`, `show:<id>`, `hide:<id>` or `reset`.
    pub fn parse(text: &str) -> ServiceResult<Self> {
        let (verb, id) = text.split_once(':').unwrap_or((text, ""));
        let id = id.to_string();
        Ok(match (verb, id.is_empty()) {
            ("reset", true) => LayoutOp::Reset,
            ("up", false) => LayoutOp::Up(id),
            ("down", false) => LayoutOp::Down(id),
            ("show", false) => LayoutOp::Show(id),
            ("hide", false) => LayoutOp::Hide(id),
            _ => {
                return Err(ServiceError::Input(format!(
                    "op: '{}' is not up:<widget>, down:<widget>, show:<widget>, hide:<widget> or reset",
                    shown(text)
                )));
            }
        })
    }
}

impl Services {
    /// `me`'s layout: every registered widget, in their order.
    pub async fn layout(&self, me: &Identity) -> ServiceResult<Vec<LayoutEntry>> {
        let stored = prefs::layout(&self.db, &me.user_ref).await?;
        Ok(self.effective(stored.unwrap_or_default()))
    }

    /// Sets `me`'s layout to `items` (registered widgets, each at most once; those left out
    /// keep showing, after them).
    pub async fn set_layout(
        &self,
        me: &Identity,
        items: Vec<LayoutItem>,
    ) -> ServiceResult<Vec<LayoutEntry>> {
        let mut seen = HashSet::new();
        for item in &items {
            if !self.widgets.iter().any(|w| w.meta().id == item.id) {
                return Err(ServiceError::Input(format!(
                    "layout: no widget '{}'",
                    shown(&item.id)
                )));
            }
            if !seen.insert(item.id.as_str()) {
                return Err(ServiceError::Input(format!(
                    "layout: widget '{}' is listed twice",
                    item.id
                )));
            }
        }
        let entries = self.effective(items);
        self.store_layout(me, &entries).await?;
        Ok(entries)
    }

    /// Applies `op` to `me`'s layout.
    pub async fn change_layout(
        &self,
        me: &Identity,
        op: LayoutOp,
    ) -> ServiceResult<Vec<LayoutEntry>> {
        let mut entries = self.layout(me).await?;
        let find = |entries: &[LayoutEntry], id: &str| {
            entries
                .iter()
                .position(|e| e.id == id)
                .ok_or_else(|| ServiceError::Input(format!("op: no widget '{}'", shown(id))))
        };
        match op {
            LayoutOp::Reset => {
                prefs::reset_layout(&self.db, &me.user_ref).await?;
                self.layouts.invalidate(&me.user_ref).await;
                self.personal_changed(me).await;
                return Ok(self.effective(Vec::new()));
            }
            LayoutOp::Up(id) => {
                let at = find(&entries, &id)?;
                if at > 0 {
                    entries.swap(at, at - 1);
                }
            }
            LayoutOp::Down(id) => {
                let at = find(&entries, &id)?;
                if at + 1 < entries.len() {
                    entries.swap(at, at + 1);
                }
            }
            LayoutOp::Show(id) => {
                let at = find(&entries, &id)?;
                entries[at].shown = true;
            }
            LayoutOp::Hide(id) => {
                let at = find(&entries, &id)?;
                entries[at].shown = false;
            }
        }
        self.store_layout(me, &entries).await?;
        Ok(entries)
    }

    /// The frames of the widgets `me` shows, in their order, as every page carries them (see
    /// [`Services::widget_layout`]); the default layout when theirs cannot be read.
    pub async fn widget_layout_for(&self, me: &Identity) -> Arc<str> {
        let text = self
            .layouts
            .try_get_with(me.user_ref.clone(), async {
                let entries = self.layout(me).await?;
                Ok::<_, ServiceError>(Arc::from(self.frames_of(&entries).as_str()))
            })
            .await;
        match text {
            Ok(text) => text,
            Err(e) => {
                tracing::warn!(error = %e, "reading a person's layout; showing the default");
                Arc::from(self.widget_layout())
            }
        }
    }

    async fn store_layout(&self, me: &Identity, entries: &[LayoutEntry]) -> ServiceResult<()> {
        let items: Vec<LayoutItem> = entries
            .iter()
            .map(|e| LayoutItem {
                id: e.id.clone(),
                shown: e.shown,
            })
            .collect();
        prefs::set_layout(&self.db, &me.user_ref, &items, Utc::now()).await?;
        self.layouts.invalidate(&me.user_ref).await;
        self.personal_changed(me).await;
        Ok(())
    }

    /// `stored` read against the registered widgets.
    fn effective(&self, stored: Vec<LayoutItem>) -> Vec<LayoutEntry> {
        let mut out: Vec<LayoutEntry> = Vec::new();
        for item in stored {
            let known = self.widgets.iter().find(|w| w.meta().id == item.id);
            if let (Some(w), false) = (known, out.iter().any(|e| e.id == item.id)) {
                out.push(LayoutEntry {
                    id: item.id,
                    title: w.meta().title.to_string(),
                    shown: item.shown,
                });
            }
        }
        for w in &self.widgets {
            let m = w.meta();
            if !out.iter().any(|e| e.id == m.id) {
                out.push(LayoutEntry {
                    id: m.id.to_string(),
                    title: m.title.to_string(),
                    shown: true,
                });
            }
        }
        out
    }

    /// The layout text of the shown `entries`.
    fn frames_of(&self, entries: &[LayoutEntry]) -> String {
        let lines: Vec<String> = entries
            .iter()
            .filter(|e| e.shown)
            .filter_map(|e| self.widgets.iter().find(|w| w.meta().id == e.id))
            .map(|w| frame_line(&w.meta()))
            .collect();
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_parse_and_bad_ones_are_named() {
        assert_eq!(
            LayoutOp::parse("up:jira").ok(),
            Some(LayoutOp::Up("jira".into()))
        );
        assert_eq!(LayoutOp::parse("reset").ok(), Some(LayoutOp::Reset));
        for bad in ["up:", "sideways:jira", "", "reset:x"] {
            let err = LayoutOp::parse(bad).expect_err(bad).to_string();
            assert!(err.starts_with("op:"), "{bad}: {err}");
        }
    }
}
