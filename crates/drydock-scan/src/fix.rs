//! `drydock fix` as a library: which files, the registry behind digest pins, and writing
//! a fixed file in place (temporary file + rename in the same directory, permissions kept).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use drydock_core::Policy;
use drydock_dockerfile::{DigestResolver, DockerfileOptions, FixResult, Pinning};

use crate::ImageAccess;

/// What `drydock fix` depends on besides its paths.
#[derive(Clone, Debug, Default)]
pub struct FixOptions {
    /// Which rules' fixes apply (select/ignore as for a scan).
    pub policy: Policy,
    /// `--build-arg` values (to resolve `FROM ${BASE}` and ARG scopes as the scan does).
    pub build_args: BTreeMap<String, String>,
    /// Never ask a registry: digest pins become TODO comments.
    pub offline: bool,
    /// Registry credentials, TLS and `--platform` for digest pins.
    pub image_access: ImageAccess,
}

/// The files `drydock fix PATH…` works on: a directory stands for the Dockerfiles below it.
pub fn plan(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            out.extend(crate::discover::find_dockerfiles(p));
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// Digest (or why not) per image and platform.
type PinCache = HashMap<(String, Option<String>), Result<String, String>>;

/// Resolves digests through the registry client, once per image and platform.
pub struct RegistryResolver {
    options: drydock_image::registry::RegistryOptions,
    /// `--platform` (when not `all`): the platform an index must offer when the FROM has none.
    platform: Option<String>,
    cache: Mutex<PinCache>,
}

impl RegistryResolver {
    pub fn new(access: &ImageAccess) -> Result<RegistryResolver> {
        let open = access.open_options()?;
        Ok(RegistryResolver {
            options: drydock_image::registry::RegistryOptions::from_open_options(&open),
            platform: access
                .platform
                .clone()
                .filter(|p| !p.eq_ignore_ascii_case("all")),
            cache: Mutex::new(HashMap::new()),
        })
    }
}

impl DigestResolver for RegistryResolver {
    fn resolve(&self, image: &str, platform: Option<&str>) -> Result<String, String> {
        let platform = platform
            .map(str::to_string)
            .or_else(|| self.platform.clone());
        let key = (image.to_string(), platform.clone());
        if let Some(hit) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return hit;
        }
        let got = drydock_image::registry::pin_digest(image, &self.options, platform.as_deref())
            .map_err(|e| e.to_string());
        if let Ok(mut c) = self.cache.lock() {
            c.insert(key, got.clone());
        }
        got
    }
}

/// Fix one Dockerfile's text (nothing is written).
pub fn fix_file(
    path: &Path,
    bytes: &[u8],
    opts: &FixOptions,
    resolver: Option<&RegistryResolver>,
) -> FixResult {
    let options = DockerfileOptions {
        build_args: opts.build_args.clone(),
        // The fixers do not read the build context; the scan stays fast.
        use_build_context: false,
        ..DockerfileOptions::default()
    };
    let pinning = match resolver {
        Some(r) if !opts.offline => Pinning::Resolve(r),
        _ => Pinning::Offline,
    };
    drydock_dockerfile::fix_dockerfile(path, bytes, &options, &opts.policy, pinning)
}

/// Replace `path`'s content atomically: write a temporary file beside it, give it the
/// original's permissions, then rename it over the original. Symlinks are followed (the
/// file they point to is replaced), as editors do.
pub fn write_atomically(path: &Path, content: &[u8]) -> Result<()> {
    let name = path.display().to_string();
    let target = std::fs::canonicalize(path).with_context(|| format!("{name}: cannot write"))?;
    let dir = target
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let perms = std::fs::metadata(&target)
        .with_context(|| format!("{name}: cannot write"))?
        .permissions();
    let mut tmp = tempfile::Builder::new()
        .prefix(".drydock-fix-")
        .tempfile_in(&dir)
        .with_context(|| {
            format!(
                "{name}: cannot create a temporary file in {}",
                dir.display()
            )
        })?;
    tmp.write_all(content)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("{name}: cannot write"))?;
    std::fs::set_permissions(tmp.path(), perms).with_context(|| format!("{name}: cannot write"))?;
    tmp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("{name}: cannot replace"))?;
    Ok(())
}
