//! Kubernetes manifests → workloads. Pod-level and container-level `securityContext` are
//! merged as the kubelet does (container fields win), init and ephemeral containers are
//! reviewed like the others, `List` objects are unpacked.

use crate::model::*;
use crate::yaml::Node;

/// Kinds whose pod template sits at a known path (reviewed even when a container has no
/// `image`, e.g. a kustomize patch of a Deployment). Other kinds are searched structurally.
fn pod_template<'a>(doc: &'a Node, kind: &str) -> Option<&'a Node> {
    match kind {
        "Pod" => Some(doc),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job"
        | "DeploymentConfig"
        | "Rollout" => doc.path(&["spec", "template"]),
        "CronJob" => doc.path(&["spec", "jobTemplate", "spec", "template"]),
        "PodTemplate" => doc.get("template"),
        _ => None,
    }
}

/// Controllers that keep their pods running (probes matter); Jobs run to completion.
const LONG_RUNNING: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "DeploymentConfig",
    "Rollout",
];

/// Kinds never holding a pod template even when their schema mentions `containers`.
const NOT_WORKLOADS: &[&str] = &[
    "CustomResourceDefinition",
    "ConfigMap",
    "Secret",
    "Template",
];

/// Is `n` shaped like a PodSpec: a `containers` list whose entries carry an `image`?
fn is_pod_spec(n: &Node) -> bool {
    n.get("containers").is_some_and(|c| {
        c.seq()
            .iter()
            .any(|x| x.get("image").is_some_and(|i| i.as_str().is_some()))
    })
}

/// Every PodSpec-shaped object below `n` as `(template, spec)`: the template is the map
/// holding `spec` (its `metadata` has the pod's annotations), or the spec itself.
fn find_pod_specs<'a>(n: &'a Node, depth: usize, out: &mut Vec<(&'a Node, &'a Node)>) {
    if depth > 12 {
        return;
    }
    match &n.v {
        crate::yaml::Value::Map(m) => {
            if let Some(spec) = n.get("spec").filter(|s| is_pod_spec(s)) {
                out.push((n, spec));
                return;
            }
            if is_pod_spec(n) {
                out.push((n, n));
                return;
            }
            for (k, v) in m {
                if matches!(k.as_str(), Some("metadata" | "status")) {
                    continue;
                }
                find_pod_specs(v, depth + 1, out);
            }
        }
        crate::yaml::Value::Seq(items) => {
            for it in items {
                find_pod_specs(it, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// Argo Workflows kinds: pod-level fields on the workflow spec, containers in templates.
const ARGO_KINDS: &[&str] = &[
    "Workflow",
    "WorkflowTemplate",
    "ClusterWorkflowTemplate",
    "CronWorkflow",
];

/// Append the workloads of one document (recursing into `List` items).
pub fn workloads(doc: &Node, out: &mut Vec<Workload>, depth: usize) {
    let kind = doc.get("kind").and_then(Node::as_str).unwrap_or("");
    if kind == "List" || kind.ends_with("List") {
        if depth < 4 {
            if let Some(items) = doc.get("items") {
                for it in items.seq() {
                    workloads(it, out, depth + 1);
                }
            }
        }
        return;
    }
    let obj_name = doc
        .path(&["metadata", "name"])
        .or_else(|| doc.path(&["metadata", "generateName"]))
        .and_then(Node::as_str)
        .unwrap_or("unnamed")
        .to_string();
    let owner = format!("{kind}/{obj_name}");
    let namespace = doc
        .path(&["metadata", "namespace"])
        .and_then(Node::as_str)
        .map(str::to_string);
    if ARGO_KINDS.contains(&kind) {
        let Some(spec) = doc.get("spec").map(|s| s.get("workflowSpec").unwrap_or(s)) else {
            return;
        };
        for t in spec.get("templates").map(Node::seq).unwrap_or(&[]) {
            let tname = t.get("name").and_then(Node::as_str).unwrap_or("unnamed");
            let psc = t
                .get("securityContext")
                .or_else(|| spec.get("securityContext"));
            let mut list: Vec<(&str, &Node)> = Vec::new();
            for key in ["container", "script"] {
                if let Some(c) = t.get(key) {
                    list.push((key, c));
                }
            }
            for (key, label) in [
                ("initContainers", "init container"),
                ("sidecars", "sidecar"),
            ] {
                for c in t.get(key).map(Node::seq).unwrap_or(&[]) {
                    list.push((label, c));
                }
            }
            for c in t
                .path(&["containerSet", "containers"])
                .map(Node::seq)
                .unwrap_or(&[])
            {
                list.push(("container", c));
            }
            for (label, c) in list {
                let cname = c.get("name").and_then(Node::as_str).unwrap_or(tname);
                let anchor = c
                    .key_node("image")
                    .or_else(|| c.key_node("name"))
                    .unwrap_or(c);
                let mut w = Workload::new(
                    SourceKind::Kubernetes,
                    format!("{owner} template `{tname}` {label} `{cname}`"),
                    At::node(anchor),
                );
                w.container = format!("{owner}/{tname}/{cname}");
                let role = if label == "init container" {
                    ContainerRole::Init
                } else {
                    ContainerRole::Main
                };
                container(&mut w, c, spec, psc, None, cname);
                if let Some(k) = w.k8s.as_mut() {
                    k.owner_kind = kind.to_string();
                    k.owner = owner.clone();
                    k.namespace = namespace.clone();
                    k.role = role;
                    k.long_running = false;
                }
                // The Argo executor talks to the API with the pod's token by design.
                w.automount_token = None;
                out.push(w);
            }
        }
        return;
    }
    if NOT_WORKLOADS.contains(&kind) {
        return;
    }
    let mut pods: Vec<(&Node, &Node)> = Vec::new();
    match pod_template(doc, kind) {
        Some(tpl) => {
            if let Some(spec) = tpl.get("spec") {
                pods.push((tpl, spec));
            }
        }
        // Knative Service/Configuration, Argo Rollout with another apiVersion, operators'
        // CRDs…: any PodSpec-shaped object, found by its shape.
        None => find_pod_specs(doc, 0, &mut pods),
    }
    for (i, (tpl, spec)) in pods.into_iter().enumerate() {
        let annotations = tpl.path(&["metadata", "annotations"]);
        let psc = spec.get("securityContext");
        let restart_never = matches!(
            spec.get("restartPolicy").and_then(Node::as_str),
            Some("Never" | "OnFailure")
        );
        // Knative Serving runs its Service/Configuration/Revision containers as servers.
        let knative = doc
            .get("apiVersion")
            .and_then(Node::as_str)
            .is_some_and(|v| v.starts_with("serving.knative.dev/"));
        let long_running =
            LONG_RUNNING.contains(&kind) || (kind == "Pod" && !restart_never) || knative;
        let who = if i == 0 {
            owner.clone()
        } else {
            format!("{owner} (pod spec {})", i + 1)
        };
        for (list_key, label, role) in [
            ("initContainers", "init container", ContainerRole::Init),
            ("containers", "container", ContainerRole::Main),
            (
                "ephemeralContainers",
                "ephemeral container",
                ContainerRole::Ephemeral,
            ),
        ] {
            let Some(list) = spec.get(list_key) else {
                continue;
            };
            for c in list.seq() {
                let cname = c.get("name").and_then(Node::as_str).unwrap_or("unnamed");
                let anchor = c.key_node("name").unwrap_or(c);
                let mut w = Workload::new(
                    SourceKind::Kubernetes,
                    format!("{who} {label} `{cname}`"),
                    At::node(anchor),
                );
                w.container = format!("{who}/{cname}");
                container(&mut w, c, spec, psc, annotations, cname);
                if let Some(k) = w.k8s.as_mut() {
                    k.skips.extend(crate::suppress::checkov_skips(
                        doc.path(&["metadata", "annotations"]),
                    ));
                    k.app = app_of(doc, tpl);
                    k.owner_kind = kind.to_string();
                    k.owner = who.clone();
                    k.namespace = namespace.clone();
                    k.role = role;
                    k.long_running = long_running;
                    // Knative's queue-proxy probes the container (TCP on its port) when no
                    // readinessProbe is written; a liveness probe has no such default.
                    if knative && role == ContainerRole::Main {
                        k.readiness_probe = true;
                    }
                }
                out.push(w);
            }
        }
    }
}

/// Application identity from the object's or the pod template's labels.
fn app_of(doc: &Node, tpl: &Node) -> Option<String> {
    for labels in [
        doc.path(&["metadata", "labels"]),
        tpl.path(&["metadata", "labels"]),
    ]
    .into_iter()
    .flatten()
    {
        let l = |k: &str| labels.get(k).and_then(Node::as_str);
        let name = l("app.kubernetes.io/name")
            .or_else(|| l("app"))
            .or_else(|| l("k8s-app"));
        if let Some(n) = name {
            let part = l("app.kubernetes.io/part-of").unwrap_or("");
            let comp = l("app.kubernetes.io/component").unwrap_or("");
            return Some(format!("{part}/{n}/{comp}"));
        }
    }
    None
}

fn bool_key(n: Option<&Node>, key: &str) -> Option<Sp<bool>> {
    let (k, v) = n?.entry(key)?;
    Some(sp(v.as_bool()?, At::node(k)))
}

/// The pod's `volumes`: each entry's source type is its one key besides `name`.
fn pod_volumes(spec: &Node) -> Vec<PodVolume> {
    let Some(vols) = spec.get("volumes") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for v in vols.seq() {
        let name = v
            .get("name")
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_string();
        let Some((k, _)) = v
            .map()
            .iter()
            .find(|(k, _)| k.as_str().is_some_and(|k| k != "name"))
        else {
            continue;
        };
        let Some(kind) = k.as_str() else {
            continue;
        };
        let host_path = (kind == "hostPath")
            .then(|| v.get("hostPath")?.entry("path"))
            .flatten()
            .and_then(|(pk, pv)| Some(sp(pv.as_str()?.to_string(), At::node(pk))));
        out.push(PodVolume {
            name,
            kind: sp(kind.to_string(), At::node(k)),
            host_path,
        });
    }
    out
}

fn container(
    w: &mut Workload,
    c: &Node,
    spec: &Node,
    psc: Option<&Node>,
    ann: Option<&Node>,
    cname: &str,
) {
    let csc = c.get("securityContext");
    if let Some(img) = c.get("image") {
        if let Some(s) = img.as_str() {
            w.image = Some(sp(s.to_string(), At::node(img)));
        }
    }
    w.privileged = bool_key(csc, "privileged");
    w.read_only = bool_key(csc, "readOnlyRootFilesystem");
    w.no_new_privileges = bool_key(csc, "allowPrivilegeEscalation").map(|b| sp(!b.v, b.at));
    // Container-level fields override the pod's.
    let int_key = |n: Option<&Node>, key: &str| -> Option<Sp<i64>> {
        let (k, v) = n?.entry(key)?;
        Some(sp(v.as_i64()?, At::node(k)))
    };
    w.run_as_user = int_key(csc, "runAsUser").or_else(|| int_key(psc, "runAsUser"));
    w.run_as_non_root = bool_key(csc, "runAsNonRoot").or_else(|| bool_key(psc, "runAsNonRoot"));
    if let Some(caps) = csc.and_then(|s| s.get("capabilities")) {
        for (key, dst) in [("add", &mut w.cap_add), ("drop", &mut w.cap_drop)] {
            if let Some(list) = caps.get(key) {
                for item in list.seq() {
                    if let Some(s) = item.as_str() {
                        dst.push(sp(s.to_string(), At::node(item)));
                    }
                }
            }
        }
    }
    // seccomp / AppArmor: the container's profile wins over the pod's; annotations are the
    // pre-1.19/1.30 spelling and still honoured by many clusters.
    let profile_type = |sc: Option<&Node>, key: &str| -> Option<(String, At)> {
        let p = sc?.get(key)?;
        let (k, t) = p.entry("type")?;
        Some((t.as_str()?.to_string(), At::node(k)))
    };
    let seccomp =
        profile_type(csc, "seccompProfile").or_else(|| profile_type(psc, "seccompProfile"));
    let ann_val = |key: &str| -> Option<(String, At)> {
        let (k, v) = ann?.entry(key)?;
        Some((v.as_str()?.to_string(), At::node(k)))
    };
    let seccomp = seccomp
        .or_else(|| {
            ann_val(&format!(
                "container.seccomp.security.alpha.kubernetes.io/{cname}"
            ))
        })
        .or_else(|| ann_val("seccomp.security.alpha.kubernetes.io/pod"));
    if let Some((t, at)) = &seccomp {
        if t.eq_ignore_ascii_case("unconfined") {
            w.unconfined.push(sp(Mac::Seccomp, at.clone()));
        }
    }
    let apparmor = profile_type(csc, "appArmorProfile")
        .or_else(|| profile_type(psc, "appArmorProfile"))
        .or_else(|| {
            ann_val(&format!(
                "container.apparmor.security.beta.kubernetes.io/{cname}"
            ))
        });
    if let Some((t, at)) = &apparmor {
        if t.eq_ignore_ascii_case("unconfined") {
            w.unconfined.push(sp(Mac::AppArmor, at.clone()));
        }
    }
    let str_key = |n: Option<&Node>, key: &str| -> Option<Sp<String>> {
        let (k, v) = n?.entry(key)?;
        Some(sp(v.as_str()?.to_string(), At::node(k)))
    };
    let has_probe = |key: &str| c.get(key).is_some_and(|p| p.is_map());
    w.k8s = Some(K8sFacts {
        owner_kind: String::new(),
        owner: String::new(),
        namespace: None,
        pod_at: At::node(
            spec.key_node("containers")
                .or_else(|| spec.key_node("templates"))
                .unwrap_or(spec),
        ),
        role: ContainerRole::Main,
        long_running: false,
        app: None,
        service_account: str_key(Some(spec), "serviceAccountName")
            .or_else(|| str_key(Some(spec), "serviceAccount"))
            .filter(|s| !s.v.is_empty()),
        image_pull_policy: str_key(Some(c), "imagePullPolicy"),
        liveness_probe: has_probe("livenessProbe"),
        readiness_probe: has_probe("readinessProbe"),
        proc_mount: str_key(csc, "procMount"),
        seccomp: seccomp.map(|(t, at)| sp(t, at)),
        apparmor: apparmor.map(|(t, at)| sp(t, at)),
        skips: crate::suppress::checkov_skips(ann),
        host_process: bool_key(csc.and_then(|s| s.get("windowsOptions")), "hostProcess")
            .or_else(|| bool_key(psc.and_then(|s| s.get("windowsOptions")), "hostProcess")),
        volumes: pod_volumes(spec),
        selinux_user_role: ["user", "role"]
            .iter()
            .filter_map(|key| {
                let field = |sc: Option<&Node>| {
                    let (k, v) = sc?.get("seLinuxOptions")?.entry(key)?;
                    Some(sp((key.to_string(), v.as_str()?.to_string()), At::node(k)))
                };
                field(csc).or_else(|| field(psc))
            })
            .filter(|f| !f.v.1.is_empty())
            .collect(),
        selinux_type: None,
    });
    // SELinux type `spc_t` ("super privileged container") is unconfined.
    let selinux = |sc: Option<&Node>| -> Option<(String, At)> {
        let (k, t) = sc?.get("seLinuxOptions")?.entry("type")?;
        Some((t.as_str()?.to_string(), At::node(k)))
    };
    if let Some((t, at)) = selinux(csc).or_else(|| selinux(psc)) {
        if t == "spc_t" || t == "unconfined_t" {
            w.unconfined.push(sp(Mac::SeLinux, at.clone()));
        }
        if let Some(k) = w.k8s.as_mut() {
            k.selinux_type = Some(sp(t, at));
        }
    }
    for (key, ns) in [
        ("hostNetwork", Namespace::Network),
        ("hostPID", Namespace::Pid),
        ("hostIPC", Namespace::Ipc),
    ] {
        if let Some(b) = bool_key(Some(spec), key) {
            if b.v {
                w.host_namespaces.push(sp(ns, b.at));
            }
        }
    }
    if let Some(sysctls) = psc.and_then(|s| s.get("sysctls")) {
        for s in sysctls.seq() {
            if let Some(name) = s.get("name").and_then(Node::as_str) {
                let val = s
                    .get("value")
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string();
                w.sysctls.push(sp(
                    (name.to_string(), val),
                    At::node(s.key_node("name").unwrap_or(s)),
                ));
            }
        }
    }
    w.automount_token = Some(bool_key(Some(spec), "automountServiceAccountToken"));
    let limits = c.path(&["resources", "limits"]);
    w.memory_limit = limits
        .and_then(|l| l.get("memory"))
        .is_some_and(|v| !v.is_null());
    w.cpu_limit = limits
        .and_then(|l| l.get("cpu"))
        .is_some_and(|v| !v.is_null());
    w.pids_limit = None;
    if let Some(ports) = c.get("ports") {
        for p in ports.seq() {
            if let Some((k, hp)) = p.entry("hostPort") {
                if let Some(n) = hp.as_i64().filter(|n| *n > 0) {
                    w.host_ports.push(sp(n as u32, At::node(k)));
                    w.published.push(sp(n as u32, At::node(k)));
                    let host_ip = p.get("hostIP").and_then(Node::as_str).map(str::to_string);
                    if let Some(cp) = p.get("containerPort").and_then(Node::as_i64) {
                        w.ports.push(sp(
                            Port {
                                host_ip: host_ip.filter(|h| !h.is_empty() && h != "0.0.0.0"),
                                container_port: cp as u32,
                            },
                            At::node(k),
                        ));
                    }
                }
            }
        }
    }
    if let Some(env) = c.get("env") {
        for e in env.seq() {
            let (Some(name), Some(val)) = (e.get("name").and_then(Node::as_str), e.get("value"))
            else {
                continue;
            };
            if let Some(v) = val.as_str() {
                w.env.push(sp(
                    EnvVar {
                        name: name.to_string(),
                        value: v.to_string(),
                        raw: v.to_string(),
                    },
                    At::node(e.key_node("value").unwrap_or(e)),
                ));
            }
        }
    }
    // hostPath volumes the container mounts.
    let volumes = spec.get("volumes");
    if let Some(mounts) = c.get("volumeMounts") {
        for m in mounts.seq() {
            if let Some((k, v)) = m.entry("mountPropagation") {
                if v.as_str() == Some("Bidirectional") {
                    w.shared_propagation
                        .push(sp("Bidirectional".to_string(), At::node(k)));
                }
            }
            let Some(vname) = m.get("name").and_then(Node::as_str) else {
                continue;
            };
            let vol = volumes
                .map(|v| v.seq())
                .unwrap_or(&[])
                .iter()
                .find(|v| v.get("name").and_then(Node::as_str) == Some(vname));
            let Some(path) = vol
                .and_then(|v| v.path(&["hostPath", "path"]))
                .and_then(Node::as_str)
            else {
                continue;
            };
            w.mounts.push(sp(
                Mount {
                    host: norm_path(path),
                    target: m
                        .get("mountPath")
                        .and_then(Node::as_str)
                        .unwrap_or("")
                        .to_string(),
                    read_only: m.get("readOnly").and_then(Node::as_bool).unwrap_or(false),
                },
                At::node(
                    m.key_node("mountPath")
                        .or_else(|| m.key_node("name"))
                        .unwrap_or(m),
                ),
            ));
        }
    }
}
