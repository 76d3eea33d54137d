//! Parser conformance against BuildKit, on the shared corpus (`../shared/corpus`):
//! - `dockerfiles/*/ref-parse.json`: BuildKit v0.12.5's parser output for real files;
//! - `buildkit-parser/testfiles/*`: BuildKit's own test data (`Node.Dump()` form);
//! - `buildkit-parser/testfiles-negative/*`: inputs BuildKit rejects;
//! - `buildkit-parser/testfile-line`: BuildKit's line-number test.
//!
//! Skipped (loudly) when `../shared` does not exist. Run with `--nocapture` for the score
//! (`scripts/conformance.sh`).

use std::fs;
use std::path::{Path, PathBuf};

use drydock_dockerfile::{parse_bytes, to_parse_json, Dockerfile, Instruction};
use serde_json::Value;

/// Files that must agree with BuildKit, as a fraction of the corpus files with a reference.
const THRESHOLD: f64 = 0.995;

fn corpus() -> Option<PathBuf> {
    let p = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ));
    if p.is_dir() {
        return Some(p.to_path_buf());
    }
    eprintln!("\n!!! SKIPPED: ../shared/corpus not found; parser conformance NOT checked !!!\n");
    None
}

fn sorted_dirs(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn parse_file(p: &Path) -> Dockerfile {
    let bytes = fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    parse_bytes(&bytes, &p.display().to_string())
}

/// The first field where our instruction differs from the reference one.
fn first_difference(got: &Value, want: &Value) -> Option<String> {
    for f in [
        "cmd",
        "sub_cmd",
        "flags",
        "value",
        "json",
        "start_line",
        "end_line",
    ] {
        if got[f] != want[f] {
            return Some(format!("{f}: got {} want {}", got[f], want[f]));
        }
    }
    let docs = |v: &Value| -> Vec<(Value, Value)> {
        v["heredocs"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|h| (h["name"].clone(), h["content"].clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    if docs(got) != docs(want) {
        return Some(format!(
            "heredocs: got {} want {}",
            got["heredocs"], want["heredocs"]
        ));
    }
    None
}

#[test]
fn corpus_matches_buildkit_reference() {
    let Some(corpus) = corpus() else { return };
    let (mut total, mut same, mut same_original, mut no_ref) = (0usize, 0usize, 0usize, 0usize);
    let mut diffs = Vec::new();
    for dir in sorted_dirs(&corpus.join("dockerfiles")) {
        let df = parse_file(&dir.join("Dockerfile"));
        let Ok(reference) = fs::read_to_string(dir.join("ref-parse.json")) else {
            // No reference: must still parse cleanly.
            no_ref += 1;
            assert!(
                df.errors.is_empty(),
                "{}: unexpected errors {:?}",
                dir.display(),
                df.errors
            );
            continue;
        };
        let reference: Value = serde_json::from_str(&reference).expect("ref-parse.json");
        total += 1;
        let got = to_parse_json(&df);
        if reference["ok"] == Value::Bool(false) {
            if got["errors"].as_array().is_some_and(|e| !e.is_empty()) {
                same += 1;
            } else {
                diffs.push(format!(
                    "{}: BuildKit rejects it, we did not",
                    dir.display()
                ));
            }
            continue;
        }
        let (g, w) = (
            got["instructions"].as_array().expect("instructions"),
            reference["instructions"].as_array().expect("instructions"),
        );
        let mut diff =
            (g.len() != w.len()).then(|| format!("{} instructions, BuildKit {}", g.len(), w.len()));
        for (i, (gi, wi)) in g.iter().zip(w).enumerate() {
            if diff.is_some() {
                break;
            }
            diff = first_difference(gi, wi).map(|d| format!("instruction {i}: {d}"));
        }
        if g.len() == w.len() && g.iter().zip(w).all(|(a, b)| a["original"] == b["original"]) {
            same_original += 1;
        }
        if diff.is_none() && !df.errors.is_empty() {
            diff = Some(format!("BuildKit accepts it, we report {:?}", df.errors));
        }
        match diff {
            None => same += 1,
            Some(d) => diffs.push(format!("{}: {d}", dir.display())),
        }
    }
    for d in &diffs {
        eprintln!("DIFF {d}");
    }
    // Informational only (speed is benchmarked elsewhere, never asserted in tests).
    let files: Vec<Vec<u8>> = sorted_dirs(&corpus.join("dockerfiles"))
        .iter()
        .filter_map(|d| fs::read(d.join("Dockerfile")).ok())
        .collect();
    let t = std::time::Instant::now();
    let n: usize = files
        .iter()
        .map(|b| parse_bytes(b, "Dockerfile").instructions.len())
        .sum();
    eprintln!(
        "parsed {} corpus files ({n} instructions) in {:.1} ms ({} build)",
        files.len(),
        t.elapsed().as_secs_f64() * 1000.0,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    let score = same as f64 / total.max(1) as f64;
    eprintln!(
        "conformance: {same}/{total} corpus files identical to BuildKit ({:.2}%), `original` identical in {same_original}; {no_ref} files without reference parsed without errors",
        score * 100.0
    );
    assert!(total > 0, "no ref-parse.json found");
    assert!(
        score >= THRESHOLD,
        "conformance {:.2}% below {:.1}%",
        score * 100.0,
        THRESHOLD * 100.0
    );
}

/// Errors raised by BuildKit's parser itself (as opposed to its instruction checks).
const PARSER_ERRORS: &[&str] = &[
    "when using JSON array syntax",
    "unterminated heredoc",
    "only one ",
    "invalid escape token",
    "ENV must have two arguments",
    "LABEL must have two arguments",
    "Syntax error - can't find =",
    "file with no instructions",
];

/// Go's `strconv.Quote`.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() || (c.is_whitespace() && c != ' ') => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32))
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32))
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// BuildKit's `Node.Dump()` of one instruction (current BuildKit: ENV/LABEL pairs carry a
/// separator node, `"="` or `""` for the legacy `KEY value` form).
fn dump(df: &Dockerfile, inst: &Instruction) -> String {
    let mut node = inst.keyword().to_ascii_lowercase();
    if !inst.flags.is_empty() {
        let flags: Vec<String> = inst.flags.iter().map(|f| go_quote(f)).collect();
        node.push_str(&format!(" [{}]", flags.join(" ")));
    }
    if matches!(inst.keyword(), "ENV" | "LABEL") {
        let sep = if df.is_legacy_key_value(inst) {
            ""
        } else {
            "="
        };
        for pair in inst.value.chunks(2) {
            for v in pair {
                node.push(' ');
                node.push_str(&go_quote(v));
            }
            node.push(' ');
            node.push_str(&go_quote(sep));
        }
    } else {
        for v in &inst.value {
            node.push(' ');
            node.push_str(&go_quote(v));
        }
    }
    let node = node.trim().to_string();
    match &inst.sub_cmd {
        Some(_) => format!("{} ({node})", inst.cmd.to_ascii_lowercase()),
        None => node,
    }
}

#[test]
fn buildkit_testfiles_dump_as_expected() {
    let Some(corpus) = corpus() else { return };
    let mut failures = Vec::new();
    let mut n = 0;
    for dir in sorted_dirs(&corpus.join("buildkit-parser/testfiles")) {
        n += 1;
        let df = parse_file(&dir.join("Dockerfile"));
        let want = fs::read_to_string(dir.join("result")).expect("result");
        let got: String = df
            .instructions
            .iter()
            .map(|i| format!("({})\n", dump(&df, i)))
            .collect();
        // These inputs pass BuildKit's parser; some would fail BuildKit's later instruction
        // checks (unknown flags, CMD before FROM), which we report too — but no parse error.
        let parse_errors: Vec<_> = df
            .errors
            .iter()
            .filter(|e| PARSER_ERRORS.iter().any(|p| e.message.starts_with(p)))
            .collect();
        if !parse_errors.is_empty() {
            failures.push(format!("{}: errors {parse_errors:?}", dir.display()));
        }
        if got.trim_end() != want.replace("\r\n", "\n").trim_end() {
            let first = got
                .lines()
                .zip(want.lines())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("got  {a}\nwant {b}"))
                .unwrap_or_else(|| "different number of instructions".into());
            failures.push(format!("{}:\n{first}", dir.display()));
        }
    }
    eprintln!("buildkit testfiles: {}/{n} identical", n - failures.len());
    assert!(n > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn buildkit_negative_testfiles_are_rejected() {
    let Some(corpus) = corpus() else { return };
    let base = corpus.join("buildkit-parser");
    let check: Value = serde_json::from_str(
        &fs::read_to_string(base.join("ref-parser-check.json")).expect("ref-parser-check.json"),
    )
    .expect("json");
    let mut n = 0;
    for dir in sorted_dirs(&base.join("testfiles-negative")) {
        n += 1;
        let name = dir.file_name().and_then(|s| s.to_str()).unwrap_or_default();
        let df = parse_file(&dir.join("Dockerfile"));
        assert!(
            !df.errors.is_empty(),
            "{}: BuildKit rejects it but we parsed it without error",
            dir.display()
        );
        if let Some(expected) = check["negative"][name]["error"].as_str() {
            assert!(
                df.errors.iter().any(|e| e.message.contains(expected)),
                "{}: expected an error containing {expected:?}, got {:?}",
                dir.display(),
                df.errors
            );
        }
        for e in &df.errors {
            assert!(e.line >= 1 && !e.message.is_empty(), "{e:?}");
        }
    }
    eprintln!("buildkit negative testfiles: {n}/{n} rejected");
    assert!(n > 0);
}

#[test]
fn buildkit_line_information() {
    let Some(corpus) = corpus() else { return };
    let df = parse_file(&corpus.join("buildkit-parser/testfile-line/Dockerfile"));
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let lines: Vec<(usize, usize)> = df
        .instructions
        .iter()
        .map(|i| (i.start_line, i.end_line))
        .collect();
    // BuildKit's TestLineInformation.
    assert_eq!(lines, vec![(5, 5), (11, 12), (17, 31)]);
}
