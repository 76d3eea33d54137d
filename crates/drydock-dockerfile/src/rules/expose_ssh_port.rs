//! DF053 `expose-ssh-port`: EXPOSE 22 (SSH in a container)

use super::prelude::*;

pub struct ExposeSshPort;

pub const META: RuleMeta = RuleMeta {
    id: "DF053",
    name: "expose-ssh-port",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Medium,
    title: "EXPOSE 22 (SSH in a container)",
    explanation: r##"## Why is this bad?
Exposing port 22 means the image runs an SSH server: another long-running process with
its own credentials and keys to manage, a brute-force target, and a way around the
container's audit trail. `docker exec` / `kubectl exec` already give shell access.

## How to fix
Remove the SSH server and `EXPOSE 22`; use `docker exec` or `kubectl exec` for debugging.

## Example
```dockerfile
# Before
RUN apt-get install -y openssh-server
EXPOSE 22

# After
# debug with: docker exec -it <container> sh
```

## References
- CIS Docker Benchmark 5.6: Ensure sshd is not run within containers
- https://docs.docker.com/reference/dockerfile/#expose
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#expose"],
    equivalents: &[
        "checkov:CKV_DOCKER_1",
        "kics:exposing-port-22-ssh",
        "trivy:DS004",
    ],
    default_enabled: true,
};

impl Rule for ExposeSshPort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("EXPOSE") {
            for raw in &ins.value {
                let p = cx.model.expand(cx.df, i, raw);
                let (port, proto) = p.split_once('/').unwrap_or((&p, "tcp"));
                let is22 = port == "22"
                    || port.split_once('-').is_some_and(|(a, b)| {
                        a.parse::<u32>().is_ok_and(|a| a <= 22)
                            && b.parse::<u32>().is_ok_and(|b| b >= 22)
                    });
                if is22 && proto.eq_ignore_ascii_case("tcp") {
                    out.push(
                        cx.finding(&META, cx.find_span(i, raw), "EXPOSE 22: the image runs an SSH server")
                            .with_fix("Remove the SSH server and EXPOSE 22; use `docker exec`/`kubectl exec` for access"),
                    );
                }
            }
        }
    }
}
