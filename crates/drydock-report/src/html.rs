//! One self-contained HTML page that replaces `dive` for looking at a scan: a layer view per
//! image (size bars, files added/changed/deleted, wasted bytes, findings per layer; selecting
//! a layer filters the findings and lists its biggest changes), summaries per target and per
//! rule, findings grouped by target and rule in collapsible groups with the rule's
//! documentation rendered from Markdown, severity/category/text filters, and a print layout.
//!
//! The report data is written once as JSON in a `<script type="application/json">` block and
//! rendered by a small inline script, so 10,000 findings stay a few megabytes at most and the
//! DOM only holds what is shown (group bodies are built when opened, 50 rows at a time).
//! No external assets; a Content-Security-Policy forbids any network access. Every string is
//! either HTML-escaped ([`escape`]) or JSON with `<`, `>` and `&` written as `\u003c`-style
//! escapes, so no scanned text can close the data block or inject markup; the script only
//! ever sets `textContent`, except for rule documentation rendered here from trusted Markdown
//! with raw HTML turned into text.

use crate::snippet::snippet;
use crate::util::{fix_text, human_size, instruction_of, location_in_target, short_digest};
use crate::{RenderOptions, Target, View};
use drydock_core::{Finding, Location, Severity};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Escape text for HTML element content and double- or single-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters have no business in a page; keep them visible.
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Rule documentation (CommonMark) as HTML. Raw HTML in the source is shown as text and
/// links keep only `http(s):`, `mailto:` and in-page targets.
pub fn markdown_to_html(md: &str) -> String {
    use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};
    let events =
        Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|ev| {
            match ev {
                Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let ok = ["https://", "http://", "mailto:", "#"]
                        .iter()
                        .any(|p| dest_url.to_ascii_lowercase().starts_with(p));
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url: if ok { dest_url } else { CowStr::from("#") },
                        title,
                        id,
                    })
                }
                Event::Start(Tag::Image { .. }) | Event::End(pulldown_cmark::TagEnd::Image) => {
                    // No external assets: an image becomes its alt text.
                    Event::Text(CowStr::from(""))
                }
                e => e,
            }
        });
    let mut out = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// JSON safe inside `<script>`: `<`, `>` and `&` only occur in strings there, where the
/// `\u00XX` escapes mean the same characters.
fn script_json(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    let mut out = String::with_capacity(s.len() + s.len() / 50);
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn sev_index(s: Severity) -> usize {
    Severity::ALL.iter().position(|x| *x == s).unwrap_or(4)
}

/// UTF-16 offset of byte `i` in `s` (JavaScript string indices).
fn utf16_at(s: &str, i: usize) -> usize {
    s.get(..i).map_or(0, |p| p.encode_utf16().count())
}

/// Repeated strings (fix texts, categories) stored once.
#[derive(Default)]
struct Strings {
    list: Vec<String>,
    index: HashMap<String, usize>,
}

impl Strings {
    fn id(&mut self, s: &str) -> usize {
        if let Some(i) = self.index.get(s) {
            return *i;
        }
        self.list.push(s.to_string());
        self.index.insert(s.to_string(), self.list.len() - 1);
        self.list.len() - 1
    }
}

/// One finding as a compact array:
/// `[target, severity, rule, category, message, location, layer, fix, notes, snippet]`
/// (`layer` -1 when none; `fix` an index into the string table or -1; `notes` lines;
/// `snippet` `[first_line, text, mark_start, mark_end]` in UTF-16 units, or 0).
fn finding_json(view: &View, t: usize, f: &Finding, strings: &mut Strings) -> Value {
    let layer: i64 = match &f.location {
        Location::Layer { layer, .. } => *layer as i64,
        Location::Package { layer: Some(l), .. } => *l as i64,
        _ => -1,
    };
    let mut notes: Vec<String> = Vec::new();
    if let Location::Layer {
        layer,
        deleted_in: Some(d),
        ..
    } = &f.location
    {
        notes.push(format!(
            "Deleted in layer {d} — still extractable from layer {layer}"
        ));
    }
    if let Some(ev) = &f.evidence {
        let mut shown = format!("Evidence: {}", ev.value);
        if !ev.value.contains(ev.sha256.get(..8).unwrap_or(&ev.sha256)) {
            shown.push_str(&format!(" (sha256 {})", ev.sha256));
        }
        notes.push(shown);
    }
    if let Some(v) = &f.vulnerability {
        let mut ids = vec![v.id.clone()];
        ids.extend(v.aliases.iter().cloned());
        notes.push(format!(
            "Vulnerability: {} in {} {} ({})",
            ids.join(", "),
            v.package,
            v.installed_version,
            v.ecosystem
        ));
    }
    if let Some(p) = &f.platform {
        notes.push(format!("Platform: {p}"));
    }
    let snip = match &f.location {
        Location::Source(s) => view
            .source_for(&s.path)
            .and_then(|src| snippet(src, f, &view.masker))
            .map(|sn| {
                json!([
                    sn.start_line,
                    sn.text,
                    utf16_at(&sn.text, sn.span.start),
                    utf16_at(&sn.text, sn.span.end)
                ])
            }),
        _ => None,
    };
    let fix = fix_text(f).map_or(-1, |x| strings.id(&x) as i64);
    let cat = strings.id(f.category.as_str());
    json!([
        t,
        sev_index(f.severity),
        f.rule,
        cat,
        f.message,
        location_in_target(f, false),
        layer,
        fix,
        notes,
        snip.unwrap_or(json!(0))
    ])
}

fn target_json(t: &Target, findings: &[Finding]) -> Value {
    let mut facts: Vec<(&str, String)> = Vec::new();
    let mut layers: Vec<Value> = Vec::new();
    if let Target::Image { summary, .. } = t {
        let n = summary
            .layers
            .iter()
            .filter(|l| l.layer_index().is_some())
            .count();
        if let Some(os) = &summary.os {
            facts.push(("OS", os.clone()));
        }
        if let Some(p) = &summary.platform {
            facts.push(("Platform", p.clone()));
        }
        facts.push((
            "Size",
            format!(
                "{} in {n} layer{}",
                human_size(summary.size),
                crate::util::plural(n)
            ),
        ));
        facts.push((
            "User",
            summary
                .user
                .clone()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| "root (no USER set)".into()),
        ));
        facts.push((
            "Waste",
            format!(
                "{} · efficiency {:.1}%",
                human_size(summary.waste_bytes),
                summary.efficiency * 100.0
            ),
        ));
        if let Some(d) = &summary.digest {
            facts.push(("Digest", short_digest(d)));
        }
        if let Some(b) = &summary.base_image {
            facts.push(("Base", crate::base_line(b)));
            if let Some(v) = &b.verdict {
                facts.push(("Verdict", v.clone()));
            }
        }
        let mut per_layer: BTreeMap<usize, usize> = BTreeMap::new();
        for f in findings {
            match &f.location {
                Location::Layer { layer, .. }
                | Location::Package {
                    layer: Some(layer), ..
                } => *per_layer.entry(*layer).or_default() += 1,
                _ => {}
            }
        }
        for l in &summary.layers {
            let idx = l.layer_index();
            let c = l.changes.clone().unwrap_or_default();
            layers.push(json!([
                idx,
                l.digest
                    .as_deref()
                    .filter(|_| idx.is_some())
                    .map(short_digest)
                    .unwrap_or_default(),
                l.size,
                human_size(l.size),
                l.created_by
                    .as_deref()
                    .map(instruction_of)
                    .unwrap_or_default(),
                l.changes.is_some(),
                c.added,
                c.changed,
                c.deleted,
                human_size(c.wasted_bytes),
                c.wasted_bytes,
                idx.and_then(|i| per_layer.get(&i).copied()).unwrap_or(0),
                c.biggest
                    .iter()
                    .map(|(p, s, ch)| json!([p, human_size(*s), ch]))
                    .collect::<Vec<_>>()
            ]));
        }
    }
    json!({
        "label": t.label(),
        "kind": t.kind(),
        "facts": facts,
        "layers": layers,
    })
}

pub fn render(view: &View, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let r = view.report;
    let s = &view.summary;
    let mut strings = Strings::default();
    let mut findings: Vec<Value> = Vec::with_capacity(s.total());
    let mut targets: Vec<Value> = Vec::with_capacity(view.groups.len());
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    for (t, g) in view.groups.iter().enumerate() {
        targets.push(match &g.target {
            Some(target) => target_json(target, &g.findings),
            None => json!({"label": g.label(), "kind": "other", "facts": [], "layers": []}),
        });
        // Most severe first; the sort is stable, so location order holds within a severity.
        let mut fs: Vec<&Finding> = g.findings.iter().collect();
        fs.sort_by_key(|f| std::cmp::Reverse(f.severity));
        for f in fs {
            findings.push(finding_json(view, t, f, &mut strings));
            if !rules.contains_key(&f.rule) {
                let v = match view.rule(&f.rule) {
                    Some(m) => json!([
                        m.title,
                        markdown_to_html(m.explanation.trim()),
                        m.references
                    ]),
                    None => json!(["", "", []]),
                };
                rules.insert(f.rule.clone(), v);
            }
        }
    }
    let failed = s.failing > 0 || !r.errors.is_empty();
    let data = json!({
        "verdict": view.verdict(),
        "failed": failed,
        "counts": Severity::ALL.iter().map(|x| s.count(*x)).collect::<Vec<_>>(),
        "targets": targets,
        "rules": rules,
        "strings": strings.list,
        "findings": findings,
    });

    let mut o = String::with_capacity(64 * 1024 + findings_len_hint(s.total()));
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // No network: even a stray URL in scanned text cannot load anything.
    o.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n");
    let _ = writeln!(
        o,
        "<title>drydock report — {}</title>",
        escape(&r.scan_date)
    );
    let _ = writeln!(o, "<style>{CSS}</style>\n</head>\n<body>");
    let _ = writeln!(
        o,
        "<header><h1>drydock</h1><div class=\"meta\">version {} · scan date {} · fail on {} · {} target{} · {}</div><div class=\"verdict {}\">{}</div></header>",
        escape(r.tool_version),
        escape(&r.scan_date),
        r.fail_on_str(),
        r.targets.len(),
        crate::util::plural(r.targets.len()),
        escape(&view.totals()),
        if failed { "fail" } else { "pass" },
        escape(&view.verdict())
    );
    o.push_str("<main>\n");
    // A corpus can warn about dozens of files: a few banners, the rest in one closed list,
    // so the summary stays on the first screen.
    const WARN_BANNERS: usize = 3;
    let warnings: Vec<String> = view.warnings(opts).iter().map(|w| w.to_string()).collect();
    let shown = if warnings.len() > WARN_BANNERS + 1 {
        WARN_BANNERS
    } else {
        warnings.len()
    };
    for w in &warnings[..shown] {
        let _ = writeln!(o, "<div class=\"banner warn\">{}</div>", escape(w));
    }
    if warnings.len() > shown {
        let _ = write!(
            o,
            "<details class=\"banner warn\"><summary>{} more warnings</summary><ul>",
            warnings.len() - shown
        );
        for w in &warnings[shown..] {
            let _ = write!(o, "<li>{}</li>", escape(w));
        }
        o.push_str("</ul></details>\n");
    }
    for s in view.suppression_lines() {
        let _ = writeln!(
            o,
            "<div class=\"banner note\">Ignore entry {}</div>",
            escape(&s)
        );
    }
    for e in &r.errors {
        let _ = writeln!(
            o,
            "<div class=\"banner err\">Cannot scan <code>{}</code>: {}</div>",
            escape(&e.target),
            escape(&e.message)
        );
    }
    o.push_str("<div class=\"toolbar\" id=\"toolbar\"></div>\n<div id=\"app\"><noscript><p class=\"none\">This report is drawn by an inline script; allow JavaScript for this file, or use <code>--format text</code> or <code>markdown</code>.</p></noscript></div>\n");
    let _ = writeln!(
        o,
        "</main>\n<footer>generated by drydock {} · run <code>drydock explain RULE</code> for any rule</footer>",
        escape(r.tool_version)
    );
    o.push_str("<script type=\"application/json\" id=\"data\">");
    o.push_str(&script_json(&data));
    o.push_str("</script>\n");
    let _ = writeln!(o, "<script>{JS}</script>\n</body>\n</html>");
    out.write_all(o.as_bytes())
}

fn findings_len_hint(n: usize) -> usize {
    n.saturating_mul(300)
}

const CSS: &str = r#"
:root{--crit:#8e24aa;--high:#d32f2f;--med:#ef6c00;--low:#1e66d0;--info:#6b7280;--bg:#f5f6f8;--card:#fff;--ink:#1f2430;--mut:#5f6673;--line:#e3e6eb}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:var(--bg);color:var(--ink)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:13px}
header{background:#111827;color:#f3f4f6;padding:18px 32px;display:flex;flex-wrap:wrap;align-items:center;gap:10px 24px}
header h1{margin:0;font-size:22px;letter-spacing:.5px}
header .meta{color:#9ca3af;font-size:13px}
.verdict{margin-left:auto;padding:6px 14px;border-radius:999px;font-weight:600;font-size:14px}
.verdict.fail{background:#7f1d1d;color:#fecaca}.verdict.pass{background:#14532d;color:#bbf7d0}
main{max-width:1240px;margin:0 auto;padding:20px 32px 40px}
.toolbar{display:flex;flex-wrap:wrap;gap:8px;align-items:center;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px 14px;margin-bottom:18px;position:sticky;top:0;z-index:2}
.chip{border:2px solid var(--c);background:var(--card);color:var(--c);border-radius:999px;padding:2px 12px;font-weight:600;cursor:pointer;font-size:13px}
.chip.on{background:var(--c);color:#fff}.chip .n{opacity:.85;margin-left:4px}
.toolbar select,.toolbar input{border:1px solid var(--line);border-radius:6px;padding:5px 8px;font:inherit;font-size:13px}
.toolbar input{flex:1;min-width:160px}.count{color:var(--mut);font-size:13px}
.active{display:flex;gap:6px;flex-wrap:wrap;width:100%}.active:empty{display:none}
.active button{border:1px solid var(--line);background:#eef2ff;border-radius:6px;font-size:12px;padding:1px 8px;cursor:pointer}
.banner{border-radius:8px;padding:10px 14px;margin-bottom:14px;font-weight:500}
.banner.warn{background:#fff7ed;border:1px solid #fdba74;color:#9a3412}.banner.err{background:#fef2f2;border:1px solid #fca5a5;color:#991b1b}
details.banner ul{margin:6px 0 0;padding-left:20px;font-weight:400}details.banner summary{cursor:pointer}
.banner.note{background:#f1f5f9;border:1px solid #cbd5e1;color:#334155;font-weight:400}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;margin-bottom:18px;overflow:hidden}
.card>h2{margin:0;padding:12px 18px;font-size:16px;border-bottom:1px solid var(--line);display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.kind{font-size:11px;text-transform:uppercase;letter-spacing:.8px;background:#eef0f4;color:var(--mut);border-radius:4px;padding:2px 7px}
.tcount{margin-left:auto;font-size:13px;color:var(--mut);font-weight:400}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:18px}@media (max-width:900px){.grid2{grid-template-columns:1fr}}
table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;color:var(--mut);font-weight:600;border-bottom:1px solid var(--line);padding:5px 8px;white-space:nowrap}
td{border-bottom:1px solid #f0f1f4;padding:4px 8px;vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.wrap{overflow-wrap:anywhere;width:100%}
td.path{max-width:0;width:100%;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;direction:rtl;text-align:left}
tr.pick{cursor:pointer}tr.pick:hover{background:#f3f6fd}tr.sel{background:#e0e9ff!important}
tr.empty td{color:var(--mut)}
.scroll{max-height:360px;overflow:auto}
.bar{height:10px;background:#dbe4f3;border-radius:3px;min-width:2px}.bar i{display:block;height:10px;background:#4f7bd9;border-radius:3px}
.bar i.w{background:#e0893a}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:8px 18px;padding:12px 18px;margin:0;border-bottom:1px solid var(--line);background:#fafbfc}
.facts div{min-width:0}.facts dt{font-size:11px;text-transform:uppercase;color:var(--mut);letter-spacing:.6px}.facts dd{margin:0;font-weight:500;overflow-wrap:anywhere}
.files{padding:10px 18px;border-top:1px solid var(--line);background:#fbfcfe}.files h3{margin:0 0 6px;font-size:14px}
.ch-added{color:#15803d}.ch-changed{color:#b45309}.ch-deleted{color:#b91c1c}
details.rg{border-top:1px solid var(--line)}details.rg>summary{cursor:pointer;padding:8px 18px;display:flex;gap:10px;align-items:baseline;list-style:none}
details.rg>summary::-webkit-details-marker{display:none}details.rg>summary:before{content:"▸";color:var(--mut)}details.rg[open]>summary:before{content:"▾"}
.pill{background:var(--c);color:#fff;border-radius:4px;padding:1px 8px;font-size:12px;font-weight:700;text-transform:uppercase;letter-spacing:.4px}
.rule{font-weight:700}.rtitle{color:var(--mut);font-size:13px}
.finding{border-left:4px solid var(--c);padding:8px 18px 8px 16px;border-top:1px solid #f0f1f4;margin-left:18px}
.msg{font-weight:600;overflow-wrap:anywhere}.loc{color:var(--mut);font-size:13px;overflow-wrap:anywhere}
.note{font-size:13px;overflow-wrap:anywhere}.note.fix b{color:#15803d}
pre.snip{background:#0f172a;color:#e2e8f0;border-radius:8px;padding:8px 0;margin:6px 0;overflow-x:auto;line-height:1.45}
pre.snip .ln{display:inline-block;width:4.5em;padding-right:12px;text-align:right;color:#64748b;user-select:none}
pre.snip mark{background:#7f1d1d;color:#fff;border-radius:2px;padding:0 1px}
details.doc{margin:4px 18px 8px 22px}details.doc summary{cursor:pointer;color:var(--low);font-size:13px}
.docbody{background:#f8fafc;border:1px solid var(--line);border-radius:6px;padding:4px 14px;font-size:14px}
.docbody h2{font-size:15px;margin:10px 0 4px}.docbody pre{background:#0f172a;color:#e2e8f0;padding:8px;border-radius:6px;overflow-x:auto}
.more{margin:8px 18px 10px 40px;border:1px solid var(--line);background:var(--card);border-radius:6px;padding:3px 12px;cursor:pointer;font-size:13px}
.none{padding:12px 18px;color:var(--mut)}
.sev-0{--c:var(--crit)}.sev-1{--c:var(--high)}.sev-2{--c:var(--med)}.sev-3{--c:var(--low)}.sev-4{--c:var(--info)}
.sevn{display:inline-block;min-width:2.2em;text-align:right;color:var(--c);font-weight:600}.sevn.z{color:#c4c8cf;font-weight:400}
footer{color:var(--mut);font-size:12px;text-align:center;padding:0 0 30px}
@media print{
 body{background:#fff;font-size:11pt}header{background:#fff;color:#000;border-bottom:2px solid #000;padding:8px 0}header .meta{color:#333}
 .verdict{border:1px solid #000;background:#fff!important;color:#000!important}
 main{max-width:none;padding:8px 0}.toolbar,.more,footer,details.doc>summary{display:none}
 .card{break-inside:auto;border-color:#999}.finding{break-inside:avoid}.scroll{max-height:none;overflow:visible}
 details.rg>summary:before{content:""}pre.snip{background:#f3f4f6;color:#000;white-space:pre-wrap}pre.snip mark{background:#fde68a;color:#000}
 .pill{border:1px solid var(--c);background:#fff;color:var(--c)}
}
"#;

const JS: &str = r##"
(function(){
"use strict";
var root=document.documentElement;
window.addEventListener("error",function(e){root.setAttribute("data-error",String(e.message||e));});
var D=JSON.parse(document.getElementById("data").textContent);
var SEV=["critical","high","medium","low","info"],F=D.findings,T=D.targets,S=D.strings,R=D.rules;
var st={sev:[1,1,1,1,1],cat:-1,q:"",t:-1,layer:-1,rule:""},PAGE=50,printing=false;
function h(tag,cls,txt){var e=document.createElement(tag);if(cls)e.className=cls;if(txt!=null)e.textContent=txt;return e;}
function add(p){for(var i=1;i<arguments.length;i++){if(arguments[i])p.appendChild(arguments[i]);}return p;}
function kid(p,c){p.appendChild(c);return c;}
function tx(s){return document.createTextNode(s);}
var hay=[];
function text(i){if(hay[i]===undefined){var f=F[i];hay[i]=(f[2]+" "+f[4]+" "+f[5]+" "+T[f[0]].label+" "+f[8].join(" ")+" "+(R[f[2]]?R[f[2]][0]:"")).toLowerCase();}return hay[i];}
function pass(i){var f=F[i];return st.sev[f[1]]&&(st.cat<0||f[3]===st.cat)&&(st.t<0||f[0]===st.t)&&(st.layer<0||f[6]===st.layer)&&(!st.rule||f[2]===st.rule)&&(!st.q||text(i).indexOf(st.q)>=0);}
function pill(s){return h("span","pill sev-"+s,SEV[s]);}

/* toolbar */
var bar=document.getElementById("toolbar"),cnt=h("span","count"),active=h("div","active");
SEV.forEach(function(name,s){var b=h("button","chip on sev-"+s,name);add(b,h("span","n",String(D.counts[s])));
 b.title="show/hide "+name;b.addEventListener("click",function(){st.sev[s]=st.sev[s]?0:1;b.classList.toggle("on",!!st.sev[s]);draw();});bar.appendChild(b);});
var cats={};F.forEach(function(f){cats[f[3]]=1;});
var sel=h("select");sel.setAttribute("aria-label","category");add(sel,h("option",null,"all categories"));sel.options[0].value="-1";
Object.keys(cats).map(Number).sort(function(a,b){return S[a]<S[b]?-1:1;}).forEach(function(c){var o=h("option",null,S[c]);o.value=String(c);sel.appendChild(o);});
sel.addEventListener("change",function(){st.cat=Number(sel.value);draw();});
var q=h("input");q.type="search";q.placeholder="filter text: rule, path, message…";q.setAttribute("aria-label","filter");
var timer=0;q.addEventListener("input",function(){clearTimeout(timer);timer=setTimeout(function(){st.q=q.value.trim().toLowerCase();draw();},120);});
add(bar,sel,q,cnt,active);

var app=document.getElementById("app");app.textContent="";
var status=h("div");status.id="render-status";status.hidden=true;

/* summary: per target and per rule */
function summary(){
 var card=h("section","card");add(card,h("h2",null,"Summary"));
 var grid=kid(card,h("div","grid2"));
 var per=T.map(function(){return [0,0,0,0,0];}),byRule={};
 F.forEach(function(f){per[f[0]][f[1]]++;var r=byRule[f[2]]||(byRule[f[2]]={n:0,s:4,c:[0,0,0,0,0]});r.n++;r.c[f[1]]++;if(f[1]<r.s)r.s=f[1];});
 var left=kid(grid,h("div","scroll")),tb=h("table"),hd=add(h("tr"),h("th",null,"Target"));
 SEV.forEach(function(n,s){var c=h("th","num",n.charAt(0).toUpperCase());c.title=n;hd.appendChild(c);});add(tb,hd);
 var clean=0;
 T.forEach(function(t,i){var c=per[i],tot=c[0]+c[1]+c[2]+c[3]+c[4];if(!tot){clean++;return;}
  var tr=h("tr","pick"),name=h("td","path mono","\u200e"+t.label);name.title=t.label;tr.dataset.t=i;add(tr,name);
  c.forEach(function(n,s){add(tr,add(h("td","num"),h("span","sevn sev-"+s+(n?"":" z"),String(n))));});
  tr.addEventListener("click",function(){st.t=st.t===i?-1:i;st.layer=-1;draw();});tb.appendChild(tr);});
 left.appendChild(tb);if(clean)add(left,h("div","none",clean+" target"+(clean===1?"":"s")+" without findings"));
 var right=kid(grid,h("div","scroll")),rt=h("table");add(rt,add(h("tr"),h("th",null,"Severity"),h("th",null,"Rule"),h("th",null,"Title"),h("th","num","Count")));
 Object.keys(byRule).sort(function(a,b){var x=byRule[a],y=byRule[b];return x.s-y.s||y.n-x.n||(a<b?-1:1);}).forEach(function(id){
  var r=byRule[id],tr=h("tr","pick");tr.dataset.rule=id;add(tr,add(h("td"),pill(r.s)),h("td","mono",id),h("td","wrap",R[id]?R[id][0]:""),h("td","num",String(r.n)));
  tr.addEventListener("click",function(){st.rule=st.rule===id?"":id;draw();});rt.appendChild(tr);});
 right.appendChild(rt);
 return card;}

/* layer view of each image */
function layers(t){
 var T0=T[t],card=h("section","card"),h2=kid(card,h("h2"));add(h2,h("span","kind","layers"),h("span","mono",T0.label));
 var dl=kid(card,h("dl","facts"));T0.facts.forEach(function(kv){add(dl,add(h("div"),h("dt",null,kv[0]),h("dd",null,kv[1])));});
 var max=1;T0.layers.forEach(function(l){if(l[2]>max)max=l[2];});
 var wrap=kid(card,h("div","scroll")),tb=h("table");
 add(tb,add(h("tr"),h("th","num","#"),h("th",null,"Size"),h("th","num",""),h("th","num","+ added"),h("th","num","~ changed"),h("th","num","− deleted"),h("th","num","Wasted"),h("th","num","Findings"),h("th",null,"Created by")));
 T0.layers.forEach(function(l){
  var tr=h("tr",l[0]===null?"empty":"pick");
  var b=h("div","bar"),i=h("i");i.style.width=(l[2]/max*100).toFixed(1)+"%";b.appendChild(i);
  if(l[10]>0){var w=h("i","w");w.style.width=Math.max(1,l[10]/max*100).toFixed(1)+"%";w.style.marginTop="-10px";w.style.marginLeft=(Math.max(0,l[2]-l[10])/max*100).toFixed(1)+"%";b.appendChild(w);}
  var bt=h("td");bt.style.minWidth="120px";bt.appendChild(b);
  add(tr,h("td","num",l[0]===null?"–":String(l[0])),bt,h("td","num",l[3]),h("td","num ch-added",l[5]?String(l[6]):""),h("td","num ch-changed",l[5]?String(l[7]):""),h("td","num ch-deleted",l[5]?String(l[8]):""),h("td","num",l[5]&&l[10]?l[9]:""),h("td","num",l[11]?String(l[11]):""),h("td","wrap mono",l[4]));
  if(l[0]!==null){tr.dataset.layer=l[0];tr.title="show this layer's findings and file changes";
   if(st.t===t&&st.layer===l[0])tr.classList.add("sel");
   tr.addEventListener("click",function(){if(st.t===t&&st.layer===l[0]){st.layer=-1;}else{st.t=t;st.layer=l[0];}draw();});}
  tb.appendChild(tr);});
 wrap.appendChild(tb);
 if(st.t===t&&st.layer>=0){T0.layers.forEach(function(l){if(l[0]!==st.layer)return;
  var p=kid(card,h("div","files"));add(p,h("h3",null,"Layer "+l[0]+": "+(l[5]?l[6]+" added, "+l[7]+" changed, "+l[8]+" deleted":"file changes not recorded")+" — biggest changes"));
  if(l[12].length){var ft=h("table");add(ft,add(h("tr"),h("th",null,"Change"),h("th","num","Size"),h("th",null,"Path")));
   l[12].forEach(function(x){add(ft,add(h("tr"),h("td","ch-"+x[2],x[2]),h("td","num",x[2]==="deleted"?"":x[1]),h("td","wrap mono","/"+x[0])));});p.appendChild(ft);}
  else add(p,h("div","none","no file changes recorded"));});}
 return card;}

function snip(s){var pre=h("pre","snip"),off=0;
 s[1].split("\n").forEach(function(l,k){var a=off,b=off+l.length;off=b+1;add(pre,h("span","ln",String(s[0]+k)));
  var m1=Math.max(a,Math.min(b,s[2])),m2=Math.max(a,Math.min(b,s[3]));
  if(m1<m2){add(pre,tx(l.slice(0,m1-a)),h("mark",null,l.slice(m1-a,m2-a)),tx(l.slice(m2-a)));}else pre.appendChild(tx(l));
  pre.appendChild(tx("\n"));});return pre;}
function row(i){var f=F[i],d=h("div","finding sev-"+f[1]);
 add(d,h("div","msg",f[4]),h("div","loc mono",f[5]));if(f[9])d.appendChild(snip(f[9]));
 f[8].forEach(function(n){add(d,h("div","note",n));});
 if(f[7]>=0){add(d,add(h("div","note fix"),h("b",null,"Fix "),tx(S[f[7]])));}
 return d;}
function body(det,ids){if(det.dataset.built)return;det.dataset.built="1";var id=F[ids[0]][2];
 if(R[id]&&R[id][1]){var doc=kid(det,h("details","doc"));add(doc,h("summary",null,"Why it matters and how to fix it ("+id+")"));
  var b=kid(doc,h("div","docbody"));b.innerHTML=R[id][1];}
 var n=0;function more(){var end=printing?ids.length:Math.min(ids.length,n+PAGE);for(;n<end;n++)det.appendChild(row(ids[n]));
  if(n<ids.length){var m=h("button","more","show "+Math.min(PAGE,ids.length-n)+" more of "+(ids.length-n));m.addEventListener("click",function(){m.remove();more();});det.appendChild(m);}}
 more();}

function draw(){
 var t0=Date.now(),shown=[],i;
 for(i=0;i<F.length;i++)if(pass(i))shown.push(i);
 cnt.textContent=shown.length+" of "+F.length+" shown";
 active.textContent="";
 function chip(label,clear){var b=h("button",null,label+" ✕");b.addEventListener("click",function(){clear();draw();});active.appendChild(b);}
 if(st.t>=0)chip("target: "+T[st.t].label,function(){st.t=-1;st.layer=-1;});
 if(st.layer>=0)chip("layer "+st.layer,function(){st.layer=-1;});
 if(st.rule)chip("rule: "+st.rule,function(){st.rule="";});
 app.textContent="";app.appendChild(status);
 if(F.length)app.appendChild(summary());
 T.forEach(function(t,k){if(t.layers.length)app.appendChild(layers(k));});
 var byT={},groups=0;
 shown.forEach(function(i){var f=F[i],g=byT[f[0]]||(byT[f[0]]={order:[],by:{}});var r=g.by[f[2]];if(!r){r=g.by[f[2]]=[];g.order.push(f[2]);}r.push(i);});
 var open=printing||shown.length<=300;
 T.forEach(function(t,k){var g=byT[k];if(!g)return;
  var card=h("section","card target"),h2=kid(card,h("h2"));
  var n=0;g.order.forEach(function(id){n+=g.by[id].length;});
  add(h2,h("span","kind",t.kind),h("span","mono",t.label),h("span","tcount",n+" shown"));
  g.order.forEach(function(id){var ids=g.by[id],top=4;ids.forEach(function(i){if(F[i][1]<top)top=F[i][1];});
   var det=h("details","rg"),sm=kid(det,h("summary"));
   add(sm,pill(top),h("code","rule",id),h("span","rtitle",R[id]?R[id][0]:""),h("span","tcount",ids.length+" finding"+(ids.length===1?"":"s")));
   det.addEventListener("toggle",function(){if(det.open)body(det,ids);});
   if(open){det.open=true;body(det,ids);}
   card.appendChild(det);groups++;});
  app.appendChild(card);});
 if(!shown.length)add(app,h("div","card none",F.length?"No finding matches the filters.":"No findings."));
 status.setAttribute("data-groups",String(groups));status.setAttribute("data-findings",String(shown.length));
 status.setAttribute("data-ms",String(Date.now()-t0));status.textContent="rendered";
 root.setAttribute("data-rendered",String(groups));}
/* a link can carry the view: #t=0&layer=2&rule=IM002&q=env */
location.hash.slice(1).split("&").forEach(function(kv){var p=kv.split("="),v="";try{v=decodeURIComponent(p[1]||"");}catch(e){return;}
 var n=Number(v);if(p[0]==="t"&&n>=0&&n<T.length)st.t=n;else if(p[0]==="layer"&&n>=0)st.layer=n;else if(p[0]==="rule")st.rule=v;else if(p[0]==="q"){st.q=v.toLowerCase();q.value=v;}});
if(st.layer>=0&&st.t<0)st.layer=-1;
window.addEventListener("beforeprint",function(){printing=true;draw();});
window.addEventListener("afterprint",function(){printing=false;draw();});
draw();
})();
"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<img src=x onerror=\"a('b')\">&"),
            "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;"
        );
        assert_eq!(escape("a\u{1b}b"), "a\\u{1b}b");
    }

    #[test]
    fn script_json_cannot_close_the_script_block() {
        let v = json!(["</script><script>alert(1)</script>", "a&b", "<!--"]);
        let s = script_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), v);
    }

    #[test]
    fn markdown_docs_render_without_raw_html_or_script_links() {
        let html = markdown_to_html(
            "## Why\n\nUse `USER`.\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) [ok](https://example.com)\n\n![i](https://example.com/a.png)",
        );
        assert!(
            html.contains("<h2>Why</h2>") && html.contains("<code>USER</code>"),
            "{html}"
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://example.com\""), "{html}");
    }
}
