//! Real rpm databases for tests, made by real tools: `rpmbuild` builds packages, `rpm`
//! installs them (`--justdb`) into an `rpmdb.sqlite`, and Berkeley DB's `db5.3_load` writes
//! the same header blobs as a hash database — the `Packages` file older rpm versions keep
//! (Debian's rpm can no longer write one, but reads it back with `_db_backend bdb_ro`).
//! Shared with the CLI tests (`#[path]`-included there).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// `None` (after a loud message) when a tool is missing; a panic instead when
/// `DRYDOCK_REQUIRE_INTEGRATION=1` (CI installs them: packages `rpm` and `db5.3-util`).
pub fn tools_or_skip(test: &str) -> Option<()> {
    let missing: Vec<&str> = [
        ("rpmbuild", "--version"),
        ("rpm", "--version"),
        ("db5.3_load", "-V"),
    ]
    .into_iter()
    .filter(|(t, arg)| Command::new(t).arg(arg).output().is_err())
    .map(|(t, _)| t)
    .collect();
    if missing.is_empty() {
        return Some(());
    }
    let msg = format!(
        "SKIPPED {test}: {} not installed (apt-get install rpm db5.3-util)",
        missing.join(", ")
    );
    if std::env::var("DRYDOCK_REQUIRE_INTEGRATION").as_deref() == Ok("1") {
        panic!("{msg}, and DRYDOCK_REQUIRE_INTEGRATION=1");
    }
    eprintln!("\n!!!!!!!! {msg} !!!!!!!!\n");
    None
}

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A package to build: name, version-release, number of files it installs.
pub struct Pkg {
    pub name: &'static str,
    pub version: &'static str,
    pub release: &'static str,
    pub files: usize,
}

/// Build `pkgs` with rpmbuild and install them into `<dir>/sqlite/rpmdb.sqlite`; returns
/// that database's path.
pub fn sqlite_rpmdb(dir: &Path, pkgs: &[Pkg]) -> PathBuf {
    let top = dir.join("rpmbuild");
    std::fs::create_dir_all(top.join("SPECS")).unwrap();
    for p in pkgs {
        let spec = top.join("SPECS").join(format!("{}.spec", p.name));
        std::fs::write(
            &spec,
            format!(
                "Name: {}\nVersion: {}\nRelease: {}\nSummary: drydock test package\nLicense: MIT\n\
                 BuildArch: noarch\n%description\ndrydock test package\n%install\n\
                 mkdir -p %{{buildroot}}/usr/share/{0}\n\
                 for i in $(seq {}); do echo $i > %{{buildroot}}/usr/share/{0}/file-$i.txt; done\n\
                 %files\n/usr/share/{0}\n",
                p.name, p.version, p.release, p.files
            ),
        )
        .unwrap();
        run(Command::new("rpmbuild")
            .arg("--define")
            .arg(format!("_topdir {}", top.display()))
            .args(["--quiet", "-bb"])
            .arg(&spec));
    }
    let db = dir.join("sqlite");
    std::fs::create_dir_all(&db).unwrap();
    let rpms: Vec<PathBuf> = std::fs::read_dir(top.join("RPMS/noarch"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    run(Command::new("rpm")
        .arg("--dbpath")
        .arg(&db)
        .args([
            "--define",
            "_db_backend sqlite",
            "-i",
            "--justdb",
            "--nodeps",
        ])
        .args(["--ignorearch", "--ignoreos", "--noscripts"])
        .args(&rpms));
    db.join("rpmdb.sqlite")
}

/// Write `blobs` (package number i + 1 → blob i, and the counter under key 0, as rpm does)
/// into a Berkeley DB hash file `<dir>/Packages` with the given page size and byte order
/// ("1234" or "4321"), and check that rpm itself reads it back as these packages.
pub fn bdb_packages(dir: &Path, blobs: &[Vec<u8>], page_size: usize, lorder: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let mut dump =
        format!("VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize={page_size}\nHEADER=END\n");
    // rpm stores keys in the database's byte order.
    let key = |n: u32| {
        if lorder == "4321" {
            n.to_be_bytes()
        } else {
            n.to_le_bytes()
        }
    };
    dump += &format!(
        " {}\n {}\n",
        hex(&key(0)),
        hex(&key(blobs.len() as u32 + 1))
    );
    for (i, b) in blobs.iter().enumerate() {
        dump += &format!(" {}\n {}\n", hex(&key(i as u32 + 1)), hex(b));
    }
    dump += "DATA=END\n";
    let input = dir.join("dump.txt");
    std::fs::write(&input, dump).unwrap();
    let db = dir.join("Packages");
    let _ = std::fs::remove_file(&db);
    run(Command::new("db5.3_load")
        .args(["-c", &format!("db_lorder={lorder}"), "-f"])
        .arg(&input)
        .arg(&db));
    let listed = run(Command::new("rpm").arg("--dbpath").arg(dir).args([
        "--define",
        "_db_backend bdb_ro",
        "-qa",
        "--qf",
        "%{NAME}\\n",
    ]));
    assert_eq!(
        String::from_utf8_lossy(&listed).lines().count(),
        blobs.len(),
        "rpm must read the Berkeley DB file back"
    );
    db
}
