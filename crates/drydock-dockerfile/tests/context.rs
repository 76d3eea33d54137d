//! Build context: what `docker build` sends, and what each COPY/ADD really copies.

use std::fs;
use std::path::Path;

use drydock_dockerfile::context::{BuildContext, MAX_DEPTH};
use drydock_dockerfile::stages::StageModel;

fn write(root: &Path, rel: &str, content: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, content).unwrap();
}

/// A project with the usual suspects next to the Dockerfile.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, "Dockerfile", "FROM alpine\nCOPY . .\n");
    write(r, ".env", "API_TOKEN=abc\n");
    write(r, "id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\n");
    write(r, ".git/config", "[core]\n");
    write(r, ".git/objects/ab/cdef", "x");
    write(r, "src/main.py", "print('hi')\n");
    write(r, "src/util/helpers.py", "def f(): pass\n");
    write(r, "src/util/README.md", "# util\n");
    write(r, "package.json", "{}\n");
    write(r, "docs/guide.md", "guide\n");
    dir
}

fn paths(files: &[drydock_dockerfile::context::ContextFile]) -> Vec<&str> {
    files.iter().map(|f| f.rel_path.as_str()).collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn copy_all_without_dockerignore_sends_secrets_and_git() {
    let dir = project();
    let ctx = BuildContext::load(dir.path(), &dir.path().join("Dockerfile")).unwrap();
    assert!(ctx.dockerignore_path().is_none());
    let sent = ctx.resolve_sources(&strings(&["."]), &[]);
    let sent = paths(&sent);
    for p in [
        ".env",
        "id_rsa",
        ".git/config",
        ".git/objects/ab/cdef",
        "src/main.py",
    ] {
        assert!(sent.contains(&p), "{p} missing from {sent:?}");
    }
    assert_eq!(sent.len(), ctx.included_files().len());
    let env = ctx.file(".env").unwrap();
    assert_eq!(env.size, 14);
    assert_eq!(env.abs_path, dir.path().join(".env"));
}

#[test]
fn dockerignore_excludes_secrets_and_git() {
    let dir = project();
    write(
        dir.path(),
        ".dockerignore",
        "# keep secrets out\n.env\n.git\n*.md\n",
    );
    let ctx = BuildContext::load(dir.path(), &dir.path().join("Dockerfile")).unwrap();
    assert_eq!(
        ctx.dockerignore_path(),
        Some(dir.path().join(".dockerignore").as_path())
    );
    let sent = ctx.resolve_sources(&strings(&["."]), &[]);
    let sent = paths(&sent);
    assert!(!sent.contains(&".env"));
    assert!(!sent.iter().any(|p| p.starts_with(".git/")));
    // `*.md` only matches at the root, as in Docker.
    assert!(sent.contains(&"src/util/README.md"));
    assert!(sent.contains(&"docs/guide.md"));
    // Not listed in .dockerignore, so still sent.
    assert!(sent.contains(&"id_rsa"));
    assert!(sent.contains(&".dockerignore"));
    // `.env` and the whole `.git` directory.
    assert_eq!(ctx.excluded_count(), 2);
}

#[test]
fn allow_list_with_exceptions_and_double_star() {
    let dir = project();
    write(
        dir.path(),
        ".dockerignore",
        "*\n!src\n!package.json\nsrc/**/*.md\n",
    );
    let ctx = BuildContext::load(dir.path(), &dir.path().join("Dockerfile")).unwrap();
    assert_eq!(
        paths(ctx.included_files()),
        ["package.json", "src/main.py", "src/util/helpers.py"]
    );
}

#[test]
fn exception_below_an_excluded_directory() {
    let dir = project();
    write(dir.path(), ".dockerignore", ".git\n!.git/config\n");
    let ctx = BuildContext::load(dir.path(), &dir.path().join("Dockerfile")).unwrap();
    let inc = paths(ctx.included_files());
    assert!(inc.contains(&".git/config"));
    assert!(!inc.contains(&".git/objects/ab/cdef"));
}

#[test]
fn dockerfile_specific_ignore_file_wins() {
    let dir = project();
    write(dir.path(), ".dockerignore", ".env\n");
    write(
        dir.path(),
        "build/app.Dockerfile",
        "FROM alpine\nCOPY . .\n",
    );
    write(dir.path(), "build/app.Dockerfile.dockerignore", "id_rsa\n");
    let ctx = BuildContext::load(dir.path(), &dir.path().join("build/app.Dockerfile")).unwrap();
    assert_eq!(
        ctx.dockerignore_path(),
        Some(
            dir.path()
                .join("build/app.Dockerfile.dockerignore")
                .as_path()
        )
    );
    let inc = paths(ctx.included_files());
    assert!(inc.contains(&".env"));
    assert!(!inc.contains(&"id_rsa"));
}

#[test]
fn resolve_sources_like_buildkit() {
    let dir = project();
    write(dir.path(), "config/app.json", "{}");
    write(dir.path(), "config/db.json", "{}");
    write(dir.path(), "config/nested/x.json", "{}");
    let ctx = BuildContext::load(dir.path(), &dir.path().join("Dockerfile")).unwrap();
    let r = |src: &[&str], ex: &[&str]| {
        paths(&ctx.resolve_sources(&strings(src), &strings(ex)))
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    // A directory is copied recursively; a file is itself.
    assert_eq!(
        r(&["src"], &[]),
        ["src/main.py", "src/util/README.md", "src/util/helpers.py"]
    );
    assert_eq!(r(&["./package.json"], &[]), ["package.json"]);
    // Wildcards match per segment (`*` does not cross `/`) and include dot files.
    assert_eq!(
        r(&["config/*.json"], &[]),
        ["config/app.json", "config/db.json"]
    );
    assert_eq!(r(&["*.json"], &[]), ["package.json"]);
    assert_eq!(r(&[".e*"], &[]), [".env"]);
    assert_eq!(
        r(&["conf?g/*"], &[]),
        ["config/app.json", "config/db.json", "config/nested/x.json"]
    );
    assert_eq!(r(&["[s]rc/m*"], &[]), ["src/main.py"]);
    // Sources are resolved against the context root: `..` and `/` cannot leave it.
    assert_eq!(r(&["../../package.json"], &[]), ["package.json"]);
    assert_eq!(r(&["/src/main.py"], &[]), ["src/main.py"]);
    assert!(r(&["missing"], &[]).is_empty());
    // Remote sources are not context files.
    assert!(r(&["https://example.com/x.tar.gz"], &[]).is_empty());
    // Several sources, deduplicated.
    assert_eq!(r(&["src/main.py", "src"], &[]).len(), 3);
    // --exclude patterns apply relative to the copied source.
    assert_eq!(
        r(&["src"], &["**/*.md"]),
        ["src/main.py", "src/util/helpers.py"]
    );
    assert_eq!(r(&["config/*.json"], &["db.json"]), ["config/app.json"]);
    let all_but_secrets = r(&["."], &[".env", "id_rsa", ".git"]);
    assert!(!all_but_secrets
        .iter()
        .any(|p| p == ".env" || p == "id_rsa" || p.starts_with(".git/")));
    assert!(all_but_secrets.contains(&"src/main.py".to_string()));
}

#[test]
fn copy_sources_expanded_through_the_stage_model() {
    let dir = project();
    let src = "FROM alpine\nARG APP=src\nCOPY ${APP}/*.py /app/\n";
    let df = drydock_dockerfile::parse(src, "Dockerfile");
    let m = StageModel::build(&df, &Default::default());
    let copy = df
        .instructions
        .iter()
        .position(|i| i.cmd == "COPY")
        .unwrap();
    let ins = &df.instructions[copy];
    let sources: Vec<String> = ins.value[..ins.value.len() - 1]
        .iter()
        .map(|w| m.expand(&df, copy, w))
        .collect();
    let ctx = BuildContext::load(dir.path(), &dir.path().join("Dockerfile")).unwrap();
    assert_eq!(paths(&ctx.resolve_sources(&sources, &[])), ["src/main.py"]);
}

#[cfg(unix)]
#[test]
fn symlinks_do_not_escape_the_context() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "host-secret", "s3cr3t");
    let dir = project();
    std::os::unix::fs::symlink(outside.path().join("host-secret"), dir.path().join("leak"))
        .unwrap();
    std::os::unix::fs::symlink(dir.path().join("package.json"), dir.path().join("pkg-link"))
        .unwrap();
    // A directory loop must not hang the walk.
    std::os::unix::fs::symlink(dir.path(), dir.path().join("src/loop")).unwrap();
    let ctx = BuildContext::load(dir.path(), &dir.path().join("Dockerfile")).unwrap();
    let inc = paths(ctx.included_files());
    assert!(!inc.contains(&"leak"));
    assert!(inc.contains(&"pkg-link"));
    assert!(!inc.iter().any(|p| p.starts_with("src/loop")));
}

#[test]
fn deep_trees_are_cut_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let mut rel = String::new();
    for i in 0..(MAX_DEPTH + 5) {
        rel.push_str(&format!("d{i}/"));
    }
    write(dir.path(), &format!("{rel}deep.txt"), "x");
    write(dir.path(), "top.txt", "x");
    let ctx = BuildContext::load(dir.path(), &dir.path().join("Dockerfile")).unwrap();
    assert!(ctx.truncated());
    assert!(!ctx.warnings().is_empty());
    assert_eq!(paths(ctx.included_files()), ["top.txt"]);
}

#[test]
fn bad_context_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let err = BuildContext::load(&missing, &missing.join("Dockerfile")).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
    write(dir.path(), "file", "x");
    let err =
        BuildContext::load(&dir.path().join("file"), &dir.path().join("Dockerfile")).unwrap_err();
    assert!(err.to_string().contains("not a directory"), "{err}");
}

#[test]
fn invalid_dockerignore_pattern_is_reported_not_fatal() {
    let dir = project();
    write(dir.path(), ".dockerignore", "[\n.env\n");
    let ctx = BuildContext::load(dir.path(), &dir.path().join("Dockerfile")).unwrap();
    assert!(ctx.warnings().iter().any(|w| w.contains(".dockerignore")));
    assert!(ctx.file(".env").is_none());
}

#[test]
fn files_for_each_copy_instruction() {
    let dir = project();
    write(dir.path(), ".dockerignore", ".git\n");
    let src = "\
FROM golang AS build
COPY . /src
FROM alpine
ARG CFG=package.json
COPY --from=build /out /app
COPY <<EOF /etc/motd
hello
EOF
COPY [\"${CFG}\", \"/app/\"]
ADD --exclude=.env --exclude=id_rsa . /app
ADD https://example.com/a.tgz /tmp/
ONBUILD COPY . /onbuild
RUN true
";
    let df = drydock_dockerfile::parse(src, "Dockerfile");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let m = StageModel::build(&df, &Default::default());
    let ctx = BuildContext::load(dir.path(), &dir.path().join("Dockerfile")).unwrap();
    let at = |cmd: &str, n: usize| {
        df.instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| i.cmd == cmd)
            .nth(n)
            .unwrap()
            .0
    };
    let files = |i: usize| {
        ctx.files_for(&df, &m, i)
            .into_iter()
            .map(|f| f.rel_path)
            .collect::<Vec<_>>()
    };
    // `COPY . /src` sends the secrets beside the Dockerfile (but not the ignored .git).
    let all = files(at("COPY", 0));
    assert!(all.contains(&".env".to_string()) && all.contains(&"id_rsa".to_string()));
    assert!(!all.iter().any(|p| p.starts_with(".git/")));
    assert!(
        files(at("COPY", 1)).is_empty(),
        "--from copies come from a stage"
    );
    assert!(
        files(at("COPY", 2)).is_empty(),
        "heredocs are not context files"
    );
    assert_eq!(files(at("COPY", 3)), ["package.json"]);
    let added = files(at("ADD", 0));
    assert!(!added.contains(&".env".to_string()) && !added.contains(&"id_rsa".to_string()));
    assert!(added.contains(&"src/main.py".to_string()));
    assert!(files(at("ADD", 1)).is_empty(), "URLs are not context files");
    assert!(
        files(at("ONBUILD", 0)).is_empty(),
        "ONBUILD runs in a later build"
    );
    assert!(files(at("RUN", 0)).is_empty());
    assert_eq!(m.copy_sources(&df, at("COPY", 3)), ["package.json"]);
    assert_eq!(m.copy_excludes(&df, at("ADD", 0)), [".env", "id_rsa"]);
}

#[test]
fn explicit_dockerignore() {
    let dir = project();
    write(dir.path(), ".dockerignore", "src\n");
    let ignore = drydock_dockerfile::dockerignore::DockerIgnore::parse("**/*.py\n.git\n");
    let ctx = BuildContext::with_dockerignore(dir.path(), ignore).unwrap();
    let inc = paths(ctx.included_files());
    // The given patterns replace the file on disk.
    assert!(inc.contains(&"src/util/README.md"));
    assert!(!inc
        .iter()
        .any(|p| p.ends_with(".py") || p.starts_with(".git/")));
    assert!(ctx.dockerignore_path().is_none());
    assert_eq!(ctx.root(), dir.path());
}

/// `scan_dockerfile` hands the CLI the model and context it built, so the context secret scan
/// does not walk the directory again — also when the rule that needs the context (DF012) is
/// disabled, and only for files COPY/ADD really send.
#[test]
fn scan_result_carries_the_context_files_copy_sends() {
    use drydock_core::{Policy, RuleSelector};
    use drydock_dockerfile::{scan_dockerfile, DockerfileOptions};
    let dir = project();
    let r = dir.path();
    write(r, ".dockerignore", "docs\n");
    let src = "FROM alpine AS build\nCOPY src/ /src/\nFROM alpine\nCOPY --from=build /src /app\nCOPY .env id_rsa /etc/\n";
    let opts = DockerfileOptions {
        context_dir: Some(r.to_path_buf()),
        use_build_context: true,
        ..DockerfileOptions::default()
    };
    let policy = Policy {
        ignore: vec![RuleSelector("DF012".into())],
        ..Policy::default()
    };
    let scan = scan_dockerfile(&r.join("Dockerfile"), src.as_bytes(), &opts, &policy);
    assert!(scan.findings.iter().all(|f| f.rule != "DF012"));
    assert!(scan.context.is_some());
    assert_eq!(scan.model.stages.len(), 2);
    let files = scan.context_files();
    assert_eq!(
        files.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            ".env",
            "id_rsa",
            "src/main.py",
            "src/util/README.md",
            "src/util/helpers.py"
        ]
    );

    // No COPY/ADD from the context (or the context switched off): nothing is walked.
    let scan = scan_dockerfile(
        &r.join("Dockerfile"),
        b"FROM alpine\nRUN true\n",
        &opts,
        &policy,
    );
    assert!(scan.context.is_none() && scan.context_files().is_empty());
    let off = DockerfileOptions {
        use_build_context: false,
        ..opts
    };
    let scan = scan_dockerfile(&r.join("Dockerfile"), src.as_bytes(), &off, &policy);
    assert!(scan.context.is_none() && scan.context_files().is_empty());
}
