//! DF013 `final-stage-no-user`: The final image runs as root: no USER instruction

use super::prelude::*;

pub struct FinalStageNoUser;

pub const META: RuleMeta = RuleMeta {
    id: "DF013",
    name: "final-stage-no-user",
    target: Target::Dockerfile,
    category: Category::User,
    severity: Severity::Medium,
    title: "The final image runs as root: no USER instruction",
    explanation: r##"## Why is this bad?
Without a `USER`, containers run as root (UID 0) unless the base image sets another
user. Root inside a container is root on the host kernel: a container escape, a writable
host mount or a kernel bug gives the attacker full control. (A `USER` in a builder stage
does not count; only the stages the final image is built from matter.)

## How to fix
Create an unprivileged user and switch to it at the end of the final stage, after the
steps that need root. Prefer a numeric UID so Kubernetes `runAsNonRoot` can verify it.

## Fix
Fixable: yes — `drydock fix` appends a `USER` to the final stage: the user a RUN of the final image creates (`useradd`/`adduser`) or a `COPY --chown` owner, else it creates one for the base image's family — `groupadd`/`useradd` on Debian/Ubuntu and RHEL-family images, `addgroup -S`/`adduser -S` on Alpine and BusyBox — as `app` with uid/gid 10001 and sets `USER 10001:10001`; distroless images get their `nonroot` user (65532), other bases (scratch, unknown images) the numeric `USER 10001:10001`, which needs no passwd entry. Review files the application must write: they may belong to root.

## Example
```dockerfile
# Before
FROM python:3.12-slim
COPY . /app
CMD ["python", "/app/main.py"]

# After
FROM python:3.12-slim
RUN useradd --uid 10001 --create-home app
COPY --chown=app . /app
USER 10001
CMD ["python", "/app/main.py"]
```

## References
- CIS Docker Benchmark 4.1: Ensure that a user for the container has been created
- https://docs.docker.com/reference/dockerfile/#user
- https://docs.docker.com/build/building/best-practices/#user
"##,
    references: &[
        "https://docs.docker.com/reference/dockerfile/#user",
        "https://docs.docker.com/build/building/best-practices/#user",
    ],
    equivalents: &[
        "checkov:CKV_DOCKER_3",
        "kics:missing-user-instruction",
        "trivy:DS002",
    ],
    default_enabled: true,
};

impl Rule for FinalStageNoUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        add_user(fx, f)
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        let Some(last) = cx.model.final_stage() else {
            return;
        };
        if cx.final_is_artifact_export() {
            return;
        }
        let has_user = cx
            .final_chain()
            .iter()
            .filter_map(|&s| cx.model.stages.get(s))
            .any(|s| cx.stage_instructions(s).any(|(_, ins)| ins.cmd == "USER"));
        if has_user {
            return;
        }
        // The root of the chain decides what the image inherits.
        let root = cx
            .final_chain()
            .last()
            .and_then(|&s| cx.model.stages.get(s))
            .unwrap_or(last);
        if let Some(r) = cx.base_ref(root) {
            if runs_unprivileged(r) {
                return;
            }
        } else if !matches!(root.base, BaseImage::Scratch) {
            // Unresolvable base (variables): the base may set a user; do not guess.
            return;
        }
        out.push(
            cx.finding(&META, cx.span(last.from), "the final stage has no USER instruction, so containers run as root")
                .with_fix("Add `RUN useradd --uid 10001 app` (or `adduser -D -u 10001 app` on Alpine) and `USER 10001` at the end of the final stage"),
        );
    }
}

/// Base images documented to run as a non-root user by default.
fn runs_unprivileged(r: &drydock_core::imageref::ImageRef) -> bool {
    let tag = r.tag.as_deref().unwrap_or("");
    let name = r.familiar_name();
    tag.contains("nonroot")
        || r.registry == "cgr.dev"
        || name.starts_with("bitnami/")
        || name.starts_with("nginxinc/nginx-unprivileged")
        || name.starts_with("registry.access.redhat.com/ubi") && name.contains("/nodejs-")
}

/// Base image families that need different user-creation commands.
enum Family {
    Debian,
    Alpine,
    Rhel,
    Distroless,
    Other,
}

fn family(r: Option<&drydock_core::imageref::ImageRef>) -> Family {
    let Some(r) = r else {
        return Family::Other;
    };
    let name = r.familiar_name().to_ascii_lowercase();
    let short = name.rsplit('/').next().unwrap_or("").to_string();
    let tag = r.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    if name.contains("distroless") {
        return Family::Distroless;
    }
    if short == "alpine" || short == "busybox" || tag.contains("alpine") {
        return Family::Alpine;
    }
    if tag.contains("windows") || tag.contains("nanoserver") || tag.contains("servercore") {
        return Family::Other;
    }
    // Minimal RHEL-family images have no shadow-utils (no useradd).
    let minimal = ["minimal", "micro", "slim"]
        .iter()
        .any(|m| name.contains(m) || tag.contains(m));
    const RHEL: &[&str] = &[
        "centos",
        "fedora",
        "rockylinux",
        "almalinux",
        "oraclelinux",
        "amazonlinux",
        "ubi7",
        "ubi8",
        "ubi9",
        "ubi10",
        "ubi",
    ];
    if RHEL.contains(&short.as_str()) {
        return if minimal { Family::Other } else { Family::Rhel };
    }
    // Debian-based official images (their non-Alpine variants).
    const DEBIAN: &[&str] = &[
        "debian",
        "ubuntu",
        "python",
        "node",
        "golang",
        "ruby",
        "php",
        "perl",
        "rust",
        "openjdk",
        "eclipse-temurin",
        "amazoncorretto-debian",
        "buildpack-deps",
        "nginx",
        "httpd",
        "maven",
        "gradle",
        "elixir",
        "erlang",
        "haskell",
        "r-base",
        "julia",
        "swift",
        "dart",
        "tomcat",
        "jetty",
        "kalilinux/kali-rolling",
        "kali-rolling",
    ];
    if DEBIAN.contains(&short.as_str()) || DEBIAN.contains(&name.as_str()) {
        return Family::Debian;
    }
    Family::Other
}

/// The non-root user the final image already knows: one a RUN of the final image creates,
/// else a `COPY --chown` owner of the final stage.
fn existing_user(cx: &RuleContext) -> Option<String> {
    let valid = |u: &str| {
        !u.is_empty()
            && u != "root"
            && u != "0"
            && u.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
            && !u.starts_with('-')
    };
    let mut created = None;
    for (run, _, c) in cx.commands() {
        if !cx.in_final_image(run.instruction) {
            continue;
        }
        let args: Vec<&str> = c.args().iter().map(|w| w.text.as_str()).collect();
        let user = match basename(c.name()) {
            "useradd" => args.last().copied(),
            "adduser" => adduser_name(&args),
            _ => None,
        };
        if let Some(u) = user.filter(|u| valid(u)) {
            created = Some(u.to_string());
        }
    }
    if created.is_some() {
        return created;
    }
    let last = cx.model.final_stage()?;
    cx.stage_instructions(last)
        .filter(|(_, ins)| matches!(ins.cmd.as_str(), "COPY" | "ADD"))
        .filter_map(|(_, ins)| ins.flag("chown"))
        .map(|o| o.split(':').next().unwrap_or("").to_string())
        .filter(|u| valid(u) && !u.contains('$'))
        .last()
}

/// The user operand of `adduser` (Debian's and BusyBox's): the first word that is neither an
/// option nor an option's value.
fn adduser_name<'a>(args: &[&'a str]) -> Option<&'a str> {
    const WITH_VALUE: &[&str] = &[
        "-h",
        "-g",
        "-s",
        "-G",
        "-u",
        "-k",
        "--home",
        "--shell",
        "--uid",
        "--gid",
        "--ingroup",
        "--gecos",
        "--firstuid",
        "--lastuid",
        "--conf",
        "--comment",
        "--firstgid",
        "--lastgid",
        "--extrausers",
    ];
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        if a.starts_with('-') {
            skip = WITH_VALUE.contains(a);
            continue;
        }
        return Some(a);
    }
    None
}

fn add_user(fx: &FixContext, _f: &Finding) -> Option<Result<Fix, String>> {
    let cx = fx.cx;
    if cx.df.escape == '`' {
        return None;
    }
    let last = cx.model.final_stage()?;
    let end = last.instructions.clone().last()?;
    let end_ins = cx.df.instructions.get(end)?;
    let root = cx
        .final_chain()
        .last()
        .and_then(|&s| cx.model.stages.get(s))
        .unwrap_or(last);
    let nl = fx.newline();
    let (create, user) = match existing_user(cx) {
        Some(u) => (None, u),
        None => match family(cx.base_ref(root)) {
            Family::Debian | Family::Rhel => (
                Some("RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-log-init --create-home app"),
                "10001:10001".to_string(),
            ),
            Family::Alpine => (
                Some("RUN addgroup -S -g 10001 app && adduser -S -D -u 10001 -G app app"),
                "10001:10001".to_string(),
            ),
            Family::Distroless => (None, "65532:65532".to_string()),
            Family::Other => (None, "10001:10001".to_string()),
        },
    };
    let mut text = String::from(nl);
    if let Some(c) = create {
        text.push_str(c);
        text.push_str(nl);
    }
    text.push_str("USER ");
    text.push_str(&user);
    // After the last line of the final stage's last instruction (its heredoc bodies too).
    let at = fx.line_end(end_ins.end_line);
    Some(Ok(Fix::new(
        format!("run the final stage as `{user}`"),
        vec![Edit::insert(at, text)],
    )))
}
