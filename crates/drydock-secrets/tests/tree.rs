//! `scan_tree` over a real directory: locations, redaction, `.git` and symlink handling.

use drydock_core::Severity;
use drydock_core::{Category, Location, Redaction};
use drydock_secrets::{scan_tree, scan_tree_report, TreeScanOptions, MAX_PER_RULE};
use std::path::PathBuf;

const TOKEN: &str = "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";

fn tree() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("drydock-secrets-tree-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("app/.git/objects")).unwrap();
    std::fs::write(
        dir.join("app/config.env"),
        format!("# ü comment\nGITHUB_TOKEN=ü{TOKEN}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("app/.git/objects/blob"),
        format!("token={TOKEN}\n"),
    )
    .unwrap();
    std::fs::write(dir.join("app/readme.txt"), "nothing to see\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", dir.join("app/etc-link")).unwrap();
    dir
}

#[test]
fn findings_have_source_locations_and_redacted_evidence() {
    let dir = tree();
    let findings = scan_tree(&[dir.join("app")], &TreeScanOptions::default()).unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.rule, "github-pat-classic");
    assert_eq!(f.category, Category::Secret);
    let Location::Source(span) = &f.location else {
        panic!("{:?}", f.location)
    };
    assert!(span.path.ends_with("app/config.env"), "{}", span.path);
    // Columns count characters: `GITHUB_TOKEN=ü` is 14 characters (15 bytes).
    assert_eq!(
        (
            span.start_line,
            span.start_column,
            span.end_line,
            span.end_column
        ),
        (2, 15, 2, 54)
    );
    let ev = f.evidence.as_ref().unwrap();
    assert!(!ev.value.contains(TOKEN) && !f.message.contains(TOKEN));
    assert_eq!(ev.length, TOKEN.len());

    let shown = scan_tree(
        &[dir.join("app")],
        &TreeScanOptions {
            redaction: Redaction::Show,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(shown[0].evidence.as_ref().unwrap().value, TOKEN);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn large_files_are_streamed_and_missing_paths_are_errors() {
    let dir = std::env::temp_dir().join(format!("drydock-secrets-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut big = "filler line of text without anything\n".repeat(40_000);
    big.push_str(&format!("GITHUB_TOKEN={TOKEN}\n"));
    std::fs::write(dir.join("big.log"), &big).unwrap();
    let opts = TreeScanOptions {
        stream_above: 1024,
        ..Default::default()
    };
    let f = scan_tree(std::slice::from_ref(&dir), &opts).unwrap();
    assert_eq!(f.len(), 1);
    let Location::Source(span) = &f[0].location else {
        panic!()
    };
    assert_eq!(span.start_line, 40_001);
    // A file over a configured limit is not dropped silently: it comes back as a warning.
    let skipped = scan_tree_report(
        std::slice::from_ref(&dir),
        &TreeScanOptions {
            max_file_size: 1024,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(skipped.findings.is_empty());
    assert_eq!(skipped.warnings.len(), 1, "{:?}", skipped.warnings);
    assert!(skipped.warnings[0].contains("big.log"));
    let err = scan_tree(&[dir.join("nope")], &TreeScanOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("cannot scan ") && err.contains("nope"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn path_heuristics_see_the_path_below_the_scanned_root() {
    let dir = std::env::temp_dir().join(format!("drydock-secrets-rel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("examples/app")).unwrap();
    std::fs::write(
        dir.join("examples/app/config.env"),
        format!("GITHUB_TOKEN={TOKEN}\n"),
    )
    .unwrap();
    // Scanned from above, the file is under `examples/`: a sample, lowered.
    let above = scan_tree(std::slice::from_ref(&dir), &TreeScanOptions::default()).unwrap();
    assert_eq!(above[0].severity, Severity::Low, "{above:?}");
    // Scanned as the root itself (what `drydock scan examples/` sends as a build context),
    // the same file is `app/config.env`: the same verdict as in an image or a context.
    let root = scan_tree(&[dir.join("examples")], &TreeScanOptions::default()).unwrap();
    assert_eq!(root[0].severity, Severity::Critical, "{root:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn repeated_and_numerous_secrets_are_counted_and_capped() {
    let dir = std::env::temp_dir().join(format!("drydock-secrets-many-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = format!("GITHUB_TOKEN={TOKEN}\n").repeat(1000);
    // Many distinct generic secrets: listed up to the cap, then one summary.
    let mut x: u64 = 7;
    for i in 0..(MAX_PER_RULE * 3) {
        let mut v = String::new();
        for _ in 0..20 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            v.push(
                b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
                    [(x >> 33) as usize % 57] as char,
            );
        }
        text.push_str(&format!("SERVICE_{i}_PASSWORD=Q7{v}\n"));
    }
    std::fs::write(dir.join("dump.env.txt"), &text).unwrap();
    for stream_above in [u64::MAX, 1024] {
        let opts = TreeScanOptions {
            stream_above,
            ..Default::default()
        };
        let f = scan_tree(std::slice::from_ref(&dir), &opts).unwrap();
        let gh: Vec<_> = f
            .iter()
            .filter(|f| f.rule == "github-pat-classic")
            .collect();
        assert_eq!(gh.len(), 1, "{gh:?}");
        assert!(
            gh[0].message.contains("(1000 occurrences in this file)"),
            "{}",
            gh[0].message
        );
        let generic: Vec<_> = f
            .iter()
            .filter(|f| f.rule == "generic-secret-assignment")
            .collect();
        assert_eq!(
            generic.len(),
            MAX_PER_RULE + 1,
            "stream_above {stream_above}"
        );
        assert!(generic.iter().any(|f| f
            .message
            .starts_with(&format!("{} more matches", MAX_PER_RULE * 2))));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `.git/config` remote URLs carry credentials (`https://user:token@host/repo.git`): the tree
/// scan reads the repository configs (as an image scan reads every file) but never objects.
#[test]
fn git_config_is_scanned_but_not_git_objects() {
    let dir = std::env::temp_dir().join(format!("drydock-secrets-gitcfg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let pw = "Rk8vT2mQx9LzW4pN";
    for sub in [
        "repo/.git/objects/ab",
        "repo/.git/modules/lib/objects",
        "repo/.git/logs",
    ] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    let remote = |user: &str| {
        format!("[remote \"origin\"]\n\turl = https://{user}:{pw}@git.example.net/team/app.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n")
    };
    std::fs::write(dir.join("repo/.git/config"), remote("deploy")).unwrap();
    std::fs::write(dir.join("repo/.git/modules/lib/config"), remote("libbot")).unwrap();
    std::fs::write(
        dir.join("repo/.git/objects/ab/cdef"),
        format!("token={TOKEN}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("repo/.git/modules/lib/objects/x"),
        format!("token={TOKEN}\n"),
    )
    .unwrap();
    std::fs::write(dir.join("repo/.git/logs/HEAD"), format!("token={TOKEN}\n")).unwrap();
    std::fs::write(dir.join("repo/.git/FETCH_HEAD"), format!("token={TOKEN}\n")).unwrap();
    let findings = scan_tree(&[dir.join("repo")], &TreeScanOptions::default()).unwrap();
    let mut paths: Vec<String> = findings
        .iter()
        .map(|f| match &f.location {
            Location::Source(s) => s.path.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 2, "{findings:#?}");
    assert!(paths[0].ends_with("repo/.git/config"), "{paths:?}");
    assert!(
        paths[1].ends_with("repo/.git/modules/lib/config"),
        "{paths:?}"
    );
    assert!(
        findings.iter().all(|f| f.severity >= Severity::Medium),
        "{findings:#?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
