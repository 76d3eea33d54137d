//! DF011 `sensitive-file-copied`: COPY/ADD names a key, credential or VCS file

use super::prelude::*;

pub struct SensitiveFileCopied;

pub const META: RuleMeta = RuleMeta {
    id: "DF011",
    name: "sensitive-file-copied",
    target: Target::Dockerfile,
    category: Category::SensitiveFile,
    severity: Severity::High,
    title: "COPY/ADD names a key, credential or VCS file",
    explanation: r##"## Why is this bad?
Private keys, `.env` files, `.npmrc`/`.pypirc`/`.netrc`, cloud credentials, kubeconfigs,
Terraform state and `.git/` directories copied into an image are readable by anyone who
pulls it — deleting them in a later step does not remove them from the earlier layer.

## How to fix
Do not copy credentials into images. Use secret mounts for build-time access
(`RUN --mount=type=secret` / `--mount=type=ssh`), inject runtime configuration at deploy
time, and list such files in `.dockerignore`.

## Example
```dockerfile
# Before
COPY id_rsa /root/.ssh/id_rsa
RUN git clone git@github.com:acme/private.git

# After
RUN --mount=type=ssh git clone git@github.com:acme/private.git
# build: docker build --ssh default .
```

## References
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
- https://docs.docker.com/build/building/secrets/#ssh-mounts
- https://docs.docker.com/build/concepts/context/#dockerignore-files
"##,
    references: &[
        "https://docs.docker.com/build/building/secrets/#ssh-mounts",
        "https://docs.docker.com/build/concepts/context/#dockerignore-files",
    ],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for SensitiveFileCopied {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.instructions() {
            if !matches!(ins.keyword(), "COPY" | "ADD") {
                continue;
            }
            let (sources, _) = copy_args(ins);
            for src in sources.iter().filter(|s| !is_url(s)) {
                let expanded = cx.model.expand(cx.df, i, src);
                if let Some(kind) = sensitive_path(&expanded) {
                    let f = cx
                        .finding(&META, cx.find_span(i, src), format!("{} copies `{expanded}` ({kind}) into the image", ins.keyword()))
                        .with_fix("Remove it from the COPY/ADD and add it to .dockerignore; use `RUN --mount=type=secret` or `--mount=type=ssh` for build-time access");
                    out.push(if cx.in_final_image(i) {
                        f
                    } else {
                        f.with_severity(Severity::Medium)
                    });
                }
            }
        }
    }
}
