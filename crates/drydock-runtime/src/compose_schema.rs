//! Structure and type checks of a Compose file, after the Compose Specification's JSON
//! schema (compose-spec `schema/compose-spec.json`): Docker Compose refuses a file that
//! breaks it ("services.web.ports must be a list"), so drydock does too, with the position
//! of every error, instead of reviewing a file that will never run.
//!
//! Hand-written rather than a JSON-schema crate over the official schema: the schema is not
//! shipped in any package we can depend on, and errors must carry YAML line numbers, which a
//! JSON validator over a converted value loses. Scalars are accepted wherever the schema wants
//! a string, number or boolean (YAML `user: 1000` vs `"1000"` is a matter of quoting that
//! Compose itself converts in several places); what is checked is the shape: mapping vs
//! list vs scalar, unknown keys, and required keys of the long syntaxes.

use crate::yaml::{Node, Value};

#[derive(Clone, Copy)]
enum T {
    /// Any scalar (string, number, boolean).
    Scalar,
    /// A scalar read as a boolean.
    Bool,
    Map,
    /// Scalar or list of scalars (`command`, `dns`, `tmpfs`).
    StrOrList,
    /// List of scalars (`cap_add`, `profiles`).
    List,
    /// `KEY=VALUE` list or mapping of scalars/null (`environment`, `labels`).
    ListOrDict,
    /// List whose items are scalars or mappings (`ports`, `volumes`, `secrets`…).
    ListOfScalarOrMap,
    /// List of scalars or a mapping (`networks`, `depends_on`).
    ListOrMap,
    /// Scalar or mapping (`build`, `extends`, `env_file` items).
    ScalarOrMap,
    /// Scalar, list or mapping (`env_file`, `gpus`): checked only for presence.
    Any,
}

/// Service keys of the Compose Specification (plus legacy keys the v2/v3 formats used and
/// Compose still loads), with their shapes.
const SERVICE_KEYS: &[(&str, T)] = &[
    ("annotations", T::ListOrDict),
    ("attach", T::Bool),
    ("blkio_config", T::Map),
    ("build", T::ScalarOrMap),
    ("cap_add", T::List),
    ("cap_drop", T::List),
    ("cgroup", T::Scalar),
    ("cgroup_parent", T::Scalar),
    ("command", T::StrOrList),
    ("configs", T::ListOfScalarOrMap),
    ("container_name", T::Scalar),
    ("cpu_count", T::Scalar),
    ("cpu_percent", T::Scalar),
    ("cpu_shares", T::Scalar),
    ("cpu_quota", T::Scalar),
    ("cpu_period", T::Scalar),
    ("cpu_rt_period", T::Scalar),
    ("cpu_rt_runtime", T::Scalar),
    ("cpus", T::Scalar),
    ("cpuset", T::Scalar),
    ("credential_spec", T::Map),
    ("depends_on", T::ListOrMap),
    ("deploy", T::Map),
    ("develop", T::Map),
    ("device_cgroup_rules", T::List),
    ("devices", T::ListOfScalarOrMap),
    ("dns", T::StrOrList),
    ("dns_opt", T::List),
    ("dns_search", T::StrOrList),
    ("domainname", T::Scalar),
    ("entrypoint", T::StrOrList),
    ("env_file", T::Any),
    ("label_file", T::StrOrList),
    ("environment", T::ListOrDict),
    ("expose", T::List),
    ("extends", T::ScalarOrMap),
    ("external_links", T::List),
    ("extra_hosts", T::ListOrDict),
    ("gpus", T::Any),
    ("group_add", T::List),
    ("healthcheck", T::Map),
    ("hostname", T::Scalar),
    ("image", T::Scalar),
    ("init", T::Bool),
    ("ipc", T::Scalar),
    ("isolation", T::Scalar),
    ("labels", T::ListOrDict),
    ("links", T::List),
    ("logging", T::Map),
    ("mac_address", T::Scalar),
    ("mem_limit", T::Scalar),
    ("mem_reservation", T::Scalar),
    ("mem_swappiness", T::Scalar),
    ("memswap_limit", T::Scalar),
    ("models", T::ListOrMap),
    ("network_mode", T::Scalar),
    ("networks", T::ListOrMap),
    ("oom_kill_disable", T::Bool),
    ("oom_score_adj", T::Scalar),
    ("pid", T::Scalar),
    ("pids_limit", T::Scalar),
    ("platform", T::Scalar),
    ("ports", T::ListOfScalarOrMap),
    ("post_start", T::Any),
    ("pre_stop", T::Any),
    ("privileged", T::Bool),
    ("profiles", T::List),
    ("provider", T::Map),
    ("pull_policy", T::Scalar),
    ("pull_refresh_after", T::Scalar),
    ("read_only", T::Bool),
    ("restart", T::Scalar),
    ("runtime", T::Scalar),
    ("scale", T::Scalar),
    ("secrets", T::ListOfScalarOrMap),
    ("security_opt", T::List),
    ("shm_size", T::Scalar),
    ("stdin_open", T::Bool),
    ("stop_grace_period", T::Scalar),
    ("stop_signal", T::Scalar),
    ("storage_opt", T::Map),
    ("sysctls", T::ListOrDict),
    ("tmpfs", T::StrOrList),
    ("tty", T::Bool),
    ("ulimits", T::Map),
    ("use_api_socket", T::Bool),
    ("user", T::Scalar),
    ("userns_mode", T::Scalar),
    ("uts", T::Scalar),
    ("volumes", T::ListOfScalarOrMap),
    ("volumes_from", T::List),
    ("working_dir", T::Scalar),
    // Legacy keys of file formats 1 and 2.x: current Compose refuses some of them, but
    // files written for docker-compose 1.x still use them and a review of what they ask
    // for (`net: host`) is more useful than a refusal.
    ("volume_driver", T::Scalar),
    ("net", T::Scalar),
    ("log_driver", T::Scalar),
    ("log_opt", T::Map),
    ("dockerfile", T::Scalar),
];

/// Top-level keys and whether their value is a mapping of named definitions.
const TOP_KEYS: &[(&str, T)] = &[
    ("version", T::Scalar),
    ("name", T::Scalar),
    ("include", T::ListOfScalarOrMap),
    ("services", T::Map),
    ("networks", T::Map),
    ("volumes", T::Map),
    ("secrets", T::Map),
    ("configs", T::Map),
    ("models", T::Map),
];

/// One schema violation: where and what, worded like Compose's own messages.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaError {
    pub line: usize,
    pub col: usize,
    pub msg: String,
}

fn shape(n: &Node) -> &'static str {
    match n.v {
        Value::Null => "null",
        Value::Scalar { .. } => "a scalar",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

fn err(out: &mut Vec<SchemaError>, n: &Node, msg: String) {
    out.push(SchemaError {
        line: n.pos.line,
        col: n.pos.col,
        msg,
    });
}

fn is_scalar(n: &Node) -> bool {
    matches!(n.v, Value::Scalar { .. })
}

fn check(t: T, path: &str, n: &Node, out: &mut Vec<SchemaError>) {
    // `key:` with no value is null, which Compose treats as unset for every key.
    if n.is_null() {
        return;
    }
    let ok = match t {
        T::Scalar => is_scalar(n),
        T::Bool => {
            if is_scalar(n) && n.as_bool().is_none() {
                return err(out, n, format!("{path} must be a boolean"));
            }
            is_scalar(n)
        }
        T::Map => n.is_map(),
        T::StrOrList => {
            is_scalar(n) || (matches!(n.v, Value::Seq(_)) && list_items(path, n, false, out))
        }
        T::List => matches!(n.v, Value::Seq(_)) && list_items(path, n, false, out),
        T::ListOrDict => match &n.v {
            Value::Seq(_) => list_items(path, n, false, out),
            Value::Map(m) => {
                for (k, v) in m {
                    if !(v.is_null() || is_scalar(v)) {
                        err(
                            out,
                            v,
                            format!(
                                "{path}.{} must be a string, number, boolean or null",
                                k.as_str().unwrap_or("?")
                            ),
                        );
                    }
                }
                true
            }
            _ => false,
        },
        T::ListOfScalarOrMap => matches!(n.v, Value::Seq(_)) && list_items(path, n, true, out),
        T::ListOrMap => {
            n.is_map() || (matches!(n.v, Value::Seq(_)) && list_items(path, n, false, out))
        }
        T::ScalarOrMap => is_scalar(n) || n.is_map(),
        T::Any => true,
    };
    if !ok {
        let want = match t {
            T::Scalar => "a string or number",
            T::Bool => "a boolean",
            T::Map => "a mapping",
            T::StrOrList => "a string or a list",
            T::List | T::ListOfScalarOrMap => "a list",
            T::ListOrDict | T::ListOrMap => "a list or a mapping",
            T::ScalarOrMap => "a string or a mapping",
            T::Any => "",
        };
        err(out, n, format!("{path} must be {want}, not {}", shape(n)));
    }
}

/// Items of a list: scalars, or also mappings when `maps`. Returns true (errors are pushed
/// per item, so one bad entry does not hide the rest).
fn list_items(path: &str, n: &Node, maps: bool, out: &mut Vec<SchemaError>) -> bool {
    for (i, it) in n.seq().iter().enumerate() {
        let good = is_scalar(it) || (maps && it.is_map());
        if !good {
            let want = if maps {
                "a string or a mapping"
            } else {
                "a string or number"
            };
            err(
                out,
                it,
                format!("{path}[{i}] must be {want}, not {}", shape(it)),
            );
        }
    }
    true
}

/// Required keys of the long syntaxes (`ports: - target:`, `volumes: - type:`…).
fn long_syntax(path: &str, key: &str, n: &Node, out: &mut Vec<SchemaError>) {
    let required: &[&str] = match key {
        "ports" => &["target"],
        "volumes" => &["type"],
        "secrets" | "configs" => &["source"],
        _ => return,
    };
    for (i, it) in n.seq().iter().enumerate() {
        if !it.is_map() {
            continue;
        }
        for r in required {
            if it.get(r).is_none() {
                err(
                    out,
                    it,
                    format!("{path}[{i}] is missing required property `{r}`"),
                );
            }
        }
        if key == "ports" {
            if let Some(t) = it.get("target") {
                if t.as_str().is_some_and(|s| s.trim().parse::<u32>().is_err()) {
                    err(out, t, format!("{path}[{i}].target must be an integer"));
                }
            }
        }
    }
}

/// Check one Compose document (a file's top-level mapping). Legacy v1 files (services at
/// the top level, no `services:` key) are not checked: the spec no longer describes them.
pub fn validate(doc: &Node) -> Vec<SchemaError> {
    let mut out = Vec::new();
    if !doc.is_map() {
        err(
            &mut out,
            doc,
            format!("top-level object must be a mapping, not {}", shape(doc)),
        );
        return out;
    }
    if doc.get("services").is_none() {
        return out;
    }
    for (k, v) in doc.map() {
        let Some(key) = k.as_str() else {
            err(&mut out, k, "top-level keys must be strings".into());
            continue;
        };
        if key.starts_with("x-") {
            continue;
        }
        match TOP_KEYS.iter().find(|(n, _)| *n == key) {
            None => err(
                &mut out,
                k,
                format!("additional property `{key}` is not allowed at the top level"),
            ),
            Some((_, t)) => {
                check(*t, key, v, &mut out);
                if key != "services" {
                    for (dk, dv) in v.map() {
                        if !(dv.is_null() || dv.is_map()) {
                            err(
                                &mut out,
                                dv,
                                format!(
                                    "{key}.{} must be a mapping, not {}",
                                    dk.as_str().unwrap_or("?"),
                                    shape(dv)
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
    for (name, svc) in doc.get("services").map(Node::map).unwrap_or(&[]) {
        let sname = name.as_str().unwrap_or("?");
        if sname.starts_with("x-") {
            continue;
        }
        if !svc.is_map() {
            err(
                &mut out,
                if svc.is_null() { name } else { svc },
                format!("services.{sname} must be a mapping, not {}", shape(svc)),
            );
            continue;
        }
        for (k, v) in svc.map() {
            let Some(key) = k.as_str() else {
                continue;
            };
            if key.starts_with("x-") {
                continue;
            }
            let path = format!("services.{sname}.{key}");
            match SERVICE_KEYS.iter().find(|(n, _)| *n == key) {
                None => err(
                    &mut out,
                    k,
                    format!("additional property `{key}` is not allowed in services.{sname}"),
                ),
                Some((_, t)) => {
                    check(*t, &path, v, &mut out);
                    long_syntax(&path, key, v, &mut out);
                }
            }
        }
    }
    out.sort_by_key(|e| (e.line, e.col));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_stream;

    fn errors(src: &str) -> Vec<(usize, String)> {
        let d = parse_stream(src, 0).unwrap();
        validate(&d[0])
            .into_iter()
            .map(|e| (e.line, e.msg))
            .collect()
    }

    #[test]
    fn shapes() {
        assert_eq!(
            errors("services: web\n"),
            vec![(1, "services must be a mapping, not a scalar".to_string())]
        );
        let e = errors("services:\n  web:\n    image: nginx\n    ports: \"80:80\"\n    privileged: maybe\n    bogus: 1\n    x-ok: 1\n");
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(e[0].0, 4);
        assert!(e[0].1.contains("ports must be a list"));
        assert!(e[1].1.contains("must be a boolean"));
        assert!(e[2].1.contains("`bogus`"));
        let e = errors("services:\n  web:\n    ports:\n      - published: 80\n    volumes:\n      - source: x\n        target: /x\n");
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].1.contains("`target`"));
        assert!(e[1].1.contains("`type`"));
    }

    #[test]
    fn valid_files_pass() {
        let ok = "version: '3.8'\nx-common: &c\n  restart: on-failure:3\nservices:\n  web:\n    <<: *c\n    image: nginx\n    environment:\n      - A=1\n    labels: {a: b, n: null}\n    command: [\"nginx\", \"-g\", \"daemon off;\"]\n    ports: [\"80:80\", 443, {target: 80, published: \"8080\"}]\n    depends_on: {db: {condition: service_healthy}}\n    healthcheck: {test: [\"CMD\", \"true\"]}\n    user: 1000\n  db:\n    image: postgres\n    networks: [back]\nnetworks:\n  back:\nvolumes:\n  data: {}\n";
        assert_eq!(errors(ok), vec![]);
    }
}
