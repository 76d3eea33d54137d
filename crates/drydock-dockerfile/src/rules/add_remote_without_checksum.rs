//! DF023 `add-remote-without-checksum`: ADD downloads a URL without --checksum

use super::prelude::*;

pub struct AddRemoteWithoutChecksum;

pub const META: RuleMeta = RuleMeta {
    id: "DF023",
    name: "add-remote-without-checksum",
    target: Target::Dockerfile,
    category: Category::SupplyChain,
    severity: Severity::Medium,
    title: "ADD downloads a URL without --checksum",
    explanation: r##"## Why is this bad?
`ADD https://…` fetches whatever the server returns at build time. If the server, the
DNS or the path is compromised, or the file is simply replaced, the build silently embeds
different content. Nothing verifies the bytes.

## How to fix
Add `--checksum=sha256:<hash>` (BuildKit verifies it), or download in a `RUN` and check
the hash with `sha256sum -c` before using the file.

## Example
```dockerfile
# Before
ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini

# After
ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c \
    https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
```

## References
- CIS Docker Benchmark 4.12: Ensure all signed artifacts are validated
- https://docs.docker.com/reference/dockerfile/#add---checksum
- CIS Docker Benchmark 4.9: Ensure that COPY is used instead of ADD in Dockerfiles
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#add---checksum"],
    equivalents: &["checkov:CKV_DOCKER_4"],
    default_enabled: true,
};

impl Rule for AddRemoteWithoutChecksum {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("ADD") {
            if ins.flag("checksum").is_some() {
                continue;
            }
            let (sources, _) = copy_args(ins);
            for src in sources.iter().filter(|s| is_url(s) && !is_git_source(s)) {
                out.push(
                    cx.finding(&META, cx.find_span(i, src), format!("`ADD {src}` downloads content that nothing verifies"))
                        .with_fix("Add `--checksum=sha256:<hash>` to the ADD, or download in RUN and verify with `sha256sum -c`"),
                );
            }
        }
    }
}
