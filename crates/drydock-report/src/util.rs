//! Small shared helpers: path matching, sizes, digests, `created_by` clean-up, one-line
//! location text and control-character neutralisation.

use drydock_core::{Finding, Location};
use std::borrow::Cow;

pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub(crate) fn norm(p: &str) -> &str {
    let mut p = p;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p
}

pub fn same_path(a: &str, b: &str) -> bool {
    norm(a) == norm(b)
}

/// The directory of a file path (`.` for a bare name).
pub fn parent_dir(path: &str) -> String {
    match norm(path).rsplit_once('/') {
        Some(("", _)) => "/".to_string(),
        Some((dir, _)) => dir.to_string(),
        None => ".".to_string(),
    }
}

/// Whether `path` lies inside the directory `root` (`.` contains every relative path).
pub fn path_under(root: &str, path: &str) -> bool {
    let path = norm(path);
    if root.starts_with('/') && root.trim_matches('/').is_empty() {
        return path.starts_with('/');
    }
    let root = norm(root).trim_end_matches('/');
    if root.is_empty() || root == "." {
        return !path.starts_with('/');
    }
    path == root
        || path
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Decimal units like `docker images`: `874 B`, `1.2 kB`, `74.8 MB`, `1.02 GB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64;
    let mut unit = "B";
    for u in UNITS {
        if v < 1000.0 {
            break;
        }
        v /= 1000.0;
        unit = u;
    }
    if v < 10.0 && unit != "kB" {
        format!("{v:.2} {unit}")
    } else {
        format!("{v:.1} {unit}")
    }
}

/// `sha256:0123456789ab` (12 hex digits, as `docker history` shows).
pub fn short_digest(d: &str) -> String {
    match d.split_once(':') {
        Some((alg, hex)) => format!("{alg}:{}", hex.get(..12).unwrap_or(hex)),
        None => d.get(..12).unwrap_or(d).to_string(),
    }
}

/// The Dockerfile-ish instruction behind a history `created_by`: `/bin/sh -c #(nop) ENV X`
/// → `ENV X`, `/bin/sh -c apt-get …` → `RUN apt-get …`, BuildKit's `# buildkit` suffix dropped,
/// whitespace collapsed to one line.
pub fn instruction_of(created_by: &str) -> String {
    let mut s = created_by.trim();
    s = s.strip_suffix("# buildkit").unwrap_or(s).trim_end();
    let s = if let Some(rest) = s.strip_prefix("/bin/sh -c #(nop)") {
        rest.trim_start().to_string()
    } else if let Some(rest) = s.strip_prefix("/bin/sh -c ") {
        format!("RUN {}", rest.trim_start())
    } else {
        s.to_string()
    };
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cut to at most `max` characters, ending with `…` when cut.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.chars().count() <= max {
        return Cow::Borrowed(s);
    }
    let keep: String = s.chars().take(max.saturating_sub(1)).collect();
    Cow::Owned(format!("{keep}…"))
}

/// Make untrusted text (paths and strings from images) safe for a terminal: control
/// characters, including ESC, become visible `\x1b`-style escapes; tabs become spaces.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push_str("    "),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&c.escape_unicode().to_string());
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`clean`] but keeps line breaks (multi-line help text).
pub fn clean_multiline(s: &str) -> String {
    s.lines()
        .map(|l| clean(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Trojan-source style reordering characters: shown escaped so text reads as stored.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// One-line description of where a finding is, for formats without snippets.
pub fn location_text(f: &Finding) -> String {
    location_text_with(f, true) + &dockerfile_suffix(f)
}

/// ` ← Dockerfile:12:1 (also DF009)`: the Dockerfile instruction behind an image finding and
/// the rules merged into it (docs/correlation.md); empty when there are none.
pub fn dockerfile_suffix(f: &Finding) -> String {
    let mut s = String::new();
    if let Some(d) = &f.dockerfile_location {
        if !matches!(&f.location, Location::Source(l) if l == d) {
            s.push_str(&format!(
                " ← {}:{}:{}",
                d.path, d.start_line, d.start_column
            ));
        }
    }
    if !f.also.is_empty() {
        s.push_str(&format!(" (also {})", f.also.join(", ")));
    }
    s
}

/// `deleted`: mention "deleted in layer N — still extractable" (formats that have no
/// separate line for it).
pub fn location_text_with(f: &Finding, deleted: bool) -> String {
    let mut s = match &f.location {
        Location::Source(s) => {
            if s.start_line == s.end_line {
                format!("{}:{}:{}", s.path, s.start_line, s.start_column)
            } else {
                format!("{}:{}-{}", s.path, s.start_line, s.end_line)
            }
        }
        Location::Layer {
            image,
            layer,
            path,
            deleted_in,
            ..
        } => {
            let mut s = format!("{image} layer {layer}: /{}", path.trim_start_matches('/'));
            if let (Some(d), true) = (deleted_in, deleted) {
                s.push_str(&format!(" (deleted in layer {d} — still extractable)"));
            }
            s
        }
        Location::Config { image, field } => format!("{image} config {field}"),
        Location::Package {
            image,
            package,
            version,
            path,
            layer,
        } => {
            let mut s = format!(
                "{image}: {package} {version} (/{}",
                path.trim_start_matches('/')
            );
            if let Some(l) = layer {
                s.push_str(&format!(", layer {l}"));
            }
            s.push(')');
            s
        }
        Location::Container { container, field } => format!("container {container}: {field}"),
    };
    if let Some(p) = &f.platform {
        s.push_str(&format!(" [{p}]"));
    }
    s
}

/// Location text inside its target's section (the image name is in the heading).
pub fn location_in_target(f: &Finding, deleted: bool) -> String {
    location_in_target_only(f, deleted) + &dockerfile_suffix(f)
}

fn location_in_target_only(f: &Finding, deleted: bool) -> String {
    let full = location_text_with(f, deleted);
    match &f.location {
        Location::Layer { image, .. } | Location::Config { image, .. } => full
            .strip_prefix(image.as_str())
            .map_or(full.clone(), |r| r.trim_start().to_string()),
        Location::Package { image, .. } => full
            .strip_prefix(image.as_str())
            .and_then(|r| r.strip_prefix(':'))
            .map_or(full.clone(), |r| r.trim_start().to_string()),
        _ => full,
    }
}

/// The short fix to show: the finding's own, or for vulnerabilities the fixed version.
pub fn fix_text(f: &Finding) -> Option<String> {
    if let Some(auto) = &f.autofix {
        let how = f.fix.clone().unwrap_or_else(|| auto.description.clone());
        return Some(format!("{how} (fixable with `drydock fix`)"));
    }
    if let Some(fix) = &f.fix {
        return Some(fix.clone());
    }
    let v = f.vulnerability.as_ref()?;
    Some(match &v.fixed_version {
        Some(fixed) => format!("upgrade {} to {fixed} or later", v.package),
        None => format!("no fixed version of {} is known yet", v.package),
    })
}

/// Percent-encode a path for a URI reference: unreserved characters and `/` stay, everything
/// else (including `:` and `@` of image references) is encoded, so the result never parses as
/// a scheme.
pub fn uri_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert!(same_path("./Dockerfile", "Dockerfile"));
        assert!(path_under("ctx", "ctx/.env"));
        assert!(!path_under("ctx", "ctx2/.env"));
        assert!(path_under(".", "a/b"));
        assert!(path_under("/srv/app/", "/srv/app/x"));
        assert_eq!(parent_dir("app/Dockerfile"), "app");
        assert_eq!(parent_dir("Dockerfile"), ".");
        assert_eq!(parent_dir("/Dockerfile"), "/");
        assert!(path_under("/", "/etc/x") && !path_under("/", "etc/x"));
    }

    #[test]
    fn sizes_and_digests() {
        assert_eq!(human_size(874), "874 B");
        assert_eq!(human_size(1_234), "1.2 kB");
        assert_eq!(human_size(74_800_000), "74.8 MB");
        assert_eq!(human_size(1_020_000_000), "1.02 GB");
        assert_eq!(
            short_digest("sha256:0123456789abcdef"),
            "sha256:0123456789ab"
        );
    }

    #[test]
    fn instructions() {
        assert_eq!(instruction_of("/bin/sh -c #(nop)  ENV A=b"), "ENV A=b");
        assert_eq!(
            instruction_of("/bin/sh -c apt-get   update"),
            "RUN apt-get update"
        );
        assert_eq!(
            instruction_of("RUN /bin/sh -c make # buildkit"),
            "RUN /bin/sh -c make"
        );
    }

    #[test]
    fn control_characters_are_neutralised() {
        let s = clean("evil\u{1b}[31mred\u{202E}");
        assert!(!s.contains('\u{1b}') && !s.contains('\u{202E}'));
        assert!(s.contains("\\u{1b}"));
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(uri_path("app:1/etc/a b"), "app%3A1/etc/a%20b");
    }
}
