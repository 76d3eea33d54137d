//! DF059 `invalid-port`: EXPOSE with an invalid port or protocol

use super::prelude::*;

pub struct InvalidPort;

pub const META: RuleMeta = RuleMeta {
    id: "DF059",
    name: "invalid-port",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Medium,
    title: "EXPOSE with an invalid port or protocol",
    explanation: r##"## Why is this bad?
Ports must be between 1 and 65535 and the protocol `tcp`, `udp` or `sctp`. An invalid
`EXPOSE` fails the build or documents a port that can never be published.

## How to fix
Use a valid port (`EXPOSE 8080` or `EXPOSE 8080/tcp`).

## Example
```dockerfile
# Before
EXPOSE 80800

# After
EXPOSE 8080
```

## References
- https://docs.docker.com/reference/dockerfile/#expose
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#expose"],
    equivalents: &[
        "hadolint:DL3011",
        "kics:unix-ports-out-of-range",
        "trivy:DS008",
    ],
    default_enabled: true,
};

impl Rule for InvalidPort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("EXPOSE") {
            for raw in &ins.value {
                let p = cx.model.expand(cx.df, i, raw);
                if p.contains('$') || p.is_empty() {
                    continue;
                }
                let (ports, proto) = p.split_once('/').unwrap_or((&p, "tcp"));
                let proto_ok =
                    matches!(proto.to_ascii_lowercase().as_str(), "tcp" | "udp" | "sctp");
                let port_ok = |s: &str| s.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n));
                // `8000-8010` ranges and `127.0.0.1:8080` host forms are accepted by Docker.
                let ports = ports.rsplit(':').next().unwrap_or(ports);
                let range_ok = match ports.split_once('-') {
                    Some((a, b)) => {
                        port_ok(a) && port_ok(b) && a.parse::<u32>().ok() <= b.parse::<u32>().ok()
                    }
                    None => port_ok(ports),
                };
                if !proto_ok || !range_ok {
                    let why = if proto_ok {
                        "ports must be 1-65535"
                    } else {
                        "the protocol must be tcp, udp or sctp"
                    };
                    out.push(
                        cx.finding(
                            &META,
                            cx.find_span(i, raw),
                            format!("EXPOSE `{p}` is invalid: {why}"),
                        )
                        .with_fix("Use a valid port and protocol, e.g. `EXPOSE 8080/tcp`"),
                    );
                }
            }
        }
    }
}
