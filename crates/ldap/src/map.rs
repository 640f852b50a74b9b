//! Directory entries to `User` and `Group` entities, as Backstage's LDAP provider maps them:
//! names, profiles and descriptions from the `map`ped attributes, `set` values, the
//! `backstage.io/ldap-dn`/`-rdn`/`-uuid` annotations, and memberships resolved whichever way
//! the directory states them — a group's member list (`member`, `uniqueMember` by DN,
//! `memberUid` by RDN) or an entry's `memberOf` — by DN, UUID or RDN. Groups that are members of
//! groups become `spec.parent`/`spec.children`. Every entity is validated like a descriptor.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Map, Value};
use trellis_shared::catalog::validate::validate_entity;
use trellis_shared::catalog::Entity;

use crate::config::{LdapOrgConfig, SearchConfig};
use crate::directory::LdapEntry;

/// Annotations Backstage's LDAP provider sets.
pub const ANNOTATION_DN: &str = "backstage.io/ldap-dn";
/// The entry's RDN value.
pub const ANNOTATION_RDN: &str = "backstage.io/ldap-rdn";
/// The entry's stable id.
pub const ANNOTATION_UUID: &str = "backstage.io/ldap-uuid";

/// One mapped directory entry (in entity-ref order: groups, then users, each by name).
#[derive(Debug)]
pub enum Mapped {
    /// A valid user.
    User(Entity),
    /// A valid group.
    Group(Entity),
    /// An entry that could not be taken, and why.
    Problem(String),
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Kind {
    User,
    Group,
}

/// One entry with what identifies it.
struct Node<'a> {
    kind: Kind,
    entry: &'a LdapEntry,
    block: &'a SearchConfig,
    name: String,
    dn: String,
    rdn: Option<String>,
    uuid: Option<String>,
}

/// Maps the entries read by each `users` and `groups` block, handing each result to `emit` as
/// soon as it is ready (memberships need every entry first; the entities then come one by one,
/// so a caller can write them while the rest are mapped).
pub fn map_entries(
    config: &LdapOrgConfig,
    users: &[(SearchConfig, Vec<LdapEntry>)],
    groups: &[(SearchConfig, Vec<LdapEntry>)],
    location: &str,
    emit: &mut dyn FnMut(Mapped),
) {
    let mut nodes: Vec<Node> = Vec::new();
    let mut names: BTreeSet<(u8, String)> = BTreeSet::new();
    for (kind, blocks) in [(Kind::User, users), (Kind::Group, groups)] {
        for (block, entries) in blocks {
            for entry in entries {
                match identify(config, kind, block, entry) {
                    Ok(node) if names.insert((kind as u8, node.name.to_lowercase())) => {
                        nodes.push(node)
                    }
                    Ok(node) => emit(Mapped::Problem(format!(
                        "{}: `{}` is already taken by another entry",
                        node.dn, node.name
                    ))),
                    Err(problem) => emit(Mapped::Problem(problem)),
                }
            }
        }
    }
    let index = Index::new(&nodes);
    // member_of[user or group] = groups it belongs to (node indexes)
    let mut member_of: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); nodes.len()];
    for (g, node) in nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == Kind::Group)
    {
        let member_attrs =
            node.block.map.members.clone().unwrap_or_else(|| {
                vec!["member".into(), "uniqueMember".into(), "memberUid".into()]
            });
        for attr in &member_attrs {
            for value in node.entry.all(attr) {
                if let Some(m) = index.resolve(value).filter(|m| *m != g) {
                    member_of[m].insert(g);
                }
            }
        }
    }
    for (i, node) in nodes.iter().enumerate() {
        let attr = node.block.map.member_of.as_deref().unwrap_or("memberOf");
        for value in node.entry.all(attr) {
            if let Some(g) = index
                .resolve(value)
                .filter(|g| *g != i && nodes[*g].kind == Kind::Group)
            {
                member_of[i].insert(g);
            }
        }
    }
    let mut children: Vec<BTreeSet<String>> = vec![BTreeSet::new(); nodes.len()];
    for (i, node) in nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == Kind::Group)
    {
        for g in &member_of[i] {
            children[*g].insert(node.name.clone());
        }
    }
    for i in ref_order(&nodes) {
        let node = &nodes[i];
        let groups: Vec<&str> = member_of[i]
            .iter()
            .map(|g| nodes[*g].name.as_str())
            .collect();
        let value = match node.kind {
            Kind::User => user(node, &groups, &index, &nodes, location),
            Kind::Group => group(node, groups.first().copied(), &children[i], location),
        };
        emit(match validate_entity(&value) {
            Ok(entity) if node.kind == Kind::User => Mapped::User(entity),
            Ok(entity) => Mapped::Group(entity),
            Err(problems) => Mapped::Problem(format!(
                "{}: {}",
                node.dn,
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        });
    }
}

/// The nodes' indexes in the order of their entity refs (`group:…` before `user:…`, then by
/// lower-case name; the namespace a `set` may give is left out, it only costs order). A
/// PostgreSQL bulk load that receives its entities in this order writes them in the order of
/// the entities' ref-keyed indexes, whose builds then skip their sorts.
fn ref_order(nodes: &[Node]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by_cached_key(|&i| (nodes[i].kind == Kind::User, nodes[i].name.to_lowercase()));
    order
}

fn identify<'a>(
    config: &LdapOrgConfig,
    kind: Kind,
    block: &'a SearchConfig,
    entry: &'a LdapEntry,
) -> Result<Node<'a>, String> {
    let default_name = if kind == Kind::User { "uid" } else { "cn" };
    let name_attr = block.map.name.as_deref().unwrap_or(default_name);
    let name = entry
        .first(name_attr)
        .ok_or_else(|| format!("{}: has no `{name_attr}` to name it by", entry.dn))?;
    let dn = config
        .vendor
        .dn_attribute_name
        .as_deref()
        .and_then(|a| entry.first(a))
        .unwrap_or(&entry.dn)
        .to_string();
    let rdn_attr = block.map.rdn.as_deref().unwrap_or(default_name);
    let uuid_attr = config
        .vendor
        .uuid_attribute_name
        .as_deref()
        .unwrap_or("entryUUID");
    Ok(Node {
        kind,
        entry,
        block,
        name: name.to_string(),
        rdn: entry.first(rdn_attr).map(str::to_string),
        uuid: entry.first(uuid_attr).map(str::to_string),
        dn,
    })
}

/// Finds entries by DN, UUID or RDN value.
struct Index {
    by_dn: HashMap<String, usize>,
    by_uuid: HashMap<String, usize>,
    by_rdn: HashMap<String, usize>,
}

impl Index {
    fn new(nodes: &[Node]) -> Index {
        let mut index = Index {
            by_dn: HashMap::new(),
            by_uuid: HashMap::new(),
            by_rdn: HashMap::new(),
        };
        // Groups first, so a user's RDN wins where both share one (`memberUid` names users).
        for (i, node) in nodes.iter().enumerate().rev() {
            index.by_dn.insert(normalize_dn(&node.dn), i);
            index.by_dn.insert(normalize_dn(&node.entry.dn), i);
            if let Some(uuid) = &node.uuid {
                index.by_uuid.insert(uuid.to_lowercase(), i);
            }
            if let Some(rdn) = &node.rdn {
                index.by_rdn.insert(rdn.to_lowercase(), i);
            }
        }
        index
    }

    fn resolve(&self, value: &str) -> Option<usize> {
        if value.contains('=') {
            if let Some(i) = self.by_dn.get(&normalize_dn(value)) {
                return Some(*i);
            }
        }
        let key = value.trim().to_lowercase();
        self.by_uuid
            .get(&key)
            .or_else(|| self.by_rdn.get(&key))
            .copied()
    }
}

/// DNs compare case-insensitively and without spaces around `,` and `=`.
fn normalize_dn(dn: &str) -> String {
    dn.split(',')
        .map(|rdn| rdn.split('=').map(str::trim).collect::<Vec<_>>().join("="))
        .collect::<Vec<_>>()
        .join(",")
        .to_lowercase()
}

fn user(node: &Node, groups: &[&str], index: &Index, nodes: &[Node], location: &str) -> Value {
    let map = &node.block.map;
    let display = map
        .display_name
        .as_deref()
        .map(|a| node.entry.first(a))
        .unwrap_or_else(|| node.entry.first("displayName").or(node.entry.first("cn")));
    let mut annotations = annotations(node, location);
    if let Some(title) = node.entry.first(map.title.as_deref().unwrap_or("title")) {
        annotations.insert("trellis.dev/ldap-title".into(), title.into());
    }
    if let Some(manager) = node
        .entry
        .first(map.manager.as_deref().unwrap_or("manager"))
    {
        let shown = match index.resolve(manager).map(|m| &nodes[m]) {
            Some(m) if m.kind == Kind::User => format!("user:default/{}", m.name),
            _ => manager.to_string(),
        };
        annotations.insert("trellis.dev/ldap-manager".into(), shown);
    }
    let value = json!({
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "User",
        "metadata": metadata(node, annotations),
        "spec": {
            "profile": profile(node, display),
            "memberOf": groups,
        },
    });
    with_set(value, &node.block.set)
}

fn group(node: &Node, parent: Option<&str>, children: &BTreeSet<String>, location: &str) -> Value {
    let map = &node.block.map;
    let display = node
        .entry
        .first(map.display_name.as_deref().unwrap_or("cn"));
    let group_type = node
        .entry
        .first(map.group_type.as_deref().unwrap_or("groupType"))
        .unwrap_or("team");
    let mut spec = json!({
        "type": group_type,
        "profile": profile(node, display),
        "children": children,
    });
    if let Some(parent) = parent {
        spec["parent"] = json!(parent);
    }
    let value = json!({
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Group",
        "metadata": metadata(node, annotations(node, location)),
        "spec": spec,
    });
    with_set(value, &node.block.set)
}

fn annotations(node: &Node, location: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    out.insert(ANNOTATION_DN.to_string(), node.dn.clone());
    if let Some(rdn) = &node.rdn {
        out.insert(ANNOTATION_RDN.to_string(), rdn.clone());
    }
    if let Some(uuid) = &node.uuid {
        out.insert(ANNOTATION_UUID.to_string(), uuid.clone());
    }
    for (key, attribute) in &node.block.map.annotations {
        if let Some(value) = node.entry.first(attribute) {
            out.insert(key.clone(), value.to_string());
        }
    }
    out.insert("backstage.io/managed-by-location".into(), location.into());
    out.insert(
        "backstage.io/managed-by-origin-location".into(),
        location.into(),
    );
    out
}

fn metadata(node: &Node, annotations: BTreeMap<String, String>) -> Value {
    let mut meta = json!({ "name": node.name, "annotations": annotations });
    let attr = node
        .block
        .map
        .description
        .as_deref()
        .unwrap_or("description");
    if let Some(description) = node.entry.first(attr) {
        meta["description"] = json!(description);
    }
    meta
}

fn profile(node: &Node, display: Option<&str>) -> Value {
    let map = &node.block.map;
    let mut profile = Map::new();
    if let Some(d) = display {
        profile.insert("displayName".into(), json!(d));
    }
    if let Some(mail) = node.entry.first(map.email.as_deref().unwrap_or("mail")) {
        profile.insert("email".into(), json!(mail));
    }
    if let Some(picture) = map.picture.as_deref().and_then(|a| node.entry.first(a)) {
        profile.insert("picture".into(), json!(picture));
    }
    Value::Object(profile)
}

/// Applies `set` (`metadata.namespace: org` sets that path).
fn with_set(mut value: Value, set: &BTreeMap<String, Value>) -> Value {
    for (path, v) in set {
        let mut at = &mut value;
        let parts: Vec<&str> = path.split('.').collect();
        for (i, part) in parts.iter().enumerate() {
            if !at.is_object() {
                break;
            }
            if i + 1 == parts.len() {
                at[*part] = v.clone();
            } else {
                if at.get(*part).is_none_or(|p| !p.is_object()) {
                    at[*part] = json!({});
                }
                at = &mut at[*part];
            }
        }
    }
    value
}
