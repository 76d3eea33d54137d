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

/// Longest Secret `data:` value decoded (a whole config file stored in a Secret).
const MAX_KUBE_VALUE: usize = 64 << 10;

/// A Kubernetes Secret's `data:` values are base64 of the real bytes (the API defines them
/// so): each value of a document whose `kind` is `Secret` is decoded and scanned again as
/// `key=decoded`, so `redis-url: cmVkaXM6Ly…` is judged as `redis-url=redis://…` and provider
/// rules that need their name (`CONSUL_HTTP_TOKEN=<uuid>`) see it. YAML (block mapping under
/// `data:`) and JSON (`"data": {…}`, `kubectl get secret -o json`) are read; `stringData:` is
/// plain text and needs no decoding. Matches are reported at the encoded value.
pub(crate) fn kube_secret_data(
    engine: &Engine,
    data: &[u8],
    s: usize,
    e: usize,
    cx: &ScanContext<'_>,
    raws: &mut Vec<Raw>,
) {
    let mut pairs: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    // Documents of the window (`---` separated), each only if it is a Secret.
    let mut docs: Vec<Range<usize>> = Vec::new();
    let mut doc_start = s;
    let mut i = s;
    while i < e {
        let le = memchr::memchr(b'\n', &data[i..e]).map_or(e, |p| i + p);
        if data[i..le].starts_with(b"---") {
            docs.push(doc_start..i);
            doc_start = (le + 1).min(e);
        }
        i = le + 1;
    }
    docs.push(doc_start..e);
    for doc in docs {
        if is_secret_doc(&data[doc.clone()]) {
            yaml_data_pairs(data, doc.clone(), &mut pairs);
            json_data_pairs(data, doc, &mut pairs);
        }
    }
    for (key, val) in pairs {
        if val.len() < 4 || val.len() > MAX_KUBE_VALUE {
            continue;
        }
        let Some(d) = b64_decode(&data[val.clone()]).filter(|d| is_text(d)) else {
            continue;
        };
        engine.rescan_pair(&data[key], &d, "base64", val, cx, raws);
    }
}

/// `kind: Secret` (YAML) or `"kind": "Secret"` (JSON) in this document.
fn is_secret_doc(doc: &[u8]) -> bool {
    doc.split(|&b| b == b'\n').any(|l| {
        let t: Vec<u8> = l
            .iter()
            .copied()
            .filter(|b| !matches!(b, b' ' | b'\t' | b'"' | b'\'' | b',' | b'\r'))
            .collect();
        t == b"kind:Secret" || memchr::memmem::find(&t, b"{kind:Secret").is_some()
    }) || {
        let compact: Vec<u8> = doc
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        memchr::memmem::find(&compact, b"\"kind\":\"Secret\"").is_some()
    }
}

fn strip_quotes(data: &[u8], mut r: Range<usize>) -> Range<usize> {
    if r.len() >= 2 && matches!(data[r.start], b'"' | b'\'') && data[r.end - 1] == data[r.start] {
        r = r.start + 1..r.end - 1;
    }
    r
}

/// `data:` then more-indented `key: value` lines.
fn yaml_data_pairs(data: &[u8], doc: Range<usize>, out: &mut Vec<(Range<usize>, Range<usize>)>) {
    let mut in_data: Option<usize> = None;
    let mut i = doc.start;
    while i < doc.end {
        let le = memchr::memchr(b'\n', &data[i..doc.end]).map_or(doc.end, |p| i + p);
        let mut end = le;
        while end > i && matches!(data[end - 1], b' ' | b'\t' | b'\r') {
            end -= 1;
        }
        let indent = data[i..end].iter().take_while(|b| **b == b' ').count();
        let t = i + indent;
        let line = &data[t..end];
        i = le + 1;
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        if let Some(di) = in_data {
            if indent > di {
                if let Some(c) = memchr::memmem::find(line, b": ") {
                    let key = strip_quotes(data, t..t + c);
                    let mut v = t + c + 2;
                    while v < end && data[v] == b' ' {
                        v += 1;
                    }
                    // A trailing comment (base64 has no spaces).
                    let ve = v + data[v..end].iter().take_while(|b| **b != b' ').count();
                    if ve > v {
                        out.push((key, strip_quotes(data, v..ve)));
                    }
                }
                continue;
            }
            in_data = None;
        }
        if line == b"data:" || line.starts_with(b"data: #") {
            in_data = Some(indent);
        }
    }
}

/// `"data": { "key": "value", … }`, on one line or many.
fn json_data_pairs(data: &[u8], doc: Range<usize>, out: &mut Vec<(Range<usize>, Range<usize>)>) {
    let hay = &data[doc.clone()];
    for p in memchr::memmem::find_iter(hay, b"\"data\"") {
        let mut j = doc.start + p + 6;
        let ws = |j: &mut usize| {
            while *j < doc.end && data[*j].is_ascii_whitespace() {
                *j += 1;
            }
        };
        ws(&mut j);
        if data.get(j) != Some(&b':') {
            continue;
        }
        j += 1;
        ws(&mut j);
        if data.get(j) != Some(&b'{') {
            continue;
        }
        j += 1;
        loop {
            ws(&mut j);
            let Some(k) = json_string(data, j, doc.end) else {
                break;
            };
            j = k.end + 1;
            ws(&mut j);
            if data.get(j) != Some(&b':') {
                break;
            }
            j += 1;
            ws(&mut j);
            let Some(v) = json_string(data, j, doc.end) else {
                break;
            };
            j = v.end + 1;
            out.push((k, v));
            ws(&mut j);
            if data.get(j) != Some(&b',') {
                break;
            }
            j += 1;
        }
    }
}

/// The contents of the JSON string opening at `data[j]` (no escapes: keys and base64).
fn json_string(data: &[u8], j: usize, end: usize) -> Option<Range<usize>> {
    if data.get(j) != Some(&b'"') {
        return None;
    }
    let close = j + 1 + memchr::memchr2(b'"', b'\\', &data[j + 1..end])?;
    (data[close] == b'"').then_some(j + 1..close)
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
