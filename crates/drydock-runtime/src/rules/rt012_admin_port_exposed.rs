//! RT012 `admin-port-exposed`: an admin/database port is published on all interfaces.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT012",
    name: "admin-port-exposed",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Medium,
    title: "Admin or database port published on all interfaces",
    explanation: r##"## Why is this bad?
`ports: ["5432:5432"]` publishes on `0.0.0.0`: every network the host is on can reach
the database, SSH daemon or Docker API — and Docker's iptables rules bypass host firewalls
such as ufw. Databases with default or no passwords, unauthenticated Redis/Elasticsearch/
Memcached and the plain-text Docker API (2375, host root for anyone) are routinely found
and taken over by internet scanners.

Severity: Docker API 2375 critical; kubelet 10250/10255 and etcd 2379/2380 high; SSH,
databases and other admin services medium.

## How to fix
Bind to the loopback interface (`127.0.0.1:5432:5432`) or do not publish at all and let
other services reach it over the internal network. For Kubernetes, do not use `hostPort`
for such ports; expose them through a ClusterIP Service.

## Example
```yaml
# Before
ports: ["6379:6379"]
# After
ports: ["127.0.0.1:6379:6379"]
```

## References
- CIS Docker Benchmark 5.13: Ensure that incoming container traffic is bound to a specific host interface
- CIS Docker Benchmark section 2: configure TLS authentication for the Docker daemon (2375 is the unauthenticated port)
"##,
    references: &["CIS Docker Benchmark 5.13"],
    equivalents: &[],
    default_enabled: true,
};

pub fn admin_port(p: u32) -> Option<(&'static str, Severity)> {
    Some(match p {
        2375 | 4243 => ("Docker API (unencrypted)", Severity::Critical),
        2376 => ("Docker API (TLS)", Severity::High),
        10250 | 10255 => ("kubelet API", Severity::High),
        2379 | 2380 => ("etcd", Severity::High),
        6443 => ("Kubernetes API", Severity::Medium),
        22 => ("SSH", Severity::Medium),
        23 => ("telnet", Severity::Medium),
        3389 => ("RDP", Severity::Medium),
        5900 | 5901 => ("VNC", Severity::Medium),
        5432 => ("PostgreSQL", Severity::Medium),
        3306 => ("MySQL/MariaDB", Severity::Medium),
        1433 => ("SQL Server", Severity::Medium),
        1521 => ("Oracle", Severity::Medium),
        6379 => ("Redis", Severity::Medium),
        27017 | 27018 => ("MongoDB", Severity::Medium),
        9200 | 9300 => ("Elasticsearch", Severity::Medium),
        11211 => ("Memcached", Severity::Medium),
        5984 => ("CouchDB", Severity::Medium),
        9042 => ("Cassandra", Severity::Medium),
        8086 => ("InfluxDB", Severity::Medium),
        5672 | 15672 => ("RabbitMQ", Severity::Medium),
        8500 => ("Consul", Severity::Medium),
        _ => return None,
    })
}

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    for p in &w.ports {
        if p.v.host_ip.is_some() {
            continue;
        }
        if let Some((what, sev)) = admin_port(p.v.container_port) {
            out.push(
                cx.finding(
                    &META,
                    w,
                    &p.at,
                    format!(
                        "publishes {what} port {} on all interfaces",
                        p.v.container_port
                    ),
                )
                .with_severity(sev)
                .with_fix(format!(
                    "Bind it to 127.0.0.1 (`127.0.0.1:{0}:{0}`) or do not publish it",
                    p.v.container_port
                )),
            );
        }
    }
}
