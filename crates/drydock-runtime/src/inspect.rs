//! `docker inspect` / `podman inspect` container objects (Docker Engine API
//! `ContainerInspectResponse`) → workloads. Findings point at the container and field.

use crate::model::*;
use crate::RuntimeError;
use serde_json::Value as J;

/// Capabilities in Docker's default set; an inspect object that drops each of these (Podman
/// lists them one by one instead of `ALL`) runs without capabilities.
const DEFAULT_CAPS: &[&str] = &[
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "SYS_CHROOT",
    "SETFCAP",
];

fn s<'a>(v: &'a J, path: &[&str]) -> Option<&'a str> {
    let mut n = v;
    for p in path {
        n = n.get(p)?;
    }
    n.as_str()
}

fn arr<'a>(v: &'a J, path: &[&str]) -> &'a [J] {
    let mut n = v;
    for p in path {
        match n.get(p) {
            Some(x) => n = x,
            None => return &[],
        }
    }
    n.as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn num(v: &J, path: &[&str]) -> i64 {
    let mut n = v;
    for p in path {
        match n.get(p) {
            Some(x) => n = x,
            None => return 0,
        }
    }
    n.as_i64().unwrap_or(0)
}

/// The container objects of an inspect document (one object or a list).
pub fn containers(v: &J, source: &str) -> Result<Vec<Workload>, RuntimeError> {
    let items: Vec<&J> = match v {
        J::Array(a) => a.iter().collect(),
        J::Object(_) => vec![v],
        _ => {
            return Err(RuntimeError::Inspect(format!(
                "{source}: expected a container object or a list of them"
            )))
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            if c.get("HostConfig").is_none() || c.get("Config").is_none() {
                return Err(RuntimeError::Inspect(format!(
                    "{source}: item {i} is not a container inspect object (no HostConfig/Config)"
                )));
            }
            Ok(container(c))
        })
        .collect()
}

fn container(c: &J) -> Workload {
    let name = s(c, &["Name"])
        .map(|n| n.trim_start_matches('/').to_string())
        .filter(|n| !n.is_empty())
        .or_else(|| s(c, &["Id"]).map(|id| id.chars().take(12).collect()))
        .unwrap_or_else(|| "unnamed".into());
    let f = |field: &str| At::field(field.to_string());
    let mut w = Workload::new(SourceKind::Inspect, format!("container `{name}`"), f(""));
    w.container = name.clone();
    let hc = &c["HostConfig"];
    let cfg = &c["Config"];
    if let Some(img) = s(c, &["ImageName"]).or_else(|| s(cfg, &["Image"])) {
        w.image = Some(sp(img.to_string(), f("Config.Image")));
    }
    w.privileged = Some(sp(
        hc["Privileged"].as_bool().unwrap_or(false),
        f("HostConfig.Privileged"),
    ));
    w.read_only = Some(sp(
        hc["ReadonlyRootfs"].as_bool().unwrap_or(false),
        f("HostConfig.ReadonlyRootfs"),
    ));
    // Config.User is the effective user: the image's USER unless the run overrode it.
    w.user = Some(sp(
        s(cfg, &["User"]).unwrap_or("").to_string(),
        f("Config.User"),
    ));
    for (i, o) in arr(hc, &["SecurityOpt"]).iter().enumerate() {
        let o = o.as_str().unwrap_or("");
        let (k, v) = o.split_once(['=', ':']).unwrap_or((o, ""));
        let at = f(&format!("HostConfig.SecurityOpt[{i}]"));
        match (k, v) {
            ("no-new-privileges", "" | "true") => w.no_new_privileges = Some(sp(true, at)),
            ("seccomp", "unconfined") => w.unconfined.push(sp(Mac::Seccomp, at)),
            ("apparmor", "unconfined") => w.unconfined.push(sp(Mac::AppArmor, at)),
            ("label", "disable") => w.unconfined.push(sp(Mac::SeLinux, at)),
            _ => {}
        }
    }
    for (i, x) in arr(hc, &["CapAdd"]).iter().enumerate() {
        w.cap_add.push(sp(
            x.as_str().unwrap_or("").to_string(),
            f(&format!("HostConfig.CapAdd[{i}]")),
        ));
    }
    for (i, x) in arr(hc, &["CapDrop"]).iter().enumerate() {
        w.cap_drop.push(sp(
            x.as_str().unwrap_or("").to_string(),
            f(&format!("HostConfig.CapDrop[{i}]")),
        ));
    }
    let dropped: Vec<String> = w.cap_drop.iter().map(|c| cap_name(&c.v)).collect();
    w.drops_all_caps = DEFAULT_CAPS.iter().all(|d| dropped.iter().any(|x| x == d));
    let mounts = arr(c, &["Mounts"]);
    if !mounts.is_empty() {
        for (i, m) in mounts.iter().enumerate() {
            if s(m, &["Type"]) != Some("bind") {
                continue;
            }
            w.mounts.push(sp(
                Mount {
                    host: norm_path(s(m, &["Source"]).unwrap_or("")),
                    target: s(m, &["Destination"]).unwrap_or("").to_string(),
                    read_only: !m["RW"].as_bool().unwrap_or(true),
                },
                f(&format!("Mounts[{i}]")),
            ));
        }
    } else {
        for (i, b) in arr(hc, &["Binds"]).iter().enumerate() {
            let b = b.as_str().unwrap_or("");
            let parts: Vec<&str> = b.split(':').collect();
            if parts.len() >= 2 && parts[0].starts_with('/') {
                w.mounts.push(sp(
                    Mount {
                        host: norm_path(parts[0]),
                        target: parts[1].to_string(),
                        read_only: parts
                            .get(2)
                            .is_some_and(|m| m.split(',').any(|x| x == "ro")),
                    },
                    f(&format!("HostConfig.Binds[{i}]")),
                ));
            }
        }
    }
    for (key, ns) in [
        ("NetworkMode", Namespace::Network),
        ("PidMode", Namespace::Pid),
        ("IpcMode", Namespace::Ipc),
        ("UTSMode", Namespace::Uts),
        ("UsernsMode", Namespace::User),
    ] {
        if s(hc, &[key]) == Some("host") {
            w.host_namespaces
                .push(sp(ns, f(&format!("HostConfig.{key}"))));
        }
    }
    w.memory_limit = num(hc, &["Memory"]) > 0;
    w.cpu_limit = num(hc, &["NanoCpus"]) > 0 || num(hc, &["CpuQuota"]) > 0;
    w.pids_limit = Some(num(hc, &["PidsLimit"]) > 0);
    if let Some(pb) = hc.get("PortBindings").and_then(J::as_object) {
        for (port, binds) in pb {
            let cp: u32 = port
                .split('/')
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            for b in binds.as_array().map(Vec::as_slice).unwrap_or(&[]) {
                let ip = s(b, &["HostIp"]).unwrap_or("");
                if let Some(hp) = s(b, &["HostPort"]).and_then(|h| h.parse::<u32>().ok()) {
                    w.published
                        .push(sp(hp, f(&format!("HostConfig.PortBindings[{port}]"))));
                }
                w.ports.push(sp(
                    Port {
                        host_ip: Some(ip.to_string())
                            .filter(|h| !h.is_empty() && h != "0.0.0.0" && h != "::"),
                        container_port: cp,
                    },
                    f(&format!("HostConfig.PortBindings[{port}]")),
                ));
            }
        }
    }
    for (i, d) in arr(hc, &["Devices"]).iter().enumerate() {
        let p = s(d, &["PathOnHost"]).unwrap_or("device");
        w.devices
            .push(sp(p.to_string(), f(&format!("HostConfig.Devices[{i}]"))));
    }
    if let Some(sys) = hc.get("Sysctls").and_then(J::as_object) {
        for (k, v) in sys {
            w.sysctls.push(sp(
                (k.clone(), v.as_str().unwrap_or("").to_string()),
                f(&format!("HostConfig.Sysctls[{k}]")),
            ));
        }
    }
    for (i, e) in arr(cfg, &["Env"]).iter().enumerate() {
        if let Some((k, v)) = e.as_str().and_then(|e| e.split_once('=')) {
            w.env.push(sp(
                EnvVar {
                    name: k.to_string(),
                    value: v.to_string(),
                    raw: v.to_string(),
                },
                f(&format!("Config.Env[{i}]")),
            ));
        }
    }
    if let Some(r) = s(hc, &["RestartPolicy", "Name"]).filter(|r| !r.is_empty()) {
        // `--restart on-failure:5` is stored as the name plus MaximumRetryCount.
        let max = num(hc, &["RestartPolicy", "MaximumRetryCount"]);
        let r = if r == "on-failure" && max > 0 {
            format!("on-failure:{max}")
        } else {
            r.to_string()
        };
        w.restart = Some(sp(r, f("HostConfig.RestartPolicy")));
    }
    w.healthcheck = cfg
        .get("Healthcheck")
        .and_then(|h| h.get("Test"))
        .and_then(J::as_array)
        .is_some_and(|t| t.first().and_then(J::as_str) != Some("NONE") && !t.is_empty());
    w
}
