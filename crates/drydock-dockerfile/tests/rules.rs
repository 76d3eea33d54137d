//! Every Dockerfile rule against its fixture `tests/fixtures/rules/DFnnn.Dockerfile`.
//!
//! Fixture convention: a comment line `# bad` marks the next instruction as one the rule
//! must report, `# ok` as one it must not; the rule's findings must all fall on `# bad`
//! instructions. `# options: trusted_registries = a, b` sets options. Each rule's findings
//! are also snapshotted (tests/snapshots/rules__DFnnn.snap) in a compact text form.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use drydock_core::eol::Date;
use drydock_core::{Finding, Location, Policy, RuleSelector};
use drydock_dockerfile::{rule_metas, scan_dockerfile, DockerfileOptions};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

/// A build context beside the fixture with files DF012 must see (and one it must not).
fn build_context() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("create temp dir");
    let files = [
        (".env", "APP_SECRET=fixture-not-a-secret\n"),
        ("id_rsa", "fixture: not a real key\n"),
        (".git/config", "[core]\n"),
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("secrets/.npmrc", "registry=https://registry.npmjs.org/\n"),
        ("app/main.py", "print('hi')\n"),
        ("app/.env.example", "APP_SECRET=\n"),
        (".dockerignore", "secrets/\n"),
    ];
    for (p, content) in files {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

fn options_for(source: &str, context: &Path) -> DockerfileOptions {
    let mut o = DockerfileOptions {
        scan_date: Date::parse("2026-11-27").unwrap(),
        context_dir: Some(context.to_path_buf()),
        use_build_context: true,
        ..DockerfileOptions::default()
    };
    for line in source.lines() {
        if let Some(rest) = line.trim().strip_prefix("# options:") {
            if let Some((k, v)) = rest.split_once('=') {
                let v = v.trim().trim_matches(['[', ']']);
                let items: Vec<String> = v
                    .split(',')
                    .map(|x| x.trim().trim_matches('"').to_string())
                    .filter(|x| !x.is_empty())
                    .collect();
                match k.trim() {
                    "trusted_registries" => o.trusted_registries = items,
                    "scan_date" => o.scan_date = Date::parse(&items[0]).unwrap(),
                    other => panic!("unknown fixture option {other}"),
                }
            }
        }
    }
    o
}

fn span(f: &Finding) -> (usize, usize, usize, usize) {
    match &f.location {
        Location::Source(s) => (s.start_line, s.start_column, s.end_line, s.end_column),
        other => panic!("Dockerfile finding with a non-source location: {other:?}"),
    }
}

/// Compact, reviewable text of a rule's findings.
fn render(findings: &[&Finding]) -> String {
    let mut s = String::new();
    for f in findings {
        let (sl, sc, el, ec) = span(f);
        writeln!(
            s,
            "{} {sl}:{sc}-{el}:{ec} {}: {}",
            f.rule, f.severity, f.message
        )
        .unwrap();
        if let Some(fix) = &f.fix {
            writeln!(s, "    fix: {fix}").unwrap();
        }
        if let Some(e) = &f.evidence {
            writeln!(s, "    evidence: {}", e.value).unwrap();
        }
    }
    s
}

#[test]
fn every_rule_has_a_fixture_and_behaves_on_it() {
    let ctx = build_context();
    let mut problems = Vec::new();
    let metas = rule_metas();
    assert!(metas.len() >= 45, "only {} rules", metas.len());
    let mut ids: Vec<&str> = metas.iter().map(|m| m.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), metas.len(), "duplicate rule ids");

    for meta in &metas {
        let fixture = fixtures().join(format!("{}.Dockerfile", meta.id));
        let Ok(source) = std::fs::read_to_string(&fixture) else {
            problems.push(format!(
                "{}: missing fixture {}",
                meta.id,
                fixture.display()
            ));
            continue;
        };
        let options = options_for(&source, ctx.path());
        let policy = Policy {
            select: vec![RuleSelector(meta.id.to_string())],
            ..Policy::default()
        };
        let name = format!("{}.Dockerfile", meta.id);
        let scan = scan_dockerfile(Path::new(&name), source.as_bytes(), &options, &policy);
        assert!(
            scan.errors
                .iter()
                .all(|e| !e.to_string().contains("internal error")),
            "{}: {:?}",
            meta.id,
            scan.errors
        );
        let mine: Vec<&Finding> = scan.findings.iter().filter(|f| f.rule == meta.id).collect();
        if mine.is_empty() {
            problems.push(format!("{}: does not fire on its fixture", meta.id));
        }

        // Markers: `# bad` / `# ok` on the line(s) before an instruction.
        let lines: Vec<&str> = source.lines().collect();
        let mut marks: Vec<(usize, usize, bool)> = Vec::new();
        for ins in &scan.df.instructions {
            let mut l = ins.start_line - 1;
            while l >= 1 && lines[l - 1].trim_start().starts_with('#') {
                match lines[l - 1].trim() {
                    "# bad" => marks.push((ins.start_line, ins.end_line, true)),
                    "# ok" => marks.push((ins.start_line, ins.end_line, false)),
                    _ => {}
                }
                l -= 1;
            }
        }
        for f in &mine {
            let line = span(f).0;
            let mark = marks.iter().find(|(a, b, _)| (*a..=*b).contains(&line));
            match mark {
                Some((_, _, true)) => {}
                Some((_, _, false)) => problems.push(format!(
                    "{}: fires on an `# ok` line {line}: {}",
                    meta.id, f.message
                )),
                None => problems.push(format!(
                    "{}: fires on unmarked line {line}: {}",
                    meta.id, f.message
                )),
            }
        }
        for (a, b, bad) in &marks {
            if *bad && !mine.iter().any(|f| (*a..=*b).contains(&span(f).0)) {
                problems.push(format!(
                    "{}: no finding on the `# bad` instruction at line {a}",
                    meta.id
                ));
            }
        }
        insta::assert_snapshot!(meta.id, render(&mine));
    }
    assert!(
        problems.is_empty(),
        "rule problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn explanations_render_for_explain() {
    for m in rule_metas() {
        let text = m.render_explain();
        assert!(text.starts_with(m.id));
        assert!(
            m.explanation.contains("```dockerfile"),
            "{} has no Dockerfile example",
            m.id
        );
    }
}

#[test]
fn suppressions_apply_to_the_next_instruction_and_globally() {
    let src = "\
# drydock global ignore=DF051
FROM alpine:latest
# drydock ignore=DF015
RUN sudo apk add --no-cache curl
# hadolint ignore=DL3004
RUN sudo true
RUN sudo false
# drydock ignore DF014, final-stage-no-user
USER root
";
    let opts = DockerfileOptions {
        use_build_context: false,
        ..DockerfileOptions::default()
    };
    let scan = scan_dockerfile(
        Path::new("Dockerfile"),
        src.as_bytes(),
        &opts,
        &Policy::default(),
    );
    let rules: Vec<(String, usize)> = scan
        .findings
        .iter()
        .map(|f| (f.rule.clone(), span(f).0))
        .collect();
    assert!(!rules.iter().any(|(r, _)| r == "DF051"), "{rules:?}");
    assert!(rules.contains(&("DF017".to_string(), 2)), "{rules:?}");
    let sudo: Vec<usize> = rules
        .iter()
        .filter(|(r, _)| r == "DF015")
        .map(|(_, l)| *l)
        .collect();
    assert_eq!(sudo, [7], "only the unsuppressed sudo remains");
    assert!(!rules.iter().any(|(r, _)| r == "DF014"), "{rules:?}");
    assert!(scan.suppressed >= 4);
}

#[test]
fn ignored_rules_are_skipped_by_id_and_by_foreign_id() {
    let src = "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nUSER 1000\n";
    let opts = DockerfileOptions {
        use_build_context: false,
        ..DockerfileOptions::default()
    };
    let scan = scan_dockerfile(
        Path::new("Dockerfile"),
        src.as_bytes(),
        &opts,
        &Policy::default(),
    );
    assert!(
        scan.findings.iter().any(|f| f.rule == "DF045"),
        "on by default, as Hadolint's DL3013"
    );
    let policy = Policy {
        ignore: vec![RuleSelector("DL3013".into()), RuleSelector("DF018".into())],
        ..Policy::default()
    };
    let scan = scan_dockerfile(Path::new("Dockerfile"), src.as_bytes(), &opts, &policy);
    assert!(!scan.findings.iter().any(|f| f.rule == "DF045"));
    assert!(!scan.findings.iter().any(|f| f.rule == "DF018"));
}

#[test]
fn secrets_never_appear_whole_in_output() {
    let token = "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";
    let src = format!(
        "FROM alpine:3.20\nENV GITHUB_TOKEN={token}\nARG T={token}\nLABEL t={token}\nRUN git clone https://{token}@github.com/a/b.git\nRUN curl -u bob:Sup3rS3cretPw https://x.example\nUSER 1\n"
    );
    let opts = DockerfileOptions {
        use_build_context: false,
        ..DockerfileOptions::default()
    };
    let scan = scan_dockerfile(
        Path::new("Dockerfile"),
        src.as_bytes(),
        &opts,
        &Policy::default(),
    );
    assert!(
        scan.findings
            .iter()
            .filter(|f| f.category == drydock_core::Category::Secret)
            .count()
            >= 4
    );
    let json = serde_json::to_string(&scan.findings).unwrap();
    assert!(
        !json.contains(token),
        "a whole token leaked into the findings"
    );
    assert!(
        !json.contains("Sup3rS3cretPw"),
        "a whole password leaked into the findings"
    );
}

#[test]
fn windows_and_powershell_runs_are_not_shell_analysed() {
    let src = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN curl.exe -k https://x.example/a.zip -o a.zip; sudo x\n";
    let opts = DockerfileOptions {
        use_build_context: false,
        ..DockerfileOptions::default()
    };
    let scan = scan_dockerfile(
        Path::new("Dockerfile"),
        src.as_bytes(),
        &opts,
        &Policy::default(),
    );
    assert!(
        !scan
            .findings
            .iter()
            .any(|f| f.rule == "DF025" || f.rule == "DF015"),
        "{:?}",
        scan.findings
    );
}

#[test]
fn locations_point_at_the_offending_token() {
    let src = "FROM alpine:3.20\nRUN apk add --no-cache curl && \\\n    curl -fsSL -k \\\n      https://x.example/a -o /a\nUSER 1\n";
    let opts = DockerfileOptions {
        use_build_context: false,
        ..DockerfileOptions::default()
    };
    let scan = scan_dockerfile(
        Path::new("Dockerfile"),
        src.as_bytes(),
        &opts,
        &Policy::default(),
    );
    let f = scan
        .findings
        .iter()
        .find(|f| f.rule == "DF025")
        .expect("curl -k found");
    assert_eq!(span(f), (3, 16, 3, 17));
}

/// All rules over the public corpus (`../shared/corpus/dockerfiles`): no panic, no internal
/// error, and a per-rule comparison with Hadolint's recorded findings printed for review.
/// Lives in this test binary so the secret engine is compiled once.
#[test]
fn corpus_scans_cleanly_and_agrees_with_hadolint_where_equivalent() {
    let root = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/dockerfiles"
    ));
    let Ok(entries) = std::fs::read_dir(root) else {
        eprintln!(
            "SKIPPED: {} not found (the shared corpus is not beside the project)",
            root.display()
        );
        return;
    };
    let mut dirs: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    dirs.sort();
    let opts = DockerfileOptions {
        scan_date: Date::parse("2026-11-27").unwrap(),
        ..DockerfileOptions::default()
    };
    let policy = Policy {
        select: vec![RuleSelector("DF".into())],
        ..Policy::default()
    };
    let metas = rule_metas();
    let mut per_rule: std::collections::BTreeMap<String, usize> = Default::default();
    // rule~equivalents → (both, theirs only, drydock only, examples)
    let mut agree: std::collections::BTreeMap<String, (usize, usize, usize, Vec<String>)> =
        Default::default();
    let mut scanned = 0;
    for dir in &dirs {
        let path = dir.join("Dockerfile");
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let scan = scan_dockerfile(&path, &bytes, &opts, &policy);
        scanned += 1;
        assert!(
            !scan
                .errors
                .iter()
                .any(|e| e.to_string().contains("internal error")),
            "{}: {:?}",
            path.display(),
            scan.errors
        );
        for f in &scan.findings {
            *per_rule.entry(f.rule.clone()).or_default() += 1;
        }
        // What Hadolint and Checkov reported for this file (codes / check ids).
        let mut theirs_codes: std::collections::BTreeSet<String> = Default::default();
        let mut have: Vec<&str> = Vec::new();
        if let Ok(h) = std::fs::read_to_string(dir.join("hadolint.json")) {
            have.push("hadolint:");
            if let Ok(serde_json::Value::Array(h)) = serde_json::from_str::<serde_json::Value>(&h) {
                if h.iter().any(|x| x["code"] == "DL1000") {
                    continue; // Hadolint could not parse it (heredocs): nothing to compare
                }
                theirs_codes.extend(
                    h.iter()
                        .filter_map(|x| x["code"].as_str().map(|c| format!("hadolint:{c}"))),
                );
            }
        }
        if let Ok(c) = std::fs::read_to_string(dir.join("checkov.json")) {
            have.push("checkov:");
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&c) {
                if let Some(failed) = v["results"]["failed_checks"].as_array() {
                    theirs_codes.extend(
                        failed
                            .iter()
                            .filter_map(|x| x["check_id"].as_str().map(|c| format!("checkov:{c}"))),
                    );
                }
            }
        }
        for m in &metas {
            for tool in ["hadolint:", "checkov:"] {
                let eqs: Vec<&str> = m
                    .equivalents
                    .iter()
                    .copied()
                    .filter(|e| e.starts_with(tool))
                    .collect();
                if eqs.is_empty() || !have.contains(&tool) {
                    continue;
                }
                let ours = scan.findings.iter().any(|f| f.rule == m.id);
                let theirs = eqs.iter().any(|e| theirs_codes.contains(*e));
                let e = agree
                    .entry(format!("{}~{}", m.id, eqs.join("+")))
                    .or_default();
                match (ours, theirs) {
                    (true, true) => e.0 += 1,
                    (false, true) => e.1 += 1,
                    (true, false) => {
                        e.2 += 1;
                        if e.3.len() < 4 {
                            e.3.push(dir.file_name().unwrap().to_string_lossy().into_owned());
                        }
                    }
                    (false, false) => {}
                }
            }
        }
    }
    eprintln!("scanned {scanned} corpus Dockerfiles; findings per rule:");
    for (r, n) in &per_rule {
        eprintln!("  {r}: {n}");
    }
    eprintln!(
        "comparison with Hadolint/Checkov (files): both / theirs only / drydock only (examples)"
    );
    for (k, (b, h, d, ex)) in &agree {
        eprintln!("  {k}: {b} / {h} / {d} {ex:?}");
    }
    assert!(scanned >= 500, "only {scanned} corpus files scanned");
}

#[test]
fn artifact_export_stage_is_not_treated_as_a_runtime_image() {
    let src = "FROM golang:1.23 AS build\nRUN go build -o /out/app .\nFROM scratch AS export\nCOPY --from=build /out/app /\n";
    let opts = DockerfileOptions {
        use_build_context: false,
        ..DockerfileOptions::default()
    };
    let scan = scan_dockerfile(
        Path::new("Dockerfile"),
        src.as_bytes(),
        &opts,
        &Policy::default(),
    );
    assert!(
        !scan
            .findings
            .iter()
            .any(|f| f.rule == "DF013" || f.rule == "DF051"),
        "{:?}",
        scan.findings
    );
    // The same stage with a CMD is an image someone runs.
    let src = format!("{src}CMD [\"/app\"]\n");
    let scan = scan_dockerfile(
        Path::new("Dockerfile"),
        src.as_bytes(),
        &opts,
        &Policy::default(),
    );
    assert!(scan.findings.iter().any(|f| f.rule == "DF013"));
}

#[test]
fn rules_markdown_lists_every_rule_with_equivalents() {
    let md = drydock_dockerfile::rules_markdown();
    for m in rule_metas() {
        assert!(md.contains(&format!("## {}", m.id)), "{} missing", m.id);
    }
    assert!(md.contains("| DL3002 |") || md.contains("DL3002"));
}

#[test]
fn heredoc_scripts_and_nested_shells_are_analysed_with_source_positions() {
    let src = "FROM alpine:3.20\r\nRUN <<EOF\r\nset -e\r\n  curl -k https://x.example/a -o /a\r\nEOF\r\nRUN sh -c 'wget --no-check-certificate https://x.example/b'\r\nUSER 1\r\n";
    let opts = DockerfileOptions {
        use_build_context: false,
        ..DockerfileOptions::default()
    };
    let scan = scan_dockerfile(
        Path::new("Dockerfile"),
        src.as_bytes(),
        &opts,
        &Policy::default(),
    );
    let spans: Vec<_> = scan
        .findings
        .iter()
        .filter(|f| f.rule == "DF025")
        .map(span)
        .collect();
    assert_eq!(spans, [(4, 8, 4, 9), (6, 17, 6, 38)], "{:?}", scan.findings);
}

/// Truncated and byte-flipped fixtures (unterminated quotes, heredocs, continuations) must
/// scan without panicking.
#[test]
fn mangled_inputs_never_panic() {
    let opts = DockerfileOptions {
        use_build_context: false,
        ..DockerfileOptions::default()
    };
    let policy = Policy {
        select: vec![RuleSelector("DF".into())],
        ..Policy::default()
    };
    let mut inputs: Vec<Vec<u8>> = vec![
        b"RUN \\".to_vec(),
        b"FROM a\nRUN <<EOF".to_vec(),
        b"FROM a\nRUN sh -c \"sh -c 'sh -c \\\"sh -c x\\\"'\"".to_vec(),
        b"FROM a\nRUN ((((((((((((((((((((((((((((((((((".to_vec(),
        vec![0xff, 0xfe, b'\n', b'R', b'U', b'N', b' ', 0x80],
    ];
    let mut names: Vec<_> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    names.sort();
    for (k, p) in names.iter().enumerate() {
        let bytes = std::fs::read(p).unwrap();
        for cut in (1..bytes.len()).step_by(37 + k % 5) {
            inputs.push(bytes[..cut].to_vec());
        }
        let mut flipped = bytes.clone();
        for i in (0..flipped.len()).step_by(11) {
            flipped[i] = match flipped[i] {
                b'"' => b'\'',
                b'\'' => b'"',
                b'\n' => b'\\',
                c => c,
            };
        }
        inputs.push(flipped);
    }
    for input in &inputs {
        let scan = scan_dockerfile(Path::new("Dockerfile"), input, &opts, &policy);
        assert!(
            !scan
                .errors
                .iter()
                .any(|e| e.to_string().contains("internal error")),
            "{:?}: {:?}",
            String::from_utf8_lossy(input),
            scan.errors
        );
    }
}

#[test]
fn forbidden_onbuild_trigger_is_a_finding_not_a_scan_error() {
    let src = "FROM debian:12-slim\nONBUILD FROM alpine:3.20\nUSER root\n";
    let opts = DockerfileOptions {
        use_build_context: false,
        ..DockerfileOptions::default()
    };
    let scan = scan_dockerfile(
        Path::new("Dockerfile"),
        src.as_bytes(),
        &opts,
        &Policy::default(),
    );
    assert!(scan.errors.is_empty(), "{:?}", scan.errors);
    assert!(scan.findings.iter().any(|f| f.rule == "DF075"));
    assert!(
        scan.findings.iter().any(|f| f.rule == "DF014"),
        "the rest of the file is reviewed"
    );
    // other BuildKit refusals stay scan errors
    let scan = scan_dockerfile(
        Path::new("Dockerfile"),
        b"FROM a\nONBUILD NOPE x\n",
        &opts,
        &Policy::default(),
    );
    assert_eq!(scan.errors.len(), 1, "{:?}", scan.errors);
}
