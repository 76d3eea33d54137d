//! DF022 `copy-from-unpinned-image`: COPY --from an external image without a tag or with latest

use super::prelude::*;

pub struct CopyFromUnpinnedImage;

pub const META: RuleMeta = RuleMeta {
    id: "DF022",
    name: "copy-from-unpinned-image",
    target: Target::Dockerfile,
    category: Category::BaseImage,
    severity: Severity::Medium,
    title: "COPY --from an external image without a tag or with latest",
    explanation: r##"## Why is this bad?
`COPY --from=some/image` pulls that image at build time. Without a version tag (or
with `:latest`) the files you copy change whenever the image is re-pushed — a silent,
unreviewed supply-chain input.

## How to fix
Pin the image by version tag and digest: `COPY --from=some/image:1.2@sha256:… /src /dst`.

## Example
```dockerfile
# Before
COPY --from=ghcr.io/astral-sh/uv:latest /uv /usr/local/bin/uv

# After
COPY --from=ghcr.io/astral-sh/uv:0.5.11@sha256:<digest> /uv /usr/local/bin/uv
```

## References
- CIS Docker Benchmark 4.2: Ensure that containers use only trusted base images
- https://docs.docker.com/reference/dockerfile/#copy---from
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#copy---from"],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for CopyFromUnpinnedImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, _) in cx.with_keyword("COPY") {
            let Some(StageRef::Image {
                name,
                reference: Some(r),
            }) = cx.model.copy_from(cx.df, i)
            else {
                continue;
            };
            // A bare word (`--from=builder`) that is no stage is DF057's case: a typo or a
            // named build context as likely as an image.
            if r.digest.is_some() || !name.contains(['/', ':', '.', '@']) {
                continue;
            }
            let what = match r.tag.as_deref() {
                None => "has no tag (it means `latest`)",
                Some("latest") => "uses the moving `latest` tag",
                Some(_) => continue,
            };
            out.push(
                cx.finding(
                    &META,
                    cx.find_span(i, &name),
                    format!("`COPY --from={name}` {what}"),
                )
                .with_fix(format!(
                    "Pin a version and digest: `--from={}:<version>@sha256:<digest>`",
                    r.familiar_name()
                )),
            );
        }
    }
}
