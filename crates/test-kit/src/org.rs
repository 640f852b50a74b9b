//! A generated directory org for the LDAP tests and benchmark: `users` inetOrgPerson entries
//! under `ou=people` and `groups` nested groups under `ou=groups`, mixing the three group
//! classes (`groupOfNames` and `groupOfUniqueNames` list members by DN and nest groups,
//! `posixGroup` lists `memberUid`s), with non-ASCII display names. [`Org::expected`] says what
//! the catalog must hold afterwards, computed from the generator's own structure.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;

use crate::slapd::BASE;

/// A generated org and the memberships it encodes.
pub struct Org {
    /// The entries, as LDIF (for [`crate::Slapd::start`]).
    pub ldif: String,
    /// uid → group names the user belongs to directly.
    pub memberships: BTreeMap<String, BTreeSet<String>>,
    /// group name → parent group name.
    pub parents: BTreeMap<String, String>,
    /// Display names by uid (some non-ASCII).
    pub display_names: BTreeMap<String, String>,
}

/// `user-00042`.
pub fn uid(i: usize) -> String {
    format!("user-{i:05}")
}

/// `group-0042`.
pub fn group_name(i: usize) -> String {
    format!("group-{i:04}")
}

impl Org {
    /// An org of `users` users and `groups` groups (a tree, four children per group).
    pub fn generate(users: usize, groups: usize) -> Org {
        let groups = groups.max(1);
        let has_children = |g: usize| 4 * g + 1 < groups;
        let leaves: Vec<usize> = (0..groups).filter(|g| !has_children(*g)).collect();
        let mut memberships: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); groups];
        for u in 0..users {
            let mut of = vec![leaves[u % leaves.len()]];
            if u % 7 == 0 {
                of.push((u / 7) % groups);
            }
            for g in of {
                if !members[g].contains(&u) {
                    members[g].push(u);
                }
                memberships.entry(uid(u)).or_default().insert(group_name(g));
            }
        }
        let mut ldif = String::with_capacity(users * 400 + groups * 300);
        let mut display_names = BTreeMap::new();
        for u in 0..users {
            let display = if u % 3 == 0 {
                format!("Zoë Ångström-Łukasz {u}")
            } else {
                format!("User Number {u}")
            };
            ldif.push_str(&format!(
                "dn: uid={id},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: {id}\ncn: {id}\nsn: Number{u}\n{}mail: {id}@example.org\ntitle: Engineer {}\n",
                attr("displayName", &display),
                u % 5,
                id = uid(u),
            ));
            if u > 0 {
                ldif.push_str(&format!("manager: uid={},ou=people,{BASE}\n", uid(0)));
            }
            ldif.push('\n');
            display_names.insert(uid(u), display);
        }
        let mut parents = BTreeMap::new();
        for (g, group_members) in members.iter().enumerate() {
            let name = group_name(g);
            if g > 0 {
                parents.insert(name.clone(), group_name((g - 1) / 4));
            }
            let children: Vec<usize> = (4 * g + 1..(4 * g + 5).min(groups)).collect();
            let class = if has_children(g) { g % 2 } else { g % 3 };
            let user_dn = |u: &usize| format!("uid={},ou=people,{BASE}", uid(*u));
            let group_dn = |c: &usize| format!("cn={},ou=groups,{BASE}", group_name(*c));
            ldif.push_str(&format!(
                "dn: cn={name},ou=groups,{BASE}\ncn: {name}\ndescription: Team {g}\n"
            ));
            match class {
                0 => {
                    ldif.push_str("objectClass: groupOfNames\n");
                    for dn in group_members
                        .iter()
                        .map(user_dn)
                        .chain(children.iter().map(group_dn))
                    {
                        ldif.push_str(&format!("member: {dn}\n"));
                    }
                }
                1 => {
                    ldif.push_str("objectClass: groupOfUniqueNames\n");
                    for dn in group_members
                        .iter()
                        .map(user_dn)
                        .chain(children.iter().map(group_dn))
                    {
                        ldif.push_str(&format!("uniqueMember: {dn}\n"));
                    }
                }
                _ => {
                    // posixGroup: leaves only (it cannot name groups).
                    ldif.push_str(&format!(
                        "objectClass: posixGroup\ngidNumber: {}\n",
                        10_000 + g
                    ));
                    for u in group_members {
                        ldif.push_str(&format!("memberUid: {}\n", uid(*u)));
                    }
                }
            }
            ldif.push('\n');
        }
        Org {
            ldif,
            memberships,
            parents,
            display_names,
        }
    }
}

/// An LDIF line, base64 (`::`) when the value is not plain ASCII.
fn attr(name: &str, value: &str) -> String {
    if value.is_ascii() {
        format!("{name}: {value}\n")
    } else {
        let encoded = base64::engine::general_purpose::STANDARD.encode(value);
        format!("{name}:: {encoded}\n")
    }
}
