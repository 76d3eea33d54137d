//! `podman:NAME` / `docker-daemon:NAME` against a real Engine API: `podman system service`
//! on a private unix socket with a private store (vfs, runc, cgroupfs — the setup of
//! `../shared/lab/60-podman-api-start.sh`), loaded with an archive built here.

mod registry_support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use drydock_image::blob::{LayerLimits, LayerReader};
use drydock_image::daemon::{self, DaemonClient, DaemonKind};
use drydock_image::{ImageError, Limits, OpenOptions, Platform, PlatformChoice};
use registry_support::*;

struct Podman {
    dir: PathBuf,
    service: Option<Child>,
    sock: PathBuf,
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
        // No CAP_SYS_RESOURCE and no systemd on CI machines: see the lab's containers.conf.
        let nofile = Command::new("sh")
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
            service: None,
            sock: dir.join("podman.sock"),
        }
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("podman");
        c.env("CONTAINERS_STORAGE_CONF", self.dir.join("storage.conf"))
            .env("CONTAINERS_CONF", self.dir.join("containers.conf"))
            .env("TMPDIR", self.dir.join("tmp"))
            .env_remove("CONTAINER_HOST")
            .env_remove("DOCKER_HOST");
        c
    }

    fn run(&self, args: &[&str]) {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "podman {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn start_service(&mut self) -> String {
        let host = format!("unix://{}", self.sock.display());
        let child = self
            .cmd()
            .args(["system", "service", "--time=0", &host])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(self.dir.join("service.log")).unwrap())
            .spawn()
            .unwrap();
        self.service = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while DaemonClient::connect(DaemonKind::Podman, Some(&host)).is_err() {
            if Instant::now() > deadline {
                panic!(
                    "podman service did not come up: {}",
                    std::fs::read_to_string(self.dir.join("service.log")).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        host
    }
}

impl Drop for Podman {
    fn drop(&mut self) {
        if let Some(c) = &mut self.service {
            let _ = c.kill();
            let _ = c.wait();
        }
        // vfs layers are plain directories; remove containers first so podman releases them.
        let _ = self.cmd().args(["rm", "-af"]).output();
    }
}

/// Names and contents of the regular files in a layer tar.
fn files_of(tar_bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut a = tar::Archive::new(tar_bytes);
    let mut out = Vec::new();
    for e in a.entries().unwrap() {
        let mut e = e.unwrap();
        if e.header().entry_type() != tar::EntryType::Regular {
            continue;
        }
        let name = e
            .path()
            .unwrap()
            .to_string_lossy()
            .trim_start_matches("./")
            .to_string();
        let mut v = Vec::new();
        e.read_to_end(&mut v).unwrap();
        out.push((name, v));
    }
    out
}

#[test]
fn podman_socket_export_inspect_and_containers() {
    if tool_missing("podman") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut pm = Podman::new(dir.path());
    let img = build_image(
        "amd64",
        &[
            vec![("etc/os-release", b"ID=debian\nVERSION_ID=12\n".as_slice())],
            vec![("app/.env", b"API_TOKEN=not-a-real-token-podman".as_slice())],
        ],
        true,
        "4242",
    );
    let archive = dir.path().join("app.tar");
    std::fs::write(
        &archive,
        docker_archive(&img, "localhost/drydock-test/app:1.0"),
    )
    .unwrap();
    pm.run(&["load", "-q", "-i", archive.to_str().unwrap()]);
    let host = pm.start_service();

    let client = DaemonClient::connect(DaemonKind::Podman, Some(&host)).unwrap();
    assert!(
        client.api_version.starts_with("1."),
        "{}",
        client.api_version
    );

    let imgs = daemon::open_at(
        DaemonKind::Podman,
        "localhost/drydock-test/app:1.0",
        Some(&host),
        &OpenOptions::default(),
    )
    .unwrap();
    assert_eq!(imgs.len(), 1);
    let got = &imgs[0];
    assert_eq!(got.name, "podman:localhost/drydock-test/app:1.0");
    assert_eq!(got.config.config.user, "4242");
    assert_eq!(got.layers.len(), 2);
    // Every layer streams with its diff_id verified, and holds what was built.
    let limits = LayerLimits::new(&Limits::default());
    let mut all_files = Vec::new();
    for (i, d) in got.layers.iter().enumerate() {
        let mut r = LayerReader::open(
            got.store.as_ref(),
            d,
            &got.config.rootfs.diff_ids[i],
            &limits,
        )
        .unwrap();
        let mut bytes = Vec::new();
        r.read_to_end(&mut bytes).unwrap();
        r.finish().unwrap();
        all_files.extend(files_of(&bytes));
    }
    assert!(all_files
        .iter()
        .any(|(n, c)| n == "app/.env" && c == b"API_TOKEN=not-a-real-token-podman"));
    assert!(got.store.describe().starts_with("podman:"));

    // The same through the generic entry point, with the socket in the options.
    let mut o = OpenOptions::default();
    o.transport.docker_host = Some(host.clone());
    let imgs = daemon::open("podman", "localhost/drydock-test/app:1.0", &o).unwrap();
    assert_eq!(imgs[0].config.rootfs.diff_ids, got.config.rootfs.diff_ids);

    // A platform the image is not: a clear error.
    o.platform = PlatformChoice::Specific(Platform::parse("linux/arm64").unwrap());
    let e = daemon::open("podman", "localhost/drydock-test/app:1.0", &o).unwrap_err();
    assert!(matches!(e, ImageError::Platform { .. }), "{e}");

    // Unknown image: NotFound naming it.
    let e = daemon::open_at(
        DaemonKind::Podman,
        "localhost/drydock-test/absent:1",
        Some(&host),
        &OpenOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, ImageError::NotFound { .. }), "{e}");
    assert!(e.to_string().contains("absent"), "{e}");

    // Containers: list (all) and inspect return the raw JSON.
    pm.run(&[
        "create",
        "--name",
        "drydock-ctr",
        "localhost/drydock-test/app:1.0",
        "/app/run",
    ]);
    let list = daemon::list_containers(DaemonKind::Podman, Some(&host), true).unwrap();
    let names: Vec<String> = list
        .iter()
        .flat_map(|c| c["Names"].as_array().cloned().unwrap_or_default())
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.trim_start_matches('/') == "drydock-ctr"),
        "{names:?}"
    );
    let inspect =
        daemon::inspect_container(DaemonKind::Podman, Some(&host), "drydock-ctr").unwrap();
    assert_eq!(
        inspect["Name"].as_str().map(|n| n.trim_start_matches('/')),
        Some("drydock-ctr")
    );
    assert_eq!(inspect["Config"]["User"].as_str(), Some("4242"));
    let e = daemon::inspect_container(DaemonKind::Podman, Some(&host), "no-such-ctr").unwrap_err();
    assert!(matches!(e, ImageError::NotFound { .. }), "{e}");
}
