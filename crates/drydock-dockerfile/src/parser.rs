//! BuildKit-compatible Dockerfile parser.
//!
//! This mirrors `moby/buildkit` `frontend/dockerfile/parser` (the reference is v0.12.5, see
//! `docs/parser.md`): the same line scanning, parser directives, continuation handling,
//! per-instruction argument parsers (`parseMaybeJSON`, `parseNameVal`, `parseWords`, …),
//! flag extraction and heredoc detection, so `value`/`flags`/`original` and the line numbers
//! come out exactly as BuildKit's nodes. Unlike BuildKit, an error does not abort the parse:
//! it is recorded in [`Dockerfile::errors`] with its line and parsing goes on with the next
//! instruction.

mod check;
mod lex;
mod words;

use crate::ast::{Comment, Directive, Dockerfile, Instruction, ParseError, Span};

/// Most instructions parsed from one file (real Dockerfiles have a few hundred at most).
pub const MAX_INSTRUCTIONS: usize = 10_000;
/// Most comments kept (for suppressions and rules); later ones are ignored.
pub const MAX_COMMENTS: usize = 100_000;

/// Parse a Dockerfile from bytes: a UTF-8 BOM is dropped and invalid UTF-8 becomes U+FFFD
/// (Go keeps such bytes in strings, but BuildKit's word and JSON parsers decode them to
/// U+FFFD as well).
pub fn parse_bytes(bytes: &[u8], path: &str) -> Dockerfile {
    // `parse` drops the BOM (once, as BuildKit does).
    parse(&String::from_utf8_lossy(bytes), path)
}

/// Parse Dockerfile source text. Never fails: problems end up in `errors`.
pub fn parse(source: &str, path: &str) -> Dockerfile {
    let source = source.strip_prefix('\u{FEFF}').unwrap_or(source);
    Parser::new(source).run(path)
}

/// The `drydock parse FILE --format json` document: BuildKit's parser nodes, one object per
/// instruction, plus the recoverable errors.
pub fn to_parse_json(df: &Dockerfile) -> serde_json::Value {
    let instructions: Vec<serde_json::Value> = df
        .instructions
        .iter()
        .map(|i| {
            serde_json::json!({
                "cmd": i.cmd,
                "sub_cmd": i.sub_cmd,
                "flags": i.flags,
                "value": i.value,
                "json": i.json,
                "start_line": i.start_line,
                "end_line": i.end_line,
                "original": i.original,
                "heredocs": i.heredocs.iter().map(|h| serde_json::json!({
                    "name": h.name,
                    "content": h.content,
                    "file_descriptor": h.file_descriptor,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let errors: Vec<serde_json::Value> = df
        .errors
        .iter()
        .map(|e| serde_json::json!({"line": e.line, "message": e.message}))
        .collect();
    serde_json::json!({"instructions": instructions, "errors": errors})
}

impl Dockerfile {
    /// True for an ENV/LABEL written in the legacy `KEY value` form (no `=`; one pair whose
    /// value is the rest of the line). Newer BuildKit records this as an empty separator
    /// node (`""` instead of `"="`) and warns about it (`LegacyKeyValueFormat`).
    pub fn is_legacy_key_value(&self, inst: &Instruction) -> bool {
        if !matches!(inst.keyword(), "ENV" | "LABEL") {
            return false;
        }
        let (_, _, args) = split_command(&inst.original);
        let args = if inst.sub_cmd.is_some() {
            split_command(args).2
        } else {
            args
        };
        words::parse_words(args, self.escape)
            .first()
            .is_some_and(|w| !w.contains('='))
    }
}

/// Go's `unicode.IsSpace`: the Unicode White_Space property, as `char::is_whitespace`.
pub(crate) fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

/// BuildKit's `reWhitespace`: `[\t\v\f\r ]`.
pub(crate) fn is_re_ws(c: char) -> bool {
    matches!(c, '\t' | '\u{0B}' | '\u{0C}' | '\r' | ' ')
}

/// `bytes.TrimRight(src, "\r\n")`.
fn trim_newline(s: &str) -> &str {
    s.trim_end_matches(['\r', '\n'])
}

/// BuildKit's `isComment`: `#` as the first non-space character.
fn is_comment(s: &str) -> bool {
    s.trim_start_matches(is_go_space).starts_with('#')
}

/// BuildKit's `lineContinuationRegex`: `([^E])E[ \t]*$|^E[ \t]*$` replaced by `$1`.
/// Returns the line without the continuation character and whether the logical line ends.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    let Some(body) = t.strip_suffix(escape) else {
        return (line, true);
    };
    match body.chars().next_back() {
        None => ("", false),
        Some(c) if c == escape => (line, true),
        Some(_) => (body, false),
    }
}

/// A parsed node: BuildKit's `Node` flattened to what the wrapper reports.
struct Node {
    cmd: String,
    flags: Vec<String>,
    values: Vec<String>,
    json: bool,
    /// ONBUILD's trigger.
    child: Option<Box<Node>>,
}

impl Node {
    fn can_contain_heredoc(&self) -> bool {
        let n = match &self.child {
            Some(c) if self.cmd.eq_ignore_ascii_case("onbuild") => c,
            _ => self,
        };
        ["add", "copy", "run"]
            .iter()
            .any(|k| n.cmd.eq_ignore_ascii_case(k))
            && !n.json
    }
}

struct Parser<'a> {
    src: &'a str,
    /// Byte offset of each line start; a sentinel `src.len()` at the end.
    starts: Vec<usize>,
    /// Index of the next line to read (0-based) == number of lines consumed.
    next: usize,
    escape: char,
    directives_done: bool,
    seen: Vec<String>,
    df: Dockerfile,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        let mut starts = Vec::with_capacity(src.len() / 40 + 2);
        if !src.is_empty() {
            starts.push(0);
            // `match_indices` on a char uses memchr.
            starts.extend(
                src.match_indices('\n')
                    .map(|(i, _)| i + 1)
                    .filter(|&i| i < src.len()),
            );
        }
        starts.push(src.len());
        Parser {
            src,
            starts,
            next: 0,
            escape: '\\',
            directives_done: false,
            seen: Vec::new(),
            df: Dockerfile {
                source: src.to_string(),
                escape: '\\',
                ..Default::default()
            },
        }
    }

    fn line_count(&self) -> usize {
        self.starts.len() - 1
    }

    /// The next physical line with its line ending, if any.
    fn next_line(&mut self) -> Option<&'a str> {
        if self.next >= self.line_count() {
            return None;
        }
        let s = &self.src[self.starts[self.next]..self.starts[self.next + 1]];
        self.next += 1;
        Some(s)
    }

    fn error(&mut self, line: usize, message: impl Into<String>) {
        self.df.errors.push(ParseError {
            line: line.max(1),
            message: message.into(),
        });
    }

    fn comment(&mut self, line: usize, raw: &str) {
        if self.df.comments.len() >= MAX_COMMENTS {
            return;
        }
        let t = trim_newline(raw).trim_start_matches(is_go_space);
        let text = t.strip_prefix('#').unwrap_or(t).trim_matches(is_go_space);
        self.df.comments.push(Comment {
            line,
            text: text.to_string(),
        });
    }

    /// BuildKit reads lines with Go's `bufio.Scanner` and its default 64 KiB limit: a longer
    /// line makes the whole build fail. We parse on, but say so (once).
    fn check_line_lengths(&mut self) {
        const MAX: usize = 64 * 1024;
        let long = self.starts.windows(2).position(|w| w[1] - w[0] > MAX);
        if let Some(i) = long {
            self.error(
                i + 1,
                format!(
                    "line {} is longer than {} bytes: BuildKit refuses it (dockerfile line greater than max allowed size of {})",
                    i + 1,
                    MAX - 1,
                    MAX - 1
                ),
            );
        }
    }

    /// BuildKit's `DirectiveParser.ParseLine`; returns true if `token` was a directive.
    fn possible_directive(&mut self, token: &str, line: usize) -> bool {
        if self.directives_done {
            return false;
        }
        let Some((name, value)) = match_directive(token) else {
            self.directives_done = true;
            return false;
        };
        let key = name.to_ascii_lowercase();
        if !matches!(key.as_str(), "syntax" | "escape" | "check") {
            self.directives_done = true;
            return false;
        }
        if self.seen.contains(&key) {
            self.error(line, format!("only one {key} parser directive can be used"));
            return true;
        }
        self.seen.push(key.clone());
        if key == "escape" {
            match value {
                "\\" => self.escape = '\\',
                "`" => self.escape = '`',
                _ => {
                    self.error(
                        line,
                        format!("invalid escape token '{value}' does not match ` or \\"),
                    );
                    return true;
                }
            }
            self.df.escape = self.escape;
        }
        self.df.directives.push(Directive {
            name: key,
            value: value.to_string(),
            line,
        });
        true
    }

    fn run(mut self, path: &str) -> Dockerfile {
        self.df.path = path.to_string();
        self.check_line_lengths();
        while let Some(raw) = self.next_line() {
            let line_no = self.next;
            if self.df.instructions.len() >= MAX_INSTRUCTIONS {
                // Every instruction costs a few KiB in the model and the rules: a generated
                // file of a million `RUN a` lines would need gigabytes.
                self.error(
                    line_no,
                    format!("more than {MAX_INSTRUCTIONS} instructions: the rest of the file is not parsed (limit for hostile or generated files)"),
                );
                break;
            }
            let token = trim_newline(raw).trim_start_matches(is_go_space);
            let is_directive = self.possible_directive(token, line_no);
            if is_comment(token) {
                if !is_directive {
                    self.comment(line_no, raw);
                }
                continue;
            }
            let (first, mut eol) = trim_continuation(token, self.escape);
            if eol && first.is_empty() {
                continue;
            }
            let start_line = line_no;
            // Last line with instruction text (comment/blank lines in continuations are not).
            let mut last_text_line = line_no;
            let mut line = String::from(first);
            while !eol {
                let Some(raw) = self.next_line() else { break };
                if is_comment(raw) {
                    let n = self.next;
                    self.comment(n, raw);
                    continue;
                }
                let tok = trim_newline(raw);
                if tok.trim_start_matches(is_go_space).is_empty() {
                    continue;
                }
                let (part, e) = trim_continuation(tok, self.escape);
                line.push_str(part);
                eol = e;
                last_text_line = self.next;
            }
            self.instruction(line, start_line, last_text_line);
        }
        self.check();
        if self.df.instructions.is_empty() && self.df.errors.is_empty() {
            let n = self.line_count();
            self.error(n, "file with no instructions");
        }
        self.df
    }

    /// BuildKit's instruction-level checks (see `check.rs`) and the first-FROM rule, after
    /// the whole file is parsed so that errors stay sorted by line.
    fn check(&mut self) {
        let mut errors = std::mem::take(&mut self.df.errors);
        let mut seen_from = false;
        for inst in &self.df.instructions {
            if let Some(msg) = check::check_instruction(inst) {
                errors.push(ParseError {
                    line: inst.start_line,
                    message: msg,
                });
            }
            match inst.cmd.as_str() {
                "FROM" => seen_from = true,
                // ARG before FROM is allowed; unknown instructions are reported above.
                "ARG" => {}
                c if !seen_from && check::is_known(c) => {
                    errors.push(ParseError {
                        line: inst.start_line,
                        message: format!(
                            "{c} before the first FROM: no build stage in current context"
                        ),
                    });
                    seen_from = true;
                }
                _ => {}
            }
        }
        errors.sort_by_key(|e| e.line);
        self.df.errors = errors;
    }

    fn instruction(&mut self, line: String, start_line: usize, last_text_line: usize) {
        let node = match new_node_from_line(&line, self.escape, 0) {
            Ok(n) => n,
            Err(msg) => {
                self.error(start_line, msg);
                return;
            }
        };
        let mut original = line;
        let mut heredocs = Vec::new();
        if node.can_contain_heredoc() && original.contains("<<") {
            match lex::heredocs_from_line(&original) {
                Ok(docs) => heredocs = docs,
                Err(msg) => self.error(start_line, msg),
            }
        }
        if !heredocs.is_empty() {
            original.push('\n');
            for doc in &mut heredocs {
                let mut terminated = false;
                while let Some(raw) = self.next_line() {
                    original.push_str(raw);
                    let mut t = trim_newline(raw);
                    if doc.chomp {
                        t = t.trim_start_matches('\t');
                    }
                    if t == doc.name {
                        terminated = true;
                        break;
                    }
                    doc.content.push_str(raw);
                }
                if !terminated {
                    let msg = format!(
                        "unterminated heredoc: no line `{}` closes the heredoc started on line {start_line}",
                        doc.name
                    );
                    self.error(start_line, msg);
                    break;
                }
            }
        }
        let end_line = self.next.max(start_line);
        let span_end = if heredocs.is_empty() {
            last_text_line
        } else {
            end_line
        };
        let span = self.span(start_line, span_end);
        if node.child.is_some() {
            if let Some(f) = node.flags.first() {
                // The trigger's flags are reported; ONBUILD's own would be lost, and BuildKit
                // rejects them.
                let msg = format!("unknown flag: {f} (ONBUILD takes no flags)");
                self.error(start_line, msg);
            }
        }
        let (cmd, sub_cmd, flags, value, json) = match node.child {
            Some(c) if node.cmd.eq_ignore_ascii_case("onbuild") => (
                node.cmd.to_uppercase(),
                Some(c.cmd.to_uppercase()),
                c.flags,
                c.values,
                c.json,
            ),
            _ => (
                node.cmd.to_uppercase(),
                None,
                node.flags,
                node.values,
                node.json,
            ),
        };
        self.df.instructions.push(Instruction {
            cmd,
            sub_cmd,
            flags,
            value,
            json,
            start_line,
            end_line,
            original,
            heredocs,
            span,
        });
    }

    /// From the first non-space character of `start_line` to the last non-space character
    /// at or before the end of `end_line` (the last line with instruction text).
    fn span(&self, start_line: usize, end_line: usize) -> Span {
        let ls = self.starts[start_line - 1];
        let le = self.starts[end_line];
        let text = &self.src[ls..le];
        let first = text.len() - text.trim_start_matches(is_go_space).len();
        let trimmed = text.trim_end_matches(is_go_space);
        let last = trimmed
            .char_indices()
            .next_back()
            .map(|(i, _)| i)
            .unwrap_or(first);
        let (sl, sc) = self.position(ls + first);
        let (el, ec) = self.position(ls + last.max(first));
        Span {
            start_line: sl,
            start_column: sc,
            end_line: el,
            end_column: ec,
        }
    }

    /// 1-based line and character column of a byte offset.
    fn position(&self, off: usize) -> (usize, usize) {
        let idx = self.starts[..self.line_count()]
            .partition_point(|&s| s <= off)
            .max(1)
            - 1;
        let col = self.src[self.starts[idx]..off].chars().count() + 1;
        (idx + 1, col)
    }
}

/// BuildKit's `reDirectives` on the text after `#`:
/// `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` (RE2 `\s` is `[\t\n\f\r ]`).
fn match_directive(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix('#')?.trim_start_matches(is_go_space);
    let name_len = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    if name_len == 0 {
        return None;
    }
    let (name, after) = rest.split_at(name_len);
    let is_s = |c: char| matches!(c, '\t' | '\n' | '\u{0C}' | '\r' | ' ');
    let after = after.trim_start_matches(is_s).strip_prefix('=')?;
    if after.is_empty() {
        return None;
    }
    let value = after.trim_start_matches(is_s).trim_end_matches(is_s);
    if value.is_empty() {
        // `(.+?)` needs one character: the regex backtracks and takes the last blank.
        let last = after.char_indices().next_back()?.0;
        return Some((name, &after[last..]));
    }
    Some((name, value))
}

/// BuildKit's `splitCommand`: keyword, flags and the rest of the line.
fn split_command(line: &str) -> (&str, Vec<String>, &str) {
    let line = line.trim_matches(is_go_space);
    match line.find(is_re_ws) {
        None => (line, Vec::new(), ""),
        Some(i) => {
            let cmd = &line[..i];
            let rest = line[i..].trim_start_matches(is_re_ws);
            let (args, flags) = words::extract_builder_flags(rest);
            (cmd, flags, args.trim_matches(is_go_space))
        }
    }
}

/// BuildKit's `newNodeFromLine` plus the dispatch table.
fn new_node_from_line(line: &str, escape: char, depth: usize) -> Result<Node, String> {
    let (cmd, flags, args) = split_command(line);
    let lower = cmd.to_ascii_lowercase();
    let mut node = Node {
        cmd: cmd.to_string(),
        flags,
        values: Vec::new(),
        json: false,
        child: None,
    };
    match lower.as_str() {
        "add" | "copy" | "volume" => {
            (node.values, node.json) = words::parse_maybe_json_to_list(args)?;
        }
        "cmd" | "entrypoint" | "run" | "shell" => {
            (node.values, node.json) = words::parse_maybe_json(args)?;
        }
        "arg" => node.values = words::parse_words(args, escape),
        "env" | "label" => {
            node.values = words::parse_name_val(args, &cmd.to_ascii_uppercase(), escape)?;
        }
        "expose" | "from" => node.values = words::split_whitespace(args),
        "healthcheck" => (node.values, node.json) = words::parse_health_config(args)?,
        "maintainer" | "stopsignal" | "user" | "workdir" => {
            if !args.is_empty() {
                node.values.push(args.to_string());
            }
        }
        "onbuild" if !args.is_empty() => {
            if depth > 0 {
                // `ONBUILD ONBUILD x`: BuildKit's parser nests without limit (its instruction
                // check then rejects it, see check.rs); one level is all we need to report
                // it, and stopping here bounds the recursion. Its node has one empty value.
                node.values.push(String::new());
            } else {
                node.child = Some(Box::new(new_node_from_line(args, escape, depth + 1)?));
            }
        }
        "onbuild" => {}
        // BuildKit's parser keeps unknown instructions with one empty value (`parseIgnore`).
        _ => node.values.push(String::new()),
    }
    Ok(node)
}
