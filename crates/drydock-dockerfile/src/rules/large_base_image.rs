//! DF021 `large-base-image`: A full-size base image where a slim variant exists

use super::prelude::*;

pub struct LargeBaseImage;

pub const META: RuleMeta = RuleMeta {
    id: "DF021",
    name: "large-base-image",
    target: Target::Dockerfile,
    category: Category::BaseImage,
    severity: Severity::Info,
    title: "A full-size base image where a slim variant exists",
    explanation: r##"## Why is this bad?
Full variants of language images (`python:3.12`, `node:22`, `ruby:3.3`) include
compilers, headers and hundreds of packages the application does not need at run time:
hundreds of MB more to pull and store, and many more packages for vulnerabilities to be
found in. Toolchain images (`golang`, `rust`) as the final stage ship a whole compiler.

## How to fix
Use the `-slim` (Debian) or `-alpine` variant for the final image, or a multi-stage
build that compiles in the full image and copies the result into a minimal one
(distroless, `-slim`, or `scratch` for static binaries).

## Example
```dockerfile
# Before
FROM golang:1.23
COPY . .
RUN go build -o /app .
CMD ["/app"]

# After
FROM golang:1.23 AS build
COPY . .
RUN CGO_ENABLED=0 go build -o /app .
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /app /app
CMD ["/app"]
```

## References
- CIS Docker Benchmark 4.3: Ensure that unnecessary packages are not installed in the container
- https://docs.docker.com/build/building/best-practices/#create-reusable-stages
- https://github.com/GoogleContainerTools/distroless
"##,
    references: &[
        "https://docs.docker.com/build/building/best-practices/#create-reusable-stages",
        "https://github.com/GoogleContainerTools/distroless",
    ],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for LargeBaseImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        // Only the image the final stage is ultimately built on matters.
        let Some(&root) = cx.final_chain().last() else {
            return;
        };
        let Some(stage) = cx.model.stages.get(root) else {
            return;
        };
        let (Some(r), Some(raw)) = (cx.base_ref(stage), cx.base_raw(stage)) else {
            return;
        };
        if !r.is_official() {
            return;
        }
        let name = r.short_name();
        let tag = r.tag.as_deref().unwrap_or("latest");
        let small = [
            "slim",
            "alpine",
            "distroless",
            "minimal",
            "musl",
            "busybox",
            "nanoserver",
            "servercore",
            "windowsservercore",
        ];
        if small.iter().any(|s| tag.contains(s)) {
            return;
        }
        let msg_fix = match name {
            "python" | "node" | "ruby" | "perl" | "openjdk" | "debian" => {
                let (ver, rest) = tag.split_once('-').map(|(a, b)| (a, format!("-{b}"))).unwrap_or((tag, String::new()));
                let slim = if ver == "latest" { "slim".to_string() } else { format!("{ver}-slim{rest}") };
                Some((format!("`{}` is the full image; `{name}:{slim}` has the same runtime without compilers and extra packages", r.original), format!("Use `{name}:{slim}` (or an `-alpine` variant) for the final image")))
            }
            "golang" | "rust" | "gcc" | "maven" | "gradle" => Some((
                format!("the final image is built on the `{name}` toolchain image `{}`; it ships the whole compiler", r.original),
                "Build in a separate stage and copy the result into `gcr.io/distroless/…`, a `-slim` image or `scratch`".to_string(),
            )),
            _ => None,
        };
        if let Some((msg, fix)) = msg_fix {
            out.push(
                cx.finding(&META, cx.find_span(stage.from, raw), msg)
                    .with_fix(fix),
            );
        }
    }
}
