//! What may name things on GitHub, checked wherever outside input meets a GitHub URL: a
//! repository (`owner/name`) and a commit SHA. One definition for the REST client, the deploy
//! events CI posts and what people type into "find any commit".

/// Whether `slug` is a GitHub `owner/name` (owner ≤ 39, name ≤ 100 characters of letters,
/// digits, `-`, `_`, `.`; neither `.` nor `..`).
pub fn is_repo(slug: &str) -> bool {
    let Some((owner, name)) = slug.split_once('/') else {
        return false;
    };
    let part = |s: &str, max: usize| {
        (1..=max).contains(&s.len())
            && s != "."
            && s != ".."
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    part(owner, 39) && part(name, 100) && !owner.starts_with('.')
}

/// Whether `sha` is a (short or full) commit SHA: 7 to 40 hex digits.
pub fn is_sha(sha: &str) -> bool {
    (7..=40).contains(&sha.len()) && sha.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_repositories_and_shas_pass() {
        assert!(is_repo("acme-pins/home-feed"));
        assert!(is_repo("a/b.c_d-e"));
        for bad in [
            "acme", "a/b/c", "../x", "a/..", "a/b?x=1", "a/b#1", "", "/b", "a/ b",
        ] {
            assert!(!is_repo(bad), "{bad}");
        }
        assert!(is_sha("abc1234") && is_sha(&"f".repeat(40)));
        for bad in [
            "abc123",
            "xyz1234",
            &"a".repeat(41),
            "abc1234..",
            "-abc1234",
        ] {
            assert!(!is_sha(bad), "{bad}");
        }
    }
}
