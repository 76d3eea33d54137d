//! Scan files and print every match (debugging aid): `cargo run --example secrets_scan -- FILE…`.
//! `--path P` sets the context path used for path-gated rules.

use drydock_secrets::{Engine, ScanContext};

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let mut ctx_path: Option<String> = None;
    let t = std::time::Instant::now();
    let engine = Engine::builtin();
    eprintln!(
        "engine: {} rules built in {:?}",
        engine.rule_count(),
        t.elapsed()
    );
    while let Some(a) = args.next() {
        if a == "--path" {
            ctx_path = args.next();
            continue;
        }
        let data = match std::fs::read(&a) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{a}: {e}");
                continue;
            }
        };
        let p = ctx_path.clone().unwrap_or_else(|| a.clone());
        let cx = ScanContext {
            path: Some(&p),
            ..Default::default()
        };
        for m in engine.scan(&data, &cx) {
            println!(
                "{a}:{}:{} {} {:?}/{:?} {:?} {}",
                m.start_line,
                m.start_column,
                m.rule_id,
                m.severity,
                m.confidence,
                m.vendor_reason,
                String::from_utf8_lossy(&data[m.secret.clone()])
                    .chars()
                    .take(12)
                    .collect::<String>()
            );
        }
    }
}
