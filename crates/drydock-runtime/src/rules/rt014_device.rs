//! RT014 `host-device`: a host device is passed into the container.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT014",
    name: "host-device",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Medium,
    title: "Host device passed through",
    explanation: r##"## Why is this bad?
A device node gives direct access to hardware or kernel interfaces below the container
boundary. Raw disks (`/dev/sda`, `/dev/nvme0n1`) expose every file of the host, `/dev/mem`
and `/dev/kmem` the kernel's memory; others (GPUs, `/dev/fuse`, `/dev/net/tun`) widen the
kernel attack surface.

Severity: raw disks and memory devices high; GPUs, sound, video, `/dev/fuse`,
`/dev/net/tun` low; others medium.

## How to fix
Pass only the specific device needed, with minimal cgroup permissions (`/dev/x:/dev/x:r`),
or use a device plugin (Kubernetes) that hands out exactly one device.

## Example
```yaml
# Before
devices: ["/dev/sda:/dev/sda"]
# After: no raw disk; mount the data directory instead
volumes: ["/srv/data:/data"]
```

## References
- CIS Docker Benchmark 5.17: Ensure that host devices are not directly exposed to containers
"##,
    references: &["CIS Docker Benchmark 5.17"],
    equivalents: &[],
    default_enabled: true,
};

pub fn device_severity(dev: &str) -> Severity {
    let host = dev.split(':').next().unwrap_or(dev);
    let name = host.trim_start_matches("/dev/");
    if ["mem", "kmem", "port"].contains(&name)
        || name.starts_with("sd")
        || name.starts_with("nvme")
        || name.starts_with("hd")
        || name.starts_with("vd")
        || name.starts_with("xvd")
        || name.starts_with("disk/")
        || name.starts_with("mapper/")
        || name.starts_with("loop")
    {
        Severity::High
    } else if name == "fuse"
        || name == "net/tun"
        || name.starts_with("dri")
        || name.starts_with("snd")
        || name.starts_with("video")
        || name.starts_with("nvidia")
        || name.starts_with("ttyUSB")
        || name.starts_with("ttyACM")
    {
        Severity::Low
    } else {
        Severity::Medium
    }
}

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    if w.is_privileged() {
        return;
    }
    for d in &w.devices {
        let host = d.v.split(':').next().unwrap_or(&d.v);
        out.push(
            cx.finding(
                &META,
                w,
                &d.at,
                format!("passes host device `{host}` into the container"),
            )
            .with_severity(device_severity(&d.v))
            .with_fix(
                "Pass only the device needed, with minimal permissions, or use a device plugin",
            ),
        );
    }
}
