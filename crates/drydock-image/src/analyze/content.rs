//! Per-file analyzers run by the walker: secret content (via the secret engine), sensitive
//! files by name and content, and capture of the small system files the image-level checks
//! need (`etc/passwd`, `etc/shadow`, `os-release`, package ownership lists).

pub use crate::layer::SensitiveHit;
use crate::layer::{EntryKind, LayerSummary, SecretHit};
use drydock_core::redact::{redact, Redaction};
use drydock_core::Severity;
use drydock_secrets::{ContentKind, Engine, ScanContext};

fn hit(path: &str, kind: &str, detail: &str, severity: Severity) -> Option<SensitiveHit> {
    Some(SensitiveHit {
        path: path.to_string(),
        kind: kind.to_string(),
        detail: detail.to_string(),
        severity,
    })
}

fn base(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

const HISTORIES: &[&str] = &[
    ".bash_history",
    ".zsh_history",
    ".ash_history",
    ".sh_history",
    ".history",
    ".python_history",
    ".mysql_history",
    ".psql_history",
    ".node_repl_history",
    ".rediscli_history",
    ".sqlite_history",
];

/// Files and directories that are sensitive whatever they contain.
pub fn sensitive_by_name(path: &str, kind: EntryKind) -> Option<SensitiveHit> {
    let b = base(path);
    if kind == EntryKind::Dir {
        if b == ".git" {
            return hit(
                path,
                ".git directory",
                "a Git repository's history (and any secret ever committed to it) is in the image",
                Severity::Medium,
            );
        }
        return None;
    }
    if !matches!(kind, EntryKind::File | EntryKind::Hardlink) {
        return None;
    }
    let in_dir = |d: &str| path.contains(&format!("{d}/")) && !base(path).is_empty();
    if b == ".env"
        || (b.starts_with(".env.")
            && !b.ends_with(".example")
            && !b.ends_with(".sample")
            && !b.ends_with(".template")
            && !b.ends_with(".dist"))
    {
        return hit(
            path,
            "dotenv file",
            "`.env` files hold application secrets (database URLs, API keys)",
            Severity::High,
        );
    }
    if path.ends_with(".aws/credentials") {
        return hit(
            path,
            "AWS credentials file",
            "AWS access keys for the CLI/SDKs",
            Severity::High,
        );
    }
    if b == ".git-credentials" {
        return hit(
            path,
            "git credential store",
            "plain-text Git passwords/tokens",
            Severity::High,
        );
    }
    if in_dir(".ssh") {
        if b.starts_with("id_") && !b.ends_with(".pub") {
            return hit(
                path,
                "ssh private key",
                "an SSH private key gives whoever pulls the image your SSH identity",
                Severity::High,
            );
        }
        if b == "authorized_keys" || b == "known_hosts" || b.ends_with(".pub") || b == "config" {
            return None;
        }
        return hit(
            path,
            "ssh directory file",
            "a file in an `.ssh/` directory",
            Severity::Low,
        );
    }
    if b.ends_with(".tfstate") || b.ends_with(".tfstate.backup") {
        return hit(
            path,
            "terraform state",
            "Terraform state stores resource attributes, often passwords and keys, in plain text",
            Severity::High,
        );
    }
    if HISTORIES.contains(&b) {
        return hit(
            path,
            "shell history",
            "command histories often contain passwords and tokens typed on the command line",
            Severity::Medium,
        );
    }
    if path.ends_with(".kube/config") {
        return hit(path, "kubeconfig", "cluster credentials", Severity::High);
    }
    if b == ".pgpass" || b == ".my.cnf" {
        return hit(
            path,
            "database client credentials",
            "stored database passwords",
            Severity::Medium,
        );
    }
    if b.ends_with(".jks") || b.ends_with(".keystore") || b.ends_with(".p12") || b.ends_with(".pfx")
    {
        if path.starts_with("etc/ssl/")
            || path.starts_with("usr/lib/jvm/")
            || path.contains("/cacerts")
            || path.starts_with("etc/pki/")
        {
            return None;
        }
        return hit(
            path,
            "key store",
            "key stores usually hold private keys",
            Severity::Medium,
        );
    }
    None
}

/// Credential files recognised by content (only when they do carry a credential).
pub fn sensitive_by_content(path: &str, data: &[u8]) -> Option<SensitiveHit> {
    let b = base(path);
    let text = || String::from_utf8_lossy(&data[..data.len().min(1 << 20)]);
    if b == ".npmrc" || b == "npmrc" {
        let t = text();
        if t.contains("_authToken")
            || t.contains("_auth=")
            || t.contains("_auth =")
            || t.contains("_password")
        {
            return hit(
                path,
                "npm credentials",
                "`.npmrc` with an auth token or password",
                Severity::High,
            );
        }
    }
    if b == ".pypirc"
        && text()
            .lines()
            .any(|l| l.trim_start().starts_with("password"))
    {
        return hit(
            path,
            "PyPI credentials",
            "`.pypirc` with a password/token",
            Severity::High,
        );
    }
    if (b == ".netrc" || b == "_netrc") && text().contains("password") {
        return hit(
            path,
            "netrc credentials",
            "`.netrc` with a password",
            Severity::High,
        );
    }
    if path.ends_with(".docker/config.json") {
        let t = text();
        if t.contains("\"auths\"") && t.contains("\"auth\"") {
            return hit(
                path,
                "docker registry credentials",
                "`.docker/config.json` with registry `auths`",
                Severity::High,
            );
        }
    }
    if b == "config.json" && path.contains("containers/auth")
        || b == "auth.json" && path.contains("containers")
    {
        let t = text();
        if t.contains("\"auth\"") {
            return hit(
                path,
                "registry credentials",
                "a containers auth file with registry credentials",
                Severity::High,
            );
        }
    }
    if b.ends_with(".kubeconfig") || b == "kubeconfig" {
        let t = text();
        if t.contains("client-key-data") || t.contains("token:") || t.contains("password:") {
            return hit(path, "kubeconfig", "cluster credentials", Severity::High);
        }
    }
    if let Some(kind) = private_key_kind(data) {
        // `.ssh/id_*` are already reported by name.
        if !(path.contains(".ssh/") && b.starts_with("id_")) {
            return hit(
                path,
                "private key",
                &format!("a PEM {kind} private key"),
                Severity::High,
            );
        }
    }
    None
}

fn private_key_kind(data: &[u8]) -> Option<&'static str> {
    const HDR: &[(&[u8], &str)] = &[
        (b"-----BEGIN RSA PRIVATE KEY-----", "RSA"),
        (b"-----BEGIN PRIVATE KEY-----", "PKCS#8"),
        (b"-----BEGIN ENCRYPTED PRIVATE KEY-----", "encrypted PKCS#8"),
        (b"-----BEGIN EC PRIVATE KEY-----", "EC"),
        (b"-----BEGIN DSA PRIVATE KEY-----", "DSA"),
        (b"-----BEGIN OPENSSH PRIVATE KEY-----", "OpenSSH"),
        (b"-----BEGIN PGP PRIVATE KEY BLOCK-----", "PGP"),
    ];
    let pos = find(data, b"-----BEGIN ")?;
    let rest = &data[pos..];
    HDR.iter()
        .find(|(h, _)| rest.starts_with(h))
        .map(|(_, k)| *k)
        .or_else(|| {
            // The first BEGIN may be a certificate; look for a key further on.
            HDR.iter()
                .find(|(h, _)| find(rest, h).is_some())
                .map(|(_, k)| *k)
        })
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    if n.is_empty() {
        return None;
    }
    memchr::memmem::find(h, n)
}

/// Small system files kept for image-level checks.
pub fn is_special(path: &str) -> bool {
    matches!(
        path,
        "etc/os-release"
            | "usr/lib/os-release"
            | "etc/alpine-release"
            | "etc/debian_version"
            | "etc/redhat-release"
            | "etc/centos-release"
            | "etc/lsb-release"
            | "etc/passwd"
            | "etc/shadow"
            | "etc/group"
            | "lib/apk/db/installed"
    ) || (path.starts_with("var/lib/dpkg/info/") && path.ends_with(".list"))
        || path.starts_with("var/lib/dpkg/status.d/")
        || super::rpm::DB_PATHS.contains(&path)
}

/// Largest special file read whole (a hostile image may ship a 10 GiB `etc/passwd`).
pub fn special_limit(path: &str) -> u64 {
    if super::rpm::DB_PATHS.contains(&path) {
        super::rpm::MAX_DB
    } else {
        16 << 20
    }
}

/// Keep a special file's bytes or turn it into ownership entries.
pub fn record_special(path: &str, data: &[u8], sum: &mut LayerSummary) {
    if let Some(name) = path
        .strip_prefix("var/lib/dpkg/info/")
        .and_then(|n| n.strip_suffix(".list"))
    {
        let pkg = name.split(':').next().unwrap_or(name).to_string();
        for line in String::from_utf8_lossy(data).lines() {
            let p = line.trim().trim_start_matches('/');
            if !p.is_empty() {
                sum.owners.insert(p.to_string(), pkg.clone());
            }
        }
        return;
    }
    if path == "lib/apk/db/installed" {
        let (mut pkg, mut dir) = (String::new(), String::new());
        for line in String::from_utf8_lossy(data).lines() {
            if let Some(v) = line.strip_prefix("P:") {
                pkg = v.to_string();
            } else if let Some(v) = line.strip_prefix("F:") {
                dir = v.to_string();
            } else if let Some(v) = line.strip_prefix("R:") {
                let p = if dir.is_empty() {
                    v.to_string()
                } else {
                    format!("{dir}/{v}")
                };
                sum.owners.insert(p, pkg.clone());
            }
        }
        return;
    }
    if super::rpm::DB_PATHS.contains(&path) {
        match super::rpm::owners(data) {
            Ok(owners) => sum.owners.extend(owners),
            Err(e) => sum.notes.push(format!(
                "/{path}: cannot read the rpm database ({e}): files installed by rpm packages are not known as vendor content"
            )),
        }
        return;
    }
    if data.len() <= 1 << 20 {
        sum.special.insert(path.to_string(), data.to_vec());
    }
}

/// Run the secret engine over (a window of) a file. `line_offset` is added to line numbers
/// when scanning windows of a large file; `redaction` decides what the evidence shows.
pub fn scan_secrets(
    engine: &Engine,
    path: &str,
    data: &[u8],
    line_offset: usize,
    redaction: Redaction,
    out: &mut Vec<SecretHit>,
) {
    let cx = ScanContext {
        path: Some(path),
        name: None,
        owner_package: None,
        kind: ContentKind::File,
    };
    // This file's hits so far sit at the end of `out` (files are scanned one at a time).
    let first = out
        .iter()
        .rposition(|h| h.path != path)
        .map_or(0, |i| i + 1);
    for m in engine.scan(data, &cx) {
        // Bounded per file (a dump with millions of tokens): as `drydock secrets` lists.
        if out.len() - first >= drydock_secrets::MAX_PER_FILE {
            break;
        }
        let secret = data.get(m.secret.clone()).unwrap_or_default();
        let evidence = redact(secret, redaction);
        // Windows overlap and secrets repeat: one hit per distinct secret.
        if out[first..]
            .iter()
            .any(|h| h.rule_id == m.rule_id && h.evidence.sha256 == evidence.sha256)
        {
            continue;
        }
        out.push(SecretHit {
            path: path.to_string(),
            rule_id: m.rule_id,
            rule_name: m.rule_name,
            severity: m.severity,
            confidence: m.confidence,
            line: m.start_line + line_offset,
            evidence,
            vendor_reason: m.vendor_reason,
            generic: m.generic,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(sensitive_by_name("root/.ssh/id_rsa", EntryKind::File).is_some());
        assert!(sensitive_by_name("root/.ssh/id_rsa.pub", EntryKind::File).is_none());
        assert!(sensitive_by_name("root/.ssh/known_hosts", EntryKind::File).is_none());
        assert!(sensitive_by_name("app/.env", EntryKind::File).is_some());
        assert!(sensitive_by_name("app/.env.example", EntryKind::File).is_none());
        assert!(sensitive_by_name("src/.git", EntryKind::Dir).is_some());
        assert!(sensitive_by_name("root/.bash_history", EntryKind::File).is_some());
        assert!(sensitive_by_name("infra/prod.tfstate", EntryKind::File).is_some());
        assert!(sensitive_by_name("etc/passwd", EntryKind::File).is_none());
    }

    #[test]
    fn contents() {
        assert!(
            sensitive_by_content("root/.npmrc", b"//registry.npmjs.org/:_authToken=abc\n")
                .is_some()
        );
        assert!(sensitive_by_content("root/.npmrc", b"registry=https://r.example\n").is_none());
        assert!(sensitive_by_content(
            "x/.docker/config.json",
            br#"{"auths":{"r":{"auth":"dTpw"}}}"#
        )
        .is_some());
        assert!(
            sensitive_by_content("x/.docker/config.json", br#"{"credsStore":"pass"}"#).is_none()
        );
        assert!(sensitive_by_content("srv/key.pem", b"-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n-----BEGIN EC PRIVATE KEY-----\n").is_some());
        assert!(sensitive_by_content("srv/cert.pem", b"-----BEGIN CERTIFICATE-----\n").is_none());
    }
}
