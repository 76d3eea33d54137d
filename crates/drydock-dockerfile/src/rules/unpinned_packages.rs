//! DF045 `unpinned-packages`: Packages installed without a pinned version

use super::prelude::*;

pub struct UnpinnedPackages;

pub const META: RuleMeta = RuleMeta {
    id: "DF045",
    name: "unpinned-packages",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "Packages installed without a pinned version",
    explanation: r##"## Why is this bad?
`apt-get install curl`, `pip install flask` or `npm install -g typescript` install
whatever version is current at build time. Builds are not reproducible and a compromised or
broken new release gets in without review. Hadolint and KICS report this by default, so
drydock does too, at low severity (below the default `--fail-on high`); teams that choose not
to pin OS packages turn it off with `--ignore DF045` (or `DL3008`) or `ignore = ["DF045"]`.

What counts as pinned follows each tool's own syntax: apt `pkg=1.2-3` (globs like
`pkg=1.2.*` too) or `pkg/release`; apk `pkg=1.2`, `pkg~1.2`, `pkg=~1.2`, `pkg>1`; rpm
`name-version[-release]`, dnf module streams `nodejs:18`, zypper/dnf capabilities `pkg>9.0`;
pip specifiers (`==`, `~=`, `>=`, `!=`, `===`, extras `pkg[x]==1`), direct URLs, paths and
wheels; npm `pkg@1.2.3`; gem `pkg:1.2` or `-v`; `go install`/`go get` `module/cmd@v1.2.3`
(`@latest`, a branch or no version on a remote path is unpinned). Option values are not packages (`pip
--trusted-host HOST`, `npm --loglevel verbose`, `apk --virtual .deps`, `gem install x --
--with-flag`). Aliases are understood (`dnf in`, `yum localinstall`, `microdnf`, `gem i`,
`npm i`, `python -m pip`). `pip install -r requirements.txt` is not reported: the pins live
in the file (use `--require-hashes` there); a constraints file (`-c constraints.txt`) pins
the packages named on the same line.

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
        "hadolint:DL3037",
        "hadolint:DL3041",
        "hadolint:DL3062",
        "kics:apt-get-install-pin-version-not-defined",
        "kics:gem-install-without-version",
        "kics:npm-install-command-without-pinned-version",
        "kics:unpinned-package-version-in-apk-add",
        "kics:unpinned-package-version-in-pip-install",
        "kics:yum-install-without-version",
        "kics:zypper-install-without-version",
    ],
    default_enabled: true,
};

impl Rule for UnpinnedPackages {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (run, script, c) in cx.commands() {
            let Some(p) = package_command(c) else {
                continue;
            };
            if !p.installs() {
                continue;
            }
            // A constraints file pins whatever the line names (that is what it is for);
            // `gem install x -v 1.2` pins the gems of the line.
            if (p.pm == "pip" && p.has(&["-c", "--constraint"]))
                || (p.pm == "gem" && p.has(&["-v", "--version"]))
            {
                continue;
            }
            // `$PKGS` is read through the assignment earlier in the RUN or the stage's
            // ENV/ARG; what cannot be resolved is left alone.
            let mut names: Vec<String> = Vec::new();
            for w in &p.operands {
                if !w.dynamic {
                    names.push(w.text.clone());
                } else if let Some(v) = resolve_var(cx, run.instruction, script, c, &w.text) {
                    names.extend(
                        v.split_whitespace()
                            .filter(|x| !x.starts_with('-'))
                            .map(String::from),
                    );
                }
            }
            let unpinned: Vec<&str> = names
                .iter()
                .filter(|t| !t.contains('$') && !pinned(p.pm, t))
                .map(String::as_str)
                .collect();
            if !unpinned.is_empty() {
                let shown: Vec<String> =
                    unpinned.iter().take(6).map(|p| format!("`{p}`")).collect();
                let more = if unpinned.len() > 6 {
                    format!(" and {} more", unpinned.len() - 6)
                } else {
                    String::new()
                };
                let sub = p.sub_word.map(|w| w.text.as_str()).unwrap_or(&p.sub);
                out.push(
                    cx.finding(&META, script.span(&c.range), format!("`{} {sub}` installs unpinned packages: {}{more}", p.tool, shown.join(", ")))
                        .with_fix("Pin versions (pkg=1.2.3 / pkg==1.2.3 / pkg@1.2.3) or install from a lock file"),
                );
            }
        }
    }
}

/// The value of an operand that is exactly one variable (`$PKGS`, `${PKGS}`): the last
/// assignment before `c` in the same script (`PKGS="a b"; …`, `export PKGS=…`), else the
/// stage's ENV/ARG.
fn resolve_var(
    cx: &RuleContext,
    instruction: usize,
    script: &crate::shell::RunScript,
    c: &SimpleCommand,
    text: &str,
) -> Option<String> {
    let name = text
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .or_else(|| text.strip_prefix('$'))?;
    if name.is_empty()
        || !name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
    {
        return None;
    }
    let local = script
        .script
        .commands
        .iter()
        .filter(|a| a.range.end <= c.range.start && (a.argv.is_empty() || a.name() == "export"))
        .flat_map(|a| a.assignments.iter())
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v);
    match local {
        Some(v) if v.dynamic => None,
        Some(v) => Some(v.text.clone()),
        None => cx.model.var_at(instruction, name).map(|v| v.value.clone()),
    }
}

/// Is operand `t` of a `pm` install a pinned package (or not a registry package at all:
/// a local file, a URL, a path)?
fn pinned(pm: &str, t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    let file = [
        ".deb", ".rpm", ".apk", ".whl", ".tar.gz", ".tgz", ".tar", ".zip", ".gem", ".tar.bz2",
    ]
    .iter()
    .any(|e| lower.ends_with(e));
    if file || t.starts_with('.') || t.starts_with('~') || t.is_empty() {
        return true;
    }
    if let Some(vcs) = vcs_pinned(&lower) {
        return vcs;
    }
    if t.contains("://") {
        return true;
    }
    match pm {
        // `pkg=1.2`, `pkg=1.2.*`; `pkg/bookworm-backports` picks a release, a path is a file.
        "apt-get" | "apt" => t.contains('=') || t.contains('/'),
        // apk's dependency syntax: `=`, `~` (fuzzy), `=~`, `>`, `<`, `>=`, `<=`.
        "apk" => t.contains(['=', '~', '<', '>']),
        // PEP 508/440 specifiers (any of them constrains the version, as Hadolint counts it),
        // direct references (`pkg @ url`), VCS URLs and paths.
        "pip" => {
            ["==", ">=", "<=", ">", "<", "!=", "~=", "==="]
                .iter()
                .any(|s| t.contains(s))
                || t.contains('@')
                || t.contains('/')
        }
        // `pkg@1.2.3`, `@scope/pkg@1.2.3`, git URLs with `#ref`, paths.
        // `user/repo` is GitHub shorthand (pinned only with `#ref`); absolute paths are
        // folders.
        "npm" | "yarn" | "pnpm" => {
            let name = t.strip_prefix('@').unwrap_or(t);
            name.contains('@') || t.starts_with('/') || t.contains('#')
        }
        "gem" => t.contains(':'),
        // NEVRA (`pkg-1.2-3.el9`), module streams (`nodejs:18`), capabilities (`pkg >= 1`).
        "yum" | "dnf" => t.contains(['=', '<', '>', ':']) || rpm_versioned(t) || t.contains('/'),
        "zypper" => t.contains(['=', '<', '>']) || rpm_versioned(t) || t.contains('/'),
        "pacman" => t.contains(['=', '<', '>']) || t.contains('/'),
        // `go install mod/cmd@v1.2.3`; a remote path (domain first) without a version, or
        // with a moving query (`@latest`, a branch), fetches whatever is newest.
        "go" => match t.split_once('@') {
            Some((_, v)) => !matches!(
                v,
                "latest" | "master" | "main" | "HEAD" | "upgrade" | "patch"
            ),
            None => !t.split('/').next().is_some_and(|first| first.contains('.')),
        },
        _ => true,
    }
}

/// A VCS source (`git+https://host/repo.git@v1.2#egg=x` for pip, `git+ssh://…#v1.2` or
/// `github:user/repo#v1.2` for npm): pinned when it names a ref. `None` when not a VCS URL.
fn vcs_pinned(t: &str) -> Option<bool> {
    let vcs = [
        "git+",
        "hg+",
        "svn+",
        "bzr+",
        "git://",
        "github:",
        "gitlab:",
        "bitbucket:",
    ]
    .iter()
    .any(|p| t.starts_with(p));
    if !vcs {
        return None;
    }
    // The ref follows the path: `…/repo.git@ref` (pip) or `…#ref` (npm; pip's `#egg=` and
    // `#subdirectory=` fragments are not refs).
    let rest = t.split_once("://").map(|x| x.1).unwrap_or(t);
    let (path, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    // Skip `user@` in the authority: only an `@` after the first `/` (or `:` in scp form).
    let after_host = path.find(['/', ':']).map(|i| &path[i..]).unwrap_or("");
    let at_ref = after_host.contains('@');
    let fragment_ref = !fragment.is_empty()
        && !fragment.starts_with("egg=")
        && !fragment.starts_with("subdirectory=");
    Some(at_ref || fragment_ref)
}

/// `name-version[-release]`: a hyphen-separated part after the name that starts with a digit
/// and every later part made of version characters (`python3-pip-20.2-1.el8`); `java-11-openjdk`
/// is a name.
fn rpm_versioned(t: &str) -> bool {
    let parts: Vec<&str> = t.split('-').collect();
    (1..parts.len()).any(|k| {
        parts[k].starts_with(|c: char| c.is_ascii_digit())
            && parts[k..].iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".~^_:+*".contains(c))
                    && p.chars().any(|c| c.is_ascii_digit())
            })
    })
}
