//! What a person meets first: `--version`, completions, the man page, `drydock explain`
//! topics, and the compact views (`--format table`, the grouped text view) end to end.

mod support;

use std::path::Path;
use support::{drydock, write};

fn stdout_of(args: &[&str]) -> String {
    let out = drydock().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn version_names_commit_rules_and_database() {
    let home = tempfile::tempdir().unwrap();
    let out = drydock()
        .env("XDG_CACHE_HOME", home.path())
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let first = lines.next().unwrap();
    let want = format!("drydock {} (commit ", env!("CARGO_PKG_VERSION"));
    assert!(first.starts_with(&want) && first.ends_with(')'), "{first}");
    let commit = &first[want.len()..first.len() - 1];
    assert!(
        commit == "unknown" || (commit.len() >= 7 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{commit}"
    );
    let rules: usize = lines
        .next()
        .and_then(|l| l.strip_prefix("rules: "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{text}"));
    assert!(rules > 100, "{rules}");
    let db = lines.next().unwrap();
    assert!(
        db.starts_with("vulnerability database: none at ") && db.contains("drydock db update"),
        "{db}"
    );
    // -V is the one-line form.
    let short = stdout_of(&["-V"]);
    assert_eq!(short.trim_end(), first);
}

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = stdout_of(&["completions", shell]);
        assert!(out.len() > 1000, "{shell}: {} bytes", out.len());
        for sub in ["scan", "explain", "completions", "secrets", "sbom"] {
            assert!(out.contains(sub), "{shell} completion lacks {sub}");
        }
        assert!(
            out.contains("--fail-on"),
            "{shell} completion lacks --fail-on"
        );
    }
    let out = drydock().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_page_is_current() {
    let generated = stdout_of(&["man"]);
    assert!(generated.starts_with(".ie \\n(.g .ds Aq \\(aq") || generated.contains(".TH drydock"));
    for section in [
        "COMMAND: SCAN",
        "COMMAND: EXPLAIN",
        "COMMAND: DB",
        "\\-\\-fail\\-on",
    ] {
        assert!(generated.contains(section), "man page lacks {section}");
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/drydock.1");
    if std::env::var_os("DRYDOCK_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/drydock.1 is stale: run scripts/gen-man.sh (or DRYDOCK_BLESS=1 cargo test -p drydock --test shell man_page)"
    );
}

#[test]
fn explain_lists_topics_and_rules_and_renders_a_topic() {
    let list = stdout_of(&["explain"]);
    assert!(
        list.starts_with("Topics (drydock explain TOPIC):"),
        "{list}"
    );
    for t in [
        "whiteouts",
        "base-images",
        "root-in-containers",
        "scanning-in-ci",
    ] {
        assert!(list.contains(&format!("  {t}")), "{t}");
    }
    assert!(list.contains("Rules (drydock explain RULE):"));
    assert!(list.contains("DF013") && list.contains("RT007"));

    let topic = stdout_of(&["explain", "whiteouts"]);
    assert!(
        topic.starts_with("Why a deleted file stays in the image\n====="),
        "{topic}"
    );
    // Rendered for the terminal: no Markdown heading marks or fences left.
    assert!(!topic.contains("## ") && !topic.contains("```"), "{topic}");
    assert!(topic.contains("• `IM002`"), "{topic}");
    assert!(topic.contains("    drydock explain IM002"), "{topic}");

    let bad = drydock().args(["explain", "whiteout-s"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown rule or topic"));
}

#[test]
fn table_and_grouped_text_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let mut df = String::from("FROM ubuntu\n");
    for i in 0..9 {
        df.push_str(&format!("RUN apt-get install -y pkg{i}\n"));
    }
    let path = write(dir.path(), "Dockerfile", &df);
    let path = path.to_str().unwrap();
    let json = support::json_of(
        &drydock()
            .args([
                "scan",
                "--no-build-context",
                "--format",
                "json",
                "--fail-on",
                "none",
                path,
            ])
            .output()
            .unwrap()
            .stdout,
    );
    let findings = json["findings"].as_array().unwrap().len();
    let table = stdout_of(&[
        "scan",
        "--no-build-context",
        "--format",
        "table",
        "--fail-on",
        "none",
        path,
    ]);
    // Header + rule, one row per finding, blank, target line, totals, verdict.
    assert_eq!(table.lines().count(), findings + 2 + 4, "{table}");

    let text = stdout_of(&["scan", "--no-build-context", "--fail-on", "none", path]);
    assert!(
        text.contains("more DF040 (use --format json or --all)"),
        "{text}"
    );
    assert!(
        text.contains("not shown (use --min-severity info to see them)"),
        "{text}"
    );
    let all = stdout_of(&[
        "scan",
        "--no-build-context",
        "--fail-on",
        "none",
        "--all",
        "--min-severity",
        "info",
        path,
    ]);
    assert!(
        !all.contains("more DF040") && !all.contains("not shown"),
        "{all}"
    );
    assert!(all.lines().count() > text.lines().count());
}

#[test]
fn own_containerfile_scans_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = drydock()
        .current_dir(&root)
        .args([
            "scan",
            "--fail-on",
            "low",
            "--min-severity",
            "info",
            "Containerfile",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("0 findings"), "{text}");
    let cf = std::fs::read_to_string(root.join("Containerfile")).unwrap();
    // Every base image pinned by digest; the final stage runs as a non-root user.
    for from in cf.lines().filter(|l| l.starts_with("FROM ")) {
        assert!(from.contains("@sha256:"), "{from}");
    }
    assert!(cf.contains("\nUSER 65532:65532\n"));
}
