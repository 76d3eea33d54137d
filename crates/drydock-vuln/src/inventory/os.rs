//! OS package databases: dpkg status (and distroless `status.d/`), apk `installed`, and
//! the SQLite rpmdb with an RPM header-blob parser.
use crate::package::{Kind, Package};

/// Split Debian control-style text into paragraphs of (field, value) with continuation
/// lines folded in.
fn paragraphs(text: &str) -> Vec<Vec<(&str, String)>> {
    let mut out = Vec::new();
    let mut cur: Vec<(&str, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some(last) = cur.last_mut() {
                last.1.push('\n');
                last.1.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            cur.push((k.trim(), v.trim().to_string()));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Packages of a dpkg `status` file or one distroless `status.d/` file. Packages whose files
/// are on disk count (installed, unpacked, half-configured, triggers-pending…); leftovers
/// in `config-files` or `not-installed` state do not. Distroless files have no `Status`
/// field and list installed packages only.
pub fn parse_dpkg(text: &str, path: &str, layer: usize) -> Vec<Package> {
    let mut out = Vec::new();
    for para in paragraphs(text) {
        let get = |k: &str| {
            para.iter()
                .find(|(f, _)| f.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.as_str())
        };
        let (Some(name), Some(version)) = (get("Package"), get("Version")) else {
            continue;
        };
        if let Some(status) = get("Status") {
            // `want flag status`: files are on disk for every status but these two.
            if matches!(
                status.split_whitespace().last(),
                Some("not-installed" | "config-files") | None
            ) {
                continue;
            }
        }
        let mut p = Package::new(Kind::Dpkg, name, version, path, layer);
        // `Source: glibc (2.36-9+deb12u3)` when the source version differs.
        let (src, src_ver) = match get("Source") {
            Some(s) => match s.split_once('(') {
                Some((n, v)) => (
                    n.trim().to_string(),
                    v.trim_end_matches(')').trim().to_string(),
                ),
                None => (s.trim().to_string(), version.to_string()),
            },
            None => (name.to_string(), version.to_string()),
        };
        p.source_name = Some(src);
        p.source_version = Some(src_ver);
        p.arch = get("Architecture").map(str::to_string);
        out.push(p);
    }
    out
}

/// Packages of Alpine's `lib/apk/db/installed` (`P:` name, `V:` version, `o:` origin,
/// `A:` arch, `L:` license).
pub fn parse_apk(text: &str, path: &str, layer: usize) -> Vec<Package> {
    let mut out = Vec::new();
    let mut fields: Vec<(char, &str)> = Vec::new();
    let flush = |fields: &mut Vec<(char, &str)>, out: &mut Vec<Package>| {
        let get = |k: char| fields.iter().find(|(f, _)| *f == k).map(|(_, v)| *v);
        if let (Some(n), Some(v)) = (get('P'), get('V')) {
            let mut p = Package::new(Kind::Apk, n, v, path, layer);
            p.source_name = Some(get('o').unwrap_or(n).to_string());
            p.source_version = Some(v.to_string());
            p.arch = get('A').map(str::to_string);
            if let Some(l) = get('L').filter(|l| !l.is_empty()) {
                p.licenses.push(l.to_string());
            }
            out.push(p);
        }
        fields.clear();
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut fields, &mut out);
            continue;
        }
        let mut chars = line.chars();
        if let (Some(k), Some(':')) = (chars.next(), chars.next()) {
            fields.push((k, &line[2..]));
        }
    }
    flush(&mut fields, &mut out);
    out
}

/// The fields drydock needs from one RPM header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RpmHeader {
    pub name: String,
    pub version: String,
    pub release: String,
    pub epoch: Option<u32>,
    pub arch: Option<String>,
    pub license: Option<String>,
    pub sourcerpm: Option<String>,
}

/// Parse an RPM header blob as stored in rpmdb (see `drydock_rpmdb::Header`).
pub fn parse_rpm_header(blob: &[u8]) -> Result<RpmHeader, String> {
    use drydock_rpmdb as r;
    let h = r::Header::parse(blob)?;
    let out = RpmHeader {
        name: h.string(r::TAG_NAME).unwrap_or_default(),
        version: h.string(r::TAG_VERSION).unwrap_or_default(),
        release: h.string(r::TAG_RELEASE).unwrap_or_default(),
        epoch: h.int32s(r::TAG_EPOCH)?.and_then(|v| v.first().copied()),
        arch: h.string(r::TAG_ARCH),
        license: h.string(r::TAG_LICENSE),
        sourcerpm: h.string(r::TAG_SOURCERPM),
    };
    if out.name.is_empty() || out.version.is_empty() {
        return Err("header has no NAME or VERSION".into());
    }
    Ok(out)
}

/// `glibc-2.34-60.el9.src.rpm` → (`glibc`, `2.34-60.el9`).
pub fn split_sourcerpm(s: &str) -> Option<(String, String)> {
    let base = s.strip_suffix(".rpm")?;
    let base = base
        .strip_suffix(".src")
        .or_else(|| base.strip_suffix(".nosrc"))
        .unwrap_or(base);
    let (nv, rel) = base.rsplit_once('-')?;
    let (name, ver) = nv.rsplit_once('-')?;
    Some((name.to_string(), format!("{ver}-{rel}")))
}

/// Packages of an rpm database given as bytes: `rpmdb.sqlite` (written to a private
/// temporary file, SQLite needs a file), Berkeley DB `Packages` or ndb `Packages.db`.
pub fn parse_rpmdb(data: &[u8], path: &str, layer: usize) -> Result<Vec<Package>, String> {
    let blobs = drydock_rpmdb::database_blobs(data)?;
    let mut out = Vec::new();
    for (i, b) in blobs.iter().enumerate() {
        let h = parse_rpm_header(b).map_err(|e| format!("package header {i}: {e}"))?;
        if h.name == "gpg-pubkey" {
            continue;
        }
        let evr = match h.epoch {
            Some(e) if e > 0 => format!("{e}:{}-{}", h.version, h.release),
            _ => format!("{}-{}", h.version, h.release),
        };
        let mut p = Package::new(Kind::Rpm, &h.name, &evr, path, layer);
        match h.sourcerpm.as_deref().and_then(split_sourcerpm) {
            Some((n, v)) => {
                p.source_name = Some(n);
                // The source RPM carries no epoch; the binary's applies to it.
                p.source_version = Some(match h.epoch {
                    Some(e) if e > 0 => format!("{e}:{v}"),
                    _ => v,
                });
            }
            None => {
                p.source_name = Some(h.name.clone());
                p.source_version = Some(evr.clone());
            }
        }
        p.arch = h.arch.clone();
        if let Some(l) = h.license.filter(|l| !l.is_empty()) {
            p.licenses.push(l);
        }
        out.push(p);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sourcerpm_names() {
        assert_eq!(
            split_sourcerpm("glibc-2.34-60.el9.src.rpm"),
            Some(("glibc".into(), "2.34-60.el9".into()))
        );
        assert_eq!(
            split_sourcerpm("python3.11-3.11.5-1.el9_3.src.rpm"),
            Some(("python3.11".into(), "3.11.5-1.el9_3".into()))
        );
        assert_eq!(split_sourcerpm("nonsense"), None);
        assert!(parse_rpm_header(&[0, 0, 0, 1]).is_err());
        assert!(parse_rpm_header(&[0, 0, 0, 9, 0, 0, 0, 1]).is_err());
    }
}
