//! DF067 `code-owned-by-runtime-user`: COPY/ADD --chown gives the runtime user write access to its code

use super::prelude::*;

pub struct CodeOwnedByRuntimeUser;

pub const META: RuleMeta = RuleMeta {
    id: "DF067",
    name: "code-owned-by-runtime-user",
    target: Target::Dockerfile,
    category: Category::Permissions,
    severity: Severity::Low,
    title: "COPY/ADD --chown gives the runtime user write access to its own code",
    explanation: r##"## Why is this bad?
`COPY --chown=app:app . /app` followed by `USER app` makes the process's own user the owner
of its code. The owner of a file can always write it (and `chmod` it back if it was made
read-only), so a compromised process — remote code execution, a path traversal that
writes files — can rewrite the application, plant a backdoor that survives restarts of the
process in the same container, or alter its configuration. With root-owned, read-only
code the attacker has to escalate privileges first. The same holds for `--chmod` that
makes code group-writable for the runtime user's group.

Not reported: destinations that are data, not code — cache, log, tmp, upload, storage,
state and `/var` directories, and directories declared as `VOLUME` — and stages that keep
running as root (DF013/DF014 report those). Only the final image's stages count, and only
when the `--chown` user is the final `USER` (same name, or same numeric id).

KICS reports every `--chown` ("Chown Flag Exists"); drydock reports the ones that give the
runtime user its own code, which is where the risk is.

## How to fix
Copy the code owned by root (the default) and readable by everyone, and give the runtime
user ownership only of the directories it must write.

## Example
```dockerfile
# Before
COPY --chown=app:app . /app
USER app

# After
COPY . /app
RUN install -d -o app -g app /app/data
USER app
```

## References
- https://docs.docker.com/reference/dockerfile/#copy---chown---chmod
- https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html
"##,
    references: &[
        "https://docs.docker.com/reference/dockerfile/#copy---chown---chmod",
        "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
    ],
    equivalents: &["kics:chown-flag-exists"],
    default_enabled: true,
};

impl Rule for CodeOwnedByRuntimeUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        if cx.final_is_artifact_export() {
            return;
        }
        let instrs = cx.final_image_instructions();
        // The runtime user: the last USER of the final image.
        let Some(user) = instrs
            .iter()
            .rev()
            .filter(|&&i| cx.df.instructions[i].keyword() == "USER")
            .find_map(|&i| {
                let v = cx.df.instructions[i].value.first()?;
                Some(cx.model.expand(cx.df, i, v))
            })
        else {
            return;
        };
        let (run_user, run_group) = split_owner(&user);
        if is_root(run_user) || run_user.contains('$') {
            return;
        }
        let volumes: Vec<String> = instrs
            .iter()
            .filter(|&&i| cx.df.instructions[i].keyword() == "VOLUME")
            .flat_map(|&i| cx.df.instructions[i].value.iter().map(|v| unq(v)))
            .collect();
        // Relative destinations are resolved against the WORKDIR in effect.
        let mut workdir = String::from("/");
        for &i in &instrs {
            let ins = &cx.df.instructions[i];
            if ins.cmd == "FROM" {
                workdir = String::from("/");
            }
            if ins.cmd == "WORKDIR" {
                if let Some(w) = ins.value.first() {
                    let w = cx.model.expand(cx.df, i, &unq(w));
                    workdir = join(&workdir, &w);
                }
                continue;
            }
            if !matches!(ins.keyword(), "COPY" | "ADD") {
                continue;
            }
            let Some(dest) = copy_args(ins).1 else {
                continue;
            };
            let dest = join(&workdir, &cx.model.expand(cx.df, i, &dest));
            if is_data_dir(&dest) || volumes.iter().any(|v| under(&dest, v)) {
                continue;
            }
            let chown = ins.flag("chown").map(|c| cx.model.expand(cx.df, i, c));
            let (owner, group) = chown.as_deref().map(split_owner).unwrap_or(("", None));
            let owned = !owner.is_empty() && owner == run_user;
            let group_writable = ins.flag("chmod").is_some_and(group_write_bit)
                && group.is_some_and(|g| {
                    !is_root(g) && (Some(g) == run_group || run_group.is_none() && g == run_user)
                });
            if !owned && !group_writable {
                continue;
            }
            let what = if owned {
                format!("`--chown={}`", chown.as_deref().unwrap_or(""))
            } else {
                format!("`--chmod={}`", ins.flag("chmod").unwrap_or(""))
            };
            let needle = if owned { "--chown" } else { "--chmod" };
            out.push(
                cx.finding(&META, cx.find_span(i, needle), format!("{} {what} lets the runtime user `{run_user}` rewrite `{dest}`: a compromised process can change its own code", ins.keyword()))
                    .with_fix("Copy code owned by root (drop --chown) and give the runtime user only the directories it writes"),
            );
        }
    }
}

/// `user:group` → (user, group).
fn split_owner(s: &str) -> (&str, Option<&str>) {
    match s.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (s, None),
    }
}

fn is_root(u: &str) -> bool {
    matches!(u, "root" | "0" | "")
}

/// `--chmod` octal mode with the group write bit (`775`, `0664`, `g+w`).
fn group_write_bit(mode: &str) -> bool {
    let m = mode.trim_start_matches('0');
    if !m.is_empty() && m.chars().all(|c| ('0'..='7').contains(&c)) {
        let digits: Vec<u32> = m.chars().filter_map(|c| c.to_digit(8)).collect();
        let group = if digits.len() >= 2 {
            digits[digits.len() - 2]
        } else {
            0
        };
        return group & 2 != 0;
    }
    mode.split(',').any(|clause| {
        let (who, perms) = clause.split_once(['+', '=']).unwrap_or((clause, ""));
        (who.contains('g') || who.contains('a') || who.is_empty()) && perms.contains('w')
    })
}

/// Directories that hold data the process is meant to write.
fn is_data_dir(dest: &str) -> bool {
    let lower = dest.to_ascii_lowercase();
    let comps: Vec<&str> = lower.split('/').filter(|c| !c.is_empty()).collect();
    if comps.first() == Some(&"var") || comps.first() == Some(&"tmp") {
        return true;
    }
    comps.iter().any(|c| {
        matches!(
            c.trim_start_matches('.'),
            "data"
                | "cache"
                | "log"
                | "logs"
                | "tmp"
                | "temp"
                | "upload"
                | "uploads"
                | "storage"
                | "media"
                | "state"
                | "sessions"
                | "spool"
                | "run"
                | "db"
                | "database"
                | "backups"
                | "volumes"
        )
    })
}

/// `path` is `dir` or inside it.
fn under(path: &str, dir: &str) -> bool {
    let d = dir.trim_end_matches('/');
    let p = path.trim_end_matches('/');
    !d.is_empty() && (p == d || p.starts_with(&format!("{d}/")))
}

/// `dir` joined with `path` (absolute paths replace it; `.` is the directory itself).
fn join(dir: &str, path: &str) -> String {
    if path.starts_with('/') || path.contains('$') {
        return path.to_string();
    }
    let rel = path.trim_start_matches("./");
    if rel.is_empty() || rel == "." {
        return dir.to_string();
    }
    format!("{}/{rel}", dir.trim_end_matches('/'))
}
