//! The build context as BuildKit sends it: every file under the context directory that
//! `.dockerignore` (or `<Dockerfile>.dockerignore`) does not exclude, and, for a COPY/ADD, the
//! subset its sources really select (Go `filepath.Match` wildcards per path segment,
//! directories recursively, `--exclude` patterns applied).
//!
//! The walk never follows a symlink out of the context, never loops, and stops gracefully
//! (marking the result truncated) on trees too large or too deep to be a sane build context.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::ast::Dockerfile;
use crate::dockerignore::{filepath_match, go_clean, DockerIgnore};
use crate::stages::StageModel;

/// Entries visited before the walk gives up (a context this big is a mistake to report,
/// not something to enumerate completely).
pub const MAX_ENTRIES: usize = 300_000;
/// Directory nesting limit.
pub const MAX_DEPTH: usize = 64;

/// One file of the build context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextFile {
    /// Slash-separated path relative to the context root.
    pub rel_path: String,
    /// Where it is on disk (for a symlink inside the context: the link itself).
    pub abs_path: PathBuf,
    pub size: u64,
}

#[derive(Clone, Debug)]
pub struct BuildContext {
    root: PathBuf,
    dockerignore: DockerIgnore,
    dockerignore_path: Option<PathBuf>,
    /// Included files, sorted by `rel_path`.
    files: Vec<ContextFile>,
    excluded_entries: usize,
    truncated: bool,
    warnings: Vec<String>,
}

impl BuildContext {
    /// Walk `context_dir` the way `docker build -f <dockerfile> <context_dir>` would.
    /// Uses `<dockerfile>.dockerignore` beside the Dockerfile when present, else
    /// `<context_dir>/.dockerignore`.
    pub fn load(context_dir: &Path, dockerfile: &Path) -> io::Result<BuildContext> {
        let meta = fs::metadata(context_dir).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("build context {}: {e}", context_dir.display()),
            )
        })?;
        if !meta.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("build context {} is not a directory", context_dir.display()),
            ));
        }
        let mut candidates = Vec::new();
        if let Some(name) = dockerfile.file_name() {
            let mut n = name.to_os_string();
            n.push(".dockerignore");
            candidates.push(dockerfile.with_file_name(n));
        }
        candidates.push(context_dir.join(".dockerignore"));
        let mut dockerignore = DockerIgnore::default();
        let mut dockerignore_path = None;
        for c in candidates {
            match fs::read(&c) {
                Ok(bytes) => {
                    dockerignore = DockerIgnore::parse(&String::from_utf8_lossy(&bytes));
                    dockerignore_path = Some(c);
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) if c.is_dir() => {
                    let _ = e; // a directory named like the ignore file is not one
                }
                Err(e) => {
                    return Err(io::Error::new(e.kind(), format!("{}: {e}", c.display())));
                }
            }
        }
        Self::walk(context_dir, dockerignore, dockerignore_path)
    }

    /// Walk `context_dir` with an already-parsed ignore file.
    pub fn with_dockerignore(
        context_dir: &Path,
        dockerignore: DockerIgnore,
    ) -> io::Result<BuildContext> {
        Self::walk(context_dir, dockerignore, None)
    }

    fn walk(
        context_dir: &Path,
        dockerignore: DockerIgnore,
        dockerignore_path: Option<PathBuf>,
    ) -> io::Result<BuildContext> {
        let root = context_dir.to_path_buf();
        let canon_root = fs::canonicalize(context_dir).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("build context {}: {e}", context_dir.display()),
            )
        })?;
        let mut ctx = BuildContext {
            root: root.clone(),
            dockerignore,
            dockerignore_path,
            files: Vec::new(),
            excluded_entries: 0,
            truncated: false,
            warnings: Vec::new(),
        };
        for e in ctx.dockerignore.errors() {
            ctx.warnings.push(format!(".dockerignore: {e}"));
        }
        let skip_excluded_dirs = !ctx.dockerignore.has_exclusions();
        // (absolute dir, relative dir, parent's per-pattern results, depth)
        let mut stack: Vec<(PathBuf, String, Option<Vec<bool>>, usize)> =
            vec![(root.clone(), String::new(), None, 0)];
        let mut visited = 0usize;
        while let Some((dir, rel_dir, info, depth)) = stack.pop() {
            let entries = match fs::read_dir(&dir) {
                Ok(rd) => rd,
                Err(e) => {
                    ctx.warnings
                        .push(format!("cannot read {}: {e}", dir.display()));
                    continue;
                }
            };
            let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                visited += 1;
                if visited > MAX_ENTRIES {
                    ctx.truncated = true;
                    ctx.warnings.push(format!(
                        "build context has more than {MAX_ENTRIES} entries; the rest was not examined"
                    ));
                    stack.clear();
                    break;
                }
                let name = entry.file_name().to_string_lossy().into_owned();
                let rel = if rel_dir.is_empty() {
                    name
                } else {
                    format!("{rel_dir}/{name}")
                };
                let (excluded, my_info) =
                    ctx.dockerignore.matches_using_parent(&rel, info.as_deref());
                let Ok(ft) = entry.file_type() else { continue };
                let path = entry.path();
                if ft.is_dir() {
                    if excluded && skip_excluded_dirs {
                        ctx.excluded_entries += 1;
                        continue;
                    }
                    if depth + 1 > MAX_DEPTH {
                        ctx.truncated = true;
                        ctx.warnings.push(format!(
                            "{rel}: nested deeper than {MAX_DEPTH} directories; not examined"
                        ));
                        continue;
                    }
                    stack.push((path, rel, Some(my_info), depth + 1));
                } else if ft.is_file() {
                    if excluded {
                        ctx.excluded_entries += 1;
                    } else {
                        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                        ctx.files.push(ContextFile {
                            rel_path: rel,
                            abs_path: path,
                            size,
                        });
                    }
                } else if ft.is_symlink() {
                    if excluded {
                        ctx.excluded_entries += 1;
                        continue;
                    }
                    // Only links to regular files that stay inside the context are kept: their
                    // content is what a COPY of the link sends. Links out of the context or to
                    // directories are sent as bare links (no content) by BuildKit.
                    match fs::canonicalize(&path) {
                        Ok(target) if target.starts_with(&canon_root) => {
                            if let Ok(m) = fs::metadata(&target) {
                                if m.is_file() {
                                    ctx.files.push(ContextFile {
                                        rel_path: rel,
                                        abs_path: path,
                                        size: m.len(),
                                    });
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        ctx.files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        Ok(ctx)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The ignore file used, if any.
    pub fn dockerignore_path(&self) -> Option<&Path> {
        self.dockerignore_path.as_deref()
    }

    pub fn dockerignore(&self) -> &DockerIgnore {
        &self.dockerignore
    }

    /// Every file sent to the builder, sorted by path.
    pub fn included_files(&self) -> &[ContextFile] {
        &self.files
    }

    /// Whether `rel_path` is a file of the (filtered) context.
    pub fn file(&self, rel_path: &str) -> Option<&ContextFile> {
        self.files
            .binary_search_by(|f| f.rel_path.as_str().cmp(rel_path))
            .ok()
            .map(|i| &self.files[i])
    }

    /// Entries the ignore file kept out: files, plus directories skipped whole (without `!`
    /// exceptions an excluded directory is not walked).
    pub fn excluded_count(&self) -> usize {
        self.excluded_entries
    }

    /// True when the walk stopped early (see [`MAX_ENTRIES`], [`MAX_DEPTH`]).
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Unreadable directories, invalid ignore patterns, truncation — one line each.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The files a `COPY`/`ADD` with these (already expanded) sources sends from the context,
    /// minus those matching its `--exclude` patterns. URLs and git sources are ignored (they
    /// are not the context); `..` cannot leave the context (BuildKit resolves sources against
    /// the context root, so `../x` is `x`); `.` is everything.
    pub fn resolve_sources(&self, sources: &[String], excludes: &[String]) -> Vec<ContextFile> {
        let exclude = DockerIgnore::from_patterns(excludes);
        let mut out: Vec<&ContextFile> = Vec::new();
        for src in sources {
            if is_remote(src) {
                continue;
            }
            let rel = go_clean(&format!("/{src}"));
            let rel = rel.trim_start_matches('/');
            if has_wildcards(rel) {
                let segs: Vec<&str> = rel.split('/').collect();
                for f in &self.files {
                    let fsegs: Vec<&str> = f.rel_path.split('/').collect();
                    if fsegs.len() < segs.len() {
                        continue;
                    }
                    let matched = segs
                        .iter()
                        .zip(&fsegs)
                        .all(|(p, n)| filepath_match(p, n) == Ok(true));
                    if matched {
                        let root_len = fsegs[..segs.len()].join("/").len();
                        if !excluded_by(&exclude, &f.rel_path, root_len) {
                            out.push(f);
                        }
                    }
                }
            } else if rel.is_empty() {
                out.extend(
                    self.files
                        .iter()
                        .filter(|f| !excluded_by(&exclude, &f.rel_path, 0)),
                );
            } else if let Some(f) = self.file(rel) {
                if !excluded_by(&exclude, &f.rel_path, f.rel_path.len()) {
                    out.push(f);
                }
            } else {
                let prefix = format!("{rel}/");
                let start = self
                    .files
                    .partition_point(|f| f.rel_path.as_str() < prefix.as_str());
                out.extend(
                    self.files[start..]
                        .iter()
                        .take_while(|f| f.rel_path.starts_with(&prefix))
                        .filter(|f| !excluded_by(&exclude, &f.rel_path, rel.len())),
                );
            }
        }
        out.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        out.dedup_by(|a, b| a.rel_path == b.rel_path);
        out.into_iter().cloned().collect()
    }
    /// What the `COPY`/`ADD` at `instruction` sends from this context: its expanded sources
    /// resolved with [`BuildContext::resolve_sources`]. Empty for other instructions, for
    /// `--from=` copies (another stage or image) and for ONBUILD triggers (they run in a later
    /// build with another context).
    pub fn files_for(
        &self,
        df: &Dockerfile,
        model: &StageModel,
        instruction: usize,
    ) -> Vec<ContextFile> {
        if model.copy_from(df, instruction).is_some() {
            return Vec::new();
        }
        let sources = model.copy_sources(df, instruction);
        if sources.is_empty() {
            return Vec::new();
        }
        self.resolve_sources(&sources, &model.copy_excludes(df, instruction))
    }
}

/// `--exclude` patterns match paths relative to the copied source (`root_len` bytes of
/// `rel_path`); a source that is itself a file is matched by its name.
fn excluded_by(exclude: &DockerIgnore, rel_path: &str, root_len: usize) -> bool {
    if exclude.is_empty() {
        return false;
    }
    let inner = if root_len == 0 {
        rel_path
    } else if root_len >= rel_path.len() {
        rel_path.rsplit('/').next().unwrap_or(rel_path)
    } else {
        &rel_path[root_len + 1..]
    };
    exclude.is_excluded(inner)
}

/// Sources that are not read from the context.
fn is_remote(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("git@")
        || lower.starts_with("git://")
        || lower.starts_with("ssh://")
}

/// fsutil's `containsWildcards`: an unescaped `*`, `?` or `[`.
fn has_wildcards(s: &str) -> bool {
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if matches!(c, '*' | '?' | '[') {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_detection() {
        assert!(has_wildcards("a/*.txt"));
        assert!(has_wildcards("a?"));
        assert!(has_wildcards("[ab]"));
        assert!(!has_wildcards("a\\*b"));
        assert!(!has_wildcards("plain/path"));
    }

    #[test]
    fn remote_sources() {
        assert!(is_remote("https://example.com/x.tgz"));
        assert!(is_remote("git@github.com:o/r.git"));
        assert!(!is_remote("src/http.rs"));
    }
}
