//! Decode and scan again: secrets stored encoded inside a value. Base64 of JSON (Docker
//! `config.json` in a Kubernetes `.dockerconfigjson`, a JWT encoded once more) or of a PEM
//! key (`tls.key`, kubeconfig `client-key-data`), and PEM keys written as JSON strings
//! (`"-----BEGIN RSA PRIVATE KEY-----\nMII…"`). The decoded bytes go through the whole engine
//! one level deeper (at most `MAX_DEPTH`); a match found there is reported at the encoded
//! text's location with `decoded` saying how it was encoded.

use crate::{ContentKind, Engine, Raw, ScanContext};
use base64::Engine as _;
use std::ops::Range;

/// Levels of decoding: a JWT inside base64 inside a JSON string is two.
pub(crate) const MAX_DEPTH: u8 = 2;
/// Longest encoded run decoded (a PEM key or a config file is far smaller).
const MAX_ENCODED: usize = 256 << 10;
/// Base64 of `{"` (JSON, JWT headers), of `eyJ` (base64 JSON encoded again), of `-----BEGIN`.
const B64_HEADS: &[&[u8]] = &[b"eyJ", b"ZXlK", b"LS0tLS1CRUdJT"];

fn b64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')
}

fn b64_decode(s: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    STANDARD
        .decode(s)
        .or_else(|_| STANDARD_NO_PAD.decode(s))
        .or_else(|_| URL_SAFE_NO_PAD.decode(s))
        .or_else(|_| URL_SAFE.decode(s))
        .ok()
}

/// Decoded bytes worth scanning: text, not binary.
fn is_text(d: &[u8]) -> bool {
    !d.is_empty()
        && !d.contains(&0)
        && d.iter()
            .filter(|b| b.is_ascii_graphic() || b.is_ascii_whitespace() || **b >= 0x80)
            .count()
            * 20
            >= d.len() * 19
}

/// `\n`, `\r`, `\t`, `\/`, `\"`, `\\` of a JSON (or YAML double-quoted) string.
fn unescape(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' && i + 1 < s.len() {
            let c = match s[i + 1] {
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                other => other,
            };
            out.push(c);
            i += 2;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// Scan `decoded` one level deeper and report its matches at `at` in the outer data.
#[allow(clippy::too_many_arguments)]
fn rescan(
    engine: &Engine,
    decoded: &[u8],
    at: Range<usize>,
    how: &'static str,
    cx: &ScanContext<'_>,
    path: Option<&str>,
    depth: u8,
    raws: &mut Vec<Raw>,
) {
    let inner = ScanContext {
        path: path.or(cx.path),
        name: None,
        owner_package: cx.owner_package,
        kind: ContentKind::File,
    };
    for r in engine.scan_raw(decoded, &inner, false, 0, depth + 1) {
        raws.push(Raw {
            secret: at.clone(),
            matched: at.clone(),
            decoded: Some(r.decoded.unwrap_or(how)),
            ..r
        });
    }
}

/// The decode rule's window `data[s..e]`: decode what starts there and scan it.
pub(crate) fn run(
    engine: &Engine,
    data: &[u8],
    s: usize,
    e: usize,
    cx: &ScanContext<'_>,
    depth: u8,
    raws: &mut Vec<Raw>,
) {
    let mut i = s;
    while i < e {
        let starts_run = i == 0 || !b64_byte(data[i - 1]);
        let head = starts_run && B64_HEADS.iter().any(|h| data[i..].starts_with(h));
        if head {
            let end = i + data[i..]
                .iter()
                .take(MAX_ENCODED)
                .take_while(|b| b64_byte(**b))
                .count();
            // A JWT (`eyJ….eyJ….sig`) is the JWT rule's; here only whole base64 values.
            let jwt = data.get(end) == Some(&b'.');
            if !jwt && end - i >= 20 {
                if let Some(d) = b64_decode(&data[i..end]).filter(|d| is_text(d)) {
                    // Docker's config.json, wherever it was stored encoded.
                    let path = (d.starts_with(b"{")
                        && memchr::memmem::find(&d, b"\"auths\"").is_some())
                    .then_some(".docker/config.json");
                    rescan(engine, &d, i..end, "base64", cx, path, depth, raws);
                }
            }
            i = end.max(i + 1);
            continue;
        }
        if data[i] == b'-' && data[i..].starts_with(b"-----BEGIN ") {
            if let Some(span) = escaped_pem(data, i) {
                let d = unescape(&data[span.clone()]);
                rescan(
                    engine,
                    &d,
                    span.clone(),
                    "JSON string escapes",
                    cx,
                    None,
                    depth,
                    raws,
                );
                i = span.end;
                continue;
            }
        }
        i += 1;
    }
}

/// A PEM block written on one line with `\n` escapes: from `-----BEGIN …-----\n` to the
/// matching `-----END …-----`.
fn escaped_pem(data: &[u8], at: usize) -> Option<Range<usize>> {
    let head_end =
        at + 11 + memchr::memmem::find(&data[at + 11..(at + 80).min(data.len())], b"-----")?;
    let rest = &data[head_end + 5..];
    if !(rest.starts_with(b"\\n") || rest.starts_with(b"\\r\\n")) {
        return None;
    }
    let lim = (head_end + 20_000).min(data.len());
    let end_at = head_end + memchr::memmem::find(&data[head_end..lim], b"-----END ")?;
    let close =
        end_at + 9 + memchr::memmem::find(&data[end_at + 9..(end_at + 80).min(lim)], b"-----")?;
    Some(at..close + 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_and_finds_pem_spans() {
        assert_eq!(unescape(br"a\nb\/c\\d"), b"a\nb/c\\d");
        let t =
            br#"{"key": "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"}"#;
        let span = escaped_pem(t, 9).unwrap();
        assert!(t[span].ends_with(b"-----END RSA PRIVATE KEY-----"));
        assert!(escaped_pem(b"-----BEGIN CERTIFICATE-----\nMII", 0).is_none());
    }

    #[test]
    fn text_check() {
        assert!(is_text(b"{\"auths\": {}}"));
        assert!(!is_text(b"\x00\x01\x02binary"));
    }
}
