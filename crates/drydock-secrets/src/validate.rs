//! Checks applied to a candidate secret after its regex matched: entropy, character classes,
//! placeholders/documentation values, and format checksums.

use base64::Engine as _;
use serde::Deserialize;

/// Shannon entropy in bits per byte.
pub fn entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CharClass {
    Lower,
    Upper,
    Digit,
    Symbol,
}

impl CharClass {
    fn has(self, s: &[u8]) -> bool {
        s.iter().any(|b| match self {
            CharClass::Lower => b.is_ascii_lowercase(),
            CharClass::Upper => b.is_ascii_uppercase(),
            CharClass::Digit => b.is_ascii_digit(),
            CharClass::Symbol => b.is_ascii_punctuation(),
        })
    }
}

pub fn class_count(s: &[u8]) -> usize {
    [
        CharClass::Lower,
        CharClass::Upper,
        CharClass::Digit,
        CharClass::Symbol,
    ]
    .iter()
    .filter(|c| c.has(s))
    .count()
}

pub fn has_classes(s: &[u8], req: &[CharClass]) -> bool {
    req.iter().all(|c| c.has(s))
}

/// Values published in vendor documentation. They are not working credentials, but seeing
/// them configured shows credentials are being baked in, so they are reported at low.
const DOCUMENTED_EXAMPLES: &[(&str, &str)] = &[
    ("AKIAIOSFODNN7EXAMPLE", "AWS documentation"),
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS documentation"),
    ("AKIAI44QH8DHBEXAMPLE", "AWS documentation"),
    ("je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", "AWS documentation"),
    ("ASIAIOSFODNN7EXAMPLE", "AWS documentation"),
    ("sk_test_4eC39HqLyjWDarjtT1zdp7dc", "Stripe documentation"),
    ("sk_test_BQokikJOvBiI2HlWgH4olfQ2", "Stripe documentation"),
    (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "jwt.io",
    ),
];

/// `Some(source)` when `s` is a documented example credential.
pub fn documented_example(s: &[u8]) -> Option<&'static str> {
    DOCUMENTED_EXAMPLES
        .iter()
        .find(|(k, _)| k.as_bytes() == s)
        .map(|(_, src)| *src)
}

fn contains_ci(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    hay.len() >= n.len() && hay.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Placeholders that no real credential of any format contains: `EXAMPLE`, `xxxx`, `<token>`,
/// `${VAR}`, `{{ … }}`, long runs of one character, long ascending/descending runs.
pub fn is_placeholder(s: &[u8]) -> bool {
    const WORDS: &[&str] = &[
        "example",
        "xxxx",
        "changeme",
        "change_me",
        "change-me",
        "placeholder",
        "redacted",
        "your_",
        "your-",
        "yourtoken",
        "yourkey",
        "yourpassword",
        "insert",
        "replace_me",
        "replaceme",
        "dummy",
        "notreal",
        "not_real",
        "not-a-real",
        "fake",
        "sample",
        "****",
        "....",
        "…",
    ];
    if WORDS.iter().any(|w| contains_ci(s, w)) {
        return true;
    }
    // `$VAR`, `${VAR}`, `%VAR%` (but not `$6$salt$hash` or `$apr1$…`).
    let var = |t: &[u8]| {
        !t.is_empty()
            && (t[0].is_ascii_alphabetic() || t[0] == b'_')
            && t.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    if let Some(rest) = s.strip_prefix(b"$") {
        if var(rest)
            || var(rest
                .strip_prefix(b"{")
                .unwrap_or(rest)
                .strip_suffix(b"}")
                .unwrap_or(b""))
        {
            return true;
        }
    }
    if s.len() > 2 && s.starts_with(b"%") && s.ends_with(b"%") && var(&s[1..s.len() - 1]) {
        return true;
    }
    for pat in [&b"${"[..], b"{{", b"}}", b"$("] {
        if memchr::memmem::find(s, pat).is_some() {
            return true;
        }
    }
    // `<your-token>`, `<PASSWORD>`, `%(db_password)s`: a named slot. A bare `<`, `>` or `%(`
    // is just a character of a generated password or a WordPress salt.
    if named_slot(s, b'<', b'>')
        || named_slot(s, b'(', b')') && memchr::memmem::find(s, b"%(").is_some()
    {
        return true;
    }
    // A slot cut at a space by an unquoted value: `<generate` of `<generate with openssl …>`.
    let word = |t: &[u8]| {
        !t.is_empty()
            && t.iter()
                .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(b))
    };
    if (s.first() == Some(&b'<') && word(&s[1..]))
        || (s.last() == Some(&b'>') && word(&s[..s.len() - 1]))
    {
        return true;
    }
    // Runs: 6 equal characters, or 6 consecutive ascending/descending ones (`123456`, `abcdef`).
    let mut same = 1;
    let mut up = 1;
    let mut down = 1;
    for w in s.windows(2) {
        let (a, b) = (w[0], w[1]);
        same = if a == b && a != b'=' { same + 1 } else { 1 };
        up = if b.is_ascii_alphanumeric() && b == a.wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if b.is_ascii_alphanumeric() && a == b.wrapping_add(1) {
            down + 1
        } else {
            1
        };
        // A long random token may hold a run of `A` (zero bytes in base64: X bearer tokens,
        // macaroons); a placeholder is short or low in entropy.
        if (same >= 6 && !(s.len() >= 40 && entropy(s) >= 4.0)) || up >= 6 || down >= 6 {
            return true;
        }
    }
    // Very few distinct characters for the length: `abababab…`, `0000…`.
    if s.len() >= 12 {
        let mut seen = [false; 256];
        let distinct = s
            .iter()
            .filter(|&&b| !std::mem::replace(&mut seen[b as usize], true))
            .count();
        if distinct <= 4 {
            return true;
        }
    }
    false
}

/// `open name close` somewhere in `s`, the name a word of letters, digits, `_ - . space`
/// (with at least one letter): `<your-token>`, `<API KEY>`, `%(password)s`.
fn named_slot(s: &[u8], open: u8, close: u8) -> bool {
    memchr::memchr_iter(open, s).any(|i| {
        let rest = &s[i + 1..];
        let n = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || b"_-. ".contains(b))
            .count();
        n > 0 && rest.get(n) == Some(&close) && rest[..n].iter().any(u8::is_ascii_alphabetic)
    })
}

/// A generated secret rather than code or a word: long enough, letters mixed with digits and
/// at least two different symbols, switching character class often (`x)pd1%y2)%#a2+6@…`, a
/// WordPress salt, `*yIRv*vm3uCn9fl~Tu`). Code (`getToken(name)`, `env['X']`) reads as
/// words: few switches.
pub fn looks_generated(s: &[u8]) -> bool {
    if s.len() < 12 || s.len() > 256 || s.iter().any(|b| !b.is_ascii_graphic()) {
        return false;
    }
    let class = |b: u8| {
        if b.is_ascii_digit() {
            0
        } else if b.is_ascii_lowercase() {
            1
        } else if b.is_ascii_uppercase() {
            2
        } else {
            3
        }
    };
    let mut symbols = [false; 128];
    for &b in s {
        if class(b) == 3 {
            symbols[b as usize] = true;
        }
    }
    let distinct_symbols = symbols.iter().filter(|x| **x).count();
    let has_digit = s.iter().any(u8::is_ascii_digit);
    let has_letter = s.iter().any(u8::is_ascii_alphabetic);
    let switches = s.windows(2).filter(|w| class(w[0]) != class(w[1])).count();
    has_digit
        && has_letter
        && distinct_symbols >= 2
        && switches * 5 >= s.len() * 2
        && entropy(s) >= 3.5
}

/// Extra filter for generic (keyword = value) rules: values that are words, code or references.
pub fn is_generic_non_secret(s: &[u8]) -> bool {
    const DUMMY: &[&str] = &[
        "password",
        "passwd",
        "secret",
        "token",
        "changeit",
        "foobar",
        "admin",
        "root",
        "qwerty",
        "letmein",
        "default",
        "hunter2",
        "test",
        "welcome",
        "guest",
        "demo",
        "none",
        "null",
        "undefined",
        "true",
        "false",
        "required",
        "optional",
        "string",
        "empty",
        "mysecret",
        "s3cr3t",
        "p@ss",
        "pass",
        "todo",
        "fixme",
        "value",
        "random",
        "generated",
        "config",
        "settings",
        "environ",
        "getenv",
        "process.env",
        "os.",
        "vault:",
        "secretref",
        "valuefrom",
    ];
    let lower = s.to_ascii_lowercase();
    if DUMMY
        .iter()
        .any(|d| memchr::memmem::find(&lower, d.as_bytes()).is_some())
    {
        return true;
    }
    // SOPS-encrypted values: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]`.
    if s.starts_with(b"ENC[") {
        return true;
    }
    // A generated password keeps its `(`, `~`, `*`… (the checks below are for code and paths).
    if looks_generated(s) && memchr::memmem::find(s, b"://").is_none() {
        return false;
    }
    // Markup glued to a value (`alice.<span class=…>` of highlighted code in HTML docs).
    if s.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/'))
    {
        return true;
    }
    // Paths, URLs without credentials, code references and calls.
    if matches!(
        s.first(),
        Some(
            b'~' | b'.'
                | b'@'
                | b'&'
                | b'*'
                | b'('
                | b'['
                | b'{'
                | b'!'
                | b'\\'
                | b'-'
                | b'|'
                | b'#'
        )
    ) {
        return true;
    }
    if is_reference_or_path(s) {
        return true;
    }
    // Absolute paths (`/run/secrets/db`), but not base64 that happens to start with `/`.
    if s.first() == Some(&b'/')
        && s.split(|&b| b == b'/').skip(1).all(|seg| {
            !seg.is_empty()
                && seg
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(b))
        })
    {
        return true;
    }
    if memchr::memmem::find(s, b"://").is_some() {
        return true;
    }
    if s.iter()
        .any(|&b| b == b'(' || b == b')' || b == b'[' || b == b']')
    {
        return true;
    }
    // dotted identifiers: `settings.DB_PASSWORD`, `this.token`, `a.b.c` (names switch
    // between letters and digits rarely; `p3FEhURxeJC346r8.D` is a random password)
    let ident = |p: &[u8]| {
        !p.is_empty()
            && (p[0].is_ascii_alphabetic() || p[0] == b'_')
            && p.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
            && p.windows(2)
                .filter(|w| {
                    let class = |b: u8| (b.is_ascii_digit(), b.is_ascii_uppercase());
                    w[0] != b'_' && w[1] != b'_' && class(w[0]) != class(w[1])
                })
                .count()
                * 3
                <= p.len()
    };
    if s.split(|&b| b == b'.').all(ident) && s.contains(&b'.') {
        return true;
    }
    // Lower-case names joined by `_ . -` (`scram-sha-256`, `base64_encoded_salt`,
    // `firstboot.locale-messages`): settings and identifiers, not generated secrets.
    let seps = s.iter().filter(|b| b"._-".contains(b)).count();
    let digits = s.iter().filter(|b| b.is_ascii_digit()).count();
    if seps > 0
        && s.iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(b))
        && digits * 10 < s.len() * 3
    {
        return true;
    }
    // snake/kebab/camel identifiers made of letters only: `get_password`, `secretName`.
    if s.iter()
        .all(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'-')
    {
        return true;
    }
    // file names: `key.pem`, `secrets.json`, also before a `#` comment glued to the value
    // (`cakey.pem# The private key`: INI formats end the value at `#`).
    let base = match memchr::memchr(b'#', &lower) {
        Some(i) if i > 0 => &lower[..i],
        _ => &lower[..],
    };
    for ext in [
        ".pem", ".key", ".json", ".yaml", ".yml", ".txt", ".crt", ".p12", ".jks", ".env", ".conf",
    ] {
        if base.ends_with(ext.as_bytes()) {
            return true;
        }
    }
    false
}

/// Bytes of a file path.
fn path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"._-/+@%~".contains(&b)
}

/// Config-style values that name where a secret lives instead of holding it: a variable
/// reference, alone or as the head of a path (`$dir/private/cakey.pem` in openssl.cnf,
/// `${HOME}/.ssh/id_rsa`, `${ENV::CONF}/key`, `$SECRETS_DIR/db`), optionally followed by a
/// `#` comment. Not `$6$salt$hash` or `$apr1$…` (crypt hashes: the variable must be a
/// name, and what follows it a path).
fn is_reference_or_path(s: &[u8]) -> bool {
    let Some(rest) = s.strip_prefix(b"$") else {
        return false;
    };
    let after = if let Some(inner) = rest.strip_prefix(b"{") {
        let Some(close) = memchr::memchr(b'}', inner) else {
            return false;
        };
        let name = &inner[..close];
        if name.is_empty()
            || !name
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"_:.-".contains(b))
        {
            return false;
        }
        &inner[close + 1..]
    } else {
        let len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        if len == 0 || rest[0].is_ascii_digit() {
            return false;
        }
        &rest[len..]
    };
    // Drop a glued comment.
    let after = match memchr::memchr(b'#', after) {
        Some(i) => &after[..i],
        None => after,
    };
    after.is_empty() || (matches!(after[0], b'/' | b'.') && after.iter().all(|&b| path_byte(b)))
}

const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

pub fn crc32(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let t = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, e) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *e = c;
        }
        t
    });
    let mut c = !0u32;
    for &b in data {
        c = t[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

fn base62_fixed(mut n: u32, width: usize) -> Vec<u8> {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = B62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm (`npm_`) tokens: a 4-byte prefix, 30
/// random base62 characters, then CRC32 of those 30 in base62 (6 chars, zero-padded).
pub fn crc32_base62_ok(token: &[u8]) -> bool {
    if token.len() != 40 {
        return false;
    }
    let (body, sum) = (&token[4..34], &token[34..]);
    base62_fixed(crc32(body), 6) == sum
}

fn b64_any(s: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let t: Vec<u8> = s
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    STANDARD
        .decode(&t)
        .or_else(|_| STANDARD_NO_PAD.decode(&t))
        .or_else(|_| URL_SAFE_NO_PAD.decode(&t))
        .or_else(|_| URL_SAFE.decode(&t))
        .ok()
}

/// A JWT's first segment must decode to a JSON object with `alg`.
pub fn jwt_ok(token: &[u8]) -> bool {
    let Some(header) = token.split(|&b| b == b'.').next() else {
        return false;
    };
    let Some(raw) = b64_any(header) else {
        return false;
    };
    match serde_json::from_slice::<serde_json::Value>(&raw) {
        Ok(serde_json::Value::Object(m)) => m.contains_key("alg"),
        _ => false,
    }
}

/// `user:password` in base64 (HTTP basic auth, docker `auths`, npm `_auth`), with a real
/// password part.
pub fn basic_auth_ok(b64: &[u8]) -> bool {
    let Some(raw) = b64_any(b64) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&raw) else {
        return false;
    };
    let Some((user, pass)) = text.split_once(':') else {
        return false;
    };
    !user.is_empty()
        && !pass.is_empty()
        && !text.chars().any(|c| c.is_control())
        && !is_placeholder(pass.as_bytes())
}

/// Outcome of looking inside a PEM/OpenSSH/PuTTY body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyBody {
    Plain,
    Encrypted,
}

/// The base64 lines of an armored key must decode to at least 32 bytes; says whether the key
/// is passphrase-protected.
pub fn key_body(body: &[u8], whole: &[u8]) -> Option<KeyBody> {
    let text = String::from_utf8_lossy(body);
    let b64: String = text
        .replace("\\n", "\n")
        .replace("\\r", "")
        .lines()
        .map(str::trim)
        .filter(|l| {
            let armor_crc = l.starts_with('=') && l.len() <= 5;
            !(l.contains(':') || l.is_empty() || l.starts_with("-----") || armor_crc)
        })
        .collect();
    let raw = b64_any(b64.as_bytes())?;
    // 32 bytes: an Ed25519 PKCS#8 key is 48 bytes of DER.
    if raw.len() < 32 {
        return None;
    }
    let encrypted = memchr::memmem::find(whole, b"ENCRYPTED").is_some()
        || memchr::memmem::find(whole, b"Encryption: aes").is_some()
        // OpenSSH: cipher name follows the magic; "none" means unencrypted.
        || (raw.starts_with(b"openssh-key-v1\0") && memchr::memmem::find(&raw[..raw.len().min(64)], b"none").is_none());
    Some(if encrypted {
        KeyBody::Encrypted
    } else {
        KeyBody::Plain
    })
}

/// base64 of a PEM private key (kubeconfig `client-key-data`).
pub fn base64_pem_key_ok(b64: &[u8]) -> bool {
    b64_any(b64).is_some_and(|raw| {
        memchr::memmem::find(&raw, b"PRIVATE KEY-----").is_some()
            && key_body(&raw, &raw).is_some_and(|_| true)
    })
}

/// Base36 (`0-9a-z`), as Ruby's `Integer#to_s(36)` writes it.
fn base36(mut n: u64) -> String {
    const D: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(D[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// GitLab routable tokens (`glpat-<base64url payload>.<2 base36: payload length><7 base36:
/// CRC32>`, GitLab 17.x `Authn::TokenField::Generator::RoutableToken`): the CRC32 covers
/// everything before it, prefix included. `None` for the older random 20-character format,
/// which has no checksum.
pub fn gitlab_routable(token: &[u8]) -> Option<bool> {
    let dot = memchr::memrchr(b'.', token)?;
    let (head, tail) = (&token[..dot], &token[dot + 1..]);
    if tail.len() != 9
        || !tail
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    {
        // Not the routable layout (a dot elsewhere): judged by the pattern alone.
        return None;
    }
    let dash = memchr::memchr(b'-', head)?;
    let payload = &head[dash + 1..];
    let len = std::str::from_utf8(&tail[..2]).ok()?;
    let crc = std::str::from_utf8(&tail[2..]).ok()?;
    let len_ok = u64::from_str_radix(len, 36).ok() == Some(payload.len() as u64);
    let sum = format!("{:0>7}", base36(crc32(&token[..dot + 3]) as u64));
    Some(len_ok && sum == crc)
}

/// A PyPI API token (`pypi-` + base64url of a version-2 macaroon): must decode, start with
/// version byte 2 and a location field, and end with a 32-byte signature field after its
/// end-of-section markers (<https://github.com/rescrv/libmacaroons/blob/master/doc/format.txt>).
pub fn pypi_macaroon(token: &[u8]) -> bool {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    let Some(body) = token.strip_prefix(b"pypi-") else {
        return false;
    };
    let Ok(raw) = URL_SAFE_NO_PAD.decode(body) else {
        return false;
    };
    if raw.first() != Some(&2) || raw.get(1) != Some(&1) {
        return false;
    }
    let varint = |raw: &[u8], i: &mut usize| -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *raw.get(*i)?;
            *i += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    };
    let mut i = 1;
    while i < raw.len() {
        let Some(kind) = varint(&raw, &mut i) else {
            return false;
        };
        if kind == 0 {
            continue;
        }
        let Some(n) = varint(&raw, &mut i) else {
            return false;
        };
        let end = i.saturating_add(n as usize);
        if end > raw.len() {
            return false;
        }
        if kind == 6 {
            return n == 32 && end == raw.len();
        }
        i = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_checksum() {
        // Example tokens from Kingfisher's github.yml / npm.yml (format-valid, not live).
        assert!(crc32_base62_ok(b"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"));
        assert!(crc32_base62_ok(b"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"));
        assert!(!crc32_base62_ok(
            b"ghp_sbUsUmRNn8X74dFU0DJ9Fm1mvdCgtH474T39"
        ));
        assert!(!crc32_base62_ok(b"ghp_short"));
    }

    #[test]
    fn references_and_paths_are_not_generic_secrets() {
        for v in [
            "$dir/private/cakey.pem",
            "$dir/private/cakey.pem#",
            "$dir/private/cakey",
            "${dir}/private/cakey",
            "${ENV::HOME}/.ssh/id_ed25519",
            "$SECRETS_DIR/db_password",
            "$HOME/.config/token",
            "$KEYFILE",
            "private/cakey.pem# The private key",
        ] {
            assert!(is_generic_non_secret(v.as_bytes()), "{v}");
        }
        // Crypt hashes and values that only start with `$` stay candidates.
        for v in [
            "$6$rounds=5000$saltsalt$Hk3nR9vQ2xLm7Tq",
            "$apr1$Xk3Lm9Qw$Tz7Rb2Nc5Vd8Hf1Jg4",
            "$2y$10$Qm3vR8xT2kLp9sWz4NcY7e",
            "$dir+Qm3vR8xT2kLp9sWz4NcY7",
            "$x/Qm3vR8xT2k=Lp9sWz4NcY7!",
        ] {
            assert!(!is_reference_or_path(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn gitlab_routable_checksum() {
        // Built the way GitLab's RoutableToken does: routing payload, 16 random bytes, their count.
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine as _;
        let payload = URL_SAFE_NO_PAD.encode([&b"o:1f\nu:2a"[..], &[0x5a; 16], &[16]].concat());
        let head = format!("glpat-{payload}.{:0>2}", base36(payload.len() as u64));
        let sum = format!("{:0>7}", base36(crc32(head.as_bytes()) as u64));
        let token = format!("{head}{sum}").into_bytes();
        assert_eq!(gitlab_routable(&token), Some(true));
        let mut bad = token.clone();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(gitlab_routable(&bad), Some(false));
        // Wrong payload length field.
        let mut badlen = token.clone();
        let dot = badlen.iter().rposition(|&b| b == b'.').unwrap();
        badlen[dot + 1] = b'z';
        assert_eq!(gitlab_routable(&badlen), Some(false));
        assert_eq!(gitlab_routable(b"glpat-DkOOJFgjW6i61rFAH1aa"), None);
    }

    #[test]
    fn pypi_macaroon_structure() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine as _;
        let field = |t: u8, d: &[u8]| [&[t, d.len() as u8][..], d].concat();
        let mut m = vec![2u8];
        m.extend(field(1, b"pypi.org"));
        m.extend(field(2, b"identifier-0123456789"));
        m.push(0);
        m.extend(field(2, br#"{"version":1,"permissions":"user"}"#));
        m.push(0);
        m.push(0);
        m.extend(field(6, &[7u8; 32]));
        let tok = format!("pypi-{}", URL_SAFE_NO_PAD.encode(&m));
        assert!(tok.starts_with("pypi-AgEIcHlwaS5vcmc"));
        assert!(pypi_macaroon(tok.as_bytes()));
        // Truncated (signature cut) and random tails are look-alikes.
        assert!(!pypi_macaroon(&tok.as_bytes()[..tok.len() - 8]));
        assert!(!pypi_macaroon(
            b"pypi-AgEIcHlwaS5vcmcxE-KNKTWBHWcmM69-fb7czd-jmTK9J4jq4A"
        ));
    }

    #[test]
    fn crc32_known_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn entropy_values() {
        assert_eq!(entropy(b"aaaa"), 0.0);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn placeholders() {
        for p in [
            "AKIAIOSFODNN7EXAMPLE",
            "xxxxxxxxxxxxxxxx",
            "${GITHUB_TOKEN}",
            "$TOKEN",
            "{{ .Values.token }}",
            "<your-token>",
            "changeme",
            "abcdefghijkl",
            "1234567890",
            "ababababababab",
            "%API_KEY%",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
        for s in [
            "sbUsUmRNn8X74dFU0DJ9Fm1mvdCgtH474T38",
            "Lab-Xk29fjQm2PzR7wq!",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn generic_filter() {
        for v in [
            "get_password",
            "settings.DB_PASSWORD",
            "/run/secrets/db",
            "os.getenv",
            "key.pem",
            "secret123",
            "scram-sha-256",
            "base64_encoded_64_byte_salt",
            "|sysusers.extra",
        ] {
            assert!(is_generic_non_secret(v.as_bytes()), "{v}");
        }
        assert!(!is_generic_non_secret(b"Kq8vR2mX9pL4tZ7w"));
        assert!(!is_generic_non_secret(b"//M4ZEbERJVlwGn2iFeehoNiPKUOkLSz"));
        assert!(!is_generic_non_secret(
            b"3f2c9a1e-8b7d-4c6a-9e5f-1a2b3c4d5e6f"
        ));
    }

    #[test]
    fn jwt_and_basic() {
        assert!(jwt_ok(
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.sig"
        ));
        assert!(!jwt_ok(b"eyJmb28iOiJiYXIifQ.eyJzdWIiOiIxIn0.sig"));
        assert!(basic_auth_ok(b"dXNlcjpTM2NyZXRQYXNz")); // user:S3cretPass
        assert!(!basic_auth_ok(b"bm9jb2xvbmhlcmU=")); // nocolonhere
    }
}
