//! RT029 `rbac-dangerous-grant`: a Role/ClusterRole grants exec/attach, secret reads,
//! wildcards or privilege-escalation verbs.

use super::prelude::*;
use crate::set::RoleObj;
use drydock_core::Location;

pub const META: RuleMeta = RuleMeta {
    id: "RT029",
    name: "rbac-dangerous-grant",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Medium,
    title: "RBAC role grants exec, secret reads, wildcards or escalation",
    explanation: r##"## Why is this bad?
Some permissions are cluster takeover in disguise:
- `create`/`get` on `pods/exec` or `pods/attach`: run commands in any pod of the scope,
  with that pod's service account and mounted secrets;
- `get`/`list`/`watch` on `secrets`: read every token and password of the scope (`list`
  and `watch` return the values too);
- `*` verbs or resources: everything, including what future API versions add;
- `escalate`, `bind`, `impersonate`: grant oneself more, or act as another identity.

Reported for every Role/ClusterRole rule granting one of these. Severity is high when a
RoleBinding/ClusterRoleBinding in the same file or scanned set binds the role to a
service account that a workload of the set runs as (the workload holds the power), medium
otherwise. Secret reads limited by `resourceNames` are not reported.

## How to fix
Grant the verbs and resources the workload uses, on named resources (`resourceNames`) when
possible; never bind exec, secrets or wildcard roles to application service accounts.

## Example
```yaml
# Before
rules:
  - apiGroups: [""]
    resources: ["*"]
    verbs: ["*"]
# After
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    resourceNames: ["app-settings"]
    verbs: ["get", "watch"]
```

## References
- CIS Kubernetes Benchmark 5.1.1–5.1.3, 5.1.8 (cluster-admin, secrets, wildcards, bind/impersonate/escalate)
- Pod Security Standards do not cover RBAC; https://kubernetes.io/docs/concepts/security/rbac-good-practices/
"##,
    references: &["https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
    equivalents: &[
        "checkov:CKV_K8S_157",
        "checkov:CKV_K8S_158",
        "checkov:CKV_K8S_49",
        "kics:rbac-roles-with-read-secrets-permissions",
        "trivy:KSV041",
        "trivy:KSV044",
        "trivy:KSV045",
        "trivy:KSV046",
        "trivy:KSV053",
        "trivy:KSV054",
    ],
    default_enabled: true,
};

fn any_of(list: &[String], want: &[&str]) -> bool {
    list.iter().any(|x| want.contains(&x.as_str()))
}

/// What one rule grants that matters, in words.
fn dangers(verbs: &[String], resources: &[String], named: bool) -> Vec<String> {
    let mut out = Vec::new();
    let res_wild = any_of(resources, &["*"]);
    let verb_wild = any_of(verbs, &["*"]);
    if verb_wild && res_wild {
        out.push("all verbs on all resources (`*`)".to_string());
    } else if verb_wild {
        out.push(format!("all verbs (`*`) on {}", resources.join(", ")));
    } else if res_wild {
        out.push(format!("{} on all resources (`*`)", verbs.join(", ")));
    }
    for sub in ["pods/exec", "pods/attach"] {
        if any_of(resources, &[sub, "pods/*"]) && any_of(verbs, &["create", "get", "*"]) {
            out.push(format!("`{sub}` (run commands in pods)"));
        }
    }
    if any_of(resources, &["secrets"]) && !named && any_of(verbs, &["get", "list", "watch", "*"]) {
        out.push("reading `secrets`".to_string());
    }
    for v in ["escalate", "bind", "impersonate"] {
        if any_of(verbs, &[v]) {
            out.push(format!("`{v}`"));
        }
    }
    out
}

fn role_findings(role: &RoleObj, cx: &Cx, out: &mut Vec<Finding>) {
    let bound = cx.set.bound_workload_sas(role);
    for r in &role.rules {
        let d = dangers(&r.verbs, &r.resources, r.named);
        if d.is_empty() {
            continue;
        }
        let who = format!("{}/{}", role.kind, role.name);
        let (sev, tail) = if bound.is_empty() {
            (Severity::Medium, String::new())
        } else {
            let list: Vec<String> = bound
                .iter()
                .map(|(b, sa)| format!("ServiceAccount `{sa}` (via {b})"))
                .collect();
            (
                Severity::High,
                format!("; bound to workload {}", list.join(", ")),
            )
        };
        let loc = match &r.at {
            At::Src {
                file,
                line,
                col,
                width,
            } => Location::Source(drydock_core::SourceSpan {
                path: cx.files.get(*file as usize).cloned().unwrap_or_default(),
                start_line: *line,
                end_line: *line,
                start_column: *col,
                end_column: col + width.saturating_sub(1),
            }),
            At::Field(f) => Location::Container {
                container: who.clone(),
                field: f.clone(),
            },
        };
        out.push(
            Finding::from_rule(&META, format!("{who}: grants {}{tail}", d.join(", ")), loc)
                .with_severity(sev)
                .with_fix("Grant only the verbs and resources the workload uses"),
        );
    }
}

pub fn check(cx: &Cx, out: &mut Vec<Finding>) {
    for role in &cx.set.roles {
        role_findings(role, cx, out);
    }
}

#[cfg(test)]
mod tests {
    use super::dangers;
    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }
    #[test]
    fn grants() {
        assert!(dangers(&v(&["get", "list"]), &v(&["pods", "configmaps"]), false).is_empty());
        assert_eq!(dangers(&v(&["get"]), &v(&["secrets"]), false).len(), 1);
        assert!(dangers(&v(&["get"]), &v(&["secrets"]), true).is_empty());
        assert_eq!(dangers(&v(&["create"]), &v(&["pods/exec"]), false).len(), 1);
        assert_eq!(dangers(&v(&["create"]), &v(&["pods/*"]), false).len(), 2);
        assert_eq!(dangers(&v(&["*"]), &v(&["*"]), false).len(), 1);
        assert_eq!(
            dangers(&v(&["bind", "escalate"]), &v(&["roles"]), false).len(),
            2
        );
    }
}
