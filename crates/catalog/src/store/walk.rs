//! Pages of a one- or two-character term that matches many entities (`m`: 63 % of the
//! catalog), read by walking the text rows in ref order until the page is full rather than by
//! sorting every match (`text.rs`).
//!
//! SQLite walks every row up to the page's end; an index of `(entity_ref, text)` covers the
//! walk (all 100k rows: 20 ms). PostgreSQL's walk reads the table, so it reads at most as many
//! rows as the term has matches; when those do not hold the page (the matches cluster further
//! on: `us` matches only users, the last kind), the same statement sorts all the matches
//! instead, found through the grams. Either way a page costs at most about twice that sort
//! (`m` on PostgreSQL: 35 ms sorted, 9 ms walked). A covering index is no option there: a
//! B-tree entry holds at most ~2.7 kB, and a title can be longer.

use super::cursor::Key;
use super::grams::GRAM_CHARS;
use super::sql::Sql;
use super::text::{push_match, DENSE};

/// A page of a short term read by walking the text rows in ref order.
pub struct Walk<'a> {
    /// How many entities the term matches.
    matches: u64,
    /// The ref the page continues from (the cursor's).
    after: Option<&'a str>,
    /// Whether the page goes down from `after`.
    backwards: bool,
    /// Matches the page needs: its offset, its rows and one more.
    wanted: usize,
}

impl<'a> Walk<'a> {
    /// The walk of a page of a short term that has `matches` (`None` below [`DENSE`], where
    /// sorting the matches takes well under a millisecond), continuing from the cursor's
    /// `boundary`, skipping `offset` matches and taking `rows`.
    pub fn of(
        matches: Option<u64>,
        boundary: Option<&'a Key>,
        backwards: bool,
        (offset, rows): (usize, usize),
    ) -> Option<Walk<'a>> {
        let matches = matches.filter(|n| *n >= DENSE)?;
        let after = match boundary {
            Some(Key::Text(r)) => Some(r.as_str()),
            _ => None,
        };
        Some(Walk {
            matches,
            after,
            backwards,
            wanted: offset + rows,
        })
    }

    /// Appends `c0 FROM` the matches of `term` along the walk. Exact, as the index is: both
    /// sides are lower case, and only the text's first characters have grams.
    pub fn push(&self, sql: &mut Sql, term: &str) {
        // The first occurrence ends within the characters with grams (cheaper than cutting the
        // text first, on every row walked).
        let last_start = GRAM_CHARS + 1 - term.chars().count();
        let find = |sql: &mut Sql, column: &str| {
            let function = if sql.sqlite { "instr" } else { "strpos" };
            sql.push(&format!("{function}({column}, "))
                .text(term)
                .push(&format!(") BETWEEN 1 AND {last_start}"));
        };
        if sql.sqlite {
            sql.push("t.entity_ref AS c0 FROM catalog.entity_text t WHERE ");
            return find(sql, "t.text");
        }
        let (beyond, direction) = match self.backwards {
            true => ("<", "DESC"),
            false => (">", "ASC"),
        };
        let wanted = self.wanted;
        sql.push(
            "u.c0 FROM (WITH w AS (SELECT v.entity_ref AS c0 FROM \
             (SELECT t.entity_ref, t.text FROM catalog.entity_text t",
        );
        if let Some(after) = self.after {
            sql.push(&format!(" WHERE t.entity_ref {beyond} "))
                .text(after);
        }
        sql.push(&format!(
            " ORDER BY t.entity_ref {direction} LIMIT {}) v WHERE ",
            self.matches
        ));
        find(sql, "v.text");
        // The sort runs only when the walk fell short: a condition without columns is checked
        // once, before its branch reads anything.
        sql.push(&format!(
            " ORDER BY v.entity_ref {direction} LIMIT {wanted}) \
             SELECT c0 FROM w WHERE (SELECT COUNT(*) FROM w) >= {wanted} UNION ALL \
             SELECT t.entity_ref FROM catalog.entity_grams t WHERE "
        ));
        push_match(sql, term);
        sql.push(&format!(" AND (SELECT COUNT(*) FROM w) < {wanted}) u"));
    }
}
