//! A real local git repository, driven through the `git` command line, that the fake GitHub's
//! REST endpoints answer from: commits, merges of pull requests, release tags, and ancestry
//! (`git merge-base --is-ancestor`, `git rev-list --left-right --count`), so "is this commit
//! live" is decided by real git history, not by a table of answers.
//!
//! Every ref that reaches `git` is checked first ([`is_ref`]): no option-like or odd input.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context};

/// A repository in a folder of its own (removed when dropped, if this value created it).
#[derive(Debug)]
pub struct GitRepo {
    dir: PathBuf,
    owned: bool,
    clock: std::sync::atomic::AtomicI64,
}

impl Drop for GitRepo {
    fn drop(&mut self) {
        if self.owned {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Whether `r` may be handed to git as a ref: a hex SHA prefix, or a tag or branch name of
/// letters, digits and `._/-`, not starting with `-` and without `..`.
pub fn is_ref(r: &str) -> bool {
    (1..=200).contains(&r.len())
        && !r.starts_with('-')
        && !r.contains("..")
        && r.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c))
}

impl GitRepo {
    /// A new repository with branch `main` in a fresh folder under the system's temp folder;
    /// commit times start at `start` (UTC epoch seconds) and advance a minute per commit.
    pub fn create(name: &str, start: i64) -> anyhow::Result<Self> {
        let safe: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let dir = std::env::temp_dir().join(format!(
            "trellis-fake-git-{safe}-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let repo = GitRepo {
            dir,
            owned: true,
            clock: std::sync::atomic::AtomicI64::new(start),
        };
        repo.git(&["init", "--quiet", "--initial-branch=main"])?;
        Ok(repo)
    }

    fn git(&self, args: &[&str]) -> anyhow::Result<String> {
        let at = self
            .clock
            .load(std::sync::atomic::Ordering::Relaxed)
            .to_string();
        let date = format!("@{at} +0000");
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.dir)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Trellis Demo")
            .env("GIT_AUTHOR_EMAIL", "demo@acme.example")
            .env("GIT_COMMITTER_NAME", "Trellis Demo")
            .env("GIT_COMMITTER_EMAIL", "demo@acme.example")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .context("running git (is it installed?)")?;
        if !out.status.success() {
            bail!(
                "git {}: {}",
                args.first().unwrap_or(&""),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    fn tick(&self) {
        self.clock
            .fetch_add(60, std::sync::atomic::Ordering::Relaxed);
    }

    /// Checks out `branch`, creating it from `from` when given.
    pub fn checkout(&self, branch: &str, from: Option<&str>) -> anyhow::Result<()> {
        if !is_ref(branch) || from.is_some_and(|f| !is_ref(f)) {
            bail!("not a ref: {branch}");
        }
        match from {
            Some(f) => self.git(&["checkout", "--quiet", "-b", branch, f])?,
            None => self.git(&["checkout", "--quiet", branch])?,
        };
        Ok(())
    }

    /// An empty commit on the current branch; its SHA.
    pub fn commit(&self, message: &str) -> anyhow::Result<String> {
        self.tick();
        self.git(&["commit", "--quiet", "--allow-empty", "-m", message])?;
        self.git(&["rev-parse", "HEAD"])
    }

    /// Merges `branch` into the current branch with a merge commit; its SHA.
    pub fn merge(&self, branch: &str, message: &str) -> anyhow::Result<String> {
        if !is_ref(branch) {
            bail!("not a ref: {branch}");
        }
        self.tick();
        self.git(&["merge", "--quiet", "--no-ff", "-m", message, branch])?;
        self.git(&["rev-parse", "HEAD"])
    }

    /// Pull request `number` as GitHub merges it: branch `pr-<number>` from `main` with one
    /// commit `title`, merged into `main` with a merge commit; the merge commit's SHA.
    pub fn merge_pull(&self, number: u32, title: &str) -> anyhow::Result<String> {
        let branch = format!("pr-{number}");
        self.checkout(&branch, Some("main"))?;
        self.commit(title)?;
        self.checkout("main", None)?;
        self.merge(&branch, &format!("Merge pull request #{number}: {title}"))
    }

    /// Tags `sha` as `name`.
    pub fn tag(&self, name: &str, sha: &str) -> anyhow::Result<()> {
        if !is_ref(name) || !is_ref(sha) {
            bail!("not a ref: {name}");
        }
        self.git(&["tag", name, sha]).map(|_| ())
    }

    /// The full SHA of commit `r`, if it names exactly one.
    pub fn resolve(&self, r: &str) -> Option<String> {
        if !is_ref(r) {
            return None;
        }
        self.git(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{r}^{{commit}}"),
        ])
        .ok()
        .filter(|s| s.len() == 40)
    }

    /// Commits in `head` not in `base`, and in `base` not in `head` (both full SHAs).
    pub fn counts(&self, base: &str, head: &str) -> anyhow::Result<(u64, u64)> {
        if !is_ref(base) || !is_ref(head) {
            bail!("not a ref");
        }
        let out = self.git(&[
            "rev-list",
            "--left-right",
            "--count",
            &format!("{base}...{head}"),
        ])?;
        let mut parts = out
            .split_whitespace()
            .map(|n| n.parse::<u64>().unwrap_or(0));
        let behind = parts.next().unwrap_or(0);
        let ahead = parts.next().unwrap_or(0);
        Ok((ahead, behind))
    }

    /// The merge base of two commits.
    pub fn merge_base(&self, a: &str, b: &str) -> Option<String> {
        if !is_ref(a) || !is_ref(b) {
            return None;
        }
        self.git(&["merge-base", a, b]).ok()
    }

    /// Tags as (name, commit SHA), by name.
    pub fn tags(&self) -> anyhow::Result<Vec<(String, String)>> {
        let out = self.git(&[
            "for-each-ref",
            "--format=%(refname:short) %(objectname)",
            "refs/tags",
        ])?;
        Ok(out
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect())
    }

    /// Commit `sha`'s subject and committer time (UTC epoch seconds).
    pub fn info(&self, sha: &str) -> anyhow::Result<(String, i64)> {
        if !is_ref(sha) {
            bail!("not a ref");
        }
        let out = self.git(&["show", "-s", "--format=%ct %s", sha])?;
        let (t, subject) = out.split_once(' ').unwrap_or((&out, ""));
        Ok((subject.to_string(), t.parse().unwrap_or(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestry_comes_from_real_history() -> anyhow::Result<()> {
        let repo = GitRepo::create("acme/x", 1_700_000_000)?;
        let first = repo.commit("first")?;
        repo.checkout("feature", Some("main"))?;
        let change = repo.commit("change")?;
        repo.checkout("main", None)?;
        let other = repo.commit("other")?;
        let merged = repo.merge("feature", "Merge pull request #1")?;
        assert_eq!(repo.counts(&first, &merged)?, (3, 0));
        assert_eq!(repo.counts(&change, &other)?, (1, 1));
        assert_eq!(repo.resolve(&merged[..7]).as_deref(), Some(merged.as_str()));
        assert_eq!(repo.resolve("--upload-pack=x"), None);
        repo.tag("ios-v1.0.0", &merged)?;
        assert_eq!(
            repo.tags()?,
            vec![("ios-v1.0.0".to_string(), merged.clone())]
        );
        assert_eq!(repo.info(&first)?.0, "first");
        Ok(())
    }
}
