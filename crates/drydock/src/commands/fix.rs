//! `drydock fix [PATH…]`: the Dockerfile rules' fixes as a unified diff on standard output,
//! or written in place with `--write`. Notes (what was fixed, `docker build --secret` hints)
//! go to standard error.

use crate::cli::FixArgs;
use crate::config::Config;
use crate::output::selectors;
use anyhow::Result;
use drydock_core::{Policy, RuleSelector};
use drydock_scan::fix::{fix_file, plan, write_atomically, FixOptions, RegistryResolver};
use std::path::PathBuf;

pub fn run(args: FixArgs) -> Result<u8> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let cfg = Config::discover(args.config.as_deref(), paths.first().map(PathBuf::as_path))?;
    let mut policy = Policy {
        select: selectors("--select", &cfg.select)?,
        ignore: selectors("--ignore", &cfg.ignore)?,
        ..Policy::default()
    };
    // `--select` here means "only these" (as `ruff check --fix --select`): the named rules
    // beat the catch-all, and `--ignore` still beats an equally specific selector.
    let only = selectors("--select", &args.select)?;
    if !only.is_empty() {
        policy.ignore.push(RuleSelector("ALL".into()));
    }
    policy.select.extend(only);
    policy.ignore.extend(selectors("--ignore", &args.ignore)?);
    let opts = FixOptions {
        policy,
        build_args: super::scan::parse_build_args(&args.build_args)?,
        offline: args.offline,
        image_access: {
            let mut a = super::scan::image_access(&args.source)?;
            a.timeout = a.timeout.or(cfg.timeout);
            a
        },
    };
    let resolver = if args.offline {
        None
    } else {
        Some(RegistryResolver::new(&opts.image_access)?)
    };

    let files = plan(&paths);
    let (mut errors, mut changed, mut fixes) = (0usize, 0usize, 0usize);
    for path in &files {
        let name = path.display().to_string();
        let name = name.strip_prefix("./").unwrap_or(&name).to_string();
        let bytes = match drydock_scan::read_input(path) {
            Ok(b) => b,
            Err(e) => {
                diag!("drydock: error: {e:#}");
                errors += 1;
                continue;
            }
        };
        if bytes[..bytes.len().min(8192)].contains(&0) {
            diag!("drydock: error: {name}: not a Dockerfile (binary content)");
            errors += 1;
            continue;
        }
        let r = fix_file(path, &bytes, &opts, resolver.as_ref());
        for e in &r.errors {
            diag!("drydock: error: {e}");
        }
        errors += usize::from(!r.errors.is_empty());
        if !r.changed() {
            continue;
        }
        changed += 1;
        fixes += r.applied.len();
        for a in &r.applied {
            if let Some(h) = &a.hint {
                diag!("drydock: {name}:{}: {} — {h}", a.line, a.rule);
            }
        }
        if args.write {
            // Keep a leading BOM and never write a file that is not ours to write (`-`).
            if path.as_os_str() == "-" {
                out!("{}", r.fixed);
                continue;
            }
            let mut content = Vec::new();
            if bytes.starts_with(b"\xEF\xBB\xBF") {
                content.extend_from_slice(b"\xEF\xBB\xBF");
            }
            content.extend_from_slice(r.fixed.as_bytes());
            if let Err(e) = write_atomically(path, &content) {
                diag!("drydock: error: {e:#}");
                errors += 1;
            }
        } else {
            out!("{}", r.diff(&name));
        }
    }
    // When no file could be read, the error lines are the whole answer.
    if errors < files.len() {
        let verb = if args.write { "fixed" } else { "fixable" };
        diag!(
            "drydock: {fixes} {verb} issue(s) in {changed} of {} file(s)",
            files.len()
        );
    }
    Ok(if errors > 0 {
        2
    } else if changed > 0 && !args.write {
        1
    } else {
        0
    })
}
