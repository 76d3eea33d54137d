//! Value filters the generic rules add to `validate.rs`'s: shapes that look random but are
//! identifiers, hashes, paths or words, found as false positives on real file trees.

use std::ops::Range;

/// `p%40ss` → `p@ss`; `None` when there is nothing (valid) to decode.
pub(crate) fn percent_decode(s: &[u8]) -> Option<Vec<u8>> {
    memchr::memchr(b'%', s)?;
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    let mut any = false;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            if let (Some(h), Some(l)) = (hex(s[i + 1]), hex(s[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                any = true;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    // A random value with `%bc` in it is not URL-encoded: the decoding must be text.
    let text = std::str::from_utf8(&out).is_ok_and(|t| !t.chars().any(char::is_control));
    (any && text).then_some(out)
}

/// A `.properties` file with its backslash escapes (`\:`, `\=`, `\#`, `\!`, `\ `, `\\`)
/// undone, and for each byte of the result its offset in `data` (line breaks are kept: a
/// trailing `\` continuation stays as it is).
pub(crate) fn properties_unescape(data: &[u8]) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::with_capacity(data.len());
    let mut at = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'\\'
            && matches!(
                data.get(i + 1),
                Some(b':' | b'=' | b'#' | b'!' | b' ' | b'\\')
            )
        {
            out.push(data[i + 1]);
            at.push(i + 1);
            i += 2;
            continue;
        }
        out.push(data[i]);
        at.push(i);
        i += 1;
    }
    (out, at)
}

/// Package-manager lockfiles: generated, full of hashes under package names.
pub(crate) fn is_lockfile(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    matches!(
        file,
        "package-lock.json"
            | "npm-shrinkwrap.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "bun.lock"
            | "Cargo.lock"
            | "go.sum"
            | "poetry.lock"
            | "Pipfile.lock"
            | "uv.lock"
            | "pdm.lock"
            | "Gemfile.lock"
            | "composer.lock"
            | "packages.lock.json"
            | "gradle.lockfile"
            | "flake.lock"
            | "mix.lock"
            | "pubspec.lock"
            | "Podfile.lock"
            | "Package.resolved"
    ) || file.ends_with(".lock")
}

/// File extensions of built assets, whose names carry content hashes.
const ASSET_EXT: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp", "js", "mjs", "cjs", "css",
    "map", "woff", "woff2", "ttf", "otf", "eot", "html", "htm", "json", "wasm", "mp4", "webm",
    "mp3", "ogg", "wav", "pdf", "txt", "xml", "gz", "br", "zip", "tgz", "jar", "whl", "so",
];

/// Is `secret` one part of a file name like `app-<hash>.png` or `chunk.<hash>.js`?
pub(crate) fn in_asset_name(data: &[u8], secret: &Range<usize>) -> bool {
    let before = secret.start.checked_sub(1).map(|i| data[i]);
    let ext_at = |i: usize| -> bool {
        if data.get(i) != Some(&b'.') {
            return false;
        }
        let e = data[i + 1..]
            .iter()
            .take(6)
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let ext = &data[i + 1..i + 1 + e];
        let end_ok =
            !matches!(data.get(i + 1 + e), Some(b) if b.is_ascii_alphanumeric() || *b == b'_');
        end_ok
            && ASSET_EXT
                .iter()
                .any(|x| x.as_bytes().eq_ignore_ascii_case(ext))
    };
    let s = &data[secret.clone()];
    // The secret itself ends with the extension (`…-7a388b69.png` captured whole).
    if let Some(dot) = memchr::memrchr(b'.', s) {
        if ext_at(secret.start + dot) && s[..dot].iter().any(|b| b.is_ascii_digit()) {
            return true;
        }
    }
    matches!(before, Some(b'-' | b'.' | b'_' | b'/' | b'@')) && ext_at(secret.end)
}

fn is_hex(s: &[u8]) -> bool {
    s.iter().all(|b| b.is_ascii_hexdigit())
}

fn is_uuid(s: &[u8]) -> bool {
    s.len() == 36
        && s.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Letter/digit alternations: random strings switch often, names and ids rarely
/// (`cmp2-qat-1208358310` switches once).
fn alternations(s: &[u8]) -> usize {
    s.windows(2)
        .filter(|w| {
            (w[0].is_ascii_alphabetic() && w[1].is_ascii_digit())
                || (w[0].is_ascii_digit() && w[1].is_ascii_alphabetic())
        })
        .count()
}

/// Extra rejections for generic rules (a secret-named key with some value). `key` is the key
/// name when the rule captured one.
pub(crate) fn generic_rejects(s: &[u8], key: Option<&[u8]>) -> bool {
    // Prose, UI strings and i18n messages have spaces; generated secrets do not.
    if s.iter().any(|b| b.is_ascii_whitespace()) {
        return true;
    }
    // Integrity and content hashes: `sha512-…` (SRI), `h1:…` (go.sum), `sha256:…` (digests).
    let lower = s.to_ascii_lowercase();
    for p in [
        &b"sha1-"[..],
        b"sha256-",
        b"sha384-",
        b"sha512-",
        b"sha1:",
        b"sha256:",
        b"sha512:",
        b"md5:",
        b"h1:",
    ] {
        if lower.starts_with(p) {
            return true;
        }
    }
    // UUIDs are ids (request, tenant, client ids) unless the key says password, secret or
    // API key; a `*_token` holding a UUID is usually a resource id or CSRF nonce.
    if is_uuid(s) {
        let k = key.map(|k| String::from_utf8_lossy(k).to_string());
        let words = k.as_deref().map(crate::names::words).unwrap_or_default();
        let strong = words.iter().enumerate().any(|(i, w)| {
            matches!(w.as_str(), "PASSWORD" | "PASSWD" | "SECRET" | "APIKEY")
                || (w == "KEY" && i > 0 && words[i - 1] == "API")
        });
        if !strong {
            return true;
        }
    }
    // A word with trailing punctuation (`Passwort:`, `Token!`): a label, not a value.
    let core_len = s.len()
        - s.iter()
            .rev()
            .take_while(|b| b.is_ascii_punctuation())
            .count();
    if core_len > 0 && s[..core_len].iter().all(|b| b.is_ascii_alphabetic()) {
        return true;
    }
    // Lower-case ids joined by separators with at most two letter/digit switches:
    // `cmp2-qat-1208358310`, `release-2024-01`, `v1.2.3-rc1`, `shop_session-id=x-probe`.
    let seps = s.iter().filter(|b| b"._-=:".contains(b)).count();
    if seps > 0
        && s.iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-=:".contains(b))
        && alternations(s) <= 2
    {
        return true;
    }
    // Version-like: digits and dots (`1.2.3`, `10.0.0.1`).
    if s.iter().all(|b| b.is_ascii_digit() || *b == b'.') {
        return true;
    }
    // URL paths and routes: `/oauth/token/refresh`, `api/v1/tokens/{id}`, `:id` segments;
    // every segment lower-case (base64 with `/` has mixed case, `+` or `=`).
    if s.contains(&b'/') && !s.contains(&b'+') && !s.contains(&b'=') {
        let segs: Vec<&[u8]> = s.split(|&b| b == b'/').filter(|x| !x.is_empty()).collect();
        let path_seg = |seg: &[u8]| {
            let seg = seg
                .strip_prefix(b":")
                .or_else(|| seg.strip_prefix(b"{").and_then(|x| x.strip_suffix(b"}")))
                .unwrap_or(seg);
            !seg.is_empty()
                && seg
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-~".contains(b))
        };
        if segs.len() >= 2 && segs.iter().all(|x| path_seg(x)) {
            return true;
        }
    }
    // A git commit id or content hash as the whole value of a `*_token`-like key is rare
    // enough to keep; hex shorter than 16 is an id, not a key.
    if s.len() < 16 && is_hex(s) && s.iter().all(|b| !b.is_ascii_uppercase()) {
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects() {
        for v in [
            "sha512-Q2VydGFpbmx5IG5vdCBhIHNlY3JldCBhdCBhbGwK",
            "h1:Q2VydGFpbmx5IG5vdCBhIHNlY3JldA=",
            "cmp2-qat-1208358310",
            "123e4567-e89b-12d3-a456-426614174000",
            "Passwort:",
            "/oauth/token/refresh",
            "api/v1/tokens/{id}",
            "1.2.3.4",
            "Enter your password",
        ] {
            assert!(generic_rejects(v.as_bytes(), Some(b"auth_token")), "{v}");
        }
        for v in [
            "Qm3vR8xT2kLp9sWz",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz2KEY",
            "7a388b69018576d24b59331fd60aab0c",
            "Velvet-Orbit-Canyon-7291",
        ] {
            assert!(!generic_rejects(v.as_bytes(), Some(b"auth_token")), "{v}");
        }
        // A UUID under a password/secret/API-key name is kept.
        assert!(!generic_rejects(
            b"123e4567-e89b-12d3-a456-426614174000",
            Some(b"client_secret")
        ));
    }

    #[test]
    fn assets_and_percent() {
        let t = b"src=\"/static/app-7a388b69018576d24b59331fd60aab0c.png\"";
        let at = 17..49;
        assert_eq!(&t[at.clone()], b"7a388b69018576d24b59331fd60aab0c");
        assert!(in_asset_name(t, &at));
        let t = b"key=7a388b69018576d24b59331fd60aab0c\n";
        assert!(!in_asset_name(t, &(4..36)));
        assert_eq!(percent_decode(b"p%40ss").as_deref(), Some(&b"p@ss"[..]));
        assert_eq!(percent_decode(b"plain"), None);
        assert_eq!(percent_decode(b"100%"), None);
    }

    #[test]
    fn lockfiles() {
        assert!(is_lockfile("web/package-lock.json"));
        assert!(is_lockfile("Cargo.lock"));
        assert!(!is_lockfile("app/.env"));
    }
}

/// A generic value that is base64 of printable text (a Kubernetes Secret's `data:` holds
/// every value so): the decoded text, judged like any value. Random secrets almost never
/// decode to printable text.
pub(crate) fn printable_base64(s: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine as _;
    if s.len() < 8 || s.len() & 3 != 0 {
        return None;
    }
    let d = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
    (d.len() >= 4 && d.iter().all(|b| (0x20..0x7f).contains(b))).then_some(d)
}

#[cfg(test)]
mod base64_tests {
    #[test]
    fn printable_base64() {
        assert_eq!(
            super::printable_base64(b"Y2hhbmdlbWU=").as_deref(),
            Some(&b"changeme"[..])
        );
        assert_eq!(super::printable_base64(b"Qm3vR8xT2kLp9sWz"), None);
    }
}
