//! Live containers: start `podman system service` on a private store, run a risky and a
//! hardened container, read them back through the Docker-compatible Engine API over the
//! unix socket (what the CLI's daemon module does) and review the inspect objects.
//!
//! Needs `podman` (+ `runc`) and a busybox image archive: `$DRYDOCK_TEST_IMAGE_ARCHIVE`, the
//! lab's `$LAB/images/docker-archive/busybox.tar` (`../shared/lab`), or an image the test
//! builds from Debian's static busybox (`busybox-static`) with `podman import`. Skips loudly without them, unless
//! `DRYDOCK_REQUIRE_INTEGRATION=1`, where it fails.

use drydock_core::Severity;
use drydock_runtime::{review_inspect, RuntimeOptions};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn skip(why: &str) {
    if drydock_core::env::require_integration() {
        panic!("live podman test required but cannot run: {why}");
    }
    eprintln!("\n*** SKIPPED live podman test: {why} ***\n");
}

struct Lab {
    dir: PathBuf,
    service: Option<Child>,
}

impl Lab {
    fn podman(&self) -> Command {
        let mut c = Command::new("podman");
        c.env("CONTAINERS_STORAGE_CONF", self.dir.join("storage.conf"))
            .env("CONTAINERS_CONF", self.dir.join("containers.conf"))
            .env("TMPDIR", self.dir.join("tmp"))
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Result<String, String> {
        let out = self
            .podman()
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(format!(
                "podman {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = self.run(&[
            "rm",
            "-f",
            "-t",
            "0",
            "drydock-live-risky",
            "drydock-live-clean",
        ]);
        if let Some(mut s) = self.service.take() {
            let _ = s.kill();
            let _ = s.wait();
        }
        // conmon runs `podman container cleanup` after a container exits, which may
        // recreate bits of the store after a first removal.
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(500));
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// GET over the unix socket (HTTP/1.0: the server closes, no chunking).
fn get(sock: &Path, path: &str) -> Result<serde_json::Value, String> {
    let mut s = UnixStream::connect(sock).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok();
    write!(s, "GET {path} HTTP/1.0\r\nHost: d\r\n\r\n").map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&buf);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no HTTP header")?;
    if !head.starts_with("HTTP/1.") || !head.contains(" 200 ") {
        return Err(format!("GET {path}: {}", head.lines().next().unwrap_or("")));
    }
    serde_json::from_str(body).map_err(|e| format!("GET {path}: {e}"))
}

fn image_archive() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DRYDOCK_TEST_IMAGE_ARCHIVE") {
        return Some(PathBuf::from(p));
    }
    let lab = std::env::var_os("LAB")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join("drydock-lab")))?;
    let p = lab.join("images/docker-archive/busybox.tar");
    p.exists().then_some(p)
}

fn setup() -> Result<(Lab, String), String> {
    if Command::new("podman").arg("--version").output().is_err() {
        return Err("podman is not installed".into());
    }
    let dir = std::env::temp_dir().join(format!("drydock-runtime-live-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("tmp")).map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("storage.conf"),
        format!(
            "[storage]\ndriver = \"vfs\"\ngraphroot = \"{0}/root\"\nrunroot = \"{0}/runroot\"\n",
            dir.display()
        ),
    )
    .map_err(|e| e.to_string())?;
    // Sandboxes without systemd or CAP_SYS_RESOURCE need cgroupfs, runc and rlimits that
    // fit the current hard limit (see ../shared/lab/conf/containers.conf.in).
    let nofile = Command::new("sh")
        .args(["-c", "ulimit -Hn"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| s.parse::<u64>().is_ok())
        .unwrap_or_else(|| "1024".into());
    std::fs::write(
        dir.join("containers.conf"),
        format!(
            "[containers]\ndefault_ulimits = [\"nofile={nofile}:{nofile}\", \"nproc=4096:4096\"]\n[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\nruntime = \"runc\"\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    let mut lab = Lab {
        dir: dir.clone(),
        service: None,
    };
    let image = match image_archive() {
        Some(a) => {
            let out = lab.run(&["load", "-q", "-i", &a.display().to_string()])?;
            out.rsplit(' ').next().unwrap_or("").trim().to_string()
        }
        None => {
            // Build the image here rather than download it: a root filesystem holding
            // Debian's static busybox (package busybox-static), imported by podman.
            let busybox = Path::new("/bin/busybox");
            if !busybox.exists() {
                return Err(
                    "no image archive and no /bin/busybox (apt-get install busybox-static)".into(),
                );
            }
            let root = dir.join("rootfs");
            std::fs::create_dir_all(root.join("bin")).map_err(|e| e.to_string())?;
            std::fs::create_dir_all(root.join("tmp")).map_err(|e| e.to_string())?;
            std::fs::copy(busybox, root.join("bin/busybox")).map_err(|e| e.to_string())?;
            for applet in ["sh", "sleep", "true"] {
                let _ = std::os::unix::fs::symlink("busybox", root.join("bin").join(applet));
            }
            let tar = dir.join("rootfs.tar");
            let ok = Command::new("tar")
                .args([
                    "-C",
                    &root.display().to_string(),
                    "-cf",
                    &tar.display().to_string(),
                    ".",
                ])
                .status()
                .map_err(|e| e.to_string())?
                .success();
            if !ok {
                return Err("tar of the test rootfs failed".into());
            }
            let name = "localhost/drydock-test/busybox:live";
            lab.run(&[
                "import",
                "-q",
                "--change",
                "ENV PATH=/bin",
                &tar.display().to_string(),
                name,
            ])?;
            name.to_string()
        }
    };
    let sock = dir.join("podman.sock");
    let child = lab
        .podman()
        .args([
            "system",
            "service",
            "--time",
            "0",
            &format!("unix://{}", sock.display()),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    lab.service = Some(child);
    let t = Instant::now();
    while get(&sock, "/_ping").is_err() && UnixStream::connect(&sock).is_err() {
        if t.elapsed() > Duration::from_secs(20) {
            return Err("podman system service did not come up".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok((lab, image))
}

#[test]
fn live_containers_via_podman_service() {
    let (lab, image) = match setup() {
        Ok(x) => x,
        Err(e) => return skip(&e),
    };
    let dummy_sock = lab.dir.join("docker.sock");
    std::fs::write(&dummy_sock, b"").unwrap();
    let mount = format!("{}:/var/run/docker.sock", dummy_sock.display());
    let risky = lab.run(&[
        "run",
        "-d",
        "--name",
        "drydock-live-risky",
        "--network",
        "none",
        "--privileged",
        "-v",
        &mount,
        "--cap-add",
        "SYS_ADMIN",
        &image,
        "sleep",
        "300",
    ]);
    let risky = match risky {
        Ok(id) => id,
        Err(e) => return skip(&format!("containers cannot run here: {e}")),
    };
    let clean = lab
        .run(&[
            "run",
            "-d",
            "--name",
            "drydock-live-clean",
            "--network",
            "none",
            "--read-only",
            "--user",
            "1000:1000",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges",
            "--memory",
            "64m",
            "--cpus",
            "0.5",
            "--pids-limit",
            "50",
            &image,
            "sleep",
            "300",
        ])
        .expect("hardened container");
    let sock = lab.dir.join("podman.sock");
    // The Docker-compatible API, as drydock's daemon client uses it.
    let list = get(&sock, "/v1.41/containers/json").expect("list containers");
    let ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["Id"].as_str().map(str::to_string))
        .collect();
    assert!(ids.contains(&risky) && ids.contains(&clean), "{ids:?}");
    let objs: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| get(&sock, &format!("/v1.41/containers/{id}/json")).unwrap())
        .collect();
    let findings = review_inspect(
        &serde_json::Value::Array(objs),
        "podman",
        &RuntimeOptions::default(),
    )
    .unwrap()
    .findings;
    let of = |name: &str, min: Severity| -> BTreeSet<String> {
        findings
            .iter()
            .filter(|f| f.severity >= min)
            .filter(|f| matches!(&f.location, drydock_core::Location::Container { container, .. } if container == name))
            .map(|f| f.rule.clone())
            .collect()
    };
    // privileged + Docker socket; SYS_ADMIN is part of privileged (podman records no CapAdd
    // for privileged containers), so RT005 may or may not appear, and only for SYS_ADMIN.
    let high = of("drydock-live-risky", Severity::High);
    assert!(
        high.contains("RT001") && high.contains("RT007"),
        "{findings:#?}"
    );
    assert!(
        high.iter()
            .all(|r| ["RT001", "RT005", "RT007"].contains(&r.as_str())),
        "{findings:#?}"
    );
    assert!(findings
        .iter()
        .filter(|f| f.rule == "RT005")
        .all(|f| f.message.contains("SYS_ADMIN")));
    eprintln!(
        "live podman: {} findings on {} containers",
        findings.len(),
        ids.len()
    );
    let clean_findings = of("drydock-live-clean", Severity::Info);
    assert!(
        clean_findings.is_empty(),
        "hardened container must be clean: {findings:#?}"
    );
}
