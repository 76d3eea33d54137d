//! RT022 `volume-shared-between-services`: Compose services share a writable volume.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT022",
    name: "volume-shared-between-services",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Info,
    title: "Writable volume shared between services",
    explanation: r##"## Why is this bad?
A named volume or host directory mounted read-write by two services, or `volumes_from`
(which mounts every volume of another container), is a channel between containers that were meant to be
isolated: a compromised service can plant files (scripts, configuration, uploaded
content) that the other one executes or serves.

Reported for a service that mounts a named volume or a host path (`./logic:/app`)
read-write while another service of the file also mounts it read-write (runtime sockets are
RT007's), and for every `volumes_from`. One writer and readers
that mount it read-only (`:ro`, `read_only: true`) is the recommended way to share and is
not reported.

Severity info: sharing is often the design (a web server serving what the application
writes); the finding makes the channel visible for review.

## How to fix
Mount the volume read-only in the services that only read it; share data through an API
rather than a filesystem where you can; replace `volumes_from` by the explicit volumes
needed, read-only where possible.

## Example
```yaml
# Before
services:
  app: {image: example/app:2, volumes: ["static:/srv/static"]}
  web: {image: nginx:1.27, volumes: ["static:/usr/share/nginx/html"]}
# After
services:
  app: {image: example/app:2, volumes: ["static:/srv/static"]}
  web: {image: nginx:1.27, volumes: ["static:/usr/share/nginx/html:ro"]}
```

## References
- CIS Docker Benchmark: no dedicated item (section 5, container runtime isolation)
- https://docs.docker.com/reference/compose-file/services/#volumes_from
"##,
    references: &["https://docs.docker.com/reference/compose-file/services/#volumes_from"],
    equivalents: &[
        "kics:8c978947-0ff6-485c-b0c2-0bfca6026466",
        "kics:shared-volumes-between-containers",
    ],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    if w.source != SourceKind::Compose {
        return;
    }
    for v in &w.named_volumes {
        let (name, ro) = &v.v;
        if *ro {
            continue;
        }
        let others: Vec<String> = cx
            .set
            .volume_users
            .get(name)
            .map(|u| {
                u.iter()
                    .filter(|(s, ro)| *s != w.container && !ro)
                    .map(|(s, _)| format!("`{s}`"))
                    .collect()
            })
            .unwrap_or_default();
        if !others.is_empty() {
            let n = others.len();
            let mut others = others;
            if n > 3 {
                others.truncate(3);
                others.push(format!("and {} more", n - 3));
            }
            out.push(
                cx.finding(
                    &META,
                    w,
                    &v.at,
                    format!(
                        "mounts `{name}` read-write; another service writes it too: {}",
                        others.join(", ")
                    ),
                )
                .with_fix("Mount shared volumes read-only in the services that only read them"),
            );
        }
    }
    for v in &w.volumes_from {
        out.push(
            cx.finding(
                &META,
                w,
                &v.at,
                format!(
                    "`volumes_from: {}` mounts every volume of another container",
                    v.v
                ),
            )
            .with_fix("List the volumes needed explicitly, read-only where possible"),
        );
    }
}
