//! IM012: `/etc/shadow` entries with an empty password.

use crate::analyze::system::empty_shadow_passwords;
use crate::context::ImageContext;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM012",
    name: "empty-password",
    target: Target::Image,
    category: Category::User,
    severity: Severity::High,
    title: "A user in /etc/shadow has an empty password",
    explanation: r#"
## Why is this bad?
An empty password field in `/etc/shadow` means "no password needed": `su user` or a login
service in the container accepts anyone. Locked accounts use `!` or `*` instead.

## How to fix
Lock the account (`passwd -l user` / `usermod -L user`) or remove it.

## Example
```dockerfile
RUN passwd -l root
```

## References
- CIS Docker Benchmark 4 (container images)
- https://man7.org/linux/man-pages/man5/shadow.5.html
"#,
    references: &[
        "https://man7.org/linux/man-pages/man5/shadow.5.html",
        "CIS Docker Benchmark 4",
    ],
    equivalents: &["dockle:CIS-DI-0007"],
    default_enabled: true,
};

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    let Some(e) = cx.fs.resolve("etc/shadow") else {
        return;
    };
    let Some(data) = cx.layers[e.layer].special.get(&e.entry.path) else {
        return;
    };
    for (user, line) in empty_shadow_passwords(data) {
        out.push(
            Finding::from_rule(
                &META,
                format!("user `{user}` has an empty password in /etc/shadow (line {line})"),
                cx.layer_loc(e.layer, &e.entry.path),
            )
            .with_fix(format!("RUN passwd -l {user}")),
        );
    }
}
