//! YAML and input edge cases: anchors/merge keys, multi-document streams, flow style,
//! interpolation from `.env`, CRLF, `extends`, legacy v1 format, profiles, invalid YAML,
//! alias bombs, file detection and the joined view with image facts.

use drydock_core::{Finding, Location, Severity};
use drydock_runtime::{
    find_runtime_files, is_runtime_file, review_file, ImageFacts, RuntimeError, RuntimeKind,
    RuntimeOptions,
};
use std::path::{Path, PathBuf};

fn fx(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn review_str(name: &str, text: &str) -> Result<Vec<Finding>, RuntimeError> {
    review_file(Path::new(name), text.as_bytes(), &RuntimeOptions::default()).map(|r| r.findings)
}

fn at(f: &Finding) -> (usize, usize, usize) {
    match &f.location {
        Location::Source(s) => (s.start_line, s.start_column, s.end_column),
        l => panic!("{l:?}"),
    }
}

fn find<'a>(f: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    f.iter().filter(|x| x.rule == rule).collect()
}

#[test]
fn positions_point_at_the_key() {
    let f = review_str(
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n",
    )
    .unwrap();
    let p = find(&f, "RT001");
    assert_eq!(
        at(p[0]),
        (4, 5, 14),
        "line 4, `privileged` spans columns 5..=14"
    );
    match &p[0].location {
        Location::Source(s) => assert_eq!(s.path, "compose.yaml"),
        _ => unreachable!(),
    }
}

#[test]
fn anchors_merge_keys_and_extension_fields() {
    let y = "x-hardening: &risky\n  privileged: true\n  cap_add: [SYS_ADMIN]\nservices:\n  a:\n    <<: *risky\n    image: a:1\n  b:\n    <<: *risky\n    privileged: false\n    image: b:1\n";
    let f = review_str("compose.yaml", y).unwrap();
    let p = find(&f, "RT001");
    assert_eq!(p.len(), 1, "b overrides the merged privileged: {f:#?}");
    assert!(p[0].message.contains("`a`"));
    assert_eq!(
        at(p[0]).0,
        2,
        "merged settings point at the anchor's definition"
    );
    // both services get SYS_ADMIN from the anchor: one finding at the anchor naming both
    let caps = find(&f, "RT005");
    assert_eq!(caps.len(), 1, "{caps:#?}");
    assert!(
        caps[0].message.contains("(also service `b`)"),
        "{}",
        caps[0].message
    );
}

#[test]
fn multi_document_flow_style_and_lists() {
    let y = "---\n{apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {hostPID: true, containers: [{name: c, image: 'x:1'}]}}\n---\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: DaemonSet\n    metadata: {name: ds}\n    spec:\n      template:\n        spec:\n          containers:\n            - name: d\n              image: y:1\n              securityContext: {privileged: true}\n";
    let f = review_str("pods.yaml", y).unwrap();
    assert!(find(&f, "RT009")
        .iter()
        .any(|x| x.message.contains("Pod/a") && at(x).0 == 2));
    assert!(find(&f, "RT001")
        .iter()
        .any(|x| x.message.contains("DaemonSet/ds") && at(x).0 == 17));
}

#[test]
fn crlf_and_bom() {
    let y = "\u{feff}services:\r\n  web:\r\n    image: nginx:1.27\r\n    privileged: true\r\n";
    let f = review_str("compose.yaml", y).unwrap();
    assert_eq!(at(find(&f, "RT001")[0]).0, 4);
}

#[test]
fn interpolation_from_dotenv_and_options() {
    let p = fx("interp/compose.yaml");
    let bytes = std::fs::read(&p).unwrap();
    let r = review_file(&p, &bytes, &RuntimeOptions::default()).unwrap();
    let f = &r.findings;
    assert_eq!(find(f, "RT001").len(), 1, "PRIV=true from .env");
    assert!(find(f, "RT007")
        .iter()
        .any(|x| x.message.contains("/var/run/docker.sock")));
    assert!(
        find(f, "RT002")
            .iter()
            .any(|x| x.message.contains("`root`")),
        "default applies"
    );
    assert!(
        find(f, "RT016").is_empty(),
        "${{API_TOKEN}} is a reference, not a secret"
    );
    assert_eq!(r.images[0].image, "example/app:1.2.3");
    // the caller's environment overrides .env
    let mut opts = RuntimeOptions::default();
    opts.env.insert("PRIV".into(), "false".into());
    opts.env.insert("RUN_AS".into(), "1000".into());
    let f = review_file(&p, &bytes, &opts).unwrap().findings;
    assert!(find(&f, "RT001").is_empty());
    assert!(find(&f, "RT002").is_empty());
}

#[test]
fn extends_same_file_and_other_file() {
    let p = fx("extends/compose.yaml");
    let r = review_file(&p, &std::fs::read(&p).unwrap(), &RuntimeOptions::default()).unwrap();
    let f = &r.findings;
    assert!(
        find(f, "RT001").iter().any(|x| x.message.contains("`web`")),
        "web extends common: {f:#?}"
    );
    assert!(
        !find(f, "RT002").iter().any(|x| x.message.contains("`web`")),
        "web overrides user"
    );
    let sock = find(f, "RT007");
    let w = sock
        .iter()
        .find(|x| x.message.contains("`worker`"))
        .expect("socket from base.yaml");
    match &w.location {
        Location::Source(s) => assert!(
            s.path.ends_with("base.yaml"),
            "points into the extended file: {}",
            s.path
        ),
        _ => unreachable!(),
    }
    let caps: Vec<_> = find(f, "RT005")
        .into_iter()
        .filter(|x| x.message.contains("`worker`"))
        .collect();
    assert_eq!(caps.len(), 2, "cap_add lists are concatenated: {caps:#?}");
}

#[test]
fn extends_cycle_is_an_error_not_a_hang() {
    let e = review_str(
        "compose.yaml",
        "services:\n  a:\n    extends: b\n  b:\n    extends: a\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("extends"), "{e}");
}

#[test]
fn legacy_v1_and_profiles() {
    let f = review_str(
        "docker-compose.yml",
        "web:\n  image: nginx\n  privileged: true\nx-ignored:\n  privileged: true\n",
    )
    .unwrap();
    assert_eq!(find(&f, "RT001").len(), 1);
    // YAML that is neither Compose nor Kubernetes, given by name: refused in one line
    let e = review_str(
        "values.yaml",
        "securityContext:\n  privileged: true\nimage:\n  repository: x\n",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        format!("values.yaml: {}", drydock_runtime::NOT_SUPPORTED)
    );
    let f = review_str(
        "compose.yaml",
        "services:\n  dbg:\n    image: busybox:1\n    profiles: [debug]\n    pid: host\n",
    )
    .unwrap();
    assert!(find(&f, "RT009")[0].message.contains("(profile `debug`)"));
}

#[test]
fn invalid_yaml_is_a_one_line_error_with_position() {
    let e = review_str("compose.yaml", "services:\n  web\n    image: nginx\n").unwrap_err();
    let s = e.to_string();
    assert!(
        s.starts_with("compose.yaml:") && s.contains("invalid YAML") && !s.contains('\n'),
        "{s}"
    );
    assert!(matches!(e, RuntimeError::Yaml { line: 3, .. }), "{e:?}");
    let e = review_str("compose.yaml", "services: [\n").unwrap_err();
    assert!(e.to_string().contains("invalid YAML"));
}

#[test]
fn alias_bomb_and_binary_input() {
    let mut y = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for c in 'b'..='i' {
        y.push_str(&format!(
            "{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = c;
    }
    let e = review_str("compose.yaml", &y).unwrap_err();
    assert!(e.to_string().contains("alias"), "{e}");
    let e = review_file(
        Path::new("compose.yaml"),
        &[0xff, 0xfe, 0x00, 0x41],
        &RuntimeOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("UTF-8"), "{e}");
}

#[test]
fn joined_view_with_image_facts() {
    let mut opts = RuntimeOptions::default();
    opts.image_facts.insert(
        "example/app:1".into(),
        ImageFacts {
            user: Some("app".into()),
        },
    );
    opts.image_facts
        .insert("example/rootimg:1".into(), ImageFacts { user: None });
    let k = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: example/app:1\n    - name: b\n      image: example/app:1\n      securityContext: {runAsUser: 0}\n    - name: c\n      image: example/rootimg:1\n";
    let f = review_file(Path::new("pod.yaml"), k.as_bytes(), &opts)
        .unwrap()
        .findings;
    let root = find(&f, "RT002");
    assert!(
        !root.iter().any(|x| x.message.contains("`a`")),
        "non-root image, no override: {root:#?}"
    );
    let b = root.iter().find(|x| x.message.contains("`b`")).unwrap();
    assert!(
        b.message
            .contains("overriding the image's non-root user `app`")
            && b.severity == Severity::High
    );
    assert!(root
        .iter()
        .any(|x| x.message.contains("`c`") && x.message.contains("image's default user is root")));
}

#[test]
fn argo_workflow_templates() {
    let y = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: build-}\nspec:\n  templates:\n    - name: dind\n      container:\n        image: docker:24-dind\n        securityContext: {privileged: true}\n";
    let f = review_str("wf.yaml", y).unwrap();
    assert!(find(&f, "RT001")[0].message.contains("template `dind`"));
}

#[test]
fn file_detection() {
    let k = b"apiVersion: apps/v1\nkind: Deployment\n";
    assert_eq!(
        is_runtime_file(Path::new("deploy.yaml"), k),
        Some(RuntimeKind::Kubernetes)
    );
    assert_eq!(
        is_runtime_file(Path::new("compose.yaml"), b"services: {}\n"),
        Some(RuntimeKind::Compose)
    );
    assert_eq!(
        is_runtime_file(Path::new("docker-compose.prod.yml"), b""),
        Some(RuntimeKind::Compose)
    );
    assert_eq!(
        is_runtime_file(
            Path::new("stack.yml"),
            b"version: '3'\nservices:\n  web:\n    image: x\n"
        ),
        Some(RuntimeKind::Compose)
    );
    assert_eq!(
        is_runtime_file(
            Path::new("inspect.json"),
            b"[{\"Id\":\"x\",\"Config\":{},\"HostConfig\":{}}]"
        ),
        Some(RuntimeKind::InspectJson)
    );
    // not claimed: GitHub workflow, GitLab CI (services is a list), Helm values and templates
    assert_eq!(
        is_runtime_file(
            Path::new("ci.yml"),
            b"on: push\njobs:\n  b:\n    services:\n      db:\n        image: pg\n"
        ),
        None
    );
    assert_eq!(
        is_runtime_file(Path::new(".gitlab-ci.yml"), b"services:\n  - docker:dind\n"),
        None
    );
    assert_eq!(
        is_runtime_file(Path::new("build.yml"), b"services:\n  - docker:dind\n"),
        None
    );
    assert_eq!(
        is_runtime_file(
            Path::new("values.yaml"),
            b"image:\n  tag: 1\nsecurityContext: {}\n"
        ),
        None
    );
    assert_eq!(
        is_runtime_file(
            Path::new("deployment.yaml"),
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
        ),
        None
    );
    assert_eq!(
        is_runtime_file(Path::new("package.json"), b"{\"name\":\"x\"}"),
        None
    );
    let found = find_runtime_files(&fx(""));
    assert!(found.iter().any(|p| p.ends_with("interp/compose.yaml")));
    assert!(found
        .iter()
        .any(|p| p.ends_with("inspect/podman-hardened.json")));
    assert!(found.iter().any(|p| p.ends_with("k8s/risky.pos.yaml")));
}

#[test]
fn truncated_and_mangled_inputs_never_panic() {
    let mut files = Vec::new();
    for sub in ["rules/compose", "rules/k8s", "interp", "extends"] {
        for e in std::fs::read_dir(fx(sub)).unwrap().flatten() {
            files.push(e.path());
        }
    }
    assert!(files.len() >= 6);
    for p in files {
        let bytes = std::fs::read(&p).unwrap();
        for cut in (0..bytes.len()).step_by(41) {
            let _ = review_file(&p, &bytes[..cut], &RuntimeOptions::default());
            // swap a byte for a YAML indicator to produce odd but parseable structures
            let mut m = bytes.clone();
            m[cut] = b"[{:&*!|>"[cut % 8];
            let _ = review_file(&p, &m, &RuntimeOptions::default());
        }
    }
}
