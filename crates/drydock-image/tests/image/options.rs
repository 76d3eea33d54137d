//! Scan options and readers added in session 2: `ScanOptions::redaction`, rpm package
//! ownership (rpmdb.sqlite built here), and the gzip/zstd member handling of the layer
//! decoder (multi-member streams, header flags, trailer checks).

use crate::common::*;
use drydock_core::{Redaction, Severity};
use drydock_image::{ImageError, ScanOptions};

fn opts(redaction: Redaction) -> ScanOptions {
    ScanOptions {
        scan_date: Some(drydock_core::eol::Date::parse("2026-11-27").unwrap()),
        redaction,
        ..Default::default()
    }
}

fn evidence_of(s: &drydock_image::ImageScan, rule: &str) -> Vec<String> {
    s.findings
        .iter()
        .filter(|f| f.rule == rule)
        .filter_map(|f| f.evidence.as_ref().map(|e| e.value.clone()))
        .collect()
}

#[test]
fn secrets_are_redacted_by_default_and_shown_when_asked() {
    let img = resolved(&planted(), "planted:1");
    let file_tok = github_token(1); // app/.env (IM001)
    let env_tok = github_token(6); // Env (IM005)
    let hist_tok = github_token(5); // build arg in history (IM007)
    let deleted_tok = github_token(4); // opt/cache/session.txt, hidden later (IM002)
    let all = [&file_tok, &env_tok, &hist_tok, &deleted_tok];

    let def = drydock_image::scan(&img, &ScanOptions::default(), &mut []).unwrap();
    assert_eq!(ScanOptions::default().redaction, Redaction::Redact);
    let red = drydock_image::scan(&img, &opts(Redaction::Redact), &mut []).unwrap();
    for s in [&def, &red] {
        for f in &s.findings {
            if let Some(e) = &f.evidence {
                for t in all {
                    assert!(!e.value.contains(t.as_str()), "{} shows {t}: {e:?}", f.rule);
                }
            }
        }
        assert!(!evidence_of(s, "IM001").is_empty());
    }

    let shown = drydock_image::scan(&img, &opts(Redaction::Show), &mut []).unwrap();
    let has = |rule: &str, tok: &str| evidence_of(&shown, rule).iter().any(|v| v.contains(tok));
    assert!(
        has("IM001", &file_tok),
        "{:?}",
        evidence_of(&shown, "IM001")
    );
    assert!(
        has("IM002", &deleted_tok),
        "{:?}",
        evidence_of(&shown, "IM002")
    );
    assert!(has("IM005", &env_tok), "{:?}", evidence_of(&shown, "IM005"));
    assert!(
        has("IM007", &hist_tok),
        "{:?}",
        evidence_of(&shown, "IM007")
    );
    // The label value is only secret-*named*: shown whole too.
    assert!(
        has("IM006", "hunter2-Prod-2024!"),
        "{:?}",
        evidence_of(&shown, "IM006")
    );
    // Same findings either way: only the evidence differs.
    let ids = |s: &drydock_image::ImageScan| {
        let mut v: Vec<_> = s
            .findings
            .iter()
            .map(|f| (f.rule.clone(), f.message.clone()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&red), ids(&shown));
}

/// An rpm header blob as rpmdb.sqlite stores it (no magic): big-endian index entries
/// (tag, type, offset, count) and a data store. NAME, DIRINDEXES, BASENAMES, DIRNAMES.
fn rpm_header(name: &str, dirs: &[&str], files: &[(u32, &str)]) -> Vec<u8> {
    let mut index: Vec<u8> = Vec::new();
    let mut data: Vec<u8> = Vec::new();
    let mut push = |tag: u32, ty: u32, count: usize, bytes: Vec<u8>, data: &mut Vec<u8>| {
        while ty == 4 && !data.len().is_multiple_of(4) {
            data.push(0);
        }
        for v in [tag, ty, data.len() as u32, count as u32] {
            index.extend_from_slice(&v.to_be_bytes());
        }
        data.extend(bytes);
    };
    let cstr = |v: &[&str]| -> Vec<u8> {
        let mut b = Vec::new();
        for s in v {
            b.extend_from_slice(s.as_bytes());
            b.push(0);
        }
        b
    };
    // A region tag first, as real headers have (must be skipped).
    push(63, 7, 16, vec![0u8; 16], &mut data);
    push(1000, 6, 1, cstr(&[name]), &mut data);
    push(1001, 6, 1, cstr(&["1.0"]), &mut data);
    let idx: Vec<u8> = files.iter().flat_map(|(i, _)| i.to_be_bytes()).collect();
    push(1116, 4, files.len(), idx, &mut data);
    let bases: Vec<&str> = files.iter().map(|(_, b)| *b).collect();
    push(1117, 8, files.len(), cstr(&bases), &mut data);
    push(1118, 8, dirs.len(), cstr(dirs), &mut data);
    let mut out = Vec::new();
    out.extend_from_slice(&((index.len() / 16) as u32).to_be_bytes());
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend(index);
    out.extend(data);
    out
}

fn rpmdb(packages: &[Vec<u8>]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rpmdb.sqlite");
    let c = rusqlite::Connection::open(&p).unwrap();
    c.execute_batch(
        "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);",
    )
    .unwrap();
    for h in packages {
        c.execute("INSERT INTO Packages (blob) VALUES (?1)", [h])
            .unwrap();
    }
    drop(c);
    std::fs::read(&p).unwrap()
}

#[test]
fn rpm_sqlite_database_marks_package_files_as_vendor_content() {
    let db = rpmdb(&[
        rpm_header(
            "pam",
            &["/usr/sbin/", "/etc/pam.d/"],
            &[(0, "pam_timestamp_check"), (1, "other")],
        ),
        rpm_header("ca-certs", &["/usr/share/ca/"], &[(0, "test.key")]),
    ]);
    for db_path in [
        "usr/lib/sysimage/rpm/rpmdb.sqlite",
        "var/lib/rpm/rpmdb.sqlite",
    ] {
        let l = Layer::new()
            .file(
                "etc/os-release",
                b"ID=fedora\nVERSION_ID=41\nPRETTY_NAME=\"Fedora Linux 41\"\n",
            )
            .file(db_path, &db)
            .file_mode("usr/sbin/pam_timestamp_check", b"\x7fELF-pam", 0o4755, 0)
            .file_mode("opt/tool/runme", b"\x7fELF-tool", 0o4755, 0)
            .file("usr/share/ca/test.key", RSA_KEY.as_bytes());
        let img = Image::new().layer(l, Comp::Gzip, "RUN dnf install pam");
        let s = drydock_image::scan(&resolved(&img, "rpm:1"), &opts(Redaction::Redact), &mut [])
            .unwrap();
        let pam = with_rule(&s, "IM010", "usr/sbin/pam_timestamp_check");
        assert_eq!(pam.len(), 1, "{:#?}", s.findings);
        assert_eq!(pam[0].severity, Severity::Low, "{db_path}: {:?}", pam[0]);
        assert!(pam[0].message.contains("`pam`"), "{}", pam[0].message);
        let tool = with_rule(&s, "IM010", "opt/tool/runme");
        assert_eq!(tool[0].severity, Severity::High);
        // The key the package ships is vendor content, below high.
        let key: Vec<_> = s
            .findings
            .iter()
            .filter(|f| {
                f.location
                    .path()
                    .is_some_and(|p| p.ends_with("usr/share/ca/test.key"))
            })
            .collect();
        assert!(!key.is_empty(), "{:#?}", s.findings);
        assert!(key.iter().all(|f| f.severity < Severity::High), "{key:#?}");
        assert!(s.notes.is_empty(), "{:?}", s.notes);
    }
}

#[test]
fn unreadable_rpm_databases_are_noted_not_fatal() {
    let l = Layer::new()
        .file(
            "var/lib/rpm/Packages",
            b"\0\0\0\0\x61\x15\x06\0berkeley db pages",
        )
        .file("usr/lib/sysimage/rpm/rpmdb.sqlite", b"this is not sqlite")
        .file_mode("usr/sbin/pam_timestamp_check", b"\x7fELF-pam", 0o4755, 0);
    let img = Image::new().layer(l, Comp::None, "RUN yum install pam");
    let s =
        drydock_image::scan(&resolved(&img, "bdb:1"), &opts(Redaction::Redact), &mut []).unwrap();
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("var/lib/rpm/Packages") && n.contains("Berkeley DB")),
        "{:?}",
        s.notes
    );
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("rpmdb.sqlite") && n.contains("cannot read")),
        "{:?}",
        s.notes
    );
    let pam = with_rule(&s, "IM010", "usr/sbin/pam_timestamp_check");
    assert_eq!(pam[0].severity, Severity::High);
}

/// Scan one layer stored as exactly `blob` (already compressed by the test).
fn scan_blob(tar: Vec<u8>, blob: Vec<u8>) -> Result<drydock_image::ImageScan, ImageError> {
    let mut img = resolved(&Image::new().raw_layer(tar, Comp::Gzip, "RUN x"), "b:1");
    let d = sha256(&blob);
    img.layers[0].digest = d.clone();
    img.layers[0].size = blob.len() as u64;
    img.store = std::sync::Arc::new(MemStore([(d, blob)].into()));
    drydock_image::scan(&img, &opts(Redaction::Redact), &mut [])
}

fn gzip_member(data: &[u8], flags_header: bool) -> Vec<u8> {
    let mut b = flate2::GzBuilder::new();
    if flags_header {
        b = b
            .filename("layer.tar")
            .comment("made by a test")
            .extra(vec![1, 2, 3, 4]);
    }
    let mut e = b.write(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut e, data).unwrap();
    e.finish().unwrap()
}

#[test]
fn gzip_members_headers_and_trailers() {
    let tar = Layer::new()
        .file("a/one", b"first")
        .zeros("a/zeros", 3 << 20)
        .file("a/two", b"second")
        .tar();
    // Header with FNAME, FCOMMENT and FEXTRA.
    let s = scan_blob(tar.clone(), gzip_member(&tar, true)).unwrap();
    assert_eq!(s.summary.layers[0].uncompressed_size, tar.len() as u64);
    // Two members (as `cat a.gz b.gz` or pigz make): one stream, like `gzip -dc`.
    let cut = 1 << 20;
    let mut two = gzip_member(&tar[..cut], false);
    two.extend(gzip_member(&tar[cut..], true));
    let s = scan_blob(tar.clone(), two).unwrap();
    assert_eq!(s.summary.files, 3);
    // A wrong ISIZE in the trailer is corruption.
    let mut bad = gzip_member(&tar, false);
    let n = bad.len();
    bad[n - 1] ^= 0x40;
    let e = scan_blob(tar.clone(), bad).unwrap_err();
    assert!(e.to_string().contains("gzip trailer"), "{e}");
    // A missing trailer is truncation.
    let mut cut_trailer = gzip_member(&tar, false);
    cut_trailer.truncate(cut_trailer.len() - 3);
    let e = scan_blob(tar.clone(), cut_trailer).unwrap_err();
    assert!(matches!(e, ImageError::Truncated { .. }), "{e:?}");
    // Garbage after the stream is not silently ignored.
    let mut garbage = gzip_member(&tar, false);
    garbage.extend_from_slice(b"trailing junk");
    let e = scan_blob(tar.clone(), garbage).unwrap_err();
    assert!(e.to_string().contains("trailing garbage"), "{e}");
    assert!(!e.to_string().contains("tar header"), "{e}");
    // A flipped bit in the compressed data: either the deflate stream breaks or the
    // diff_id check names the uncompressed mismatch; never a clean scan.
    let mut flipped = gzip_member(&tar, false);
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x10;
    assert!(scan_blob(tar, flipped).is_err());
}

#[test]
fn zstd_frames_and_truncation() {
    let tar = Layer::new().file("z/a", b"a").zeros("z/big", 2 << 20).tar();
    let mut two = zstd::encode_all(&tar[..4096], 1).unwrap();
    two.extend(zstd::encode_all(&tar[4096..], 3).unwrap());
    let s = scan_blob(tar.clone(), two).unwrap();
    assert_eq!(s.summary.layers[0].compression, "zstd");
    assert_eq!(s.summary.files, 2);
    let mut cut = zstd::encode_all(&tar[..], 1).unwrap();
    cut.truncate(cut.len() - 4);
    let e = scan_blob(tar, cut).unwrap_err();
    assert!(
        matches!(e, ImageError::Truncated { .. }) || e.to_string().contains("corrupt"),
        "{e:?}"
    );
}

#[test]
fn expected_setuid_programs_are_one_inventory_finding() {
    let l = Layer::new()
        .file_mode("usr/bin/passwd", b"\x7fELF-passwd", 0o4755, 0)
        .file_mode("usr/bin/su", b"\x7fELF-su", 0o4755, 0)
        .file_mode("usr/bin/chage", b"\x7fELF-chage", 0o2755, 0)
        .file_mode("opt/x/escalate", b"\x7fELF-x", 0o4755, 0);
    let img = Image::new().layer(l, Comp::Gzip, "RUN apt-get install passwd");
    let s =
        drydock_image::scan(&resolved(&img, "suid:1"), &opts(Redaction::Redact), &mut []).unwrap();
    let all: Vec<_> = s.findings.iter().filter(|f| f.rule == "IM010").collect();
    assert_eq!(all.len(), 2, "{all:#?}");
    let info: Vec<_> = all
        .iter()
        .filter(|f| f.severity == Severity::Info)
        .collect();
    assert_eq!(info.len(), 1, "{all:#?}");
    for p in [
        "/usr/bin/passwd (4755)",
        "/usr/bin/su (4755)",
        "/usr/bin/chage (2755)",
    ] {
        assert!(info[0].message.contains(p), "{}", info[0].message);
    }
    assert_eq!(
        with_rule(&s, "IM010", "opt/x/escalate")[0].severity,
        Severity::High
    );
}

/// A build argument in `created_by` must not leak through the location of every finding in
/// that layer, nor through the layer summary, unless secrets are shown.
#[test]
fn history_secrets_do_not_leak_through_layer_locations_or_summary() {
    let img = resolved(&planted(), "planted:1");
    let hist_tok = github_token(5);
    let red = drydock_image::scan(&img, &opts(Redaction::Redact), &mut []).unwrap();
    let layer1 = red.summary.layers[1].created_by.clone().unwrap();
    assert!(layer1.starts_with("|1 GITHUB_TOKEN=ghp_"), "{layer1}");
    assert!(layer1.ends_with("/bin/sh -c make"), "{layer1}");
    let in_layer1: Vec<_> = red
        .findings
        .iter()
        .filter(|f| matches!(&f.location, drydock_core::Location::Layer { layer: 1, .. }))
        .collect();
    assert!(!in_layer1.is_empty());
    let json = serde_json::to_string(&(&red.findings, &red.summary)).unwrap();
    assert!(!json.contains(hist_tok.as_str()), "token leaked: {json}");

    let shown = drydock_image::scan(&img, &opts(Redaction::Show), &mut []).unwrap();
    assert_eq!(
        shown.summary.layers[1].created_by.as_deref(),
        Some(format!("|1 GITHUB_TOKEN={hist_tok} /bin/sh -c make").as_str())
    );
}
