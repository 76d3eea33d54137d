//! The generic assignment detector: `KEY <operator> VALUE` where the key's name says it holds
//! a secret, in the syntaxes of config files, shells and programming languages.
//!
//! Hand-written rather than one regex per syntax: what makes a match is the same in every
//! language (a secret-named key, an assignment operator, a literal value on the same line),
//! and a small tokenizer states it once. It is anchored on key tokens near the rule's keyword
//! hits, so it never needs to know where a line's strings start (windows may begin mid-line)
//! and it never lets an empty value take the next line as its value.
//!
//! Forms, after the key (`password`, `"password"`, `$password`, `--password`, `<password>`,
//! `ENV['PASSWORD']`, `$env:PASSWORD`, `:password`):
//! - operators `=`, `:=`, `::=`, `:::=`, `?=`, `+=`, `.=`, `=>`, `:` (env, shell, YAML, JSON,
//!   TOML, INI, `.reg`, properties, HCL, Makefile, Go, PHP, Ruby, Python, JS/TS, Kotlin,
//!   Scala, C#, Swift, Rust, Groovy, PowerShell, XML attributes);
//! - a type between key and `=`: `X: str =`, `x: &'static str =`, `var xToken string =`;
//! - a quoted key, a comma and a quoted value inside a call: `System.setProperty("X", "…")`,
//!   `define('X', '…')`, `os.environ.setdefault("X", "…")`;
//! - XML elements `<password>…</password>`;
//! - whitespace: CLI flags (`--token …`, `-Password '…'`), and a key that starts a line with
//!   a single value after it (`.properties`, `redis.conf`'s `requirepass …`, `ENV KEY value`);
//! - YAML block scalars (`password: |` then the indented line).
//!
//! Values: quoted (`"…"` and `'…'` with backslash escapes, backticks raw, with `b`/`r`/`u`/`@`
//! prefixes) or unquoted up to whitespace. In source files an unquoted value must not be an
//! identifier or expression (`token = getToken()` / `apiKey = otherVar`), and declarations
//! (`const`, `let`, `val`, `String x = …`) need a quoted literal.

use std::ops::Range;

/// One candidate: the whole assignment, the value, the key name.
pub(crate) struct Assignment {
    pub whole: Range<usize>,
    pub secret: Range<usize>,
    pub key: Range<usize>,
    /// The key's name says it holds a secret (`name_suggests_secret`): a generic finding.
    /// Other keys with a secret stem (`B2_APPLICATION_KEY`, `ddApiKey`) are kept for the
    /// provider rules' `key=value` rescan only.
    pub named: bool,
}

const fn table(chars: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < chars.len() {
        t[chars[i] as usize] = true;
        i += 1;
    }
    t
}

/// Bytes of a key name (`spring.datasource.password`, `api-key`, `X_TOKEN`).
const KEY: [bool; 256] = {
    let mut t = table(b"_.-");
    let mut c = b'0';
    while c <= b'9' {
        t[c as usize] = true;
        c += 1;
    }
    let mut c = b'a';
    while c <= b'z' {
        t[c as usize] = true;
        t[(c - 32) as usize] = true;
        c += 1;
    }
    t
};

/// Stems one of which every secret-bearing name contains (`name_suggests_secret` decides).
const STEMS: &[&[u8]] = &[
    b"pass", b"pwd", b"secret", b"token", b"key", b"cred", b"auth", b"cookie", b"dsn",
];

/// Longest key and value looked at.
const MAX_KEY: usize = 100;
const MAX_VALUE: usize = 1024;
/// Longest value reported as one secret.
const MAX_SECRET: usize = 256;

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn line_end(data: &[u8], from: usize) -> usize {
    let lim = (from + MAX_VALUE + 256).min(data.len());
    memchr::memchr2(b'\n', b'\r', &data[from..lim]).map_or(lim, |p| from + p)
}

fn line_start(data: &[u8], at: usize) -> usize {
    let lo = at.saturating_sub(512);
    memchr::memrchr(b'\n', &data[lo..at]).map_or(lo, |p| lo + p + 1)
}

fn skip_spaces(data: &[u8], mut i: usize, end: usize) -> usize {
    while i < end && is_space(data[i]) {
        i += 1;
    }
    i
}

/// Runs for every key-like token in a window: a plain loop, no searcher built per call.
fn has_stem(key: &[u8]) -> bool {
    (0..key.len()).any(|i| {
        STEMS.iter().any(|s| {
            key.len() - i >= s.len()
                && key[i..i + s.len()]
                    .iter()
                    .zip(s.iter())
                    .all(|(a, b)| a.to_ascii_lowercase() == *b)
        })
    })
}

/// Source files, where an unquoted right-hand side is code, not a literal.
fn is_source_path(path: Option<&str>) -> bool {
    let Some(p) = path else { return false };
    let ext = p.rsplit('/').next().unwrap_or(p);
    let Some((_, ext)) = ext.rsplit_once('.') else {
        return false;
    };
    matches!(
        ext.to_ascii_lowercase().as_str(),
        "go" | "java"
            | "kt"
            | "kts"
            | "scala"
            | "sc"
            | "groovy"
            | "gradle"
            | "cs"
            | "swift"
            | "rs"
            | "js"
            | "mjs"
            | "cjs"
            | "jsx"
            | "ts"
            | "tsx"
            | "py"
            | "rb"
            | "php"
            | "c"
            | "cc"
            | "cpp"
            | "h"
            | "hpp"
            | "m"
            | "dart"
            | "lua"
            | "pl"
            | "pm"
            | "ps1"
            | "psm1"
            | "vue"
            | "svelte"
    )
}

/// Declaration words that make the line code: its value must be a quoted literal.
fn line_is_declaration(line: &[u8]) -> bool {
    const DECL: &[&[u8]] = &[
        b"const ",
        b"let ",
        b"var ",
        b"val ",
        b"final ",
        b"static ",
        b"private ",
        b"public ",
        b"protected ",
        b"String ",
        b"string ",
        b"def ",
        b"my ",
        b"local ",
        b"auto ",
    ];
    let t = &line[line.iter().take_while(|b| is_space(**b)).count()..];
    DECL.iter().any(|d| memchr::memmem::find(t, d).is_some())
}

/// Parse a quoted value starting at `data[i]` (the opening quote); returns the contents'
/// range and the index after the closing quote. Strings never cross a line.
fn quoted(data: &[u8], i: usize, end: usize) -> Option<(Range<usize>, usize)> {
    let q = data[i];
    let mut j = i + 1;
    while j < end {
        let b = data[j];
        if b == b'\\' && q != b'`' {
            j += 2;
            continue;
        }
        if b == q {
            return Some((i + 1..j, j + 1));
        }
        j += 1;
    }
    None
}

/// Parse the value at `v` (after the operator and spaces). `quoted_only`: code context.
fn value(data: &[u8], v: usize, end: usize, quoted_only: bool) -> Option<(Range<usize>, usize)> {
    if v >= end {
        return None;
    }
    let mut i = v;
    // String prefixes: Python b"" r"" u"" f"", C# @"" and $"", C/C++ L"" u8"".
    if i + 1 < end && b"bBrRuUfF@L$".contains(&data[i]) && b"\"'".contains(&data[i + 1]) {
        i += 1;
    }
    match data[i] {
        b'"' | b'\'' | b'`' => {
            let (r, after) = quoted(data, i, end)?;
            // Empty, or Python triple quotes (the string is on the following lines).
            (!r.is_empty()).then_some((r, after))
        }
        _ if quoted_only => None,
        _ => {
            let mut j = i;
            while j < end && !is_space(data[j]) {
                j += 1;
            }
            // Trailing code punctuation: `password=abc;`, `{ token: abc }`, `f(x=abc)`.
            let mut k = j;
            while k > i && b";,)}]\"'".contains(&data[k - 1]) {
                k -= 1;
            }
            (k > i).then_some((i..k, j))
        }
    }
}

/// YAML block scalar indicator (`|`, `>`, `|-`, `>+2`) alone on the rest of the line.
fn is_block_indicator(rest: &[u8]) -> bool {
    let t: &[u8] = {
        let e = rest.iter().position(|&b| b == b'#').unwrap_or(rest.len());
        let mut s = &rest[..e];
        while let [x @ .., last] = s {
            if is_space(*last) {
                s = x;
            } else {
                break;
            }
        }
        s
    };
    matches!(t.first(), Some(b'|' | b'>'))
        && t[1..]
            .iter()
            .all(|b| b.is_ascii_digit() || *b == b'-' || *b == b'+')
        && t.len() <= 3
}

/// The first line of a block scalar after the line ending at `eol`, if more indented than
/// the key's line.
fn block_value(data: &[u8], key_line: usize, eol: usize) -> Option<Range<usize>> {
    let indent = data[key_line..]
        .iter()
        .take_while(|b| is_space(**b))
        .count();
    let mut i = eol;
    while i < data.len() && (data[i] == b'\r' || data[i] == b'\n') {
        i += 1;
    }
    let le = line_end(data, i);
    let ind = data[i..le].iter().take_while(|b| is_space(**b)).count();
    if ind <= indent || i + ind >= le {
        return None;
    }
    let mut e = le;
    while e > i + ind && is_space(data[e - 1]) {
        e -= 1;
    }
    Some(i + ind..e)
}

/// Find assignments whose key starts in `data[s..e]`.
pub(crate) fn find(data: &[u8], s: usize, e: usize, path: Option<&str>, out: &mut Vec<Assignment>) {
    let source = is_source_path(path);
    let mut i = s;
    // Do not start inside a token that began before the window.
    while i < e && i > 0 && KEY[data[i - 1] as usize] && KEY[data[i] as usize] {
        i += 1;
    }
    while i < e {
        if !KEY[data[i] as usize] {
            i += 1;
            continue;
        }
        let ks = i;
        while i < data.len() && KEY[data[i] as usize] && i - ks <= MAX_KEY {
            i += 1;
        }
        let ke = i;
        if ke - ks > MAX_KEY || ke - ks < 3 || !has_stem(&data[ks..ke]) {
            continue;
        }
        if let Some(mut a) = at_key(data, ks, ke, source) {
            a.named =
                std::str::from_utf8(&data[a.key.clone()]).is_ok_and(crate::name_suggests_secret);
            // A secret's value is not read for keys; any other value may be a secret's name
            // (`<add key="DbPassword" value="…"/>`).
            if a.named {
                i = i.max(a.whole.end);
            }
            out.push(a);
        }
    }
}

/// The assignment whose key is the key-like token around `data[hs..he]` (a keyword hit),
/// if any: for provider rules that read `key=value` (their name is in the key).
pub(crate) fn around(data: &[u8], hs: usize, he: usize, path: Option<&str>) -> Option<Assignment> {
    let mut ks = hs;
    while ks > 0 && KEY[data[ks - 1] as usize] && hs - ks <= MAX_KEY {
        ks -= 1;
    }
    let mut ke = he;
    while ke < data.len() && KEY[data[ke] as usize] && ke - he <= MAX_KEY {
        ke += 1;
    }
    if ke - ks > MAX_KEY || ke <= ks {
        return None;
    }
    at_key(data, ks, ke, is_source_path(path))
}

/// Is there an assignment whose key is `data[ks..ke]`?
fn at_key(data: &[u8], ks: usize, ke: usize, source: bool) -> Option<Assignment> {
    let raw_key = &data[ks..ke];
    // The name as `name_suggests_secret` sees it: without CLI dashes.
    let name_start = ks + raw_key.iter().take_while(|b| **b == b'-').count();
    let dashes = name_start - ks;
    if name_start >= ke {
        return None;
    }
    std::str::from_utf8(&data[name_start..ke]).ok()?;
    let ls = line_start(data, ks);
    let le = line_end(data, ke);
    let before = if ks > 0 { data[ks - 1] } else { b'\n' };
    let at_line_start = data[ls..ks].iter().all(|b| is_space(*b));
    let line = &data[ls..le];
    let quoted_only = source || line_is_declaration(line);
    let key = name_start..ke;
    let done = |secret: Range<usize>, end: usize| {
        // One credential, not a blob (keys and certificates have their own rules).
        if secret.is_empty() || secret.len() > MAX_SECRET {
            return None;
        }
        Some(Assignment {
            whole: ks.min(secret.start)..end.max(secret.end),
            secret,
            key: key.clone(),
            named: false,
        })
    };

    // `name: DB_PASSWORD` … `value: …`: the key is itself a value (ECS/Kubernetes env lists,
    // .NET `<add key="DbPassword" value="…"/>`, CloudFormation `ParameterKey`).
    if let Some(a) = pair_form(data, ks, ke, key.clone()) {
        return Some(a);
    }

    // XML element: `<password>value</password>`.
    if before == b'<' && dashes == 0 {
        if data.get(ke) != Some(&b'>') {
            return None;
        }
        let vs = ke + 1;
        let lt = vs + memchr::memchr(b'<', &data[vs..le])?;
        if data.get(lt + 1) != Some(&b'/') {
            return None;
        }
        let mut a = vs;
        let mut b = lt;
        while a < b && is_space(data[a]) {
            a += 1;
        }
        while b > a && is_space(data[b - 1]) {
            b -= 1;
        }
        if b <= a {
            return None;
        }
        return Some(Assignment {
            whole: ks - 1..lt,
            secret: a..b,
            key,
            named: false,
        });
    }

    let mut j = ke;
    // A quoted key closes its quote; otherwise the quote opened an enclosing string
    // (`-H "X-Api-Key: …"`, `echo "password=…"`) and the key is read as unquoted.
    let quoted_key = matches!(before, b'"' | b'\'' | b'`') && data.get(j) == Some(&before);
    if quoted_key {
        j += 1;
    }
    // `ENV['X']`, `os.environ["X"]`, `$_ENV['X']`, `params[:token]`.
    if data.get(j) == Some(&b']') {
        j += 1;
    } else if data.get(j) == Some(&b'[') && !quoted_key {
        // C/C++ arrays: `char api_key[] = "…"`, `char token[41] = "…"`.
        let n = data[j + 1..le]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if data.get(j + 1 + n) == Some(&b']') {
            j += n + 2;
        }
    }
    j = skip_spaces(data, j, le);

    // CLI flags: `--token=…` is an operator form below; `--token …`, `-Password '…'`.
    if dashes > 0 {
        if dashes > 2 || !(ks == ls || is_space(before)) {
            return None;
        }
        if j < le && data[j] == b'=' {
            let (v, end) = value(data, j + 1, le, false)?;
            return done(v, end);
        }
        if j == ke || j >= le {
            return None;
        }
        let (v, end) = value(data, j, le, false)?;
        // A following flag is not a value (`--password --verbose`).
        if data[v.start] == b'-' {
            return None;
        }
        return done(v, end);
    }

    // HCL: `variable "db_password" {` … `default = "…"` inside the block.
    if quoted_key && before == b'"' && j < le && data[j] == b'{' {
        let lead = &data[ls..ks - 1];
        let lead = &lead[lead.iter().take_while(|b| is_space(**b)).count()..];
        if lead.starts_with(b"variable") && lead[8..].iter().all(|b| is_space(*b)) {
            return hcl_default(data, le, key);
        }
        return None;
    }

    // A call's quoted key and quoted value: `setProperty("X_TOKEN", "…")`, `define('X', '…')`.
    if quoted_key && j < le && data[j] == b',' {
        let open = data[ls..ks - 1]
            .iter()
            .rposition(|b| !is_space(*b))
            .map(|p| data[ls + p]);
        if open != Some(b'(') {
            return None;
        }
        let v = skip_spaces(data, j + 1, le);
        if !matches!(data.get(v), Some(b'"' | b'\'')) {
            return None;
        }
        let (r, end) = value(data, v, le, true)?;
        return done(r, end);
    }

    // A type between the key and `=`: `X: str =`, `x: &'static str =`, `xToken string =`.
    let mut op_at = j;
    if j < le && data[j] == b':' && data.get(j + 1).is_some_and(|b| is_space(*b)) {
        let mut t = skip_spaces(data, j + 1, le);
        let ts = t;
        while t < le
            && t - ts < 48
            && (data[t].is_ascii_alphanumeric() || b"_&'<>[]?.,* ".contains(&data[t]))
        {
            t += 1;
        }
        // `str =`: a type ends before a spaced `=` (`dGVzdA==` is a base64 value's padding).
        if t > ts
            && t < le
            && data[t] == b'='
            && is_space(data[t - 1])
            && !matches!(data.get(t + 1), Some(b'=' | b'>'))
        {
            op_at = t;
        }
    } else if j > ke && j < le && data[j].is_ascii_alphabetic() {
        // Go: `var xToken string = "…"`.
        let mut t = j;
        while t < le && (data[t].is_ascii_alphanumeric() || data[t] == b'_') {
            t += 1;
        }
        let t2 = skip_spaces(data, t, le);
        if t2 > t
            && t2 < le
            && data[t2] == b'='
            && !matches!(data.get(t2 + 1), Some(b'=' | b'>'))
            && matches!(&data[j..t], b"string" | b"String" | b"str")
        {
            op_at = t2;
        }
    }

    let rest = &data[op_at..le];
    // `<-` is R's assignment, `||:` a shell default.
    // `||=` Ruby/Perl defaults (`ENV['X'] ||= '…'`), `??=` JS/C#/PHP null-coalescing ones.
    const OPS: &[&[u8]] = &[
        b":::=", b"::=", b":=", b"?=", b"+=", b".=", b"=>", b"||=", b"??=", b"||:", b"<-", b"=",
        b":",
    ];
    let op = OPS.iter().find(|o| rest.starts_with(o));
    let Some(op) = op else {
        // `key value` on a line of its own: properties, redis.conf, `ENV KEY value`.
        return whitespace_form(data, ls, ks, ke, j, le, at_line_start, key);
    };
    let after = op_at + op.len();
    // Comparisons, scope operators and arrows are not assignments.
    if let Some(&n) = data.get(after) {
        if (op == b"=" && matches!(n, b'=' | b'~'))
            || (op == b":" && n == b':')
            || (op == b"=>" && n == b'>')
        {
            return None;
        }
    }
    if op_at > 0 && matches!(data[op_at - 1], b'!' | b'<' | b'>' | b'=') && op == b"=" {
        return None;
    }
    let v = skip_spaces(data, after, le);
    if op == b":" && v == after && v < le {
        // `key:value` without a space: JSON (`"key":"v"`) or a properties line.
        if !(quoted_key || at_line_start || matches!(data[v], b'"' | b'\'')) {
            return None;
        }
    }
    if v >= le || (data[v] == b'#' && v > after) {
        // Nothing on this line. A YAML block scalar continues on the next one; any other
        // empty value stays empty (never the next line's text).
        return None;
    }
    if op == b":" && is_block_indicator(&data[v..le]) {
        let r = block_value(data, ls, le)?;
        return done(r.clone(), r.end);
    }
    if let Some(h) = heredoc_value(data, v, le) {
        let r = h?;
        return done(r.clone(), r.end);
    }
    let (mut r, end) = value(data, v, le, quoted_only)?;
    // A URL query parameter (`?api_key=…&x=1`) ends at the next parameter.
    if matches!(before, b'?' | b'&') {
        if let Some(p) = memchr::memchr(b'&', &data[r.clone()]) {
            r.end = r.start + p;
        }
    }
    done(r, end)
}

/// A heredoc opened at `data[v..le]` (HCL `<<EOF`/`<<-EOF`, Ruby `<<~EOS`, shell `<<'EOF'`):
/// `Some(first line)`, `Some(None)` when that is already the terminator, `None` when no
/// heredoc opens here.
fn heredoc_value(data: &[u8], v: usize, le: usize) -> Option<Option<Range<usize>>> {
    let rest = data[v..le].strip_prefix(b"<<")?;
    let rest = rest
        .strip_prefix(b"-")
        .or_else(|| rest.strip_prefix(b"~"))
        .unwrap_or(rest);
    let rest = rest
        .strip_prefix(b"'")
        .or_else(|| rest.strip_prefix(b"\""))
        .unwrap_or(rest);
    let n = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    if n == 0 {
        return None;
    }
    let tag = &rest[..n];
    let tail = &rest[n..];
    let tail = tail
        .strip_prefix(b"'")
        .or_else(|| tail.strip_prefix(b"\""))
        .unwrap_or(tail);
    if !tail.iter().all(|b| is_space(*b)) {
        return None;
    }
    let mut i = le;
    while i < data.len() && (data[i] == b'\r' || data[i] == b'\n') {
        i += 1;
    }
    let nle = line_end(data, i);
    let mut a = i;
    while a < nle && is_space(data[a]) {
        a += 1;
    }
    let mut b = nle;
    while b > a && is_space(data[b - 1]) {
        b -= 1;
    }
    Some((b > a && &data[a..b] != tag).then_some(a..b))
}

/// The `default = …` of an HCL `variable "name" {` block whose header line ends at `le`
/// (the block's next few lines, before its closing `}`).
fn hcl_default(data: &[u8], le: usize, key: Range<usize>) -> Option<Assignment> {
    let mut i = le;
    for _ in 0..12 {
        while i < data.len() && (data[i] == b'\r' || data[i] == b'\n') {
            i += 1;
        }
        if i >= data.len() {
            return None;
        }
        let nle = line_end(data, i);
        let t = skip_spaces(data, i, nle);
        let line = &data[t..nle];
        if line.starts_with(b"}") || line.starts_with(b"variable ") {
            return None;
        }
        if let Some(rest) = line.strip_prefix(b"default") {
            let op = rest.iter().take_while(|b| is_space(**b)).count();
            if rest.get(op) == Some(&b'=') && rest.get(op + 1) != Some(&b'=') {
                let v = skip_spaces(data, t + 7 + op + 1, nle);
                let r = match heredoc_value(data, v, nle) {
                    Some(h) => h?,
                    None => value(data, v, nle, true)?.0,
                };
                if r.is_empty() || r.len() > MAX_SECRET {
                    return None;
                }
                return Some(Assignment {
                    whole: key.start..r.end,
                    secret: r,
                    key,
                    named: false,
                });
            }
        }
        i = nle;
    }
    None
}

/// The secret-named `data[ks..ke]` is the value of a `name`/`key` field: the secret is the
/// value of the `value` field that follows (same line or the next two).
fn pair_form(data: &[u8], ks: usize, ke: usize, key: Range<usize>) -> Option<Assignment> {
    // Backwards: optional quote, spaces, `:`/`=`, spaces, optional quote, the field name.
    let mut b = ks;
    if b > 0 && matches!(data[b - 1], b'"' | b'\'') {
        b -= 1;
    }
    while b > 0 && is_space(data[b - 1]) {
        b -= 1;
    }
    if b == 0 || !matches!(data[b - 1], b':' | b'=') {
        return None;
    }
    b -= 1;
    while b > 0 && is_space(data[b - 1]) {
        b -= 1;
    }
    if b > 0 && matches!(data[b - 1], b'"' | b'\'') {
        b -= 1;
    }
    let we = b;
    while b > 0 && we - b < 16 && data[b - 1].is_ascii_alphanumeric() {
        b -= 1;
    }
    let field = data[b..we].to_ascii_lowercase();
    if !matches!(
        field.as_slice(),
        b"name" | b"key" | b"parameterkey" | b"variable" | b"envname"
    ) {
        return None;
    }
    // Forwards: the next `value` field, before any other `name`/`key` field.
    let lim = (ke + 256).min(data.len());
    let mut i = ke;
    let mut lines = 0;
    while i + 5 <= lim {
        match data[i] {
            b'\n' => {
                lines += 1;
                if lines > 2 {
                    return None;
                }
            }
            b'n' | b'N' | b'k' | b'K' if i > ke + 1 && !data[i - 1].is_ascii_alphanumeric() => {
                let w = &data[i..(i + 5).min(lim)];
                if w.eq_ignore_ascii_case(b"name\"")
                    || w.eq_ignore_ascii_case(b"name:")
                    || w.eq_ignore_ascii_case(b"name=")
                {
                    return None;
                }
            }
            b'v' | b'V' if data[i..i + 5].eq_ignore_ascii_case(b"value") => {
                let after = data.get(i + 5).copied().unwrap_or(b' ');
                let prefix_ok = !data[i - 1].is_ascii_alphanumeric()
                    || (i >= 9 && data[i - 9..i].eq_ignore_ascii_case(b"parameter"));
                if prefix_ok && !after.is_ascii_alphanumeric() && after != b'_' {
                    let mut j = i + 5;
                    if matches!(data.get(j), Some(b'"' | b'\'')) {
                        j += 1;
                    }
                    let le = line_end(data, j);
                    j = skip_spaces(data, j, le);
                    if j < le && matches!(data[j], b':' | b'=') {
                        let v = skip_spaces(data, j + 1, le);
                        let (r, end) = value(data, v, le, false)?;
                        if r.len() > MAX_SECRET {
                            return None;
                        }
                        return Some(Assignment {
                            whole: ks..end,
                            secret: r,
                            key,
                            named: false,
                        });
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// `KEY value` with only whitespace between, when the key starts the line (optionally after
/// `ENV`/`setenv`/`set`) and the value is the line's last token.
#[allow(clippy::too_many_arguments)]
fn whitespace_form(
    data: &[u8],
    ls: usize,
    ks: usize,
    ke: usize,
    j: usize,
    le: usize,
    at_line_start: bool,
    key: Range<usize>,
) -> Option<Assignment> {
    if j == ke || j >= le {
        return None;
    }
    let lead = &data[ls..ks];
    let t = &lead[lead.iter().take_while(|b| is_space(**b)).count()..];
    let prefixed = [
        &b"ENV "[..],
        b"#define ",
        b"setenv ",
        b"setx ",
        b"set -gx ",
        b"set -x ",
        b"set ",
    ]
    .iter()
    .any(|p| {
        t.len() >= p.len() && t.ends_with(p) && t[..t.len() - p.len()].iter().all(|b| is_space(*b))
    });
    if !(at_line_start || prefixed) {
        return None;
    }
    let (r, end) = value(data, j, le, false)?;
    // Only one value token: `Password protected files are …` is prose.
    let tail = skip_spaces(data, end, le);
    if tail < le && data[tail] != b'#' && !data[tail..le].starts_with(b"//") {
        return None;
    }
    Some(Assignment {
        whole: ks..end,
        secret: r,
        key,
        named: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Option<String> {
        one_at(text, None)
    }

    fn one_at(text: &str, path: Option<&str>) -> Option<String> {
        let mut out = Vec::new();
        find(text.as_bytes(), 0, text.len(), path, &mut out);
        out.iter()
            .find(|a| a.named)
            .map(|a| text[a.secret.clone()].to_string())
    }

    #[test]
    fn forms() {
        let v = "Qm3vR8xT2kLp9sWz";
        let cases = [
            format!("export DB_PASSWORD=\"{v}\""),
            format!("DB_PASSWORD={v}"),
            format!("password: {v}"),
            format!("\"apiKey\": \"{v}\","),
            format!("\"apiKey\":\"{v}\""),
            format!("api_key = \"{v}\""),
            format!("\"Password\"=\"{v}\""),
            format!("db.password:{v}"),
            format!("db.password   {v}"),
            format!("<password>{v}</password>"),
            format!("<add password=\"{v}\" />"),
            format!("var xToken string = \"{v}\""),
            format!("xToken := `{v}`"),
            format!("\tToken: \"{v}\","),
            format!("X_TOKEN ?= {v}"),
            format!("X_TOKEN ::= {v}"),
            format!("X_TOKEN :::= {v}"),
            format!("X_TOKEN += {v}"),
            format!("System.setProperty(\"X_TOKEN\", \"{v}\");"),
            format!("String apiToken = \"{v}\";"),
            format!("$xToken = '{v}';"),
            format!("$xToken .= \"{v}\";"),
            format!("define('X_TOKEN', '{v}');"),
            format!("'password' => '{v}',"),
            format!(":password => '{v}',"),
            format!("X_TOKEN: str = \"{v}\""),
            format!("ENV['X_TOKEN'] = '{v}'"),
            format!("const apiKey = '{v}';"),
            format!("const apiKey: string = '{v}';"),
            format!("val apiToken = \"{v}\""),
            format!("const string ApiKey = \"{v}\";"),
            format!("let apiKey = \"{v}\""),
            format!("const API_TOKEN: &str = \"{v}\";"),
            format!("const API_TOKEN: &'static str = \"{v}\";"),
            format!("$env:API_TOKEN = '{v}'"),
            format!("Connect-Thing -Password '{v}'"),
            format!("run --password={v} --verbose"),
            format!("run --token {v}"),
            format!("//registry.npmjs.org/:_authToken={v}"),
            format!("ENV API_TOKEN {v}"),
            format!("secret = b\"{v}\""),
            format!("https://api.example.net/v1/items?api_key={v}&page=2"),
            format!("curl -H \"X-Api-Key: {v}\" https://api.example.net"),
            format!("db_password <- \"{v}\""),
            format!("setx API_TOKEN {v}"),
            format!("<add key=\"DbPassword\" value=\"{v}\" />"),
            format!("{{\"name\": \"DB_PASSWORD\",\n  \"value\": \"{v}\"}}"),
            format!("- ParameterKey: DbPassword\n  ParameterValue: {v}"),
            format!("ENV['X_TOKEN'] ||= '{v}'"),
            format!("config.api_token ??= \"{v}\";"),
            format!("#define API_TOKEN \"{v}\""),
            format!("  #define API_TOKEN \"{v}\"  // build-time"),
            format!("static const char api_key[] = \"{v}\";"),
            format!("char api_token[41] = \"{v}\";"),
            format!("static const char *api_token = \"{v}\";"),
            format!("variable \"db_password\" {{\n  type      = string\n  sensitive = true\n  default   = \"{v}\"\n}}"),
            format!("variable \"db_password\" {{\n  default = <<-EOT\n    {v}\n  EOT\n}}"),
            format!("  password = <<EOF\n{v}\nEOF"),
            format!("token = <<~EOS\n  {v}\nEOS"),
        ];
        for c in &cases {
            assert_eq!(one(c).as_deref(), Some(v), "{c}");
        }
    }

    #[test]
    fn block_scalar_and_empty_values() {
        assert_eq!(
            one("db:\n  password: |\n    Qm3vR8xT2kLp9sWz\n").as_deref(),
            Some("Qm3vR8xT2kLp9sWz")
        );
        assert_eq!(one("GITHUB_API_KEY=\nOTHER_KEY=Qm3vR8xT2kLp9sWz\n"), None);
        assert_eq!(one("password:\n  nested: Qm3vR8xT2kLp9sWz\n"), None);
        assert_eq!(one("\"password\": \"\"\n"), None);
    }

    #[test]
    fn not_assignments() {
        for c in [
            "if password == \"Qm3vR8xT2kLp9sWz\" {",
            "Token::new(\"Qm3vR8xT2kLp9sWz\")",
            "the password protected files are Qm3vR8xT2kLp9sWz",
            "password_file: /run/secrets/db",
            "--password --verbose",
            "type=\"password\" name=\"x\"",
            "variable \"db_password\" {\n  type = string\n}\nvariable \"other\" {\n  default = \"Qm3vR8xT2kLp9sWz\"\n}",
            "variable \"db_password\" {\n  default = var.other_password2\n}",
            "password = <<EOF\nEOF",
            "if (token[0] == 'x') {",
        ] {
            assert_eq!(one(c), None, "{c}");
        }
        // Code: the right-hand side must be a literal.
        assert_eq!(
            one_at("token = getToken2(x)", Some("a.py")).as_deref(),
            None
        );
        assert_eq!(one_at("apiKey = otherVar2", Some("a.js")).as_deref(), None);
        assert_eq!(one("const apiKey = someVar2;"), None);
    }
}
