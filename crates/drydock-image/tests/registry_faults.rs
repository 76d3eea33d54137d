//! A fault-injecting registry on 127.0.0.1 (written here: it serves a generated image's
//! manifest and blobs and misbehaves on demand): drip-feeding, stalls, resets, 5xx, 429 with
//! Retry-After, redirects to another host. Every fault ends in success or a clear error
//! that says how many attempts were made, within a deadline asserted here.

mod registry_support;

use drydock_image::blob::{LayerLimits, LayerReader};
use drydock_image::registry::{self, RegistryOptions, RetryPolicy};
use drydock_image::{ImageError, Limits, PlatformChoice, ResolvedImage};
use registry_support::{build_image, BuiltImage};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
struct Req {
    path: String,
    headers: Vec<(String, String)>,
}

impl Req {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn is_blob(&self) -> bool {
        self.path.contains("/blobs/")
    }
    fn is_manifest(&self) -> bool {
        self.path.contains("/manifests/")
    }
}

/// What the server does with one request.
enum Act {
    Serve,
    /// Send the headers, then one byte every `every`.
    Drip(Duration),
    /// Send the headers and `n` bytes of the body, then nothing (connection kept open).
    StallAfter(usize),
    Status(u16, Vec<(&'static str, String)>),
    Hangup,
    Redirect(String),
}

type Policy = dyn Fn(&Req, usize) -> Act + Send + Sync;

/// Serves `img` as `test/img:1.0`; `policy(request, n)` (n = requests so far, from 0)
/// picks the fault. Every request is recorded.
struct FaultRegistry {
    port: u16,
    seen: Arc<Mutex<Vec<Req>>>,
}

impl FaultRegistry {
    fn start(img: BuiltImage, policy: impl Fn(&Req, usize) -> Act + Send + Sync + 'static) -> Self {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let policy: Arc<Policy> = Arc::new(policy);
        let img = Arc::new(img);
        let count = Arc::new(AtomicUsize::new(0));
        let s = seen.clone();
        std::thread::spawn(move || {
            for conn in l.incoming() {
                let Ok(conn) = conn else { continue };
                let (p, img, s, count) = (policy.clone(), img.clone(), s.clone(), count.clone());
                std::thread::spawn(move || serve(conn, &*p, &img, &s, &count));
            }
        });
        FaultRegistry { port, seen }
    }
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
    fn requests(&self) -> Vec<Req> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(
    conn: TcpStream,
    policy: &Policy,
    img: &BuiltImage,
    seen: &Mutex<Vec<Req>>,
    count: &AtomicUsize,
) {
    let mut r = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if r.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut l = String::new();
        if r.read_line(&mut l).unwrap_or(0) == 0 {
            return;
        }
        let l = l.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let req = Req { path, headers };
    seen.lock().unwrap().push(req.clone());
    let n = count.fetch_add(1, Ordering::SeqCst);
    let mut w = conn;
    // The normal answer.
    let (status, ctype, mut body) = if req.path == "/v2/" {
        (200, "application/json".to_string(), b"{}".to_vec())
    } else if req.is_manifest() {
        (200, img.manifest_type.clone(), img.manifest.clone())
    } else if let Some(d) = req.path.rsplit('/').next().and_then(|d| img.blobs.get(d)) {
        (200, "application/octet-stream".to_string(), d.clone())
    } else {
        (
            404,
            "application/json".into(),
            br#"{"errors":[{"code":"BLOB_UNKNOWN","message":"unknown"}]}"#.to_vec(),
        )
    };
    let mut extra = vec![(
        "Docker-Distribution-Api-Version".to_string(),
        "registry/2.0".to_string(),
    )];
    if req.is_manifest() {
        extra.push(("Docker-Content-Digest".into(), img.manifest_digest()));
    }
    let mut status = status;
    if let Some(from) = req
        .header("range")
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.trim_end_matches('-').parse::<usize>().ok())
    {
        if status == 200 && from < body.len() {
            extra.push((
                "Content-Range".into(),
                format!("bytes {from}-{}/{}", body.len() - 1, body.len()),
            ));
            body = body[from..].to_vec();
            status = 206;
        }
    }
    let head = |status: u16, len: usize, extra: &[(String, String)]| {
        let mut h = format!("HTTP/1.1 {status} X\r\nContent-Length: {len}\r\nContent-Type: {ctype}\r\nConnection: close\r\n");
        for (k, v) in extra {
            h.push_str(&format!("{k}: {v}\r\n"));
        }
        h.push_str("\r\n");
        h
    };
    match policy(&req, n) {
        Act::Serve => {
            let _ = w.write_all(head(status, body.len(), &extra).as_bytes());
            let _ = w.write_all(&body);
        }
        Act::Drip(every) => {
            if w.write_all(head(status, body.len(), &extra).as_bytes())
                .is_err()
            {
                return;
            }
            for b in &body {
                if w.write_all(&[*b]).and_then(|_| w.flush()).is_err() {
                    return;
                }
                std::thread::sleep(every);
            }
        }
        Act::StallAfter(k) => {
            let _ = w.write_all(head(status, body.len(), &extra).as_bytes());
            let _ = w.write_all(&body[..k.min(body.len())]);
            let _ = w.flush();
            // Hold the connection open without sending: until the client gives up.
            let mut sink = [0u8; 64];
            let _ = w.set_read_timeout(Some(Duration::from_secs(120)));
            let _ = w.read(&mut sink);
        }
        Act::Status(code, hs) => {
            let hs: Vec<(String, String)> =
                hs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            let _ = w.write_all(head(code, 0, &hs).as_bytes());
        }
        Act::Hangup => {
            let _ = w.shutdown(std::net::Shutdown::Both);
        }
        Act::Redirect(to) => {
            let _ = w.write_all(head(307, 0, &[("Location".into(), to)]).as_bytes());
        }
    }
    let _ = w.flush();
}

fn image() -> BuiltImage {
    let big: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    build_image(
        "amd64",
        &[vec![
            (
                "etc/os-release",
                b"ID=alpine\nVERSION_ID=3.20.3\n".as_slice(),
            ),
            ("data.bin", &big),
        ]],
        false,
        "1000",
    )
}

fn opts(timeout_s: u64) -> RegistryOptions {
    RegistryOptions {
        plain_http: true,
        no_environment_credentials: true,
        retry: RetryPolicy {
            retries: 3,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(200),
        },
        timeout: Duration::from_secs(timeout_s),
        ..RegistryOptions::default()
    }
}

fn open(reg: &FaultRegistry, o: &RegistryOptions) -> Result<Vec<ResolvedImage>, ImageError> {
    registry::open(
        &format!("{}/test/img:1.0", reg.host()),
        o,
        &PlatformChoice::Host,
    )
}

/// Read and verify every layer as a scan would.
fn read_layers(img: &ResolvedImage) -> Result<(), ImageError> {
    let limits = LayerLimits::new(&Limits::default());
    for (i, d) in img.layers.iter().enumerate() {
        let mut r = LayerReader::open(
            img.store.as_ref(),
            d,
            &img.config.rootfs.diff_ids[i],
            &limits,
        )?;
        std::io::copy(&mut r, &mut std::io::sink())
            .map_err(|e| drydock_image::blob::map_read_error(&r.blob, e))?;
        r.finish()?;
    }
    Ok(())
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed())
}

#[test]
fn a_dripping_manifest_ends_at_the_deadline_with_the_attempt_count() {
    let reg = FaultRegistry::start(image(), |r, _| {
        if r.is_manifest() {
            Act::Drip(Duration::from_millis(200))
        } else {
            Act::Serve
        }
    });
    let (r, took) = timed(|| open(&reg, &opts(2)));
    let e = r.unwrap_err().to_string();
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(e.contains("attempt"), "{e}");
    assert!(e.contains("deadline") || e.contains("imeout"), "{e}");
}

#[test]
fn a_dripping_blob_fails_on_throughput() {
    // The config blob is read on open: drip only layers.
    let layer = image().layer_digests[0].clone();
    let reg2 = FaultRegistry::start(image(), move |r, _| {
        if r.is_blob() && r.path.ends_with(&layer) {
            Act::Drip(Duration::from_millis(100))
        } else {
            Act::Serve
        }
    });
    let img = open(&reg2, &opts(2)).unwrap().remove(0);
    let (r, took) = timed(|| read_layers(&img));
    let e = r.unwrap_err().to_string();
    assert!(took < Duration::from_secs(15), "{took:?}");
    assert!(e.contains("too slow"), "{e}");
    assert!(e.contains("attempt"), "{e}");
}

#[test]
fn a_blob_stalled_midway_resumes_or_fails_in_time() {
    let img0 = image();
    let layer = img0.layer_digests[0].clone();
    // Stalls once in the middle, then serves the rest (Range): resumed.
    let l2 = layer.clone();
    let reg = FaultRegistry::start(img0.clone(), move |r, _| {
        if r.is_blob() && r.path.ends_with(&l2) && r.header("range").is_none() {
            Act::StallAfter(1000)
        } else {
            Act::Serve
        }
    });
    let img = open(&reg, &opts(2)).unwrap().remove(0);
    let (r, took) = timed(|| read_layers(&img));
    r.unwrap();
    assert!(took < Duration::from_secs(15), "{took:?}");
    assert!(reg.requests().iter().any(|r| r.header("range").is_some()));

    // Stalls every time: a clear error, bounded.
    let reg = FaultRegistry::start(img0, move |r, _| {
        if r.is_blob() && r.path.ends_with(&layer) {
            Act::StallAfter(1000)
        } else {
            Act::Serve
        }
    });
    let img = open(&reg, &opts(2)).unwrap().remove(0);
    let (r, took) = timed(|| read_layers(&img));
    let e = r.unwrap_err().to_string();
    assert!(took < Duration::from_secs(20), "{took:?}: {e}");
    assert!(e.contains("attempt"), "{e}");
}

#[test]
fn resets_and_429_are_retried_and_5xx_gives_up_naming_the_attempts() {
    // Two resets on the manifest, a 429 with Retry-After on the layer: success.
    let layer = image().layer_digests[0].clone();
    let layer_hits = Arc::new(AtomicUsize::new(0));
    let reg = FaultRegistry::start(image(), move |r, n| {
        // Request 0 is the ping; 1 and 2 (the manifest) are reset.
        if r.is_manifest() && n < 3 {
            Act::Hangup
        } else if r.is_blob() && r.path.ends_with(&layer) {
            if layer_hits.fetch_add(1, Ordering::SeqCst) == 0 {
                Act::Status(429, vec![("Retry-After", "1".into())])
            } else {
                Act::Serve
            }
        } else {
            Act::Serve
        }
    });
    let mut o = opts(10);
    o.retry.max_delay = Duration::from_secs(2);
    let img = open(&reg, &o).unwrap().remove(0);
    let (r, took) = timed(|| read_layers(&img));
    r.unwrap();
    assert!(
        took >= Duration::from_millis(900),
        "Retry-After ignored: {took:?}"
    );

    // Persistent 503: the error names the status and the attempts.
    let reg = FaultRegistry::start(image(), |r, _| {
        if r.is_manifest() {
            Act::Status(503, vec![])
        } else {
            Act::Serve
        }
    });
    let (r, took) = timed(|| open(&reg, &opts(10)));
    let e = r.unwrap_err().to_string();
    assert!(e.contains("503") && e.contains("after 4 attempts"), "{e}");
    assert!(took < Duration::from_secs(10), "{took:?}");

    // A Retry-After beyond the deadline is not waited for.
    let reg = FaultRegistry::start(image(), |r, _| {
        if r.is_manifest() {
            Act::Status(429, vec![("Retry-After", "3600".into())])
        } else {
            Act::Serve
        }
    });
    let mut o = opts(2);
    o.retry = RetryPolicy::default();
    let (r, took) = timed(|| open(&reg, &o));
    let e = r.unwrap_err().to_string();
    assert!(e.contains("429") && e.contains("after 1 attempt"), "{e}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn credentials_never_follow_a_redirect_to_another_host() {
    let storage = FaultRegistry::start(image(), |_, _| Act::Serve);
    let store_url = format!("http://{}", storage.host());
    let layer = image().layer_digests[0].clone();
    let reg = FaultRegistry::start(image(), move |r, _| {
        if r.header("authorization").is_none() && r.path != "/v2/" {
            Act::Status(
                401,
                vec![("WWW-Authenticate", r#"Basic realm="test""#.into())],
            )
        } else if r.is_blob() && r.path.ends_with(&layer) {
            Act::Redirect(format!("{store_url}{}", r.path))
        } else {
            Act::Serve
        }
    });
    let mut o = opts(10);
    o.username = Some("user".into());
    o.password = Some("secret-password".into());
    let img = open(&reg, &o).unwrap().remove(0);
    read_layers(&img).unwrap();
    // The registry got the credentials; the other host never did.
    assert!(reg
        .requests()
        .iter()
        .any(|r| r.header("authorization").is_some()));
    let at_storage = storage.requests();
    assert!(!at_storage.is_empty());
    assert!(
        at_storage
            .iter()
            .all(|r| r.header("authorization").is_none()),
        "{at_storage:?}"
    );
}
