//! Language package manifests: Python METADATA/PKG-INFO, Node package.json and
//! package-lock.json, Ruby gemspecs, PHP composer installed.json, Java archives.
use crate::package::{Kind, Package};
use serde_json::Value;
use std::io::Read;

/// Python core metadata (`*.dist-info/METADATA`, `*.egg-info/PKG-INFO`): RFC 822 headers.
pub fn parse_python_metadata(text: &str, path: &str, layer: usize) -> Option<Package> {
    let (mut name, mut version) = (None, None);
    let mut licenses = Vec::new();
    for line in text.lines() {
        if line.is_empty() {
            break; // the description body follows the headers
        }
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        match k {
            "Name" => name = Some(v.to_string()),
            "Version" => version = Some(v.to_string()),
            "License-Expression" if !v.is_empty() => licenses.insert(0, v.to_string()),
            "License"
                if !v.is_empty() && v != "UNKNOWN" && v.len() < 100 && licenses.is_empty() =>
            {
                licenses.push(v.to_string())
            }
            "Classifier" => {
                if let Some(l) = v
                    .strip_prefix("License :: OSI Approved :: ")
                    .or_else(|| v.strip_prefix("License :: "))
                {
                    if licenses.is_empty() {
                        licenses.push(l.trim().to_string());
                    }
                }
            }
            _ => {}
        }
    }
    let mut p = Package::new(Kind::Python, name?, version?, path, layer);
    p.licenses = licenses;
    Some(p)
}

fn npm_license(v: &Value) -> Vec<String> {
    match v.get("license") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Object(o)) => o
            .get("type")
            .and_then(Value::as_str)
            .map(|s| vec![s.to_string()])
            .unwrap_or_default(),
        _ => v
            .get("licenses")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|l| {
                        l.get("type")
                            .and_then(Value::as_str)
                            .or(l.as_str())
                            .map(str::to_string)
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// `node_modules/**/package.json` of an installed package.
pub fn parse_package_json(data: &[u8], path: &str, layer: usize) -> Option<Package> {
    let v: Value = serde_json::from_slice(data).ok()?;
    let name = v.get("name")?.as_str()?;
    let version = v.get("version")?.as_str()?;
    if name.is_empty() || version.is_empty() {
        return None;
    }
    let mut p = Package::new(Kind::Npm, name, version, path, layer);
    p.licenses = npm_license(&v);
    Some(p)
}

/// `package-lock.json` (lockfileVersion 1, 2 and 3) of an application.
pub fn parse_package_lock(data: &[u8], path: &str, layer: usize) -> Vec<Package> {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(pkgs) = v.get("packages").and_then(Value::as_object) {
        for (key, meta) in pkgs {
            // Keys are install paths: `node_modules/a/node_modules/@s/b`; "" is the app itself.
            let Some(idx) = key.rfind("node_modules/") else {
                continue;
            };
            let name = meta
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(&key[idx + 13..]);
            let Some(version) = meta.get("version").and_then(Value::as_str) else {
                continue;
            };
            if meta.get("link").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let mut p = Package::new(Kind::Npm, name, version, path, layer);
            p.licenses = npm_license(meta);
            out.push(p);
        }
    } else if let Some(deps) = v.get("dependencies").and_then(Value::as_object) {
        fn walk(
            deps: &serde_json::Map<String, Value>,
            path: &str,
            layer: usize,
            out: &mut Vec<Package>,
            depth: usize,
        ) {
            if depth > 64 {
                return;
            }
            for (name, meta) in deps {
                if let Some(version) = meta.get("version").and_then(Value::as_str) {
                    out.push(Package::new(Kind::Npm, name, version, path, layer));
                }
                if let Some(sub) = meta.get("dependencies").and_then(Value::as_object) {
                    walk(sub, path, layer, out, depth + 1);
                }
            }
        }
        walk(deps, path, layer, &mut out, 0);
    }
    out.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    out.dedup_by(|a, b| a.name == b.name && a.version == b.version);
    out
}

/// An installed gem's `specifications/NAME-VERSION.gemspec` (Ruby source written by
/// RubyGems: `s.name = "rake".freeze`, `s.version = "13.0.6"`, `s.licenses = ["MIT".freeze]`).
pub fn parse_gemspec(text: &str, path: &str, layer: usize) -> Option<Package> {
    fn quoted(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(st) = rest.find(['"', '\'']) {
            let q = rest.as_bytes()[st] as char;
            let Some(len) = rest[st + 1..].find(q) else {
                break;
            };
            out.push(rest[st + 1..st + 1 + len].to_string());
            rest = &rest[st + 1 + len + 1..];
        }
        out
    }
    let (mut name, mut version, mut licenses) = (None, None, Vec::new());
    for line in text.lines() {
        let l = line.trim();
        let Some((lhs, rhs)) = l.split_once('=') else {
            continue;
        };
        match lhs.trim() {
            "s.name" => name = quoted(rhs).into_iter().next(),
            "s.version" => version = quoted(rhs).into_iter().next(),
            "s.licenses" | "s.license" => licenses = quoted(rhs),
            _ => {}
        }
    }
    if name.is_none() || version.is_none() {
        // Fall back to the file name: `rack-3.0.8.gemspec`.
        let file = path.rsplit('/').next()?.strip_suffix(".gemspec")?;
        let (n, v) = file.rsplit_once('-')?;
        if !v.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        name.get_or_insert_with(|| n.to_string());
        version.get_or_insert_with(|| v.to_string());
    }
    let mut p = Package::new(Kind::Gem, name?, version?, path, layer);
    p.licenses = licenses;
    Some(p)
}

/// `vendor/composer/installed.json` (Composer 1: an array; Composer 2: `{"packages": [...]}`).
pub fn parse_composer_installed(data: &[u8], path: &str, layer: usize) -> Vec<Package> {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return Vec::new();
    };
    let list = match &v {
        Value::Array(a) => a.clone(),
        Value::Object(o) => o
            .get("packages")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    list.iter()
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?;
            let version = p.get("version")?.as_str()?;
            let mut pkg = Package::new(
                Kind::Composer,
                name,
                version.trim_start_matches('v'),
                path,
                layer,
            );
            pkg.licenses = p
                .get("license")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|l| l.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            Some(pkg)
        })
        .collect()
}

const MAX_NESTED_JAR: u64 = 64 << 20;
const MAX_SMALL_ENTRY: u64 = 1 << 20;

fn read_entry<R: Read>(r: R, cap: u64) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    r.take(cap + 1).read_to_end(&mut buf).ok()?;
    (buf.len() as u64 <= cap).then_some(buf)
}

fn parse_properties(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.starts_with('!'))
        .filter_map(|l| l.split_once(['=', ':']))
        .map(|(k, v)| (k.trim(), v.trim()))
}

/// Maven coordinates from a Java archive's `META-INF/maven/*/*/pom.properties`, recursing
/// one level into nested jars (`BOOT-INF/lib/`, `WEB-INF/lib/`, `lib/`). Without any
/// pom.properties, the manifest's `Implementation-Title/Version` and the file name give a
/// best-effort entry only when a group id is known (Maven advisories need `group:artifact`).
pub fn parse_jar(data: &[u8], path: &str, layer: usize, depth: usize, out: &mut Vec<Package>) {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(data)) else {
        return;
    };
    let mut found = 0usize;
    let mut manifest: Option<String> = None;
    for i in 0..zip.len().min(100_000) {
        let Ok(entry) = zip.by_index(i) else { continue };
        let name = entry.name().to_string();
        let size = entry.size();
        if name.starts_with("META-INF/maven/")
            && name.ends_with("/pom.properties")
            && size <= MAX_SMALL_ENTRY
        {
            let Some(buf) = read_entry(entry, MAX_SMALL_ENTRY) else {
                continue;
            };
            let text = String::from_utf8_lossy(&buf);
            let (mut g, mut a, mut v) = (None, None, None);
            for (k, val) in parse_properties(&text) {
                match k {
                    "groupId" => g = Some(val.to_string()),
                    "artifactId" => a = Some(val.to_string()),
                    "version" => v = Some(val.to_string()),
                    _ => {}
                }
            }
            if let (Some(g), Some(a), Some(v)) = (g, a, v) {
                out.push(Package::new(
                    Kind::Maven,
                    format!("{g}:{a}"),
                    v,
                    path,
                    layer,
                ));
                found += 1;
            }
        } else if name == "META-INF/MANIFEST.MF" && size <= MAX_SMALL_ENTRY {
            manifest = read_entry(entry, MAX_SMALL_ENTRY)
                .map(|b| String::from_utf8_lossy(&b).into_owned());
        } else if depth == 0
            && (name.ends_with(".jar") || name.ends_with(".war"))
            && size <= MAX_NESTED_JAR
        {
            // Parsed right away so at most one nested archive is in memory at a time.
            if let Some(buf) = read_entry(entry, MAX_NESTED_JAR) {
                // Nested packages are reported at `outer.jar!/BOOT-INF/lib/inner.jar`.
                parse_jar(&buf, &format!("{path}!/{name}"), layer, depth + 1, out);
            }
        }
    }
    if found == 0 {
        if let Some(m) = manifest {
            let field = |k: &str| {
                m.lines().find_map(|l| {
                    l.strip_prefix(k)
                        .and_then(|r| r.strip_prefix(':'))
                        .map(|v| v.trim().to_string())
                })
            };
            let group = field("Implementation-Vendor-Id").or_else(|| {
                field("Automatic-Module-Name")
                    .and_then(|n| n.rsplit_once('.').map(|(g, _)| g.to_string()))
            });
            let artifact = field("Implementation-Title").filter(|t| !t.contains(' '));
            let version = field("Implementation-Version").or_else(|| field("Bundle-Version"));
            if let (Some(g), Some(a), Some(v)) = (group, artifact, version) {
                out.push(Package::new(
                    Kind::Maven,
                    format!("{g}:{a}"),
                    v,
                    path,
                    layer,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests() {
        let m = "Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.1.2\nClassifier: License :: OSI Approved :: BSD License\n\nLicense: in body\n";
        let p = parse_python_metadata(
            m,
            "usr/lib/python3/dist-packages/Jinja2-3.1.2.dist-info/METADATA",
            1,
        )
        .unwrap();
        assert_eq!(
            (p.name.as_str(), p.version.as_str(), p.licenses[0].as_str()),
            ("Jinja2", "3.1.2", "BSD License")
        );
        let g = "Gem::Specification.new do |s|\n  s.name = \"rake\".freeze\n  s.version = \"13.0.6\"\n  s.licenses = [\"MIT\".freeze]\nend\n";
        let p = parse_gemspec(
            g,
            "usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec",
            0,
        )
        .unwrap();
        assert_eq!(
            (p.name.as_str(), p.version.as_str(), p.licenses.clone()),
            ("rake", "13.0.6", vec!["MIT".to_string()])
        );
        let p =
            parse_gemspec("# binary garbage", "x/specifications/rack-3.0.8.gemspec", 0).unwrap();
        assert_eq!((p.name.as_str(), p.version.as_str()), ("rack", "3.0.8"));
        let c =
            br#"{"packages":[{"name":"monolog/monolog","version":"v2.9.1","license":["MIT"]}]}"#;
        let v = parse_composer_installed(c, "app/vendor/composer/installed.json", 2);
        assert_eq!(
            (v[0].name.as_str(), v[0].version.as_str()),
            ("monolog/monolog", "2.9.1")
        );
        let lock = br#"{"lockfileVersion":3,"packages":{"":{"name":"app"},"node_modules/lodash":{"version":"4.17.20","license":"MIT"},"node_modules/a/node_modules/@s/b":{"version":"1.0.0"}}}"#;
        let v = parse_package_lock(lock, "app/package-lock.json", 0);
        assert_eq!(v.len(), 2);
        assert!(v.iter().any(|p| p.name == "@s/b"));
        assert!(parse_package_json(b"{not json", "x", 0).is_none());
    }
}
