//! DF044 `apt-get-missing-yes`: apt-get install without -y

use super::prelude::*;

pub struct AptGetMissingYes;

pub const META: RuleMeta = RuleMeta {
    id: "DF044",
    name: "apt-get-missing-yes",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "apt-get install without -y",
    explanation: r##"## Why is this bad?
A build has no terminal: `apt-get install` without `-y` (`--yes`, `--assume-yes`,
`-o APT::Get::Assume-Yes=true`, or quiet level 2 — `-qq`, `-q -q`, `-q=2` — which
apt-get documents as implying `-y`; a single `-q` does not) stops at the confirmation prompt and the build fails — or, with some frontends,
silently installs nothing.

## How to fix
Add `-y`: `apt-get install -y --no-install-recommends …`.

## Example
```dockerfile
# Before
RUN apt-get update && apt-get install curl

# After
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
```

## References
- https://docs.docker.com/build/building/best-practices/#apt-get
"##,
    references: &["https://docs.docker.com/build/building/best-practices/#apt-get"],
    equivalents: &[
        "hadolint:DL3014",
        "kics:apt-get-missing-flags-to-avoid-manual-input",
        "trivy:DS021",
    ],
    default_enabled: true,
};

impl Rule for AptGetMissingYes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (_, script, c) in cx.commands() {
            let Some(p) = package_command(c).filter(|p| p.pm == "apt-get") else {
                continue;
            };
            let sub = p.sub.as_str();
            if !matches!(
                sub,
                "install"
                    | "upgrade"
                    | "dist-upgrade"
                    | "full-upgrade"
                    | "remove"
                    | "purge"
                    | "autoremove"
                    | "autopurge"
                    | "build-dep"
            ) {
                continue;
            }
            if !assumes_yes(&p) {
                out.push(
                    cx.finding(&META, script.word_span(&c.effective_argv()[0]), format!("`apt-get {sub}` without `-y` waits for a confirmation the build cannot give"))
                        .with_fix(format!("Use `apt-get {sub} -y …`")),
                );
            }
        }
    }
}

/// apt-get(8): `-y`/`--yes`/`--assume-yes`, `APT::Get::Assume-Yes` set with `-o`, or quiet
/// level 2 (`-qq`, `-q -q`, `-q=2`, `--quiet=2`), which implies `-y`.
fn assumes_yes(p: &super::pkg::PkgCmd) -> bool {
    if p.has(&["-y", "--yes", "--assume-yes"]) {
        return true;
    }
    let assume_opt = p.options.iter().any(|(w, v)| {
        let t = w.text.as_str();
        let setting = if t == "-o" || t == "--option" {
            v.map(|v| v.text.as_str()).unwrap_or("")
        } else if let Some(rest) = t.strip_prefix("--option=").or_else(|| t.strip_prefix("-o")) {
            rest.trim_start_matches('=')
        } else {
            ""
        };
        let (k, val) = setting.split_once('=').unwrap_or((setting, ""));
        k.eq_ignore_ascii_case("APT::Get::Assume-Yes")
            && matches!(val.to_ascii_lowercase().as_str(), "true" | "1" | "yes")
    });
    if assume_opt {
        return true;
    }
    let explicit = p.options.iter().find_map(|(w, _)| {
        let t = w.text.as_str();
        t.strip_prefix("--quiet=")
            .or_else(|| t.strip_prefix("-q="))
            .and_then(|n| n.parse::<usize>().ok())
    });
    let quiet = explicit.unwrap_or_else(|| p.count('q', "--quiet"));
    quiet >= 2
}
