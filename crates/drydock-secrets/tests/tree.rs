//! `scan_tree` over a real directory: locations, redaction, `.git` and symlink handling.

use drydock_core::{Category, Location, Redaction};
use drydock_secrets::{scan_tree, TreeScanOptions};
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
    let skipped = scan_tree(
        std::slice::from_ref(&dir),
        &TreeScanOptions {
            max_file_size: 1024,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(skipped.is_empty());
    let err = scan_tree(&[dir.join("nope")], &TreeScanOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("cannot scan ") && err.contains("nope"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
