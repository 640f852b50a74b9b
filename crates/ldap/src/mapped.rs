//! `map.annotations` checked: the annotations a block fills from directory attributes must
//! be annotation keys Trellis does not set itself, from attribute names, and few.

use std::collections::BTreeMap;

/// Most annotations one block may fill.
pub const MAX_MAPPED_ANNOTATIONS: usize = 32;

/// What is wrong with a block's `map.annotations`: keys must be annotation keys
/// (`[prefix/]name`) that Trellis does not set itself, attributes non-empty names.
pub fn problems(map: &BTreeMap<String, String>, at: &str) -> Vec<String> {
    let mut out = Vec::new();
    if map.len() > MAX_MAPPED_ANNOTATIONS {
        out.push(format!(
            "{at}.map.annotations: {} entries, at most {MAX_MAPPED_ANNOTATIONS}",
            map.len()
        ));
    }
    for (key, attribute) in map {
        if !trellis_shared::catalog::validate::is_label_key(key) {
            out.push(format!(
                "{at}.map.annotations: `{key}` is not an annotation key ([prefix/]name)"
            ));
        } else if key.starts_with("backstage.io/") || key.starts_with("trellis.dev/") {
            out.push(format!(
                "{at}.map.annotations: `{key}` is set by Trellis itself"
            ));
        }
        let valid = !attribute.is_empty()
            && attribute.len() <= 128
            && attribute
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b';');
        if !valid {
            out.push(format!(
                "{at}.map.annotations.{key}: `{attribute}` is not an attribute name"
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::LdapOrgConfig;

    #[test]
    fn mapped_annotations_are_checked_by_name() {
        let yaml = "target: ldap://ds\nusers:\n  dn: ou=people\n  map:\n    annotations:\n      github.com/user-login: githubLogin\n      'bad key!': uid\n      backstage.io/ldap-dn: uid\n      pagerduty.com/user-id: 'x y'\ngroups:\n  dn: ou=groups\n";
        let config: LdapOrgConfig = serde_yaml_ng::from_str(yaml).expect("config");
        assert!(config.users[0]
            .map
            .attributes(false)
            .contains(&"githubLogin".to_string()));
        assert_eq!(
            config.problems("p"),
            [
                "p.users[0].map.annotations: `backstage.io/ldap-dn` is set by Trellis itself",
                "p.users[0].map.annotations: `bad key!` is not an annotation key ([prefix/]name)",
                "p.users[0].map.annotations.pagerduty.com/user-id: `x y` is not an attribute name",
            ]
        );
    }
}
