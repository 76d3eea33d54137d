//! Fleet scans: targets files, `--shard`, `--output-dir`, `--jobs`, `drydock registry list`
//! against a real `docker-registry`, and the Kubernetes manifests in deploy/kubernetes.

mod support;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use support::{drydock, json_of, write};

/// `n` Dockerfiles, each with one finding at least (root user, latest tag), and their paths.
fn dockerfiles(dir: &Path, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let p = write(
                dir,
                &format!("svc{i}/Dockerfile"),
                &format!("FROM alpine\nRUN echo {i}\n"),
            );
            p.to_string_lossy().into_owned()
        })
        .collect()
}

fn summary(dir: &Path) -> Value {
    json_of(&std::fs::read(dir.join("summary.json")).unwrap())
}

fn scanned(dir: &Path) -> BTreeSet<String> {
    summary(dir)["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["target"].as_str().unwrap().to_string())
        .collect()
}

fn run_shard(targets_file: &Path, shard: &str, out: &Path) -> std::process::Output {
    drydock()
        .args(["scan", "--no-progress", "-f", "json", "--fail-on", "none"])
        .arg("--targets-file")
        .arg(targets_file)
        .args(["--shard", shard, "--output-dir"])
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn shards_cover_every_target_once_and_adding_targets_moves_none() {
    let tmp = tempfile::tempdir().unwrap();
    let all = dockerfiles(tmp.path(), 14);
    let list = tmp.path().join("targets.txt");
    std::fs::write(&list, format!("# fleet\n\n{}\n", all[..10].join("\n"))).unwrap();
    let mut before: BTreeMap<String, u32> = BTreeMap::new();
    for i in 0..3u32 {
        let out = tmp.path().join(format!("r{i}"));
        let o = run_shard(&list, &format!("{i}/3"), &out);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        for t in scanned(&out) {
            assert!(before.insert(t.clone(), i).is_none(), "{t} in two shards");
        }
        assert_eq!(summary(&out)["shard"]["index"], i);
        assert_eq!(summary(&out)["targets_listed"], 10);
    }
    assert_eq!(
        before.keys().cloned().collect::<BTreeSet<_>>(),
        all[..10].iter().cloned().collect::<BTreeSet<_>>()
    );
    // 14 targets: the first 10 keep their shards; the new 4 land somewhere, once.
    std::fs::write(&list, all.join("\n")).unwrap();
    let mut after: BTreeMap<String, u32> = BTreeMap::new();
    for i in 0..3u32 {
        let out = tmp.path().join(format!("s{i}"));
        let o = run_shard(&list, &format!("{i}/3"), &out);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        for t in scanned(&out) {
            assert!(after.insert(t.clone(), i).is_none(), "{t} in two shards");
        }
    }
    assert_eq!(after.len(), 14);
    for (t, s) in &before {
        assert_eq!(after[t], *s, "{t} moved");
    }
}

#[test]
fn shard_and_jobs_values_are_checked() {
    for bad in ["3/3", "4/3", "0/0", "x/3", "1", "-1/3"] {
        let o = drydock()
            .args(["scan", "Dockerfile", &format!("--shard={bad}")])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--shard"), "{bad}: {err}");
    }
    let o = drydock()
        .args(["scan", "Dockerfile", "--jobs", "0"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn targets_file_errors_name_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let list = write(
        tmp.path(),
        "t.txt",
        "# ok\nalpine:3.19\nalpine:3.19 debian:12\n",
    );
    let o = drydock()
        .args(["scan", "--targets-file"])
        .arg(&list)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains(&format!("{}:3:", list.display())), "{err}");

    let o = drydock()
        .args(["scan", "--targets-file", "/nonexistent/targets.txt"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/targets.txt"));

    let bin = write(tmp.path(), "bin.txt", "");
    std::fs::write(&bin, b"alpine\n\xff\xfe\n").unwrap();
    let o = drydock()
        .args(["scan", "--targets-file"])
        .arg(&bin)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bin.txt:2:"));
}

#[test]
fn targets_from_stdin_merge_with_arguments_into_one_report() {
    let tmp = tempfile::tempdir().unwrap();
    let files = dockerfiles(tmp.path(), 3);
    let o = drydock()
        .args(["scan", "-f", "json", "--fail-on", "none", "--jobs", "2"])
        .arg(&files[0])
        .args(["--targets-file", "-"])
        .write_stdin(format!("{}\n{}\n{}\n", files[1], files[2], files[0]))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json_of(&o.stdout);
    let paths: BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["location"]["path"].as_str())
        .collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    // Listed twice, scanned once: as many findings as a plain scan of the three.
    let plain = drydock()
        .args(["scan", "-f", "json", "--fail-on", "none"])
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(
        v["findings"].as_array().unwrap().len(),
        json_of(&plain.stdout)["findings"].as_array().unwrap().len()
    );
}

#[test]
fn output_dir_holds_one_report_per_target_and_a_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let files = dockerfiles(tmp.path(), 3);
    let out = tmp.path().join("reports");
    let o = drydock()
        .args(["scan", "--no-progress", "-f", "json", "--fail-on", "high"])
        .args(&files)
        .arg("docker-archive:/nonexistent/app.tar")
        .arg("--output-dir")
        .arg(&out)
        .output()
        .unwrap();
    // One target could not be scanned: exit 2, and still every report and the summary.
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let s = summary(&out);
    let entries = s["targets"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(s["targets_scanned"], 4);
    assert_eq!(s["exit_code"], 2);
    let mut names = BTreeSet::new();
    for e in entries {
        let name = e["report"].as_str().unwrap();
        assert!(names.insert(name.to_string()));
        let report = json_of(&std::fs::read(out.join(name)).unwrap());
        // The summary's counts are the report's findings by severity.
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for f in report["findings"].as_array().unwrap() {
            *counts
                .entry(f["severity"].as_str().unwrap().to_ascii_lowercase())
                .or_default() += 1;
        }
        for sev in ["critical", "high", "medium", "low", "info"] {
            assert_eq!(
                e["counts"][sev].as_u64().unwrap(),
                counts.get(sev).copied().unwrap_or(0),
                "{name} {sev}"
            );
        }
        assert!(e["duration_ms"].is_u64());
        if e["target"].as_str().unwrap().starts_with("docker-archive:") {
            assert_eq!(e["status"], "error");
            assert!(!e["errors"].as_array().unwrap().is_empty());
            assert!(!report["errors"].as_array().unwrap().is_empty());
        } else {
            assert!(e["errors"].as_array().unwrap().is_empty());
            assert!(!report["findings"].as_array().unwrap().is_empty());
        }
    }
    let on_disk: BTreeSet<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.insert("summary.json".into());
    assert_eq!(on_disk, names, "no stray temporary files");
}

#[test]
fn hostile_targets_cannot_write_outside_the_output_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("a/b");
    std::fs::create_dir_all(&work).unwrap();
    write(tmp.path(), "evil/Dockerfile", "FROM alpine\n");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    // A symlink planted where a report will go must be replaced, not followed.
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "keep").unwrap();
    let hostile = [
        "../../evil/Dockerfile",
        "docker-archive:../../../../etc/passwd.tar",
        "oci:/..//../summary",
        "..",
    ];
    std::os::unix::fs::symlink(&victim, out.join("summary.json")).unwrap();
    let before = listing(tmp.path(), &out);
    let o = drydock()
        .current_dir(&work)
        .args([
            "scan",
            "--no-progress",
            "-f",
            "json",
            "--output-dir",
            "../../out",
        ])
        .args(hostile)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    assert!(!std::fs::symlink_metadata(out.join("summary.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        before,
        listing(tmp.path(), &out),
        "a file was written outside out/"
    );
    let s = summary(&out);
    assert_eq!(s["targets"].as_array().unwrap().len(), hostile.len());
    for e in s["targets"].as_array().unwrap() {
        let name = e["report"].as_str().unwrap();
        assert!(!name.contains('/') && !name.starts_with('.'), "{name}");
        assert!(out.join(name).is_file(), "{name}");
    }
}

/// Every path below `root` outside `except`.
fn listing(root: &Path, except: &Path) -> BTreeSet<PathBuf> {
    walk(root)
        .into_iter()
        .filter(|p| !p.starts_with(except))
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() && !p.is_symlink() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

// ------------------------------------------------------------------ registry list

const REGISTRY_BIN: &str = "/usr/bin/docker-registry";

/// A LOUD skip when a tool is missing, or a failure when CI demands the integration tests.
fn missing(tool: &str, path: &str) -> bool {
    if Path::new(path).exists() {
        return false;
    }
    if drydock_core::env::require_integration() {
        panic!("{tool} is not installed and DRYDOCK_REQUIRE_INTEGRATION=1");
    }
    eprintln!(
        "\n!!! SKIPPED: {tool} ({path}) is not installed; this integration test did NOT run.\n"
    );
    true
}

struct Registry {
    child: std::process::Child,
    port: u16,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_registry(root: &Path) -> Registry {
    let port = free_port();
    let cfg = root.join("config.yml");
    std::fs::write(
        &cfg,
        format!(
            "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: drydock-fleet-test\n",
            root.join("storage").display()
        ),
    )
    .unwrap();
    let log = std::fs::File::create(root.join("registry.log")).unwrap();
    let child = Command::new(REGISTRY_BIN)
        .arg("serve")
        .arg(&cfg)
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let r = Registry { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "docker-registry did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    r
}

/// A one-layer OCI layout whose content differs by `seed`, pushed with skopeo.
fn push(tmp: &Path, seed: &str, dest: &str) {
    let dir = tmp.join(format!("layout-{}", seed.replace([':', '/'], "_")));
    std::fs::create_dir_all(&dir).unwrap();
    let content = format!("{seed}\n");
    let layer = support::tar_of(&[("etc/seed", content.as_bytes())]);
    support::oci_layout(&dir, &[layer], serde_json::json!([]), serde_json::json!({}));
    let o = Command::new("skopeo")
        .args(["copy", "--quiet", "--dest-tls-verify=false"])
        .arg(format!("oci:{}:1.0", dir.display()))
        .arg(format!("docker://{dest}"))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "skopeo: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn registry_list_pages_through_catalog_and_tags() {
    if missing("docker-registry", REGISTRY_BIN) || missing("skopeo", "/usr/bin/skopeo") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = start_registry(tmp.path());
    let host = format!("127.0.0.1:{}", reg.port);
    let mut expected = BTreeSet::new();
    for (repo, tags) in [
        ("team/api", &["1.0", "1.1", "2.0"][..]),
        ("team/web", &["1.0"][..]),
        ("other/db", &["5", "6"][..]),
        ("teamster/x", &["1"][..]),
    ] {
        for tag in tags {
            let r = format!("{host}/{repo}:{tag}");
            push(tmp.path(), &r, &r);
            expected.insert(r);
        }
    }
    let list = |extra: &[&str]| {
        let o = drydock()
            .args(["registry", "list", "--tls-verify=false", "--page-size", "1"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    // Page size 1: four catalog pages, three tag pages for team/api.
    let all = list(&[&host]);
    assert_eq!(all.len(), expected.len(), "{all:?}");
    assert_eq!(all.iter().cloned().collect::<BTreeSet<_>>(), expected);
    let team = list(&[&format!("{host}/team")]);
    assert_eq!(team.len(), 4, "{team:?}");
    assert!(team.iter().all(|r| r.starts_with(&format!("{host}/team/"))));
    // Pinned: each line resolves to the digest skopeo pushed.
    let pinned = list(&["--digests", &format!("{host}/team/web")]);
    assert_eq!(pinned.len(), 1);
    let (name, digest) = pinned[0].split_once('@').unwrap();
    assert_eq!(name, format!("{host}/team/web:1.0"));
    let o = Command::new("skopeo")
        .args(["inspect", "--tls-verify=false", "--format", "{{.Digest}}"])
        .arg(format!("docker://{name}"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), digest);
    // The list is a targets file for a scan.
    let targets = tmp.path().join("targets.txt");
    std::fs::write(&targets, team.join("\n")).unwrap();
    let out = tmp.path().join("reports");
    let o = drydock()
        .env("XDG_CACHE_HOME", tmp.path().join("cache"))
        .args([
            "scan",
            "--no-progress",
            "--tls-verify=false",
            "--no-vulns",
            "-f",
            "json",
        ])
        .args(["--fail-on", "none", "--targets-file"])
        .arg(&targets)
        .arg("--output-dir")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(scanned(&out), team.iter().cloned().collect());
}

/// A server that answers every request with `status` and `headers`, for the error paths.
fn answer_always(status: &'static str, headers: &'static str) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let body = "{}";
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

#[test]
fn registry_list_errors_are_one_line_exit_2() {
    let unauthorized = answer_always(
        "401 Unauthorized",
        "WWW-Authenticate: Basic realm=\"registry\"\r\n",
    );
    let not_registry = answer_always("404 Not Found", "");
    for (target, expect) in [
        (format!("127.0.0.1:{unauthorized}"), "credentials"),
        (format!("127.0.0.1:{not_registry}"), "/v2/"),
        (format!("127.0.0.1:{}", free_port()), "127.0.0.1"),
        ("bad host!".to_string(), "bad host!"),
    ] {
        let o = drydock()
            .env("REGISTRY_AUTH_FILE", "/nonexistent/auth.json")
            .env("DOCKER_CONFIG", "/nonexistent")
            .args(["registry", "list", "--tls-verify=false", "--timeout", "5"])
            .arg(&target)
            .write_stdin("")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{target}");
        assert!(o.stdout.is_empty());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{target}: {err}");
        assert!(err.contains(expect), "{target}: {err}");
    }
}

// ------------------------------------------------------------------ deploy/kubernetes

fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/kubernetes")
}

#[test]
fn kubernetes_manifests_parse_with_the_expected_kinds() {
    let mut kinds = BTreeSet::new();
    for e in std::fs::read_dir(deploy_dir()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        for doc in serde_yaml_ng::Deserializer::from_str(&text) {
            let v: serde_yaml_ng::Value = serde::Deserialize::deserialize(doc)
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let kind = v["kind"].as_str().unwrap().to_string();
            assert!(v["apiVersion"].as_str().is_some(), "{}", p.display());
            if kind == "Job" {
                let spec = &v["spec"];
                assert_eq!(spec["completionMode"].as_str(), Some("Indexed"));
                let args: Vec<&str> = spec["template"]["spec"]["containers"][0]["args"]
                    .as_sequence()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap())
                    .collect();
                let n = spec["completions"].as_u64().unwrap();
                let shard = args[args.iter().position(|a| *a == "--shard").unwrap() + 1];
                assert_eq!(shard, format!("$(JOB_COMPLETION_INDEX)/{n}"));
                assert!(args.contains(&"--cache") && args.contains(&"redis://redis:6379/0"));
            }
            kinds.insert(kind);
        }
    }
    for k in [
        "Job",
        "CronJob",
        "Deployment",
        "Service",
        "ConfigMap",
        "PersistentVolumeClaim",
        "ServiceAccount",
        "NetworkPolicy",
    ] {
        assert!(kinds.contains(k), "no {k} in deploy/kubernetes: {kinds:?}");
    }
}

#[test]
fn kubernetes_manifests_pass_drydocks_own_runtime_rules() {
    let o = drydock()
        .args([
            "scan",
            "-f",
            "json",
            "--fail-on",
            "medium",
            "--min-severity",
            "info",
        ])
        .arg(deploy_dir())
        .output()
        .unwrap();
    let v = json_of(&o.stdout);
    let serious: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| matches!(f["severity"].as_str(), Some("CRITICAL" | "HIGH" | "MEDIUM")))
        .map(|f| format!("{} {}", f["rule"], f["message"]))
        .collect();
    assert!(serious.is_empty(), "{serious:#?}");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The scan really read the workloads (not an empty directory walk).
    let runtime_targets = v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t.to_string().contains("job.yaml") || t.to_string().contains("redis.yaml"))
        .count();
    assert!(runtime_targets >= 2, "{}", v["targets"]);
}
