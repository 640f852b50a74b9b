//! The command palette: what matches a person's query among the portal's pages, the catalog
//! entities they can read, their toolkit and their dashboards, best first. An empty query
//! answers the pages, their starred entities and their toolkit, to pick from by keyboard.
//!
//! Matching is case-insensitive on titles and names (entities: name, title, display name, as
//! the catalog's full-text search reads them): an exact match ranks first, then a prefix, then
//! the start of a word, then anywhere. Entities come from the catalog's full-text query inside the person's read scope, so
//! the palette never shows what the catalog would not.

use std::collections::BTreeMap;

use trellis_shared::catalog::query::{Condition, Conjunction, EntityQuery, Filter, FullText};
use trellis_shared::nav::SECTIONS;
use trellis_shared::views::palette::{HitKind, PaletteHit, MAX_QUERY};
use trellis_shared::views::personal::ToolLink;

use crate::personal::entity_path;
use crate::{Identity, ServiceError, ServiceResult, Services};

/// Most hits of one kind.
const PER_KIND: usize = 6;
/// Entities read from the catalog before ranking.
const ENTITIES_READ: usize = 100;
/// Rank of a hit that matched only outside its title.
const ELSEWHERE: u8 = 4;

/// How well `query` (lower case) matches `text`: 0 exact, 1 prefix, 2 a word's start, 3 inside.
pub fn rank(query: &str, text: &str) -> Option<u8> {
    let text = text.to_lowercase();
    if text == query {
        return Some(0);
    }
    if text.starts_with(query) {
        return Some(1);
    }
    let at_word = text.match_indices(query).any(|(i, _)| {
        text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_alphanumeric())
    });
    if at_word {
        return Some(2);
    }
    text.contains(query).then_some(3)
}

/// `query` trimmed and lower case, or what is wrong with it.
pub fn check_query(query: &str) -> ServiceResult<String> {
    let q = query.trim();
    if q.chars().count() > MAX_QUERY {
        return Err(ServiceError::Input(format!(
            "q: at most {MAX_QUERY} characters, got {}",
            q.chars().count()
        )));
    }
    if q.chars().any(char::is_control) {
        return Err(ServiceError::Input(
            "q: control characters are not searched".into(),
        ));
    }
    Ok(q.to_lowercase())
}

impl Services {
    /// The palette's hits for `me` and `query`.
    pub async fn palette(&self, me: &Identity, query: &str) -> ServiceResult<Vec<PaletteHit>> {
        let q = check_query(query)?;
        if q.is_empty() {
            return self.palette_start(me).await;
        }
        let (entities, tools, dashboards) = tokio::join!(
            self.palette_entities(me, &q),
            self.palette_tools(me),
            self.palette_dashboards(me),
        );
        let mut ranked: Vec<(u8, PaletteHit)> = Vec::new();
        let mut put = |hits: Vec<(u8, PaletteHit)>| {
            let mut hits = hits;
            hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.title.cmp(&b.1.title)));
            ranked.extend(hits.into_iter().take(PER_KIND));
        };
        put(pages(me)
            .into_iter()
            .filter_map(|h| rank(&q, &h.title).map(|r| (r, h)))
            .collect());
        put(entities?);
        put(tools?
            .into_iter()
            .filter_map(|h| {
                rank(&q, &h.title)
                    .or_else(|| rank(&q, &h.detail).map(|_| ELSEWHERE))
                    .map(|r| (r, h))
            })
            .collect());
        put(dashboards
            .into_iter()
            .filter_map(|h| rank(&q, &h.title).map(|r| (r, h)))
            .collect());
        // Best first; within a rank, pages before entities before tools before dashboards.
        ranked.sort_by_key(|(r, h)| (*r, h.kind as u8));
        Ok(ranked.into_iter().map(|(_, h)| h).collect())
    }

    /// With nothing typed: the pages, then my starred entities and my toolkit.
    async fn palette_start(&self, me: &Identity) -> ServiceResult<Vec<PaletteHit>> {
        let mine = self.personal(me).await?;
        let mut out = pages(me);
        out.extend(
            mine.stars
                .into_iter()
                .filter(|s| s.present)
                .take(PER_KIND)
                .map(|s| PaletteHit {
                    kind: HitKind::Entity,
                    detail: format!("Starred · {}", s.entity_ref),
                    title: s.title,
                    url: s.path,
                    external: false,
                }),
        );
        out.extend(mine.toolkit.into_iter().take(PER_KIND).map(tool));
        Ok(out)
    }

    /// Entities whose name, title or display name holds `q`: those named exactly `q` first
    /// (a query of their own, so a common term cannot push them out), then the full-text
    /// matches, at most [`ENTITIES_READ`] of them.
    async fn palette_entities(
        &self,
        me: &Identity,
        q: &str,
    ) -> ServiceResult<Vec<(u8, PaletteHit)>> {
        let exact = EntityQuery {
            filter: Filter(vec![Conjunction(BTreeMap::from([(
                "metadata.name".to_string(),
                Condition::AnyOf(vec![q.to_string()]),
            )]))]),
            ..EntityQuery::default()
        };
        let text = EntityQuery {
            full_text: Some(FullText {
                term: q.to_string(),
                fields: vec![],
            }),
            ..EntityQuery::default()
        };
        let reader = self.catalog(me);
        let (exact, text) = tokio::join!(
            reader.query(exact, PER_KIND, 0, None, false),
            reader.query(text, ENTITIES_READ, 0, None, false),
        );
        let mut seen = std::collections::HashSet::new();
        Ok(exact?
            .entities
            .iter()
            .chain(text?.entities.iter())
            .filter(|e| seen.insert(e.entity_ref().canonical()))
            .map(|e| {
                let entity_ref = e.entity_ref().canonical();
                let display = e
                    .spec
                    .as_ref()
                    .and_then(|s| s.get("profile"))
                    .and_then(|p| p.get("displayName"))
                    .and_then(|d| d.as_str());
                let title = e
                    .metadata
                    .title
                    .as_deref()
                    .or(display)
                    .unwrap_or(&e.metadata.name)
                    .to_string();
                let r = [
                    Some(e.metadata.name.as_str()),
                    Some(title.as_str()),
                    display,
                ]
                .into_iter()
                .flatten()
                .filter_map(|t| rank(q, t))
                .min()
                .unwrap_or(ELSEWHERE);
                let hit = PaletteHit {
                    kind: HitKind::Entity,
                    title,
                    detail: entity_ref.clone(),
                    url: entity_path(&entity_ref),
                    external: false,
                };
                (r, hit)
            })
            .collect())
    }

    async fn palette_tools(&self, me: &Identity) -> ServiceResult<Vec<PaletteHit>> {
        let own = trellis_personal::prefs::links(&self.db, &me.user_ref).await?;
        Ok(self
            .admin_toolkit()
            .into_iter()
            .chain(own)
            .map(tool)
            .collect())
    }

    /// My dashboards (recent and owned), once each; none when Grafana is off or failing.
    async fn palette_dashboards(&self, me: &Identity) -> Vec<PaletteHit> {
        if !self.dashboards_enabled() {
            return Vec::new();
        }
        let Some(mine) = self.my_dashboards(me).await.data else {
            return Vec::new();
        };
        let mut out: Vec<PaletteHit> = Vec::new();
        let all = mine
            .recent
            .into_iter()
            .map(|v| v.dashboard)
            .chain(mine.owned.into_iter().map(|o| o.dashboard));
        for d in all {
            if out.iter().any(|h| h.url.ends_with(&format!("={}", d.uid))) {
                continue;
            }
            let q: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("dashboards", &d.uid)
                .finish();
            out.push(PaletteHit {
                kind: HitKind::Dashboard,
                detail: d.folder.clone().unwrap_or_else(|| "Grafana".into()),
                title: d.title,
                url: format!("/?{q}"),
                external: true,
            });
        }
        out
    }
}

/// The portal's sections, and my own profile.
fn pages(me: &Identity) -> Vec<PaletteHit> {
    let mut out: Vec<PaletteHit> = SECTIONS
        .iter()
        .map(|s| PaletteHit {
            kind: HitKind::Page,
            title: s.label.to_string(),
            detail: s.summary.to_string(),
            url: s.path.to_string(),
            external: false,
        })
        .collect();
    out.push(PaletteHit {
        kind: HitKind::Page,
        title: "Your profile".into(),
        detail: me.user_ref.clone(),
        url: entity_path(&me.user_ref),
        external: false,
    });
    out
}

/// A toolkit link as a hit: its host (or path) as the detail; always a full page load.
fn tool(l: ToolLink) -> PaletteHit {
    let detail = l
        .url
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(rest).to_string())
        .unwrap_or_else(|| l.url.clone());
    PaletteHit {
        kind: HitKind::Tool,
        title: l.title,
        detail,
        url: l.url,
        external: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_exact_then_prefix_then_word_then_inside() {
        assert_eq!(rank("ads", "ADS"), Some(0));
        assert_eq!(rank("ads", "ads-serving"), Some(1));
        assert_eq!(rank("serv", "ads-serving"), Some(2));
        assert_eq!(rank("erv", "ads-serving"), Some(3));
        assert_eq!(rank("xyz", "ads-serving"), None);
    }

    #[test]
    fn queries_are_bounded_and_clean() {
        assert_eq!(check_query("  Ads ").ok().as_deref(), Some("ads"));
        let long = "a".repeat(MAX_QUERY + 1);
        let err = check_query(&long).unwrap_err().to_string();
        assert!(err.contains("q: at most 100 characters"), "{err}");
        assert!(check_query("a\u{0}b").is_err());
        assert_eq!(
            check_query(&"é".repeat(MAX_QUERY))
                .map(|q| q.chars().count())
                .ok(),
            Some(MAX_QUERY)
        );
    }
}
