//! Memberships stated by the members (`memberOf`, as Active Directory and OpenLDAP's memberof
//! overlay give them) rather than by the groups' member lists: resolved by DN, UUID or RDN,
//! for users and for nested groups, merged with member lists where a directory gives both,
//! and values naming nothing or naming a user are ignored. (The slapd the other tests start
//! has no memberof overlay, so this maps entries directly.)

use std::collections::{BTreeMap, BTreeSet, HashMap};

use trellis_ldap::{map_entries, LdapEntry, LdapOrgConfig, Mapped, SearchConfig};

fn entry(dn: &str, attrs: &[(&str, &str)]) -> LdapEntry {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in attrs {
        map.entry(k.to_lowercase()).or_default().push(v.to_string());
    }
    LdapEntry {
        dn: dn.into(),
        attrs: map,
    }
}

fn block(dn: &str) -> SearchConfig {
    serde_yaml_ng::from_str(&format!("dn: \"{dn}\"")).expect("block")
}

#[test]
fn member_of_resolves_by_dn_uuid_and_rdn() {
    let config: LdapOrgConfig =
        serde_yaml_ng::from_str("target: ldap://localhost\nusers: {dn: \"ou=people,dc=x\"}\ngroups: {dn: \"ou=groups,dc=x\"}\n")
            .expect("config");
    let users = vec![
        entry(
            "uid=ada,ou=people,dc=x",
            &[
                ("uid", "ada"),
                // By DN, spaced and cased differently from the group's own.
                ("memberOf", "CN=Eng, OU=groups, DC=x"),
                // By UUID.
                ("memberOf", "6F0C-UUID-OPS"),
            ],
        ),
        entry(
            "uid=grace,ou=people,dc=x",
            &[
                ("uid", "grace"),
                // By RDN value.
                ("memberOf", "ops"),
                // Names nothing, and names a user: neither is a group.
                ("memberOf", "cn=ghost,ou=groups,dc=x"),
                ("memberOf", "uid=ada,ou=people,dc=x"),
            ],
        ),
        entry("uid=linus,ou=people,dc=x", &[("uid", "linus")]),
    ];
    let groups = vec![
        entry("cn=eng,ou=groups,dc=x", &[("cn", "eng")]),
        entry(
            "cn=ops,ou=groups,dc=x",
            &[
                ("cn", "ops"),
                ("entryUUID", "6f0c-uuid-ops"),
                // A nested group stated by the child.
                ("memberOf", "cn=eng,ou=groups,dc=x"),
                // A member list too: both ways count.
                ("member", "uid=linus,ou=people,dc=x"),
            ],
        ),
    ];
    let mut mapped = Vec::new();
    map_entries(
        &config,
        &[(block("ou=people,dc=x"), users)],
        &[(block("ou=groups,dc=x"), groups)],
        "provider:ldap-org:test",
        &mut |m| mapped.push(m),
    );
    let mut member_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut parents: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut children: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let strings = |v: Option<&serde_json::Value>| -> BTreeSet<String> {
        v.and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    for m in &mapped {
        match m {
            Mapped::User(e) => {
                let spec = e.spec.as_ref().expect("spec");
                member_of.insert(e.metadata.name.clone(), strings(spec.get("memberOf")));
            }
            Mapped::Group(e) => {
                let spec = e.spec.as_ref().expect("spec");
                parents.insert(
                    e.metadata.name.clone(),
                    spec.get("parent")
                        .and_then(|p| p.as_str())
                        .map(str::to_string),
                );
                children.insert(e.metadata.name.clone(), strings(spec.get("children")));
            }
            Mapped::Problem(p) => panic!("unexpected problem: {p}"),
        }
    }
    let set = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(member_of["ada"], set(&["eng", "ops"]), "by DN and by UUID");
    assert_eq!(member_of["grace"], set(&["ops"]), "by RDN; others ignored");
    assert_eq!(member_of["linus"], set(&["ops"]), "from the member list");
    assert_eq!(parents["ops"].as_deref(), Some("eng"));
    assert_eq!(parents["eng"], None);
    assert_eq!(children["eng"], set(&["ops"]));
}
