//! Image ↔ Dockerfile correlation: which instruction made each history step and layer of an
//! image, read from the config `history[].created_by` and matched against the parsed
//! Dockerfile (final stage and the stages it is built `FROM`), newest step first. Image
//! findings then carry the instruction as `dockerfile_location`; a Dockerfile finding and an
//! image finding with one root cause become one finding ([`merge_root_causes`]).
//!
//! `created_by` shapes (docs/correlation.md has examples of each):
//! - Docker classic builder and buildah/podman: `/bin/sh -c #(nop)  ENV A=b` for steps that
//!   make no layer and for COPY/ADD (`#(nop) COPY file:<hash> in /app/ `), `/bin/sh -c CMD`
//!   or `|2 A=1 B=2 /bin/sh -c CMD` for RUN (buildah keeps `--mount=…` flags after `-c`);
//! - BuildKit (`dockerfile2llb`): the keyword first (`RUN |1 A=1 /bin/sh -c make`,
//!   `COPY . /app # buildkit`, `ENV A=b`); a simple `RUN <<EOF` heredoc records its body as
//!   the command, a complex one `<<EOF cmd` + body + delimiter;
//! - kaniko: the instruction's text (`RUN make`, `COPY . /app`).
//!
//! Matching is conservative: a step is paired with an instruction only when the keyword
//! agrees and the content does (RUN: the command is the end of `created_by`; COPY/ADD: the
//! destination; ENV/LABEL/ARG: the names). The first pair that cannot be made is the
//! divergence a mismatch warning names.

use drydock_core::{Finding, Location, SourceSpan};
use drydock_dockerfile::stages::{BaseImage, StageModel};
use drydock_dockerfile::{Dockerfile, Instruction};

/// One `history` entry of an image config.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryStep {
    pub created_by: Option<String>,
    pub empty_layer: bool,
}

/// What an image's history looked like, kept by the image pipeline for correlation.
#[derive(Clone, Debug, Default)]
pub struct ImageHistory {
    /// The image name as findings' locations spell it.
    pub image: String,
    pub platform: Option<String>,
    pub steps: Vec<HistoryStep>,
    /// For each layer, its history index (`None` when the history is shorter).
    pub layer_history: Vec<Option<usize>>,
    /// Only the layers' steps are known (a daemon export without the config's empty-layer
    /// entries): instructions that make no layer may be missing.
    pub layers_only: bool,
}

impl ImageHistory {
    /// Layers from `history` (entries marked `empty_layer` made none), as
    /// `ImageConfig::layer_history` counts them.
    pub fn new(
        image: &str,
        platform: Option<String>,
        steps: Vec<HistoryStep>,
        layers: usize,
    ) -> Self {
        let mut layer_history = Vec::with_capacity(layers);
        for (i, s) in steps.iter().enumerate() {
            if !s.empty_layer && layer_history.len() < layers {
                layer_history.push(Some(i));
            }
        }
        layer_history.resize(layers, None);
        ImageHistory {
            image: image.to_string(),
            platform,
            steps,
            layer_history,
            layers_only: false,
        }
    }
}

/// Where a history step came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Before the Dockerfile's own steps: the base image (and its ONBUILD triggers).
    BaseImage,
    /// Index into the Dockerfile's instructions.
    Instruction(usize),
}

/// A matched image and Dockerfile.
#[derive(Clone, Debug)]
pub struct Correlation {
    /// The Dockerfile's path as its findings spell it.
    pub dockerfile: String,
    /// Per history entry; `None` for a step no instruction made (a `--label` of the build).
    pub steps: Vec<Option<Origin>>,
    pub layer_history: Vec<Option<usize>>,
    /// The FROM instruction that names the base image (root of the final stage's chain).
    pub base_from: usize,
    /// The instructions of the final image, in order (final stage and its parents).
    pub chain: Vec<usize>,
    /// Steps paired with an instruction that made a layer (RUN/COPY/ADD…).
    pub layer_pairs: usize,
    spans: Vec<SourceSpan>,
    instructions: Vec<InstrFacts>,
}

/// What is needed of an instruction after matching (no borrow of the parsed file).
#[derive(Clone, Debug)]
struct InstrFacts {
    keyword: String,
    /// ENV/LABEL keys, ARG names, EXPOSE ports.
    names: Vec<String>,
}

/// Why an image does not match a Dockerfile: the first step (newest first) that could not
/// be paired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    pub message: String,
}

/// Instructions some builders record no history for.
fn optional(keyword: &str) -> bool {
    matches!(
        keyword,
        "ARG" | "MAINTAINER" | "ONBUILD" | "HEALTHCHECK" | "SHELL" | "STOPSIGNAL"
    )
}

const KEYWORDS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// A `created_by` taken apart: the keyword it records and what follows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub keyword: String,
    pub body: String,
}

/// Read one `created_by` (see the module docs for the shapes).
pub fn parse_created_by(created_by: &str) -> Recorded {
    let mut s = created_by.trim();
    // BuildKit marks steps that ran on its state: ` # buildkit` (older: ` # buildkit:sha256:…`).
    if let Some(i) = s.rfind(" # buildkit") {
        let tail = &s[i + " # buildkit".len()..];
        if tail.is_empty() || (tail.starts_with(':') && !tail.contains(char::is_whitespace)) {
            s = s[..i].trim_end();
        }
    }
    // Classic builder / buildah metadata and COPY/ADD steps: `<shell> -c #(nop) KEYWORD …`.
    if let Some(i) = s.find("#(nop)") {
        let before = s[..i].trim_end();
        if before.is_empty() || before.ends_with(" -c") || before.ends_with(" /c") {
            let rest = s[i + "#(nop)".len()..].trim_start();
            let (kw, body) = split_word(rest);
            return Recorded {
                keyword: kw.to_ascii_uppercase(),
                body: body.to_string(),
            };
        }
    }
    let (first, body) = split_word(s);
    if KEYWORDS.contains(&first) {
        return Recorded {
            keyword: first.to_string(),
            body: body.to_string(),
        };
    }
    // Classic/buildah RUN: `/bin/sh -c …`, `|N K=V … /bin/sh -c …`, or exec-form words.
    Recorded {
        keyword: "RUN".into(),
        body: s.to_string(),
    }
}

fn split_word(s: &str) -> (&str, &str) {
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim_start()),
        None => (s, ""),
    }
}

/// Whitespace runs as one space; escaped newlines (line continuations) removed first.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Facts of the Dockerfile needed to match one instruction.
struct Expected<'a> {
    index: usize,
    ins: &'a Instruction,
    /// The command texts a RUN may be recorded with (squashed).
    run_texts: Vec<String>,
    /// COPY/ADD destination, WORKDIR/USER value: as written and expanded.
    values: Vec<String>,
    names: Vec<String>,
}

fn expected<'a>(df: &'a Dockerfile, model: &StageModel, index: usize) -> Expected<'a> {
    let ins = &df.instructions[index];
    let kw = ins.keyword();
    let mut run_texts = Vec::new();
    let mut values = Vec::new();
    let mut names = Vec::new();
    let unquote = |s: &str| s.trim_matches(|c| c == '"' || c == '\'').to_string();
    match kw {
        "RUN" => {
            let cmd = ins.value.join(" ");
            run_texts.push(squash(&cmd));
            if let Some(h) = ins.heredocs.first() {
                // BuildKit: a lone heredoc runs its body; otherwise the command, each body
                // and its delimiter, one per line.
                run_texts.push(squash(&h.content));
                let mut full = ins.value.first().cloned().unwrap_or_default();
                for h in &ins.heredocs {
                    full.push('\n');
                    full.push_str(&h.content);
                    full.push_str(&h.name);
                }
                run_texts.push(squash(&full));
            }
            run_texts.retain(|t| !t.is_empty());
        }
        "COPY" | "ADD" => {
            if let Some(dest) = ins.value.last() {
                let d = unquote(dest);
                values.push(model.expand(df, index, &d));
                values.push(d);
            }
        }
        "WORKDIR" | "USER" => {
            let v = ins.value.join(" ");
            values.push(model.expand(df, index, &v));
            values.push(v);
        }
        "ENV" | "LABEL" => {
            names.extend(ins.value.iter().step_by(2).map(|k| unquote(k)));
        }
        "ARG" => {
            names.extend(
                ins.value
                    .iter()
                    .map(|a| a.split('=').next().unwrap_or("").to_string()),
            );
        }
        "EXPOSE" => {
            names.extend(ins.value.iter().map(|p| {
                let p = model.expand(df, index, p);
                p.split('/').next().unwrap_or("").to_string()
            }));
        }
        _ => {}
    }
    Expected {
        index,
        ins,
        run_texts,
        values,
        names,
    }
}

fn norm_path(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        "/"
    } else {
        t
    }
}

/// Does the recorded step come from this instruction?
fn matches(e: &Expected<'_>, r: &Recorded) -> bool {
    if e.ins.keyword() != r.keyword {
        return false;
    }
    match r.keyword.as_str() {
        "RUN" => {
            let body = squash(&r.body);
            e.run_texts.iter().any(|t| {
                body == *t
                    || body.ends_with(&format!(" {t}"))
                    // Exec form recorded as words: `["a","b"]` → `a b`.
                    || (e.ins.json && body.ends_with(t.as_str()))
            }) || e.ins.heredocs.iter().any(|h| {
                let b = squash(&h.content);
                !b.is_empty() && body.contains(&b)
            })
        }
        "COPY" | "ADD" => {
            if r.body.is_empty() || e.values.is_empty() {
                return true;
            }
            // Classic/buildah: `file:<hash> in DEST `; BuildKit/kaniko: `SRC… DEST`.
            let dest = match r.body.rfind(" in ") {
                Some(i)
                    if ["file:", "dir:", "multi:"]
                        .iter()
                        .any(|p| r.body.starts_with(p)) =>
                {
                    r.body[i + 4..].trim()
                }
                _ => r.body.split_whitespace().last().unwrap_or(""),
            };
            let dest = dest.trim_matches(|c| c == '"' || c == '\'');
            e.values
                .iter()
                .any(|v| norm_path(v) == norm_path(dest) || dest.ends_with(norm_path(v)))
        }
        "ENV" | "LABEL" | "ARG" => e.names.iter().all(|n| r.body.contains(n.as_str())),
        "WORKDIR" | "USER" => {
            let b = r.body.trim();
            e.values
                .iter()
                .any(|v| norm_path(v) == norm_path(b) || b.ends_with(norm_path(v)))
        }
        "EXPOSE" => e.names.iter().all(|n| r.body.contains(n.as_str())),
        _ => true,
    }
}

/// The final stage and the stages it is built `FROM`, oldest first, and the FROM that
/// names the base image.
fn final_chain(model: &StageModel) -> Option<(Vec<usize>, usize)> {
    let mut s = model.final_stage()?;
    let mut stages = vec![s.index];
    let mut guard = 0;
    while let BaseImage::Stage(p) = s.base {
        guard += 1;
        if guard > model.stages.len() || p >= s.index {
            break;
        }
        s = &model.stages[p];
        stages.push(p);
    }
    stages.reverse();
    let base_from = model.stages[stages[0]].from;
    let chain = stages
        .iter()
        .flat_map(|&i| {
            let st = &model.stages[i];
            st.instructions.clone().filter(move |&n| n != st.from)
        })
        .collect();
    Some((chain, base_from))
}

/// A short, single-line quote of a `created_by` or instruction for messages.
fn quote(s: &str) -> String {
    let s = squash(s);
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(79).collect::<String>())
    } else {
        s
    }
}

/// Pair `history` with the Dockerfile's final image, newest step first.
pub fn correlate(
    df: &Dockerfile,
    model: &StageModel,
    history: &ImageHistory,
    redact: &dyn Fn(&str) -> String,
) -> Result<Correlation, Divergence> {
    let Some((chain, base_from)) = final_chain(model) else {
        return Err(Divergence {
            message: format!("{} has no FROM instruction", df.path),
        });
    };
    let exp: Vec<Expected<'_>> = chain.iter().map(|&i| expected(df, model, i)).collect();
    let recs: Vec<Option<Recorded>> = history
        .steps
        .iter()
        .map(|h| h.created_by.as_deref().map(parse_created_by))
        .collect();
    let layer_of = |h: usize| history.layer_history.iter().position(|l| *l == Some(h));
    let describe_step = |h: usize| {
        let cb = history.steps[h].created_by.as_deref().unwrap_or("");
        match layer_of(h) {
            Some(l) => format!("layer {l} / history[{h}] `{}`", quote(&redact(cb))),
            None => format!("history[{h}] `{}`", quote(&redact(cb))),
        }
    };
    let describe_ins = |e: &Expected<'_>| {
        format!(
            "Dockerfile line {} `{}`",
            e.ins.start_line,
            quote(&redact(&e.ins.original))
        )
    };
    // Without the empty-layer entries only layer-making instructions can be paired.
    let may_be_missing =
        |kw: &str| optional(kw) || (history.layers_only && !matches!(kw, "RUN" | "COPY" | "ADD"));
    let mut steps = vec![Some(Origin::BaseImage); history.steps.len()];
    let (mut i, mut j) = (exp.len(), history.steps.len());
    let mut paired = 0;
    let mut layer_pairs = 0;
    while i > 0 && j > 0 {
        let e = &exp[i - 1];
        match &recs[j - 1] {
            Some(r) if matches(e, r) => {
                steps[j - 1] = Some(Origin::Instruction(e.index));
                if !history.steps[j - 1].empty_layer {
                    layer_pairs += 1;
                }
                paired += 1;
                i -= 1;
                j -= 1;
            }
            // `--label` on the command line: a trailing LABEL step with no instruction.
            Some(r) if paired == 0 && r.keyword == "LABEL" && history.steps[j - 1].empty_layer => {
                steps[j - 1] = None;
                j -= 1;
            }
            _ if may_be_missing(e.ins.keyword()) => i -= 1,
            _ => {
                return Err(Divergence {
                    message: format!(
                        "the image does not match {}: {} is not what {} records (first divergence, counting from the newest step); no finding carries a Dockerfile line",
                        df.path,
                        describe_step(j - 1),
                        describe_ins(e)
                    ),
                })
            }
        }
    }
    if let Some(e) = exp[..i]
        .iter()
        .rev()
        .find(|e| !may_be_missing(e.ins.keyword()))
    {
        return Err(Divergence {
            message: format!(
                "the image does not match {}: its history ends before {} ({} of {} instructions matched); no finding carries a Dockerfile line",
                df.path,
                describe_ins(e),
                paired,
                exp.len()
            ),
        });
    }
    let spans = df
        .instructions
        .iter()
        .map(|ins| SourceSpan {
            path: df.path.clone(),
            start_line: ins.span.start_line,
            end_line: ins.span.end_line,
            start_column: ins.span.start_column,
            end_column: ins.span.end_column,
        })
        .collect();
    let instructions = df
        .instructions
        .iter()
        .enumerate()
        .map(|(n, ins)| InstrFacts {
            keyword: ins.keyword().to_string(),
            names: exp
                .iter()
                .find(|e| e.index == n)
                .map(|e| e.names.clone())
                .unwrap_or_default(),
        })
        .collect();
    Ok(Correlation {
        dockerfile: df.path.clone(),
        steps,
        layer_history: history.layer_history.clone(),
        base_from,
        chain,
        layer_pairs,
        spans,
        instructions,
    })
}

impl Correlation {
    /// The instruction (or the base image's FROM) behind history entry `h`.
    pub fn step_origin(&self, h: usize) -> Option<Origin> {
        self.steps.get(h).copied().flatten()
    }

    /// The instruction behind layer `l`.
    pub fn layer_origin(&self, l: usize) -> Option<Origin> {
        self.step_origin((*self.layer_history.get(l)?)?)
    }

    /// The Dockerfile span an origin points at: the instruction, or the FROM naming the base.
    pub fn span(&self, o: Origin) -> Option<&SourceSpan> {
        match o {
            Origin::Instruction(i) => self.spans.get(i),
            Origin::BaseImage => self.spans.get(self.base_from),
        }
    }

    /// The last instruction of the final image with this keyword that names `name` (an ENV
    /// or LABEL key, an EXPOSE port), or the last with the keyword when `name` is `None`.
    fn last_naming(&self, keyword: &str, name: Option<&str>) -> Option<usize> {
        self.chain.iter().rev().copied().find(|&i| {
            let f = &self.instructions[i];
            f.keyword == keyword && name.is_none_or(|n| f.names.iter().any(|k| k == n))
        })
    }

    /// The Dockerfile place of an image finding of this image, if the correlation knows it.
    pub fn locate(&self, f: &Finding) -> Option<SourceSpan> {
        let origin = match &f.location {
            Location::Layer { layer, .. } => self.layer_origin(*layer)?,
            Location::Package { layer, .. } => self.layer_origin((*layer)?)?,
            Location::Config { field, .. } => {
                if let Some(h) = field
                    .strip_prefix("history[")
                    .and_then(|r| r.strip_suffix(']'))
                    .and_then(|n| n.parse::<usize>().ok())
                {
                    self.step_origin(h)?
                } else {
                    let name = first_quoted(&f.message);
                    let (kw, name) = match field.as_str() {
                        "User" => ("USER", None),
                        "Env" => ("ENV", Some(name?)),
                        "Labels" => ("LABEL", Some(name?)),
                        "ExposedPorts" => ("EXPOSE", Some(port_of(&f.message)?)),
                        _ => return None,
                    };
                    match self.last_naming(kw, name) {
                        Some(i) => Origin::Instruction(i),
                        // Set by the base image (Env/Labels/ports it declares).
                        None if name.is_some() => Origin::BaseImage,
                        // No USER at all: the final stage's FROM (where one belongs after).
                        None => Origin::Instruction(self.final_from()),
                    }
                }
            }
            _ => return None,
        };
        self.span(origin).cloned()
    }

    fn final_from(&self) -> usize {
        // The instruction before the first of the final stage's own steps is its FROM; with
        // no own steps, the base FROM.
        self.chain
            .last()
            .and_then(|&last| {
                (0..=last)
                    .rev()
                    .find(|&i| self.instructions[i].keyword == "FROM")
            })
            .unwrap_or(self.base_from)
    }
}

/// The first `` `name` `` quoted in a message (rules quote the key they report).
fn first_quoted(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// The port a message names (`22/tcp`, or a quoted port): its digits.
fn port_of(message: &str) -> Option<&str> {
    message
        .split(|c: char| c.is_whitespace() || c == '`' || c == ',' || c == '(' || c == ')')
        .find_map(|w| {
            let (p, proto) = w.split_once('/')?;
            (matches!(proto, "tcp" | "udp" | "sctp")
                && !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit()))
            .then_some(p)
        })
}

/// Attach `dockerfile_location` to the findings of `history.image` (same platform).
pub fn annotate(findings: &mut [Finding], history: &ImageHistory, c: &Correlation) {
    for f in findings.iter_mut() {
        let image = match &f.location {
            Location::Layer { image, .. }
            | Location::Config { image, .. }
            | Location::Package { image, .. } => image,
            _ => continue,
        };
        if *image != history.image || (f.platform.is_some() && f.platform != history.platform) {
            continue;
        }
        if f.dockerfile_location.is_none() {
            f.dockerfile_location = c.locate(f);
        }
    }
}

/// When an image finding and a Dockerfile finding report the same cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameCause {
    /// The same quoted name (build argument, ENV key) in both messages.
    Name,
    /// The same name, and the Dockerfile saw the same value or none (a `$VAR`).
    NameAndValue,
    /// The same secret (evidence hash).
    Secret,
    /// The image and the Dockerfile it was built from.
    Always,
}

/// Pairs of an image rule and a Dockerfile rule that report one root cause, image rule
/// first (it is the primary: the image proves what the Dockerfile only suggests).
pub const MERGED_RULES: &[(&str, &str, SameCause)] = &[
    ("IM007", "DF009", SameCause::Name),
    ("IM007", "DF002", SameCause::Secret),
    ("IM007", "DF004", SameCause::Secret),
    ("IM004", "DF013", SameCause::Always),
    ("IM005", "DF010", SameCause::NameAndValue),
    ("IM005", "DF001", SameCause::Secret),
    ("IM006", "DF003", SameCause::Secret),
];

/// One root cause, one finding: an image finding correlated to a Dockerfile and the
/// Dockerfile finding of the same cause in that file ([`MERGED_RULES`]) become the image
/// finding, with the Dockerfile finding's place as `dockerfile_location`, its id in `also`
/// and the higher of the two severities. Run after policy so a rule the user ignored merges
/// nothing.
pub fn merge_root_causes(findings: Vec<Finding>) -> Vec<Finding> {
    let mut findings = findings;
    let mut drop = vec![false; findings.len()];
    for (im, dfr, same) in MERGED_RULES {
        for a in 0..findings.len() {
            if findings[a].rule != *im {
                continue;
            }
            let Some(dloc) = findings[a].dockerfile_location.clone() else {
                continue;
            };
            let key = first_quoted(&findings[a].message).map(str::to_string);
            let sha = findings[a].evidence.as_ref().map(|e| e.sha256.clone());
            let partner = (0..findings.len()).find(|&b| {
                let d = &findings[b];
                if d.rule != *dfr {
                    return false;
                }
                let Location::Source(s) = &d.location else {
                    return false;
                };
                if s.path != dloc.path {
                    return false;
                }
                let same_name = key.is_some() && first_quoted(&d.message) == key.as_deref();
                let d_sha = d.evidence.as_ref().map(|e| e.sha256.clone());
                match same {
                    SameCause::Always => true,
                    SameCause::Name => same_name,
                    SameCause::NameAndValue => same_name && (d_sha.is_none() || d_sha == sha),
                    SameCause::Secret => sha.is_some() && d_sha == sha,
                }
            });
            if let Some(b) = partner {
                let d = findings[b].clone();
                let f = &mut findings[a];
                if let Location::Source(s) = d.location {
                    f.dockerfile_location = Some(s);
                }
                f.severity = f.severity.max(d.severity);
                if !f.also.contains(&d.rule) {
                    f.also.push(d.rule.clone());
                }
                drop[b] = true;
            }
        }
    }
    let mut keep = drop.into_iter();
    findings.retain(|_| !keep.next().unwrap_or(false));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn steps(entries: &[(&str, bool)]) -> ImageHistory {
        let layers = entries.iter().filter(|(_, e)| !e).count();
        ImageHistory::new(
            "app:1",
            None,
            entries
                .iter()
                .map(|(c, e)| HistoryStep {
                    created_by: Some(c.to_string()),
                    empty_layer: *e,
                })
                .collect(),
            layers,
        )
    }

    fn run(text: &str, h: &ImageHistory) -> Result<Correlation, Divergence> {
        let df = drydock_dockerfile::parse(text, "Dockerfile");
        let model = StageModel::build(&df, &BTreeMap::new());
        correlate(&df, &model, h, &|s| s.to_string())
    }

    /// Dockerfile line of each history entry (0 = base image).
    fn lines(text: &str, h: &ImageHistory) -> Vec<usize> {
        let df = drydock_dockerfile::parse(text, "Dockerfile");
        let c = run(text, h).unwrap_or_else(|d| panic!("{}", d.message));
        c.steps
            .iter()
            .map(|o| match o {
                Some(Origin::BaseImage) => 0,
                Some(Origin::Instruction(i)) => df.instructions[*i].start_line,
                None => usize::MAX,
            })
            .collect()
    }

    #[test]
    fn reads_every_builders_created_by() {
        let r = parse_created_by("/bin/sh -c #(nop)  ENV A=b");
        assert_eq!((r.keyword.as_str(), r.body.as_str()), ("ENV", "A=b"));
        let r = parse_created_by("/bin/sh -c #(nop) COPY file:abc in /app/ ");
        assert_eq!(
            (r.keyword.as_str(), r.body.as_str()),
            ("COPY", "file:abc in /app/")
        );
        let r = parse_created_by("|2 A=1 B=2 /bin/sh -c make all");
        assert_eq!(r.keyword, "RUN");
        let r = parse_created_by("RUN |1 A=1 /bin/sh -c make # buildkit");
        assert_eq!(
            (r.keyword.as_str(), r.body.as_str()),
            ("RUN", "|1 A=1 /bin/sh -c make")
        );
        let r = parse_created_by("COPY . . # buildkit:sha256:0123");
        assert_eq!((r.keyword.as_str(), r.body.as_str()), ("COPY", ". ."));
        let r = parse_created_by("WORKDIR /app");
        assert_eq!(r.keyword, "WORKDIR");
        // A `#` inside a command is not BuildKit's marker.
        let r = parse_created_by("/bin/sh -c echo '# buildkit is great'");
        assert_eq!(r.body, "/bin/sh -c echo '# buildkit is great'");
    }

    const MULTI: &str = "\
FROM alpine:3.19 AS build
ARG VERSION=1
RUN make VERSION=$VERSION
FROM alpine:3.19
ARG GITHUB_TOKEN
ENV APP_HOME=/app \\
    MODE=prod
WORKDIR $APP_HOME
RUN --mount=type=cache,target=/root/.cache \\
    pip install -r req.txt
COPY --from=build /out /app/bin
COPY . .
RUN <<EOF
set -eu
echo hi > /app/x
EOF
USER 10001
CMD [\"app\"]
";

    #[test]
    fn buildkit_history_maps_each_step_to_its_line() {
        let h = steps(&[
            ("/bin/sh -c #(nop) ADD file:1a2b in / ", false),
            ("/bin/sh -c #(nop)  CMD [\"/bin/sh\"]", true),
            ("ARG GITHUB_TOKEN", true),
            ("ENV APP_HOME=/app MODE=prod", true),
            ("WORKDIR /app", false),
            (
                "RUN |1 GITHUB_TOKEN=ghp_x /bin/sh -c pip install -r req.txt # buildkit",
                false,
            ),
            ("COPY /out /app/bin # buildkit", false),
            ("COPY . . # buildkit", false),
            (
                "RUN |1 GITHUB_TOKEN=ghp_x /bin/sh -c set -eu\necho hi > /app/x\n # buildkit",
                false,
            ),
            ("USER 10001", true),
            ("CMD [\"app\"]", true),
        ]);
        assert_eq!(lines(MULTI, &h), vec![0, 0, 5, 6, 8, 9, 11, 12, 13, 17, 18]);
        let c = run(MULTI, &h).unwrap();
        // Layer 0 is the base image (its FROM line).
        assert_eq!(c.layer_origin(0), Some(Origin::BaseImage));
        assert_eq!(c.span(Origin::BaseImage).unwrap().start_line, 4);
        assert_eq!(c.layer_pairs, 5);
    }

    #[test]
    fn classic_and_buildah_history_with_build_args_and_mounts() {
        let h = steps(&[
            ("/bin/sh -c #(nop) ADD file:1a2b in / ", false),
            ("/bin/sh -c #(nop)  ARG GITHUB_TOKEN", true),
            ("/bin/sh -c #(nop)  ENV APP_HOME=/app     MODE=prod", true),
            ("/bin/sh -c #(nop) WORKDIR /app", true),
            (
                "|1 GITHUB_TOKEN=ghp_x /bin/sh -c --mount=type=cache,target=/root/.cache     pip install -r req.txt",
                false,
            ),
            ("/bin/sh -c #(nop) COPY dir:77aa in /app/bin ", false),
            ("/bin/sh -c #(nop) COPY dir:88bb in . ", false),
            (
                "|1 GITHUB_TOKEN=ghp_x /bin/sh -c <<EOF\nset -eu\necho hi > /app/x\nEOF",
                false,
            ),
            ("/bin/sh -c #(nop)  USER 10001", true),
            ("/bin/sh -c #(nop)  CMD [\"app\"]", true),
            // `docker build --label` appends one.
            ("/bin/sh -c #(nop)  LABEL ci.build=42", true),
        ]);
        assert_eq!(
            lines(MULTI, &h),
            vec![0, 5, 6, 8, 9, 11, 12, 13, 17, 18, usize::MAX]
        );
    }

    #[test]
    fn parent_stage_steps_are_part_of_the_final_image() {
        let text = "FROM debian:12 AS base\nRUN apt-get update\nFROM base\nCOPY app /app\n";
        let h = steps(&[
            ("/bin/sh -c #(nop) ADD file:1 in / ", false),
            ("RUN /bin/sh -c apt-get update # buildkit", false),
            ("COPY app /app # buildkit", false),
        ]);
        assert_eq!(lines(text, &h), vec![0, 2, 4]);
    }

    #[test]
    fn kaniko_history_is_the_instruction_text() {
        let text = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app ./...\nENTRYPOINT [\"/app\"]\n";
        let h = steps(&[
            ("/bin/sh -c #(nop) ADD file:1 in / ", false),
            ("WORKDIR /src", true),
            ("COPY . .", false),
            ("RUN go build -o /app ./...", false),
            ("ENTRYPOINT [\"/app\"]", true),
        ]);
        assert_eq!(lines(text, &h), vec![0, 2, 3, 4, 5]);
    }

    #[test]
    fn a_daemon_export_knows_only_the_layers_steps() {
        let text = "FROM alpine\nENV A=1\nRUN apk add curl\nUSER 10001\nCOPY . /app\nCMD [\"x\"]\n";
        let mut h = steps(&[
            ("/bin/sh -c #(nop) ADD file:1 in / ", false),
            ("RUN /bin/sh -c apk add curl # buildkit", false),
            ("COPY . /app # buildkit", false),
        ]);
        assert!(run(text, &h).is_err(), "ENV/USER/CMD steps are missing");
        h.layers_only = true;
        assert_eq!(lines(text, &h), vec![0, 3, 5]);
    }

    #[test]
    fn a_different_command_is_a_divergence_naming_both_sides() {
        let text = "FROM alpine\nRUN apk add curl\nCOPY . /app\n";
        let h = steps(&[
            ("/bin/sh -c #(nop) ADD file:1 in / ", false),
            ("RUN /bin/sh -c apk add wget # buildkit", false),
            ("COPY . /app # buildkit", false),
        ]);
        let d = run(text, &h).unwrap_err();
        assert!(
            d.message
                .contains("layer 1 / history[1] `RUN /bin/sh -c apk add wget # buildkit`")
                && d.message.contains("Dockerfile line 2 `RUN apk add curl`"),
            "{}",
            d.message
        );
        // Fewer steps than instructions.
        let h = steps(&[("COPY . /app # buildkit", false)]);
        let d = run(text, &h).unwrap_err();
        assert!(
            d.message.contains("history ends before Dockerfile line 2"),
            "{}",
            d.message
        );
        // Another destination is another COPY.
        let h = steps(&[
            ("RUN /bin/sh -c apk add curl # buildkit", false),
            ("COPY . /srv # buildkit", false),
        ]);
        assert!(run(text, &h).is_err());
    }

    fn finding(rule: &str, msg: &str, loc: Location) -> Finding {
        Finding::new(
            rule,
            drydock_core::Severity::Medium,
            drydock_core::Category::Secret,
            msg,
            loc,
        )
    }

    fn src(line: usize) -> SourceSpan {
        SourceSpan {
            path: "Dockerfile".into(),
            start_line: line,
            end_line: line,
            start_column: 1,
            end_column: 10,
        }
    }

    #[test]
    fn one_root_cause_is_one_finding_with_both_places() {
        let cfg = |field: &str| Location::Config {
            image: "app:1".into(),
            field: field.into(),
        };
        let mut im7 = finding(
            "IM007",
            "GitHub token in build argument `GITHUB_TOKEN` recorded in history[3]",
            cfg("history[3]"),
        )
        .with_severity(drydock_core::Severity::High);
        im7.dockerfile_location = Some(src(9));
        let print = im7.fingerprint.clone();
        let df9 = finding(
            "DF009",
            "build argument `GITHUB_TOKEN` looks like a secret",
            Location::Source(src(5)),
        );
        let other = finding(
            "DF009",
            "build argument `NPM_TOKEN` looks like a secret",
            Location::Source(src(6)),
        );
        let mut im4 = finding("IM004", "no USER in the image config", cfg("User"));
        im4.dockerfile_location = Some(src(4));
        let df13 = finding(
            "DF013",
            "the final stage has no USER",
            Location::Source(src(4)),
        );
        let out = merge_root_causes(vec![im7, df9, other.clone(), im4, df13]);
        assert_eq!(out.len(), 3, "{out:#?}");
        assert_eq!(out[0].rule, "IM007");
        assert_eq!(out[0].also, vec!["DF009".to_string()]);
        assert_eq!(out[0].dockerfile_location, Some(src(5)));
        assert_eq!(out[0].severity, drydock_core::Severity::High);
        assert_eq!(out[0].fingerprint, print);
        assert_eq!(out[1], other, "another name is another cause");
        assert_eq!(out[2].rule, "IM004");
        assert_eq!(out[2].also, vec!["DF013".to_string()]);
        // The same secret in ENV (DF001) and in the config's Env (IM005); another value stays.
        let ev = |sha: &str| drydock_core::Evidence {
            value: "AKIA…".into(),
            length: 20,
            sha256: sha.into(),
        };
        let mut im5 =
            finding("IM005", "AWS key in Env `AWS_KEY`", cfg("Env")).with_evidence(ev("aa11"));
        im5.dockerfile_location = Some(src(3));
        let df1 = finding(
            "DF001",
            "AWS key in ENV `AWS_KEY`",
            Location::Source(src(3)),
        )
        .with_evidence(ev("aa11"));
        let df1b = finding(
            "DF001",
            "AWS key in ENV `AWS_KEY`",
            Location::Source(src(7)),
        )
        .with_evidence(ev("bb22"));
        let out = merge_root_causes(vec![im5, df1, df1b]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].also, vec!["DF001".to_string()]);
        assert_eq!(out[1].location, Location::Source(src(7)));
        assert_eq!(port_of("the image exposes 22/tcp (SSH)"), Some("22"));
        // Without correlation nothing merges.
        let lone = finding("IM004", "no USER", cfg("User"));
        let df13 = finding("DF013", "no USER", Location::Source(src(4)));
        assert_eq!(merge_root_causes(vec![lone, df13]).len(), 2);
    }
}
