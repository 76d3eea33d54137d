//! DF062 `apt-instead-of-apt-get`: apt used in a Dockerfile instead of apt-get

use super::prelude::*;

pub struct AptInsteadOfAptGet;

pub const META: RuleMeta = RuleMeta {
    id: "DF062",
    name: "apt-instead-of-apt-get",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "apt used in a Dockerfile instead of apt-get",
    explanation: r##"## Why is this bad?
`apt` is the interactive front end; its output and behaviour are not stable for scripts
and it prints "WARNING: apt does not have a stable CLI interface". `apt-get` is the tool for
non-interactive use.

## How to fix
Use `apt-get` (and `apt-cache`).

## Fix
Fixable: yes — `drydock fix` replaces `apt` by `apt-get` for the subcommands both share (`full-upgrade` becomes `dist-upgrade`); `apt search`/`show`/`list` are left alone.

## Example
```dockerfile
# Before
RUN apt update && apt install -y curl

# After
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
```

## References
- https://manpages.debian.org/bookworm/apt/apt.8.en.html#SCRIPT_USAGE_AND_DIFFERENCES_FROM_OTHER_APT_TOOLS
"##,
    references: &["https://manpages.debian.org/bookworm/apt/apt.8.en.html#SCRIPT_USAGE_AND_DIFFERENCES_FROM_OTHER_APT_TOOLS"],
    equivalents: &[
        "checkov:CKV_DOCKER_9",
        "hadolint:DL3027",
        "kics:run-using-apt",
    ],
    default_enabled: true,
};

impl Rule for AptInsteadOfAptGet {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        let (_, script, c) = fx.command_at(f)?;
        let w = c.effective_argv().first()?;
        let sub = c.args().iter().find(|w| !w.text.starts_with('-'))?;
        // Subcommands apt-get has with the same meaning (`apt search`/`show`/`list` are
        // apt-cache's and are left alone).
        const SAME: &[&str] = &[
            "update",
            "upgrade",
            "install",
            "remove",
            "purge",
            "autoremove",
            "clean",
            "autoclean",
            "dist-upgrade",
            "full-upgrade",
            "build-dep",
            "source",
            "download",
            "satisfy",
            "reinstall",
        ];
        if w.raw != "apt" || !SAME.contains(&sub.text.as_str()) {
            return None;
        }
        let mut edits = vec![Edit {
            range: fx.range(script.word_span(w)),
            text: "apt-get".into(),
        }];
        // apt-get spells apt's `full-upgrade` `dist-upgrade`.
        if sub.text == "full-upgrade" && sub.raw == "full-upgrade" {
            edits.push(Edit {
                range: fx.range(script.word_span(sub)),
                text: "dist-upgrade".into(),
            });
        }
        Some(Ok(Fix::new("use `apt-get` instead of `apt`", edits)))
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (_, script, c) in cx.commands() {
            if c.name() == "apt" {
                let sub = c
                    .args()
                    .iter()
                    .find(|w| !w.text.starts_with('-'))
                    .map(|w| w.text.as_str())
                    .unwrap_or("");
                out.push(
                    cx.finding(
                        &META,
                        script.word_span(&c.effective_argv()[0]),
                        format!("`apt {sub}` in a Dockerfile; apt has no stable CLI for scripts"),
                    )
                    .with_fix(format!("Use `apt-get {sub}`")),
                );
            }
        }
    }
}
