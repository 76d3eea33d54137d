//! The fixed sample report every format test renders: a Dockerfile, an image and a file tree,
//! every severity, a multi-line span, a deleted file, config/history findings, a vulnerability,
//! a finding of no known target and a target that could not be scanned.
#![allow(dead_code)]

use drydock_core::rule::Target as RuleTarget;
use drydock_core::{
    redact, Category, Confidence, Finding, Location, Redaction, RuleMeta, Severity, SourceSpan,
    VulnerabilityInfo,
};
use drydock_report::{
    BaseImageView, ImageSummaryView, LayerChangesView, LayerView, Report, Target, TargetError,
};

/// Secrets planted in the sample's inputs; no rendered output may contain them.
pub const GITHUB_TOKEN: &str = "ghp_R3alLooking0nlyInTestsAbcdefghij012345";
pub const AWS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SETTINGS_SECRET: &str = "sk_live_51HxQpLk9Zz0TestOnlyValue000111";

pub const DOCKERFILE: &str = "# syntax=docker/dockerfile:1
FROM python:3.8-slim
ARG GITHUB_TOKEN
ENV API_TOKEN=ghp_R3alLooking0nlyInTestsAbcdefghij012345 APP_ENV=prod
RUN curl -fsSL https://example.com/install.sh \\
    | sh
COPY . /app
USER root
CMD python app.py
";

const fn rule(
    id: &'static str,
    name: &'static str,
    target: RuleTarget,
    category: Category,
    severity: Severity,
    title: &'static str,
) -> RuleMeta {
    RuleMeta {
        id,
        name,
        target,
        category,
        severity,
        title,
        explanation: "## Why is this bad?\n\nAnything baked into an image can be read by whoever pulls it.\nBuild arguments show in `docker history`.\n\n## How to fix\n\nUse `RUN --mount=type=secret`.\n\n## Example\n\n```dockerfile\nRUN --mount=type=secret,id=token cat /run/secrets/token\n```\n\n## References\n\n- CIS Docker Benchmark 4.10\n",
        references: &["https://docs.docker.com/build/building/secrets/", "CIS Docker Benchmark 4.10"],
        equivalents: &["hadolint:DL3002"],
        default_enabled: true,
    }
}

static RULES: &[RuleMeta] = &[
    rule(
        "DF002",
        "secret-named-arg",
        RuleTarget::Dockerfile,
        Category::SecretExposure,
        Severity::High,
        "ARG or ENV whose name says secret",
    ),
    rule(
        "DF010",
        "secret-in-env",
        RuleTarget::Dockerfile,
        Category::Secret,
        Severity::Critical,
        "Secret value in ENV",
    ),
    rule(
        "DF020",
        "curl-pipe-shell",
        RuleTarget::Dockerfile,
        Category::SupplyChain,
        Severity::High,
        "Remote script piped into a shell",
    ),
    rule(
        "DF030",
        "eol-base-image",
        RuleTarget::Dockerfile,
        Category::BaseImage,
        Severity::Medium,
        "End-of-life base image",
    ),
    rule(
        "DF040",
        "shell-form-cmd",
        RuleTarget::Dockerfile,
        Category::BestPractice,
        Severity::Low,
        "Shell-form CMD",
    ),
    rule(
        "DF041",
        "missing-healthcheck",
        RuleTarget::Dockerfile,
        Category::BestPractice,
        Severity::Info,
        "No HEALTHCHECK",
    ),
    rule(
        "DF060",
        "git-dir-in-context",
        RuleTarget::Dockerfile,
        Category::SensitiveFile,
        Severity::Medium,
        ".git directory sent with the build context",
    ),
    rule(
        "IM001",
        "image-runs-as-root",
        RuleTarget::Image,
        Category::User,
        Severity::High,
        "Image runs as root",
    ),
    rule(
        "IM005",
        "build-arg-in-history",
        RuleTarget::Image,
        Category::SecretExposure,
        Severity::Medium,
        "Build argument visible in image history",
    ),
    rule(
        "IM010",
        "secret-in-layer",
        RuleTarget::Image,
        Category::Secret,
        Severity::Critical,
        "Secret in a layer file",
    ),
    rule(
        "IM020",
        "private-key-file",
        RuleTarget::Image,
        Category::SensitiveFile,
        Severity::High,
        "Private key file in the image",
    ),
    rule(
        "IM030",
        "package-cache-left",
        RuleTarget::Image,
        Category::Efficiency,
        Severity::Low,
        "Package manager cache left in a layer",
    ),
    rule(
        "IM041",
        "no-healthcheck",
        RuleTarget::Image,
        Category::BestPractice,
        Severity::Info,
        "Image has no HEALTHCHECK",
    ),
    rule(
        "VU001",
        "vulnerable-package",
        RuleTarget::Vulnerability,
        Category::Vulnerability,
        Severity::High,
        "Installed package with a known vulnerability",
    ),
];

pub fn lookup(id: &str) -> Option<&'static RuleMeta> {
    RULES.iter().find(|r| r.id == id)
}

pub fn meta(id: &str) -> &'static RuleMeta {
    lookup(id).unwrap()
}

pub fn src(path: &str, l1: usize, c1: usize, l2: usize, c2: usize) -> Location {
    Location::Source(SourceSpan {
        path: path.into(),
        start_line: l1,
        end_line: l2,
        start_column: c1,
        end_column: c2,
    })
}

pub const IMAGE: &str = "registry.example.com/team/app:1.4";

pub fn layer(n: usize, path: &str, deleted_in: Option<usize>) -> Location {
    let l = &image_summary().layers;
    let row = l.iter().find(|r| r.index == Some(n)).unwrap();
    Location::Layer {
        image: IMAGE.into(),
        layer: n,
        layer_digest: row.digest.clone().unwrap(),
        path: path.into(),
        created_by: row.created_by.clone(),
        deleted_in,
    }
}

pub fn cfg(field: &str) -> Location {
    Location::Config {
        image: IMAGE.into(),
        field: field.into(),
    }
}

pub fn image_summary() -> ImageSummaryView {
    let d = |c: char| Some(format!("sha256:{}", c.to_string().repeat(64)));
    ImageSummaryView {
        os: Some("Debian GNU/Linux 12 (bookworm)".into()),
        platform: Some("linux/amd64".into()),
        digest: Some(format!("sha256:{}", "e".repeat(64))),
        size: 127_346_579,
        user: None,
        layers: vec![
            LayerView { index: Some(0), digest: d('a'), size: 74_812_345, empty: false, created_by: Some("/bin/sh -c #(nop) ADD file:9a8b7c6d5e4f in / ".into()), changes: None },
            LayerView { index: None, digest: None, size: 0, empty: true, created_by: Some("/bin/sh -c #(nop)  CMD [\"bash\"]".into()), changes: None },
            LayerView { index: Some(1), digest: d('b'), size: 1_234, empty: false, created_by: Some("COPY .env /app/.env # buildkit".into()), changes: Some(LayerChangesView { added: 2, changed: 0, deleted: 0, wasted_bytes: 1_234, biggest: vec![("app/.env".into(), 1_234, "added".into())] }) },
            LayerView { index: Some(2), digest: d('c'), size: 52_533_000, empty: false, created_by: Some("RUN |1 NPM_TOKEN=npm_xxx /bin/sh -c apt-get update && apt-get install -y openssl ca-certificates curl git && cp /tmp/id_rsa /root/.ssh/id_rsa # buildkit".into()), changes: Some(LayerChangesView { added: 1_480, changed: 12, deleted: 1, wasted_bytes: 0, biggest: vec![("usr/lib/x86_64-linux-gnu/libcrypto.so.3".into(), 4_709_656, "added".into()), ("root/.ssh/id_rsa".into(), 1_679, "added".into()), ("var/lib/apt/lists/lock".into(), 0, "deleted".into())] }) },
            LayerView { index: Some(3), digest: d('d'), size: 0, empty: false, created_by: Some("RUN /bin/sh -c rm /app/.env # buildkit".into()), changes: Some(LayerChangesView { added: 0, changed: 0, deleted: 1, wasted_bytes: 0, biggest: vec![("app/.env".into(), 0, "deleted".into())] }) },
            LayerView { index: None, digest: None, size: 0, empty: true, created_by: Some("USER root".into()), changes: None },
        ],
        waste_bytes: 12_104_000,
        efficiency: 0.904_951,
        base_image: Some(Box::new(BaseImageView {
            name: Some("debian:12".into()),
            digest: None,
            layers: 1,
            vulnerabilities: Some(112),
            fixable_by_rebuild: Some(37),
            verdict: Some("base image debian:12 (layer 0): 112 known vulnerabilities in its packages, 37 fixed by rebuilding on a current copy of it".into()),
        })),
    }
}

pub fn findings() -> Vec<Finding> {
    let df = "Dockerfile";
    vec![
        Finding::from_rule(
            meta("DF010"),
            "GitHub personal access token in ENV API_TOKEN",
            src(df, 4, 5, 4, 56),
        )
        .with_evidence(redact(GITHUB_TOKEN.as_bytes(), Redaction::Redact))
        .with_fix("pass the token at build time with `RUN --mount=type=secret,id=api_token`"),
        Finding::from_rule(
            meta("DF002"),
            "secret-named ARG GITHUB_TOKEN leaks into `docker history`",
            src(df, 3, 5, 3, 16),
        )
        .with_fix("use `RUN --mount=type=secret,id=github_token` instead of a build argument"),
        Finding::from_rule(
            meta("DF020"),
            "remote script from https://example.com/install.sh is piped into `sh`",
            src(df, 5, 5, 6, 8),
        )
        .with_confidence(Confidence::Medium),
        Finding::from_rule(
            meta("DF030"),
            "python:3.8 reached end of life on 2024-10-07 (scan date 2026-11-27)",
            src(df, 2, 6, 2, 20),
        )
        .with_fix("move to python:3.13-slim"),
        Finding::from_rule(
            meta("DF040"),
            "CMD in shell form: signals do not reach the process",
            src(df, 9, 1, 9, 17),
        ),
        Finding::from_rule(
            meta("DF041"),
            "final stage has no HEALTHCHECK",
            src(df, 2, 1, 2, 20),
        ),
        // Image: a deleted secret, a key still present, config/history, a vulnerability.
        Finding::from_rule(
            meta("IM010"),
            "AWS access key id in /app/.env",
            layer(1, "app/.env", Some(3)),
        )
        .with_evidence(redact(AWS_KEY.as_bytes(), Redaction::Redact))
        .with_fix("rotate the key; deleting the file in a later layer does not remove it"),
        Finding::from_rule(
            meta("IM020"),
            "OpenSSH private key",
            layer(2, "root/.ssh/id_rsa", None),
        ),
        Finding::from_rule(
            meta("IM030"),
            "apt package lists left behind (41.2 MB)",
            layer(2, "var/lib/apt/lists", None),
        )
        .with_severity(Severity::Low),
        Finding::from_rule(
            meta("IM001"),
            "config User is empty: the container runs as root",
            cfg("User"),
        ),
        Finding::from_rule(
            meta("IM005"),
            "build argument NPM_TOKEN recorded in history",
            cfg("history[3]"),
        )
        .with_evidence(redact(b"npm_xxx", Redaction::Redact)),
        Finding::from_rule(
            meta("IM041"),
            "no HEALTHCHECK in the image config",
            cfg("Healthcheck"),
        ),
        Finding::new(
            "VU001",
            Severity::High,
            Category::Vulnerability,
            "openssl 3.0.11-1~deb12u2 is affected by CVE-2024-5535",
            Location::Package {
                image: IMAGE.into(),
                package: "openssl".into(),
                version: "3.0.11-1~deb12u2".into(),
                path: "var/lib/dpkg/status".into(),
                layer: Some(2),
            },
        )
        .with_vulnerability(VulnerabilityInfo {
            id: "CVE-2024-5535".into(),
            aliases: vec!["DSA-5678-1".into()],
            package: "openssl".into(),
            installed_version: "3.0.11-1~deb12u2".into(),
            fixed_version: Some("3.0.14-1~deb12u1".into()),
            ecosystem: "Debian:12".into(),
        })
        .with_platform("linux/amd64"),
        // Files: one rule the registry does not know (SE001), one known.
        Finding::new(
            "SE001",
            Severity::High,
            Category::Secret,
            "Stripe live secret key",
            src("ctx/config/settings.py", 12, 14, 12, 53),
        )
        .with_evidence(redact(SETTINGS_SECRET.as_bytes(), Redaction::Redact)),
        Finding::from_rule(
            meta("DF060"),
            ".git/ is sent with the build context (COPY . /app)",
            src("ctx/.git", 1, 1, 1, 1),
        ),
        // Belongs to no target: shown under "other".
        Finding::new(
            "RT001",
            Severity::Critical,
            Category::Runtime,
            "container runs privileged",
            Location::Container {
                container: "web".into(),
                field: "HostConfig.Privileged".into(),
            },
        ),
    ]
}

pub fn targets() -> Vec<Target> {
    vec![
        Target::Dockerfile {
            path: "Dockerfile".into(),
            source: DOCKERFILE.into(),
        },
        Target::Image {
            name: IMAGE.into(),
            summary: image_summary(),
        },
        Target::Files { root: "ctx".into() },
    ]
}

pub fn sample() -> Report<'static> {
    Report {
        tool_version: "0.1.0",
        information_uri: Some("https://example.com/drydock"),
        scan_date: "2026-11-27".into(),
        targets: targets(),
        findings: findings(),
        rules: &lookup,
        fail_on: Some(Severity::High),
        errors: vec![TargetError {
            target: "docker-daemon:missing:latest".into(),
            message: "no such image in the Docker daemon".into(),
        }],
        warnings: vec![drydock_core::Warning::new(
            drydock_core::WarningKind::VulnDbMissing,
            "no vulnerability database: packages were not checked for known vulnerabilities (run `drydock db update`)",
        )
        .with_target(IMAGE)],
        suppressions: vec![drydock_core::ignore::EntryOutcome {
            entry: ".drydockignore.yaml:1".into(),
            selects: "rule DF010".into(),
            reason: Some("pinned by digest upstream".into()),
            expires: Some("2027-01-01".into()),
            expired: false,
            suppressed: 2,
        }],
    }
}
