//! Records the git commit for `drydock --version`. Outside a git checkout (a source tarball,
//! a container build without `.git`), `DRYDOCK_COMMIT` may name it; otherwise "unknown".

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

fn main() {
    println!("cargo:rerun-if-env-changed=DRYDOCK_COMMIT");
    let commit = std::env::var("DRYDOCK_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]));
    // Rebuild when HEAD moves (a worktree's HEAD lives in its own git dir).
    if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        println!("cargo:rerun-if-changed={dir}/HEAD");
        // Branch refs live in the common dir (the main checkout's .git for a worktree).
        let common = git(&["rev-parse", "--path-format=absolute", "--git-common-dir"])
            .unwrap_or_else(|| dir.clone());
        if let Some(r) = git(&["symbolic-ref", "-q", "HEAD"]) {
            if std::path::Path::new(&common).join(&r).exists() {
                println!("cargo:rerun-if-changed={common}/{r}");
            }
        }
        if std::path::Path::new(&common).join("packed-refs").exists() {
            println!("cargo:rerun-if-changed={common}/packed-refs");
        }
    }
    // No "-dirty" mark: the script reruns only when HEAD moves, so it could not stay true.
    let commit = commit.unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=DRYDOCK_COMMIT={commit}");
}
