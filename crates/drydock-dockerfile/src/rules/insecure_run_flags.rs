//! DF030 `insecure-run-flags`: RUN with --security=insecure or --network=host

use super::prelude::*;

pub struct InsecureRunFlags;

pub const META: RuleMeta = RuleMeta {
    id: "DF030",
    name: "insecure-run-flags",
    target: Target::Dockerfile,
    category: Category::Permissions,
    severity: Severity::High,
    title: "RUN with --security=insecure or --network=host",
    explanation: r##"## Why is this bad?
`RUN --security=insecure` runs the step as a privileged container (all capabilities, no
seccomp/AppArmor): a malicious dependency install can take over the build host.
`RUN --network=host` gives the step the build host's network namespace, exposing services
listening on localhost to whatever the step executes.

## How to fix
Remove the flag. Do privileged work (mounting, kernel modules) outside the image build;
use normal build networking and explicit proxies for downloads.

## Example
```dockerfile
# Before
RUN --security=insecure mount -t tmpfs none /mnt && make

# After
RUN make
```

## References
- https://docs.docker.com/reference/dockerfile/#run---security
- https://docs.docker.com/reference/dockerfile/#run---network
"##,
    references: &[
        "https://docs.docker.com/reference/dockerfile/#run---security",
        "https://docs.docker.com/reference/dockerfile/#run---network",
    ],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for InsecureRunFlags {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("RUN") {
            if ins
                .flag("security")
                .is_some_and(|v| v.eq_ignore_ascii_case("insecure"))
            {
                out.push(
                    cx.finding(&META, cx.find_span(i, "--security"), "`RUN --security=insecure` runs this step as a privileged container")
                        .with_fix("Remove `--security=insecure`; privileged operations do not belong in an image build"),
                );
            }
            if ins
                .flag("network")
                .is_some_and(|v| v.eq_ignore_ascii_case("host"))
            {
                out.push(
                    cx.finding(
                        &META,
                        cx.find_span(i, "--network"),
                        "`RUN --network=host` gives this step the build host's network",
                    )
                    .with_severity(Severity::Low)
                    .with_fix("Remove `--network=host` and use the default build network"),
                );
            }
        }
    }
}
