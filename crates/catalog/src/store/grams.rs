//! An entity's grams: the characters of its full-text row (`text.rs`) and their adjacent pairs,
//! by which terms too short for trigrams are found.
//!
//! Only the first [`GRAM_CHARS`] characters have grams: PostgreSQL's `tsvector` holds at most
//! 1 MiB of words, which a text of a few hundred thousand varied characters (a title in CJK
//! script, within a 1 MiB file) would pass, and one such entity would fail the whole apply.
//! Ten thousand characters make at most 20,000 words of at most 16 bytes. Names, titles and
//! display names are far shorter; a one- or two-character term never matches past that point
//! (both the index and SQLite's walk look only there), while longer terms search the whole text.

use std::fmt::Write as _;

/// Characters of a text that have grams.
pub const GRAM_CHARS: usize = 10_000;

/// The grams of `text`, as `entity_grams` stores them: every character and every pair of
/// adjacent characters among its first [`GRAM_CHARS`], each once, as the lower-case hex of its
/// UTF-8 bytes (a word of ASCII letters and digits, which both a `tsvector` and FTS5's `ascii`
/// tokenizer keep whole), separated by spaces. The migration `20261127050000` computes the
/// same words in SQL.
pub fn grams(text: &str) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().take(GRAM_CHARS).collect();
    let mut grams = std::collections::BTreeSet::new();
    for (i, &(start, c)) in chars.iter().enumerate() {
        grams.insert(&text[start..start + c.len_utf8()]);
        if let Some(&(next, d)) = chars.get(i + 1) {
            grams.insert(&text[start..next + d.len_utf8()]);
        }
    }
    grams.into_iter().map(hex).collect::<Vec<_>>().join(" ")
}

/// The lower-case hex of `gram`'s UTF-8 bytes: its word among the grams.
pub fn hex(gram: &str) -> String {
    gram.bytes().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_are_characters_and_pairs_once_in_hex() {
        assert_eq!(grams("abab"), "61 6162 62 6261");
        assert_eq!(grams("ü-"), "2d c3bc c3bc2d");
        assert_eq!(grams(""), "");
    }

    #[test]
    fn only_the_first_characters_have_grams() {
        let text = format!("{}xy", "a".repeat(GRAM_CHARS - 1));
        assert_eq!(grams(&text), "61 6161 6178 78");
    }
}
