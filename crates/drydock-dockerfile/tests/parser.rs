//! Parser behaviour, case by case (expected values checked against BuildKit's semantics).

use drydock_dockerfile::{parse, parse_bytes, to_parse_json, Dockerfile, Instruction};

fn one(src: &str) -> Instruction {
    let df = parse(src, "Dockerfile");
    assert_eq!(df.instructions.len(), 1, "{:?}", df.instructions);
    df.instructions.into_iter().next().expect("one instruction")
}

fn values(i: &Instruction) -> Vec<&str> {
    i.value.iter().map(String::as_str).collect()
}

fn messages(df: &Dockerfile) -> Vec<(usize, &str)> {
    df.errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect()
}

#[test]
fn directives_and_backtick_escape() {
    let df = parse(
        "# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=all\nFROM scratch\nRUN echo a `\n  b\n",
        "Dockerfile",
    );
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.escape, '`');
    let names: Vec<(&str, &str, usize)> = df
        .directives
        .iter()
        .map(|d| (d.name.as_str(), d.value.as_str(), d.line))
        .collect();
    assert_eq!(
        names,
        [
            ("syntax", "docker/dockerfile:1", 1),
            ("escape", "`", 2),
            ("check", "skip=all", 3)
        ]
    );
    assert!(df.comments.is_empty(), "directives are not comments");
    let run = &df.instructions[1];
    assert_eq!(values(run), ["echo a   b"]);
    assert_eq!((run.start_line, run.end_line), (5, 6));
}

#[test]
fn directive_only_before_anything_else() {
    let df = parse(
        "# a comment\n# escape=`\nFROM scratch\nRUN a \\\n b\n",
        "Dockerfile",
    );
    assert_eq!(df.escape, '\\');
    assert!(df.directives.is_empty());
    assert_eq!(df.comments.len(), 2);
    assert_eq!(df.comments[1].text, "escape=`");
    assert_eq!(values(&df.instructions[1]), ["a  b"]);
}

#[test]
fn bad_directives_are_errors() {
    let df = parse("# escape=x\nFROM scratch\n", "Dockerfile");
    assert_eq!(
        messages(&df),
        [(1, "invalid escape token 'x' does not match ` or \\")]
    );
    let df = parse("# syntax=a\n# syntax=b\nFROM scratch\n", "Dockerfile");
    assert_eq!(
        messages(&df),
        [(2, "only one syntax parser directive can be used")]
    );
    assert_eq!(df.instructions.len(), 1);
}

#[test]
fn continuations_drop_comments_and_empty_lines() {
    let src = "FROM scratch\nRUN apt-get update \\\n# comment inside\n\n    && apt-get install -y x \\\n  \t\n    && echo done\nUSER app\n";
    let df = parse(src, "Dockerfile");
    let run = &df.instructions[1];
    assert_eq!(
        values(run),
        ["apt-get update     && apt-get install -y x     && echo done"]
    );
    assert_eq!(run.original, format!("RUN {}", run.value[0]));
    assert_eq!((run.start_line, run.end_line), (2, 7));
    assert_eq!(df.comments.len(), 1);
    assert_eq!(df.comments[0].line, 3);
    assert_eq!(df.instructions[2].start_line, 8);
}

#[test]
fn hash_is_a_comment_only_at_line_start() {
    let i = one("RUN echo hi # not a comment\n");
    assert_eq!(values(&i), ["echo hi # not a comment"]);
    let i = one("   # indented comment\n  RUN echo\n");
    assert_eq!(i.start_line, 2);
    assert_eq!((i.span.start_line, i.span.start_column), (2, 3));
}

#[test]
fn escaped_escape_at_end_is_not_a_continuation() {
    let df = parse("FROM a\nRUN echo \\\\\nUSER x\n", "Dockerfile");
    assert_eq!(df.instructions.len(), 3);
    assert_eq!(values(&df.instructions[1]), ["echo \\\\"]);
}

#[test]
fn continuation_at_eof() {
    let i = one("FROM scratch \\");
    assert_eq!(values(&i), ["scratch"]);
}

#[test]
fn json_and_shell_forms() {
    let i = one("CMD [\"nginx\", \"-g\", \"daemon off;\"]\n");
    assert!(i.json);
    assert_eq!(values(&i), ["nginx", "-g", "daemon off;"]);
    // Invalid JSON is no error in BuildKit: it is shell form.
    let i = one("CMD ['single', 'quotes']\n");
    assert!(!i.json);
    assert_eq!(values(&i), ["['single', 'quotes']"]);
    let i = one("ENTRYPOINT [\"unterminated\"\n");
    assert!(!i.json);
    let i = one("COPY [\"a b\", \"/dst/\"]\n");
    assert!(i.json);
    assert_eq!(values(&i), ["a b", "/dst/"]);
    let i = one("VOLUME /a /b\n");
    assert_eq!(values(&i), ["/a", "/b"]);
}

#[test]
fn non_string_json_array_is_an_error_and_parsing_continues() {
    let df = parse("FROM scratch\nCMD [\"echo\", 1]\nUSER app\n", "Dockerfile");
    assert_eq!(
        messages(&df),
        [(
            2,
            "when using JSON array syntax, arrays must be comprised of strings only"
        )]
    );
    let cmds: Vec<&str> = df.instructions.iter().map(|i| i.cmd.as_str()).collect();
    assert_eq!(cmds, ["FROM", "USER"]);
}

#[test]
fn flags() {
    let i = one("COPY --from=build --chown=\"app:app\" --link src/ /dst/\n");
    assert_eq!(i.flags, ["--from=build", "--chown=app:app", "--link"]);
    assert_eq!(values(&i), ["src/", "/dst/"]);
    assert_eq!(i.flag("from"), Some("build"));
    assert_eq!(i.flag("link"), Some(""));
    let i =
        one("RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=npm -- npm ci\n");
    assert_eq!(i.flags_named("mount").count(), 2);
    assert_eq!(values(&i), ["npm ci"]);
    let i = one("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n");
    assert_eq!(i.flags, ["--platform=$BUILDPLATFORM"]);
    assert_eq!(values(&i), ["golang:1.22", "AS", "build"]);
}

#[test]
fn env_label_arg() {
    let i = one("ENV PATH /usr/local/bin:$PATH  with spaces\n");
    assert_eq!(values(&i), ["PATH", "/usr/local/bin:$PATH  with spaces"]);
    let i = one("ENV A=1 B=\"two words\" C=three\\ words\n");
    assert_eq!(
        values(&i),
        ["A", "1", "B", "\"two words\"", "C", "three\\ words"]
    );
    let i = one("LABEL org.opencontainers.image.title=\"My app\" version='1.0'\n");
    assert_eq!(
        values(&i),
        [
            "org.opencontainers.image.title",
            "\"My app\"",
            "version",
            "'1.0'"
        ]
    );
    let i = one("ARG VERSION=\"1.2\" OTHER\n");
    assert_eq!(values(&i), ["VERSION=\"1.2\"", "OTHER"]);
    let df = parse("FROM a\nENV A=1 B\n", "Dockerfile");
    assert_eq!(df.errors.len(), 1);
    assert!(df.errors[0].message.contains("can't find = in \"B\""));
    let df = parse("FROM a\nENV A=1\nENV B 2\n", "Dockerfile");
    assert!(!df.is_legacy_key_value(&df.instructions[1]));
    assert!(df.is_legacy_key_value(&df.instructions[2]));
}

#[test]
fn onbuild() {
    let i = one("ONBUILD RUN --mount=type=cache,target=/x make\n");
    assert_eq!(i.cmd, "ONBUILD");
    assert_eq!(i.sub_cmd.as_deref(), Some("RUN"));
    assert_eq!(i.keyword(), "RUN");
    assert_eq!(i.flags, ["--mount=type=cache,target=/x"]);
    assert_eq!(values(&i), ["make"]);
    let df = parse(
        "FROM a\nONBUILD ONBUILD RUN x\nONBUILD FROM b\n",
        "Dockerfile",
    );
    assert_eq!(df.errors.len(), 2, "{:?}", df.errors);
    assert_eq!(df.errors[0].line, 2);
    assert_eq!(df.errors[1].line, 3);
}

#[test]
fn healthcheck() {
    let i = one("HEALTHCHECK --interval=5s CMD curl -f http://localhost/ || exit 1\n");
    assert_eq!(values(&i), ["CMD", "curl -f http://localhost/ || exit 1"]);
    assert!(!i.json);
    let i = one("HEALTHCHECK CMD [\"curl\", \"-f\", \"x\"]\n");
    assert!(i.json);
    assert_eq!(values(&i), ["CMD", "curl", "-f", "x"]);
    let i = one("HEALTHCHECK NONE\n");
    assert_eq!(values(&i), ["NONE"]);
}

#[test]
fn heredocs() {
    let src = "FROM a\nRUN <<EOF\nset -e\necho $HOME\nEOF\nCOPY <<-'ONE' /one 3<<\"TWO\" /two\n\tfirst\n\tONE\nsecond\nTWO\nUSER x\n";
    let df = parse(src, "Dockerfile");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let run = &df.instructions[1];
    assert_eq!(values(run), ["<<EOF"]);
    assert_eq!((run.start_line, run.end_line), (2, 5));
    assert_eq!(run.heredocs.len(), 1);
    assert_eq!(run.heredocs[0].name, "EOF");
    assert_eq!(run.heredocs[0].content, "set -e\necho $HOME\n");
    assert!(run.heredocs[0].expand);
    assert_eq!(run.original, "RUN <<EOF\nset -e\necho $HOME\nEOF\n");
    let copy = &df.instructions[2];
    assert_eq!((copy.start_line, copy.end_line), (6, 10));
    let docs: Vec<(&str, &str, u32, bool, bool)> = copy
        .heredocs
        .iter()
        .map(|h| {
            (
                h.name.as_str(),
                h.content.as_str(),
                h.file_descriptor,
                h.expand,
                h.chomp,
            )
        })
        .collect();
    assert_eq!(
        docs,
        [
            ("ONE", "\tfirst\n", 0, false, true),
            ("TWO", "second\n", 3, false, false)
        ]
    );
    assert_eq!(df.instructions[3].start_line, 11);
    assert_eq!(
        (copy.span.end_line, copy.span.end_column),
        (10, 3),
        "span ends at the terminator"
    );
}

#[test]
fn heredocs_only_for_run_copy_add_in_shell_form() {
    let df = parse(
        "FROM a\nENV A=<<EOF\nRUN [\"cat\", \"<<EOF\"]\nRUN cat<<EOF\nUSER b\n",
        "Dockerfile",
    );
    assert_eq!(df.instructions.len(), 5);
    assert!(df.instructions.iter().all(|i| i.heredocs.is_empty()));
    let i = one("ONBUILD RUN <<EOF\nhello\nEOF\n");
    assert_eq!(i.heredocs.len(), 1);
    assert_eq!(i.heredocs[0].content, "hello\n");
}

#[test]
fn unterminated_heredoc_is_an_error() {
    let df = parse("FROM a\nRUN <<EOF\necho never closed\n", "Dockerfile");
    assert_eq!(df.errors.len(), 1);
    assert_eq!(df.errors[0].line, 2);
    assert!(df.errors[0].message.starts_with("unterminated heredoc"));
    assert_eq!(df.instructions.len(), 2);
    assert_eq!(df.instructions[1].end_line, 3);
}

#[test]
fn crlf_bom_and_invalid_utf8() {
    let df = parse_bytes(
        b"\xEF\xBB\xBF# escape=`\r\nFROM a\r\nRUN echo `\r\n  b\r\nRUN <<EOF\r\nx\r\nEOF\r\nLABEL x=\xff\r\n",
        "Dockerfile",
    );
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.escape, '`');
    assert_eq!(values(&df.instructions[1]), ["echo   b"]);
    assert_eq!(df.instructions[2].heredocs[0].content, "x\r\n");
    assert_eq!(values(&df.instructions[3]), ["x", "\u{FFFD}"]);
    assert!(!df.source.starts_with('\u{FEFF}'));
}

#[test]
fn spans_cover_the_instruction() {
    let src = "FROM a\n  RUN echo \\\n    done   \n\nUSER é\n";
    let df = parse(src, "Dockerfile");
    let run = &df.instructions[1].span;
    assert_eq!(
        (
            run.start_line,
            run.start_column,
            run.end_line,
            run.end_column
        ),
        (2, 3, 3, 8)
    );
    let df2 = parse("FROM a\nRUN x \\\n# trailing comment\n\n", "Dockerfile");
    let run = &df2.instructions[1];
    assert_eq!(run.end_line, 4, "BuildKit counts the skipped lines");
    assert_eq!((run.span.end_line, run.span.end_column), (2, 7));
    let user = &df.instructions[2].span;
    assert_eq!(
        (
            user.start_line,
            user.start_column,
            user.end_line,
            user.end_column
        ),
        (5, 1, 5, 6)
    );
}

#[test]
fn semantic_errors_recover() {
    let src = "RUN early\nFROM\nFROM a b\nFOO bar\nCOPY --form=x a b\nRUN --mount echo\nCOPY onlyone\nHEALTHCHECK BAD x\nSHELL sh -c\nUSER ok\n";
    let df = parse(src, "Dockerfile");
    let lines: Vec<usize> = df.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [1, 2, 3, 4, 5, 6, 7, 8, 9], "{:?}", df.errors);
    let m = messages(&df);
    assert!(m[0].1.contains("before the first FROM"));
    assert!(m.iter().any(|(_, s)| *s == "unknown instruction: FOO"));
    assert!(m.iter().any(|(_, s)| s.starts_with("unknown flag: --form")));
    assert!(m
        .iter()
        .any(|(_, s)| s.starts_with("missing a value on flag: --mount")));
    assert_eq!(
        df.instructions.len(),
        10,
        "every instruction is still parsed"
    );
    assert_eq!(df.instructions[9].cmd, "USER");
}

#[test]
fn empty_and_comment_only_files_are_rejected() {
    for src in ["", "\n\n", "# just\n# comments\n"] {
        let df = parse(src, "Dockerfile");
        assert_eq!(messages(&df).len(), 1);
        assert_eq!(df.errors[0].message, "file with no instructions");
    }
}

#[test]
fn parse_json_shape() {
    let df = parse("FROM a AS b\nONBUILD RUN <<E\nx\nE\n", "Dockerfile");
    let v = to_parse_json(&df);
    let want = serde_json::json!({
        "instructions": [
            {"cmd": "FROM", "sub_cmd": null, "flags": [], "value": ["a", "AS", "b"], "json": false,
             "start_line": 1, "end_line": 1, "original": "FROM a AS b", "heredocs": []},
            {"cmd": "ONBUILD", "sub_cmd": "RUN", "flags": [], "value": ["<<E"], "json": false,
             "start_line": 2, "end_line": 4, "original": "ONBUILD RUN <<E\nx\nE\n",
             "heredocs": [{"name": "E", "content": "x\n", "file_descriptor": 0}]}
        ],
        "errors": []
    });
    assert_eq!(v, want);
}

#[test]
fn instruction_checks_follow_buildkit() {
    let ok = "FROM a AS build-1.x\nARG --required TOKEN\nRUN\nCMD []\nHEALTHCHECK --interval=5s NONE\nCOPY --link=false --parents a b\nADD --keep-git-dir https://x/y.git /src\n";
    let df = parse(ok, "Dockerfile");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let bad = [
        ("FROM a AS 1st\n", "invalid name for build stage: \"1st\""),
        (
            "FROM a\nCOPY --link= a b\n",
            "missing a value on flag: --link",
        ),
        (
            "FROM a\nCOPY --link=maybe a b\n",
            "expecting boolean value for flag --link, not: maybe",
        ),
        (
            "FROM a\nCOPY --from=a --from=b x y\n",
            "duplicate flag specified: --from",
        ),
        (
            "FROM a\nVOLUME [\"\"]\n",
            "VOLUME specified can not be an empty string",
        ),
        ("FROM a\nARG =x\n", "ARG names can not be blank"),
        ("FROM a\nWORKDIR\n", "WORKDIR requires exactly one argument"),
        (
            "FROM a\nHEALTHCHECK NONE x\n",
            "HEALTHCHECK NONE takes no arguments",
        ),
        (
            "FROM a\nHEALTHCHECK CMD\n",
            "Missing command after HEALTHCHECK CMD",
        ),
        ("FROM a\nSHELL []\n", "SHELL requires at least one argument"),
        (
            "FROM a\nENV --x=1 A=b\n",
            "unknown flag: --x (ENV takes no flags)",
        ),
        (
            "FROM a\nONBUILD MAINTAINER me\n",
            "MAINTAINER isn't allowed as an ONBUILD trigger",
        ),
        ("FROM a\n\\\n\n", "empty instruction"),
        (
            "FROM a\nONBUILD --x RUN y\n",
            "unknown flag: --x (ONBUILD takes no flags)",
        ),
    ];
    for (src, want) in bad {
        let df = parse(src, "Dockerfile");
        assert_eq!(df.errors.len(), 1, "{src:?}: {:?}", df.errors);
        assert!(
            df.errors[0].message.starts_with(want),
            "{src:?}: {:?}",
            df.errors
        );
    }
}

/// Quirks found by differential testing against BuildKit v0.12.5's own parser.
#[test]
fn buildkit_quirks_from_differential_testing() {
    // Go's json.Decoder: the first JSON value counts, the rest of the line is ignored.
    let i = one("CMD [\"a\", \"b\"] trailing junk\n");
    assert!(i.json);
    assert_eq!(values(&i), ["a", "b"]);
    let i = one("ADD [] x\n");
    assert!(i.json && i.value.is_empty());
    // Flags are split byte-wise: U+00A0 is not a blank there, so no flag is found...
    let i = one("ENV \u{a0}--link k=v\n");
    assert!(i.flags.is_empty());
    assert_eq!(values(&i), ["--link", "k=v"]);
    // ...and non-ASCII flag text comes out as BuildKit's Latin-1 mojibake.
    let i = one("COPY --chown=José a b\n");
    assert_eq!(i.flags, ["--chown=JosÃ©"]);
    // ONBUILD ONBUILD is kept (and reported), not dropped.
    let df = parse("FROM a\nONBUILD ONBUILD RUN x\n", "Dockerfile");
    assert_eq!(df.instructions.len(), 2);
    assert_eq!(df.instructions[1].sub_cmd.as_deref(), Some("ONBUILD"));
    assert_eq!(df.errors.len(), 1);
}
