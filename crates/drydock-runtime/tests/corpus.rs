//! The real Compose files and manifests of `../shared/corpus`: every file parses (or gets a
//! clear error for invalid YAML), the risky settings named in each `sources.tsv` note are
//! caught, `hardened` files have no high findings from the hardening rules, and settings that
//! only appear in comments never fire. Skipped (loudly) when `../shared` is absent.

use drydock_core::{Finding, Severity};
use drydock_runtime::{is_runtime_file, review_file, RuntimeError, RuntimeKind, RuntimeOptions};
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    // DRYDOCK_CORPUS overrides the location (worktrees sit deeper than `../shared`).
    let from_env = std::env::var_os("DRYDOCK_CORPUS").map(PathBuf::from);
    let default = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ));
    let p = from_env.as_deref().unwrap_or(default);
    if p.join("compose/sources.tsv").exists() {
        Some(p.to_path_buf())
    } else {
        eprintln!("SKIP: ../shared/corpus not found; runtime corpus checks not run");
        None
    }
}

struct Entry {
    id: String,
    file: PathBuf,
    notes: Vec<String>,
}

fn entries(root: &Path, sub: &str) -> Vec<Entry> {
    let tsv = std::fs::read_to_string(root.join(sub).join("sources.tsv")).unwrap();
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let id = cols[0].to_string();
            let dir = root.join(sub).join(&id);
            let file = std::fs::read_dir(&dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .find(|p| p.is_file())
                .unwrap_or_else(|| panic!("no file in {}", dir.display()));
            // `origin label; …; features`: only the last part lists features.
            let notes = cols
                .get(7)
                .unwrap_or(&"")
                .rsplit(';')
                .next()
                .unwrap_or("")
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            Entry { id, file, notes }
        })
        .collect()
}

fn has(f: &[Finding], rule: &str, needle: &str) -> bool {
    f.iter()
        .any(|x| x.rule == rule && x.message.contains(needle))
}

/// Check one note against the findings; returns a problem description.
fn check_note(note: &str, f: &[Finding], kube: bool) -> Option<String> {
    let privileged = has(f, "RT001", "");
    let ok = match note {
        "privileged" => privileged,
        "docker.sock" | "runtime-socket" => has(f, "RT007", ""),
        "network_mode:host" | "hostNetwork" => has(f, "RT009", "network"),
        "pid:host" | "hostPID" => has(f, "RT009", "PID"),
        "ipc:host" | "hostIPC" => has(f, "RT009", "IPC"),
        "userns_mode:host" => has(f, "RT009", "user"),
        "seccomp:unconfined" | "seccomp:Unconfined" => privileged || has(f, "RT010", "seccomp"),
        "apparmor:unconfined" => privileged || has(f, "RT010", "AppArmor"),
        "label:disable" => privileged || has(f, "RT010", "SELinux"),
        "host-root-mount" | "hostPath:/" => has(f, "RT008", "root filesystem"),
        "devices" if !kube => privileged || has(f, "RT014", ""),
        "runAsUser:0" => f
            .iter()
            .any(|x| x.rule == "RT002" && x.message.contains("runAsUser: 0")),
        n if n.starts_with("host-mount:") => {
            let p = &n["host-mount:".len()..];
            f.iter()
                .any(|x| (x.rule == "RT008" || x.rule == "RT007") && x.message.contains(p))
        }
        n if n.starts_with("cap_add:") => n["cap_add:".len()..].split(',').all(|c| {
            drydock_runtime::rules::rt005_capabilities_added::cap_severity(c).is_none()
                || has(f, "RT005", &format!("`{c}`"))
        }),
        _ => true,
    };
    (!ok).then(|| format!("note `{note}` not caught"))
}

fn commented_out(note: &str, f: &[Finding]) -> Vec<String> {
    let Some(items) = note.strip_prefix("commented-out:") else {
        return vec![];
    };
    let mut bad = vec![];
    for item in items.split(',') {
        let fired = match item {
            "cap_add" => has(f, "RT005", ""),
            "unconfined" => has(f, "RT010", ""),
            "privileged" => has(f, "RT001", ""),
            "docker.sock" => has(f, "RT007", "Docker"),
            "network_mode:host" | "hostNetwork" => has(f, "RT009", "network"),
            _ => false,
        };
        if fired {
            bad.push(format!("commented-out `{item}` fired"));
        }
    }
    bad
}

/// Rules the `hardened` label speaks of: privileged, root, read-only root, escalation, caps.
const HARDENING_RULES: &[&str] = &["RT001", "RT002", "RT003", "RT004", "RT005", "RT006"];

fn run(sub: &str, kube: bool) {
    let Some(root) = corpus() else {
        return;
    };
    let opts = RuntimeOptions::default();
    let mut problems = vec![];
    let mut reviewed = 0;
    let mut rejected = vec![];
    let mut per_rule: std::collections::BTreeMap<(String, Severity), usize> = Default::default();
    for e in entries(&root, sub) {
        let bytes = std::fs::read(&e.file).unwrap();
        let want = if kube {
            RuntimeKind::Kubernetes
        } else {
            RuntimeKind::Compose
        };
        let got = is_runtime_file(&e.file, &bytes);
        if got != Some(want) && !(sub == "compose" && e.id == "0134") {
            problems.push(format!("{sub}/{}: detected as {got:?}", e.id));
        }
        let yaml_error = e.notes.iter().any(|n| n.starts_with("yaml-error"))
            || (sub == "compose" && e.id == "0134");
        // The notes describe the settings as written; a file that also silences another
        // scanner inline (kubernetes/0098: `# kics-scan ignore-line` above `privileged: true`)
        // is reviewed here without those comments (their effect is tested in rules.rs). Blank
        // lines replace them, so positions and the commented-out check stay the same.
        let text = String::from_utf8_lossy(&bytes);
        let bytes: Vec<u8> = if text.contains("kics-scan") || text.contains("trivy:ignore") {
            text.lines()
                .map(|l| {
                    let t = l.trim_start();
                    if t.starts_with('#') && (t.contains("kics-scan") || t.contains("trivy:ignore"))
                    {
                        ""
                    } else {
                        l
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes()
        } else {
            bytes
        };
        match review_file(&e.file, &bytes, &opts) {
            Err(err) => {
                let msg = err.to_string();
                rejected.push(msg.clone());
                if !yaml_error {
                    problems.push(format!("{sub}/{}: unexpected error: {msg}", e.id));
                } else if !matches!(err, RuntimeError::Yaml { .. })
                    || msg.contains('\n')
                    || !msg.contains(&e.file.display().to_string())
                {
                    problems.push(format!("{sub}/{}: unclear error: {msg}", e.id));
                }
            }
            Ok(r) => {
                reviewed += 1;
                if yaml_error {
                    problems.push(format!("{sub}/{}: invalid YAML was accepted", e.id));
                }
                for n in &e.notes {
                    if let Some(p) = check_note(n, &r.findings, kube) {
                        problems.push(format!("{sub}/{}: {p}", e.id));
                    }
                    for p in commented_out(n, &r.findings) {
                        problems.push(format!("{sub}/{}: {p}", e.id));
                    }
                }
                if e.notes.iter().any(|n| n == "hardened") {
                    for f in &r.findings {
                        if HARDENING_RULES.contains(&f.rule.as_str())
                            && f.severity >= Severity::High
                        {
                            problems.push(format!(
                                "{sub}/{}: hardened file has {} {}: {}",
                                e.id, f.rule, f.severity, f.message
                            ));
                        }
                    }
                }
                for f in &r.findings {
                    *per_rule.entry((f.rule.clone(), f.severity)).or_default() += 1;
                }
                if std::env::var_os("DRYDOCK_CORPUS_VERBOSE").is_some() {
                    for f in &r.findings {
                        eprintln!("{sub}/{} {} {} {}", e.id, f.rule, f.severity, f.message);
                    }
                }
            }
        }
    }
    eprintln!(
        "runtime corpus {sub}: {reviewed} files reviewed, {} rejected",
        rejected.len()
    );
    for r in &rejected {
        eprintln!("runtime corpus {sub}: rejected: {r}");
    }
    for ((rule, sev), n) in &per_rule {
        eprintln!("runtime corpus {sub}: {rule} {sev}: {n}");
    }
    assert!(reviewed > 100, "only {reviewed} {sub} files reviewed");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn compose_corpus() {
    run("compose", false);
}

#[test]
fn kubernetes_corpus() {
    run("kubernetes", true);
}
