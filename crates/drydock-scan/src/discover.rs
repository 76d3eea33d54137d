//! What a `scan` argument is: a Dockerfile, a directory to search, a compose file or
//! manifest, or an image (transport-prefixed, an archive/layout on disk, or a registry
//! reference). A path that exists always wins over an image reference of the same spelling.

use anyhow::{bail, Result};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

pub const IMAGE_TRANSPORTS: [&str; 8] = [
    "docker-archive:",
    "oci:",
    "oci-archive:",
    "dir:",
    "docker-daemon:",
    "podman:",
    "containers-storage:",
    "docker://",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetKind {
    Dockerfile(PathBuf),
    Directory(PathBuf),
    Image(String),
    /// A Compose file, Kubernetes manifest or `docker inspect` JSON.
    Runtime(PathBuf),
    /// Live containers of a Docker or Podman daemon (`docker-daemon:containers`).
    LiveContainers(drydock_image::daemon::DaemonKind),
}

pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") || lower.ends_with(".md") || lower.ends_with(".orig") {
        return false;
    }
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
}

fn is_image_archive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".tar", ".tar.gz", ".tgz", ".tar.zst", ".oci"]
        .iter()
        .any(|e| lower.ends_with(e))
}

pub fn classify(arg: &str) -> Result<TargetKind> {
    use drydock_image::daemon::DaemonKind;
    match arg {
        "docker-daemon:containers" => return Ok(TargetKind::LiveContainers(DaemonKind::Docker)),
        "podman:containers" => return Ok(TargetKind::LiveContainers(DaemonKind::Podman)),
        _ => {}
    }
    if IMAGE_TRANSPORTS.iter().any(|t| arg.starts_with(t)) {
        return Ok(TargetKind::Image(arg.to_string()));
    }
    let path = Path::new(arg);
    if arg == "-" {
        return Ok(TargetKind::Dockerfile(path.to_path_buf()));
    }
    if path.is_dir() {
        if path.join("oci-layout").is_file() && path.join("index.json").is_file() {
            return Ok(TargetKind::Image(format!("oci:{arg}")));
        }
        if drydock_image::dirtransport::is_dir_image(path) {
            return Ok(TargetKind::Image(format!("dir:{arg}")));
        }
        return Ok(TargetKind::Directory(path.to_path_buf()));
    }
    if path.is_file() {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if is_image_archive_name(name) {
            return Ok(TargetKind::Image(arg.to_string()));
        }
        if !is_dockerfile_name(name) {
            // By content: JSON/YAML of another kind gets one line, not Dockerfile errors.
            use drydock_runtime::ContentKind;
            match drydock_runtime::classify_content(path, &read_head(path)) {
                ContentKind::Runtime(_) => return Ok(TargetKind::Runtime(path.to_path_buf())),
                ContentKind::Unsupported(why) => bail!("{arg}: {why}"),
                ContentKind::Dockerfile => {}
            }
        }
        return Ok(TargetKind::Dockerfile(path.to_path_buf()));
    }
    if path.exists() {
        bail!("{arg}: not a regular file or directory");
    }
    // `word:/…` or `word:.…` is a transport prefix (an image reference never has a tag or
    // port starting with `/` or `.`): say so rather than asking a registry named `word`.
    if let Some((prefix, rest)) = arg.split_once(':') {
        if !prefix.is_empty()
            && prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && (rest.starts_with('/') || rest.starts_with('.') || rest.is_empty())
        {
            let known: Vec<&str> = IMAGE_TRANSPORTS
                .iter()
                .map(|t| t.trim_end_matches("//"))
                .collect();
            bail!(
                "{arg}: unknown transport `{prefix}:` (known: {})",
                known.join(" ")
            );
        }
    }
    match drydock_core::imageref::ImageRef::parse(arg) {
        Ok(_) if !arg.contains(std::path::MAIN_SEPARATOR) || arg.contains(':') => {
            Ok(TargetKind::Image(arg.to_string()))
        }
        _ => bail!("{arg}: no such file or directory, and not an image reference"),
    }
}

fn read_head(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut buf = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        // The whole file (runtime files are bounded): classification parses it.
        let _ = f
            .take(drydock_runtime::MAX_FILE_BYTES as u64)
            .read_to_end(&mut buf);
    }
    buf
}

/// Directories never worth descending into for Dockerfiles.
fn skip_dir(name: &str) -> bool {
    matches!(
        name,
        ".git" | ".hg" | ".svn" | "node_modules" | "target" | ".venv" | "__pycache__" | ".tox"
    )
}

/// Every Dockerfile/Containerfile below `dir`, sorted for stable output.
pub fn find_dockerfiles(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = WalkDir::new(dir)
        .follow_links(false)
        .max_depth(32)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_dir() && skip_dir(&e.file_name().to_string_lossy()))
        })
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && is_dockerfile_name(&e.file_name().to_string_lossy()))
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for n in [
            "Dockerfile",
            "Containerfile",
            "Dockerfile.prod",
            "api.Dockerfile",
            "x.dockerfile",
        ] {
            assert!(is_dockerfile_name(n), "{n}");
        }
        for n in [
            "Dockerfile.dockerignore",
            "README.md",
            "dockerfile.md",
            "docker-compose.yml",
        ] {
            assert!(!is_dockerfile_name(n), "{n}");
        }
    }

    #[test]
    fn unknown_transports_are_named_not_looked_up() {
        let e = classify("foo:/nonexistent/x").unwrap_err().to_string();
        assert!(e.contains("unknown transport `foo:`"), "{e}");
        assert!(classify("vfs:./x").is_err());
        for image in [
            "localhost:5000/app:1",
            "alpine:3.20",
            "dir:/nonexistent",
            "containers-storage:app",
        ] {
            assert!(
                matches!(classify(image), Ok(TargetKind::Image(_))),
                "{image}"
            );
        }
    }

    #[test]
    fn classify_targets() {
        assert_eq!(
            classify("oci:./layout:1.0").unwrap(),
            TargetKind::Image("oci:./layout:1.0".into())
        );
        assert_eq!(
            classify("python:3.12").unwrap(),
            TargetKind::Image("python:3.12".into())
        );
        assert!(classify("./no/such/Dockerfile").is_err());
        let dir = std::env::temp_dir().join(format!("drydock-discover-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("svc")).unwrap();
        std::fs::create_dir_all(dir.join("node_modules/x")).unwrap();
        std::fs::write(dir.join("svc/Dockerfile"), "FROM scratch\n").unwrap();
        std::fs::write(dir.join("node_modules/x/Dockerfile"), "FROM scratch\n").unwrap();
        std::fs::write(dir.join("app.tar"), "").unwrap();
        assert_eq!(
            classify(dir.to_str().unwrap()).unwrap(),
            TargetKind::Directory(dir.clone())
        );
        assert_eq!(find_dockerfiles(&dir), vec![dir.join("svc/Dockerfile")]);
        let tar = dir.join("app.tar");
        assert!(matches!(
            classify(tar.to_str().unwrap()).unwrap(),
            TargetKind::Image(_)
        ));
        std::fs::remove_dir_all(&dir).ok();
    }
}
