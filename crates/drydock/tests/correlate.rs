//! Image ↔ Dockerfile correlation end to end: image findings carry the Dockerfile line that
//! made their layer or history step (JSON `dockerfile_location`, SARIF `relatedLocations`,
//! text), one root cause is one finding, and an image that does not match says where.
//! Images are OCI layouts written here with the history each builder records, and (when
//! podman is installed) images podman builds here from Dockerfiles written by the test.

mod support;

use serde_json::{json, Value};
use std::path::Path;
use support::{drydock, json_of, put_blob, sha256_digest, tar_of, write};

const TOKEN: &str = "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";

const DOCKERFILE: &str = "\
# syntax=docker/dockerfile:1
FROM debian:12
ARG GITHUB_TOKEN
ENV APP_HOME=/app
WORKDIR $APP_HOME
COPY dot-env /app/.env
RUN --mount=type=cache,target=/root/.cache \\
    echo \"building with ${#GITHUB_TOKEN} chars\" > /app/built.txt
CMD [\"app\"]
";

/// An OCI layout whose config runs as root (no `User`) with this history.
fn layout(dir: &Path, layers: &[Vec<u8>], history: Value) {
    let diff_ids: Vec<String> = layers.iter().map(|l| sha256_digest(l)).collect();
    let descs: Vec<Value> = layers
        .iter()
        .map(|l| {
            json!({"mediaType": "application/vnd.oci.image.layer.v1.tar",
                   "digest": put_blob(dir, l), "size": l.len()})
        })
        .collect();
    let config = serde_json::to_vec(&json!({
        "architecture": "amd64", "os": "linux",
        "config": {"Env": ["APP_HOME=/app"], "Cmd": ["app"], "WorkingDir": "/app"},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history
    }))
    .unwrap();
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": put_blob(dir, &config), "size": config.len()},
        "layers": descs
    }))
    .unwrap();
    let index = json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": put_blob(dir, &manifest), "size": manifest.len()}]});
    std::fs::write(dir.join("index.json"), index.to_string()).unwrap();
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
}

fn layers() -> Vec<Vec<u8>> {
    vec![
        tar_of(&[("etc/os-release", b"ID=debian\nVERSION_ID=\"12\"\n")]),
        tar_of(&[("app/.env", format!("GITHUB_TOKEN={TOKEN}\n").as_bytes())]),
        tar_of(&[("app/built.txt", b"building with 40 chars\n")]),
    ]
}

/// The history BuildKit writes for [`DOCKERFILE`] (`dockerfile2llb`'s `commitToHistory`).
fn buildkit_history(run: &str) -> Value {
    json!([
        {"created_by": "/bin/sh -c #(nop) ADD file:4b1c8d in / "},
        {"created_by": "/bin/sh -c #(nop)  CMD [\"bash\"]", "empty_layer": true},
        {"created_by": "ARG GITHUB_TOKEN", "comment": "buildkit.dockerfile.v0", "empty_layer": true},
        {"created_by": "ENV APP_HOME=/app", "comment": "buildkit.dockerfile.v0", "empty_layer": true},
        {"created_by": "WORKDIR /app", "comment": "buildkit.dockerfile.v0", "empty_layer": true},
        {"created_by": "COPY dot-env /app/.env # buildkit", "comment": "buildkit.dockerfile.v0"},
        {"created_by": format!("RUN |1 GITHUB_TOKEN={TOKEN} /bin/sh -c {run} # buildkit"), "comment": "buildkit.dockerfile.v0"},
        {"created_by": "CMD [\"app\"]", "comment": "buildkit.dockerfile.v0", "empty_layer": true},
    ])
}

/// The history Docker's classic builder writes for [`DOCKERFILE`].
fn classic_history() -> Value {
    json!([
        {"created_by": "/bin/sh -c #(nop) ADD file:4b1c8d in / "},
        {"created_by": "/bin/sh -c #(nop)  CMD [\"bash\"]", "empty_layer": true},
        {"created_by": "/bin/sh -c #(nop)  ARG GITHUB_TOKEN", "empty_layer": true},
        {"created_by": "/bin/sh -c #(nop)  ENV APP_HOME=/app", "empty_layer": true},
        {"created_by": "/bin/sh -c #(nop) WORKDIR /app", "empty_layer": true},
        {"created_by": "/bin/sh -c #(nop) COPY file:9f8e7d6c in /app/.env "},
        {"created_by": format!("|1 GITHUB_TOKEN={TOKEN} /bin/sh -c echo \"building with ${{#GITHUB_TOKEN}} chars\" > /app/built.txt")},
        {"created_by": "/bin/sh -c #(nop)  CMD [\"app\"]", "empty_layer": true},
    ])
}

const RUN_CMD: &str = "echo \"building with ${#GITHUB_TOKEN} chars\" > /app/built.txt";

fn scan(dir: &Path, args: &[&str]) -> (Value, String) {
    let out = drydock()
        .current_dir(dir)
        .args([
            "scan",
            "--no-vulns",
            "--fail-on",
            "none",
            "--format",
            "json",
        ])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    (json_of(&out.stdout), stderr)
}

fn findings<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    support::by_rule(v, rule)
}

fn line_of(f: &Value) -> Option<u64> {
    f["dockerfile_location"]["start_line"].as_u64()
}

fn setup(history: Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", DOCKERFILE);
    write(dir.path(), "dot-env", "APP=1\n");
    layout(&dir.path().join("img"), &layers(), history);
    dir
}

#[test]
fn buildkit_and_classic_history_give_image_findings_their_dockerfile_lines() {
    for history in [buildkit_history(RUN_CMD), classic_history()] {
        let dir = setup(history);
        let (v, _) = scan(dir.path(), &["oci:img", "--dockerfile", "Dockerfile"]);
        // The secret in the COPY'd file: layer 1, made by line 6.
        let im001 = findings(&v, "IM001");
        assert_eq!(im001.len(), 1, "{v:#}");
        assert_eq!(im001[0]["location"]["layer"], 1);
        assert_eq!(line_of(im001[0]), Some(6), "{:#}", im001[0]);
        assert_eq!(im001[0]["dockerfile_location"]["path"], "Dockerfile");
        // The build argument recorded in history: one finding with DF009 merged in, placed
        // at the ARG line (where the fix goes).
        let im007 = findings(&v, "IM007");
        assert_eq!(im007.len(), 1, "{v:#}");
        assert_eq!(im007[0]["also"], json!(["DF009"]), "{:#}", im007[0]);
        assert_eq!(line_of(im007[0]), Some(3));
        assert!(findings(&v, "DF009").is_empty(), "merged into IM007");
        // No USER: IM004 and DF013 are one finding.
        let im004 = findings(&v, "IM004");
        assert_eq!(im004[0]["also"], json!(["DF013"]));
        assert!(findings(&v, "DF013").is_empty());
        assert!(
            v["warnings"]
                .as_array()
                .is_none_or(|w| w.iter().all(|w| w["kind"] != "dockerfile-mismatch")),
            "{:#}",
            v["warnings"]
        );
    }
}

#[test]
fn a_dockerfile_scanned_with_its_image_is_correlated_without_the_flag() {
    let dir = setup(buildkit_history(RUN_CMD));
    write(
        dir.path(),
        "other/Dockerfile",
        "FROM alpine:3.20\nRUN apk add curl\nUSER 10001\n",
    );
    let (v, _) = scan(dir.path(), &["Dockerfile", "other/Dockerfile", "oci:img"]);
    assert_eq!(line_of(findings(&v, "IM001")[0]), Some(6), "{v:#}");
    assert_eq!(findings(&v, "IM007")[0]["also"], json!(["DF009"]));
    // Only the Dockerfile that matches: the other one's findings stay apart.
    let (v, _) = scan(dir.path(), &["other/Dockerfile", "oci:img"]);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f.get("dockerfile_location").is_none() && f.get("also").is_none()),
        "{v:#}"
    );
}

#[test]
fn an_image_that_does_not_match_says_where_it_diverges() {
    let dir = setup(buildkit_history("make all"));
    let (v, stderr) = scan(dir.path(), &["oci:img", "--dockerfile", "Dockerfile"]);
    let w: Vec<&Value> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == "dockerfile-mismatch")
        .collect();
    assert_eq!(w.len(), 1, "{v:#}");
    let m = w[0]["message"].as_str().unwrap();
    assert!(
        m.contains("layer 2 / history[6] `RUN |1 GITHUB_TOKEN=")
            && m.contains("Dockerfile line 7 `RUN --mount=type=cache"),
        "{m}"
    );
    // The build secret in the quoted `created_by` is redacted.
    assert!(!m.contains(TOKEN) && !stderr.contains(TOKEN), "{m}");
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f.get("dockerfile_location").is_none()));
    // A Dockerfile with more steps than the image.
    let dir = setup(json!([
        {"created_by": "COPY dot-env /app/.env # buildkit"},
        {"created_by": format!("RUN |1 GITHUB_TOKEN={TOKEN} /bin/sh -c {RUN_CMD} # buildkit")},
        {"created_by": "CMD [\"app\"]", "empty_layer": true},
    ]));
    let (v, _) = scan(dir.path(), &["oci:img", "--dockerfile", "Dockerfile"]);
    assert!(
        v["warnings"]
            .to_string()
            .contains("history ends before Dockerfile line 5 `WORKDIR $APP_HOME`"),
        "{:#}",
        v["warnings"]
    );
}

#[test]
fn reports_show_both_places() {
    let dir = setup(buildkit_history(RUN_CMD));
    let run = |format: &str| {
        let out = drydock()
            .current_dir(dir.path())
            .args([
                "scan",
                "--no-vulns",
                "--fail-on",
                "none",
                "--color",
                "never",
            ])
            .args(["--format", format, "oci:img", "--dockerfile", "Dockerfile"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let im001 = results.iter().find(|r| r["ruleId"] == "IM001").unwrap();
    let rel = &im001["relatedLocations"][0]["physicalLocation"];
    assert_eq!(rel["artifactLocation"]["uri"], "Dockerfile");
    assert_eq!(rel["region"]["startLine"], 6);
    let im007 = results.iter().find(|r| r["ruleId"] == "IM007").unwrap();
    assert_eq!(im007["properties"]["also"], json!(["DF009"]));
    let mut shown = json!({
        "im001_related": im001["relatedLocations"],
        "im007_related": im007["relatedLocations"],
        "im007_message": im007["message"],
    });
    let (v, _) = scan(dir.path(), &["oci:img", "--dockerfile", "Dockerfile"]);
    let mut im001 = findings(&v, "IM001")[0].clone();
    im001["fingerprint"] = json!("…");
    shown["json_im001"] = im001;
    insta::assert_snapshot!(
        "correlated_secret_sarif_and_json",
        serde_json::to_string_pretty(&shown).unwrap()
    );

    let text = run("text");
    assert!(
        text.contains("Dockerfile: Dockerfile:6:1: `COPY dot-env /app/.env`"),
        "{text}"
    );
    assert!(text.contains("also reported as DF009"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    for format in ["table", "markdown", "junit"] {
        let out = run(format);
        assert!(out.contains("← Dockerfile:6:1"), "{format}: {out}");
    }
}

#[test]
fn dockerfile_flag_errors_are_one_line_and_exit_2() {
    let dir = setup(buildkit_history(RUN_CMD));
    let out = drydock()
        .current_dir(dir.path())
        .args([
            "scan",
            "--no-vulns",
            "oci:img",
            "--dockerfile",
            "missing/Dockerfile",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("missing/Dockerfile"), "{stderr}");
}

// ---- images built here by podman ----------------------------------------------------

fn tool_missing(tool: &str) -> bool {
    let found = std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("DRYDOCK_REQUIRE_INTEGRATION").as_deref() == Ok("1") {
            panic!("{tool} is not installed and DRYDOCK_REQUIRE_INTEGRATION=1 (apt-get install podman busybox-static)");
        }
        eprintln!("SKIPPED: {tool} is not installed; the podman correlation test did not run");
    }
    !found
}

/// podman with a private store (vfs, runc, cgroupfs: works in CI containers).
struct Podman {
    dir: std::path::PathBuf,
}

impl Podman {
    fn new(dir: &Path) -> Podman {
        for d in ["store", "run", "tmp"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        std::fs::write(
            dir.join("storage.conf"),
            format!(
                "[storage]\ndriver = \"vfs\"\ngraphroot = \"{0}/store\"\nrunroot = \"{0}/run\"\n",
                dir.display()
            ),
        )
        .unwrap();
        let nofile = std::process::Command::new("sh")
            .args(["-c", "ulimit -Hn"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_else(|_| "1024".into());
        std::fs::write(
            dir.join("containers.conf"),
            format!(
                "[containers]\nnetns = \"host\"\ndefault_ulimits = [\"nofile={nofile}:{nofile}\", \"nproc=4096:4096\"]\n\
                 [engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\nruntime = \"runc\"\ntmp_dir = \"{}/tmp\"\n",
                dir.display()
            ),
        )
        .unwrap();
        Podman {
            dir: dir.to_path_buf(),
        }
    }

    fn run(&self, args: &[&str]) {
        let out = std::process::Command::new("podman")
            .env("CONTAINERS_STORAGE_CONF", self.dir.join("storage.conf"))
            .env("CONTAINERS_CONF", self.dir.join("containers.conf"))
            .env("TMPDIR", self.dir.join("tmp"))
            .env_remove("CONTAINER_HOST")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "podman {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Podman {
    fn drop(&mut self) {
        // vfs layers are plain directories; let podman release them before the tempdir goes.
        let _ = std::process::Command::new("podman")
            .env("CONTAINERS_STORAGE_CONF", self.dir.join("storage.conf"))
            .env("CONTAINERS_CONF", self.dir.join("containers.conf"))
            .args(["system", "reset", "-f"])
            .output();
    }
}

fn busybox() -> Option<std::path::PathBuf> {
    ["/bin/busybox", "/usr/bin/busybox"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.is_file())
}

/// A multi-stage build with ARG, ENV, LABEL, WORKDIR, RUN --mount, COPY --from and
/// `--build-arg`: every layer finding names the line that made its layer.
#[test]
fn podman_built_image_layers_map_to_their_lines() {
    if tool_missing("podman") {
        return;
    }
    let Some(bb) = busybox() else {
        if std::env::var("DRYDOCK_REQUIRE_INTEGRATION").as_deref() == Ok("1") {
            panic!("busybox is not installed and DRYDOCK_REQUIRE_INTEGRATION=1");
        }
        eprintln!("SKIPPED: no busybox binary for the test's base image");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let pm = Podman::new(&dir.path().join("podman"));
    // Base image: a static busybox imported as one layer.
    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::copy(&bb, root.join("bin/busybox")).unwrap();
    for app in ["sh", "echo", "mkdir", "cat", "test", "chmod"] {
        std::os::unix::fs::symlink("busybox", root.join("bin").join(app)).unwrap();
    }
    let base_tar = dir.path().join("base.tar");
    let ok = std::process::Command::new("tar")
        .arg("-C")
        .arg(&root)
        .args(["-cf"])
        .arg(&base_tar)
        .arg(".")
        .status()
        .unwrap()
        .success();
    assert!(ok);
    pm.run(&[
        "import",
        base_tar.to_str().unwrap(),
        "localhost/corr/base:1",
    ]);
    let ctx = dir.path().join("ctx");
    let dockerfile = "\
ARG BASE=localhost/corr/base:1
FROM ${BASE} AS build
ARG VERSION=1.2
RUN mkdir -p /out && echo \"v$VERSION\" > /out/version \\
 && echo 'DEPLOY_KEY=AKIAZ7Q3MVH2XK4PLN6T' > /out/leftover.env
FROM ${BASE}
ARG GITHUB_TOKEN
ENV APP_HOME=/app \\
    MODE=prod
LABEL org.example.team=\"core\"
WORKDIR $APP_HOME
COPY dot-env /app/.env
RUN --mount=type=tmpfs,target=/scratch test -n \"$GITHUB_TOKEN\" \\
 && echo \"GITHUB_TOKEN=$GITHUB_TOKEN\" > /app/token.env
COPY --from=build /out/version /app/version
EXPOSE 8080
CMD [\"/bin/sh\"]
";
    write(&ctx, "Dockerfile", dockerfile);
    write(&ctx, "dot-env", &format!("GITHUB_TOKEN={TOKEN}\n"));
    pm.run(&[
        "build",
        "-q",
        "--format",
        "oci",
        "--build-arg",
        &format!("GITHUB_TOKEN={TOKEN}"),
        "-t",
        "localhost/corr/app:1",
        ctx.to_str().unwrap(),
    ]);
    let out_dir = dir.path().join("app-oci");
    pm.run(&[
        "save",
        "--format",
        "oci-dir",
        "-o",
        out_dir.to_str().unwrap(),
        "localhost/corr/app:1",
    ]);
    let (v, _) = scan(
        &ctx,
        &[
            &format!("oci:{}", out_dir.display()),
            "--dockerfile",
            "Dockerfile",
        ],
    );
    assert!(
        !v["warnings"].to_string().contains("dockerfile-mismatch"),
        "{:#}",
        v["warnings"]
    );
    let layer_findings: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["location"].get("layer").is_some())
        .collect();
    assert!(layer_findings.len() >= 2, "{v:#}");
    for f in &layer_findings {
        let path = f["location"]["path"].as_str().unwrap();
        let want = match path.trim_start_matches('/') {
            "app/.env" => 12,
            "app/token.env" => 13,
            _ => continue,
        };
        assert_eq!(line_of(f), Some(want), "{f:#}");
    }
    for planted in ["app/.env", "app/token.env"] {
        assert!(
            layer_findings.iter().any(|f| f["location"]["path"]
                .as_str()
                .unwrap()
                .trim_start_matches('/')
                == planted),
            "{planted}: {v:#}"
        );
    }
    // The build argument in the RUN step's history: merged with DF009 at its ARG line.
    let im007 = findings(&v, "IM007");
    assert!(!im007.is_empty(), "{v:#}");
    assert_eq!(im007[0]["also"], json!(["DF009"]));
    assert_eq!(line_of(im007[0]), Some(7));
}
