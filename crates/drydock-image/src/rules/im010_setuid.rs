//! IM010: setuid/setgid files outside the expected system binaries.

use crate::scan::ImageContext;
use crate::walker::EntryKind;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM010",
    name: "unexpected-setuid-setgid",
    target: Target::Image,
    category: Category::Permissions,
    severity: Severity::High,
    title: "A file has the setuid or setgid bit and is not an expected system binary",
    explanation: r#"
## Why is this bad?
A setuid-root program runs as root whoever starts it. A setuid copy of a shell, `find`,
`env` or an interpreter — or any setuid script — lets every user of the container become
root. Distributions ship a short list of setuid/setgid programs (`passwd`, `su`, `mount`,
…; the list is in docs/image.md): those are reported at info only, as an inventory. Other
setuid/setgid files owned by an OS package are reported at low severity with the package
named.

## How to fix
Strip the bits in the Dockerfile (`RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`)
or do not copy such files in; run the container with `--security-opt no-new-privileges`.

## Example
```dockerfile
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true
```

## References
- CIS Docker Benchmark 4.8: Ensure setuid and setgid permissions are removed
- https://docs.docker.com/engine/security/#linux-kernel-capabilities
"#,
    references: &[
        "CIS Docker Benchmark 4.8",
        "https://docs.docker.com/engine/security/",
    ],
    equivalents: &["dockle:CIS-DI-0008"],
    default_enabled: true,
};

/// Setuid/setgid programs that Debian, Ubuntu, Alpine and RHEL images ship by design.
pub const EXPECTED: &[&str] = &[
    "bin/su",
    "bin/mount",
    "bin/umount",
    "bin/ping",
    "bin/ping6",
    "bin/fusermount",
    "usr/bin/su",
    "usr/bin/mount",
    "usr/bin/umount",
    "usr/bin/passwd",
    "usr/bin/chsh",
    "usr/bin/chfn",
    "usr/bin/gpasswd",
    "usr/bin/newgrp",
    "usr/bin/chage",
    "usr/bin/expiry",
    "usr/bin/wall",
    "usr/bin/write",
    "usr/bin/bsd-write",
    "usr/bin/sudo",
    "usr/bin/crontab",
    "usr/bin/at",
    "usr/bin/ssh-agent",
    "usr/bin/newuidmap",
    "usr/bin/newgidmap",
    "usr/bin/pkexec",
    "usr/bin/ping",
    "usr/bin/fusermount",
    "usr/bin/fusermount3",
    "usr/bin/dotlockfile",
    "usr/bin/mlocate",
    "usr/bin/plocate",
    "usr/bin/staprun",
    "sbin/unix_chkpwd",
    "usr/sbin/unix_chkpwd",
    "usr/sbin/pam_extrausers_chkpwd",
    "usr/sbin/postdrop",
    "usr/sbin/postqueue",
    "usr/sbin/userhelper",
    "usr/lib/openssh/ssh-keysign",
    "usr/libexec/openssh/ssh-keysign",
    "usr/lib/dbus-1.0/dbus-daemon-launch-helper",
    "usr/libexec/dbus-1/dbus-daemon-launch-helper",
    "usr/lib/policykit-1/polkit-agent-helper-1",
    "usr/lib/polkit-1/polkit-agent-helper-1",
    "usr/libexec/polkit-agent-helper-1",
    "usr/lib/eject/dmcrypt-get-device",
    "usr/libexec/utempter/utempter",
    "usr/lib/x86_64-linux-gnu/utempter/utempter",
    "bin/bbsuid",
];

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    for (path, fe) in &cx.fs.final_fs {
        let e = &fe.entry;
        if e.kind != EntryKind::File || e.mode & 0o6000 == 0 {
            continue;
        }
        let bits = match (e.mode & 0o4000 != 0, e.mode & 0o2000 != 0) {
            (true, true) => "setuid and setgid",
            (true, false) => "setuid",
            _ => "setgid",
        };
        let mut sev = if e.mode & 0o4000 != 0 && e.uid == 0 {
            Severity::High
        } else {
            Severity::Medium
        };
        let mut msg = format!(
            "/{path} is {bits} (mode {:04o}, owner uid {})",
            e.mode, e.uid
        );
        if EXPECTED.contains(&path.as_str()) {
            // Listed for the inventory, not as a problem.
            sev = Severity::Info;
            msg.push_str("; an expected system program");
        } else if let Some(pkg) = cx.owner(path) {
            sev = Severity::Low;
            msg.push_str(&format!("; shipped by OS package `{pkg}`"));
        }
        out.push(
            Finding::new(
                META.id,
                sev,
                META.category,
                msg,
                cx.layer_loc(fe.layer, path),
            )
            .with_fix(format!("RUN chmod u-s,g-s /{path} (or do not install it)")),
        );
    }
}
