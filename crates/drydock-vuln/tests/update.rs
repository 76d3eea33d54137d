//! `db update` against a local HTTP server on 127.0.0.1 serving good, corrupt and
//! truncated archives.
mod common;

use common::*;
use drydock_vuln::{update, update_each, Db, DbOptions};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Serves `/good/{eco}/all.zip`, `/corrupt/…`, `/truncated/…` (announces the full length,
/// sends half and closes) and 404 for anything else. Returns the base URL and a request counter.
fn serve(zip: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(s.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut l = String::new();
                if reader.read_line(&mut l).unwrap_or(0) == 0 || l == "\r\n" {
                    break;
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_string();
            let corrupt: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
            let (status, body, send) = if path.starts_with("/good/") {
                ("200 OK", zip.clone(), zip.len())
            } else if path.starts_with("/corrupt/") {
                ("200 OK", corrupt.clone(), corrupt.len())
            } else if path.starts_with("/truncated/") {
                ("200 OK", zip.clone(), zip.len() / 2)
            } else {
                ("404 Not Found", b"not found".to_vec(), 9)
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/zip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body[..send]);
            let _ = s.flush();
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    });
    (format!("http://{addr}"), hits)
}

fn opts(db: &std::path::Path, base: &str) -> DbOptions {
    DbOptions {
        db_path: db.to_path_buf(),
        base_url: base.to_string(),
        timeout: Duration::from_secs(20),
        ..DbOptions::default()
    }
}

#[test]
fn update_good_corrupt_truncated_offline() {
    let zip = zip_of(&[debian_glibc(), debian_curl(), debian_unfixed()]);
    let (base, hits) = serve(zip.clone());
    let tmp = tempfile::tempdir().unwrap();
    let dbp = tmp.path().join("cache/osv.sqlite");
    let eco = vec!["Debian:12".to_string(), "Debian".to_string()];

    let done = update(
        &opts(&dbp, &format!("{base}/good/{{ECOSYSTEM}}/all.zip")),
        &eco,
    )
    .unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].bytes, zip.len() as u64);
    assert_eq!(done[0].stats.records, 3);
    let good_url = format!("{base}/good/Debian/all.zip");
    let check = |want_url: &str| {
        let st = Db::open_existing(&dbp).unwrap().status().unwrap();
        assert_eq!(st.sources.len(), 1);
        assert_eq!(
            (st.sources[0].records, st.sources[0].url.as_str()),
            (3, want_url)
        );
        assert!(st.sources[0].age() < Duration::from_secs(120));
    };
    check(&good_url);

    let err = update(
        &opts(&dbp, &format!("{base}/corrupt/{{ECOSYSTEM}}/all.zip")),
        &eco,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("not a valid zip") && err.contains("kept"),
        "{err}"
    );
    check(&good_url);

    let err = update(
        &opts(&dbp, &format!("{base}/truncated/{{ECOSYSTEM}}/all.zip")),
        &eco,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("truncated/Debian/all.zip")
            && err.contains("incomplete")
            && err.contains("kept"),
        "{err}"
    );
    check(&good_url);

    let err = update(
        &opts(&dbp, &format!("{base}/missing/{{ECOSYSTEM}}/all.zip")),
        &eco,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("404"), "{err}");
    check(&good_url);

    let mut small = opts(&dbp, &format!("{base}/good/{{ECOSYSTEM}}/all.zip"));
    small.max_download_bytes = 100;
    let err = update(&small, &eco).unwrap_err().to_string();
    assert!(err.contains("download limit"), "{err}");
    check(&good_url);

    // Per-archive outcomes; `Debian:12` and `Debian` are one archive.
    let each = update_each(
        &opts(&dbp, &format!("{base}/good/{{ECOSYSTEM}}/all.zip")),
        &["Debian:12".to_string(), "Debian".to_string()],
    )
    .unwrap();
    assert_eq!(each.len(), 1);
    assert_eq!(each[0].as_ref().unwrap().ecosystem, "Debian");
    let each = update_each(
        &opts(&dbp, &format!("{base}/missing/{{ECOSYSTEM}}/all.zip")),
        &["Debian".to_string()],
    )
    .unwrap();
    assert!(each[0].as_ref().unwrap_err().to_string().contains("404"));
    check(&good_url);

    // --offline never touches the network.
    let before = hits.load(Ordering::SeqCst);
    let mut off = opts(&dbp, &format!("{base}/good/{{ECOSYSTEM}}/all.zip"));
    off.offline = true;
    let err = update(&off, &eco).unwrap_err().to_string();
    assert!(err.contains("--offline"), "{err}");
    assert_eq!(hits.load(Ordering::SeqCst), before);
    check(&good_url);
}
