//! Parsers for `os-release` (and the older release files), `/etc/passwd` and `/etc/shadow`.

use serde::Serialize;

/// The base OS, from `os-release` or a distribution's release file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OsInfo {
    /// `debian`, `alpine`, `ubuntu`, …
    pub id: String,
    /// `12`, `3.19.1`, `22.04`; may be empty (Debian testing/sid).
    pub version_id: String,
    pub pretty_name: String,
    /// The file it came from.
    pub source: String,
}

/// Parse an `os-release` file (shell-style `KEY=value`, values possibly quoted).
pub fn parse_os_release(data: &[u8], source: &str) -> Option<OsInfo> {
    let text = String::from_utf8_lossy(data);
    let mut info = OsInfo {
        source: source.to_string(),
        ..Default::default()
    };
    let mut name = String::new();
    for line in text.lines() {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"').trim_matches('\'').to_string();
        match k.trim() {
            "ID" => info.id = v.to_ascii_lowercase(),
            "VERSION_ID" => info.version_id = v,
            "PRETTY_NAME" => info.pretty_name = v,
            "NAME" => name = v,
            _ => {}
        }
    }
    if info.pretty_name.is_empty() {
        // os-release(5) makes PRETTY_NAME optional (minimal images drop it): name the OS
        // from NAME (or ID) and VERSION_ID rather than leave reports without one.
        let base = if name.is_empty() { &info.id } else { &name };
        info.pretty_name = format!("{base} {}", info.version_id).trim().to_string();
    }
    (!info.id.is_empty()).then_some(info)
}

/// Fallbacks when no `os-release` exists.
pub fn parse_release_file(path: &str, data: &[u8]) -> Option<OsInfo> {
    let v = String::from_utf8_lossy(data)
        .lines()
        .next()?
        .trim()
        .to_string();
    if v.is_empty() {
        return None;
    }
    let id = match path {
        "etc/alpine-release" => "alpine",
        "etc/debian_version" => "debian",
        "etc/redhat-release" => "rhel",
        "etc/centos-release" => "centos",
        _ => return None,
    };
    let version_id = if id == "debian" {
        // `12.5` → `12`; `trixie/sid` stays as is (no cycle match).
        v.split('.').next().unwrap_or(&v).to_string()
    } else if id == "rhel" || id == "centos" {
        v.split_whitespace()
            .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .unwrap_or("")
            .to_string()
    } else {
        v.clone()
    };
    Some(OsInfo {
        id: id.into(),
        pretty_name: if id == "rhel" || id == "centos" {
            v.clone()
        } else {
            format!("{id} {v}")
        },
        version_id,
        source: path.into(),
    })
}

#[cfg(test)]
mod os_release_tests {
    use super::*;

    #[test]
    fn a_missing_pretty_name_is_filled_from_name_and_version() {
        let o = parse_os_release(
            b"NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n",
            "etc/os-release",
        )
        .unwrap();
        assert_eq!(o.pretty_name, "Alpine Linux 3.20.3");
        let o = parse_os_release(b"ID=alpine\nVERSION_ID=3.20.3\n", "etc/os-release").unwrap();
        assert_eq!(o.pretty_name, "alpine 3.20.3");
        let o = parse_os_release(b"ID=alpine\nPRETTY_NAME=\"Alpine Linux v3.20\"\n", "x").unwrap();
        assert_eq!(o.pretty_name, "Alpine Linux v3.20");
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswdEntry {
    pub name: String,
    pub uid: String,
    pub line: usize,
}

pub fn parse_passwd(data: &[u8]) -> Vec<PasswdEntry> {
    String::from_utf8_lossy(data)
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|(i, l)| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() >= 3).then(|| PasswdEntry {
                name: f[0].to_string(),
                uid: f[2].trim().to_string(),
                line: i + 1,
            })
        })
        .collect()
}

/// Users whose shadow password field is empty: they can log in without a password.
pub fn empty_shadow_passwords(data: &[u8]) -> Vec<(String, usize)> {
    String::from_utf8_lossy(data)
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let mut f = l.split(':');
            let name = f.next()?.trim();
            let pw = f.next()?;
            (!name.is_empty() && pw.is_empty()).then(|| (name.to_string(), i + 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_release_and_fallbacks() {
        let o = parse_os_release(
            b"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n",
            "etc/os-release",
        )
        .unwrap();
        assert_eq!((o.id.as_str(), o.version_id.as_str()), ("debian", "12"));
        let a = parse_release_file("etc/alpine-release", b"3.19.1\n").unwrap();
        assert_eq!(a.version_id, "3.19.1");
        let d = parse_release_file("etc/debian_version", b"12.5\n").unwrap();
        assert_eq!(d.version_id, "12");
    }

    #[test]
    fn passwd_and_shadow() {
        let p = parse_passwd(b"root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\nbad\n");
        assert_eq!(p.len(), 2);
        let s = empty_shadow_passwords(b"root:*:1::::::\nbob::19000:0:99999:7:::\nlocked:!:1::\n");
        assert_eq!(s, vec![("bob".to_string(), 2)]);
    }
}
