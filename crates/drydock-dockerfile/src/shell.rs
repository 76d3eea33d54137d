//! RUN command analysis with a real shell grammar (tree-sitter-bash).
//!
//! A script is broken into [`SimpleCommand`]s — argv words (unquoted), prefix assignments,
//! redirects and pipeline neighbours — so rules see `apt-get install` inside `&&` chains,
//! `if`/`for` bodies, subshells, `set -e` scripts and nested `sh -c "…"` strings the same way.
//! Offsets are byte offsets into the script given to [`parse`]; callers map them back to the
//! Dockerfile.

use std::cell::RefCell;
use std::ops::Range;

/// How deep `sh -c "sh -c '…'"` nesting is followed; deeper strings are left as plain words.
const MAX_NESTING: usize = 4;
/// Tree depth limit for the walk (tree-sitter itself is iterative; our walk is recursive).
const MAX_DEPTH: usize = 400;
/// Scripts larger than this are not analysed (a RUN this large is generated content).
const MAX_SCRIPT: usize = 1 << 20;

/// One shell word: its unquoted value and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Value after quote removal; expansions are kept verbatim (`$HOME`).
    pub text: String,
    /// Source text as written (quotes included).
    pub raw: String,
    /// Byte range in the script.
    pub range: Range<usize>,
    /// Contains a parameter expansion or command substitution.
    pub dynamic: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// `>`, `>>`, `<`, `&>`, `>&`, `<<<` …
    pub op: String,
    /// The file descriptor written before the operator (`2>`), if any.
    pub fd: Option<u32>,
    pub target: Word,
}

/// A simple command (`name arg…`) with its context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimpleCommand {
    /// Command name and arguments; empty for a bare assignment (`FOO=bar`).
    pub argv: Vec<Word>,
    /// `NAME=value` prefixes (and `export NAME=value` assignments).
    pub assignments: Vec<(String, Word)>,
    pub redirects: Vec<Redirect>,
    /// Byte range of the whole command in the script.
    pub range: Range<usize>,
    /// Index (into the returned list) of the command this one pipes its stdout into.
    pub piped_to: Option<usize>,
    /// Index of the command whose stdout feeds this one's stdin.
    pub piped_from: Option<usize>,
    /// `sh -c` nesting level: 0 for the RUN script itself.
    pub depth: usize,
    /// True when the command sits inside `$(…)`/backticks (its output is data, not a step).
    pub in_substitution: bool,
    /// How many leading `argv` words are wrappers (see [`effective_argv`](Self::effective_argv));
    /// computed once because every rule asks for the command name.
    wrappers: usize,
}

impl SimpleCommand {
    pub fn new(
        argv: Vec<Word>,
        assignments: Vec<(String, Word)>,
        redirects: Vec<Redirect>,
        range: Range<usize>,
        depth: usize,
        in_substitution: bool,
    ) -> SimpleCommand {
        let wrappers = argv.len() - strip_wrappers(&argv).len();
        SimpleCommand {
            argv,
            assignments,
            redirects,
            range,
            piped_to: None,
            piped_from: None,
            depth,
            in_substitution,
            wrappers,
        }
    }

    /// The argv with wrapper commands removed: `sudo -u x`, `env A=B`, `nohup`, `exec`,
    /// `command`, `time`, `nice -n 5`, `timeout 10`, `xargs -r`, `stdbuf -oL`.
    pub fn effective_argv(&self) -> &[Word] {
        self.argv.get(self.wrappers..).unwrap_or(&[])
    }

    /// Basename of the effective command (`/usr/bin/apt-get` → `apt-get`).
    pub fn name(&self) -> &str {
        self.effective_argv()
            .first()
            .map(|w| basename(&w.text))
            .unwrap_or("")
    }

    /// Effective arguments after the command name.
    pub fn args(&self) -> &[Word] {
        let a = self.effective_argv();
        if a.is_empty() {
            a
        } else {
            &a[1..]
        }
    }

    /// True when the effective command is run through `sudo`/`doas`.
    pub fn uses_sudo(&self) -> bool {
        let wrappers = self.argv.len() - self.effective_argv().len();
        self.argv[..wrappers]
            .iter()
            .any(|w| matches!(basename(&w.text), "sudo" | "doas"))
    }

    /// True when any effective argument equals `flag`, or (for a single-letter flag like
    /// `-k`) appears inside a combined short-option group such as `-fsSLk`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.find_flag(flag).is_some()
    }

    /// The first word carrying `flag` (exact, `flag=value`, or inside `-abc` groups).
    pub fn find_flag(&self, flag: &str) -> Option<&Word> {
        let short = flag.len() == 2 && flag.starts_with('-') && !flag.starts_with("--");
        let c = flag.chars().nth(1);
        for w in self.args() {
            let t = w.text.as_str();
            if t == "--" {
                break;
            }
            if t == flag
                || (flag.starts_with("--")
                    && t.strip_prefix(flag).is_some_and(|r| r.starts_with('=')))
            {
                return Some(w);
            }
            if short && t.starts_with('-') && !t.starts_with("--") && t.len() > 2 {
                if let Some(c) = c {
                    if t[1..].chars().all(|x| x.is_ascii_alphanumeric()) && t[1..].contains(c) {
                        return Some(w);
                    }
                }
            }
        }
        None
    }

    /// Positional (non-option) arguments, in order.
    pub fn positionals(&self) -> impl Iterator<Item = &Word> {
        self.args().iter().filter(|w| !w.text.starts_with('-'))
    }
}

/// `argv` without its leading wrapper commands (`sudo -u x`, `env A=B`, `nice -n 5`, …).
fn strip_wrappers(argv: &[Word]) -> &[Word] {
    let mut a: &[Word] = argv;
    loop {
        let Some(first) = a.first() else { return a };
        let name = basename(&first.text);
        let rest = &a[1..];
        let skip = match name {
            "sudo" | "doas" => skip_options(
                rest,
                &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"],
            ),
            "env" => {
                let mut i = skip_options(rest, &["-u", "-C", "-S"]);
                while i < rest.len() && is_assignment(&rest[i].text) {
                    i += 1;
                }
                i
            }
            "nohup" | "exec" | "command" | "time" | "builtin" => skip_options(rest, &[]),
            "nice" | "ionice" | "stdbuf" | "xargs" => {
                skip_options(rest, &["-n", "-c", "-I", "-P", "-L", "-d", "-s"])
            }
            "timeout" => {
                let i = skip_options(rest, &["-s", "-k"]);
                (i + 1).min(rest.len())
            }
            _ => return a,
        };
        if skip >= rest.len() {
            return &a[a.len()..];
        }
        a = &rest[skip..];
    }
}

/// A parsed script: its simple commands in source order (nested `sh -c` bodies follow the
/// command that runs them).
#[derive(Clone, Debug, Default)]
pub struct Script {
    pub commands: Vec<SimpleCommand>,
    /// The grammar reported errors somewhere (results are best-effort there).
    pub has_errors: bool,
}

impl Script {
    /// True when `set -o pipefail` (or `set -euo pipefail` …) runs before byte `offset`.
    pub fn pipefail_before(&self, offset: usize) -> bool {
        self.commands.iter().any(|c| {
            c.range.start < offset
                && c.name() == "set"
                && c.args().windows(2).any(|w| {
                    w[0].text.starts_with('-')
                        && w[0].text.ends_with('o')
                        && w[1].text == "pipefail"
                })
        })
    }
}

/// Parse a POSIX/bash script into simple commands.
pub fn parse(script: &str) -> Script {
    let mut out = Script::default();
    if script.len() > MAX_SCRIPT {
        out.has_errors = true;
        return out;
    }
    parse_into(script, 0, 0, &mut out);
    out
}

/// Convenience: just the commands.
pub fn commands(script: &str) -> Vec<SimpleCommand> {
    parse(script).commands
}

thread_local! {
    static PARSER: RefCell<Option<tree_sitter::Parser>> = const { RefCell::new(None) };
}

fn parse_into(script: &str, base: usize, depth: usize, out: &mut Script) {
    let tree = PARSER.with(|p| {
        let mut p = p.borrow_mut();
        if p.is_none() {
            let mut parser = tree_sitter::Parser::new();
            // The grammar is compiled into this binary; failure means an ABI mismatch
            // between the two crates, which the crate's own tests catch.
            if parser
                .set_language(&tree_sitter_bash::LANGUAGE.into())
                .is_err()
            {
                return None;
            }
            *p = Some(parser);
        }
        p.as_mut().and_then(|p| p.parse(script, None))
    });
    let Some(tree) = tree else {
        out.has_errors = true;
        return;
    };
    let root = tree.root_node();
    if root.has_error() {
        out.has_errors = true;
    }
    let mut w = Walker {
        src: script,
        base,
        depth,
        out,
        cursors: Vec::new(),
    };
    let mut got = Vec::new();
    w.visit(root, 0, false, &mut got);
}

struct Walker<'a, 'o, 't> {
    src: &'a str,
    base: usize,
    depth: usize,
    out: &'o mut Script,
    /// Spare tree cursors: each allocates, and the walk needs one per nesting level only.
    cursors: Vec<tree_sitter::TreeCursor<'t>>,
}

impl<'t> Walker<'_, '_, 't> {
    fn text(&self, n: tree_sitter::Node) -> &str {
        self.src.get(n.start_byte()..n.end_byte()).unwrap_or("")
    }

    fn word(&self, n: tree_sitter::Node) -> Word {
        let raw = self.text(n);
        let (text, dynamic) = unquote(raw);
        Word {
            text,
            raw: raw.to_string(),
            range: self.base + n.start_byte()..self.base + n.end_byte(),
            dynamic,
        }
    }

    fn cursor(&mut self, n: tree_sitter::Node<'t>) -> tree_sitter::TreeCursor<'t> {
        match self.cursors.pop() {
            Some(mut c) => {
                c.reset(n);
                c
            }
            None => n.walk(),
        }
    }

    /// Visit `n`, appending the indices of the simple commands found (in order) to `got`.
    fn visit(
        &mut self,
        n: tree_sitter::Node<'t>,
        level: usize,
        in_subst: bool,
        got: &mut Vec<usize>,
    ) {
        if level > MAX_DEPTH {
            self.out.has_errors = true;
            return;
        }
        match n.kind() {
            "command" => self.command(n, level, in_subst, got),
            "pipeline" => {
                // (start, end) of each stage's commands in `got`.
                let mut stages: Vec<(usize, usize)> = Vec::new();
                let mut c = self.cursor(n);
                for ch in n.named_children(&mut c) {
                    if ch.kind() == "comment" {
                        continue;
                    }
                    let start = got.len();
                    self.visit(ch, level + 1, in_subst, got);
                    if got.len() > start {
                        stages.push((start, got.len()));
                    }
                }
                self.cursors.push(c);
                for pair in stages.windows(2) {
                    // The last command of a stage writes into the first command of the next.
                    let (from, to) = (got[pair[0].1 - 1], got[pair[1].0]);
                    self.out.commands[from].piped_to = Some(to);
                    self.out.commands[to].piped_from = Some(from);
                }
            }
            "redirected_statement" => {
                let start = got.len();
                let mut redirects = Vec::new();
                let mut c = self.cursor(n);
                for ch in n.named_children(&mut c) {
                    match ch.kind() {
                        "file_redirect" | "herestring_redirect" => {
                            if let Some(r) = self.redirect(ch) {
                                redirects.push(r);
                            }
                            self.visit_children(ch, level, in_subst, got);
                        }
                        "heredoc_redirect" => {
                            // `cmd <<EOF | other` puts the pipeline inside the redirect node.
                            self.visit_children(ch, level, in_subst, got);
                        }
                        _ => self.visit(ch, level + 1, in_subst, got),
                    }
                }
                self.cursors.push(c);
                if redirects.is_empty() {
                    return;
                }
                if let Some(body) = n.child_by_field_name("body") {
                    let body_range = self.base + body.start_byte()..self.base + body.end_byte();
                    for &i in &got[start..] {
                        let cmd = &mut self.out.commands[i];
                        if cmd.range.start >= body_range.start && cmd.range.end <= body_range.end {
                            cmd.redirects.extend(redirects.iter().cloned());
                        }
                    }
                }
            }
            "command_substitution" | "process_substitution" => {
                self.visit_children(n, level, true, got)
            }
            // A statement that only assigns (`PKGS="a b"; apt-get install $PKGS`): a command
            // with an empty argv, so rules can read the value later in the script.
            "variable_assignment" | "variable_assignments"
                if !matches!(
                    n.parent().map(|p| p.kind()),
                    Some("command" | "declaration_command" | "variable_assignments")
                ) =>
            {
                let mut assignments = Vec::new();
                if n.kind() == "variable_assignment" {
                    assignments.extend(self.assignment(n));
                } else {
                    let mut c = self.cursor(n);
                    for ch in n.named_children(&mut c) {
                        if ch.kind() == "variable_assignment" {
                            assignments.extend(self.assignment(ch));
                        }
                    }
                    self.cursors.push(c);
                }
                let idx = self.out.commands.len();
                self.out.commands.push(SimpleCommand::new(
                    Vec::new(),
                    assignments,
                    Vec::new(),
                    self.base + n.start_byte()..self.base + n.end_byte(),
                    self.depth,
                    in_subst,
                ));
                got.push(idx);
                self.visit_children(n, level, in_subst, got);
            }
            "declaration_command" => {
                // `export A=1 B`: a command named `export` carrying assignments.
                let mut assignments = Vec::new();
                let mut argv = Vec::new();
                let mut c = self.cursor(n);
                for (k, ch) in n.children(&mut c).enumerate() {
                    if ch.kind() == "variable_assignment" {
                        if let Some(a) = self.assignment(ch) {
                            assignments.push(a);
                        }
                    } else if k == 0 || ch.is_named() {
                        argv.push(self.word(ch));
                    }
                }
                self.cursors.push(c);
                let idx = self.out.commands.len();
                self.out.commands.push(SimpleCommand::new(
                    argv,
                    assignments,
                    Vec::new(),
                    self.base + n.start_byte()..self.base + n.end_byte(),
                    self.depth,
                    in_subst,
                ));
                got.push(idx);
                self.visit_children(n, level, in_subst, got);
            }
            _ => self.visit_children(n, level, in_subst, got),
        }
    }

    fn visit_children(
        &mut self,
        n: tree_sitter::Node<'t>,
        level: usize,
        in_subst: bool,
        got: &mut Vec<usize>,
    ) {
        // Leaves (most words) have nothing to visit: skip the cursor.
        if n.named_child_count() == 0 {
            return;
        }
        let mut c = self.cursor(n);
        for ch in n.named_children(&mut c) {
            self.visit(ch, level + 1, in_subst, got);
        }
        self.cursors.push(c);
    }

    fn redirect(&mut self, n: tree_sitter::Node<'t>) -> Option<Redirect> {
        let mut fd = None;
        let mut op = String::new();
        let mut target = None;
        let mut c = self.cursor(n);
        for ch in n.children(&mut c) {
            if ch.kind() == "file_descriptor" {
                fd = self.text(ch).parse().ok();
            } else if !ch.is_named() {
                op.push_str(self.text(ch));
            } else if target.is_none() {
                target = Some(self.word(ch));
            }
        }
        self.cursors.push(c);
        Some(Redirect {
            op,
            fd,
            target: target?,
        })
    }

    fn command(
        &mut self,
        n: tree_sitter::Node<'t>,
        level: usize,
        in_subst: bool,
        got: &mut Vec<usize>,
    ) {
        let mut argv = Vec::new();
        let mut assignments = Vec::new();
        let mut redirects = Vec::new();
        let mut nested: Vec<tree_sitter::Node> = Vec::new();
        let mut c = self.cursor(n);
        for ch in n.named_children(&mut c) {
            match ch.kind() {
                "variable_assignment" => {
                    if let Some(a) = self.assignment(ch) {
                        assignments.push(a);
                    }
                    nested.push(ch);
                }
                "file_redirect" | "herestring_redirect" => {
                    if let Some(r) = self.redirect(ch) {
                        redirects.push(r);
                    }
                    nested.push(ch);
                }
                "comment" => {}
                "subshell" => nested.push(ch),
                _ => {
                    argv.push(self.word(ch));
                    nested.push(ch);
                }
            }
        }
        self.cursors.push(c);
        let idx = self.out.commands.len();
        self.out.commands.push(SimpleCommand::new(
            argv,
            assignments,
            redirects,
            self.base + n.start_byte()..self.base + n.end_byte(),
            self.depth,
            in_subst,
        ));
        got.push(idx);
        // Command substitutions inside arguments are commands too (`$(curl … | sh)`).
        for ch in nested {
            self.visit_children(ch, level, in_subst, got);
        }
        // `sh -c "script"` / `bash -lc '…'`: analyse the string as a script of its own.
        if self.depth < MAX_NESTING {
            if let Some(inner) = shell_c_script(&self.out.commands[idx]) {
                let start = self.out.commands.len();
                let offset = inner.range.start + quote_prefix_len(&inner.raw);
                parse_into(&inner.text, offset, self.depth + 1, self.out);
                got.extend(start..self.out.commands.len());
            }
        }
    }

    fn assignment(&self, n: tree_sitter::Node) -> Option<(String, Word)> {
        let name = n
            .child_by_field_name("name")
            .map(|x| self.text(x).to_string())?;
        let value = match n.child_by_field_name("value") {
            Some(v) => self.word(v),
            None => Word {
                text: String::new(),
                raw: String::new(),
                range: self.base + n.end_byte()..self.base + n.end_byte(),
                dynamic: false,
            },
        };
        Some((name, value))
    }
}

/// Bytes of opening quote before the content of a quoted word (`"…"` → 1, `$'…'` → 2).
fn quote_prefix_len(raw: &str) -> usize {
    if raw.starts_with("$'") {
        2
    } else if raw.starts_with('"') || raw.starts_with('\'') {
        1
    } else {
        0
    }
}

/// The script argument of `sh -c SCRIPT` (any POSIX shell; `-c` may be grouped: `-ec`).
fn shell_c_script(cmd: &SimpleCommand) -> Option<Word> {
    if !is_posix_shell(cmd.name()) {
        return None;
    }
    let args = cmd.args();
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t == "-o" || t == "+o" {
            i += 2;
            continue;
        }
        if t.starts_with('-') && !t.starts_with("--") && t[1..].contains('c') {
            let script = args.get(i + 1)?;
            // Only a literal (no expansions) is worth parsing, and only when written
            // as a single quoted/bare word so offsets map back.
            return Some(script.clone());
        }
        if !t.starts_with('-') {
            return None;
        }
        i += 1;
    }
    None
}

/// `sh`, `bash`, `ash`, `dash`, `zsh`, `ksh`, `mksh`, `busybox sh` targets.
pub fn is_posix_shell(name: &str) -> bool {
    matches!(
        basename(name),
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "busybox"
    )
}

/// `/usr/bin/apt-get` → `apt-get`.
pub fn basename(s: &str) -> &str {
    // A byte scan: words are short, and this runs for every command in every rule.
    match s.bytes().rposition(|b| b == b'/') {
        Some(i) => &s[i + 1..],
        None => s,
    }
}

fn is_assignment(s: &str) -> bool {
    match s.split_once('=') {
        Some((k, _)) => !k.is_empty() && k.chars().all(|c| c == '_' || c.is_ascii_alphanumeric()),
        None => false,
    }
}

/// Index of the first non-option word; `with_value` options consume the next word.
fn skip_options(words: &[Word], with_value: &[&str]) -> usize {
    let mut i = 0;
    while i < words.len() {
        let t = words[i].text.as_str();
        if t == "--" {
            return i + 1;
        }
        if !t.starts_with('-') || t == "-" {
            return i;
        }
        if with_value.contains(&t) {
            i += 1;
        }
        i += 1;
    }
    i
}

/// Shell quote removal: `'a b'` → `a b`, `"x\"y"` → `x"y`, `a\ b` → `a b`. The second value
/// says whether an unquoted or double-quoted `$`/backtick appears (a dynamic word).
pub fn unquote(raw: &str) -> (String, bool) {
    let mut out = String::with_capacity(raw.len());
    let mut dynamic = false;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    out.push(c);
                }
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.peek() {
                            Some(&n) if matches!(n, '"' | '\\' | '$' | '`') => {
                                out.push(n);
                                chars.next();
                            }
                            Some('\n') => {
                                chars.next();
                            }
                            _ => out.push('\\'),
                        },
                        '$' | '`' => {
                            dynamic = true;
                            out.push(c);
                        }
                        _ => out.push(c),
                    }
                }
            }
            '$' if chars.peek() == Some(&'\'') => {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '\'' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                out.push(match n {
                                    'n' => '\n',
                                    't' => '\t',
                                    other => other,
                                });
                            }
                        }
                        _ => out.push(c),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(n) => out.push(n),
            },
            '$' | '`' => {
                dynamic = true;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    (out, dynamic)
}

// ---------------------------------------------------------------------------------------
// Dockerfile integration: the scripts of each RUN, mapped back to source positions.
// ---------------------------------------------------------------------------------------

use crate::ast::{Dockerfile, Instruction, Span};

/// One shell script of a RUN (its command line, or a heredoc body run as a script), with a
/// map from byte offsets back to Dockerfile line/column.
#[derive(Clone, Debug)]
pub struct RunScript {
    pub text: String,
    pub script: Script,
    /// For each char of `text`: (byte offset, line, column).
    map: Vec<(usize, usize, usize)>,
    fallback: Span,
}

impl RunScript {
    /// Source span of a byte range of `text` (the instruction's span when unmappable).
    pub fn span(&self, r: &Range<usize>) -> Span {
        let find = |off: usize| -> Option<(usize, usize)> {
            let i = self.map.partition_point(|m| m.0 <= off);
            let m = self.map.get(i.checked_sub(1)?)?;
            Some((m.1, m.2))
        };
        let end = r.end.max(r.start + 1) - 1;
        match (find(r.start), find(end)) {
            (Some((sl, sc)), Some((el, ec))) if (el, ec) >= (sl, sc) => Span {
                start_line: sl,
                start_column: sc,
                end_line: el,
                end_column: ec,
            },
            _ => self.fallback,
        }
    }

    pub fn word_span(&self, w: &Word) -> Span {
        self.span(&w.range)
    }

    /// False for exec-form (JSON) command lines, whose text is rebuilt from the argv and
    /// has no source positions.
    pub fn is_mapped(&self) -> bool {
        !self.map.is_empty()
    }
}

/// A heredoc of a RUN that is data for a command (`cat <<EOF > ~/.npmrc`), not a script.
#[derive(Clone, Debug)]
pub struct HeredocData {
    pub name: String,
    /// The file it is written to (`> path`, `>> path`, `| tee path`), when the line says so.
    pub target: Option<String>,
    /// Range of the body in `scripts[0].text`.
    pub range: Range<usize>,
}

#[derive(Clone, Debug)]
pub struct RunInfo {
    /// Index into `df.instructions`.
    pub instruction: usize,
    /// First: the command line (with heredoc bodies appended as the shell sees them); then
    /// heredoc bodies that run as scripts (`RUN <<EOF`, `RUN bash <<EOF`).
    pub scripts: Vec<RunScript>,
    pub data: Vec<HeredocData>,
    /// Exec form (`RUN ["…"]`).
    pub exec_form: bool,
    /// The SHELL in effect sets `-o pipefail`.
    pub shell_pipefail: bool,
}

impl RunInfo {
    pub fn commands(&self) -> impl Iterator<Item = (&RunScript, &SimpleCommand)> {
        self.scripts
            .iter()
            .flat_map(|s| s.script.commands.iter().map(move |c| (s, c)))
    }
}

/// Shell analysis of every RUN (including ONBUILD RUN) that runs through a POSIX shell.
#[derive(Clone, Debug, Default)]
pub struct RunAnalysis {
    runs: Vec<RunInfo>,
    /// CMD, ENTRYPOINT and HEALTHCHECK CMD command lines (exec form, or shell form under a
    /// POSIX shell): they run in containers and are stored in the image config.
    config: Vec<RunInfo>,
}

impl RunAnalysis {
    /// `shells[i]` is the SHELL in effect at instruction `i` (`None` = the default
    /// `/bin/sh -c`); `windows[i]` says the stage builds on a Windows base image.
    pub fn build(df: &Dockerfile, shells: &[Option<Vec<String>>], windows: &[bool]) -> RunAnalysis {
        let lines: Vec<&str> = df
            .source
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        let mut runs = Vec::new();
        let mut config = Vec::new();
        for (i, ins) in df.instructions.iter().enumerate() {
            let kw = ins.keyword();
            let values: &[String] = match kw {
                "RUN" | "CMD" | "ENTRYPOINT" => &ins.value,
                "HEALTHCHECK"
                    if ins
                        .value
                        .first()
                        .is_some_and(|v| v.eq_ignore_ascii_case("CMD")) =>
                {
                    &ins.value[1..]
                }
                _ => continue,
            };
            let shell = shells.get(i).cloned().flatten();
            let posix = match &shell {
                Some(sh) => sh
                    .first()
                    .is_some_and(|s| is_posix_shell(&s.to_ascii_lowercase())),
                None => !windows.get(i).copied().unwrap_or(false),
            };
            if !posix && !ins.json {
                continue;
            }
            // `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`, also grouped as `-exo pipefail`.
            // dash (Debian's /bin/sh) has no pipefail option: only shells that implement it
            // count, as Hadolint's DL4006 judges it.
            let shell_pipefail = shell.as_ref().is_some_and(|sh| {
                let name = sh.first().map(|s| basename(s)).unwrap_or("");
                !matches!(name, "sh" | "dash")
                    && sh.windows(2).any(|w| {
                        w[0].starts_with('-')
                            && !w[0].starts_with("--")
                            && w[0].ends_with('o')
                            && w[1] == "pipefail"
                    })
            });
            if kw != "RUN" {
                if let Some(info) = analyse_run(df, &lines, i, ins, values, false) {
                    config.push(info);
                }
                continue;
            }
            if let Some(info) = analyse_run(df, &lines, i, ins, values, shell_pipefail) {
                runs.push(info);
            }
        }
        RunAnalysis { runs, config }
    }

    pub fn runs(&self) -> &[RunInfo] {
        &self.runs
    }

    /// CMD, ENTRYPOINT and HEALTHCHECK CMD command lines, analysed like RUN scripts (exec
    /// form: one command, without source positions).
    pub fn config_commands(&self) -> &[RunInfo] {
        &self.config
    }

    pub fn get(&self, instruction: usize) -> Option<&RunInfo> {
        self.runs.iter().find(|r| r.instruction == instruction)
    }
}

fn analyse_run(
    df: &Dockerfile,
    lines: &[&str],
    idx: usize,
    ins: &Instruction,
    values: &[String],
    shell_pipefail: bool,
) -> Option<RunInfo> {
    let fallback = ins.span;
    let mut info = RunInfo {
        instruction: idx,
        scripts: Vec::new(),
        data: Vec::new(),
        exec_form: ins.json,
        shell_pipefail,
    };
    if ins.json {
        // `["sh", "-c", "script"]` is a script; any other argv is one command.
        let argv = values;
        let text = match argv {
            [sh, c, script, ..] if is_posix_shell(sh) && c.starts_with('-') && c.contains('c') => {
                script.clone()
            }
            _ => argv
                .iter()
                .map(|a| shell_quote(a))
                .collect::<Vec<_>>()
                .join(" "),
        };
        let map = Vec::new();
        info.scripts.push(RunScript {
            script: parse(&text),
            text,
            map,
            fallback,
        });
        return Some(info);
    }
    let main = values.first()?.as_str();
    let (stream, after_line) = logical_line(lines, ins, df.escape);
    let stream_str: String = stream.iter().map(|c| c.0).collect();
    let mut map = Vec::new();
    let mut text = String::new();
    // Where the command line starts in the joined logical line (after keyword and flags).
    let skip = ins.keyword().len();
    let found = stream_str
        .char_indices()
        .skip_while(|(b, _)| *b < skip)
        .map(|(b, _)| b)
        .find(|&b| stream_str[b..].starts_with(main));
    if let Some(b) = found {
        let start_char = stream_str[..b].chars().count();
        for (k, (off, _)) in main.char_indices().enumerate() {
            let (_, l, c) = stream[start_char + k];
            map.push((off, l, c));
        }
    }
    text.push_str(main);
    // Heredoc bodies follow the logical line, each ended by its delimiter line.
    let mut line = after_line;
    let mut bodies = Vec::new();
    let heredocs: &[crate::ast::Heredoc] = if ins.keyword() == "RUN" {
        &ins.heredocs
    } else {
        &[]
    };
    for h in heredocs {
        text.push('\n');
        let body_start = text.len();
        for (k, content_line) in h.content.split_inclusive('\n').enumerate() {
            let src = lines.get(line + k - 1).copied().unwrap_or("");
            let trimmed = content_line.trim_end_matches(['\n', '\r']);
            let col0 = if trimmed.is_empty() {
                0
            } else {
                src.find(trimmed)
                    .map(|b| src[..b].chars().count())
                    .unwrap_or(0)
            };
            for (j, (off, _)) in content_line.char_indices().enumerate() {
                map.push((text.len() + off, line + k, col0 + j + 1));
            }
            text.push_str(content_line);
        }
        let body_end = text.len();
        let n_lines = h.content.split_inclusive('\n').count();
        text.push_str(&h.name);
        line += n_lines + 1;
        bodies.push((h, body_start..body_end));
    }
    map.sort_by_key(|m| m.0);
    let only_heredoc = is_bare_heredoc(main);
    // Heredocs are scripts when BuildKit runs the body (`RUN <<EOF`) or a shell reads it
    // (`RUN bash <<EOF`, `RUN <<EOF bash`); otherwise they are data (`cat <<EOF > file`).
    let feeds_shell = only_heredoc
        || main.contains("<<")
            && parse(main)
                .commands
                .iter()
                .any(|c| is_posix_shell(c.name()) && shell_c_script(c).is_none());
    let mut parse_text = text.clone();
    let mut script_bodies = Vec::new();
    for (h, range) in bodies {
        let body = &text[range.clone()];
        let shebang_other = body.starts_with("#!")
            && !body.lines().next().is_some_and(|l| {
                ["sh", "bash", "ash", "dash"]
                    .iter()
                    .any(|s| l.trim_end().ends_with(s))
            });
        if feeds_shell && !shebang_other {
            let sub_map: Vec<(usize, usize, usize)> = map
                .iter()
                .filter(|m| range.contains(&m.0))
                .map(|m| (m.0 - range.start, m.1, m.2))
                .collect();
            script_bodies.push(RunScript {
                script: parse(body),
                text: body.to_string(),
                map: sub_map,
                fallback,
            });
            // Blank it in the command-line parse so its commands are not seen twice.
            let blank: String = body
                .chars()
                .map(|c| {
                    if c == '\n' {
                        "\n".to_string()
                    } else {
                        " ".repeat(c.len_utf8())
                    }
                })
                .collect();
            parse_text.replace_range(range.clone(), &blank);
        } else if !feeds_shell {
            info.data.push(HeredocData {
                name: h.name.clone(),
                target: heredoc_target(main, &h.name),
                range,
            });
        }
    }
    let script = if only_heredoc {
        parse("")
    } else {
        parse(&parse_text)
    };
    let main_script = RunScript {
        script,
        text,
        map,
        fallback,
    };
    info.scripts.push(main_script);
    info.scripts.extend(script_bodies);

    Some(info)
}

/// `<<EOF`, `<<-"EOF"`, `<<EOF <<EOF2`: the command line is only heredoc markers.
fn is_bare_heredoc(main: &str) -> bool {
    let t = main.trim();
    !t.is_empty()
        && t.split_whitespace().all(|w| {
            w.starts_with("<<")
                || w.chars().next().is_some_and(|c| c.is_ascii_digit()) && w.contains("<<")
        })
}

/// The file a data heredoc is written to: `cat <<EOF > /x`, `tee -a /x <<EOF`.
fn heredoc_target(main: &str, name: &str) -> Option<String> {
    let words: Vec<String> = main.split_whitespace().map(|w| unquote(w).0).collect();
    let pos = words.iter().position(|w| {
        w.starts_with("<<") && w.trim_start_matches("<<").trim_start_matches('-') == name
    })?;
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if (w == ">" || w == ">>") && i + 1 < words.len() {
            return Some(words[i + 1].clone());
        }
        if let Some(t) = w.strip_prefix(">>").or_else(|| w.strip_prefix('>')) {
            if !t.is_empty() && !t.starts_with('&') {
                return Some(t.to_string());
            }
        }
        if basename(w) == "tee" {
            if let Some(t) = words[i + 1..].iter().find(|x| !x.starts_with('-')) {
                return Some(t.clone());
            }
        }
        i += 1;
    }
    let _ = pos;
    None
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The instruction's first logical line as BuildKit joins it: continuation escapes removed,
/// comment and blank lines inside the continuation dropped. Returns each char with its
/// 1-based line and column, and the 1-based line after the logical line.
fn logical_line(
    lines: &[&str],
    ins: &Instruction,
    escape: char,
) -> (Vec<(char, usize, usize)>, usize) {
    let mut out = Vec::new();
    let mut l = ins.start_line;
    let mut first = true;
    while let Some(line) = lines.get(l.wrapping_sub(1)) {
        let t = line.trim_start();
        if !first && (t.starts_with('#') || t.trim().is_empty()) {
            l += 1;
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let trimmed = chars.len() - chars.iter().rev().take_while(|c| c.is_whitespace()).count();
        let cont = trimmed > 0 && chars[trimmed - 1] == escape;
        let upto = if cont { trimmed - 1 } else { chars.len() };
        for (ci, c) in chars[..upto].iter().enumerate() {
            out.push((*c, l, ci + 1));
        }
        first = false;
        l += 1;
        if !cont || l > ins.end_line.max(ins.start_line) + 1_000 {
            break;
        }
    }
    (out, l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        commands(s).iter().map(|c| c.name().to_string()).collect()
    }

    #[test]
    fn chains_and_compound_statements() {
        assert_eq!(
            names("set -e; apt-get update && apt-get install -y curl || true"),
            ["set", "apt-get", "apt-get", "true"]
        );
        assert_eq!(
            names("if [ -f x ]; then sudo yum install -y a; fi; for i in 1 2; do echo $i; done"),
            ["yum", "echo"]
        );
    }

    #[test]
    fn pipelines_link_neighbours() {
        let cs = commands("curl -fsSL https://x.sh | sudo bash -s -- -y");
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].piped_to, Some(1));
        assert_eq!(cs[1].piped_from, Some(0));
        assert_eq!(cs[1].name(), "bash");
        assert!(cs[1].uses_sudo());
        assert!(cs[0].has_flag("-L"));
        assert!(!cs[0].has_flag("-k"));
    }

    #[test]
    fn nested_sh_c_is_parsed_with_offsets() {
        let s = "sh -c \"apt-get install -y vim && curl -k https://x\"";
        let cs = commands(s);
        let curl = cs.iter().find(|c| c.name() == "curl").unwrap();
        assert_eq!(curl.depth, 1);
        let k = curl.find_flag("-k").unwrap();
        assert_eq!(&s[k.range.clone()], "-k");
    }

    #[test]
    fn redirects_and_unquoting() {
        let cs = commands("echo \"//r/:_authToken=${T}\" > ~/.npmrc 2>/dev/null");
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].argv[1].text, "//r/:_authToken=${T}");
        assert!(cs[0].argv[1].dynamic);
        assert_eq!(cs[0].redirects[0].op, ">");
        assert_eq!(cs[0].redirects[0].target.text, "~/.npmrc");
        assert_eq!(unquote(r#"'a b'"c\"d"e\ f"#).0, "a bc\"de f");
    }

    #[test]
    fn command_substitution_and_wrappers() {
        let cs =
            commands("sh -c \"$(wget -qO- https://x/install)\"; env A=1 nice -n 5 pip install x");
        assert!(cs.iter().any(|c| c.name() == "wget" && c.in_substitution));
        assert!(cs
            .iter()
            .any(|c| c.name() == "pip" && c.args()[0].text == "install"));
    }

    #[test]
    fn bare_assignments_are_commands_without_argv() {
        let cs = commands("PKGS=\"a b\" X=1; apt-get install $PKGS; export Y=2 && FOO=1 make");
        let bare: Vec<&SimpleCommand> = cs.iter().filter(|c| c.argv.is_empty()).collect();
        assert_eq!(bare.len(), 1, "{cs:?}");
        let names: Vec<&str> = bare[0].assignments.iter().map(|a| a.0.as_str()).collect();
        assert_eq!(names, ["PKGS", "X"]);
        assert_eq!(bare[0].assignments[0].1.text, "a b");
        // Prefix assignments and `export` stay with their command.
        assert!(cs
            .iter()
            .any(|c| c.name() == "export" && c.assignments.len() == 1));
        assert!(cs
            .iter()
            .any(|c| c.name() == "make" && c.assignments.len() == 1));
    }

    #[test]
    fn pipefail_detection() {
        let s = parse("set -euo pipefail; curl x | tar xz");
        assert!(s.pipefail_before(30));
        assert!(!parse("curl x | tar xz").pipefail_before(30));
    }

    #[test]
    fn garbage_does_not_panic() {
        for s in [
            "",
            "((((",
            "\"unterminated",
            "$(",
            "a |",
            "<<EOF",
            "\u{0}\u{1}",
        ] {
            let _ = parse(s);
        }
    }
}
