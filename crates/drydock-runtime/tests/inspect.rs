//! `docker inspect` / `podman inspect` JSON. The `podman-*.json` fixtures were captured from
//! real podman 4 containers (`--network none`); `docker-engine-handmade.json` follows the
//! Docker Engine API `ContainerInspectResponse` shape (no Docker daemon here).

use drydock_core::{Finding, Location, Severity};
use drydock_runtime::{review_file, review_inspect, RuntimeOptions};
use std::collections::BTreeSet;
use std::path::Path;

fn load(name: &str) -> serde_json::Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/inspect")
        .join(name);
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn rules_at_least(f: &[Finding], min: Severity) -> BTreeSet<String> {
    f.iter()
        .filter(|x| x.severity >= min)
        .map(|x| x.rule.clone())
        .collect()
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn podman_privileged_with_socket() {
    let f = review_inspect(
        &load("podman-privileged-socket.json"),
        "inspect",
        &RuntimeOptions::default(),
    )
    .unwrap()
    .findings;
    // podman records no CapAdd for a privileged container (it already has every
    // capability), so `--cap-add SYS_ADMIN` shows up as RT001, not RT005.
    assert_eq!(
        rules_at_least(&f, Severity::High),
        set(&["RT001", "RT007"]),
        "{f:#?}"
    );
    let sock = f.iter().find(|x| x.rule == "RT007").unwrap();
    assert_eq!(
        sock.location,
        Location::Container {
            container: "rt-risky".into(),
            field: "Mounts[0]".into()
        }
    );
    assert!(!f
        .iter()
        .any(|x| x.rule == "RT004" || x.rule == "RT006" || x.rule == "RT010"));
}

#[test]
fn podman_hardened_is_clean() {
    let f = review_inspect(
        &load("podman-hardened.json"),
        "inspect",
        &RuntimeOptions::default(),
    )
    .unwrap()
    .findings;
    // Only "no memory/CPU limit" (low) remains: read-only, non-root, no caps, no_new_privs.
    assert!(rules_at_least(&f, Severity::Medium).is_empty(), "{f:#?}");
    assert_eq!(
        rules_at_least(&f, Severity::Info),
        set(&["RT011"]),
        "{f:#?}"
    );
}

#[test]
fn podman_added_caps_and_env_secret() {
    let f = review_inspect(
        &load("podman-caps.json"),
        "inspect",
        &RuntimeOptions::default(),
    )
    .unwrap()
    .findings;
    let sys_admin = f
        .iter()
        .find(|x| x.rule == "RT005" && x.message.contains("SYS_ADMIN"))
        .unwrap();
    assert_eq!(sys_admin.severity, Severity::Critical);
    assert!(f.iter().any(|x| x.rule == "RT005"
        && x.message.contains("NET_ADMIN")
        && x.severity == Severity::Medium));
    let secret = f
        .iter()
        .find(|x| x.rule == "RT016")
        .expect("DB_PASSWORD literal");
    let ev = secret.evidence.as_ref().unwrap();
    assert!(
        !ev.value.contains("Sup3rS3cretValue"),
        "evidence must be redacted"
    );
    // 127.0.0.1-bound ports are fine (and --network none drops them anyway)
    assert!(!f.iter().any(|x| x.rule == "RT012"));
}

#[test]
fn docker_engine_object() {
    let v = load("docker-engine-handmade.json");
    let f = review_inspect(&v, "inspect.json", &RuntimeOptions::default())
        .unwrap()
        .findings;
    let rules: BTreeSet<String> = f.iter().map(|x| x.rule.clone()).collect();
    assert_eq!(
        rules,
        set(&[
            "RT002", "RT003", "RT004", "RT005", "RT006", "RT007", "RT008", "RT009", "RT010",
            "RT011", "RT012", "RT014", "RT015", "RT016", "RT019", "RT023", "RT030"
        ]),
        "{f:#?}"
    );
    let port: Vec<_> = f.iter().filter(|x| x.rule == "RT012").collect();
    assert_eq!(
        port.len(),
        1,
        "only 2375 on all interfaces, not 5432 on 127.0.0.1"
    );
    assert_eq!(port[0].severity, Severity::Critical);
    let secrets: Vec<_> = f.iter().filter(|x| x.rule == "RT016").collect();
    assert_eq!(
        secrets.len(),
        1,
        "the ${{DB_PASSWORD}} reference is not a secret: {secrets:#?}"
    );
    assert!(secrets[0].message.contains("STRIPE_KEY"));
    assert!(f
        .iter()
        .any(|x| x.rule == "RT008" && x.message.contains("/etc") && x.severity == Severity::High));
    assert!(f
        .iter()
        .any(|x| x.rule == "RT009" && x.message.contains("PID")));
    // a list of objects and a file on disk give the same findings
    let list = serde_json::Value::Array(vec![v.clone(), v]);
    assert_eq!(
        review_inspect(&list, "inspect.json", &RuntimeOptions::default())
            .unwrap()
            .findings
            .len(),
        f.len()
    );
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/inspect/docker-engine-handmade.json");
    let r = review_file(&p, &std::fs::read(&p).unwrap(), &RuntimeOptions::default()).unwrap();
    assert_eq!(r.findings.len(), f.len());
    assert_eq!(r.images[0].image, "example/admin:latest");
}

#[test]
fn bad_inspect_input_is_a_clear_error() {
    let e =
        review_inspect(&serde_json::json!(42), "x.json", &RuntimeOptions::default()).unwrap_err();
    assert!(e.to_string().contains("x.json"));
    let e = review_inspect(
        &serde_json::json!([{"Id": "abc"}]),
        "x.json",
        &RuntimeOptions::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("not a container inspect object"),
        "{e}"
    );
}
