//! IM011: world-writable files and directories (directories without the sticky bit).

use crate::context::ImageContext;
use crate::layer::EntryKind;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM011",
    name: "world-writable",
    target: Target::Image,
    category: Category::Permissions,
    severity: Severity::Medium,
    title: "A file or directory is writable by every user",
    explanation: r#"
## Why is this bad?
Any process in the container, whatever its user, can modify a world-writable file — for
example a script that root later runs, or a config file the application trusts. A
world-writable directory without the sticky bit lets any user delete or replace other
users' files in it. A world-writable directory *with* the sticky bit (mode 1777) is a shared
scratch area: the usual ones (`/tmp`, `/var/tmp`, `/dev/shm`, `/run/lock`, `/var/lock`) are
not reported; any other is listed at info, since every user can drop files there. Symlinks,
whose mode is always 0777, are not reported.

## How to fix
Give files to the user that needs them and drop the write bit for others
(`chmod o-w`); use `chmod 1777` for shared scratch directories.

## Example
```dockerfile
# bad
RUN chmod 777 /app/run.sh
# good
RUN chown app:app /app/data && chmod 0755 /app/run.sh
```

## References
- CIS Docker Benchmark 4 (container images and build files)
- https://man7.org/linux/man-pages/man1/chmod.1.html
"#,
    references: &[
        "CIS Docker Benchmark 4",
        "https://man7.org/linux/man-pages/man1/chmod.1.html",
    ],
    equivalents: &[],
    default_enabled: true,
};

/// The shared scratch directories every Linux image has (mode 1777 by design).
const SCRATCH: &[&str] = &["tmp", "var/tmp", "dev/shm", "run/lock", "var/lock"];

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    for (path, fe) in &cx.fs.final_fs {
        let e = &fe.entry;
        if e.mode & 0o002 == 0 {
            continue;
        }
        let sticky = e.mode & 0o1000 != 0;
        let what = match e.kind {
            EntryKind::File => "file",
            EntryKind::Dir if !sticky => "directory (no sticky bit)",
            EntryKind::Dir if !SCRATCH.contains(&path.as_str()) => {
                "directory with the sticky bit: a shared scratch area where every user can add files"
            }
            _ => continue,
        };
        let mut sev = if e.kind == EntryKind::Dir && sticky {
            Severity::Info
        } else {
            META.severity
        };
        let mut msg = format!("/{path} is a world-writable {what} (mode {:04o})", e.mode);
        if let Some(pkg) = cx.owner(path) {
            sev = sev.min(Severity::Low);
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
            .with_fix(if e.kind == EntryKind::Dir {
                format!("RUN chmod o-w /{path} (or chmod 1777 for a shared scratch dir)")
            } else {
                format!("RUN chmod o-w /{path}")
            }),
        );
    }
}
