//! Scan an image with the library alone (used by scripts/image-bench.sh and for manual
//! checks): `cargo run --release -p drydock-image --example image-scan -- SOURCE [--platform P] [--json]`.

use drydock_image::{open, OpenOptions, PlatformChoice, ScanOptions};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut source = None;
    let mut opts = OpenOptions::default();
    let mut json = false;
    let mut no_secrets = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--platform" => {
                let p = args.next().unwrap_or_default();
                opts.platform = PlatformChoice::parse(&p).unwrap_or_else(|e| fail(&e.to_string()));
            }
            "--json" => json = true,
            "--no-secrets" => no_secrets = true,
            _ => source = Some(a),
        }
    }
    let source = source.unwrap_or_else(|| fail("usage: image-scan SOURCE [--platform P] [--json]"));
    let t = Instant::now();
    let images = open(&source, &opts).unwrap_or_else(|e| fail(&e.to_string()));
    let mut scan_opts = ScanOptions {
        tag_platform: opts.platform == PlatformChoice::All,
        ..Default::default()
    };
    scan_opts.walk.secrets = !no_secrets;
    for img in &images {
        let s =
            drydock_image::scan(img, &scan_opts, &mut []).unwrap_or_else(|e| fail(&e.to_string()));
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&s.findings).unwrap_or_default()
            );
            continue;
        }
        let sm = &s.summary;
        println!(
            "{}  platform={}  os={}  layers={}  size={}  user={:?}  waste={}  efficiency={:.3}",
            sm.name,
            sm.platform.as_deref().unwrap_or("-"),
            sm.os
                .as_ref()
                .map_or("-".to_string(), |o| o.pretty_name.clone()),
            sm.layers.len(),
            sm.total_size,
            sm.user,
            sm.waste_bytes,
            sm.efficiency
        );
        for f in &s.findings {
            println!(
                "  {:<8} {} {} {}",
                f.severity,
                f.rule,
                f.message,
                serde_json::to_string(&f.location).unwrap_or_default()
            );
        }
    }
    eprintln!("scanned in {:.2}s", t.elapsed().as_secs_f64());
}

fn fail(msg: &str) -> ! {
    eprintln!("error: {msg}");
    std::process::exit(2)
}
