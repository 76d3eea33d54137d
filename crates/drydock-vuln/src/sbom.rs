//! SBOMs from the inventory: CycloneDX 1.5 JSON and SPDX 2.3 JSON.
use crate::ecosystem::OsInfo;
use crate::package::{Origin, Package};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// What the SBOM says about the image itself.
#[derive(Clone, Debug, Default)]
pub struct ImageMeta {
    /// Image reference as the user gave it (`debian:12`).
    pub name: String,
    /// Manifest or config digest (`sha256:…`), when known.
    pub digest: Option<String>,
    pub os: Option<OsInfo>,
    /// RFC 3339 creation time of the document; `None` = now. Fixed values make output reproducible.
    pub timestamp: Option<String>,
}

const TOOL: &str = "drydock";
const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// RFC 3339 UTC timestamp of now.
pub fn now_rfc3339() -> String {
    rfc3339(crate::db::now())
}

/// RFC 3339 UTC timestamp of a Unix time; the date part is drydock-core's one `Date`.
fn rfc3339(secs: i64) -> String {
    let date = drydock_core::eol::Date::from_days_since_epoch(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A UUID (v4 layout) derived from the content, so the same inventory gives the same id.
fn content_uuid(packages: &[Package], image: &ImageMeta) -> String {
    let mut h = Sha256::new();
    h.update(image.name.as_bytes());
    h.update(image.digest.as_deref().unwrap_or("").as_bytes());
    for p in packages {
        h.update(p.purl.as_bytes());
        h.update(p.path.as_bytes());
    }
    let mut b: [u8; 16] = h.finalize()[..16].try_into().unwrap_or([0; 16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..]
    )
}

fn ref_id(i: usize, p: &Package) -> String {
    // Unique even when the same purl is installed at two paths.
    format!("pkg-{i}-{}", crate::package::purl_encode(&p.name))
}

/// CycloneDX 1.5 JSON document.
pub fn cyclonedx_json(packages: &[Package], image: &ImageMeta) -> Value {
    let ts = image.timestamp.clone().unwrap_or_else(now_rfc3339);
    let mut components: Vec<Value> = Vec::new();
    if let Some(os) = &image.os {
        components.push(json!({
            "type": "operating-system",
            "bom-ref": "os",
            "name": os.id,
            "version": os.version_id,
            "description": os.pretty_name,
        }));
    }
    for (i, p) in packages.iter().enumerate() {
        let mut c = json!({
            "type": "library",
            "bom-ref": ref_id(i, p),
            "name": p.name,
            "version": p.version,
            "purl": p.purl,
            "properties": [
                {"name": "drydock:package:path", "value": p.path},
                {"name": "drydock:package:ecosystem", "value": p.ecosystem},
                {"name": "drydock:package:origin", "value": match p.origin { Origin::Os => "os", Origin::Language => "language" }},
            ],
        });
        let props = c["properties"]
            .as_array_mut()
            .expect("properties is an array");
        if let Some(l) = p.layer {
            props.push(json!({"name": "drydock:layer:index", "value": l.to_string()}));
        }
        if let Some(s) = &p.source_name {
            props.push(json!({"name": "drydock:package:source_name", "value": s}));
        }
        if let Some(s) = &p.source_version {
            props.push(json!({"name": "drydock:package:source_version", "value": s}));
        }
        if !p.licenses.is_empty() {
            c["licenses"] = Value::Array(
                p.licenses
                    .iter()
                    .map(|l| json!({"license": {"name": l}}))
                    .collect(),
            );
        }
        components.push(c);
    }
    let mut subject = json!({"type": "container", "bom-ref": "image", "name": image.name});
    if let Some(d) = &image.digest {
        subject["version"] = json!(d);
    }
    json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.5.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": format!("urn:uuid:{}", content_uuid(packages, image)),
        "version": 1,
        "metadata": {
            "timestamp": ts,
            "tools": {"components": [{"type": "application", "name": TOOL, "version": TOOL_VERSION}]},
            "component": subject,
        },
        "components": components,
    })
}

/// SPDX identifiers allow letters, digits, `.` and `-` only.
fn spdx_id(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Is this a plausible SPDX license expression (ids joined by AND/OR/WITH)? Free-text
/// license names go to `comment` instead, as SPDX requires.
fn spdx_expression(l: &str) -> bool {
    !l.is_empty()
        && l.split_whitespace().all(|t| {
            matches!(t, "AND" | "OR" | "WITH")
                || t.trim_matches(|c| c == '(' || c == ')')
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | ':'))
        })
}

/// SPDX 2.3 JSON document.
pub fn spdx_json(packages: &[Package], image: &ImageMeta) -> Value {
    let ts = image.timestamp.clone().unwrap_or_else(now_rfc3339);
    let uuid = content_uuid(packages, image);
    let mut pkgs = vec![json!({
        "SPDXID": "SPDXRef-Image",
        "name": image.name,
        "versionInfo": image.digest.clone().unwrap_or_else(|| "NOASSERTION".into()),
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "primaryPackagePurpose": "CONTAINER",
    })];
    let mut rels = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": "SPDXRef-Image",
    })];
    for (i, p) in packages.iter().enumerate() {
        let id = format!("SPDXRef-Package-{i}-{}", spdx_id(&p.name));
        let lic = match p.licenses.as_slice() {
            [one] if spdx_expression(one) => one.clone(),
            _ => "NOASSERTION".to_string(),
        };
        let mut v = json!({
            "SPDXID": id,
            "name": p.name,
            "versionInfo": p.version,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": lic,
            "sourceInfo": format!("{} found in {}{}", p.ecosystem, p.path, p.layer.map(|l| format!(" (layer {l})")).unwrap_or_default()),
            "externalRefs": [{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": p.purl,
            }],
            "primaryPackagePurpose": match p.origin { Origin::Os => "OPERATING-SYSTEM", Origin::Language => "LIBRARY" },
        });
        if lic == "NOASSERTION" && !p.licenses.is_empty() {
            v["comment"] = json!(format!("declared license: {}", p.licenses.join(", ")));
        }
        pkgs.push(v);
        rels.push(json!({"spdxElementId": "SPDXRef-Image", "relationshipType": "CONTAINS", "relatedSpdxElement": id}));
    }
    json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": format!("{} (drydock inventory)", image.name),
        "documentNamespace": format!("https://drydock.invalid/spdx/{}-{uuid}", spdx_id(&image.name)),
        "creationInfo": {"created": ts, "creators": [format!("Tool: {TOOL}-{TOOL_VERSION}")]},
        "packages": pkgs,
        "relationships": rels,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_timestamps() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        // 2000-02-29 (leap day) 23:59:59
        assert_eq!(super::rfc3339(951_868_799), "2000-02-29T23:59:59Z");
        assert_eq!(super::rfc3339(1_795_780_800), "2026-11-27T12:00:00Z");
        // Before the epoch.
        assert_eq!(super::rfc3339(-1), "1969-12-31T23:59:59Z");
    }
}
