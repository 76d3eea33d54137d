//! Facts that span objects: ServiceAccounts, RBAC roles and bindings, which workloads use
//! which service account, which Compose services mount which volume. Rules that need more
//! than one container (RT018's ServiceAccount default, shared service accounts, RBAC
//! review, shared volumes) read this.
//!
//! A review collects the facts of its own file; a caller scanning several files can collect
//! them over the whole set ([`ManifestSet::collect`]) and pass it in
//! [`RuntimeOptions::manifest_set`](crate::RuntimeOptions) so that a ServiceAccount or a
//! RoleBinding in another file of the same deployment counts.

use crate::model::{At, ContainerRole, SourceKind, Workload};
use crate::yaml::Node;
use std::collections::{BTreeMap, BTreeSet};

/// `(namespace, name)`; `None` = not set in the file (decided at deploy time).
pub type NsName = (Option<String>, String);

/// One rule of a Role/ClusterRole.
#[derive(Clone, Debug)]
pub struct PolicyRule {
    pub verbs: Vec<String>,
    pub resources: Vec<String>,
    /// `resourceNames` narrows the rule to named objects.
    pub named: bool,
    pub at: At,
}

#[derive(Clone, Debug)]
pub struct RoleObj {
    /// `Role` or `ClusterRole`.
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub rules: Vec<PolicyRule>,
}

#[derive(Clone, Debug)]
pub struct BindingObj {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub role_kind: String,
    pub role_name: String,
    /// ServiceAccount subjects (namespace from the subject, else the binding's).
    pub service_accounts: Vec<NsName>,
}

/// Cross-object facts of one file or of a set of files.
#[derive(Clone, Debug, Default)]
pub struct ManifestSet {
    /// ServiceAccount objects and their `automountServiceAccountToken`.
    pub service_accounts: BTreeMap<NsName, Option<bool>>,
    /// Which workloads (`file#Kind/name`, with their application label) run as each
    /// service account (`default` included).
    pub sa_users: BTreeMap<NsName, BTreeMap<String, Option<String>>>,
    pub bindings: Vec<BindingObj>,
    /// Roles of the *reviewed* file only (findings point into it).
    pub roles: Vec<RoleObj>,
    /// Compose: named volume → services mounting it `(service, read_only)`.
    pub volume_users: BTreeMap<String, Vec<(String, bool)>>,
}

fn ns_match(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

impl ManifestSet {
    /// Collect the facts of several files (`(display path, bytes)`); unreadable or
    /// non-Kubernetes files add nothing.
    pub fn collect(files: &[(String, Vec<u8>)]) -> ManifestSet {
        let mut set = ManifestSet::default();
        for (path, bytes) in files {
            let Ok(text) = std::str::from_utf8(bytes) else {
                continue;
            };
            let Ok(docs) = crate::yaml::parse_stream(text, 0) else {
                continue;
            };
            let mut ws = Vec::new();
            for d in &docs {
                crate::k8s::workloads(d, &mut ws, 0);
                set.add_objects(d, false, 0);
            }
            set.add_workloads(&ws, path);
        }
        set
    }

    /// ServiceAccounts, bindings and (when `roles`) roles of one document.
    pub fn add_objects(&mut self, doc: &Node, roles: bool, depth: usize) {
        let kind = doc.get("kind").and_then(Node::as_str).unwrap_or("");
        if kind.ends_with("List") {
            if depth < 4 {
                for it in doc.get("items").map(Node::seq).unwrap_or(&[]) {
                    self.add_objects(it, roles, depth + 1);
                }
            }
            return;
        }
        let name = doc
            .path(&["metadata", "name"])
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_string();
        let namespace = doc
            .path(&["metadata", "namespace"])
            .and_then(Node::as_str)
            .map(str::to_string);
        let api = doc.get("apiVersion").and_then(Node::as_str).unwrap_or("");
        let rbac = api.starts_with("rbac.authorization.k8s.io/");
        match kind {
            "ServiceAccount" => {
                let automount = doc
                    .get("automountServiceAccountToken")
                    .and_then(Node::as_bool);
                self.service_accounts.insert((namespace, name), automount);
            }
            "Role" | "ClusterRole" if rbac && roles => {
                let strs = |n: Option<&Node>| -> Vec<String> {
                    n.map(|l| {
                        l.seq()
                            .iter()
                            .filter_map(Node::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default()
                };
                let rules = doc
                    .get("rules")
                    .map(Node::seq)
                    .unwrap_or(&[])
                    .iter()
                    .map(|r| PolicyRule {
                        verbs: strs(r.get("verbs")),
                        resources: strs(r.get("resources")),
                        named: !strs(r.get("resourceNames")).is_empty(),
                        at: At::node(r.key_node("verbs").or(r.key_node("resources")).unwrap_or(r)),
                    })
                    .collect();
                self.roles.push(RoleObj {
                    kind: kind.to_string(),
                    name,
                    namespace: if kind == "Role" { namespace } else { None },
                    rules,
                });
            }
            "RoleBinding" | "ClusterRoleBinding" if rbac => {
                let role_kind = doc
                    .path(&["roleRef", "kind"])
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string();
                let role_name = doc
                    .path(&["roleRef", "name"])
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string();
                let service_accounts = doc
                    .get("subjects")
                    .map(Node::seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter(|s| s.get("kind").and_then(Node::as_str) == Some("ServiceAccount"))
                    .filter_map(|s| {
                        let n = s.get("name").and_then(Node::as_str)?;
                        let ns = s
                            .get("namespace")
                            .and_then(Node::as_str)
                            .map(str::to_string)
                            .or_else(|| namespace.clone());
                        Some((ns, n.to_string()))
                    })
                    .collect();
                self.bindings.push(BindingObj {
                    kind: kind.to_string(),
                    name,
                    namespace,
                    role_kind,
                    role_name,
                    service_accounts,
                });
            }
            _ => {}
        }
    }

    /// Record which service account each Kubernetes workload runs as, and which Compose
    /// services mount which named volume. `file` keeps owners of different files apart.
    pub fn add_workloads(&mut self, ws: &[Workload], file: &str) {
        for w in ws {
            match (&w.source, &w.k8s) {
                (SourceKind::Kubernetes, Some(k)) if k.role != ContainerRole::Ephemeral => {
                    let sa = k
                        .service_account
                        .as_ref()
                        .map_or("default".to_string(), |s| s.v.clone());
                    self.sa_users
                        .entry((k.namespace.clone(), sa))
                        .or_default()
                        .insert(format!("{file}#{}", k.owner), k.app.clone());
                }
                (SourceKind::Compose, _) => {
                    for v in &w.named_volumes {
                        let users = self.volume_users.entry(v.v.0.clone()).or_default();
                        if !users.iter().any(|(s, _)| *s == w.container) {
                            users.push((w.container.clone(), v.v.1));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Fold another set's cross-file facts in (not its roles: findings stay in their file).
    pub fn merge_from(&mut self, other: &ManifestSet) {
        for (k, v) in &other.service_accounts {
            self.service_accounts.entry(k.clone()).or_insert(*v);
        }
        for (k, v) in &other.sa_users {
            let users = self.sa_users.entry(k.clone()).or_default();
            for (owner, app) in v {
                users.entry(owner.clone()).or_insert_with(|| app.clone());
            }
        }
        for b in &other.bindings {
            if !self
                .bindings
                .iter()
                .any(|x| x.kind == b.kind && x.name == b.name && x.namespace == b.namespace)
            {
                self.bindings.push(b.clone());
            }
        }
    }

    /// The ServiceAccount object a pod in `ns` running as `sa` uses, when in the set:
    /// `Some(automount setting)`.
    pub fn service_account(&self, ns: &Option<String>, sa: &str) -> Option<Option<bool>> {
        self.service_accounts
            .iter()
            .find(|((n, name), _)| name == sa && ns_match(n, ns))
            .map(|(_, v)| *v)
    }

    /// Unrelated workloads (other than `owner`, and not of the same application `app`)
    /// running as the same service account.
    pub fn other_sa_users(
        &self,
        ns: &Option<String>,
        sa: &str,
        owner: &str,
        app: &Option<String>,
    ) -> Vec<String> {
        let mut out: BTreeSet<String> = BTreeSet::new();
        for ((n, name), users) in &self.sa_users {
            if name == sa && ns_match(n, ns) {
                for (u, their_app) in users {
                    let bare = u.split_once('#').map_or(u.as_str(), |(_, o)| o);
                    let related = app.is_some() && their_app == app;
                    if !u.ends_with(&format!("#{owner}")) && !related {
                        out.insert(bare.to_string());
                    }
                }
            }
        }
        out.into_iter().collect()
    }

    /// Service accounts used by workloads in the set that `role` is bound to, with the
    /// binding name.
    pub fn bound_workload_sas(&self, role: &RoleObj) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for b in &self.bindings {
            let same_role = b.role_name == role.name
                && b.role_kind == role.kind
                && (role.kind == "ClusterRole" || ns_match(&b.namespace, &role.namespace));
            if !same_role {
                continue;
            }
            for (ns, sa) in &b.service_accounts {
                let used = self
                    .sa_users
                    .iter()
                    .any(|((n, name), _)| name == sa && ns_match(n, ns));
                if used {
                    out.push((format!("{}/{}", b.kind, b.name), sa.clone()));
                }
            }
        }
        out
    }
}
