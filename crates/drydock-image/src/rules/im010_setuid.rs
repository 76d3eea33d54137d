//! IM010: setuid/setgid files outside the expected system binaries.

use crate::context::ImageContext;
use crate::layer::EntryKind;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM010",
    name: "unexpected-setuid-setgid",
    target: Target::Image,
    category: Category::Permissions,
    severity: Severity::High,
    title: "Setuid or setgid file (unexpected ones are findings; the usual system programs are listed at info)",
    explanation: r#"
## Why is this bad?
A setuid-root program runs as root whoever starts it. A setuid copy of a shell, `find`,
`env` or an interpreter — or any setuid script — lets every user of the container become
root. A setgid program runs with its group's rights: setgid `shadow` reads every password
hash, `disk`/`kmem` read raw devices, `docker` drives the runtime — those (and `root`, `sudo`,
`wheel`, `adm`) are high like setuid root; other setgid files medium. The message names the
group from the image's /etc/group. Distributions ship a short list of setuid/setgid programs
(`passwd`, `su`, `mount`, …; the list is in docs/image.md): those are reported together in
one info finding per image, as an inventory. Other setuid/setgid files owned by an OS package
are reported at low severity with the package named.

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

/// Groups whose rights are root's in all but name: a setgid program of one of these lets
/// any user read password hashes (`shadow`), raw disks (`disk`, `kmem`) or drive the
/// container runtime (`docker`).
const PRIVILEGED_GROUPS: &[&str] = &[
    "root", "shadow", "disk", "kmem", "docker", "sudo", "wheel", "adm",
];

/// The name of group `gid` in the image's /etc/group.
fn group_name<'a>(cx: &'a ImageContext<'_>, gid: u64) -> Option<&'a str> {
    let (_, data) = cx.final_special("etc/group")?;
    std::str::from_utf8(data).ok()?.lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        (f.nth(1)?.parse::<u64>().ok()? == gid).then_some(name)
    })
}

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    // Expected system programs (info): one inventory finding per image rather than one per
    // program, so a Debian base does not add a dozen lines to every report.
    let mut expected: Vec<(&str, u32, usize)> = Vec::new();
    for (path, fe) in &cx.fs.final_fs {
        let e = &fe.entry;
        if e.kind != EntryKind::File || e.mode & 0o6000 == 0 {
            continue;
        }
        if EXPECTED.contains(&path.as_str()) {
            expected.push((path.as_str(), e.mode, fe.layer));
            continue;
        }
        let bits = match (e.mode & 0o4000 != 0, e.mode & 0o2000 != 0) {
            (true, true) => "setuid and setgid",
            (true, false) => "setuid",
            _ => "setgid",
        };
        let group = group_name(cx, e.gid);
        let privileged_group =
            e.mode & 0o2000 != 0 && group.is_some_and(|g| PRIVILEGED_GROUPS.contains(&g));
        let mut sev = if (e.mode & 0o4000 != 0 && e.uid == 0) || privileged_group {
            Severity::High
        } else {
            Severity::Medium
        };
        let mut msg = format!(
            "/{path} is {bits} (mode {:04o}, owner uid {}, group {})",
            e.mode,
            e.uid,
            match group {
                Some(g) => format!("`{g}` (gid {})", e.gid),
                None => format!("gid {}", e.gid),
            }
        );
        if privileged_group {
            msg.push_str(&format!(
                "; it runs with the rights of group `{}`",
                group.unwrap_or_default()
            ));
        }
        if let Some(pkg) = cx.owner(path) {
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
    expected.sort();
    let Some(&(first, mode, layer)) = expected.first() else {
        return;
    };
    let msg = if expected.len() == 1 {
        format!("/{first} is setuid/setgid (mode {mode:04o}); an expected system program")
    } else {
        let list: Vec<String> = expected
            .iter()
            .map(|(p, m, _)| format!("/{p} ({m:04o})"))
            .collect();
        format!(
            "{} expected setuid/setgid system programs: {}",
            expected.len(),
            list.join(", ")
        )
    };
    out.push(
        Finding::new(
            META.id,
            Severity::Info,
            META.category,
            msg,
            cx.layer_loc(layer, first),
        )
        .with_fix("RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + (if the container never needs them)"),
    );
}
