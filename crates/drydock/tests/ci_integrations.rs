//! The CI integrations shipped in the repository work as written: the GitHub Action's
//! scripts, the GitLab template's job and the pre-commit hooks are parsed from their files
//! and run with the built binary against examples/.

mod support;

use serde_json::Value;
use serde_yaml_ng::Value as Yaml;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn yaml(name: &str) -> Yaml {
    let text = std::fs::read_to_string(root().join(name)).unwrap();
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// PATH with the drydock under test first.
fn path_with_drydock() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_drydock"))
        .parent()
        .unwrap()
        .to_path_buf();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn bash() -> Command {
    let mut c = Command::new("bash");
    c.env("PATH", path_with_drydock())
        .env("HOME", std::env::temp_dir())
        .env_remove("NO_COLOR");
    c
}

/// `${{ inputs.NAME }}` → the input's value (`overrides` first, else its default).
fn expand_inputs(s: &str, action: &Yaml, overrides: &[(&str, String)]) -> String {
    let re = regex::Regex::new(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}").unwrap();
    re.replace_all(s, |c: &regex::Captures| {
        let name = &c[1];
        overrides
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| {
                action["inputs"][name]["default"]
                    .as_str()
                    .unwrap_or_else(|| panic!("input {name} has no default"))
                    .to_string()
            })
    })
    .into_owned()
}

#[test]
fn github_action_builds_from_source_scans_examples_and_uploads_sarif() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let by_id = |id: &str| steps.iter().find(|s| s["id"].as_str() == Some(id));
    let build = by_id("build").expect("build step")["run"].as_str().unwrap();
    assert!(
        build.contains("cargo build") && build.contains("--locked"),
        "{build}"
    );
    for fetch in ["curl", "wget", "releases/download"] {
        assert!(!build.contains(fetch), "the build step downloads: {build}");
    }
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("upload-sarif step");
    assert!(upload["with"]["sarif_file"]
        .as_str()
        .unwrap()
        .contains("inputs.sarif-file"));
    for s in steps.iter().filter(|s| s["run"].is_string()) {
        assert_eq!(
            s["shell"].as_str(),
            Some("bash"),
            "composite run steps need a shell"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("github_output");
    std::fs::write(&out_file, "").unwrap();
    let scan = by_id("scan").expect("scan step");
    let overrides = [(
        "targets",
        format!(
            "{} {}",
            root().join("examples/webapp").display(),
            root().join("examples/hardened").display()
        ),
    )];
    let mut cmd = bash();
    cmd.current_dir(dir.path()).env("GITHUB_OUTPUT", &out_file);
    for (k, v) in scan["env"].as_mapping().unwrap() {
        cmd.env(
            k.as_str().unwrap(),
            expand_inputs(v.as_str().unwrap(), &action, &overrides),
        );
    }
    let out = cmd
        .arg("-c")
        .arg(scan["run"].as_str().unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outputs = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(outputs.trim(), "exit-code=1", "examples have high findings");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("drydock.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());

    // The gate step turns the recorded status into the job's result.
    let gate = steps
        .iter()
        .find(|s| s["name"].as_str() == Some("Gate"))
        .expect("gate step");
    let status = bash()
        .env("DRYDOCK_STATUS", "1")
        .arg("-c")
        .arg(gate["run"].as_str().unwrap())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));

    // A severity filter through the inputs reaches drydock.
    let mut cmd = bash();
    std::fs::write(&out_file, "").unwrap();
    cmd.current_dir(dir.path()).env("GITHUB_OUTPUT", &out_file);
    let overrides = [
        (
            "targets",
            root().join("examples/hardened").display().to_string(),
        ),
        ("severity", "CRITICAL".to_string()),
        ("fail-on", "critical".to_string()),
    ];
    for (k, v) in scan["env"].as_mapping().unwrap() {
        cmd.env(
            k.as_str().unwrap(),
            expand_inputs(v.as_str().unwrap(), &action, &overrides),
        );
    }
    let out = cmd
        .arg("-c")
        .arg(scan["run"].as_str().unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("drydock.sarif")).unwrap())
            .unwrap();
    for r in sarif["runs"][0]["results"].as_array().unwrap() {
        assert_eq!(r["properties"]["severity"], "critical", "{r}");
    }
}

#[test]
fn gitlab_template_writes_a_code_quality_report_and_gates() {
    let doc = yaml("ci/gitlab/drydock.gitlab-ci.yml");
    let job = &doc["drydock"];
    assert_eq!(
        job["artifacts"]["reports"]["codequality"].as_str(),
        Some("gl-code-quality-report.json")
    );
    assert_eq!(job["artifacts"]["when"].as_str(), Some("always"));
    let lines = |k: &str| -> Vec<String> {
        job[k]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect()
    };
    let script = [lines("before_script"), lines("script")]
        .concat()
        .join("\n");
    assert!(script.contains("--format gitlab"));
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = bash();
    cmd.current_dir(dir.path());
    for (k, v) in job["variables"].as_mapping().unwrap() {
        cmd.env(k.as_str().unwrap(), v.as_str().unwrap());
    }
    cmd.env(
        "DRYDOCK_TARGETS",
        root().join("examples").display().to_string(),
    );
    // GitLab runs the lines as one bash script with errexit and pipefail.
    let out = cmd
        .args(["-e", "-o", "pipefail", "-c", &script])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("gl-code-quality-report.json")).unwrap(),
    )
    .unwrap();
    let issues = report.as_array().unwrap();
    assert!(!issues.is_empty());
    for i in issues {
        for k in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[k].is_string(), "{k} in {i}");
        }
        assert!(
            i["location"]["path"].is_string() && i["location"]["lines"]["begin"].is_u64(),
            "{i}"
        );
    }
    assert!(issues.iter().any(|i| i["location"]["path"]
        .as_str()
        .unwrap()
        .ends_with("examples/webapp/Dockerfile")));
}

#[test]
fn pre_commit_hooks_select_the_right_files_and_run() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_sequence().unwrap();
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["drydock-dockerfile", "drydock-compose"]);
    let examples = root().join("examples");
    for h in hooks {
        for k in ["id", "name", "entry", "language", "files"] {
            assert!(
                h[k].as_str().is_some_and(|s| !s.is_empty()),
                "{k} missing in {h:?}"
            );
        }
        assert!(["system", "rust"].contains(&h["language"].as_str().unwrap()));
        let files = regex::Regex::new(h["files"].as_str().unwrap()).unwrap();
        let (yes, no): (&[&str], &[&str]) = match h["id"].as_str().unwrap() {
            "drydock-dockerfile" => (
                &[
                    "examples/webapp/Dockerfile",
                    "Dockerfile",
                    "build/Containerfile",
                    "Dockerfile.prod",
                    "docker/api.Dockerfile",
                    "Dockerfile-dev",
                ],
                &[
                    "examples/webapp/app.py",
                    "compose.yaml",
                    "docs/Dockerfile.md/x",
                    "NotADockerfilex",
                ],
            ),
            _ => (
                &[
                    "compose.yaml",
                    "docker-compose.yml",
                    "deploy/docker-compose.prod.yml",
                    "compose.override.yaml",
                ],
                &[
                    "Dockerfile",
                    "k8s/deployment.yaml",
                    "composer.json",
                    "docs/compose.md",
                ],
            ),
        };
        for p in yes {
            assert!(
                files.is_match(p),
                "{} does not select {p}",
                h["id"].as_str().unwrap()
            );
        }
        for p in no {
            assert!(
                !files.is_match(p),
                "{} selects {p}",
                h["id"].as_str().unwrap()
            );
        }
        // pre-commit runs `entry FILE…` with the staged files that match.
        let mut selected: Vec<String> = Vec::new();
        for d in ["webapp", "hardened", "multistage"] {
            for e in std::fs::read_dir(examples.join(d)).unwrap() {
                let p = e.unwrap().path();
                let rel = p.strip_prefix(root()).unwrap().display().to_string();
                if files.is_match(&rel) {
                    selected.push(rel);
                }
            }
        }
        if h["id"].as_str() == Some("drydock-dockerfile") {
            assert_eq!(selected.len(), 3, "{selected:?}");
            let entry: Vec<&str> = h["entry"].as_str().unwrap().split_whitespace().collect();
            let out = bash()
                .current_dir(root())
                .arg("-c")
                .arg(format!("{} \"$@\"", entry.join(" ")))
                .arg("hook")
                .args(&selected)
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(1),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(String::from_utf8_lossy(&out.stdout).contains("examples/webapp/Dockerfile"));
        }
    }
}
