//! DF024 `remote-script-piped-to-shell`: A downloaded script is executed directly (curl | sh)

use super::prelude::*;

pub struct RemoteScriptPipedToShell;

pub const META: RuleMeta = RuleMeta {
    id: "DF024",
    name: "remote-script-piped-to-shell",
    target: Target::Dockerfile,
    category: Category::SupplyChain,
    severity: Severity::High,
    title: "A downloaded script is executed directly (curl | sh)",
    explanation: r##"## Why is this bad?
`curl … | sh` runs whatever the server sends, unverified, as the build user (often
root). A compromised server, CDN or DNS entry — or a truncated download — executes
arbitrary code in your build, and the script can change between two builds.

## How to fix
Download to a file, verify it (a pinned `sha256sum`, or a signature), then run it — or
install the tool from a package manager or a pinned release artifact with `ADD --checksum`.

## Example
```dockerfile
# Before
RUN curl -fsSL https://get.example.com/install.sh | sh

# After
ADD --checksum=sha256:<hash> https://get.example.com/install-1.4.2.sh /tmp/install.sh
RUN sh /tmp/install.sh && rm /tmp/install.sh
```

## References
- https://docs.docker.com/reference/dockerfile/#add---checksum
- https://www.idontplaydarts.com/2016/04/detecting-curl-pipe-bash-server-side/
"##,
    references: &[
        "https://docs.docker.com/reference/dockerfile/#add---checksum",
        "https://www.idontplaydarts.com/2016/04/detecting-curl-pipe-bash-server-side/",
    ],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for RemoteScriptPipedToShell {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (_, script, c) in cx.commands() {
            if !is_downloader(c.name()) {
                continue;
            }
            // curl … | [sudo] sh
            let mut next = c.piped_to;
            let mut hops = 0;
            while let Some(j) = next {
                let Some(t) = script.script.commands.get(j) else {
                    break;
                };
                if executes_stdin(t) {
                    out.push(
                        cx.finding(
                            &META,
                            script.span(&(c.range.start..t.range.end)),
                            format!(
                                "output of `{}` is piped into `{}` and executed unverified",
                                c.name(),
                                t.name()
                            ),
                        )
                        .with_fix(
                            "Download to a file, verify its sha256 (or signature), then execute it",
                        ),
                    );
                    break;
                }
                hops += 1;
                if hops > 8 {
                    break;
                }
                next = t.piped_to;
            }
        }
        // sh -c "$(curl …)", bash <(wget -O- …); a nested `bash -c "sh <(curl …)"` is
        // reported once, at the outermost command.
        let mut reported: Vec<(*const crate::shell::RunScript, std::ops::Range<usize>)> =
            Vec::new();
        for (_, script, c) in cx.commands() {
            if !is_interpreter(c.name()) {
                continue;
            }
            let key = script as *const crate::shell::RunScript;
            if reported
                .iter()
                .any(|(s, r)| *s == key && r.start <= c.range.start && c.range.end <= r.end)
            {
                continue;
            }
            for w in c.args() {
                let raw = w.raw.as_str();
                let hit = ["$(curl", "$(wget", "`curl", "`wget", "<(curl", "<(wget"]
                    .iter()
                    .any(|p| raw.contains(p));
                if hit {
                    out.push(
                        cx.finding(
                            &META,
                            script.span(&c.range),
                            format!(
                                "`{}` executes a script downloaded in the same command, unverified",
                                c.name()
                            ),
                        )
                        .with_fix(
                            "Download to a file, verify its sha256 (or signature), then execute it",
                        ),
                    );
                    reported.push((key, c.range.clone()));
                    break;
                }
            }
        }
    }
}

fn is_downloader(n: &str) -> bool {
    matches!(n, "curl" | "wget" | "fetch" | "http" | "xh" | "aria2c")
}

fn is_interpreter(n: &str) -> bool {
    crate::shell::is_posix_shell(n)
        || n.starts_with("python")
        || matches!(n, "perl" | "ruby" | "node" | "php" | "pwsh" | "fish")
}

/// Whether the interpreter runs the script it reads on stdin: no script argument, `-`, or
/// `-s`; `sh -c '…'`, `python -c`, `node -e`, `python -m mod` read code elsewhere.
fn executes_stdin(c: &SimpleCommand) -> bool {
    if !is_interpreter(c.name()) {
        return false;
    }
    let mut args = c.args().iter().map(|w| w.text.as_str());
    while let Some(a) = args.next() {
        match a {
            "-" | "-s" => return true,
            "--" => return args.next().is_none_or(|x| x == "-"),
            "-o" | "+o" | "-O" | "+O" => {
                args.next();
            }
            _ if a.starts_with('-') => {
                if a.contains('c') && !a.starts_with("--")
                    || a == "-e"
                    || a == "-m"
                    || a == "--eval"
                {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}
