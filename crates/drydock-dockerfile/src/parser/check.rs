//! Checks BuildKit makes right after parsing, when it turns nodes into instructions
//! (`frontend/dockerfile/instructions/parse.go`, `bflag.go`): unknown instructions, unknown
//! or malformed flags, missing arguments, ONBUILD triggers that are not allowed, and
//! instructions before the first FROM. BuildKit's *parser* accepts all of these; a build
//! fails on them, so they are reported as errors too (documented in `docs/parser.md`).

use crate::ast::Instruction;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Bool,
    String,
    /// Repeatable (`--mount`, `--exclude`).
    List,
}

/// Flags each instruction accepts (current BuildKit, labs flags included so that valid
/// Dockerfiles are never rejected).
fn allowed_flags(cmd: &str) -> &'static [(&'static str, Kind)] {
    use Kind::*;
    match cmd {
        "FROM" => &[("platform", String)],
        "RUN" => &[
            ("mount", List),
            ("network", String),
            ("security", String),
            ("device", List),
        ],
        "COPY" => &[
            ("from", String),
            ("chown", String),
            ("chmod", String),
            ("link", Bool),
            ("parents", Bool),
            ("exclude", List),
        ],
        "ADD" => &[
            ("chown", String),
            ("chmod", String),
            ("link", Bool),
            ("keep-git-dir", Bool),
            ("checksum", String),
            ("exclude", List),
            ("unpack", Bool),
        ],
        "ARG" => &[("required", Bool)],
        "HEALTHCHECK" => &[
            ("interval", String),
            ("timeout", String),
            ("start-period", String),
            ("start-interval", String),
            ("retries", String),
        ],
        _ => &[],
    }
}

const KNOWN: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

pub(super) fn is_known(cmd: &str) -> bool {
    KNOWN.contains(&cmd)
}

/// BuildKit's `BFlags.Parse` on the raw flags of one instruction.
fn check_flags(cmd: &str, flags: &[String]) -> Option<String> {
    let allowed = allowed_flags(cmd);
    let mut seen: Vec<&str> = Vec::new();
    for f in flags {
        let arg = f.strip_prefix("--").unwrap_or(f);
        let (name, value) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (arg, None),
        };
        let Some(&(_, kind)) = allowed.iter().find(|(n, _)| *n == name) else {
            return Some(if allowed.is_empty() {
                format!("unknown flag: --{name} ({cmd} takes no flags)")
            } else {
                let names: Vec<String> = allowed.iter().map(|(n, _)| format!("--{n}")).collect();
                format!(
                    "unknown flag: --{name} ({cmd} accepts {})",
                    names.join(", ")
                )
            });
        };
        if kind != Kind::List && seen.contains(&name) {
            return Some(format!("duplicate flag specified: --{name}"));
        }
        seen.push(name);
        match (kind, value) {
            (Kind::Bool, Some("")) => {
                return Some(format!("missing a value on flag: --{name}"));
            }
            (Kind::Bool, Some(v))
                if !(v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")) =>
            {
                return Some(format!(
                    "expecting boolean value for flag --{name}, not: {v}"
                ));
            }
            (Kind::String | Kind::List, None) => {
                return Some(format!(
                    "missing a value on flag: --{name} (use --{name}=VALUE)"
                ));
            }
            _ => {}
        }
    }
    None
}

/// BuildKit's stage name rule: `^[a-z][a-z0-9-_.]*$` after lower-casing.
fn valid_stage_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    let mut chars = lower.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

/// Arity and form checks of BuildKit's instruction parsers (`instructions/parse.go`).
fn check_args(cmd: &str, inst: &Instruction) -> Option<String> {
    let n = inst.value.len();
    match cmd {
        "FROM" => {
            if n == 3 && inst.value[1].eq_ignore_ascii_case("as") {
                if !valid_stage_name(&inst.value[2]) {
                    return Some(format!(
                        "invalid name for build stage: {:?}, name can't start with a number or contain symbols",
                        inst.value[2]
                    ));
                }
            } else if n != 1 {
                return Some(format!(
                    "FROM requires either one or three arguments (`FROM image [AS name]`), got {n}"
                ));
            }
        }
        "COPY" | "ADD" if n < 2 => {
            return Some(format!(
                "{cmd} requires at least two arguments, but only one was provided. Destination could not be determined"
            ));
        }
        "WORKDIR" | "USER" | "STOPSIGNAL" if n != 1 => {
            return Some(format!("{cmd} requires exactly one argument"));
        }
        "SHELL" | "EXPOSE" | "VOLUME" | "MAINTAINER" | "ARG" | "ENV" | "LABEL" | "HEALTHCHECK"
            if n == 0 =>
        {
            return Some(format!("{cmd} requires at least one argument"));
        }
        "SHELL" if !inst.json => {
            return Some("SHELL requires the arguments to be in JSON form".into());
        }
        "VOLUME" if inst.value.iter().any(|v| v.trim().is_empty()) => {
            return Some("VOLUME specified can not be an empty string".into());
        }
        "ARG" if inst.value.iter().any(|v| v.starts_with('=')) => {
            return Some("ARG names can not be blank".into());
        }
        "ENV" | "LABEL" if inst.value.iter().step_by(2).any(|k| k.is_empty()) => {
            return Some(format!("{cmd} names can not be blank"));
        }
        "HEALTHCHECK" => match inst.value[0].to_uppercase().as_str() {
            "NONE" if n > 1 => return Some("HEALTHCHECK NONE takes no arguments".into()),
            "NONE" => {}
            "CMD" if n < 2 => return Some("Missing command after HEALTHCHECK CMD".into()),
            "CMD" => {}
            _ => {
                return Some(format!(
                    "unknown type {:?} in HEALTHCHECK (try CMD)",
                    inst.value[0].to_uppercase()
                ))
            }
        },
        _ => {}
    }
    None
}

/// All problems of one instruction BuildKit would reject when building.
pub(super) fn check_instruction(inst: &Instruction) -> Option<String> {
    let cmd = inst.cmd.as_str();
    if !KNOWN.contains(&cmd) {
        if cmd.is_empty() {
            return Some("empty instruction (a line continuation leads nowhere)".into());
        }
        return Some(format!("unknown instruction: {cmd}"));
    }
    let cmd = if cmd == "ONBUILD" {
        match inst.sub_cmd.as_deref() {
            None => return Some("ONBUILD requires at least one argument".into()),
            Some("ONBUILD") => {
                return Some("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into())
            }
            Some(sub @ ("FROM" | "MAINTAINER")) => {
                return Some(format!("{sub} isn't allowed as an ONBUILD trigger"))
            }
            Some(sub) if !KNOWN.contains(&sub) => {
                return Some(format!("unknown instruction: {sub} (in ONBUILD)"))
            }
            Some(sub) => sub,
        }
    } else {
        cmd
    };
    // BuildKit does not even parse the flags of `HEALTHCHECK NONE`.
    let healthcheck_none = cmd == "HEALTHCHECK"
        && inst
            .value
            .first()
            .is_some_and(|t| t.eq_ignore_ascii_case("none"));
    if healthcheck_none {
        return check_args(cmd, inst);
    }
    check_flags(cmd, &inst.flags).or_else(|| check_args(cmd, inst))
}
