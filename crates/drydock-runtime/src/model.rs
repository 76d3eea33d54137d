//! The normalised view of one container's run-time settings, whatever it was written in
//! (Compose service, Kubernetes container with its pod, `docker inspect` object). Rules only
//! see this, so each rule is written once for all three inputs.

use crate::yaml::Node;

/// Where a setting was read: a key in a file, or a field of an inspect object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum At {
    Src {
        file: u32,
        line: usize,
        col: usize,
        width: usize,
    },
    Field(String),
}

impl At {
    pub fn node(n: &Node) -> At {
        At::Src {
            file: n.file,
            line: n.pos.line,
            col: n.pos.col,
            width: n.width(),
        }
    }
    pub fn field(f: impl Into<String>) -> At {
        At::Field(f.into())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sp<T> {
    pub v: T,
    pub at: At,
}

pub fn sp<T>(v: T, at: At) -> Sp<T> {
    Sp { v, at }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Compose,
    Kubernetes,
    Inspect,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mount {
    /// Host path (bind mount / hostPath), normalised without trailing `/`.
    pub host: String,
    pub target: String,
    pub read_only: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Port {
    /// `None` = all interfaces.
    pub host_ip: Option<String>,
    pub container_port: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    /// As written, before interpolation: `${DB_PASSWORD}` references are not secrets.
    pub raw: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Namespace {
    Network,
    Pid,
    Ipc,
    Uts,
    User,
    /// Compose `cgroup: host` (cgroup namespace).
    Cgroup,
}

impl Namespace {
    pub fn as_str(&self) -> &'static str {
        match self {
            Namespace::Network => "network",
            Namespace::Pid => "PID",
            Namespace::Ipc => "IPC",
            Namespace::Uts => "UTS",
            Namespace::User => "user",
            Namespace::Cgroup => "cgroup",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Mac {
    Seccomp,
    AppArmor,
    SeLinux,
}

/// Which list of the pod spec a Kubernetes container comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerRole {
    Main,
    Init,
    Ephemeral,
}

/// Kubernetes-only facts about a container and its pod.
#[derive(Clone, Debug)]
pub struct K8sFacts {
    /// Kind of the object holding the pod template (`Deployment`, `CronJob`, a CRD kind…).
    pub owner_kind: String,
    /// `Kind/name` of that object (one workload, whatever its container count).
    pub owner: String,
    pub namespace: Option<String>,
    /// The pod spec (its `containers` key): pod-level findings point here once.
    pub pod_at: At,
    pub role: ContainerRole,
    /// Controllers that keep pods running (not Jobs, CronJobs, `restartPolicy: Never` pods).
    pub long_running: bool,
    /// The application the workload belongs to, from its labels (`app.kubernetes.io/name`
    /// + `/component`, or `app`/`k8s-app`): workloads of one application are related.
    pub app: Option<String>,
    /// `serviceAccountName` (or the deprecated `serviceAccount`); `None` = `default`.
    pub service_account: Option<Sp<String>>,
    pub image_pull_policy: Option<Sp<String>>,
    pub liveness_probe: bool,
    pub readiness_probe: bool,
    /// `securityContext.procMount` as written.
    pub proc_mount: Option<Sp<String>>,
    /// The effective seccomp profile type (container over pod over annotations).
    pub seccomp: Option<Sp<String>>,
    /// The effective AppArmor profile type / annotation value.
    pub apparmor: Option<Sp<String>>,
    /// Checkov skip annotations of the object or its pod template (`CKV_K8S_20`).
    pub skips: Vec<String>,
    /// `windowsOptions.hostProcess: true` (container over pod): a Windows host process.
    pub host_process: Option<Sp<bool>>,
    /// Pod volumes: name, source type (`hostPath`, `nfs`, `configMap`…) at the type key, and
    /// the host path of `hostPath` volumes (at its `path` key).
    pub volumes: Vec<PodVolume>,
    /// `seLinuxOptions` `user` / `role` set (container over pod): Pod Security Standards
    /// baseline allows neither.
    pub selinux_user_role: Vec<Sp<(String, String)>>,
    /// `seLinuxOptions.type` (container over pod).
    pub selinux_type: Option<Sp<String>>,
}

/// One entry of a pod's `volumes`.
#[derive(Clone, Debug)]
pub struct PodVolume {
    pub name: String,
    pub kind: Sp<String>,
    pub host_path: Option<Sp<String>>,
}

/// One container as it will run.
#[derive(Clone, Debug)]
pub struct Workload {
    pub source: SourceKind,
    /// `service web`, `Deployment/web container app`, `container web-1`.
    pub name: String,
    /// Bare identity: Compose service, `Kind/name/container`, or the inspect container name
    /// (used by `Location::Container` and `ImageUse`).
    pub container: String,
    /// Compose profiles the service belongs to (empty = always started).
    pub profiles: Vec<String>,
    /// Points at the service key / container entry for settings that are absent.
    pub at: At,
    pub image: Option<Sp<String>>,
    /// Compose `build:` present: `image` names the local build result, not a pull.
    pub built_locally: bool,
    pub privileged: Option<Sp<bool>>,
    /// Compose `user` / inspect `Config.User`.
    pub user: Option<Sp<String>>,
    pub run_as_user: Option<Sp<i64>>,
    pub run_as_non_root: Option<Sp<bool>>,
    pub read_only: Option<Sp<bool>>,
    /// `true` = escalation blocked (no-new-privileges / allowPrivilegeEscalation: false).
    pub no_new_privileges: Option<Sp<bool>>,
    pub cap_add: Vec<Sp<String>>,
    pub cap_drop: Vec<Sp<String>>,
    /// Inspect objects list the dropped defaults one by one; set when they cover all.
    pub drops_all_caps: bool,
    pub mounts: Vec<Sp<Mount>>,
    pub host_namespaces: Vec<Sp<Namespace>>,
    pub unconfined: Vec<Sp<Mac>>,
    pub memory_limit: bool,
    pub cpu_limit: bool,
    /// `None` where the input cannot set it (Kubernetes sets PIDs limits per node).
    pub pids_limit: Option<bool>,
    pub ports: Vec<Sp<Port>>,
    pub host_ports: Vec<Sp<u32>>,
    pub devices: Vec<Sp<String>>,
    pub sysctls: Vec<Sp<(String, String)>>,
    pub env: Vec<Sp<EnvVar>>,
    /// Kubernetes only: `Some(None)` = not set (the default mounts the token).
    pub automount_token: Option<Option<Sp<bool>>>,
    pub restart: Option<Sp<String>>,
    /// Compose `deploy.restart_policy`: `(condition, max_attempts)` at the key.
    pub restart_policy: Option<Sp<(String, Option<i64>)>>,
    pub healthcheck: bool,
    /// Mounts with shared propagation (`shared`/`rshared`, `Bidirectional`): the mode at it.
    pub shared_propagation: Vec<Sp<String>>,
    /// Compose named volumes and bind-mounted host paths: `(name or host path, read_only)`.
    pub named_volumes: Vec<Sp<(String, bool)>>,
    /// Compose `volumes_from` entries.
    pub volumes_from: Vec<Sp<String>>,
    /// Compose `cgroup_parent`.
    pub cgroup_parent: Option<Sp<String>>,
    /// Host ports published (Compose `ports` published side, Kubernetes `hostPort`).
    pub published: Vec<Sp<u32>>,
    pub k8s: Option<K8sFacts>,
}

impl Workload {
    pub fn new(source: SourceKind, name: String, at: At) -> Workload {
        Workload {
            source,
            name,
            container: String::new(),
            profiles: Vec::new(),
            at,
            image: None,
            built_locally: false,
            privileged: None,
            user: None,
            run_as_user: None,
            run_as_non_root: None,
            read_only: None,
            no_new_privileges: None,
            cap_add: Vec::new(),
            cap_drop: Vec::new(),
            drops_all_caps: false,
            mounts: Vec::new(),
            host_namespaces: Vec::new(),
            unconfined: Vec::new(),
            memory_limit: false,
            cpu_limit: false,
            pids_limit: None,
            ports: Vec::new(),
            host_ports: Vec::new(),
            devices: Vec::new(),
            sysctls: Vec::new(),
            env: Vec::new(),
            automount_token: None,
            restart: None,
            restart_policy: None,
            healthcheck: false,
            shared_propagation: Vec::new(),
            named_volumes: Vec::new(),
            volumes_from: Vec::new(),
            cgroup_parent: None,
            published: Vec::new(),
            k8s: None,
        }
    }

    pub fn is_privileged(&self) -> bool {
        self.privileged.as_ref().is_some_and(|p| p.v)
    }

    pub fn drops_all(&self) -> bool {
        self.drops_all_caps || self.cap_drop.iter().any(|c| cap_name(&c.v) == "ALL")
    }

    pub fn shares(&self, ns: Namespace) -> bool {
        self.host_namespaces.iter().any(|n| n.v == ns)
    }

    /// ` (profile `debug`)` suffix for messages about profile-only services.
    pub fn profile_note(&self) -> String {
        match self.profiles.len() {
            0 => String::new(),
            1 => format!(" (profile `{}`)", self.profiles[0]),
            _ => format!(" (profiles `{}`)", self.profiles.join("`, `")),
        }
    }
}

/// `CAP_SYS_ADMIN`, `sys_admin` → `SYS_ADMIN`.
pub fn cap_name(s: &str) -> String {
    let u = s.trim().to_ascii_uppercase();
    u.strip_prefix("CAP_").map(str::to_string).unwrap_or(u)
}

/// Normalise a host path for comparisons: no trailing slash, `//` collapsed.
pub fn norm_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for part in p.split('/') {
        if part.is_empty() || part == "." {
            continue;
        }
        out.push('/');
        out.push_str(part);
    }
    if out.is_empty() {
        "/".into()
    } else {
        out
    }
}
