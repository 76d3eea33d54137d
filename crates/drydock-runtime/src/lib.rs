//! drydock-runtime: how containers are *run*. Reviews Compose files, Kubernetes manifests,
//! `docker inspect` JSON and live containers (through a caller-provided inspect list) with
//! the RT rules: privileged, root, writable root filesystem, capabilities, runtime socket and
//! sensitive host mounts, host namespaces, disabled seccomp/AppArmor/SELinux, limits,
//! exposed admin ports, devices, sysctls, plain-text secrets, unpinned images…
//!
//! Every input is first turned into [`model::Workload`]s (one per container, settings with
//! their positions), then every rule runs on each workload. YAML is parsed with positions
//! (yaml-rust2 events, see [`yaml`]) so findings point at the offending key.
//!
//! ```
//! use drydock_runtime::{review_file, RuntimeOptions};
//! let yaml = b"services:\n  web:\n    image: nginx:1.27\n    privileged: true\n";
//! let r = review_file(std::path::Path::new("compose.yaml"), yaml, &RuntimeOptions::default()).unwrap();
//! assert!(r.findings.iter().any(|f| f.rule == "RT001"));
//! ```

#![forbid(unsafe_code)]

mod compose;
pub mod compose_schema;
mod inspect;
mod k8s;
pub mod model;
pub mod rules;
pub mod set;
pub mod suppress;
pub mod yaml;

pub use compose::interpolate;
pub use rules::rule_metas;
pub use set::ManifestSet;

use drydock_core::rule::{run_isolated, RuleFailure};
use drydock_core::{Finding, Location, Redaction};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `extends` chains longer than this are refused (also stops cycles).
pub const MAX_EXTENDS_DEPTH: usize = 10;
/// Files larger than this are not runtime configs; refused before parsing.
pub const MAX_FILE_BYTES: usize = yaml::MAX_DOCUMENT_BYTES;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuntimeKind {
    Compose,
    Kubernetes,
    InspectJson,
}

/// What is known about an image from scanning it (the joined view).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageFacts {
    /// The image config's `User` (`None` or empty = root).
    pub user: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct RuntimeOptions {
    /// Variables for Compose interpolation; they override the `.env` beside the file.
    pub env: BTreeMap<String, String>,
    /// Facts about images, keyed by the reference as written in the file (`nginx:1.27`).
    pub image_facts: BTreeMap<String, ImageFacts>,
    pub redaction: Redaction,
    /// The secret engine for RT016 with the user's rules (drydock.toml); `None` = built-in.
    pub secrets: Option<std::sync::Arc<drydock_secrets::Engine>>,
    /// ServiceAccounts, bindings and workloads of the other files scanned together
    /// ([`ManifestSet::collect`]); `None` = the reviewed file stands alone.
    pub manifest_set: Option<std::sync::Arc<ManifestSet>>,
    /// Rule selection: rules it disables do not run.
    pub policy: drydock_core::Policy,
}

impl RuntimeOptions {
    pub fn secret_engine(&self) -> &drydock_secrets::Engine {
        self.secrets
            .as_deref()
            .unwrap_or_else(|| drydock_secrets::Engine::builtin())
    }
}

/// An image a Compose service or Kubernetes container runs (for `--scan-images`).
#[derive(Clone, Debug, PartialEq)]
pub struct ImageUse {
    /// Compose service name, `Kind/name/container` for manifests, container name for inspect.
    pub service_or_container: String,
    pub image: String,
    pub location: Location,
}

#[derive(Clone, Debug, Default)]
pub struct RuntimeReview {
    pub findings: Vec<Finding>,
    pub images: Vec<ImageUse>,
    /// `path:line: …` notes for the user (unknown ids in ignore comments).
    pub warnings: Vec<String>,
    /// Rules whose check panicked (their findings are missing; the others' are kept).
    pub rule_failures: Vec<drydock_core::rule::RuleFailure>,
}

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("{path}:{line}:{col}: invalid YAML: {msg}")]
    Yaml {
        path: String,
        line: usize,
        col: usize,
        msg: String,
    },
    #[error("{0}")]
    Compose(String),
    #[error("{0}")]
    Inspect(String),
    #[error("{path}: invalid JSON: {msg}")]
    Json { path: String, msg: String },
    #[error("{path}: {msg}")]
    Input { path: String, msg: String },
    /// A Compose file Docker Compose would refuse: one line per schema error.
    #[error("{}", invalid_lines(.path, .errors))]
    InvalidCompose {
        path: String,
        errors: Vec<compose_schema::SchemaError>,
    },
}

fn invalid_lines(path: &str, errors: &[compose_schema::SchemaError]) -> String {
    errors
        .iter()
        .map(|e| {
            format!(
                "{path}:{}:{}: invalid Compose file: {}",
                e.line, e.col, e.msg
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn file_name_lower(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn is_compose_name(name: &str) -> bool {
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    if !yaml {
        return false;
    }
    let stem = name.trim_end_matches(".yaml").trim_end_matches(".yml");
    stem == "compose"
        || stem == "docker-compose"
        || stem.starts_with("docker-compose.")
        || stem.starts_with("docker-compose-")
        || stem.starts_with("compose.")
        || stem.ends_with(".compose")
        || stem.ends_with("-compose")
}

/// Lines at column 0 (top-level keys), comments and blanks skipped.
fn top_level_keys(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            !l.is_empty() && !l.starts_with([' ', '\t', '#', '-']) && !l.starts_with("...")
        })
        .filter_map(|(i, l)| {
            l.split_once(':')
                .map(|(k, _)| (i, k.trim().trim_matches('"').trim_matches('\'')))
        })
        .collect()
}

/// Is this a Compose file, a Kubernetes manifest or `docker inspect` output? By name and by
/// sniffing the first bytes; other YAML (CI configs, Helm values/templates, workflows) is
/// not claimed.
pub fn is_runtime_file(path: &Path, first_bytes: &[u8]) -> Option<RuntimeKind> {
    let name = file_name_lower(path);
    let text = String::from_utf8_lossy(&first_bytes[..first_bytes.len().min(64 << 10)]);
    let text = text.trim_start_matches('\u{feff}');
    if name.ends_with(".json") {
        let t = text.trim_start();
        return ((t.starts_with('{') || t.starts_with('['))
            && t.contains("\"HostConfig\"")
            && t.contains("\"Config\""))
        .then_some(RuntimeKind::InspectJson);
    }
    if !(name.ends_with(".yml") || name.ends_with(".yaml")) {
        return None;
    }
    // Helm/Go templates are not YAML until rendered.
    if is_go_template(text) {
        return None;
    }
    let keys = top_level_keys(text);
    let has = |k: &str| keys.iter().any(|(_, key)| *key == k);
    let flow_k8s = {
        // flow style after optional comments and `---`: `{ apiVersion: v1, kind: Pod, … }`
        let body = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#') && *l != "---")
            .unwrap_or("");
        body.starts_with('{') && text.contains("apiVersion") && text.contains("kind")
    };
    if (has("apiVersion") && has("kind")) || flow_k8s {
        return Some(RuntimeKind::Kubernetes);
    }
    if is_compose_name(&name) {
        return Some(RuntimeKind::Compose);
    }
    const CI_NAMES: &[&str] = &[
        ".gitlab-ci.yml",
        ".gitlab-ci.yaml",
        "bitbucket-pipelines.yml",
        ".travis.yml",
        "action.yml",
        "action.yaml",
    ];
    if CI_NAMES.contains(&name.as_str())
        || has("jobs")
        || has("on")
        || has("stages")
        || has("steps")
        || has("pipeline")
    {
        return None;
    }
    // `services:` whose children are mappings (GitLab CI's `services:` is a list).
    let lines: Vec<&str> = text.lines().collect();
    for (i, key) in &keys {
        if *key != "services" {
            continue;
        }
        let next = lines[i + 1..]
            .iter()
            .map(|l| l.trim_end())
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        if let Some(l) = next {
            let t = l.trim_start();
            if l.len() > t.len() && !t.starts_with('-') && t.contains(':') {
                return Some(RuntimeKind::Compose);
            }
        }
    }
    None
}

/// A Helm chart template or other Go-templated YAML: template actions on their own line
/// (`{{- if … }}`), as unquoted values (`name: {{ .Release.Name }}`), or Helm's `.Values` /
/// `.Release`. A `{{…}}` inside a quoted string (`test: ["CMD", "docker", "inspect", "-f",
/// "{{.State.Status}}"]`) or a block scalar (an Alertmanager template in a ConfigMap) is data.
pub fn is_go_template(text: &str) -> bool {
    if !text.contains("{{") {
        return false;
    }
    let mut block: Option<usize> = None;
    for l in text.lines() {
        let t = l.trim_start();
        let indent = l.len() - t.len();
        if let Some(b) = block {
            if t.is_empty() || indent > b {
                continue;
            }
            block = None;
        }
        let item = t.strip_prefix("- ").unwrap_or(t);
        if item.starts_with("{{")
            || l.contains(": {{")
            || l.contains("{{ .Values")
            || l.contains("{{ .Release")
            || l.contains("{{- include ")
            || l.contains("{{ include ")
        {
            return true;
        }
        // `key: |`, `key: >-`, `- |`: the lines below, indented deeper, are text
        let end = t.trim_end();
        let indicator = end.rsplit([' ', ':']).next().unwrap_or("");
        if !indicator.is_empty()
            && indicator.len() <= 3
            && (indicator.starts_with('|') || indicator.starts_with('>'))
            && indicator[1..]
                .chars()
                .all(|c| matches!(c, '-' | '+') || c.is_ascii_digit())
            && (end.contains(':') || end.starts_with('-'))
        {
            block = Some(indent);
        }
    }
    false
}

/// The one line for a structured file drydock does not review.
pub const NOT_SUPPORTED: &str =
    "not a Dockerfile, Compose file, Kubernetes manifest or docker inspect output";

/// What a file is by its content alone (no name): `docker inspect` JSON (objects with
/// `Config` and `HostConfig`), a Kubernetes manifest (a document with string `apiVersion`
/// and `kind`), a Compose file (`services` mapping of mappings). `None` for anything else.
pub fn detect_kind(bytes: &[u8]) -> Option<RuntimeKind> {
    if bytes.len() > MAX_FILE_BYTES {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.trim_start_matches('\u{feff}');
    let t = text.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(t) {
            let first = match &v {
                serde_json::Value::Array(a) => a.first().cloned().unwrap_or_default(),
                other => other.clone(),
            };
            if first.get("HostConfig").is_some_and(|h| h.is_object())
                && first.get("Config").is_some()
            {
                return Some(RuntimeKind::InspectJson);
            }
        }
    }
    if is_go_template(text) {
        return None;
    }
    let docs = yaml::parse_stream(text, 0).ok()?;
    let is_k8s = |d: &yaml::Node| {
        d.get("apiVersion").and_then(yaml::Node::as_str).is_some()
            && d.get("kind").and_then(yaml::Node::as_str).is_some()
    };
    if docs.iter().any(is_k8s) {
        return Some(RuntimeKind::Kubernetes);
    }
    let is_compose = |d: &yaml::Node| {
        d.get("services")
            .is_some_and(|s| s.is_map() && s.map().iter().all(|(_, v)| v.is_map() || v.is_null()))
            && !d.get("jobs").is_some_and(|j| j.is_map())
    };
    docs.iter().any(is_compose).then_some(RuntimeKind::Compose)
}

/// Kubernetes-shaped files that configure a component rather than declare API objects:
/// kubelet/kube-proxy/scheduler configs (`*.config.k8s.io`), kubeadm, audit policies,
/// kubeconfig (`kind: Config`). Nothing runs from them; reviewing would find nothing.
fn only_component_configs(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let Ok(docs) = yaml::parse_stream(text.trim_start_matches('\u{feff}'), 0) else {
        return false;
    };
    let mut any = false;
    for d in &docs {
        let (Some(api), Some(kind)) = (
            d.get("apiVersion").and_then(yaml::Node::as_str),
            d.get("kind").and_then(yaml::Node::as_str),
        ) else {
            continue;
        };
        let group = api.split('/').next().unwrap_or("");
        let config = group.ends_with(".config.k8s.io")
            || matches!(
                group,
                "kubeadm.k8s.io" | "audit.k8s.io" | "client.authentication.k8s.io"
            )
            || (api == "v1" && kind == "Config");
        if !config {
            return false;
        }
        any = true;
    }
    any
}

/// What a file named on the command line is, for the CLI's target classification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContentKind {
    Runtime(RuntimeKind),
    /// Not claimed as a runtime configuration: let the Dockerfile reader have it.
    Dockerfile,
    /// Structured data (JSON/YAML) of another kind, or a Go template: refuse with this
    /// one-line reason.
    Unsupported(String),
}

/// Dockerfile instructions (a Dockerfile's first instruction line starts with one).
const INSTRUCTIONS: &[&str] = &[
    "FROM",
    "ARG",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];

/// Classify a file by name and content: a runtime configuration, a Dockerfile (the first
/// instruction line starts with a Dockerfile keyword, or the content is not structured
/// data), or structured data of another kind (kubelet or CNI config, package.json…).
pub fn classify_content(path: &Path, bytes: &[u8]) -> ContentKind {
    if let Some(k) = is_runtime_file(path, bytes).or_else(|| detect_kind(bytes)) {
        if k == RuntimeKind::Kubernetes && only_component_configs(bytes) {
            return ContentKind::Unsupported(NOT_SUPPORTED.into());
        }
        return ContentKind::Runtime(k);
    }
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    if let Some(l) = first {
        let word = l.split_whitespace().next().unwrap_or("");
        if INSTRUCTIONS.iter().any(|i| i.eq_ignore_ascii_case(word)) {
            return ContentKind::Dockerfile;
        }
    }
    if is_go_template(text) {
        return ContentKind::Unsupported(
            "a Helm/Go template (`{{ … }}`): render it first (`helm template …`) and scan the output"
                .into(),
        );
    }
    let t = text.trim_start();
    let json = (t.starts_with('{') || t.starts_with('['))
        && serde_json::from_str::<serde_json::Value>(t).is_ok();
    let yaml = yaml::parse_stream(text, 0)
        .is_ok_and(|d| d.iter().any(|n| n.is_map() || !n.seq().is_empty()));
    if json || yaml {
        ContentKind::Unsupported(NOT_SUPPORTED.into())
    } else {
        ContentKind::Dockerfile
    }
}

/// Directories never worth descending into.
const SKIP_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "target",
    "vendor",
    ".venv",
    "__pycache__",
    ".tox",
    ".cache",
];

/// Compose files, manifests and inspect JSON under `dir` (sorted; bounded depth; symlinks
/// not followed).
pub fn find_runtime_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(d: &Path, depth: usize, out: &mut Vec<PathBuf>) {
        if depth > 24 {
            return;
        }
        let Ok(rd) = std::fs::read_dir(d) else {
            return;
        };
        for e in rd.flatten() {
            let Ok(ft) = e.file_type() else {
                continue;
            };
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if ft.is_dir() {
                if !SKIP_DIRS.contains(&name.as_str()) {
                    walk(&p, depth + 1, out);
                }
            } else if ft.is_file() {
                let lower = name.to_ascii_lowercase();
                if !(lower.ends_with(".yml")
                    || lower.ends_with(".yaml")
                    || lower.ends_with(".json"))
                {
                    continue;
                }
                if let Ok(mut f) = std::fs::File::open(&p) {
                    use std::io::Read;
                    let mut buf = Vec::with_capacity(8192);
                    if (&mut f).take(64 << 10).read_to_end(&mut buf).is_ok()
                        && is_runtime_file(&p, &buf).is_some()
                    {
                        out.push(p);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, 0, &mut out);
    out.sort();
    out
}

fn run_rules(
    workloads: &[model::Workload],
    files: &[String],
    opts: &RuntimeOptions,
    set: &ManifestSet,
) -> (Vec<Finding>, Vec<RuleFailure>) {
    let cx = rules::Cx { files, opts, set };
    let mut out = Vec::new();
    let mut failures: Vec<RuleFailure> = Vec::new();
    let mut failed = |e: RuleFailure| {
        if !failures.contains(&e) {
            failures.push(e);
        }
    };
    let enabled: Vec<_> = rules::RULES
        .iter()
        .filter(|(meta, _)| opts.policy.is_enabled(meta))
        .collect();
    for w in workloads {
        let skips = w.k8s.as_ref().map_or(&[][..], |k| k.skips.as_slice());
        for (meta, check) in &enabled {
            // Checkov's `checkov.io/skipN` annotation skips a check for the whole object.
            if skips
                .iter()
                .any(|s| suppress::id_matches(s, meta.id, Some(meta)))
            {
                continue;
            }
            if let Err(e) = run_isolated(meta, &mut out, |o| check(w, &cx, o)) {
                failed(e);
            }
        }
    }
    for (meta, check) in rules::SET_RULES {
        if opts.policy.is_enabled(meta) {
            if let Err(e) = run_isolated(meta, &mut out, |o| check(&cx, o)) {
                failed(e);
            }
        }
    }
    // Pod-level settings and Compose anchors/`extends` bases are seen once per container:
    // keep one finding per rule and place, naming the other containers it applies to.
    let mut first: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    let mut keep: Vec<Finding> = Vec::with_capacity(out.len());
    for f in out {
        let (who, tail) = f
            .message
            .split_once(": ")
            .map(|(w, t)| (w.to_string(), t.to_string()))
            .unwrap_or_default();
        let key = (f.rule.clone(), f.location.identity(), tail);
        match first.get(&key) {
            Some(&i) => {
                let m = &mut keep[i].message;
                if !m.contains(&who) {
                    m.push_str(&format!(" (also {who})"));
                }
            }
            None => {
                first.insert(key, keep.len());
                keep.push(f);
            }
        }
    }
    let mut out = keep;
    drydock_core::finding::sort_findings(&mut out);
    (out, failures)
}

fn images_of(
    workloads: &[model::Workload],
    files: &[String],
    opts: &RuntimeOptions,
) -> Vec<ImageUse> {
    let set = ManifestSet::default();
    let cx = rules::Cx {
        files,
        opts,
        set: &set,
    };
    workloads
        .iter()
        .filter_map(|w| {
            let img = w.image.as_ref()?;
            Some(ImageUse {
                service_or_container: w.container.clone(),
                image: img.v.clone(),
                location: cx.loc(w, &img.at),
            })
        })
        .collect()
}

fn yaml_err(path: &str, e: yaml::YamlError) -> RuntimeError {
    RuntimeError::Yaml {
        path: path.to_string(),
        line: e.line,
        col: e.col,
        msg: e.msg,
    }
}

/// Review one file. `path` names it in findings and locates `.env` / `extends: file:`.
pub fn review_file(
    path: &Path,
    bytes: &[u8],
    opts: &RuntimeOptions,
) -> Result<RuntimeReview, RuntimeError> {
    let display = path.display().to_string();
    if bytes.len() > MAX_FILE_BYTES {
        return Err(RuntimeError::Input {
            path: display,
            msg: format!(
                "file is larger than {} MiB; not a runtime configuration",
                MAX_FILE_BYTES >> 20
            ),
        });
    }
    let kind = match is_runtime_file(path, bytes).or_else(|| detect_kind(bytes)) {
        Some(k) => k,
        None => {
            let msg = match classify_content(path, bytes) {
                ContentKind::Unsupported(m) => m,
                _ => NOT_SUPPORTED.to_string(),
            };
            return Err(RuntimeError::Input { path: display, msg });
        }
    };
    if kind == RuntimeKind::InspectJson {
        let v: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| RuntimeError::Json {
                path: display.clone(),
                msg: e.to_string(),
            })?;
        let ws = inspect::containers(&v, &display)?;
        let (findings, rule_failures) = run_rules(
            &ws,
            std::slice::from_ref(&display),
            opts,
            &ManifestSet::default(),
        );
        return Ok(RuntimeReview {
            findings,
            images: images_of(&ws, &[display], opts),
            warnings: Vec::new(),
            rule_failures,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| RuntimeError::Input {
        path: display.clone(),
        msg: format!("not UTF-8 text ({e})"),
    })?;
    let docs = yaml::parse_stream(text, 0).map_err(|e| yaml_err(&display, e))?;
    let mut workloads = Vec::new();
    let mut files = vec![display.clone()];
    let mut set = ManifestSet::default();
    match kind {
        RuntimeKind::Kubernetes => {
            for d in &docs {
                k8s::workloads(d, &mut workloads, 0);
                set.add_objects(d, true, 0);
            }
        }
        _ => {
            let dir = path.parent().filter(|p| p.is_dir());
            let mut env = dir
                .and_then(|d| std::fs::read_to_string(d.join(".env")).ok())
                .map(|t| compose::parse_dotenv(&t))
                .unwrap_or_default();
            env.extend(opts.env.iter().map(|(k, v)| (k.clone(), v.clone())));
            let mut ccx = compose::ComposeCx {
                env: &env,
                files: files.clone(),
                base_dir: dir.map(Path::to_path_buf),
            };
            for mut doc in docs {
                if !doc.is_map() {
                    let errors = compose_schema::validate(&doc);
                    if is_compose_name(&file_name_lower(path)) && !doc.is_null() {
                        return Err(RuntimeError::InvalidCompose {
                            path: display,
                            errors,
                        });
                    }
                    continue;
                }
                compose::interpolate_tree(&mut doc, &env);
                let errors = compose_schema::validate(&doc);
                if !errors.is_empty() {
                    return Err(RuntimeError::InvalidCompose {
                        path: display,
                        errors,
                    });
                }
                let services = compose::services_of(&doc);
                let binds = compose::bind_volumes(&doc);
                for (k, svc) in &services {
                    let base = ccx.base_dir.clone();
                    let resolved = ccx.resolve(svc, &services, base.as_deref(), 0)?;
                    workloads.push(compose::service_workload(k, &resolved, &binds));
                }
            }
            files = ccx.files;
        }
    }
    set.add_workloads(&workloads, &display);
    if let Some(other) = &opts.manifest_set {
        set.merge_from(other);
    }
    let (mut findings, rule_failures) = run_rules(&workloads, &files, opts, &set);
    let sup = suppress::Suppressions::from_text(text);
    let metas = rules::rule_metas();
    if !sup.is_empty() {
        findings.retain(|f| {
            // comments of this file apply to findings in it (not to `extends` bases)
            let here = matches!(&f.location, Location::Source(s) if s.path == display);
            let meta = metas.iter().copied().find(|m| m.id == f.rule);
            !(here || matches!(&f.location, Location::Container { .. })) || !sup.suppresses(f, meta)
        });
    }
    let warnings = sup
        .unknown_ids(&metas)
        .into_iter()
        .map(|(line, id)| {
            format!(
                "{display}:{line}: unknown rule `{id}` in an ignore comment (see `drydock rules`)"
            )
        })
        .collect();
    Ok(RuntimeReview {
        findings,
        images: images_of(&workloads, &files, opts),
        warnings,
        rule_failures,
    })
}

/// Review `docker inspect` output (one container object or a list), e.g. the list the
/// daemon module fetched for live containers. `source` names it in errors.
pub fn review_inspect(
    value: &serde_json::Value,
    source: &str,
    opts: &RuntimeOptions,
) -> Result<RuntimeReview, RuntimeError> {
    let ws = inspect::containers(value, source)?;
    let files = [source.to_string()];
    let (findings, rule_failures) = run_rules(&ws, &files, opts, &ManifestSet::default());
    Ok(RuntimeReview {
        findings,
        images: images_of(&ws, &files, opts),
        warnings: Vec::new(),
        rule_failures,
    })
}
