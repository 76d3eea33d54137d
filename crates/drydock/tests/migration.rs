//! Users arriving from Hadolint, Trivy and Checkov: foreign ids in `explain`, `--ignore`,
//! `.hadolint.yaml`; and files of other kinds refused by content.

mod support;

use std::collections::BTreeSet;
use support::{drydock, json_of, write};

const DOCKERFILE: &str =
    "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nUSER 1000\n";

fn rules_of(out: &std::process::Output) -> BTreeSet<String> {
    json_of(&out.stdout)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn explain_answers_for_foreign_ids() {
    let out = drydock().args(["explain", "DL3008"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("DL3008 is checked by drydock rule"),
        "{text}"
    );
    assert!(text.contains("hadolint:DL3008"), "{text}");
    let out = drydock().args(["explain", "DL3047"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("no equivalent in drydock, on purpose."),
        "{text}"
    );
    let out = drydock().args(["explain", "DL9999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("hadolint check"));
}

#[test]
fn foreign_ids_select_ignore_and_hadolint_config() {
    let dir = tempfile::tempdir().unwrap();
    let df = write(dir.path(), "Dockerfile", DOCKERFILE);
    let scan = |extra: &[&str]| {
        drydock()
            .args(["scan", "--format", "json", "--no-progress"])
            .args(extra)
            .arg(&df)
            .output()
            .unwrap()
    };
    let all = rules_of(&scan(&[]));
    let out = scan(&["--ignore", "DL3009", "--ignore", "DL3047"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("DL3047") && stderr.contains("no drydock equivalent"),
        "{stderr}"
    );
    let fewer = rules_of(&out);
    let gone: Vec<_> = all.difference(&fewer).collect();
    assert!(
        !gone.is_empty(),
        "--ignore DL3009 removed nothing from {all:?}"
    );

    write(
        dir.path(),
        ".hadolint.yaml",
        "ignored:\n  - DL3009\n  - SC2086\ntrustedRegistries: [docker.io]\n",
    );
    let out = scan(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("using the Hadolint settings"), "{stderr}");
    let with_cfg = rules_of(&out);
    assert!(gone.iter().all(|g| !with_cfg.contains(*g)), "{stderr}");
    // a drydock configuration wins over the Hadolint one
    write(dir.path(), "drydock.toml", "ignore = []\n");
    let out = scan(&[]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Hadolint settings"));
    assert_eq!(rules_of(&out), all);
}

#[test]
fn structured_files_of_other_kinds_get_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(
        dir.path(),
        "kubelet-config.json",
        "{\n  \"kind\": \"KubeletConfiguration\",\n  \"apiVersion\": \"kubelet.config.k8s.io/v1beta1\",\n  \"readOnlyPort\": 0\n}\n",
    );
    let cni = write(
        dir.path(),
        "10-net.conflist",
        "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"plugins\": []}\n",
    );
    for f in [cfg, cni] {
        let out = drydock()
            .args(["scan", "--no-progress"])
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(drydock_runtime::NOT_SUPPORTED) && !stderr.contains("instruction"),
            "{stderr}"
        );
    }
}

#[test]
fn manifests_scanned_together_share_service_accounts_and_compose_errors_have_lines() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "k8s/sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\nautomountServiceAccountToken: false\n",
    );
    write(
        dir.path(),
        "k8s/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      serviceAccountName: web\n      containers:\n        - name: web\n          image: example/web:1\n",
    );
    let out = drydock()
        .args(["scan", "--format", "json", "--no-progress"])
        .arg(dir.path().join("k8s"))
        .output()
        .unwrap();
    let rules = rules_of(&out);
    assert!(
        rules.contains("RT026") && !rules.contains("RT018"),
        "{rules:?}"
    );

    let bad = write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx\n    ports: \"80:80\"\n",
    );
    let out = drydock()
        .args(["scan", "--no-progress"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(":4:12: invalid Compose file: services.web.ports must be a list"),
        "{stderr}"
    );
}
