//! Robustness: the parser never panics and always returns sane line numbers and spans, on
//! random bytes, on Dockerfile-shaped noise and on mutated corpus files (when
//! `../shared/corpus` exists). Bounded by `PROPTEST_CASES` (default 2000 per property).

use std::path::Path;
use std::sync::OnceLock;

use drydock_dockerfile::{parse_bytes, to_parse_json, Dockerfile};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Invariants every parse result must satisfy.
fn check(bytes: &[u8]) {
    let df: Dockerfile = parse_bytes(bytes, "fuzz");
    let lines = df.source.split_inclusive('\n').count();
    let mut prev_end = 0;
    for i in &df.instructions {
        assert!(!i.cmd.is_empty() || i.value.len() <= 1, "{i:?}");
        assert!(i.start_line >= 1 && i.start_line <= i.end_line, "{i:?}");
        assert!(i.end_line <= lines, "{i:?} beyond {lines} lines");
        assert!(i.start_line > prev_end, "overlapping instructions at {i:?}");
        prev_end = i.end_line;
        let s = &i.span;
        assert!(s.start_column >= 1 && s.end_column >= 1, "{s:?}");
        assert!(
            s.start_line >= i.start_line && s.end_line <= i.end_line,
            "{s:?} outside {}..{}",
            i.start_line,
            i.end_line
        );
        assert!(
            (s.start_line, s.start_column) <= (s.end_line, s.end_column),
            "{s:?}"
        );
        assert_eq!(
            i.sub_cmd.is_some(),
            i.cmd == "ONBUILD" && i.sub_cmd.is_some()
        );
    }
    for e in &df.errors {
        assert!(e.line >= 1 && e.line <= lines.max(1), "{e:?}");
        assert!(!e.message.is_empty() && !e.message.contains('\n'), "{e:?}");
    }
    for c in &df.comments {
        assert!(c.line >= 1 && c.line <= lines, "{c:?}");
    }
    let json = to_parse_json(&df);
    assert!(json["instructions"].is_array());
    assert_eq!(
        df,
        parse_bytes(bytes, "fuzz"),
        "parsing must be deterministic"
    );
}

/// Pieces that exercise every parser path when glued together at random.
const PIECES: &[&str] = &[
    "FROM ",
    "RUN ",
    "COPY ",
    "ADD ",
    "ENV ",
    "LABEL ",
    "ARG ",
    "ONBUILD ",
    "HEALTHCHECK ",
    "CMD ",
    "SHELL ",
    "VOLUME ",
    "EXPOSE ",
    "USER ",
    "WORKDIR ",
    "MAINTAINER ",
    "FOO ",
    "\n",
    "\r\n",
    "\n",
    " ",
    "\t",
    "\\",
    "\\\n",
    "`",
    "`\n",
    "#",
    "# escape=`\n",
    "# syntax=x\n",
    "# escape=\\\n",
    "<<",
    "<<-",
    "<<EOF",
    "<<'EOF'",
    "3<<\"E\"",
    "EOF\n",
    "\tEOF\n",
    "E\n",
    "[",
    "]",
    "\"",
    "'",
    ",",
    "[\"a\", \"b\"]",
    "[1]",
    "--",
    "--from=a ",
    "--mount=type=cache ",
    "--link ",
    "=",
    "a",
    "b=c",
    "${x:-y}",
    "$",
    "${",
    "}",
    "AS ",
    "NONE",
    "\u{a0}",
    "é",
    "\u{FEFF}",
    "\0",
];

fn shaped() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0..PIECES.len(), 0..120)
        .prop_map(|ix| ix.into_iter().flat_map(|i| PIECES[i].bytes()).collect())
}

fn corpus_files() -> &'static [Vec<u8>] {
    static FILES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/corpus/dockerfiles"
        ));
        let Ok(rd) = std::fs::read_dir(dir) else {
            eprintln!("!!! ../shared/corpus not found: corpus mutation fuzzing SKIPPED !!!");
            return Vec::new();
        };
        let mut paths: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        paths
            .iter()
            .filter_map(|p| std::fs::read(p.join("Dockerfile")).ok())
            .collect()
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Replace(usize, u8),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (
            any::<usize>(),
            prop::sample::select(PIECES).prop_map(|p| p.as_bytes().to_vec())
        )
            .prop_map(|(i, p)| Mutation::Insert(i, p)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Replace(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(mut bytes: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        let len = bytes.len();
        match m {
            Mutation::Insert(i, p) => {
                let at = i % (len + 1);
                bytes.splice(at..at, p.iter().copied());
            }
            Mutation::Delete(i, n) if len > 0 => {
                let at = i % len;
                bytes.drain(at..(at + n).min(len));
            }
            Mutation::Replace(i, b) if len > 0 => bytes[i % len] = *b,
            Mutation::Truncate(i) => bytes.truncate(i % (len + 1)),
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        check(&bytes);
    }

    #[test]
    fn dockerfile_shaped_noise(bytes in shaped()) {
        check(&bytes);
    }

    #[test]
    fn mutated_corpus_files(pick in any::<usize>(), muts in prop::collection::vec(mutation(), 1..8)) {
        let files = corpus_files();
        if !files.is_empty() {
            let original = files[pick % files.len()].clone();
            check(&apply(original, &muts));
        }
    }
}

/// Large inputs must stay linear: these would take minutes if any step were quadratic.
#[test]
fn huge_inputs() {
    let mut big = b"FROM a\nRUN <<EOF\n".to_vec();
    for _ in 0..200_000 {
        big.extend_from_slice(b"echo some heredoc body line\n");
    }
    big.extend_from_slice(b"EOF\n");
    let df = parse_bytes(&big, "big");
    assert_eq!(
        df.instructions[1].heredocs[0].content.lines().count(),
        200_000
    );

    let mut long = b"FROM a\nRUN ".to_vec();
    long.extend(std::iter::repeat_n(b"x \\\n && y ", 100_000).flatten());
    long.extend_from_slice(b"\nENV ");
    long.extend(std::iter::repeat_n(b"k=\"v v\" ", 100_000).flatten());
    long.extend_from_slice(b"\nRUN ");
    long.extend(std::iter::repeat_n(b"${a:-${b:-<<", 50_000).flatten());
    long.extend_from_slice(b"\nCMD [");
    long.extend(std::iter::repeat_n(b"[", 100_000).flatten());
    long.extend_from_slice(b"\nONBUILD ");
    long.extend(std::iter::repeat_n(b"ONBUILD ", 100_000).flatten());
    long.push(b'\n');
    let df = parse_bytes(&long, "long");
    assert_eq!(df.instructions.len(), 6, "{:?}", df.errors);
    assert_eq!(df.instructions[5].sub_cmd.as_deref(), Some("ONBUILD"));
    assert_eq!(df.instructions[2].value.len(), 200_000);
}
