//! Heredoc detection, mirroring BuildKit's `heredocsFromLine`/`ParseHeredoc`, which split the
//! instruction line with its shell lexer (`frontend/dockerfile/shell/lex.go`, quotes and
//! escapes kept raw, unset variables kept as written) and look for words matching
//! `^(\d*)<<(-?)([^<]*)$`.

use crate::ast::Heredoc;

/// Nesting limit for `${a:-${b:-…}}`; Go recurses without limit, we refuse absurd depth
/// (BuildKit then finds no heredoc on such a line either way it fails to lex).
const MAX_DEPTH: usize = 64;

struct Lex<'a> {
    chars: &'a [char],
    pos: usize,
    raw_quotes: bool,
    raw_escapes: bool,
    depth: usize,
}

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
        for c in s.chars() {
            self.add_char(c);
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

const ESCAPE: char = '\\';

impl Lex<'_> {
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

    fn process_stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Result<(String, Vec<String>), ()> {
        if self.depth >= MAX_DEPTH {
            return Err(());
        }
        self.depth += 1;
        let saved = std::mem::replace(&mut self.raw_escapes, raw_escapes);
        let r = self.stop_on_inner(stop);
        self.raw_escapes = saved;
        self.depth -= 1;
        r
    }

    fn stop_on_inner(&mut self, stop: Option<char>) -> Result<(String, Vec<String>), ()> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(ch) = self.peek() {
            if stop == Some(ch) {
                self.next();
                return Ok((result, words.finish()));
            }
            match ch {
                '$' => {
                    let tmp = self.process_dollar()?;
                    result.push_str(&tmp);
                    words.add_string(&tmp);
                }
                '\'' => {
                    let tmp = self.single_quote()?;
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp);
                }
                '"' => {
                    let tmp = self.double_quote()?;
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp);
                }
                _ => {
                    self.next();
                    if ch == ESCAPE {
                        if self.raw_escapes {
                            words.add_raw_char(ch);
                            result.push(ch);
                        }
                        let Some(c) = self.next() else { break };
                        words.add_raw_char(c);
                        result.push(c);
                    } else {
                        words.add_char(ch);
                        result.push(ch);
                    }
                }
            }
        }
        if stop.is_some() {
            return Err(());
        }
        Ok((result, words.finish()))
    }

    fn single_quote(&mut self) -> Result<String, ()> {
        let mut out = String::new();
        let q = self.next().ok_or(())?;
        if self.raw_quotes {
            out.push(q);
        }
        loop {
            match self.next() {
                None => return Err(()),
                Some('\'') => {
                    if self.raw_quotes {
                        out.push('\'');
                    }
                    return Ok(out);
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn double_quote(&mut self) -> Result<String, ()> {
        let mut out = String::new();
        let q = self.next().ok_or(())?;
        if self.raw_quotes {
            out.push(q);
        }
        loop {
            match self.peek() {
                None => return Err(()),
                Some('"') => {
                    self.next();
                    if self.raw_quotes {
                        out.push('"');
                    }
                    return Ok(out);
                }
                Some('$') => {
                    let v = self.process_dollar()?;
                    out.push_str(&v);
                }
                Some(_) => {
                    let mut ch = self.next().ok_or(())?;
                    if ch == ESCAPE {
                        if self.raw_escapes {
                            out.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some('"' | '$' | ESCAPE) => ch = self.next().ok_or(())?,
                            Some(_) => {}
                        }
                    }
                    out.push(ch);
                }
            }
        }
    }

    /// With no variables set and `SkipUnsetEnv`, every expansion is kept as written
    /// (BuildKit re-formats `${x/a/b}`-style forms, which we mirror).
    fn process_dollar(&mut self) -> Result<String, ()> {
        self.next();
        if self.peek() != Some('{') {
            let name = self.process_name();
            return Ok(if name.is_empty() {
                "$".to_string()
            } else {
                format!("${name}")
            });
        }
        self.next();
        match self.peek() {
            None | Some('{' | '}' | ':') => return Err(()),
            _ => {}
        }
        let name = self.process_name();
        let ch = self.next().ok_or(())?;
        let mut chs = ch.to_string();
        let mut modifier = ch;
        match ch {
            '}' => Ok(format!("${{{name}}}")),
            ':' | '+' | '-' | '?' | '#' | '%' => {
                if ch == ':' {
                    modifier = self.next().unwrap_or('\u{FFFD}');
                    chs.push(modifier);
                }
                let raw = modifier == '#' || modifier == '%';
                let (word, _) = self.process_stop_on(Some('}'), raw)?;
                Ok(format!("${{{name}{chs}{word}}}"))
            }
            '/' => {
                if self.peek() == Some('/') {
                    self.next();
                }
                let (pattern, _) = self.process_stop_on(Some('/'), true)?;
                let (replacement, _) = self.process_stop_on(Some('}'), true)?;
                Ok(format!("${{{name}/{pattern}/{replacement}}}"))
            }
            _ => Err(()),
        }
    }

    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && ch.is_numeric() {
                while let Some(d) = self.peek().filter(|c| c.is_numeric()) {
                    self.next();
                    name.push(d);
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.next();
                return ch.to_string();
            }
            if !(ch.is_alphabetic() || ch.is_numeric() || ch == '_') {
                break;
            }
            self.next();
            name.push(ch);
        }
        name
    }
}

fn process_words(s: &str, raw_quotes: bool, raw_escapes: bool) -> Result<Vec<String>, ()> {
    let chars: Vec<char> = s.chars().collect();
    let mut lex = Lex {
        chars: &chars,
        pos: 0,
        raw_quotes,
        raw_escapes,
        depth: 0,
    };
    lex.process_stop_on(None, raw_escapes).map(|(_, w)| w)
}

/// BuildKit's `ParseHeredoc` on one word: `Ok(None)` when the word is no heredoc.
fn heredoc_from_word(word: &str) -> Result<Option<Heredoc>, String> {
    let digits = word.len() - word.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let Some(after) = word[digits..].strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, rest) = match after.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, after),
    };
    if rest.is_empty() || rest.contains('<') {
        return Ok(None);
    }
    let fd = if digits == 0 {
        0
    } else {
        // Go's ParseUint saturates on overflow.
        word[..digits]
            .parse::<u64>()
            .unwrap_or(u64::MAX)
            .min(u32::MAX as u64) as u32
    };
    let fail = || format!("failed to process heredoc delimiter {rest:?}");
    let words = process_words(rest, false, false).map_err(|_| fail())?;
    if words.len() != 1 {
        return Ok(None);
    }
    let raw = process_words(rest, true, false).map_err(|_| fail())?;
    if raw.len() != words.len() {
        return Err(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        ));
    }
    let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    let expand = quotes(&words[0]) == quotes(&raw[0]);
    Ok(Some(Heredoc {
        name: words.into_iter().next().unwrap_or_default(),
        content: String::new(),
        file_descriptor: fd,
        expand,
        chomp,
    }))
}

/// BuildKit's `heredocsFromLine`: every heredoc word on the (joined) instruction line, in
/// order. A line the shell lexer cannot split has no heredocs, as in BuildKit.
pub(super) fn heredocs_from_line(line: &str) -> Result<Vec<Heredoc>, String> {
    let words = process_words(line, true, true).unwrap_or_default();
    let mut docs = Vec::new();
    for w in words {
        if let Some(h) = heredoc_from_word(&w)? {
            docs.push(h);
        }
    }
    Ok(docs)
}
