//! dpkg inventory against `dpkg-query -W` on real dpkg databases: this machine's own status
//! file (copied, so a running apt cannot change it mid-test) and, when the lab has been
//! built, the Debian bookworm image that `../shared/lab/` exports.
use drydock_core::FileSink;
use drydock_vuln::{Inventory, Kind};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::process::Command;

fn require() -> bool {
    drydock_core::env::require_integration()
}

fn skip(why: &str) {
    if require() {
        panic!("{why} (DRYDOCK_REQUIRE_INTEGRATION=1)");
    }
    eprintln!("!!! SKIPPED: {why} !!!");
}

/// `dpkg-query -W` on an admin dir holding only `status`: (package, version) of every
/// package whose files are on disk.
fn dpkg_query(status: &[u8]) -> Option<BTreeSet<(String, String)>> {
    let dir = tempfile::tempdir().ok()?;
    std::fs::write(dir.path().join("status"), status).ok()?;
    std::fs::create_dir_all(dir.path().join("updates")).ok()?;
    std::fs::create_dir_all(dir.path().join("info")).ok()?;
    let out = Command::new("dpkg-query")
        .arg(format!("--admindir={}", dir.path().display()))
        .args(["-W", "-f=${db:Status-Status}\\t${Package}\\t${Version}\\n"])
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "dpkg-query failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                match f.as_slice() {
                    [st, p, v] if *st != "config-files" && *st != "not-installed" => {
                        Some((p.to_string(), v.to_string()))
                    }
                    _ => None,
                }
            })
            .collect(),
    )
}

fn ours(status: &[u8]) -> BTreeSet<(String, String)> {
    let mut inv = Inventory::new();
    assert!(inv.wants("var/lib/dpkg/status", status.len() as u64));
    inv.file(0, "var/lib/dpkg/status", status);
    inv.finish()
        .into_iter()
        .filter(|p| p.kind == Kind::Dpkg)
        .map(|p| (p.name, p.version))
        .collect()
}

#[test]
fn host_dpkg_status_matches_dpkg_query() {
    let Ok(status) = std::fs::read("/var/lib/dpkg/status") else {
        return skip("no /var/lib/dpkg/status on this machine");
    };
    let Some(want) = dpkg_query(&status) else {
        return skip("dpkg-query not installed");
    };
    assert!(want.len() > 50, "only {} packages", want.len());
    assert_eq!(ours(&status), want);
}

/// Walk a docker-archive (`docker save` layout) layer by layer like the image walker:
/// whiteouts delete, later layers overwrite; returns the final dpkg status bytes and the
/// inventory.
fn walk_docker_archive(path: &Path) -> (Option<Vec<u8>>, Inventory) {
    let mut outer = tar::Archive::new(std::fs::File::open(path).unwrap());
    let mut files: std::collections::HashMap<String, Vec<u8>> = Default::default();
    for e in outer.entries().unwrap() {
        let mut e = e.unwrap();
        let name = e.path().unwrap().to_string_lossy().into_owned();
        let mut buf = Vec::new();
        e.read_to_end(&mut buf).unwrap();
        files.insert(name, buf);
    }
    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    let layers: Vec<String> = manifest[0]["Layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    let mut inv = Inventory::new();
    let mut status = None;
    for (i, l) in layers.iter().enumerate() {
        let raw = &files[l];
        let data: Vec<u8> = if raw.starts_with(&[0x1f, 0x8b]) {
            let mut d = Vec::new();
            flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut d)
                .unwrap();
            d
        } else {
            raw.clone()
        };
        let mut layer = tar::Archive::new(&data[..]);
        for e in layer.entries().unwrap() {
            let mut e = e.unwrap();
            let p = e
                .path()
                .unwrap()
                .to_string_lossy()
                .trim_start_matches("./")
                .to_string();
            let fname = p.rsplit('/').next().unwrap_or("");
            let dir = p.rsplit_once('/').map(|x| x.0).unwrap_or("");
            if fname == ".wh..wh..opq" {
                inv.deleted(i, dir);
                continue;
            }
            if let Some(gone) = fname.strip_prefix(".wh.") {
                let target = if dir.is_empty() {
                    gone.to_string()
                } else {
                    format!("{dir}/{gone}")
                };
                if target == "var/lib/dpkg/status" {
                    status = None;
                }
                inv.deleted(i, &target);
                continue;
            }
            if !e.header().entry_type().is_file() || !inv.wants(&p, e.size()) {
                continue;
            }
            let mut buf = Vec::new();
            e.read_to_end(&mut buf).unwrap();
            if p == "var/lib/dpkg/status" {
                status = Some(buf.clone());
            }
            inv.file(i, &p, &buf);
        }
    }
    (status, inv)
}

#[test]
fn lab_debian_image_matches_dpkg_query() {
    let lab = std::env::var("LAB").unwrap_or_else(|_| {
        format!(
            "{}/drydock-lab",
            std::env::var("HOME").unwrap_or_else(|_| "/root".into())
        )
    });
    let archive = Path::new(&lab).join("images/docker-archive/debian-base.tar");
    if !archive.exists() {
        // The lab is optional shared material: skip loudly, never fail CI for it.
        eprintln!(
            "!!! SKIPPED lab test: {} not found (build it with ../shared/lab/rebuild-all.sh) !!!",
            archive.display()
        );
        return;
    }
    let (status, inv) = walk_docker_archive(&archive);
    let status = status.expect("the Debian image has var/lib/dpkg/status");
    let Some(want) = dpkg_query(&status) else {
        return skip("dpkg-query not installed");
    };
    let r = inv.finish_all();
    assert_eq!(r.os.as_ref().map(|o| o.version_id.as_str()), Some("12"));
    let got: BTreeSet<(String, String)> = r
        .packages
        .iter()
        .filter(|p| p.kind == Kind::Dpkg)
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();
    assert_eq!(got, want);
    assert!(r
        .packages
        .iter()
        .all(|p| p.kind != Kind::Dpkg || p.ecosystem == "Debian:12"));
}

fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

/// A three-layer docker-archive made here: base (os-release, dpkg status, a node app),
/// a layer that upgrades a package and adds a Python package, and one that deletes the
/// node_modules directory (whiteout) and the Python package's directory (opaque whiteout).
#[test]
fn layered_image_with_whiteouts() {
    let status0 = b"Package: libc6\nStatus: install ok installed\nSource: glibc\nVersion: 2.36-9+deb12u1\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n";
    let status1 = b"Package: libc6\nStatus: install ok installed\nSource: glibc\nVersion: 2.36-9+deb12u3\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n";
    let l0 = tar_of(&[
        ("usr/lib/os-release", b"ID=debian\nVERSION_ID=\"12\"\n"),
        ("var/lib/dpkg/status", status0),
        (
            "app/node_modules/lodash/package.json",
            br#"{"name":"lodash","version":"4.17.20"}"#,
        ),
    ]);
    let l1 = tar_of(&[
        ("var/lib/dpkg/status", status1),
        (
            "usr/lib/python3/dist-packages/requests-2.30.0.dist-info/METADATA",
            b"Name: requests\nVersion: 2.30.0\n",
        ),
        (
            "opt/tool/lib/six-1.16.0.dist-info/METADATA",
            b"Name: six\nVersion: 1.16.0\n",
        ),
    ]);
    let l2 = tar_of(&[
        ("app/.wh.node_modules", b""),
        ("opt/tool/.wh..wh..opq", b""),
    ]);
    let manifest = br#"[{"Config":"c.json","RepoTags":["t:1"],"Layers":["0/layer.tar","1/layer.tar","2/layer.tar"]}]"#;
    let archive = tar_of(&[
        ("0/layer.tar", &l0),
        ("1/layer.tar", &l1),
        ("2/layer.tar", &l2),
        ("manifest.json", manifest),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("img.tar");
    std::fs::write(&path, archive).unwrap();
    let (status, inv) = walk_docker_archive(&path);
    assert_eq!(status.as_deref(), Some(&status1[..]));
    let got: Vec<(String, String, Option<usize>, String)> = inv
        .finish()
        .into_iter()
        .map(|p| (p.name, p.version, p.layer, p.ecosystem))
        .collect();
    assert_eq!(
        got,
        vec![
            // Unchanged since the base: its layer is the one that installed it, not the
            // layer that last rewrote the status file.
            (
                "bash".into(),
                "5.2.15-2+b2".into(),
                Some(0),
                "Debian:12".into()
            ),
            (
                "libc6".into(),
                "2.36-9+deb12u3".into(),
                Some(1),
                "Debian:12".into()
            ),
            ("requests".into(), "2.30.0".into(), Some(1), "PyPI".into()),
        ]
    );
}
