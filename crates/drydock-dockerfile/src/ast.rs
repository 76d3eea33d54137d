//! The parsed Dockerfile. Field meanings follow BuildKit's parser nodes
//! (`frontend/dockerfile/parser`): `cmd` upper case, `value` the node's words *before*
//! variable expansion, quotes kept where BuildKit keeps them.

use serde::Serialize;

/// A 1-based line/column range into the source (columns count characters, end inclusive).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Span {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Heredoc {
    /// The delimiter word, without quotes (`EOF`).
    pub name: String,
    /// The body, including its trailing newline, as BuildKit returns it.
    pub content: String,
    /// `<<EOF` is 0 (stdin), `3<<EOF` is 3 — as in BuildKit.
    pub file_descriptor: u32,
    /// False when the delimiter was quoted (`<<'EOF'`, `<<"EOF"`): no expansion in the body.
    pub expand: bool,
    /// `<<-EOF`: leading tabs stripped from the body.
    pub chomp: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Instruction {
    /// Upper-case keyword: `FROM`, `RUN`, … (`ONBUILD` for ONBUILD triggers).
    pub cmd: String,
    /// For `ONBUILD RUN x`: `Some("RUN")`; `value`/`json`/`flags` then describe the trigger.
    pub sub_cmd: Option<String>,
    /// Raw flags as written, e.g. `--from=builder`, `--mount=type=secret,id=npm`.
    pub flags: Vec<String>,
    /// BuildKit's node values: shell form = one string (RUN/CMD/ENTRYPOINT/SHELL); ENV/LABEL
    /// = key, value, key, value…; ARG = `NAME` or `NAME=default` per word; JSON form = the array.
    pub value: Vec<String>,
    /// JSON (exec) form.
    pub json: bool,
    /// 1-based first and last physical line (continuations and heredoc bodies included).
    pub start_line: usize,
    pub end_line: usize,
    /// The logical line with continuations joined, as BuildKit's `original`.
    pub original: String,
    pub heredocs: Vec<Heredoc>,
    /// Exact source range of the whole instruction (keyword to last character).
    pub span: Span,
}

impl Instruction {
    /// The value of `--name=value` (last one wins, as in BuildKit); `Some("")` for a bare `--name`.
    pub fn flag<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.flags_named(name).last()
    }

    /// Every value of a repeatable flag such as `--mount`.
    pub fn flags_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.flags.iter().filter_map(move |f| {
            let rest = f.strip_prefix("--")?;
            match rest.split_once('=') {
                Some((k, v)) if k.eq_ignore_ascii_case(name) => Some(v),
                None if rest.eq_ignore_ascii_case(name) => Some(""),
                _ => None,
            }
        })
    }

    /// The effective keyword: `sub_cmd` for ONBUILD triggers, else `cmd`.
    pub fn keyword(&self) -> &str {
        self.sub_cmd.as_deref().unwrap_or(&self.cmd)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// 1-based line.
    pub line: usize,
    /// Text after `#`, trimmed.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Directive {
    /// Lower-case: `syntax`, `escape`, `check`.
    pub name: String,
    pub value: String,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Dockerfile {
    /// Path as given by the user (used in locations).
    pub path: String,
    /// The source text, BOM removed, line endings kept as written.
    #[serde(skip)]
    pub source: String,
    pub directives: Vec<Directive>,
    /// The escape character (`\` unless `# escape=` says otherwise).
    pub escape: char,
    pub instructions: Vec<Instruction>,
    pub comments: Vec<Comment>,
    /// Recoverable problems; parsing continued after each.
    pub errors: Vec<ParseError>,
}
