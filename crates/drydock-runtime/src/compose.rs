//! Compose files → workloads: variable interpolation (`.env` beside the file plus the
//! caller's environment), `extends` (same file and `file:`), profiles, `x-` fields and
//! merge keys (already applied by the YAML layer), and the legacy v1 format.

use crate::model::*;
use crate::yaml::{parse_stream, Node, Value};
use crate::{RuntimeError, MAX_EXTENDS_DEPTH};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Substitute `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`, `${VAR?e}`, `${VAR:+r}`,
/// `${VAR+r}`, `$VAR` and `$$` the way Compose does. Unset variables without a default
/// become empty (Compose warns and does the same; `:?` would stop Compose, a reviewer
/// still wants to see the rest of the file).
pub fn interpolate(s: &str, env: &BTreeMap<String, String>) -> String {
    interpolate_depth(s, env, 0)
}

fn interpolate_depth(s: &str, env: &BTreeMap<String, String>, depth: usize) -> String {
    if !s.contains('$') || depth > 8 {
        return s.to_string();
    }
    let b: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != '$' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some('$') => {
                out.push('$');
                i += 2;
            }
            Some('{') => {
                // find the matching brace (defaults may nest `${A:-${B}}`)
                let mut depth_b = 0usize;
                let mut j = i + 1;
                let mut end = None;
                while j < b.len() {
                    match b[j] {
                        '{' => depth_b += 1,
                        '}' => {
                            depth_b -= 1;
                            if depth_b == 0 {
                                end = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let Some(end) = end else {
                    out.extend(&b[i..]);
                    break;
                };
                let inner: String = b[i + 2..end].iter().collect();
                out.push_str(&expand_braced(&inner, env, depth));
                i = end + 1;
            }
            Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == '_') {
                    j += 1;
                }
                let name: String = b[i + 1..j].iter().collect();
                out.push_str(env.get(&name).map(String::as_str).unwrap_or(""));
                i = j;
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
    out
}

fn expand_braced(inner: &str, env: &BTreeMap<String, String>, depth: usize) -> String {
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at(name_len);
    let val = env.get(name);
    let set_nonempty = val.is_some_and(|v| !v.is_empty());
    let sub = |t: &str| interpolate_depth(t, env, depth + 1);
    let value = || val.cloned().unwrap_or_default();
    if let Some(d) = rest.strip_prefix(":-") {
        if set_nonempty {
            value()
        } else {
            sub(d)
        }
    } else if let Some(d) = rest.strip_prefix('-') {
        if val.is_some() {
            value()
        } else {
            sub(d)
        }
    } else if let Some(r) = rest.strip_prefix(":+") {
        if set_nonempty {
            sub(r)
        } else {
            String::new()
        }
    } else if let Some(r) = rest.strip_prefix('+') {
        if val.is_some() {
            sub(r)
        } else {
            String::new()
        }
    } else {
        // `${VAR}`, `${VAR:?err}`, `${VAR?err}`
        value()
    }
}

/// `.env` syntax: `KEY=VALUE`, optional `export `, quotes, `#` comments.
pub fn parse_dotenv(text: &str) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim();
        let v = if v.len() >= 2
            && ((v.starts_with('"') && v.ends_with('"'))
                || (v.starts_with('\'') && v.ends_with('\'')))
        {
            v[1..v.len() - 1].to_string()
        } else {
            // unquoted values end at ` #`
            v.split(" #").next().unwrap_or("").trim().to_string()
        };
        m.insert(k.trim().to_string(), v);
    }
    m
}

/// Interpolate every scalar value, remembering the raw text where it changed.
pub fn interpolate_tree(n: &mut Node, env: &BTreeMap<String, String>) {
    n.map_scalars(&mut |s| {
        if let Value::Scalar { text, .. } = &mut s.v {
            if text.contains('$') {
                let new = interpolate(text, env);
                if new != *text {
                    let raw = std::mem::replace(text, new);
                    s.raw = Some(raw);
                }
            }
        }
    });
}

/// Top-level keys that are not services in the legacy v1 format.
const NON_SERVICE_KEYS: &[&str] = &[
    "version", "services", "volumes", "networks", "secrets", "configs", "include", "name",
];

/// The `services` mapping of a Compose document (or the top level for the v1 format).
pub fn services_of(doc: &Node) -> Vec<(&Node, &Node)> {
    if let Some(s) = doc.get("services") {
        return s
            .map()
            .iter()
            .filter(|(_, v)| v.is_map())
            .map(|(k, v)| (k, v))
            .collect();
    }
    doc.map()
        .iter()
        .filter(|(k, v)| {
            let key = k.as_str().unwrap_or("");
            // a v1 service has an image or a build; this keeps Helm values and other
            // YAML passed in by name from being read as services
            v.is_map()
                && !key.starts_with("x-")
                && !NON_SERVICE_KEYS.contains(&key)
                && (v.get("image").is_some()
                    || v.get("build").is_some()
                    || v.get("extends").is_some())
        })
        .map(|(k, v)| (k, v))
        .collect()
}

/// Sequences Compose concatenates when a service extends another.
const CONCAT_KEYS: &[&str] = &[
    "ports",
    "volumes",
    "cap_add",
    "cap_drop",
    "security_opt",
    "devices",
    "expose",
    "dns",
    "dns_search",
    "tmpfs",
    "external_links",
    "extra_hosts",
];

fn merge_service(base: &Node, over: &Node, key: Option<&str>) -> Node {
    match (&base.v, &over.v) {
        (Value::Map(bm), Value::Map(om)) => {
            let over_keys: std::collections::HashMap<&str, usize> = om
                .iter()
                .enumerate()
                .filter_map(|(i, (k, _))| k.as_str().map(|s| (s, i)))
                .collect();
            let base_keys: std::collections::HashSet<&str> =
                bm.iter().filter_map(|(k, _)| k.as_str()).collect();
            let mut out: Vec<(Node, Node)> = Vec::new();
            for (bk, bv) in bm {
                let name = bk.as_str();
                match name.and_then(|n| over_keys.get(n)).map(|&i| &om[i]) {
                    Some((ok, ov)) => out.push((ok.clone(), merge_service(bv, ov, name))),
                    None => out.push((bk.clone(), bv.clone())),
                }
            }
            for (ok, ov) in om {
                if !ok.as_str().is_some_and(|k| base_keys.contains(k)) {
                    out.push((ok.clone(), ov.clone()));
                }
            }
            let mut n = over.clone();
            n.v = Value::Map(out);
            n
        }
        (Value::Seq(bs), Value::Seq(os)) if key.is_some_and(|k| CONCAT_KEYS.contains(&k)) => {
            let mut n = over.clone();
            n.v = Value::Seq(bs.iter().chain(os.iter()).cloned().collect());
            n
        }
        _ => over.clone(),
    }
}

pub struct ComposeCx<'a> {
    pub env: &'a BTreeMap<String, String>,
    /// Display paths of the files read; `Node::file` indexes this.
    pub files: Vec<String>,
    pub base_dir: Option<PathBuf>,
}

impl ComposeCx<'_> {
    /// Resolve `extends` for one service (bounded depth; cycles stop at the bound).
    pub fn resolve(
        &mut self,
        svc: &Node,
        services: &[(&Node, &Node)],
        dir: Option<&Path>,
        depth: usize,
    ) -> Result<Node, RuntimeError> {
        let Some(ext) = svc.get("extends") else {
            return Ok(svc.clone());
        };
        if depth >= MAX_EXTENDS_DEPTH {
            return Err(RuntimeError::Compose(format!(
                "{}:{}: `extends` nested deeper than {MAX_EXTENDS_DEPTH} (a cycle?)",
                self.files[ext.file as usize], ext.pos.line
            )));
        }
        let (base_name, file) = match &ext.v {
            Value::Scalar { text, .. } => (text.clone(), None),
            Value::Map(_) => (
                ext.get("service")
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string(),
                ext.get("file").and_then(Node::as_str).map(str::to_string),
            ),
            _ => return Ok(svc.clone()),
        };
        let base = match file {
            None => {
                let Some((_, b)) = services
                    .iter()
                    .find(|(k, _)| k.as_str() == Some(&base_name))
                else {
                    return Ok(svc.clone());
                };
                self.resolve(b, services, dir, depth + 1)?
            }
            Some(f) => {
                let Some(dir) = dir else {
                    // No directory (bytes given without a real path): review what is here.
                    return Ok(svc.clone());
                };
                let path = dir.join(&f);
                // A missing base file (published without it) is not fatal: the service's
                // own settings are still worth reviewing.
                let Ok(text) = std::fs::read(&path) else {
                    return Ok(svc.clone());
                };
                let idx = self.files.len() as u32;
                self.files.push(path.display().to_string());
                let text = String::from_utf8_lossy(&text);
                let mut docs = parse_stream(&text, idx).map_err(|e| RuntimeError::Yaml {
                    path: path.display().to_string(),
                    line: e.line,
                    col: e.col,
                    msg: e.msg,
                })?;
                let Some(mut doc) = docs.drain(..).next() else {
                    return Ok(svc.clone());
                };
                interpolate_tree(&mut doc, self.env);
                let other = services_of(&doc);
                let Some((_, b)) = other.iter().find(|(k, _)| k.as_str() == Some(&base_name))
                else {
                    return Ok(svc.clone());
                };
                let sub_dir = path.parent().map(Path::to_path_buf);
                self.resolve(b, &other, sub_dir.as_deref(), depth + 1)?
            }
        };
        Ok(merge_service(&base, svc, None))
    }
}

fn strs(n: &Node) -> Vec<&Node> {
    match &n.v {
        Value::Seq(s) => s.iter().filter(|x| x.as_str().is_some()).collect(),
        Value::Scalar { .. } => vec![n],
        _ => Vec::new(),
    }
}

/// Split `opt:value` / `opt=value` security options.
fn opt_kv(s: &str) -> (&str, &str) {
    match s.find([':', '=']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    }
}

fn parse_short_volume(s: &str) -> Option<Mount> {
    // `src:dst[:mode]`; only host paths (absolute, `./`, `~`) are bind mounts.
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() < 2 {
        return None;
    }
    let src = parts[0];
    // `${DOCKER_SOCK}:/var/run/docker.sock` with the variable unset: the target names the
    // socket, and the source is almost certainly the same socket on the host.
    if src.is_empty() && crate::rules::rt007_runtime_socket::runtime_socket(parts[1]).is_some() {
        return Some(Mount {
            host: norm_path(parts[1]),
            target: parts[1].to_string(),
            read_only: parts
                .get(2)
                .is_some_and(|m| m.split(',').any(|x| x == "ro")),
        });
    }
    if !(src.starts_with('/') || src.starts_with('.') || src.starts_with('~')) {
        return None;
    }
    let mode = parts.get(2).copied().unwrap_or("");
    Some(Mount {
        host: if src.starts_with('/') {
            norm_path(src)
        } else {
            src.to_string()
        },
        target: parts[1].to_string(),
        read_only: mode.split(',').any(|m| m == "ro"),
    })
}

/// A named volume reference (not a path): Compose names start with a letter or digit.
fn is_volume_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && !s.contains('/')
        && !s.contains('$')
}

/// Host ports a `ports` entry publishes: short syntax `[ip:]host[-end]:container`, long
/// syntax `published` (a number or a range). Ranges give their first port.
fn published_ports(p: &Node) -> Vec<u32> {
    let first = |s: &str| {
        s.split('-')
            .next()
            .and_then(|x| x.trim().parse::<u32>().ok())
    };
    match &p.v {
        Value::Scalar { text, .. } => {
            let s = text.split('/').next().unwrap_or(text);
            let rest = match s.strip_prefix('[') {
                Some(r) => r
                    .split_once(']')
                    .map_or("", |(_, r)| r.trim_start_matches(':')),
                None => s,
            };
            let parts: Vec<&str> = rest.split(':').collect();
            match parts.len() {
                2 => first(parts[0]).into_iter().collect(),
                3 => first(parts[1]).into_iter().collect(),
                _ => Vec::new(),
            }
        }
        Value::Map(_) => p
            .get("published")
            .and_then(Node::as_str)
            .and_then(first)
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

fn parse_short_port(s: &str) -> Option<Port> {
    let s = s.split('/').next().unwrap_or(s).trim();
    // IPv6 host IPs are written in brackets: `[::1]:8080:80`.
    let (ip, rest) = if let Some(r) = s.strip_prefix('[') {
        let (ip, rest) = r.split_once(']')?;
        (Some(ip.to_string()), rest.trim_start_matches(':'))
    } else {
        (None, s)
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let container = parts.last()?;
    let container_port: u32 = container.split('-').next()?.parse().ok()?;
    let host_ip = match (ip, parts.len()) {
        (Some(ip), _) => Some(ip),
        (None, 3) => Some(parts[0].to_string()),
        _ => None,
    };
    Some(Port {
        host_ip: host_ip.filter(|h| !h.is_empty() && h != "0.0.0.0" && h != "::"),
        container_port,
    })
}

/// Top-level named volumes that are host directories in disguise: the `local` driver with
/// `driver_opts: {type: none, o: bind, device: /path}` mounts `/path` from the host.
pub fn bind_volumes(doc: &Node) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in doc.get("volumes").map(Node::map).unwrap_or(&[]) {
        let (Some(name), Some(opts)) = (k.as_str(), v.get("driver_opts")) else {
            continue;
        };
        let driver = v.get("driver").and_then(Node::as_str).unwrap_or("local");
        let o = opts.get("o").and_then(Node::as_str).unwrap_or("");
        let device = opts.get("device").and_then(Node::as_str);
        if driver == "local"
            && o.split(',')
                .any(|x| x.trim() == "bind" || x.trim() == "rbind")
            && opts
                .get("type")
                .and_then(Node::as_str)
                .is_none_or(|t| t == "none")
        {
            if let Some(d) = device.filter(|d| d.starts_with('/')) {
                out.insert(name.to_string(), norm_path(d));
            }
        }
    }
    out
}

/// Build the workload of one (already `extends`-resolved) service; `binds` maps named
/// volumes that are really host binds ([`bind_volumes`]) to their host path.
pub fn service_workload(key: &Node, svc: &Node, binds: &BTreeMap<String, String>) -> Workload {
    let name = key.as_str().unwrap_or("?").to_string();
    let mut w = Workload::new(
        SourceKind::Compose,
        format!("service `{name}`"),
        At::node(key),
    );
    w.container = name.clone();
    w.built_locally = svc.get("build").is_some();
    w.pids_limit = Some(false);
    if let Some(p) = svc.get("profiles") {
        w.profiles = strs(p)
            .iter()
            .filter_map(|n| n.as_str())
            .map(str::to_string)
            .collect();
    }
    if let Some((k, v)) = svc.entry("image") {
        if let Some(s) = v.as_str() {
            w.image = Some(sp(s.to_string(), At::node(v)));
        }
        let _ = k;
    }
    let bool_at = |key: &str| -> Option<Sp<bool>> {
        let (k, v) = svc.entry(key)?;
        Some(sp(v.as_bool()?, At::node(k)))
    };
    w.privileged = bool_at("privileged");
    w.read_only = bool_at("read_only");
    if let Some((k, v)) = svc.entry("user") {
        if let Some(s) = v.as_str() {
            w.user = Some(sp(s.to_string(), At::node(k)));
        } else if let Some(i) = v.as_i64() {
            w.user = Some(sp(i.to_string(), At::node(k)));
        }
    }
    if let Some(opts) = svc.get("security_opt") {
        for o in strs(opts) {
            let s = o.as_str().unwrap_or("");
            let (k, v) = opt_kv(s);
            match (k.trim(), v.trim()) {
                ("no-new-privileges", "" | "true") => {
                    w.no_new_privileges = Some(sp(true, At::node(o)))
                }
                ("no-new-privileges", "false") => {
                    w.no_new_privileges = Some(sp(false, At::node(o)))
                }
                ("seccomp", "unconfined") => w.unconfined.push(sp(Mac::Seccomp, At::node(o))),
                ("apparmor", "unconfined") => w.unconfined.push(sp(Mac::AppArmor, At::node(o))),
                ("label", "disable") => w.unconfined.push(sp(Mac::SeLinux, At::node(o))),
                _ => {}
            }
        }
    }
    for (key, dst) in [("cap_add", &mut w.cap_add), ("cap_drop", &mut w.cap_drop)] {
        if let Some(list) = svc.get(key) {
            for c in strs(list) {
                dst.push(sp(c.as_str().unwrap_or("").to_string(), At::node(c)));
            }
        }
    }
    if let Some(vols) = svc.get("volumes") {
        for v in vols.seq() {
            let (m, named, propagation) = match &v.v {
                Value::Scalar { text, .. } => {
                    let parts: Vec<&str> = text.split(':').collect();
                    let mode = if parts.len() >= 3 { parts[2] } else { "" };
                    let prop = mode
                        .split(',')
                        .find(|m| matches!(*m, "shared" | "rshared"))
                        .map(str::to_string);
                    let ro = mode.split(',').any(|m| m == "ro");
                    let src = parts[0];
                    let named =
                        (parts.len() >= 2 && is_volume_name(src)).then(|| (src.to_string(), ro));
                    let m = parse_short_volume(text).or_else(|| {
                        let host = binds.get(src)?;
                        Some(Mount {
                            host: host.clone(),
                            target: parts.get(1)?.to_string(),
                            read_only: ro,
                        })
                    });
                    (m, named, prop)
                }
                Value::Map(_) => {
                    let ty = v.get("type").and_then(Node::as_str).unwrap_or("volume");
                    let src = v.get("source").and_then(Node::as_str).unwrap_or("");
                    let target = v
                        .get("target")
                        .and_then(Node::as_str)
                        .unwrap_or("")
                        .to_string();
                    let read_only = v.get("read_only").and_then(Node::as_bool).unwrap_or(false);
                    let prop = v
                        .path(&["bind", "propagation"])
                        .and_then(Node::as_str)
                        .filter(|p| matches!(*p, "shared" | "rshared"))
                        .map(str::to_string);
                    let m = if ty == "bind" || (src.starts_with('/') && ty != "volume") {
                        Some(Mount {
                            // relative sources stay relative, as in the short syntax
                            host: if src.starts_with('/') {
                                norm_path(src)
                            } else {
                                src.to_string()
                            },
                            target,
                            read_only,
                        })
                    } else if ty == "volume" && binds.contains_key(src) {
                        Some(Mount {
                            host: binds[src].clone(),
                            target,
                            read_only,
                        })
                    } else {
                        None
                    };
                    let named = (ty == "volume" && is_volume_name(src))
                        .then(|| (src.to_string(), read_only));
                    (m, named, prop)
                }
                _ => (None, None, None),
            };
            // A host directory bind-mounted by several services is shared like a volume.
            let named = named.or_else(|| {
                let m = m.as_ref()?;
                crate::rules::rt007_runtime_socket::runtime_socket(&m.host)
                    .is_none()
                    .then(|| (m.host.trim_end_matches('/').to_string(), m.read_only))
            });
            if let Some(m) = m {
                w.mounts.push(sp(m, At::node(v)));
            }
            if let Some(n) = named {
                w.named_volumes.push(sp(n, At::node(v)));
            }
            if let Some(p) = propagation {
                w.shared_propagation.push(sp(p, At::node(v)));
            }
        }
    }
    if let Some(vf) = svc.get("volumes_from") {
        for v in strs(vf) {
            w.volumes_from
                .push(sp(v.as_str().unwrap_or("").to_string(), At::node(v)));
        }
    }
    if let Some((k, v)) = svc.entry("cgroup_parent") {
        if let Some(s) = v.as_str().filter(|s| !s.is_empty()) {
            w.cgroup_parent = Some(sp(s.to_string(), At::node(k)));
        }
    }
    for (key, ns) in [
        ("network_mode", Namespace::Network),
        // docker-compose 1.x spelling of network_mode
        ("net", Namespace::Network),
        ("pid", Namespace::Pid),
        ("ipc", Namespace::Ipc),
        ("uts", Namespace::Uts),
        ("userns_mode", Namespace::User),
        ("cgroup", Namespace::Cgroup),
    ] {
        if let Some((k, v)) = svc.entry(key) {
            if v.as_str() == Some("host") {
                w.host_namespaces.push(sp(ns, At::node(k)));
            }
        }
    }
    let limits = svc.path(&["deploy", "resources", "limits"]);
    let has = |keys: &[&str], lim: &[&str]| {
        keys.iter().any(|k| {
            svc.get(k)
                .is_some_and(|v| !v.is_null() && v.as_str() != Some("0"))
        }) || lim
            .iter()
            .any(|k| limits.and_then(|l| l.get(k)).is_some_and(|v| !v.is_null()))
    };
    w.memory_limit = has(&["mem_limit"], &["memory"]);
    w.cpu_limit = has(&["cpus", "cpu_quota", "cpu_count"], &["cpus"]);
    w.pids_limit = Some(
        svc.get("pids_limit")
            .and_then(Node::as_i64)
            .is_some_and(|p| p > 0)
            || limits
                .and_then(|l| l.get("pids"))
                .and_then(Node::as_i64)
                .is_some_and(|p| p > 0),
    );
    if let Some(ports) = svc.get("ports") {
        for p in ports.seq() {
            let port = match &p.v {
                Value::Scalar { text, .. } => parse_short_port(text),
                Value::Map(_) => p.get("target").and_then(Node::as_i64).map(|t| Port {
                    host_ip: p
                        .get("host_ip")
                        .and_then(Node::as_str)
                        .map(str::to_string)
                        .filter(|h| !h.is_empty() && h != "0.0.0.0" && h != "::"),
                    container_port: t as u32,
                }),
                _ => None,
            };
            if let Some(port) = port {
                w.ports.push(sp(port, At::node(p)));
            }
            let at = At::node(p.key_node("published").unwrap_or(p));
            for hp in published_ports(p) {
                w.published.push(sp(hp, at.clone()));
            }
        }
    }
    if let Some(devs) = svc.get("devices") {
        for d in devs.seq() {
            let s = d
                .as_str()
                .or_else(|| d.get("source").and_then(Node::as_str))
                .unwrap_or("device");
            w.devices.push(sp(s.to_string(), At::node(d)));
        }
    }
    if let Some(sc) = svc.get("sysctls") {
        match &sc.v {
            Value::Map(m) => {
                for (k, v) in m {
                    if let Some(name) = k.as_str() {
                        let val = v.as_str().unwrap_or("").to_string();
                        w.sysctls.push(sp((name.to_string(), val), At::node(k)));
                    }
                }
            }
            Value::Seq(s) => {
                for item in s {
                    if let Some(t) = item.as_str() {
                        let (k, v) = t.split_once('=').unwrap_or((t, ""));
                        w.sysctls.push(sp(
                            (k.trim().to_string(), v.trim().to_string()),
                            At::node(item),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(env) = svc.get("environment") {
        match &env.v {
            Value::Map(m) => {
                for (k, v) in m {
                    if let (Some(name), Some(val)) = (k.as_str(), v.as_str()) {
                        w.env.push(sp(
                            EnvVar {
                                name: name.to_string(),
                                value: val.to_string(),
                                raw: v.raw.clone().unwrap_or_else(|| val.to_string()),
                            },
                            At::node(k),
                        ));
                    }
                }
            }
            Value::Seq(s) => {
                for item in s {
                    if let Some(t) = item.as_str() {
                        if let Some((k, v)) = t.split_once('=') {
                            let raw = item
                                .raw
                                .as_deref()
                                .and_then(|r| r.split_once('='))
                                .map(|(_, r)| r);
                            w.env.push(sp(
                                EnvVar {
                                    name: k.to_string(),
                                    value: v.to_string(),
                                    raw: raw.unwrap_or(v).to_string(),
                                },
                                At::node(item),
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if let Some((k, v)) = svc.entry("restart") {
        if let Some(s) = v.as_str() {
            w.restart = Some(sp(s.to_string(), At::node(k)));
        }
    }
    if let Some(deploy) = svc.get("deploy") {
        if let Some((k, rp)) = deploy.entry("restart_policy") {
            // The Compose spec's default condition is `any`.
            let cond = rp
                .get("condition")
                .and_then(Node::as_str)
                .unwrap_or("any")
                .to_string();
            let max = rp.get("max_attempts").and_then(Node::as_i64);
            w.restart_policy = Some(sp((cond, max), At::node(k)));
        }
    }
    w.healthcheck = svc.get("healthcheck").is_some_and(|h| {
        let disabled = h.get("disable").and_then(Node::as_bool) == Some(true)
            || h.get("test").is_some_and(|t| {
                t.as_str() == Some("NONE") || t.seq().first().and_then(Node::as_str) == Some("NONE")
            });
        !disabled
    });
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_forms() {
        let env: BTreeMap<String, String> = [
            ("A".to_string(), "x".to_string()),
            ("E".to_string(), String::new()),
        ]
        .into();
        assert_eq!(interpolate("${A}", &env), "x");
        assert_eq!(interpolate("$A/$$B", &env), "x/$B");
        assert_eq!(interpolate("${E:-d}", &env), "d");
        assert_eq!(interpolate("${E-d}", &env), "");
        assert_eq!(interpolate("${U-d}", &env), "d");
        assert_eq!(interpolate("${U:?need it}", &env), "");
        assert_eq!(interpolate("${A:+yes}", &env), "yes");
        assert_eq!(interpolate("${U:-${A}}", &env), "x");
        assert_eq!(interpolate("${UNCLOSED", &env), "${UNCLOSED");
    }

    #[test]
    fn ports() {
        let p = parse_short_port("127.0.0.1:5432:5432").unwrap();
        assert_eq!(p.host_ip.as_deref(), Some("127.0.0.1"));
        let p = parse_short_port("5432:5432/tcp").unwrap();
        assert_eq!((p.host_ip, p.container_port), (None, 5432));
        let p = parse_short_port("[::1]:22:22").unwrap();
        assert_eq!(p.host_ip.as_deref(), Some("::1"));
        assert_eq!(parse_short_port("0.0.0.0:80:80").unwrap().host_ip, None);
    }

    #[test]
    fn dotenv() {
        let m = parse_dotenv("# c\nexport A=1\nB=\"two words\"\nC=x # note\n");
        assert_eq!(m["A"], "1");
        assert_eq!(m["B"], "two words");
        assert_eq!(m["C"], "x");
    }
}
