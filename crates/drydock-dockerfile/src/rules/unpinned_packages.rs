//! DF045 `unpinned-packages`: Packages installed without a pinned version (off by default)

use super::prelude::*;

pub struct UnpinnedPackages;

pub const META: RuleMeta = RuleMeta {
    id: "DF045",
    name: "unpinned-packages",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "Packages installed without a pinned version (off by default)",
    explanation: r##"## Why is this bad?
`apt-get install curl`, `pip install flask` or `npm install -g typescript` install
whatever version is current at build time. Builds are not reproducible and a compromised or
broken new release gets in without review. (Off by default: pinning OS packages is a
maintenance burden many teams reasonably avoid; enable it with `--select DF045`.)

## How to fix
Pin versions (`curl=8.5.0-2`, `flask==3.0.3`, `typescript@5.6.3`), or install language
dependencies from a lock file (`pip install -r requirements.txt` with hashes, `npm ci`).

## Example
```dockerfile
# Before
RUN pip install flask gunicorn

# After
RUN pip install --no-cache-dir flask==3.0.3 gunicorn==23.0.0
```

## References
- https://docs.docker.com/build/building/best-practices/#apt-get
- https://pip.pypa.io/en/stable/topics/repeatable-installs/
"##,
    references: &[
        "https://docs.docker.com/build/building/best-practices/#apt-get",
        "https://pip.pypa.io/en/stable/topics/repeatable-installs/",
    ],
    equivalents: &[
        "hadolint:DL3008",
        "hadolint:DL3013",
        "hadolint:DL3016",
        "hadolint:DL3018",
        "hadolint:DL3028",
        "hadolint:DL3033",
        "hadolint:DL3041",
    ],
    default_enabled: false,
};

impl Rule for UnpinnedPackages {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (_, script, c) in cx.commands() {
            let Some((pm, sub, rest)) = package_command(c) else {
                continue;
            };
            let installs = match pm {
                "apt-get" | "apt" | "yum" | "dnf" | "zypper" | "pip" | "gem" => {
                    sub == "install" || (pm == "zypper" && sub == "in")
                }
                "apk" | "yarn" => sub == "add",
                "npm" => matches!(sub, "install" | "i" | "add"),
                _ => false,
            };
            if !installs {
                continue;
            }
            // gem install x -v 1.2 pins everything on the line.
            if pm == "gem"
                && rest.iter().any(|w| {
                    w.text == "-v" || w.text == "--version" || w.text.starts_with("--version=")
                })
            {
                continue;
            }
            let mut skip_next = false;
            let mut unpinned: Vec<&str> = Vec::new();
            for w in rest {
                let t = w.text.as_str();
                if skip_next {
                    skip_next = false;
                    continue;
                }
                if t.starts_with('-') {
                    // Options whose value is a separate word.
                    skip_next = matches!(
                        t,
                        "-r" | "--requirement"
                            | "-c"
                            | "--constraint"
                            | "-t"
                            | "--target"
                            | "-i"
                            | "--index-url"
                            | "--extra-index-url"
                            | "-e"
                            | "--editable"
                            | "-f"
                            | "--find-links"
                            | "--repository"
                            | "-X"
                            | "--virtual"
                            | "-o"
                            | "--prefix"
                            | "--root"
                    );
                    continue;
                }
                if w.dynamic
                    || t.contains('/')
                    || t.starts_with('.')
                    || t.contains("://")
                    || t.ends_with(".whl")
                    || t.ends_with(".deb")
                    || t.ends_with(".rpm")
                    || t.ends_with(".apk")
                    || t.ends_with(".tgz")
                    || t.ends_with(".tar.gz")
                {
                    continue;
                }
                let pinned = match pm {
                    "apt-get" | "apt" | "apk" => t.contains('='),
                    "pip" => {
                        t.contains("==")
                            || t.contains(">=")
                            || t.contains("~=")
                            || t.contains("<")
                            || t.contains("===")
                    }
                    "npm" | "yarn" => t.trim_start_matches('@').contains('@'),
                    "gem" => t.contains(':'),
                    "yum" | "dnf" | "zypper" => {
                        t.rsplit_once('-')
                            .is_some_and(|(_, v)| v.starts_with(|c: char| c.is_ascii_digit()))
                            || t.contains('=')
                    }
                    _ => true,
                };
                if !pinned {
                    unpinned.push(t);
                }
            }
            if !unpinned.is_empty() {
                let shown: Vec<String> =
                    unpinned.iter().take(6).map(|p| format!("`{p}`")).collect();
                let more = if unpinned.len() > 6 {
                    format!(" and {} more", unpinned.len() - 6)
                } else {
                    String::new()
                };
                out.push(
                    cx.finding(&META, script.span(&c.range), format!("`{} {sub}` installs unpinned packages: {}{more}", c.name(), shown.join(", ")))
                        .with_fix("Pin versions (pkg=1.2.3 / pkg==1.2.3 / pkg@1.2.3) or install from a lock file"),
                );
            }
        }
    }
}
