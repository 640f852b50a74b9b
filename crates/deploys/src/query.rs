//! What people paste into "find any commit": a commit SHA (short or full), `owner/repo@sha`,
//! `owner/repo#123`, or a GitHub commit or pull request URL (github.com or Enterprise).

use trellis_shared::github::{is_repo, is_sha};

/// What was asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// A commit, in `repo` when given (else looked for in the catalog's repositories).
    Commit {
        /// `owner/name`.
        repo: Option<String>,
        /// Lower-case hex, 7 to 40 digits.
        sha: String,
    },
    /// A pull request (its merge commit is the change).
    Pull {
        /// `owner/name`.
        repo: String,
        /// Its number.
        number: u32,
    },
}

/// Most characters read.
pub const MAX_LEN: usize = 500;

fn repo(owner: &str, name: &str) -> Option<String> {
    let slug = format!("{owner}/{name}");
    is_repo(&slug).then_some(slug)
}

fn number(n: &str) -> Option<u32> {
    n.parse::<u32>().ok().filter(|n| *n > 0)
}

/// Reads `text`, or says what it accepts.
pub fn parse(text: &str) -> Result<Asked, String> {
    let t = text.trim();
    const HINT: &str = "give a commit SHA (7 to 40 hex digits), owner/repo@sha, owner/repo#123, or a GitHub commit or pull request URL";
    if t.is_empty() {
        return Err(format!("nothing to find: {HINT}"));
    }
    if t.len() > MAX_LEN {
        return Err(format!("at most {MAX_LEN} characters: {HINT}"));
    }
    if is_sha(t) {
        return Ok(Asked::Commit {
            repo: None,
            sha: t.to_ascii_lowercase(),
        });
    }
    if let Some(rest) = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
    {
        let path = rest.split(['?', '#']).next().unwrap_or_default();
        let parts: Vec<&str> = path.split('/').collect();
        if let [_host, owner, name, kind, id, ..] = parts.as_slice() {
            if let Some(repo) = repo(owner, name) {
                match *kind {
                    "pull" => {
                        if let Some(number) = number(id) {
                            return Ok(Asked::Pull { repo, number });
                        }
                    }
                    "commit" if is_sha(id) => {
                        return Ok(Asked::Commit {
                            repo: Some(repo),
                            sha: id.to_ascii_lowercase(),
                        })
                    }
                    _ => {}
                }
            }
        }
        return Err(format!("not a GitHub commit or pull request URL: {HINT}"));
    }
    let (slug, sep, tail) = match (t.split_once('#'), t.split_once('@')) {
        (Some((s, n)), None) => (s, '#', n),
        (None, Some((s, c))) => (s, '@', c),
        _ => {
            return Err(format!(
                "'{}' is not something to find: {HINT}",
                t.chars().take(80).collect::<String>()
            ))
        }
    };
    let found = slug.split_once('/').and_then(|(o, n)| repo(o, n));
    match (found, sep) {
        (Some(repo), '#') => number(tail)
            .map(|number| Asked::Pull { repo, number })
            .ok_or_else(|| format!("'{tail}' is not a pull request number")),
        (Some(repo), _) if is_sha(tail) => Ok(Asked::Commit {
            repo: Some(repo),
            sha: tail.to_ascii_lowercase(),
        }),
        (Some(_), _) => Err(format!("'{tail}' is not a commit SHA (7 to 40 hex digits)")),
        (None, _) => Err(format!("'{slug}' is not a GitHub owner/repo")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(repo: Option<&str>, sha: &str) -> Asked {
        Asked::Commit {
            repo: repo.map(str::to_string),
            sha: sha.into(),
        }
    }

    #[test]
    fn every_form_people_paste_reads() {
        let pull = Asked::Pull {
            repo: "acme/home-feed".into(),
            number: 42,
        };
        assert_eq!(parse(" ABCDEF1 "), Ok(commit(None, "abcdef1")));
        assert_eq!(
            parse("acme/home-feed@abcdef1"),
            Ok(commit(Some("acme/home-feed"), "abcdef1"))
        );
        assert_eq!(parse("acme/home-feed#42"), Ok(pull.clone()));
        assert_eq!(
            parse("https://github.com/acme/home-feed/pull/42/files?w=1"),
            Ok(pull.clone())
        );
        assert_eq!(
            parse("https://ghe.acme.example/acme/home-feed/pull/42"),
            Ok(pull)
        );
        assert_eq!(
            parse("https://github.com/acme/home-feed/commit/abcdef1234"),
            Ok(commit(Some("acme/home-feed"), "abcdef1234"))
        );
    }

    #[test]
    fn anything_else_is_refused_with_what_is_accepted() {
        for bad in [
            "",
            "abc12",
            "acme/home-feed#0",
            "acme/home-feed#x",
            "acme/../etc@abcdef1",
            "acme/home-feed@main",
            "https://github.com/acme/home-feed/tree/main",
            "https://github.com/acme/..%2F/pull/1",
            "a#1@b",
            "drop table",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse(&"a".repeat(501))
            .unwrap_err()
            .starts_with("at most 500"));
    }
}
