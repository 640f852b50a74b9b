//! Who is signed in, for the page header. The header is in every page, so its data travels as
//! plain lines (no JSON codec in the main module).

use std::fmt;
use std::str::FromStr;

use leptos::prelude::*;
use trellis_shared::api::ErrorKind;

use super::PortalError;

/// The viewer as the header shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SignedInUser {
    /// Canonical user ref.
    pub user_ref: String,
    /// Name to show.
    pub display_name: String,
    /// Groups the user is a direct member of.
    pub teams: Vec<String>,
    /// Guest mode: "switch user" instead of "sign out".
    pub guest: bool,
    /// Where signing out (or switching) goes.
    pub sign_out_url: String,
}

/// One line per field; values never hold line breaks (they are replaced by spaces).
impl fmt::Display for SignedInUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = |v: &str| v.replace(['\n', '\r'], " ");
        write!(
            f,
            "{}\n{}\n{}\n{}\n{}",
            line(&self.user_ref),
            line(&self.display_name),
            self.teams
                .iter()
                .map(|t| line(t))
                .collect::<Vec<_>>()
                .join(" "),
            if self.guest { "guest" } else { "signed-in" },
            line(&self.sign_out_url)
        )
    }
}

impl FromStr for SignedInUser {
    type Err = PortalError;

    fn from_str(s: &str) -> Result<Self, PortalError> {
        let mut lines = s.split('\n');
        let mut next = || {
            lines
                .next()
                .map(str::to_string)
                .ok_or_else(|| PortalError::new(ErrorKind::Internal, "the viewer is unreadable"))
        };
        Ok(SignedInUser {
            user_ref: next()?,
            display_name: next()?,
            teams: next()?.split_whitespace().map(str::to_string).collect(),
            guest: next()? == "guest",
            sign_out_url: next()?,
        })
    }
}

/// The signed-in user, as lines (see [`SignedInUser`]).
#[server(prefix = "/_sf", endpoint = "viewer")]
pub async fn viewer() -> Result<String, PortalError> {
    let services = super::server::services()?;
    let v = services.viewer_info(&super::server::identity()?);
    Ok(SignedInUser {
        user_ref: v.user_ref,
        display_name: v.display_name,
        teams: v.teams,
        guest: v.guest,
        sign_out_url: v.sign_out_url,
    }
    .to_string())
}

/// Calls [`viewer`] from a chunk of its own.
#[lazy]
pub async fn load_viewer() -> Option<SignedInUser> {
    viewer().await.ok().and_then(|text| text.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewer_round_trips_through_its_lines() {
        let v = SignedInUser {
            user_ref: "user:default/ann".into(),
            display_name: "Ann\nRanker".into(),
            teams: vec!["group:default/a".into(), "group:default/b".into()],
            guest: true,
            sign_out_url: "/auth/guest".into(),
        };
        let back: SignedInUser = v.to_string().parse().expect("parses");
        assert_eq!(back.display_name, "Ann Ranker");
        assert_eq!(back.teams, v.teams);
        assert!(back.guest);
    }
}
