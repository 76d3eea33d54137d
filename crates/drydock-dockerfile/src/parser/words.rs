//! BuildKit's per-instruction argument parsers (`line_parsers.go`, `split_command.go`).

use super::{is_go_space, is_re_ws};

const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// BuildKit's `extractBuilderFlags`: leading `--flag[=value]` words (quotes removed,
/// backslash escapes applied; a bare `--` ends the flags) and the rest of the line.
///
/// Like BuildKit this walks *bytes* and turns each into a Latin-1 rune: a non-ASCII flag
/// value comes out as mojibake and the UTF-8 continuation bytes 0x85/0xA0 count as spaces
/// (`unicode.IsSpace(rune(b))`). Bug-compatible on purpose: it decides where the flags end.
pub(super) fn extract_builder_flags(line: &str) -> (&str, Vec<String>) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let b = line.as_bytes();
    let n = b.len();
    let is_space = |c: u8| matches!(c, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | 0x85 | 0xA0);
    // Go slices bytes; a cut inside a character (only possible right after a 0x85/0xA0
    // continuation byte) moves to the next character boundary here.
    let rest_at = |mut p: usize| {
        while !line.is_char_boundary(p) {
            p += 1;
        }
        &line[p..]
    };
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = 0;
    while pos <= n {
        let ch = if pos < n { b[pos] } else { 0 };
        if phase == Phase::Spaces {
            if pos == n {
                break;
            }
            if is_space(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || pos + 1 == n || b[pos + 1] != b'-' {
                return (rest_at(pos), words);
            }
            phase = Phase::Word;
        }
        if pos == n {
            if word != "--" && (blank_ok || !word.is_empty()) {
                words.push(word);
            }
            break;
        }
        let mut c = ch;
        if phase == Phase::Word {
            if is_space(ch) {
                phase = Phase::Spaces;
                if word == "--" {
                    return (rest_at(pos), words);
                }
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            if ch == b'\\' {
                // A backslash escapes the next byte; one at the very end is dropped.
                if pos + 1 == n {
                    pos += 1;
                    continue;
                }
                pos += 1;
                c = b[pos];
            }
            word.push(char::from(c));
            pos += 1;
            continue;
        }
        // Quote phase.
        if ch == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        if ch == b'\\' {
            if pos + 1 == n {
                // A trailing backslash inside quotes is dropped and ends the quote.
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            c = b[pos];
        }
        word.push(char::from(c));
        pos += 1;
    }
    ("", words)
}

/// BuildKit's `parseWords`: whitespace-separated words, quotes and escapes kept verbatim.
pub(super) fn parse_words(rest: &str, escape: char) -> Vec<String> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut buf = String::new();
    let mut it = rest.chars().peekable();
    loop {
        let cur = it.next();
        if phase == Phase::Spaces {
            match cur {
                None => break,
                Some(c) if is_go_space(c) => continue,
                Some(_) => phase = Phase::Word,
            }
        }
        let Some(mut ch) = cur else {
            if blank_ok || !buf.is_empty() {
                words.push(buf);
            }
            break;
        };
        if phase == Phase::Word {
            if is_go_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || !buf.is_empty() {
                    words.push(std::mem::take(&mut buf));
                }
                blank_ok = false;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                // An escape at the very end is dropped; otherwise it is kept with the next
                // character (even a quote).
                let Some(next) = it.next() else { continue };
                buf.push(ch);
                ch = next;
            }
            buf.push(ch);
            continue;
        }
        // Quote phase.
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            let Some(next) = it.next() else {
                phase = Phase::Word;
                continue;
            };
            buf.push(ch);
            ch = next;
        }
        buf.push(ch);
    }
    words
}

/// BuildKit's `parseNameVal` (ENV, LABEL): `KEY value` (old form, one pair, value raw) or
/// `k=v k2=v2` (quotes kept). Returns key, value, key, value…
pub(super) fn parse_name_val(rest: &str, key: &str, escape: char) -> Result<Vec<String>, String> {
    let words = parse_words(rest, escape);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    if !words[0].contains('=') {
        return match rest.find(is_re_ws) {
            None => Err(format!("{key} must have two arguments")),
            Some(i) => {
                let v = rest[i..].trim_start_matches(is_re_ws);
                Ok(vec![rest[..i].to_string(), v.to_string()])
            }
        };
    }
    let mut out = Vec::with_capacity(words.len() * 2);
    for word in words {
        let Some((k, v)) = word.split_once('=') else {
            return Err(format!(
                "Syntax error - can't find = in {word:?}. Must be of the form: name=value"
            ));
        };
        out.push(k.to_string());
        out.push(v.to_string());
    }
    Ok(out)
}

/// BuildKit's `parseStringsWhitespaceDelimited` (`reWhitespace.Split(rest, -1)`).
pub(super) fn split_whitespace(rest: &str) -> Vec<String> {
    if rest.is_empty() {
        return Vec::new();
    }
    // `rest` is trimmed by the caller, so Go's `regexp.Split` yields no empty fields.
    rest.split(is_re_ws)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

enum Json {
    Array(Vec<String>),
    NotStringArray,
    Invalid,
}

/// BuildKit's `parseJSON`: `json.Unmarshal` into `[]any`, every element a string.
fn parse_json(rest: &str) -> Json {
    let rest = rest.trim_start_matches(is_go_space);
    if !rest.starts_with('[') {
        return Json::Invalid;
    }
    // BuildKit v0.12 decodes with `json.NewDecoder(…).Decode`: the first JSON value counts,
    // whatever follows it is ignored (`CMD [] junk` is an empty JSON form).
    let first = serde_json::Deserializer::from_str(rest)
        .into_iter::<serde_json::Value>()
        .next();
    match first {
        Some(Ok(serde_json::Value::Array(items))) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    serde_json::Value::String(s) => out.push(s),
                    _ => return Json::NotStringArray,
                }
            }
            Json::Array(out)
        }
        _ => Json::Invalid,
    }
}

/// BuildKit's `parseMaybeJSON` (RUN, CMD, ENTRYPOINT, SHELL): the JSON array, or the whole
/// rest as one string.
pub(super) fn parse_maybe_json(rest: &str) -> Result<(Vec<String>, bool), String> {
    if rest.is_empty() {
        return Ok((Vec::new(), false));
    }
    match parse_json(rest) {
        Json::Array(v) => Ok((v, true)),
        Json::NotStringArray => Err(NOT_STRING_ARRAY.into()),
        Json::Invalid => Ok((vec![rest.to_string()], false)),
    }
}

/// BuildKit's `parseMaybeJSONToList` (ADD, COPY, VOLUME): the JSON array, or the
/// whitespace-separated words.
pub(super) fn parse_maybe_json_to_list(rest: &str) -> Result<(Vec<String>, bool), String> {
    match parse_json(rest) {
        Json::Array(v) => Ok((v, true)),
        Json::NotStringArray => Err(NOT_STRING_ARRAY.into()),
        Json::Invalid => Ok((split_whitespace(rest), false)),
    }
}

/// BuildKit's `parseHealthConfig`: the type word (`CMD`/`NONE`) then `parseMaybeJSON`.
pub(super) fn parse_health_config(rest: &str) -> Result<(Vec<String>, bool), String> {
    // Go scans bytes and tests `unicode.IsSpace(rune(b))`, i.e. ASCII/Latin-1 spaces.
    let is_space_byte =
        |b: u8| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | 0x85 | 0xA0);
    let bytes = rest.as_bytes();
    let sep = bytes
        .iter()
        .position(|&b| is_space_byte(b))
        .unwrap_or(bytes.len());
    if sep == 0 {
        return Ok((Vec::new(), false));
    }
    let next = bytes[sep..]
        .iter()
        .position(|&b| !is_space_byte(b))
        .map_or(bytes.len(), |p| sep + p);
    // A Latin-1 space byte can sit inside a multi-byte character; cut at a char boundary.
    let sep = floor_boundary(rest, sep);
    let next = floor_boundary(rest, next).max(sep);
    let mut values = vec![rest[..sep].to_string()];
    let (cmd, json) = parse_maybe_json(&rest[next..])?;
    values.extend(cmd);
    Ok((values, json))
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
