//! DF029 `insecure-http-download`: Software is downloaded over plain HTTP

use super::prelude::*;

pub struct InsecureHttpDownload;

pub const META: RuleMeta = RuleMeta {
    id: "DF029",
    name: "insecure-http-download",
    target: Target::Dockerfile,
    category: Category::SupplyChain,
    severity: Severity::Medium,
    title: "Software is downloaded over plain HTTP",
    explanation: r##"## Why is this bad?
Anything fetched over `http://` can be read and modified in transit. A download, a
package index or a registry reached over plain HTTP lets a network attacker substitute the
code your image runs — unless the content is verified with a pinned checksum or signature
afterwards.

## How to fix
Use `https://`. If the server has no HTTPS, verify the download with a pinned checksum
(`sha256sum -c`) or signature in the same `RUN`.

## Example
```dockerfile
# Before
RUN curl -fsSLo /tmp/tool.tgz http://downloads.example.com/tool.tgz

# After
RUN curl -fsSLo /tmp/tool.tgz https://downloads.example.com/tool.tgz \
 && echo "<sha256>  /tmp/tool.tgz" | sha256sum -c -
```

## References
- https://docs.docker.com/reference/dockerfile/#add---checksum
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#add---checksum"],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for InsecureHttpDownload {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            // A verified download is fine even over HTTP.
            let verified = run_has(run, |c| {
                matches!(
                    c.name(),
                    "sha256sum" | "sha512sum" | "sha1sum" | "md5sum" | "shasum"
                ) && c
                    .args()
                    .iter()
                    .any(|w| w.text.starts_with("-c") || w.text == "--check")
                    || c.name() == "gpg" && c.args().iter().any(|w| w.text == "--verify")
                    || c.name() == "cosign"
            });
            if verified {
                continue;
            }
            for (script, c) in run.commands() {
                let name = c.name();
                let relevant = matches!(name, "curl" | "wget" | "aria2c" | "fetch")
                    || package_command(c)
                        .is_some_and(|p| matches!(p.pm, "pip" | "npm" | "yarn" | "gem"));
                if !relevant {
                    continue;
                }
                for w in c.args() {
                    let t = w
                        .text
                        .trim_start_matches("--index-url=")
                        .trim_start_matches("--extra-index-url=")
                        .trim_start_matches("--registry=");
                    if t.to_ascii_lowercase().starts_with("http://")
                        && !is_local_url(t)
                        && !w.dynamic
                    {
                        out.push(
                            cx.finding(&META, script.word_span(w), format!("`{name}` fetches `{t}` over plain HTTP"))
                                .with_fix("Use https://, or verify the download with a pinned sha256sum/signature in the same RUN"),
                        );
                    }
                }
            }
        }
        for (i, ins) in cx.with_keyword("ADD") {
            if ins.flag("checksum").is_some() {
                continue;
            }
            for src in copy_args(ins).0 {
                if src.to_ascii_lowercase().starts_with("http://") && !is_local_url(&src) {
                    out.push(
                        cx.finding(
                            &META,
                            cx.find_span(i, &src),
                            format!("`ADD {src}` downloads over plain HTTP"),
                        )
                        .with_fix("Use https:// and add `--checksum=sha256:<hash>`"),
                    );
                }
            }
        }
    }
}
