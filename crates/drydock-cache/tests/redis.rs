//! The Redis backend against a real `redis-server` (Debian package), started here on
//! 127.0.0.1 with a random port and no persistence. Skips loudly when redis-server is not
//! installed; fails then when DRYDOCK_REQUIRE_INTEGRATION=1.

use drydock_cache::{entry, GetError, RedisStore, Store};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A fresh server, or `None` (after saying so) when redis-server is not installed.
fn redis(password: Option<&str>) -> Option<Server> {
    let installed = Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok();
    if !installed {
        assert!(
            !drydock_core::env::require_integration(),
            "redis-server is not installed and DRYDOCK_REQUIRE_INTEGRATION=1"
        );
        eprintln!("SKIPPED: redis-server is not installed (apt-get install redis-server)");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut cmd = Command::new("redis-server");
    cmd.args([
        "--port",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
    ])
    .args(["--appendonly", "no", "--dir"])
    .arg(dir.path())
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    if let Some(p) = password {
        cmd.args(["--requirepass", p]);
    }
    let child = cmd.spawn().expect("start redis-server");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "redis-server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Server {
        child,
        port,
        _dir: dir,
    })
}

#[test]
fn round_trip_corruption_status_and_clean() {
    let Some(srv) = redis(None) else { return };
    let url = format!("redis://127.0.0.1:{}/3", srv.port);
    let s = RedisStore::open(&url, None).unwrap();
    assert_eq!(s.get("sha256:aa/salt").unwrap(), None);
    let payload = b"layer summary bytes".repeat(1000);
    s.put("sha256:aa/salt", &payload).unwrap();
    assert_eq!(s.get("sha256:aa/salt").unwrap(), Some(payload.clone()));
    // A second client (another scanner of the fleet) sees the entry.
    let other = RedisStore::open(&url, None).unwrap();
    assert_eq!(other.get("sha256:aa/salt").unwrap(), Some(payload.clone()));
    // Damaged in Redis: detected, dropped, then a plain miss.
    let mut bad = entry::encode(&payload);
    bad.truncate(bad.len() / 2);
    s.put_raw("sha256:bb/salt", &bad).unwrap();
    assert!(matches!(
        s.get("sha256:bb/salt"),
        Err(GetError::Corrupt { .. })
    ));
    assert_eq!(s.get("sha256:bb/salt").unwrap(), None);
    let st = s.status().unwrap();
    assert_eq!(st.entries, 1);
    assert!(st.bytes > 0 && st.bytes < payload.len() as u64, "{st:?}");
    assert_eq!(s.clean(Some(Duration::from_secs(3600))).unwrap(), 0);
    assert_eq!(s.clean(None).unwrap(), 1);
    assert_eq!(s.status().unwrap().entries, 0);
    // Another database number is another namespace.
    let db4 = RedisStore::open(&format!("redis://127.0.0.1:{}/4", srv.port), None).unwrap();
    s.put("k", b"v").unwrap();
    assert_eq!(db4.get("k").unwrap(), None);
}

#[test]
fn entries_expire_after_the_ttl() {
    let Some(srv) = redis(None) else { return };
    let url = format!("redis://127.0.0.1:{}/0", srv.port);
    let s = RedisStore::open(&url, Some(Duration::from_secs(1))).unwrap();
    s.put("short", b"lived").unwrap();
    assert_eq!(s.get("short").unwrap().as_deref(), Some(&b"lived"[..]));
    std::thread::sleep(Duration::from_millis(2200));
    assert_eq!(s.get("short").unwrap(), None, "expired by Redis");
}

#[test]
fn password_in_the_url_and_clear_errors() {
    let Some(srv) = redis(Some("s3cret-pw")) else {
        return;
    };
    let good = format!("redis://:s3cret-pw@127.0.0.1:{}/0", srv.port);
    let s = RedisStore::open(&good, None).unwrap();
    s.put("k", b"v").unwrap();
    assert_eq!(
        s.describe(),
        format!("redis://:***@127.0.0.1:{}/0", srv.port)
    );
    let wrong = format!("redis://:nope@127.0.0.1:{}/0", srv.port);
    let e = RedisStore::open(&wrong, None)
        .err()
        .expect("wrong password fails")
        .to_string();
    assert!(!e.contains("nope"), "{e}");
    let none = format!("redis://127.0.0.1:{}/0", srv.port);
    assert!(RedisStore::open(&none, None).is_err(), "no password fails");
    let closed = format!("redis://127.0.0.1:{}/0", free_port());
    let e = RedisStore::open(&closed, None)
        .err()
        .expect("no server")
        .to_string();
    assert!(e.contains("127.0.0.1"), "{e}");
}
