//! Content-based kind detection, Compose schema errors with positions, and facts that
//! span documents and files (ServiceAccounts, RBAC bindings).

use drydock_core::Severity;
use drydock_runtime::{
    classify_content, detect_kind, review_file, ContentKind, ManifestSet, RuntimeError,
    RuntimeKind, RuntimeOptions, NOT_SUPPORTED,
};
use std::path::Path;
use std::sync::Arc;

fn classify(name: &str, text: &str) -> ContentKind {
    classify_content(Path::new(name), text.as_bytes())
}

#[test]
fn structured_files_of_other_kinds_are_refused_in_one_line() {
    // component configs look like objects but declare nothing that runs
    let kubelet = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n";
    let kubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\n";
    for t in [kubelet, kubeconfig] {
        assert_eq!(
            classify("config.yaml", t),
            ContentKind::Unsupported(NOT_SUPPORTED.into())
        );
    }
    let cni = r#"{"cniVersion": "1.0.0", "name": "net", "plugins": [{"type": "bridge"}]}"#;
    let kubelet_json = r#"{"kind": "KubeletConfiguration", "apiVersion": "kubelet.config.k8s.io/v1beta1", "authentication": {"anonymous": {"enabled": false}}}"#;
    for (name, text) in [
        ("10-bridge.conflist", cni),
        ("kubelet.json", kubelet_json),
        ("package.json", r#"{"name": "x", "version": "1.0.0"}"#),
        ("config", "log_level: debug\nports:\n  - 80\n"),
        ("list.json", "[1, 2, 3]"),
    ] {
        assert_eq!(
            classify(name, text),
            ContentKind::Unsupported(NOT_SUPPORTED.into()),
            "{name}"
        );
        let r = review_file(Path::new(name), text.as_bytes(), &RuntimeOptions::default());
        match r {
            Err(e) => assert_eq!(e.to_string(), format!("{name}: {NOT_SUPPORTED}")),
            // a component config found in a directory walk is reviewed: nothing runs from it
            Ok(r) => assert!(name == "kubelet.json" && r.findings.is_empty()),
        }
    }
    for (name, text) in [
        (
            "app.docker",
            "# syntax=docker/dockerfile:1\nFROM alpine:3.20\nRUN true\n",
        ),
        ("build", "from alpine\nlabel a: b\n"),
        ("odd", "this is not structured\n"),
    ] {
        assert_eq!(classify(name, text), ContentKind::Dockerfile, "{name}");
    }
}

#[test]
fn kinds_by_content_without_a_telling_name() {
    assert_eq!(
        detect_kind(b"{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"spec\": {}}"),
        Some(RuntimeKind::Kubernetes)
    );
    assert_eq!(
        detect_kind(b"[{\"Id\": \"a\", \"Config\": {}, \"HostConfig\": {}}]"),
        Some(RuntimeKind::InspectJson)
    );
    assert_eq!(
        detect_kind(b"services:\n  web:\n    image: nginx\n"),
        Some(RuntimeKind::Compose)
    );
    // GitLab CI's `services:` is a list; a workflow's is under jobs
    assert_eq!(detect_kind(b"services:\n  - docker:dind\n"), None);
    assert_eq!(detect_kind(b"{\"name\": \"x\"}"), None);
}

#[test]
fn helm_templates_are_skipped_with_a_clear_line() {
    let t = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\n";
    let ContentKind::Unsupported(msg) = classify("deployment.yaml", t) else {
        panic!("template claimed");
    };
    assert!(msg.contains("helm template"), "{msg}");
    let e = review_file(
        Path::new("templates/deployment.yaml"),
        t.as_bytes(),
        &RuntimeOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(!e.contains('\n') && e.contains("Helm"), "{e}");
    // Go templates in a ConfigMap's block scalar are data
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: am}\ndata:\n  slack.tmpl: |\n    {{ define \"slack.title\" }}\n    {{- range .Alerts }}{{ .Labels.alertname }}{{ end }}\n    {{ end }}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: x:1\n      securityContext: {privileged: true}\n";
    assert_eq!(
        classify("alertmanager.yaml", cm),
        ContentKind::Runtime(RuntimeKind::Kubernetes)
    );
    let r = review_file(
        Path::new("alertmanager.yaml"),
        cm.as_bytes(),
        &RuntimeOptions::default(),
    )
    .unwrap();
    assert!(r.findings.iter().any(|f| f.rule == "RT001"));
    // Go templates inside quoted Compose values are data, not a template file
    let c = "services:\n  db:\n    image: pg:16\n    healthcheck:\n      test: [\"CMD\", \"docker\", \"inspect\", \"-f\", \"{{.State.Status}}\"]\n";
    assert_eq!(
        classify("docker-compose.yml", c),
        ContentKind::Runtime(RuntimeKind::Compose)
    );
}

#[test]
fn invalid_compose_files_are_refused_with_positions() {
    let text = "services:\n  web:\n    image: nginx:1.27\n    ports: \"80:80\"\n    privileged: sometimes\n  db: postgres\nvolumes:\n  data: big\n";
    let e = review_file(
        Path::new("compose.yaml"),
        text.as_bytes(),
        &RuntimeOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, RuntimeError::InvalidCompose { .. }));
    let lines: Vec<String> = e.to_string().lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(
        lines[0].starts_with(
            "compose.yaml:4:12: invalid Compose file: services.web.ports must be a list"
        ),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("compose.yaml:5:17:"), "{}", lines[1]);
    assert!(
        lines[2]
            .starts_with("compose.yaml:6:7: invalid Compose file: services.db must be a mapping"),
        "{}",
        lines[2]
    );
    assert!(lines[3].starts_with("compose.yaml:8:9:"), "{}", lines[3]);
    // services holding a scalar
    let e = review_file(
        Path::new("docker-compose.yml"),
        b"services: web\n",
        &RuntimeOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "docker-compose.yml:1:11: invalid Compose file: services must be a mapping, not a scalar"
    );
    // anchors, merge keys, x- fields, extends and both syntaxes are valid
    let ok = "x-base: &base\n  restart: \"on-failure:3\"\n  environment: {A: \"1\"}\nservices:\n  base:\n    image: example/base:1\n    x-note: anything\n  web:\n    <<: *base\n    extends: base\n    ports: [\"8080:80\", {target: 443, published: \"8443\", protocol: tcp}]\n    volumes: [\"./a:/a:ro\", {type: tmpfs, target: /tmp}]\n    environment: [\"B=2\"]\n    secrets: [s1, {source: s2, target: /run/s2}]\n    configs: [{source: c1}]\nsecrets:\n  s1: {file: ./s1}\n  s2: {environment: S2}\nconfigs:\n  c1: {content: x}\n";
    review_file(
        Path::new("compose.yaml"),
        ok.as_bytes(),
        &RuntimeOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

const SA_FILE: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\nautomountServiceAccountToken: false\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: web-secrets, namespace: shop}\nsubjects: [{kind: ServiceAccount, name: web}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secrets-reader}\n";
const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      serviceAccountName: web\n      containers:\n        - name: web\n          image: example/web:1\n";
const ROLE: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: secrets-reader, namespace: shop}\nrules:\n  - apiGroups: [\"\"]\n    resources: [secrets]\n    verbs: [get, list]\n";

#[test]
fn service_accounts_and_bindings_count_across_the_scanned_set() {
    let alone = RuntimeOptions::default();
    let f = review_file(Path::new("deploy.yaml"), DEPLOY.as_bytes(), &alone).unwrap();
    assert!(
        f.findings.iter().any(|x| x.rule == "RT018"),
        "no SA seen: reported"
    );
    let r = review_file(Path::new("role.yaml"), ROLE.as_bytes(), &alone).unwrap();
    let rbac: Vec<_> = r.findings.iter().filter(|x| x.rule == "RT029").collect();
    assert_eq!(rbac.len(), 1);
    assert_eq!(rbac[0].severity, Severity::Medium, "unbound role: medium");

    let set = ManifestSet::collect(&[
        ("sa.yaml".to_string(), SA_FILE.as_bytes().to_vec()),
        ("deploy.yaml".to_string(), DEPLOY.as_bytes().to_vec()),
        ("role.yaml".to_string(), ROLE.as_bytes().to_vec()),
    ]);
    let opts = RuntimeOptions {
        manifest_set: Some(Arc::new(set)),
        ..RuntimeOptions::default()
    };
    let f = review_file(Path::new("deploy.yaml"), DEPLOY.as_bytes(), &opts).unwrap();
    assert!(
        !f.findings.iter().any(|x| x.rule == "RT018"),
        "the ServiceAccount in sa.yaml disables automount"
    );
    let r = review_file(Path::new("role.yaml"), ROLE.as_bytes(), &opts).unwrap();
    let rbac: Vec<_> = r.findings.iter().filter(|x| x.rule == "RT029").collect();
    assert_eq!(rbac[0].severity, Severity::High, "{:?}", rbac[0].message);
    assert!(rbac[0].message.contains("RoleBinding/web-secrets"));
    // pod-level true overrides the ServiceAccount's false
    let over = DEPLOY.replace(
        "serviceAccountName: web\n",
        "serviceAccountName: web\n      automountServiceAccountToken: true\n",
    );
    let f = review_file(Path::new("deploy.yaml"), over.as_bytes(), &opts).unwrap();
    assert!(f.findings.iter().any(|x| x.rule == "RT018"));
}

#[test]
fn inline_ignores_and_checkov_skips() {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/k8s/suppressed.neg.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    let rules = |t: &str| -> Vec<String> {
        let mut v: Vec<String> = review_file(&p, t.as_bytes(), &RuntimeOptions::default())
            .unwrap()
            .findings
            .into_iter()
            .map(|f| f.rule)
            .filter(|r| ["RT001", "RT009", "RT013", "RT017", "RT026"].contains(&r.as_str()))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert!(rules(&text).is_empty());
    // without the comments and annotations every one of them fires
    let bare: String = text
        .lines()
        .filter(|l| !l.contains("checkov.io") && !l.trim_start().starts_with("# drydock"))
        .map(|l| l.split(" # drydock").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(rules(&bare), ["RT001", "RT009", "RT013", "RT017", "RT026"]);
    // unknown ids are reported, known foreign ids without a rule are not
    let r = review_file(
        Path::new("c.yaml"),
        b"services:\n  a:\n    image: x:1 # drydock ignore=RT999,KSV002\n",
        &RuntimeOptions::default(),
    )
    .unwrap();
    assert_eq!(
        r.warnings,
        ["c.yaml:3: unknown rule `RT999` in an ignore comment (see `drydock rules`)"]
    );
}
