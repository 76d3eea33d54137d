//! Shell-word processing exactly as BuildKit does it (`frontend/dockerfile/shell/lex.go`):
//! `$VAR`, `${VAR}`, the `${VAR:-x}` family, `#`/`%` trimming, `/` replacement, quotes, the
//! escape character and the word splitting used by `ProcessWords`.
//!
//! This is not a POSIX shell: it only does what the Dockerfile frontend does before an
//! instruction runs (no command substitution, no arithmetic, no globbing). Patterns in `#`, `%`
//! and `/` are converted to a regex the same way BuildKit converts them, so shortest/longest
//! and first-match semantics are identical (the `regex` crate is leftmost-first like Go's).

use std::cell::Cell;
use std::collections::BTreeSet;

/// Nesting limit for `${a:-${b:-…}}`: deeper input is rejected instead of exhausting the stack.
const MAX_DEPTH: usize = 64;

/// Most bytes one word may expand to. `ARG A1=${A0}${A0}`, `ARG A2=${A1}${A1}`… doubles per
/// line, so without a cap 40 lines need terabytes; real values are far below this.
pub const MAX_EXPANSION_BYTES: usize = 1 << 20;

/// Default budget for all expanded values stored while modelling one Dockerfile
/// ([`with_file_budget`]): many lines each expanding to just under the per-word cap must
/// not add up to gigabytes either.
pub const MAX_FILE_EXPANSION_BYTES: usize = 16 << 20;

thread_local! {
    /// Bytes left in the budget of the file being modelled; `None` outside [`with_file_budget`].
    static FILE_BUDGET: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Run `f` with a budget of `bytes` for everything [`expand_full`] produces on this thread;
/// once it is spent, expansions fail with an error that says so. Budgets do not nest: an
/// inner call replaces the outer budget for its duration.
pub fn with_file_budget<T>(bytes: usize, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<usize>);
    impl Drop for Restore {
        fn drop(&mut self) {
            FILE_BUDGET.with(|b| b.set(self.0));
        }
    }
    let _restore = Restore(FILE_BUDGET.with(|b| b.replace(Some(bytes))));
    f()
}

/// Take `n` bytes from the file budget, if one is active.
fn charge_file_budget(n: usize) -> Result<(), String> {
    FILE_BUDGET.with(|b| match b.get() {
        Some(left) if n > left => {
            b.set(Some(0));
            Err(format!(
                "variable expansions in this Dockerfile exceed {MAX_FILE_EXPANSION_BYTES} bytes in total; expansion stopped"
            ))
        }
        Some(left) => {
            b.set(Some(left - n));
            Ok(())
        }
        None => Ok(()),
    })
}

/// A syntax error in a word, e.g. an unterminated quote or `${`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("failed to process {word:?}: {message}")]
pub struct ExpandError {
    /// The word as given.
    pub word: String,
    /// What is wrong, in BuildKit's wording where it has one.
    pub message: String,
}

/// Options mirroring the switches of BuildKit's `shell.Lex`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExpandOptions {
    /// Keep quote characters in the output (BuildKit uses this for RUN display names).
    pub raw_quotes: bool,
    /// Keep escape characters in the output.
    pub raw_escapes: bool,
    /// Treat quotes as ordinary characters (BuildKit's `SkipProcessQuotes`, used for
    /// `--mount`/heredoc expansion).
    pub skip_process_quotes: bool,
    /// Leave references to unset variables as written instead of expanding them to "".
    pub skip_unset_env: bool,
}

/// Everything one expansion produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expansion {
    /// The expanded word (`ProcessWord`).
    pub result: String,
    /// The word split on unquoted whitespace after expansion (`ProcessWords`).
    pub words: Vec<String>,
    /// Variables that were referenced and set.
    pub matched: Vec<String>,
    /// Variables that were referenced but unset (they expanded to "" unless a default applied).
    pub unresolved: Vec<String>,
}

/// `ProcessWord`: expand one word; unset variables become "".
pub fn expand_word(
    word: &str,
    vars: &dyn Fn(&str) -> Option<String>,
    escape: char,
) -> Result<String, ExpandError> {
    expand_full(word, vars, escape, ExpandOptions::default()).map(|e| e.result)
}

/// `ProcessWords`: expand, then split on whitespace that was not quoted or escaped.
pub fn expand_words(
    word: &str,
    vars: &dyn Fn(&str) -> Option<String>,
    escape: char,
) -> Result<Vec<String>, ExpandError> {
    expand_full(word, vars, escape, ExpandOptions::default()).map(|e| e.words)
}

/// Expand with every detail: result, split words, matched and unresolved variable names.
pub fn expand_full(
    word: &str,
    vars: &dyn Fn(&str) -> Option<String>,
    escape: char,
    options: ExpandOptions,
) -> Result<Expansion, ExpandError> {
    // Most words have nothing to expand: skip the lexer for them.
    if !word.contains(['$', '\'', '"', escape]) {
        return Ok(Expansion {
            result: word.to_string(),
            words: word
                .split(char::is_whitespace)
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect(),
            ..Default::default()
        });
    }
    let mut lexer = Lexer {
        chars: word.chars().collect(),
        pos: 0,
        vars,
        escape,
        options,
        raw_escapes: options.raw_escapes,
        matched: BTreeSet::new(),
        unresolved: BTreeSet::new(),
        depth: 0,
        budget: MAX_EXPANSION_BYTES,
    };
    let err = |message| ExpandError {
        word: word.to_string(),
        message,
    };
    let (result, words) = lexer
        .process_stop_on(None, options.raw_escapes)
        .map_err(err)?;
    charge_file_budget(result.len()).map_err(err)?;
    Ok(Expansion {
        result,
        words,
        matched: lexer.matched.into_iter().collect(),
        unresolved: lexer.unresolved.into_iter().collect(),
    })
}

/// BuildKit's `wordsStruct`: accumulates split words; quoted text is added raw.
#[derive(Default)]
struct Words {
    word: String,
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, ch: char) {
        if ch.is_whitespace() && self.in_word {
            if !self.word.is_empty() {
                self.words.push(std::mem::take(&mut self.word));
                self.in_word = false;
            }
        } else if !ch.is_whitespace() {
            self.add_raw_char(ch);
        }
    }

    fn add_raw_char(&mut self, ch: char) {
        self.word.push(ch);
        self.in_word = true;
    }

    fn add_string(&mut self, s: &str) {
        for ch in s.chars() {
            self.add_char(ch);
        }
    }

    fn add_raw_string(&mut self, s: &str) {
        self.word.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<String> {
        if !self.word.is_empty() {
            self.words.push(self.word);
        }
        self.words
    }
}

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    vars: &'a dyn Fn(&str) -> Option<String>,
    escape: char,
    options: ExpandOptions,
    raw_escapes: bool,
    matched: BTreeSet<String>,
    unresolved: BTreeSet<String>,
    depth: usize,
    /// Bytes the word may still produce from variable values and replacements
    /// ([`MAX_EXPANSION_BYTES`]); charged before the text is built.
    budget: usize,
}

type Res<T> = Result<T, String>;

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn get_env(&mut self, name: &str) -> Res<Option<String>> {
        match (self.vars)(name) {
            Some(v) => {
                self.matched.insert(name.to_string());
                self.charge(v.len())?;
                Ok(Some(v))
            }
            None => {
                self.unresolved.insert(name.to_string());
                Ok(None)
            }
        }
    }

    /// Account for `n` more bytes of output; fails once the word would exceed the cap.
    fn charge(&mut self, n: usize) -> Res<()> {
        match self.budget.checked_sub(n) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => {
                self.budget = 0;
                Err(format!(
                    "expands to more than {MAX_EXPANSION_BYTES} bytes (exponential or runaway variable expansion); expansion stopped"
                ))
            }
        }
    }

    /// `processStopOn`: read until `stop` (consumed) or the end of input.
    fn process_stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Res<(String, Vec<String>)> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!(
                "substitutions nested deeper than {MAX_DEPTH} levels"
            ));
        }
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let r = self.process_stop_on_inner(stop);
        self.raw_escapes = saved;
        self.depth -= 1;
        r
    }

    fn process_stop_on_inner(&mut self, stop: Option<char>) -> Res<(String, Vec<String>)> {
        let mut result = String::new();
        let mut words = Words::default();
        let quotes = !self.options.skip_process_quotes;
        while let Some(ch) = self.peek() {
            if Some(ch) == stop {
                self.next();
                return Ok((result, words.finish()));
            }
            if ch == '$' {
                let tmp = self.process_dollar()?;
                result.push_str(&tmp);
                words.add_string(&tmp);
            } else if quotes && ch == '\'' {
                let tmp = self.process_single_quote()?;
                result.push_str(&tmp);
                words.add_raw_string(&tmp);
            } else if quotes && ch == '"' {
                let tmp = self.process_double_quote()?;
                result.push_str(&tmp);
                words.add_raw_string(&tmp);
            } else {
                let mut ch = self.next().unwrap_or(ch);
                if ch == self.escape {
                    if self.raw_escapes {
                        words.add_raw_char(ch);
                        result.push(ch);
                    }
                    // The escape character escapes the next one; at the end it vanishes.
                    match self.next() {
                        None => break,
                        Some(c) => ch = c,
                    }
                    words.add_raw_char(ch);
                } else {
                    words.add_char(ch);
                }
                result.push(ch);
            }
        }
        if let Some(stop) = stop {
            return Err(format!(
                "unexpected end of statement while looking for matching {stop}"
            ));
        }
        Ok((result, words.finish()))
    }

    fn process_single_quote(&mut self) -> Res<String> {
        let mut result = String::new();
        let open = self.next();
        if self.options.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .into(),
                    )
                }
                Some('\'') => {
                    if self.options.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn process_double_quote(&mut self) -> Res<String> {
        let mut result = String::new();
        let open = self.next();
        if self.options.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    )
                }
                Some('"') => {
                    self.next();
                    if self.options.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let v = self.process_dollar()?;
                    result.push_str(&v);
                }
                Some(_) => {
                    let mut ch = self.next().unwrap_or_default();
                    if ch == self.escape {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            // An escape at the very end is dropped; the missing quote errors next.
                            None => continue,
                            // Only `"`, `$` and the escape itself can be escaped in "…".
                            Some(c) if c == '"' || c == '$' || c == self.escape => {
                                ch = c;
                                self.next();
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    fn process_dollar(&mut self) -> Res<String> {
        self.next(); // '$'
        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".into());
            }
            let value = self.get_env(&name)?;
            return Ok(match value {
                Some(v) => v,
                None if self.options.skip_unset_env => format!("${name}"),
                None => String::new(),
            });
        }
        self.next(); // '{'
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            Some(_) => {}
        }
        let name = self.process_name();
        let Some(mut ch) = self.next() else {
            return Err("syntax error: missing '}'".into());
        };
        let mut modifier = ch.to_string();
        match ch {
            '}' => {
                let value = self.get_env(&name)?;
                Ok(match value {
                    Some(v) => v,
                    None if self.options.skip_unset_env => format!("${{{name}}}"),
                    None => String::new(),
                })
            }
            ':' | '+' | '-' | '?' | '#' | '%' => {
                let null_is_unset = ch == ':';
                if null_is_unset {
                    match self.next() {
                        Some(c) => {
                            ch = c;
                            modifier.push(c);
                        }
                        None => return Err("syntax error: missing '}'".into()),
                    }
                }
                let raw = ch == '#' || ch == '%';
                let word = match self.process_stop_on(Some('}'), raw) {
                    Ok((w, _)) => w,
                    Err(e) if self.peek().is_none() && !is_limit(&e) => {
                        return Err("syntax error: missing '}'".into())
                    }
                    Err(e) => return Err(e),
                };
                let value = self.get_env(&name)?;
                if self.options.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}{modifier}{word}}}"));
                }
                let set = value.is_some();
                let value = value.unwrap_or_default();
                match ch {
                    '-' => Ok(if !set || (null_is_unset && value.is_empty()) {
                        word
                    } else {
                        value
                    }),
                    '+' => Ok(if !set || (null_is_unset && value.is_empty()) {
                        String::new()
                    } else {
                        word
                    }),
                    '?' => {
                        if !set {
                            let msg = if word.is_empty() {
                                "is not allowed to be unset".to_string()
                            } else {
                                word
                            };
                            return Err(format!("{name}: {msg}"));
                        }
                        if null_is_unset && value.is_empty() {
                            let msg = if word.is_empty() {
                                "is not allowed to be empty".to_string()
                            } else {
                                word
                            };
                            return Err(format!("{name}: {msg}"));
                        }
                        Ok(value)
                    }
                    '%' | '#' => {
                        // `%`/`#` remove the shortest match, `%%`/`##` the longest.
                        let (greedy, pattern) = match word.strip_prefix(ch) {
                            Some(rest) => (true, rest.to_string()),
                            None => (false, word),
                        };
                        if ch == '%' {
                            trim_suffix(&pattern, &value, greedy)
                        } else {
                            trim_prefix(&pattern, &value, greedy)
                        }
                    }
                    _ => Err(format!("unsupported modifier ({modifier}) in substitution")),
                }
            }
            '/' => {
                let replace_all = self.peek() == Some('/');
                if replace_all {
                    self.next();
                }
                let pattern = match self.process_stop_on(Some('/'), true) {
                    Ok((p, _)) => p,
                    Err(e) if self.peek().is_none() && !is_limit(&e) => {
                        return Err("syntax error: missing '/' in ${}".into())
                    }
                    Err(e) => return Err(e),
                };
                let replacement = match self.process_stop_on(Some('}'), true) {
                    Ok((r, _)) => r,
                    Err(e) if self.peek().is_none() && !is_limit(&e) => {
                        return Err("syntax error: missing '}'".into())
                    }
                    Err(e) => return Err(e),
                };
                let value = self.get_env(&name)?;
                if self.options.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
                }
                let value = value.unwrap_or_default();
                let re = shell_pattern_to_regex(&pattern, true, false)
                    .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
                if replace_all {
                    // Each match may add the whole replacement: charge before building it.
                    let matches = re.find_iter(&value).count();
                    self.charge(matches.saturating_mul(replacement.len()))?;
                    // Go's ReplaceAllString expands `$name` in the replacement; so does this.
                    Ok(re.replace_all(&value, replacement.as_str()).into_owned())
                } else if let Some(m) = re.find(&value) {
                    Ok(format!(
                        "{}{}{}",
                        &value[..m.start()],
                        replacement,
                        &value[m.end()..]
                    ))
                } else {
                    Ok(value)
                }
            }
            _ => Err(format!("unsupported modifier ({modifier}) in substitution")),
        }
    }

    /// A variable name: letters, digits, `_`; or all digits; or one special parameter.
    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && ch.is_numeric() {
                while let Some(c) = self.peek().filter(|c| c.is_numeric()) {
                    name.push(c);
                    self.next();
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.next();
                return ch.to_string();
            }
            if !ch.is_alphabetic() && !ch.is_numeric() && ch != '_' {
                break;
            }
            name.push(ch);
            self.next();
        }
        name
    }
}

/// A limit error (depth, size) must surface as itself, not as the syntax error a cut-off
/// word would otherwise be reported as.
fn is_limit(e: &str) -> bool {
    e.contains("nested deeper") || e.contains("expansion stopped")
}

/// BuildKit's `convertShellPatternToRegex`: `*` (lazy unless greedy), `?`, `\` escapes
/// `*`/`?`/`\` and is dropped before `}`/`/`; no bracket expressions.
fn shell_pattern_to_regex(pattern: &str, greedy: bool, anchored: bool) -> Res<regex::Regex> {
    let mut out = String::with_capacity(pattern.len() + 4);
    if anchored {
        out.push('^');
    }
    let star = if greedy { ".*" } else { ".*?" };
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let tok = chars[i];
        i += 1;
        match tok {
            '*' => out.push_str(star),
            '?' => out.push('.'),
            '\\' => {
                if matches!(chars.get(i), Some('}' | '/')) {
                    continue;
                }
                out.push('\\');
                match chars.get(i) {
                    Some(&c @ ('*' | '?' | '\\')) => {
                        out.push(c);
                        i += 1;
                    }
                    Some(&c) => return Err(format!("invalid escape '\\{c}'")),
                    None => return Err("invalid escape '\\' at end of pattern".into()),
                }
            }
            '[' | ']' | '{' | '}' | '.' | '+' | '(' | ')' | '|' | '^' | '$' => {
                out.push('\\');
                out.push(tok);
            }
            _ => out.push(tok),
        }
    }
    regex::Regex::new(&out).map_err(|e| e.to_string())
}

fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Res<String> {
    let re = shell_pattern_to_regex(pattern, greedy, true)
        .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
    Ok(match re.find(value) {
        Some(m) => value[m.end()..].to_string(),
        None => value.to_string(),
    })
}

/// Shortest/longest *suffix* match: reverse pattern and value, then trim a prefix
/// (regexes only find leftmost matches), exactly as BuildKit does.
fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Res<String> {
    let reversed_pattern = reverse_pattern(pattern);
    let reversed_value: String = value.chars().rev().collect();
    let trimmed = trim_prefix(&reversed_pattern, &reversed_value, greedy)?;
    Ok(trimmed.chars().rev().collect())
}

/// Reverse a pattern keeping `\x` escape pairs in order (`a\*c` → `c\*a`).
fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = vec!['\0'; chars.len()];
    let last = chars.len().saturating_sub(1);
    let mut i = 0;
    while i < chars.len() {
        let out_idx = last - i;
        if chars[i] == '\\' && i != last {
            out[out_idx - 1] = '\\';
            out[out_idx] = chars[i + 1];
            i += 2;
        } else {
            out[out_idx] = chars[i];
            i += 1;
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn ex(word: &str, vars: &HashMap<String, String>) -> Result<String, ExpandError> {
        expand_word(word, &|k| vars.get(k).cloned(), '\\')
    }

    #[test]
    fn reverse_pattern_keeps_escapes() {
        assert_eq!(reverse_pattern(r"a\*c"), r"c\*a");
        assert_eq!(reverse_pattern("abc"), "cba");
        assert_eq!(reverse_pattern(""), "");
    }

    #[test]
    fn basic_forms() {
        let e = env(&[("PWD", "/home"), ("SHELL", "bash"), ("EMPTY", "")]);
        assert_eq!(ex("$PWD", &e).unwrap(), "/home");
        assert_eq!(ex("${PWD}x", &e).unwrap(), "/homex");
        assert_eq!(ex("$PWDx", &e).unwrap(), "");
        assert_eq!(ex("${EMPTY:-dflt}", &e).unwrap(), "dflt");
        assert_eq!(ex("${EMPTY-dflt}", &e).unwrap(), "");
        assert_eq!(ex("${NOPE-dflt}", &e).unwrap(), "dflt");
        assert_eq!(ex("${SHELL:+set}", &e).unwrap(), "set");
        assert_eq!(ex("${EMPTY:+set}", &e).unwrap(), "");
        assert_eq!(ex("${EMPTY+set}", &e).unwrap(), "set");
        assert_eq!(ex("'$PWD'", &e).unwrap(), "$PWD");
        assert_eq!(ex(r#""$PWD""#, &e).unwrap(), "/home");
        assert_eq!(ex(r"\$PWD", &e).unwrap(), "$PWD");
        assert_eq!(ex("$", &e).unwrap(), "$");
        assert_eq!(ex("a$", &e).unwrap(), "a$");
    }

    #[test]
    fn errors() {
        let e = env(&[("EMPTY", "")]);
        assert_eq!(
            ex("${NOPE:?must be set}", &e).unwrap_err().message,
            "NOPE: must be set"
        );
        assert_eq!(
            ex("${EMPTY:?}", &e).unwrap_err().message,
            "EMPTY: is not allowed to be empty"
        );
        assert!(ex("${EMPTY?}", &e).is_ok());
        assert_eq!(
            ex("${NOPE?}", &e).unwrap_err().message,
            "NOPE: is not allowed to be unset"
        );
        assert_eq!(
            ex("${", &e).unwrap_err().message,
            "syntax error: missing '}'"
        );
        assert_eq!(
            ex("${}", &e).unwrap_err().message,
            "syntax error: bad substitution"
        );
        assert_eq!(
            ex("${:}", &e).unwrap_err().message,
            "syntax error: bad substitution"
        );
        assert_eq!(
            ex("${a", &e).unwrap_err().message,
            "syntax error: missing '}'"
        );
        assert!(ex("'abc", &e).is_err());
        assert!(ex("\"abc", &e).is_err());
        assert!(ex("${a:x}", &e)
            .unwrap_err()
            .message
            .contains("unsupported modifier"));
        let deep = "${a:-".repeat(200) + &"}".repeat(200);
        assert!(ex(&deep, &e).is_err());
    }

    #[test]
    fn prefix_suffix_and_replace() {
        let e = env(&[("P", "/usr/local/bin/app.tar.gz"), ("V", "1.2.3")]);
        assert_eq!(ex("${P#*/}", &e).unwrap(), "usr/local/bin/app.tar.gz");
        assert_eq!(ex("${P##*/}", &e).unwrap(), "app.tar.gz");
        assert_eq!(ex("${P%.*}", &e).unwrap(), "/usr/local/bin/app.tar");
        assert_eq!(ex("${P%%.*}", &e).unwrap(), "/usr/local/bin/app");
        assert_eq!(ex("${V/./-}", &e).unwrap(), "1-2.3");
        assert_eq!(ex("${V//./-}", &e).unwrap(), "1-2-3");
        assert_eq!(ex("${V/x/y}", &e).unwrap(), "1.2.3");
        assert_eq!(ex("${V#?.}", &e).unwrap(), "2.3");
        assert_eq!(ex(r"${V%\*}", &e).unwrap(), "1.2.3");
    }

    #[test]
    fn words_split_after_expansion() {
        let e = env(&[("A", "x y"), ("B", "")]);
        let w = |s: &str| expand_words(s, &|k| e.get(k).cloned(), '\\').unwrap();
        assert_eq!(w("$A z"), ["x", "y", "z"]);
        assert_eq!(w("\"$A\" z"), ["x y", "z"]);
        assert_eq!(w(r"a\ b c"), ["a b", "c"]);
        assert_eq!(w("'' x"), ["x"]);
        assert_eq!(w("  "), Vec::<String>::new());
    }

    #[test]
    fn unresolved_reported() {
        let e = env(&[("A", "1")]);
        let r = expand_full(
            "${A}${BASE}:${TAG:-latest}",
            &|k| e.get(k).cloned(),
            '\\',
            ExpandOptions::default(),
        )
        .unwrap();
        assert_eq!(r.result, "1:latest");
        assert_eq!(r.matched, ["A"]);
        assert_eq!(r.unresolved, ["BASE", "TAG"]);
    }

    #[test]
    fn backtick_escape_and_options() {
        let e = env(&[("A", "1")]);
        assert_eq!(
            expand_word("`$A\\x", &|k| e.get(k).cloned(), '`').unwrap(),
            "$A\\x"
        );
        let raw = expand_full(
            "\"$A\" '$B' $C",
            &|k| e.get(k).cloned(),
            '\\',
            ExpandOptions {
                raw_quotes: true,
                skip_unset_env: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(raw.result, "\"1\" '$B' $C");
    }
}
