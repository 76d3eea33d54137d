//! IM003: sensitive files (keys, credential stores, histories, `.git`) in any layer.

use super::util::removal_note;
use crate::context::ImageContext;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM003",
    name: "sensitive-file-in-layer",
    target: Target::Image,
    category: Category::SensitiveFile,
    severity: Severity::High,
    title: "A credential file, private key, shell history or .git directory is in a layer",
    explanation: r#"
## Why is this bad?
Some files are sensitive whatever the scanner recognises inside them: SSH and TLS private
keys, `.env` files, `.npmrc`/`.pypirc`/`.netrc` with credentials, `.aws/credentials`,
`.docker/config.json` with `auths`, `.git-credentials`, kubeconfigs, Terraform state,
shell histories and whole `.git/` directories (the complete history of the repository,
including secrets removed from the working tree). They usually enter an image through a
broad `COPY . .` or a build step that needed credentials. A file deleted in a later layer
is still in the layer that added it.

## How to fix
Add such files to `.dockerignore`, copy only what the application needs, mount build-time
credentials with `RUN --mount=type=secret` and rotate anything that leaked.

## Example
```
# .dockerignore
.git
.env
**/*.pem
.npmrc
```

## References
- https://docs.docker.com/build/concepts/context/#dockerignore-files
- CIS Docker Benchmark 4.10
"#,
    references: &[
        "https://docs.docker.com/build/concepts/context/#dockerignore-files",
        "CIS Docker Benchmark 4.10",
    ],
    equivalents: &["dockle:CIS-DI-0010", "trivy:secret"],
    default_enabled: true,
};

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    for (layer, sum) in cx.layers.iter().enumerate() {
        let mut reported: Vec<&str> = Vec::new();
        for h in &sum.sensitive {
            if reported.contains(&h.path.as_str()) {
                continue;
            }
            // A `.git` directory inside an OS package's files (rare) or vendor-owned files.
            let mut sev = h.severity;
            let mut vendor = None;
            let mut msg = format!(
                "{} /{}: {}{}",
                h.kind,
                h.path,
                h.detail,
                removal_note(cx, layer, &h.path)
            );
            if let Some(pkg) = cx.owner(&h.path) {
                sev = sev.min(Severity::Low);
                msg.push_str(&format!("; vendor content: shipped by OS package `{pkg}`"));
                vendor = Some(format!("OS package `{pkg}`"));
            }
            reported.push(&h.path);
            let mut f = Finding::new(META.id, sev, META.category, msg, cx.layer_loc(layer, &h.path))
                .with_fix("Exclude the file with .dockerignore (or mount it only for the step that needs it) and rotate any credential it held");
            f.vendor = vendor;
            out.push(f);
        }
    }
}
