//! Package-manager command lines as the tools themselves read them: which manager, which
//! subcommand (aliases folded: `dnf in` = `install`, `gem i` = `install`), which words are
//! options (with the value word an option consumes: `pip --trusted-host HOST`, `npm
//! --loglevel verbose`) and which are operands (packages, files, URLs).
//!
//! Hand-written because no crate models these CLIs; the option tables come from each tool's
//! documented synopsis (apt-get(8), apk(8), dnf(8)/yum(8), zypper(8), pacman(8), `pip
//! install --help`, npm's config reference, `gem help install`). An unknown `--long` option
//! is taken to be a flag without a value, the common case for all of them.

use crate::shell::{SimpleCommand, Word};

/// One package-manager invocation.
#[derive(Debug)]
pub(crate) struct PkgCmd<'a> {
    /// `apt-get`, `apt`, `apk`, `yum`, `dnf` (also microdnf/tdnf/dnf5), `zypper`, `pacman`,
    /// `pip`, `npm`, `yarn`, `pnpm`, `gem`, `go`.
    pub pm: &'static str,
    /// The command as a user would name it in a message: `apt-get`, `microdnf`,
    /// `python3 -m pip`.
    pub tool: String,
    /// The subcommand with aliases folded to one name (`install`, `upgrade`, `makecache`, …);
    /// for pacman the operation (`sync`, `remove`, `upgrade`, `query`, `database`, `files`).
    pub sub: String,
    /// The word naming the subcommand (pacman: the operation flag).
    pub sub_word: Option<&'a Word>,
    /// Every option word with the separate value word it consumes, if any.
    pub options: Vec<(&'a Word, Option<&'a Word>)>,
    /// Operands after the subcommand: packages, files, URLs (option values excluded).
    pub operands: Vec<&'a Word>,
}

impl<'a> PkgCmd<'a> {
    /// An option is present: `--name`, `--name=…`, `-n`, or `-n` inside a short group
    /// (`-yq`). `names` lists spellings with their dashes.
    pub fn has(&self, names: &[&str]) -> bool {
        self.options
            .iter()
            .any(|(w, _)| matches_opt(&w.text, names))
    }

    /// How many times a short letter or long option occurs (`-q -q`, `-qq`, `--quiet`).
    pub fn count(&self, short: char, long: &str) -> usize {
        self.options
            .iter()
            .map(|(w, _)| {
                let t = w.text.as_str();
                if t == long {
                    1
                } else if t.starts_with('-') && !t.starts_with("--") {
                    let group = t[1..].split('=').next().unwrap_or("");
                    group.chars().filter(|&c| c == short).count()
                } else {
                    0
                }
            })
            .sum()
    }

    /// Install-like subcommands that add packages to the image.
    pub fn installs(&self) -> bool {
        match self.pm {
            "pacman" => self.sub == "sync" && !self.operands.is_empty(),
            "apk" | "yarn" => self.sub == "add" || self.sub == "global-add",
            "pnpm" => matches!(self.sub.as_str(), "add" | "install"),
            "go" => matches!(self.sub.as_str(), "install" | "get"),
            _ => matches!(
                self.sub.as_str(),
                "install" | "groupinstall" | "module-install"
            ),
        }
    }
}

/// True when option word `t` is one of `names` (see [`PkgCmd::has`]).
fn matches_opt(t: &str, names: &[&str]) -> bool {
    names.iter().any(|n| {
        if t == *n {
            return true;
        }
        if n.starts_with("--") {
            return t.strip_prefix(n).is_some_and(|r| r.starts_with('='));
        }
        // Short option inside a group: `-yq` has `-y`; stop at a value-taking letter's `=`.
        let Some(c) = n.strip_prefix('-').filter(|c| c.len() == 1) else {
            return false;
        };
        t.starts_with('-')
            && !t.starts_with("--")
            && t.len() > 2
            && t[1..]
                .split('=')
                .next()
                .is_some_and(|g| g.chars().all(|x| x.is_ascii_alphanumeric()) && g.contains(c))
    })
}

/// Options that take the next word as their value, per manager. Short options listed
/// here take a value; `-Xvalue` (attached) is also understood.
fn value_options(pm: &str) -> &'static [&'static str] {
    match pm {
        "apt-get" | "apt" => &[
            "-o",
            "--option",
            "-c",
            "--config-file",
            "-t",
            "--target-release",
            "--default-release",
            "-a",
            "--host-architecture",
            "-P",
            "--build-profiles",
            "--solver",
        ],
        "apk" => &[
            "-X",
            "--repository",
            "-p",
            "--root",
            "--keys-dir",
            "--repositories-file",
            "--arch",
            "--cache-dir",
            "--cache-max-age",
            "--progress-fd",
            "--timeout",
            "--wait",
            "-t",
            "--virtual",
        ],
        "yum" | "dnf" => &[
            "-c",
            "--config",
            "--installroot",
            "--releasever",
            "--setopt",
            "--setvar",
            "--enablerepo",
            "--disablerepo",
            "--repo",
            "--repoid",
            "-x",
            "--exclude",
            "-d",
            "--debuglevel",
            "-e",
            "--errorlevel",
            "--rpmverbosity",
            "--downloaddir",
            "--destdir",
            "--forcearch",
            "--color",
            "--disableplugin",
            "--enableplugin",
            "--repofrompath",
            "--comment",
            "--advisory",
            "--advisories",
            "--bz",
            "--cve",
            "--sec-severity",
            "--secseverity",
            "--exclude-from",
        ],
        "zypper" => &[
            "-c",
            "--config",
            "-R",
            "--root",
            "-D",
            "--reposd-dir",
            "-C",
            "--cache-dir",
            "--raw-cache-dir",
            "--solv-cache-dir",
            "--pkg-cache-dir",
            "--userdata",
            "--installroot",
            "-t",
            "--type",
            "-r",
            "--repo",
            "--from",
            "-p",
            "--plus-repo",
            "--plus-content",
            "--download",
        ],
        "pacman" => &[
            "-r",
            "--root",
            "-b",
            "--dbpath",
            "--cachedir",
            "--config",
            "--gpgdir",
            "--hookdir",
            "--logfile",
            "--arch",
            "--ignore",
            "--ignoregroup",
            "--assume-installed",
            "--overwrite",
            "--print-format",
            "--sysroot",
        ],
        "pip" => &[
            "-i",
            "--index-url",
            "--extra-index-url",
            "--trusted-host",
            "--proxy",
            "--timeout",
            "--retries",
            "--cert",
            "--client-cert",
            "--cache-dir",
            "--log",
            "--log-file",
            "--python",
            "--exists-action",
            "--keyring-provider",
            "-C",
            "--config-settings",
            "--global-option",
            "--install-option",
            "--build-option",
            "--report",
            "--root-user-action",
            "--use-feature",
            "--use-deprecated",
            "--progress-bar",
            "--upgrade-strategy",
            "--python-version",
            "--platform",
            "--implementation",
            "--abi",
            "--no-binary",
            "--only-binary",
            "--src",
            "--root",
            "--prefix",
            "-t",
            "--target",
            "-c",
            "--constraint",
            "-r",
            "--requirement",
            "-e",
            "--editable",
            "-f",
            "--find-links",
            "-b",
            "--build",
            "--group",
        ],
        "npm" | "pnpm" => &[
            "--loglevel",
            "--registry",
            "--prefix",
            "-C",
            "--dir",
            "--cache",
            "--userconfig",
            "--globalconfig",
            "-w",
            "--workspace",
            "--filter",
            "--omit",
            "--include",
            "--tag",
            "--fetch-timeout",
            "--fetch-retries",
            "--install-strategy",
            "--before",
            "--scope",
            "--otp",
            "--auth-type",
            "--location",
            "--script-shell",
            "--cpu",
            "--os",
            "--libc",
            "--only",
            "--also",
            "--proxy",
            "--https-proxy",
            "--noproxy",
            "--cafile",
            "--ca",
            "--maxsockets",
            "--node-options",
            "--lockfile-version",
            "--access",
            "--store-dir",
            "--reporter",
        ],
        "yarn" => &[
            "--cache-folder",
            "--modules-folder",
            "--network-timeout",
            "--registry",
            "--mutex",
            "--cwd",
            "--global-folder",
            "--link-folder",
            "--use-yarnrc",
        ],
        "gem" => &[
            "-v",
            "--version",
            "-i",
            "--install-dir",
            "-n",
            "--bindir",
            "--build-root",
            "-s",
            "--source",
            "-P",
            "--trust-policy",
            "--platform",
            "-g",
            "--file",
            "--document",
            "--target-rbconfig",
            "-p",
            "--http-proxy",
            "--config-file",
        ],
        // go's flags are single-dash words (`-ldflags "-s -w"`).
        "go" => &[
            "-tags",
            "-ldflags",
            "-gcflags",
            "-asmflags",
            "-buildmode",
            "-compiler",
            "-gccgoflags",
            "-installsuffix",
            "-mod",
            "-modfile",
            "-overlay",
            "-p",
            "-pkgdir",
            "-toolexec",
            "-C",
            "-o",
            "-pgo",
            "-covermode",
            "-coverpkg",
        ],
        _ => &[],
    }
}

/// Does option word `t` consume the next word as its value? Short groups follow getopt:
/// the first value-taking letter takes the rest of the word, or the next word when it is last.
fn takes_value(pm: &str, t: &str) -> bool {
    if t.contains('=') {
        return false;
    }
    let table = value_options(pm);
    if t.starts_with("--") || pm == "go" {
        return table.contains(&t);
    }
    let letters: Vec<char> = t[1..].chars().collect();
    for (k, c) in letters.iter().enumerate() {
        let takes = table
            .iter()
            .any(|o| o.len() == 2 && o.ends_with(*c) && o.starts_with('-'));
        if takes {
            return k + 1 == letters.len();
        }
    }
    false
}

/// The manager a command name is, and for `python -m pip` where pip's own argv starts.
fn manager(c: &SimpleCommand) -> Option<(&'static str, String, &[Word])> {
    let args = c.args();
    let pm = match c.name() {
        "apt-get" => "apt-get",
        "apt" => "apt",
        "apk" => "apk",
        "yum" => "yum",
        "dnf" | "dnf5" | "dnf-3" | "microdnf" | "tdnf" => "dnf",
        "zypper" => "zypper",
        "pacman" => "pacman",
        "npm" => "npm",
        "pnpm" => "pnpm",
        "yarn" => "yarn",
        "gem" => "gem",
        "go" => "go",
        n if is_pip(n) => "pip",
        n if n.starts_with("python") || n == "py" => {
            // `python -m pip …`, `python3 -u -m pip …`; `-mpip` is also accepted by Python.
            let m = args
                .iter()
                .position(|w| w.text == "-m" || w.text.starts_with("-mpip"))?;
            let (module, rest) = if args[m].text == "-m" {
                (args.get(m + 1)?.text.as_str(), &args[m + 2..])
            } else {
                (&args[m].text[2..], &args[m + 1..])
            };
            let tool = format!("{} -m {module}", c.name());
            return is_pip(module).then_some(("pip", tool, rest));
        }
        _ => return None,
    };
    Some((pm, c.name().to_string(), args))
}

fn is_pip(n: &str) -> bool {
    n == "pip"
        || n.strip_prefix("pip")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Fold a subcommand alias to its canonical name.
fn canonical(pm: &str, sub: &str) -> String {
    let s = match (pm, sub) {
        ("yum" | "dnf", "in" | "localinstall" | "install-n" | "install-na" | "install-nevra") => {
            "install"
        }
        ("yum" | "dnf", "rei") => "reinstall",
        (
            "yum" | "dnf",
            "up" | "update" | "upgrade-minimal" | "update-minimal" | "up-min" | "upgrade-to"
            | "update-to",
        ) => "upgrade",
        ("yum" | "dnf", "mc") => "makecache",
        ("yum" | "dnf", "check-upgrade" | "check-updates") => "check-update",
        ("yum" | "dnf", "dsync" | "distrosync" | "distribution-synchronization") => "distro-sync",
        ("yum" | "dnf", "rm" | "erase") => "remove",
        ("zypper", "in") => "install",
        ("zypper", "rm") => "remove",
        ("zypper", "up") => "update",
        ("zypper", "dup") => "dist-upgrade",
        ("zypper", "ref") => "refresh",
        ("zypper", "cc") => "clean",
        ("zypper", "si") => "source-install",
        ("zypper", "ar") => "addrepo",
        (
            "npm",
            "i" | "in" | "ins" | "inst" | "insta" | "instal" | "isnt" | "isnta" | "isntal"
            | "isntall" | "add",
        ) => "install",
        ("npm", "ic" | "install-clean" | "isntall-clean" | "clean-install") => "ci",
        ("pnpm", "i") => "install",
        ("gem", "i") => "install",
        _ => sub,
    };
    s.to_string()
}

/// Parse a package-manager command; `None` when `c` is not one.
pub(crate) fn parse_pkg(c: &SimpleCommand) -> Option<PkgCmd<'_>> {
    let (pm, tool, args) = manager(c)?;
    let mut cmd = PkgCmd {
        pm,
        tool,
        sub: String::new(),
        sub_word: None,
        options: Vec::new(),
        operands: Vec::new(),
    };
    let mut i = 0;
    let mut end_of_options = false;
    while i < args.len() {
        let w = &args[i];
        let t = w.text.as_str();
        if !end_of_options && t == "--" {
            if pm == "gem" {
                // Everything after `--` goes to the gem's build (`-- --with-x-dir=/opt`).
                break;
            }
            end_of_options = true;
            i += 1;
            continue;
        }
        if !end_of_options && t.starts_with('-') && t.len() > 1 {
            if pm == "pacman" && cmd.sub_word.is_none() {
                if let Some(op) = pacman_operation(t) {
                    cmd.sub = op.to_string();
                    cmd.sub_word = Some(w);
                }
            }
            let value = if takes_value(pm, t) {
                i += 1;
                args.get(i)
            } else {
                None
            };
            cmd.options.push((w, value));
            i += 1;
            continue;
        }
        if cmd.sub_word.is_none() && pm != "pacman" {
            cmd.sub_word = Some(w);
            cmd.sub = canonical(pm, t);
            // Two-word subcommands.
            let next = args.get(i + 1).map(|w| w.text.as_str());
            match (pm, cmd.sub.as_str(), next) {
                ("yum" | "dnf", "group" | "groups", Some("install")) => {
                    cmd.sub = "groupinstall".into();
                    i += 1;
                }
                ("yum" | "dnf", "module", Some("install")) => {
                    cmd.sub = "module-install".into();
                    i += 1;
                }
                ("yarn", "global", Some("add")) => {
                    cmd.sub = "global-add".into();
                    i += 1;
                }
                _ => {}
            }
        } else if matches!(t, "true" | "false")
            && cmd.options.last().is_some_and(|(o, v)| {
                v.is_none()
                    && o.text.starts_with("--")
                    && !o.text.contains('=')
                    && std::ptr::eq(*o, &args[i - 1])
            })
        {
            // `--unknown-flag true`: the value of an option this table does not know.
            if let Some(last) = cmd.options.last_mut() {
                last.1 = Some(w);
            }
        } else {
            cmd.operands.push(w);
        }
        i += 1;
    }
    Some(cmd)
}

/// pacman's operation from its first option (`-Syu` → sync, `--remove` → remove).
fn pacman_operation(t: &str) -> Option<&'static str> {
    let long = match t {
        "--sync" => Some("sync"),
        "--remove" => Some("remove"),
        "--upgrade" => Some("upgrade"),
        "--query" => Some("query"),
        "--database" => Some("database"),
        "--files" => Some("files"),
        _ => None,
    };
    if long.is_some() || t.starts_with("--") {
        return long;
    }
    let group = &t[1..];
    if group.contains('S') {
        Some("sync")
    } else if group.contains('R') {
        Some("remove")
    } else if group.contains('U') {
        Some("upgrade")
    } else if group.contains('Q') {
        Some("query")
    } else if group.contains('D') {
        Some("database")
    } else if group.contains('F') {
        Some("files")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::commands;

    fn pkg(s: &str) -> (String, String, Vec<String>) {
        let cs = commands(s);
        let c = cs.iter().find(|c| parse_pkg(c).is_some()).expect(s);
        let p = parse_pkg(c).unwrap();
        (
            p.pm.to_string(),
            p.sub,
            p.operands.iter().map(|w| w.text.clone()).collect(),
        )
    }

    #[test]
    fn option_values_are_not_packages() {
        assert_eq!(
            pkg("pip install --trusted-host pypi.acme.dev flask==1").2,
            ["flask==1"]
        );
        assert_eq!(
            pkg("pip --index-url https://x/simple install a").1,
            "install"
        );
        assert_eq!(
            pkg("npm --loglevel verbose i x@1"),
            ("npm".into(), "install".into(), vec!["x@1".into()])
        );
        assert_eq!(pkg("gem install x -- --with-flag true").2, ["x"]);
        assert_eq!(
            pkg("apt-get -o Dpkg::Options::=--force-confold install -y curl").2,
            ["curl"]
        );
        assert_eq!(
            pkg("apk add --repository http://x/edge/main --virtual .deps a").2,
            ["a"]
        );
        assert_eq!(pkg("python3 -m pip install x").0, "pip");
        assert_eq!(pkg("python -m pip install x").2, ["x"]);
    }

    #[test]
    fn aliases_fold() {
        assert_eq!(pkg("dnf in -y a").1, "install");
        assert_eq!(pkg("dnf rei a").1, "reinstall");
        assert_eq!(pkg("dnf upgrade-minimal").1, "upgrade");
        assert_eq!(pkg("yum localinstall a.rpm").1, "install");
        assert_eq!(pkg("microdnf install a").0, "dnf");
        assert_eq!(pkg("gem i rails").1, "install");
        assert_eq!(pkg("zypper ref").1, "refresh");
        assert_eq!(pkg("pacman -Syu --noconfirm").1, "sync");
        assert_eq!(pkg("sudo -u root env A=1 apt-get install x").2, ["x"]);
    }

    #[test]
    fn counts_and_groups() {
        let cs = commands("apt-get -q -q install x");
        let p = parse_pkg(&cs[0]).unwrap();
        assert_eq!(p.count('q', "--quiet"), 2);
        let cs = commands("apt-get -yq install x");
        let p = parse_pkg(&cs[0]).unwrap();
        assert!(p.has(&["-y"]));
        assert!(!p.has(&["-f"]));
    }
}
