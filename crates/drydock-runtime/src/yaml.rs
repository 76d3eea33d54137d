//! A small YAML tree that keeps positions, built from yaml-rust2's event parser.
//!
//! serde_yaml drops positions, and findings must point at the offending key. Anchors and
//! aliases are resolved by copying (bounded: billion-laughs documents fail cleanly), `<<`
//! merge keys are applied, and every node remembers its line/column and source file.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Largest document accepted (bytes): deployment files are kilobytes; this bounds memory.
pub const MAX_DOCUMENT_BYTES: usize = 16 << 20;
/// Nodes created in one stream, counting every alias copy: stops alias bombs.
pub const MAX_NODES: usize = 2_000_000;
/// Nesting bound: deeper trees are not deployment files and would overflow recursive walks.
pub const MAX_DEPTH: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub col: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    /// Scalar text; `plain` is false for quoted/block scalars (so `"true"` stays a string).
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub v: Value,
    pub pos: Pos,
    /// Index into the review's file list (extends `file:` brings nodes from other files).
    pub file: u32,
    /// The text before variable interpolation, when interpolation changed it.
    pub raw: Option<String>,
}

impl Node {
    pub fn new(v: Value, pos: Pos, file: u32) -> Node {
        Node {
            v,
            pos,
            file,
            raw: None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.v {
            // Last one wins for duplicate keys, like most loaders.
            Value::Map(m) => m
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The key node of `key` (for pointing at `privileged:` rather than at `true`).
    pub fn key_node(&self, key: &str) -> Option<&Node> {
        match &self.v {
            Value::Map(m) => m
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, _)| k),
            _ => None,
        }
    }

    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.v {
            Value::Map(m) => m
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        let mut n = self;
        for k in keys {
            n = n.get(k)?;
        }
        Some(n)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.v, Value::Null)
    }

    /// YAML 1.1/1.2 booleans as Compose and Kubernetes accept them (`true`, `True`, `yes`…
    /// only when plain; quoted `"true"` is also read as true since Compose does so).
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()?.trim() {
            "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => {
                Some(true)
            }
            "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n"
            | "N" => Some(false),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.as_str()?.trim().parse().ok()
    }

    pub fn seq(&self) -> &[Node] {
        match &self.v {
            Value::Seq(s) => s,
            _ => &[],
        }
    }

    pub fn map(&self) -> &[(Node, Node)] {
        match &self.v {
            Value::Map(m) => m,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.v, Value::Map(_))
    }

    /// Text length used as the end column of a finding (keys are one line).
    pub fn width(&self) -> usize {
        match &self.v {
            Value::Scalar { text, .. } => text.chars().count().max(1),
            _ => 1,
        }
    }

    fn count(&self) -> usize {
        1 + match &self.v {
            Value::Seq(s) => s.iter().map(Node::count).sum(),
            Value::Map(m) => m.iter().map(|(k, v)| k.count() + v.count()).sum(),
            _ => 0,
        }
    }

    /// Apply `f` to every scalar value (not to mapping keys).
    pub fn map_scalars(&mut self, f: &mut dyn FnMut(&mut Node)) {
        match &mut self.v {
            Value::Scalar { .. } => f(self),
            Value::Seq(s) => s.iter_mut().for_each(|n| n.map_scalars(f)),
            Value::Map(m) => m.iter_mut().for_each(|(_, v)| v.map_scalars(f)),
            Value::Null => {}
        }
    }

    pub fn set_file(&mut self, file: u32) {
        self.file = file;
        match &mut self.v {
            Value::Seq(s) => s.iter_mut().for_each(|n| n.set_file(file)),
            Value::Map(m) => m.iter_mut().for_each(|(k, v)| {
                k.set_file(file);
                v.set_file(file)
            }),
            _ => {}
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("line {line}, column {col}: {msg}")]
pub struct YamlError {
    pub line: usize,
    pub col: usize,
    pub msg: String,
}

enum Frame {
    Seq(Vec<Node>, Pos, usize),
    Map(Vec<(Node, Node)>, Option<Node>, Pos, usize),
}

struct Builder {
    file: u32,
    stack: Vec<Frame>,
    anchors: std::collections::HashMap<usize, Node>,
    docs: Vec<Node>,
    nodes: usize,
    err: Option<YamlError>,
}

fn pos(m: &Marker) -> Pos {
    // yaml-rust2 reports 1-based lines and 0-based columns.
    Pos {
        line: m.line(),
        col: m.col() + 1,
    }
}

fn is_null_scalar(text: &str, style: TScalarStyle) -> bool {
    style == TScalarStyle::Plain && matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

impl Builder {
    fn fail(&mut self, p: Pos, msg: String) {
        if self.err.is_none() {
            self.err = Some(YamlError {
                line: p.line,
                col: p.col,
                msg,
            });
        }
    }

    fn add(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq(items, ..)) => items.push(node),
            Some(Frame::Map(entries, pending, ..)) => match pending.take() {
                None => *pending = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
}

/// Apply `<<` merge keys: explicit keys win, then earlier merged maps win over later ones.
fn apply_merges(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    if !entries.iter().any(|(k, _)| k.as_str() == Some("<<")) {
        return entries;
    }
    let mut out: Vec<(Node, Node)> = Vec::with_capacity(entries.len());
    let mut merged: Vec<(Node, Node)> = Vec::new();
    for (k, v) in entries {
        if k.as_str() == Some("<<") {
            let sources: Vec<Node> = match v.v {
                Value::Seq(s) => s,
                _ => vec![v],
            };
            for src in sources {
                if let Value::Map(m) = src.v {
                    for (mk, mv) in m {
                        merged.push((mk, mv));
                    }
                }
            }
        } else {
            out.push((k, v));
        }
    }
    // Hash the scalar keys: a linear scan per merged key is quadratic on large maps.
    let mut present: std::collections::HashSet<String> = out
        .iter()
        .filter_map(|(k, _)| k.as_str().map(str::to_string))
        .collect();
    for (mk, mv) in merged {
        let dup = match mk.as_str() {
            Some(s) => !present.insert(s.to_string()),
            None => out.iter().any(|(k, _)| k.v == mk.v),
        };
        if !dup {
            out.push((mk, mv));
        }
    }
    out
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.err.is_some() {
            return;
        }
        let p = pos(&mark);
        match ev {
            Event::Scalar(text, style, anchor, _tag) => {
                let v = if is_null_scalar(&text, style) {
                    Value::Null
                } else {
                    Value::Scalar {
                        plain: style == TScalarStyle::Plain,
                        text,
                    }
                };
                self.nodes += 1;
                let n = Node::new(v, p, self.file);
                self.add(n, anchor);
            }
            Event::SequenceStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return self.fail(p, format!("nesting deeper than {MAX_DEPTH} levels"));
                }
                self.stack.push(Frame::Seq(Vec::new(), p, anchor));
            }
            Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return self.fail(p, format!("nesting deeper than {MAX_DEPTH} levels"));
                }
                self.stack.push(Frame::Map(Vec::new(), None, p, anchor));
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq(items, sp, anchor)) = self.stack.pop() {
                    self.nodes += 1;
                    let n = Node::new(Value::Seq(items), sp, self.file);
                    self.add(n, anchor);
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(entries, _, sp, anchor)) = self.stack.pop() {
                    self.nodes += 1;
                    let n = Node::new(Value::Map(apply_merges(entries)), sp, self.file);
                    self.add(n, anchor);
                }
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return self.fail(p, "alias to an unknown anchor".into());
                };
                let size = target.count();
                self.nodes += size;
                if self.nodes > MAX_NODES {
                    return self.fail(
                        p,
                        format!("aliases expand to more than {MAX_NODES} nodes (alias bomb?)"),
                    );
                }
                let n = target.clone();
                self.add(n, 0);
            }
            Event::DocumentEnd => {
                // An empty document (`---` alone) produces no node; keep documents aligned.
            }
            Event::DocumentStart => {
                self.anchors.clear();
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        if self.nodes > MAX_NODES {
            self.fail(p, format!("document has more than {MAX_NODES} nodes"));
        }
    }
}

/// Parse every document of a YAML stream. `file` tags the nodes with their source.
pub fn parse_stream(text: &str, file: u32) -> Result<Vec<Node>, YamlError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(YamlError {
            line: 1,
            col: 1,
            msg: format!("document is larger than {} MiB", MAX_DOCUMENT_BYTES >> 20),
        });
    }
    // A BOM is allowed by YAML but trips some scanners' column counts.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // yaml-rust2 rejects a flow collection whose closing bracket sits left of its
    // content inside a block mapping (`test: [` … `]` at the key's column), which libyaml
    // and Go's yaml accept and real Compose files use. Re-indent that bracket line and retry;
    // only the bracket moves, so every reported position stays right.
    let mut fixed: Option<String> = None;
    for _ in 0..64 {
        let cur = fixed.as_deref().unwrap_or(text);
        match parse_once(cur, file) {
            Err(e) if e.msg.contains("indentation") => {
                let Some(next) = reindent_bracket(cur, e.line) else {
                    return Err(e);
                };
                fixed = Some(next);
            }
            other => return other,
        }
    }
    parse_once(fixed.as_deref().unwrap_or(text), file)
}

/// Indent a line holding only closing brackets (`]`, `}`, `],`) one level deeper than the
/// line before it. `None` when the line is something else (a genuine error).
fn reindent_bracket(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let idx = line.checked_sub(1)?;
    let target = lines.get(idx)?;
    let t = target.trim();
    if t.is_empty() || !t.chars().all(|c| matches!(c, ']' | '}' | ',')) {
        return None;
    }
    let prev_indent = lines[..idx]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())?;
    let cur_indent = target.len() - target.trim_start().len();
    if cur_indent > prev_indent {
        return None;
    }
    let mut out = String::with_capacity(text.len() + prev_indent);
    for (i, l) in lines.iter().enumerate() {
        if i == idx {
            out.push_str(&" ".repeat(prev_indent + 1));
            out.push_str(l.trim_start());
        } else {
            out.push_str(l);
        }
    }
    Some(out)
}

fn parse_once(text: &str, file: u32) -> Result<Vec<Node>, YamlError> {
    let mut b = Builder {
        file,
        stack: Vec::new(),
        anchors: Default::default(),
        docs: Vec::new(),
        nodes: 0,
        err: None,
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut b, true) {
        let m = e.marker();
        return Err(YamlError {
            line: m.line(),
            col: m.col() + 1,
            msg: e.info().to_string(),
        });
    }
    if let Some(e) = b.err {
        return Err(e);
    }
    Ok(b.docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let d = parse_stream("a:\n  bb: 1\n", 0).unwrap();
        let (k, v) = d[0].get("a").unwrap().entry("bb").unwrap();
        assert_eq!(k.pos, Pos { line: 2, col: 3 });
        assert_eq!(v.pos, Pos { line: 2, col: 7 });
    }

    #[test]
    fn merge_keys_and_aliases() {
        let src = "x: &b\n  p: 1\n  q: 2\ny:\n  <<: *b\n  q: 3\n";
        let d = parse_stream(src, 0).unwrap();
        let y = d[0].get("y").unwrap();
        assert_eq!(y.get("p").unwrap().as_str(), Some("1"));
        assert_eq!(y.get("q").unwrap().as_str(), Some("3"));
        // merged entries keep the anchor's position
        assert_eq!(y.key_node("p").unwrap().pos.line, 2);
    }

    #[test]
    fn large_merges_are_not_quadratic() {
        let mut s = String::from("a: &a\n");
        for i in 0..30_000 {
            s.push_str(&format!("  k{i}: {i}\n"));
        }
        s.push_str("b:\n  <<: *a\n");
        for i in 0..30_000 {
            s.push_str(&format!("  k{i}: x\n"));
        }
        let d = parse_stream(&s, 0).unwrap();
        let b = d[0].get("b").unwrap();
        assert_eq!(b.map().len(), 30_000);
        assert_eq!(b.get("k7").unwrap().as_str(), Some("x"));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut s = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            s.push_str(&format!("{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = n;
        }
        let e = parse_stream(&s, 0).unwrap_err();
        assert!(e.msg.contains("alias"), "{e}");
    }

    #[test]
    fn closing_bracket_left_of_content() {
        let src =
            "s:\n  h:\n    test: [\n        \"CMD\",\n        \"x\"\n    ]\n    interval: 3s\n";
        let d = parse_stream(src, 0).unwrap();
        let h = d[0].path(&["s", "h"]).unwrap();
        assert_eq!(h.get("test").unwrap().seq().len(), 2);
        assert_eq!(h.key_node("interval").unwrap().pos.line, 7);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let s = "[".repeat(10_000);
        assert!(parse_stream(&s, 0).is_err());
    }
}
