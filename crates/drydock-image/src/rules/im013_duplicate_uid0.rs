//! IM013: more than one user with UID 0 in `/etc/passwd`.

use crate::analyze::system::parse_passwd;
use crate::context::ImageContext;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM013",
    name: "duplicate-uid-0",
    target: Target::Image,
    category: Category::User,
    severity: Severity::High,
    title: "A user other than root has UID 0",
    explanation: r#"
## Why is this bad?
Every account with UID 0 is root, whatever its name. An extra UID-0 account is a classic
backdoor and defeats checks that look for the name `root`.

## How to fix
Give the account its own UID (`usermod -u 10001 name`) or remove it.

## Example
```
# /etc/passwd — bad
toor:x:0:0::/root:/bin/sh
```

## References
- CIS Distribution Independent Linux Benchmark: Ensure root is the only UID 0 account
- https://man7.org/linux/man-pages/man5/passwd.5.html
"#,
    references: &[
        "CIS Linux Benchmark: Ensure root is the only UID 0 account",
        "https://man7.org/linux/man-pages/man5/passwd.5.html",
    ],
    equivalents: &[],
    default_enabled: true,
};

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    let Some(e) = cx.fs.resolve("etc/passwd") else {
        return;
    };
    let Some(data) = cx.layers[e.layer].special.get(&e.entry.path) else {
        return;
    };
    for u in parse_passwd(data) {
        if u.uid == "0" && u.name != "root" {
            out.push(
                Finding::from_rule(
                    &META,
                    format!(
                        "user `{}` has UID 0 in /etc/passwd (line {})",
                        u.name, u.line
                    ),
                    cx.layer_loc(e.layer, &e.entry.path),
                )
                .with_fix(format!("Give `{}` a non-zero UID or remove it", u.name)),
            );
        }
    }
}
