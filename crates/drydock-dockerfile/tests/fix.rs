//! `drydock fix` fixers: one before/after snapshot per fixer (tricky inputs included), and
//! for every case: the result parses, a second run changes nothing, and every instruction
//! no fix touched parses exactly as before.

use std::collections::HashMap;
use std::path::Path;

use drydock_core::{Policy, RuleSelector};
use drydock_dockerfile::{fix_dockerfile, parse, DockerfileOptions, FixResult, Pinning};

fn options() -> DockerfileOptions {
    DockerfileOptions {
        use_build_context: false,
        ..DockerfileOptions::default()
    }
}

fn run(src: &str, policy: &Policy) -> FixResult {
    fix_dockerfile(
        Path::new("Dockerfile"),
        src.as_bytes(),
        &options(),
        policy,
        Pinning::Offline,
    )
}

/// Instruction fields that must not change when a fix leaves the instruction's lines alone.
fn key(i: &drydock_dockerfile::Instruction) -> String {
    format!(
        "{:?} {:?} {:?} {:?} {} {:?} {:?}",
        i.cmd, i.sub_cmd, i.flags, i.value, i.json, i.original, i.heredocs
    )
}

/// Fix `src` with the rules `select`ed, check the invariants, and render before → after.
fn fixed(src: &str, select: &[&str]) -> String {
    let mut policy = Policy::default();
    if !select.is_empty() {
        policy.select = select.iter().map(|s| RuleSelector(s.to_string())).collect();
        policy.ignore = vec![RuleSelector("ALL".into())];
    }
    let r = checked(src, &policy);
    let notes: Vec<String> = r
        .applied
        .iter()
        .map(|a| {
            format!(
                "{} line {}: {}{}",
                a.rule,
                a.line,
                a.title,
                a.hint
                    .as_deref()
                    .map(|h| format!(" — {h}"))
                    .unwrap_or_default()
            )
        })
        .collect();
    format!(
        "{}\n---- after ----\n{}\n---- fixes ----\n{}\n",
        src,
        r.fixed,
        notes.join("\n")
    )
}

/// Fix `src` and assert: no error, the result parses (no new parse error), a second run
/// changes nothing, every instruction whose lines no fix touched parses exactly as before.
fn checked(src: &str, policy: &Policy) -> FixResult {
    let r = run(src, policy);
    assert!(r.errors.is_empty(), "errors: {:?}", r.errors);
    let before = parse(src, "Dockerfile");
    let after = parse(&r.fixed, "Dockerfile");
    assert!(
        after.errors.len() <= before.errors.len(),
        "fixed file does not parse: {:?}\n{}",
        after.errors,
        r.fixed
    );
    let again = run(&r.fixed, policy);
    assert_eq!(again.fixed, r.fixed, "a second run changed the file again");

    // Lines the diff keeps: old line → new line (1-based).
    let mut kept: HashMap<usize, usize> = HashMap::new();
    let diff = similar::TextDiff::from_lines(src, r.fixed.as_str());
    for op in diff.ops() {
        if let similar::DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = *op
        {
            for k in 0..len {
                kept.insert(old_index + k + 1, new_index + k + 1);
            }
        }
    }
    for ins in &before.instructions {
        // Untouched: every line kept, and nothing inserted between them.
        if !(ins.start_line..=ins.end_line).all(|l| kept.contains_key(&l))
            || kept[&ins.end_line] - kept[&ins.start_line] != ins.end_line - ins.start_line
        {
            continue;
        }
        let at = kept[&ins.start_line];
        let twin = after
            .instructions
            .iter()
            .find(|i| i.start_line == at)
            .unwrap_or_else(|| panic!("untouched line {} lost its instruction", ins.start_line));
        assert_eq!(
            key(ins),
            key(twin),
            "untouched instruction parses differently"
        );
    }
    r
}

#[test]
fn apt_install_recommends_and_lists() {
    insta::assert_snapshot!(fixed(
        "FROM debian:12\n\
         # install tools\n\
         RUN apt-get update \\\n\
         # a comment inside the continuation\n\
             && apt-get install -y \\\n\
                curl ca-certificates\n\
         USER 10001\n",
        &["DF040", "DF033"],
    ));
}

#[test]
fn apt_single_line_semicolon_and_trailing_comment() {
    insta::assert_snapshot!(fixed(
        "FROM ubuntu:24.04\n\
         RUN apt-get update; apt-get install -y git;\n\
         RUN apt-get update && apt-get install -y make # build tools\n\
         USER 10001\n",
        &["DF040", "DF033"],
    ));
}

#[test]
fn apt_in_heredoc_script() {
    insta::assert_snapshot!(fixed(
        "# syntax=docker/dockerfile:1\n\
         FROM debian:12\n\
         RUN <<EOF\n\
         set -e\n\
         apt-get update\n\
         apt-get install -y jq\n\
         EOF\n\
         USER 10001\n",
        &["DF040", "DF033"],
    ));
}

#[test]
fn apt_instead_of_apt_get() {
    insta::assert_snapshot!(fixed(
        "FROM debian:12\n\
         RUN apt update && apt full-upgrade -y && apt install -y --no-install-recommends vim \\\n\
          && rm -rf /var/lib/apt/lists/*\n\
         RUN apt list --installed\n\
         USER 10001\n",
        &["DF062"],
    ));
}

#[test]
fn apk_no_cache() {
    insta::assert_snapshot!(fixed(
        "FROM alpine:3.20\n\
         RUN apk update && apk add curl \\\n\
             git\n\
         RUN apk add --no-cache bash\n\
         USER 10001\n",
        &["DF034"],
    ));
}

#[test]
fn yum_dnf_zypper_clean() {
    insta::assert_snapshot!(fixed(
        "FROM rockylinux:9\n\
         RUN yum install -y httpd\n\
         RUN dnf install -y \\\n\
             nginx\n\
         RUN microdnf install -y tar\n\
         RUN zypper --non-interactive install -y vim\n\
         USER 10001\n",
        &["DF035", "DF036", "DF037"],
    ));
}

#[test]
fn pip_and_npm_caches() {
    insta::assert_snapshot!(fixed(
        "FROM python:3.12\n\
         RUN pip install -r requirements.txt && python -m pip install flask\n\
         RUN npm ci && npm run build\n\
         RUN yarn install --frozen-lockfile\n\
         USER 10001\n",
        &["DF038", "DF039"],
    ));
}

#[test]
fn add_to_copy() {
    insta::assert_snapshot!(fixed(
        "FROM debian:12\n\
         ADD --chown=app:app src/ /app/src/\n\
         add requirements.txt /app/\n\
         ADD app.tar.gz /app/\n\
         ADD https://example.com/x.tgz /tmp/\n\
         ADD --checksum=sha256:0000000000000000000000000000000000000000000000000000000000000000 local.bin /x\n\
         USER 10001\n",
        &["DF055"],
    ));
}

#[test]
fn add_to_copy_with_escape_directive_and_windows_paths() {
    insta::assert_snapshot!(fixed(
        "# escape=`\n\
         FROM mcr.microsoft.com/windows/servercore:ltsc2022\n\
         ADD C:\\src\\app `\n\
             C:\\app\\\n\
         RUN dir C:\\app\n",
        &["DF055"],
    ));
}

#[test]
fn shell_form_to_exec_form() {
    insta::assert_snapshot!(fixed(
        "FROM python:3.12\n\
         USER 10001\n\
         CMD python -m http.server 8000\n",
        &["DF050"],
    ));
    insta::assert_snapshot!(
        "shell_form_kept",
        fixed(
            "FROM node:20\n\
             USER node\n\
             ENTRYPOINT node server.js\n\
             CMD node server.js --port $PORT\n",
            &["DF050"],
        )
    );
}

#[test]
fn user_added_per_base_family() {
    insta::assert_snapshot!(
        "user_debian",
        fixed(
            "FROM python:3.12-slim AS build\nRUN pip wheel .\n\nFROM debian:12\nCOPY --from=build /w /w\nCMD [\"/w/app\"]\n",
            &["DF013"],
        )
    );
    insta::assert_snapshot!(
        "user_alpine",
        fixed(
            "FROM alpine:3.20\nCOPY app /app\nENTRYPOINT [\"/app\"]",
            &["DF013"]
        )
    );
    insta::assert_snapshot!(
        "user_rhel",
        fixed("FROM rockylinux:9\r\nCOPY app /app\r\n", &["DF013"])
    );
    insta::assert_snapshot!(
        "user_existing",
        fixed(
            "FROM node:20\nRUN useradd --create-home web\nCOPY --chown=web:web . /srv\nCMD [\"node\", \"/srv/index.js\"]\n",
            &["DF013"],
        )
    );
    insta::assert_snapshot!(
        "user_chown",
        fixed(
            "FROM node:20\nCOPY --chown=node:node . /srv\nCMD [\"node\", \"/srv/index.js\"]\n",
            &["DF013"],
        )
    );
    insta::assert_snapshot!(
        "user_scratch",
        fixed(
            "FROM golang:1.22 AS b\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\nENTRYPOINT [\"/app\"]\n",
            &["DF013"],
        )
    );
}

#[test]
fn secret_arg_and_env_to_secret_mounts() {
    insta::assert_snapshot!(
        "secret_arg",
        fixed(
            "FROM node:20\nARG NPM_TOKEN\nRUN echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > .npmrc && \\\n    npm ci && rm .npmrc\nUSER node\n",
            &["DF009"],
        )
    );
    insta::assert_snapshot!(
        "secret_env",
        fixed(
            "# escape=\\\nFROM python:3.12\nENV PIP_PASSWORD=changeme\nRUN pip download --password \"$PIP_PASSWORD\" pkg\nUSER 10001\n",
            &["DF010"],
        )
    );
    // Also read outside RUN: left alone.
    insta::assert_snapshot!(
        "secret_arg_kept",
        fixed(
            "FROM node:20\nARG API_TOKEN\nLABEL token=$API_TOKEN\nRUN curl -H \"Authorization: $API_TOKEN\" https://x\nUSER node\n",
            &["DF009"],
        )
    );
}

#[test]
fn offline_pin_leaves_a_todo_and_nothing_else() {
    insta::assert_snapshot!(fixed(
        "FROM python:3.12 AS build\nRUN true\nFROM --platform=linux/arm64 ubuntu\nFROM debian:latest\nFROM build\nFROM ${BASE:-alpine:3}\nFROM alpine@sha256:0000000000000000000000000000000000000000000000000000000000000000\n",
        &["DF016", "DF017", "DF018"],
    ));
}

#[test]
fn all_fixers_together() {
    insta::assert_snapshot!(fixed(
        "FROM ubuntu:22.04\n\
         ARG GITHUB_TOKEN\n\
         RUN apt update && apt install -y git \\\n\
          && git clone https://x:${GITHUB_TOKEN}@github.com/acme/app /app\n\
         ADD config.yml /app/\n\
         CMD /app/run --config /app/config.yml\n",
        &[],
    ));
}

#[test]
fn select_and_ignore_choose_fixers() {
    let src = "FROM debian:12\nRUN apt-get install -y curl\nADD a /a\n";
    let only_add = Policy {
        select: vec![RuleSelector("add-instead-of-copy".into())],
        ignore: vec![RuleSelector("ALL".into())],
        ..Policy::default()
    };
    let r = run(src, &only_add);
    assert_eq!(
        r.fixed,
        "FROM debian:12\nRUN apt-get install -y curl\nCOPY a /a\n"
    );
    let no_add = Policy {
        ignore: vec![RuleSelector("DF055".into())],
        ..Policy::default()
    };
    let r = run(src, &no_add);
    assert!(r.fixed.contains("ADD a /a"), "{}", r.fixed);
    assert!(r.fixed.contains("--no-install-recommends"), "{}", r.fixed);
}

/// Every corpus Dockerfile: fixed offline with every default rule, the invariants above hold.
#[test]
fn corpus_fixes_parse_are_idempotent_and_leave_the_rest_alone() {
    // ../shared beside the checkout, or one level up for a worktree under wt/.
    let dir = [
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/corpus/dockerfiles"
        ),
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../../shared/corpus/dockerfiles"
        ),
    ]
    .into_iter()
    .map(Path::new)
    .find(|d| d.is_dir())
    .unwrap_or(Path::new("../shared/corpus/dockerfiles"));
    if !dir.is_dir() {
        if drydock_core::env::require_integration() {
            panic!(
                "{} missing and DRYDOCK_REQUIRE_INTEGRATION=1",
                dir.display()
            );
        }
        eprintln!(
            "SKIP fix corpus: {} not found (the shared corpus is optional)",
            dir.display()
        );
        return;
    }
    let (mut files, mut changed) = (0, 0);
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path().join("Dockerfile");
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        let src = String::from_utf8_lossy(&bytes);
        let src = src.strip_prefix('\u{feff}').unwrap_or(&src).to_string();
        files += 1;
        let r = std::panic::catch_unwind(|| checked(&src, &Policy::default()))
            .unwrap_or_else(|_| panic!("{}", p.display()));
        changed += usize::from(r.changed());
    }
    assert!(files > 100, "corpus unexpectedly small: {files}");
    assert!(
        changed * 2 > files,
        "only {changed} of {files} files had a fix"
    );
}
