//! `.dockerignore` matching, ported from Docker's own code: `moby/patternmatcher`
//! (`ignorefile.ReadAll` + `PatternMatcher.MatchesUsingParentResults`, which BuildKit's context
//! walker in `tonistiigi/fsutil` calls for every path).
//!
//! Why not a crate: `ignore`/`globset` implement gitignore semantics, which differ from Docker's
//! in ways that change what reaches the image (`*` does not cross `/`, a bare `foo` only matches
//! at the root, `!` can re-include a file below an excluded directory, `**` rules, `filepath.Clean`
//! on each pattern, patterns compiled to RE2 regexes with bracket classes passed through). Only a
//! port of Docker's code gives Docker's answers, so this is one — tested with Docker's vectors.

/// A parsed `.dockerignore`.
#[derive(Clone, Debug, Default)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
    errors: Vec<String>,
}

#[derive(Clone, Debug)]
struct Pattern {
    /// The cleaned pattern without its leading `!`.
    cleaned: String,
    exclusion: bool,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    Exact,
    /// `dir/**`: the text before the trailing `**`.
    Prefix(String),
    /// `**/name` or `**name`: the text after the leading `**`.
    Suffix(String),
    Regex(regex::Regex),
    /// Docker would fail the build on this pattern; it never matches here.
    Bad,
}

impl DockerIgnore {
    /// Parse the text of a `.dockerignore`. Invalid patterns (`!` alone, `[` unclosed, …) make
    /// Docker refuse to build; here they are skipped and listed in [`DockerIgnore::errors`].
    pub fn parse(text: &str) -> DockerIgnore {
        Self::from_patterns(&read_patterns(text))
    }

    /// Build from already-read patterns (`patternmatcher.New`), e.g. `COPY --exclude` values.
    pub fn from_patterns<S: AsRef<str>>(patterns: &[S]) -> DockerIgnore {
        let mut out = DockerIgnore::default();
        for p in patterns {
            let p = go_trim_space(p.as_ref());
            if p.is_empty() {
                continue;
            }
            let mut p = go_clean(p);
            let mut exclusion = false;
            if let Some(rest) = p.strip_prefix('!') {
                if rest.is_empty() {
                    out.errors
                        .push("illegal exclusion pattern: \"!\"".to_string());
                    continue;
                }
                exclusion = true;
                p = rest.to_string();
            }
            if let Err(e) = filepath_match(&p, ".") {
                out.errors.push(format!("invalid pattern {p:?}: {e}"));
                continue;
            }
            let kind = compile(&p).unwrap_or_else(|e| {
                out.errors.push(format!("invalid pattern {p:?}: {e}"));
                Kind::Bad
            });
            out.patterns.push(Pattern {
                cleaned: p,
                exclusion,
                kind,
            });
        }
        out
    }

    /// Problems Docker would reject the file for (one line each).
    pub fn errors(&self) -> &[String] {
        &self.errors
    }

    /// No patterns at all (nothing is excluded).
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether any `!` exception exists: without one, an excluded directory can be skipped whole.
    pub fn has_exclusions(&self) -> bool {
        self.patterns.iter().any(|p| p.exclusion)
    }

    /// The patterns as Docker uses them (cleaned, `!` kept), for messages.
    pub fn patterns(&self) -> Vec<String> {
        self.patterns
            .iter()
            .map(|p| {
                if p.exclusion {
                    format!("!{}", p.cleaned)
                } else {
                    p.cleaned.clone()
                }
            })
            .collect()
    }

    /// Whether `rel_path` (slash-separated, relative to the context root) is left out of the
    /// build context. Evaluated like BuildKit's walker: each parent directory first, then the
    /// path with its parents' per-pattern results, so excluding `dir` excludes everything below
    /// it unless a later `!` pattern matches the path itself.
    pub fn is_excluded(&self, rel_path: &str) -> bool {
        let mut path = rel_path;
        while let Some(rest) = path.strip_prefix("./").or_else(|| path.strip_prefix('/')) {
            if rest.is_empty() {
                break;
            }
            path = rest;
        }
        if self.patterns.is_empty() || path.is_empty() || path == "." {
            return false;
        }
        let parent = go_dir(path);
        let mut info: Option<Vec<bool>> = None;
        if parent != "." {
            let mut end = 0;
            for comp in parent.split('/') {
                end += comp.len();
                let (_, next) = self.matches_using_parent(&parent[..end], info.as_deref());
                info = Some(next);
                end += 1;
            }
        }
        self.matches_using_parent(path, info.as_deref()).0
    }

    /// Like [`is_excluded`](Self::is_excluded) for a walker that already holds the parent's
    /// per-pattern results (`None` at the root): returns the result and this path's results.
    pub fn matches_using_parent(&self, file: &str, parent: Option<&[bool]>) -> (bool, Vec<bool>) {
        let parent = parent.filter(|p| p.len() == self.patterns.len());
        let mut matched = false;
        let mut info = vec![false; self.patterns.len()];
        for (i, pattern) in self.patterns.iter().enumerate() {
            let mut m = parent.map(|p| p[i]).unwrap_or(false);
            if !m {
                // Inclusions that already matched and exclusions that have nothing to undo are
                // skipped — Docker's "last match wins" with this shortcut.
                if pattern.exclusion != matched {
                    continue;
                }
                m = pattern.matches(file);
                if !m && parent.is_none() {
                    let dir = go_dir(file);
                    if dir != "." {
                        let mut end = 0;
                        for comp in dir.split('/') {
                            end += comp.len();
                            if pattern.matches(&dir[..end]) {
                                m = true;
                                break;
                            }
                            end += 1;
                        }
                    }
                }
            }
            info[i] = m;
            if m {
                matched = !pattern.exclusion;
            }
        }
        (matched, info)
    }
}

impl Pattern {
    fn matches(&self, path: &str) -> bool {
        match &self.kind {
            Kind::Exact => path == self.cleaned,
            Kind::Prefix(prefix) => path.starts_with(prefix.as_str()),
            Kind::Suffix(suffix) => {
                // `**/foo` also matches `foo` itself.
                path.ends_with(suffix.as_str())
                    || suffix.strip_prefix('/').is_some_and(|s| path == s)
            }
            Kind::Regex(re) => re.is_match(path),
            Kind::Bad => false,
        }
    }
}

/// `Pattern.compile` for `/` as separator: `**` crosses directories, `*`/`?` do not,
/// `[...]` is passed to the regex engine, `\` escapes the next character.
fn compile(pattern: &str) -> Result<Kind, String> {
    #[derive(PartialEq)]
    enum T {
        Exact,
        Prefix,
        Suffix,
        Regex,
    }
    let mut re = String::from("^");
    let mut kind = T::Exact;
    let chars: Vec<char> = pattern.chars().collect();
    let mut pos = 0;
    let mut i = 0;
    while pos < chars.len() {
        let ch = chars[pos];
        pos += 1;
        if ch == '*' {
            if chars.get(pos) == Some(&'*') {
                pos += 1;
                // `**/` is the same as `**`.
                if chars.get(pos) == Some(&'/') {
                    pos += 1;
                }
                if pos == chars.len() {
                    // Trailing `**` accepts everything, as in .gitignore.
                    if kind == T::Exact {
                        kind = T::Prefix;
                    } else {
                        re.push_str(".*");
                        kind = T::Regex;
                    }
                } else {
                    re.push_str("(.*/)?");
                    kind = T::Regex;
                }
                if i == 0 {
                    kind = T::Suffix;
                }
            } else {
                re.push_str("[^/]*");
                kind = T::Regex;
            }
        } else if ch == '?' {
            re.push_str("[^/]");
            kind = T::Regex;
        } else if matches!(ch, '.' | '+' | '(' | ')' | '|' | '{' | '}' | '$') {
            re.push('\\');
            re.push(ch);
        } else if ch == '\\' {
            if let Some(&next) = chars.get(pos) {
                pos += 1;
                re.push('\\');
                re.push(next);
                kind = T::Regex;
            } else {
                re.push('\\');
            }
        } else if ch == '[' || ch == ']' {
            re.push(ch);
            kind = T::Regex;
        } else {
            re.push(ch);
        }
        i += 1;
    }
    Ok(match kind {
        T::Exact => Kind::Exact,
        T::Prefix => Kind::Prefix(pattern[..pattern.len() - 2].to_string()),
        T::Suffix => Kind::Suffix(pattern[2..].to_string()),
        T::Regex => {
            re.push('$');
            Kind::Regex(regex::Regex::new(&re).map_err(|e| e.to_string())?)
        }
    })
}

/// `ignorefile.ReadAll`: one pattern per line; `#` comments only at column 0; whitespace
/// trimmed; `filepath.Clean`ed; a leading `/` dropped; `!` kept in front.
pub fn read_patterns(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with('#') {
            continue;
        }
        let mut pattern = go_trim_space(line);
        if pattern.is_empty() {
            continue;
        }
        let invert = pattern.starts_with('!');
        if invert {
            pattern = go_trim_space(&pattern[1..]);
        }
        let mut p = String::new();
        if !pattern.is_empty() {
            p = go_clean(pattern);
            if p.len() > 1 && p.starts_with('/') {
                p.remove(0);
            }
        }
        if invert {
            p.insert(0, '!');
        }
        out.push(p);
    }
    // A trailing newline does not make an extra (empty) line; empty lines were skipped anyway.
    out
}

fn go_trim_space(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace())
}

/// Go's `path.Clean` / Unix `filepath.Clean`: lexical `.`/`..`/`//` removal.
pub(crate) fn go_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `filepath.Dir` on Unix: everything before the last `/`, cleaned.
pub(crate) fn go_dir(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => go_clean(&path[..=i]),
        None => ".".into(),
    }
}

/// The error Go's `filepath.Match` returns for a malformed pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadPattern;

impl std::fmt::Display for BadPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("syntax error in pattern")
    }
}

/// Go's `path/filepath.Match` on Unix, ported literally (it is what BuildKit uses for COPY
/// wildcards and to validate `.dockerignore` patterns): `*` and `?` never match `/`, `[^…]`
/// negates, `\` escapes, and the whole pattern is syntax-checked even after a mismatch.
pub fn filepath_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let mut pattern = pattern.as_bytes();
    let mut name = name.as_bytes();
    'outer: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // A trailing `*` matches the rest of the name unless it has a `/`.
            return Ok(!name.contains(&b'/'));
        }
        let (t, ok, err) = match_chunk(chunk, name);
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if let Some(e) = err {
            return Err(e);
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                let (t, ok, err) = match_chunk(chunk, &name[i + 1..]);
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'outer;
                }
                if let Some(e) = err {
                    return Err(e);
                }
                i += 1;
            }
        }
        // Report a syntax error in the rest of the pattern rather than a plain mismatch.
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            if let (_, _, Some(e)) = match_chunk(chunk, b"") {
                return Err(e);
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while let Some(rest) = pattern.strip_prefix(b"*") {
        pattern = rest;
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

fn decode_rune(s: &[u8]) -> (char, usize) {
    // Inputs come from &str, so they are valid UTF-8 at every char boundary we decode at.
    let len = match s.first() {
        None => return ('\u{fffd}', 0),
        Some(b) if *b < 0x80 => 1,
        Some(b) if *b >= 0xF0 => 4,
        Some(b) if *b >= 0xE0 => 3,
        Some(b) if *b >= 0xC0 => 2,
        Some(_) => return ('\u{fffd}', 1),
    };
    match std::str::from_utf8(&s[..len.min(s.len())]) {
        Ok(st) => (st.chars().next().unwrap_or('\u{fffd}'), len),
        Err(_) => ('\u{fffd}', 1),
    }
}

type ChunkResult<'a> = (&'a [u8], bool, Option<BadPattern>);

fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> ChunkResult<'a> {
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match chunk[0] {
            b'[' => {
                let mut r = '\0';
                if !failed {
                    let (c, n) = decode_rune(s);
                    r = c;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let mut negated = false;
                if chunk.first() == Some(&b'^') {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.first() == Some(&b']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = match get_esc(chunk) {
                        Ok(v) => v,
                        Err(e) => return (&[], false, Some(e)),
                    };
                    chunk = rest;
                    let mut hi = lo;
                    if chunk[0] == b'-' {
                        match get_esc(&chunk[1..]) {
                            Ok((h, rest)) => {
                                hi = h;
                                chunk = rest;
                            }
                            Err(e) => return (&[], false, Some(e)),
                        }
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            c => {
                let mut c = c;
                if c == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return (&[], false, Some(BadPattern));
                    }
                    c = chunk[0];
                }
                if !failed {
                    if c != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        (&[], false, None)
    } else {
        (s, true, None)
    }
}

fn get_esc(chunk: &[u8]) -> Result<(char, &[u8]), BadPattern> {
    let mut chunk = chunk;
    if chunk.is_empty() || chunk[0] == b'-' || chunk[0] == b']' {
        return Err(BadPattern);
    }
    if chunk[0] == b'\\' {
        chunk = &chunk[1..];
        if chunk.is_empty() {
            return Err(BadPattern);
        }
    }
    let (r, n) = decode_rune(chunk);
    if r == '\u{fffd}' && n == 1 {
        return Err(BadPattern);
    }
    let rest = &chunk[n.min(chunk.len())..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((r, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_like_go() {
        for (i, o) in [
            ("", "."),
            ("a/b/../c", "a/c"),
            ("/../x", "/x"),
            ("../x", "../x"),
            ("a/../..", ".."),
            ("//a//b/", "/a/b"),
            ("./", "."),
            ("!", "!"),
            ("!/", "!"),
        ] {
            assert_eq!(go_clean(i), o, "clean({i:?})");
        }
        assert_eq!(go_dir("a/b/c"), "a/b");
        assert_eq!(go_dir("a"), ".");
        assert_eq!(go_dir("dir/file/"), "dir/file");
    }

    #[test]
    fn go_filepath_match() {
        // From Go's path/filepath match_test.go.
        let cases: &[(&str, &str, Result<bool, BadPattern>)] = &[
            ("abc", "abc", Ok(true)),
            ("*", "abc", Ok(true)),
            ("*c", "abc", Ok(true)),
            ("a*", "a", Ok(true)),
            ("a*", "abc", Ok(true)),
            ("a*", "ab/c", Ok(false)),
            ("a*/b", "abc/b", Ok(true)),
            ("a*/b", "a/c/b", Ok(false)),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/f", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", Ok(false)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", Ok(false)),
            ("a*b?c*x", "abxbbxdbxebxczzx", Ok(true)),
            ("a*b?c*x", "abxbbxdbxebxczzy", Ok(false)),
            ("ab[c]", "abc", Ok(true)),
            ("ab[b-d]", "abc", Ok(true)),
            ("ab[e-g]", "abc", Ok(false)),
            ("ab[^c]", "abc", Ok(false)),
            ("ab[^b-d]", "abc", Ok(false)),
            ("ab[^e-g]", "abc", Ok(true)),
            ("a\\*b", "a*b", Ok(true)),
            ("a\\*b", "ab", Ok(false)),
            ("a?b", "a☺b", Ok(true)),
            ("a[^a]b", "a☺b", Ok(true)),
            ("a???b", "a☺b", Ok(false)),
            ("a[^a][^a][^a]b", "a☺b", Ok(false)),
            ("[a-ζ]*", "α", Ok(true)),
            ("*[a-ζ]", "A", Ok(false)),
            ("a?b", "a/b", Ok(false)),
            ("a*b", "a/b", Ok(false)),
            ("[\\]a]", "]", Ok(true)),
            ("[\\-]", "-", Ok(true)),
            ("[x\\-]", "x", Ok(true)),
            ("[x\\-]", "-", Ok(true)),
            ("[x\\-]", "z", Ok(false)),
            ("[\\-x]", "x", Ok(true)),
            ("[\\-x]", "-", Ok(true)),
            ("[\\-x]", "a", Ok(false)),
            ("[]a]", "]", Err(BadPattern)),
            ("[-]", "-", Err(BadPattern)),
            ("[x-]", "x", Err(BadPattern)),
            ("[x-]", "-", Err(BadPattern)),
            ("[x-]", "z", Err(BadPattern)),
            ("[-x]", "x", Err(BadPattern)),
            ("[-x]", "-", Err(BadPattern)),
            ("[-x]", "a", Err(BadPattern)),
            ("\\", "a", Err(BadPattern)),
            ("[a-b-c]", "a", Err(BadPattern)),
            ("[", "a", Err(BadPattern)),
            ("[^", "a", Err(BadPattern)),
            ("[^bc", "a", Err(BadPattern)),
            ("a[", "a", Err(BadPattern)),
            ("a[", "ab", Err(BadPattern)),
            ("a[", "x", Err(BadPattern)),
            ("a/b[", "x", Err(BadPattern)),
            ("*x", "xxx", Ok(true)),
        ];
        for (p, s, want) in cases {
            assert_eq!(filepath_match(p, s), *want, "Match({p:?}, {s:?})");
        }
    }
}
