//! DF041 `useradd-without-no-log-init`: useradd with a high UID without -l/--no-log-init

use super::prelude::*;

pub struct UseraddWithoutNoLogInit;

pub const META: RuleMeta = RuleMeta {
    id: "DF041",
    name: "useradd-without-no-log-init",
    target: Target::Dockerfile,
    category: Category::Efficiency,
    severity: Severity::Low,
    title: "useradd with a high UID without -l/--no-log-init",
    explanation: r##"## Why is this bad?
`useradd` records the new user in the sparse files `/var/log/lastlog` and
`/var/log/faillog`, sized by UID. Docker layers do not keep files sparse, so a large UID
(e.g. 100000+) can add gigabytes of zeros to the image.

## How to fix
Pass `-l` (`--no-log-init`) to `useradd` when you use a large UID.

## Example
```dockerfile
# Before
RUN useradd -u 123456 app

# After
RUN useradd --no-log-init -u 123456 app
```

## References
- https://docs.docker.com/build/building/best-practices/#user
- https://github.com/moby/moby/issues/5419
"##,
    references: &[
        "https://docs.docker.com/build/building/best-practices/#user",
        "https://github.com/moby/moby/issues/5419",
    ],
    equivalents: &["hadolint:DL3046"],
    default_enabled: true,
};

impl Rule for UseraddWithoutNoLogInit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (_, script, c) in cx.commands() {
            if c.name() != "useradd" {
                continue;
            }
            let args = c.args();
            if args.iter().any(|w| {
                w.text == "-l"
                    || w.text == "--no-log-init"
                    || (w.text.starts_with('-')
                        && !w.text.starts_with("--")
                        && w.text.contains('l'))
            }) {
                continue;
            }
            let uid = args
                .iter()
                .enumerate()
                .find_map(|(k, w)| match w.text.as_str() {
                    "-u" | "--uid" => args.get(k + 1),
                    t if t.starts_with("--uid=") => Some(w),
                    _ => None,
                });
            if let Some(u) = uid {
                let digits = u.text.trim_start_matches("--uid=");
                if digits.len() > 5 && digits.chars().all(|c| c.is_ascii_digit()) {
                    out.push(
                        cx.finding(&META, script.word_span(u), format!("`useradd` with UID {digits} without `--no-log-init` can add gigabytes to the layer"))
                            .with_fix("Add `--no-log-init` (`-l`) to the useradd command"),
                    );
                }
            }
        }
    }
}
