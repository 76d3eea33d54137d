//! Stage model: ARG/ENV scoping, FROM resolution, stage references — checked against what
//! BuildKit does for the same Dockerfile.

use std::collections::BTreeMap;

use drydock_dockerfile::stages::{BaseImage, StageModel, StageRef, VarOrigin};
use drydock_dockerfile::{parse, Dockerfile};

fn model(src: &str, args: &[(&str, &str)]) -> (Dockerfile, StageModel) {
    let df = parse(src, "Dockerfile");
    assert!(df.errors.is_empty(), "parse errors: {:?}", df.errors);
    let args: BTreeMap<String, String> = args
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let m = StageModel::build(&df, &args);
    (df, m)
}

/// Index of the n-th (0-based) instruction with this keyword.
fn nth(df: &Dockerfile, cmd: &str, n: usize) -> usize {
    df.instructions
        .iter()
        .enumerate()
        .filter(|(_, i)| i.cmd == cmd)
        .nth(n)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no {cmd} #{n}"))
}

fn image(base: &BaseImage) -> (&str, &[String], bool) {
    match base {
        BaseImage::Image {
            expanded,
            unresolved_vars,
            reference,
            ..
        } => (expanded, unresolved_vars, reference.is_some()),
        other => panic!("expected an image base, got {other:?}"),
    }
}

#[test]
fn global_arg_before_from_resolves_base() {
    let (_, m) = model("ARG BASE=alpine:3.19\nFROM ${BASE}\nRUN true\n", &[]);
    assert_eq!(m.global_args.len(), 1);
    assert_eq!(m.global_args[0].name, "BASE");
    assert_eq!(m.global_args[0].default.as_deref(), Some("alpine:3.19"));
    let (expanded, unresolved, parsed) = image(&m.stages[0].base);
    assert_eq!(expanded, "alpine:3.19");
    assert!(unresolved.is_empty());
    assert!(parsed);
    match &m.stages[0].base {
        BaseImage::Image { raw, reference, .. } => {
            assert_eq!(raw, "${BASE}");
            let r = reference.as_ref().unwrap();
            assert_eq!(r.repository, "library/alpine");
            assert_eq!(r.tag.as_deref(), Some("3.19"));
        }
        _ => unreachable!(),
    }
}

#[test]
fn build_arg_overrides_global_default() {
    let (_, m) = model(
        "ARG BASE=alpine:3.19\nFROM ${BASE}\n",
        &[("BASE", "debian:12")],
    );
    assert_eq!(image(&m.stages[0].base).0, "debian:12");
}

#[test]
fn default_value_forms_in_from() {
    let src = "ARG TAG\nARG REG=\nFROM ${REG:-docker.io}/library/python:${TAG:-3.12}-slim\n";
    let (_, m) = model(src, &[]);
    let (expanded, unresolved, parsed) = image(&m.stages[0].base);
    assert_eq!(expanded, "docker.io/library/python:3.12-slim");
    // TAG is declared without a value: BuildKit leaves it unset, so it is reported.
    assert_eq!(unresolved, ["TAG"]);
    assert!(parsed);

    let (_, m) = model(src, &[("TAG", "3.11")]);
    assert_eq!(
        image(&m.stages[0].base).0,
        "docker.io/library/python:3.11-slim"
    );

    let (_, m) = model("ARG V=1\nFROM img:${V:+set}${NOPE:+x}\n", &[]);
    assert_eq!(image(&m.stages[0].base).0, "img:set");

    let (_, m) = model("ARG P=/a/b/app-1.2\nFROM img:${P##*-}\n", &[]);
    assert_eq!(image(&m.stages[0].base).0, "img:1.2");
}

#[test]
fn unresolved_from_is_reported() {
    let (_, m) = model("FROM ${BASE}\nRUN true\n", &[]);
    let (expanded, unresolved, parsed) = image(&m.stages[0].base);
    assert_eq!(expanded, "");
    assert_eq!(unresolved, ["BASE"]);
    assert!(!parsed);
    assert!(m
        .errors
        .iter()
        .any(|e| e.message.contains("should not be blank")));

    let (_, m) = model("FROM ${BASE}\n", &[("BASE", "ubuntu:24.04")]);
    // An undeclared build arg is invisible, as in BuildKit.
    assert_eq!(image(&m.stages[0].base).0, "");
}

#[test]
fn global_arg_needs_redeclaration_inside_stage() {
    let src = "ARG V=1\nFROM a\nRUN one\nARG V\nRUN two\n";
    let (df, m) = model(src, &[]);
    assert_eq!(m.vars_at(nth(&df, "RUN", 0)).get("V"), None);
    assert_eq!(m.vars_at(nth(&df, "RUN", 1)).get("V"), Some("1"));
    // FROM itself sees the global scope.
    assert_eq!(m.vars_at(nth(&df, "FROM", 0)).get("V"), Some("1"));

    let (df, m) = model(src, &[("V", "2")]);
    assert_eq!(m.vars_at(nth(&df, "RUN", 1)).get("V"), Some("2"));
    let var = m.vars_at(nth(&df, "RUN", 1)).var("V").cloned().unwrap();
    assert!(matches!(
        var.origin,
        VarOrigin::Arg {
            from_build_arg: true,
            ..
        }
    ));
}

#[test]
fn redeclaration_with_own_default() {
    let src = "ARG V=1\nFROM a\nARG V=3\nRUN x\nFROM b\nARG V\nRUN y\n";
    let (df, m) = model(src, &[]);
    assert_eq!(m.vars_at(nth(&df, "RUN", 0)).get("V"), Some("3"));
    assert_eq!(m.vars_at(nth(&df, "RUN", 1)).get("V"), Some("1"));
    let (df, m) = model(src, &[("V", "9")]);
    assert_eq!(m.vars_at(nth(&df, "RUN", 0)).get("V"), Some("9"));
    assert_eq!(m.vars_at(nth(&df, "RUN", 1)).get("V"), Some("9"));
}

#[test]
fn env_overrides_arg_and_expands_with_previous_values() {
    let src = "FROM a\nARG A=1\nENV A=2\nRUN x\nENV A=3 B=$A\nRUN y\nARG C=${A}-${B}\nRUN z\n";
    let (df, m) = model(src, &[("A", "from-cli")]);
    let at_x = m.vars_at(nth(&df, "RUN", 0));
    assert_eq!(at_x.get("A"), Some("2"));
    assert!(matches!(
        at_x.var("A").unwrap().origin,
        VarOrigin::Env { .. }
    ));
    let at_y = m.vars_at(nth(&df, "RUN", 1));
    assert_eq!(at_y.get("A"), Some("3"));
    // Every pair of one ENV is expanded with the environment *before* the instruction.
    assert_eq!(at_y.get("B"), Some("2"));
    assert_eq!(m.vars_at(nth(&df, "RUN", 2)).get("C"), Some("3-2"));
    // Before the ENV/ARG instructions themselves.
    assert_eq!(m.vars_at(nth(&df, "ENV", 0)).get("A"), Some("from-cli"));
}

#[test]
fn stage_inherits_environment_from_base_stage() {
    let src =
        "FROM alpine AS base\nENV X=1\nARG Y=2\nFROM base AS child\nRUN x\nFROM alpine\nRUN y\n";
    let (df, m) = model(src, &[]);
    assert_eq!(m.stages[1].base, BaseImage::Stage(0));
    let v = m.vars_at(nth(&df, "RUN", 0));
    assert_eq!(v.get("X"), Some("1"));
    assert_eq!(v.get("Y"), Some("2"));
    assert_eq!(m.vars_at(nth(&df, "RUN", 1)).get("X"), None);
}

#[test]
fn automatic_platform_args() {
    let src = "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN a\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH b\nFROM scratch\n";
    let (df, m) = model(src, &[]);
    assert_eq!(m.stages[0].platform.as_deref(), Some("linux/amd64"));
    assert_eq!(m.vars_at(nth(&df, "RUN", 0)).get("TARGETARCH"), None);
    assert_eq!(
        m.vars_at(nth(&df, "RUN", 1)).get("TARGETARCH"),
        Some("amd64")
    );
    assert_eq!(m.stages[1].base, BaseImage::Scratch);

    let (df, m) = model(src, &[("TARGETARCH", "arm64")]);
    assert_eq!(
        m.vars_at(nth(&df, "RUN", 1)).get("TARGETARCH"),
        Some("arm64")
    );
}

#[test]
fn stage_lookup() {
    let src = "FROM golang AS Builder\nRUN a\nFROM alpine AS tools\nRUN b\nFROM debian\nCOPY x y\n";
    let (df, m) = model(src, &[]);
    assert_eq!(m.stages.len(), 3);
    assert_eq!(m.stages[0].name.as_deref(), Some("builder"));
    assert_eq!(m.stage_by_name("BUILDER").map(|s| s.index), Some(0));
    assert_eq!(m.stage_by_name("1").map(|s| s.index), Some(1));
    assert!(m.stage_by_name("nope").is_none());
    assert_eq!(m.final_stage().map(|s| s.index), Some(2));
    assert_eq!(m.stage_of(nth(&df, "RUN", 1)).map(|s| s.index), Some(1));
    assert_eq!(m.stage_of(nth(&df, "FROM", 1)).map(|s| s.index), Some(1));
    assert_eq!(m.stage_of(nth(&df, "COPY", 0)).map(|s| s.index), Some(2));
    assert_eq!(m.stages[1].instructions, 2..4);
    assert_eq!(m.stages[1].from, 2);
}

#[test]
fn stage_local_arg_is_not_visible_in_next_from() {
    let (_, m) = model("FROM a\nARG V=1\nFROM b:${V:-none}\n", &[]);
    assert_eq!(image(&m.stages[1].base).0, "b:none");
    assert_eq!(image(&m.stages[1].base).1, ["V"]);
}

#[test]
fn global_args_are_not_in_a_stage() {
    let (df, m) = model("ARG A=1\nARG B=${A}2\nFROM x:${B}\n", &[]);
    assert!(m.stage_of(0).is_none());
    assert_eq!(m.vars_at(1).get("A"), Some("1"));
    assert_eq!(m.vars_at(1).get("B"), None);
    assert_eq!(image(&m.stages[0].base).0, "x:12");
    assert_eq!(m.stage_of(nth(&df, "FROM", 0)).map(|s| s.index), Some(0));
}

#[test]
fn copy_from_by_name_index_and_image() {
    let src = "\
FROM golang:1.22 AS build
RUN go build
FROM alpine AS unused
RUN echo
FROM node AS assets
RUN npm ci
FROM debian:12
COPY --from=BUILD /out/app /app
COPY --from=2 /dist /dist
COPY --from=nginx:latest /etc/nginx /etc/nginx
COPY --from=7 /x /y
COPY --from=$X /x /y
COPY local /l
";
    let (df, m) = model(src, &[]);
    let copies: Vec<usize> = (0..6).map(|n| nth(&df, "COPY", n)).collect();
    assert_eq!(m.copy_from(&df, copies[0]), Some(StageRef::Stage(0)));
    assert_eq!(m.copy_from(&df, copies[1]), Some(StageRef::Stage(2)));
    match m.copy_from(&df, copies[2]) {
        Some(StageRef::Image { name, reference }) => {
            assert_eq!(name, "nginx:latest");
            assert_eq!(reference.unwrap().tag.as_deref(), Some("latest"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        m.copy_from(&df, copies[3]),
        Some(StageRef::Invalid { .. })
    ));
    assert!(matches!(
        m.copy_from(&df, copies[4]),
        Some(StageRef::Invalid { .. })
    ));
    assert_eq!(m.copy_from(&df, copies[5]), None);
    assert_eq!(m.stages_used_by_final(&df), vec![0, 2, 3]);
}

#[test]
fn run_mount_from_and_from_stage_chains() {
    let src = "\
FROM alpine AS deps
RUN apk add x
FROM deps AS build
RUN --mount=type=cache,target=/c --mount=type=bind,from=cachesrc,target=/s make
FROM busybox AS cachesrc
FROM alpine AS orphan
FROM build
RUN true
";
    let (df, m) = model(src, &[]);
    assert_eq!(m.stages[1].base, BaseImage::Stage(0));
    assert_eq!(m.stages[4].base, BaseImage::Stage(1));
    let run = nth(&df, "RUN", 1);
    assert_eq!(m.mount_sources(&df, run), vec![StageRef::Stage(2)]);
    assert_eq!(m.stages_used_by_final(&df), vec![0, 1, 2, 4]);
}

#[test]
fn onbuild_copy_from_counts_for_child() {
    let src = "\
FROM alpine AS assets
FROM alpine AS parent
ONBUILD COPY --from=assets /a /a
FROM parent
";
    let (df, m) = model(src, &[]);
    assert_eq!(m.stages_used_by_final(&df), vec![0, 1, 2]);
}

#[test]
fn from_refers_only_to_earlier_stages() {
    let (_, m) = model("FROM later\nFROM alpine AS later\n", &[]);
    let (expanded, _, parsed) = image(&m.stages[0].base);
    assert_eq!(expanded, "later");
    assert!(parsed);
}

#[test]
fn expand_at_instruction() {
    let src = "FROM a\nARG DIR=src\nENV OUT=/opt/${DIR}\nCOPY ${DIR}/*.py $OUT/\n";
    let (df, m) = model(src, &[]);
    let copy = nth(&df, "COPY", 0);
    assert_eq!(m.expand(&df, copy, "${DIR}/*.py"), "src/*.py");
    assert_eq!(m.expand(&df, copy, "$OUT/"), "/opt/src/");
    // Syntax errors leave the word unchanged.
    assert_eq!(m.expand(&df, copy, "${DIR"), "${DIR");
    let full = m.expand_full(&df, copy, "$DIR $NOPE").unwrap();
    assert_eq!(full.unresolved, ["NOPE"]);
    assert_eq!(full.words, ["src"]);
}

#[test]
fn backtick_escape_directive() {
    let src = "# escape=`\nFROM a\nENV A=x B=C:`$NOT\nRUN x\n";
    let (df, m) = model(src, &[]);
    assert_eq!(m.vars_at(nth(&df, "RUN", 0)).get("B"), Some("C:$NOT"));
}

#[test]
fn empty_and_from_less_files() {
    // The parser reports an empty file as an error; the model is still usable.
    let df = parse("", "Dockerfile");
    let m = StageModel::build(&df, &BTreeMap::new());
    assert!(m.stages.is_empty());
    assert!(m.final_stage().is_none());
    assert!(m.stages_used_by_final(&df).is_empty());
    let (_, m) = model("ARG A=1\n", &[]);
    assert_eq!(m.global_args.len(), 1);
    assert!(m.stages.is_empty());
    assert_eq!(m.vars_at(5).get("A"), Some("1"));
}
