//! One self-contained HTML page: inline CSS, a few lines of inline JS to filter by severity,
//! category and text; no external assets. Every piece of text is escaped with [`escape`].

use crate::snippet::snippet;
use crate::util::{fix_text, human_size, instruction_of, location_in_target, short_digest};
use crate::{RenderOptions, Target, View};
use drydock_core::{Category, Finding, Location, Severity};
use std::collections::BTreeSet;
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

const CSS: &str = r#"
:root{--crit:#8e24aa;--high:#d32f2f;--med:#ef6c00;--low:#1e66d0;--info:#6b7280;--bg:#f5f6f8;--card:#fff;--ink:#1f2430;--mut:#5f6673;--line:#e3e6eb}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:var(--bg);color:var(--ink)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:13px}
header{background:#111827;color:#f3f4f6;padding:20px 32px;display:flex;flex-wrap:wrap;align-items:center;gap:12px 24px}
header h1{margin:0;font-size:22px;letter-spacing:.5px}
header .meta{color:#9ca3af;font-size:13px}
.verdict{margin-left:auto;padding:6px 14px;border-radius:999px;font-weight:600;font-size:14px}
.verdict.fail{background:#7f1d1d;color:#fecaca}.verdict.pass{background:#14532d;color:#bbf7d0}
main{max-width:1180px;margin:0 auto;padding:24px 32px 48px}
.toolbar{display:flex;flex-wrap:wrap;gap:10px;align-items:center;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px;margin-bottom:20px;position:sticky;top:0;z-index:2}
.chip{border:2px solid var(--c);background:var(--card);color:var(--c);border-radius:999px;padding:3px 12px;font-weight:600;cursor:pointer;font-size:13px}
.chip.on{background:var(--c);color:#fff}.chip .n{opacity:.85;margin-left:4px}
.toolbar select,.toolbar input{border:1px solid var(--line);border-radius:6px;padding:5px 8px;font:inherit;font-size:13px}
.toolbar input{flex:1;min-width:160px}.toolbar .count{color:var(--mut);font-size:13px}
.banner{border-radius:8px;padding:10px 14px;margin-bottom:14px;font-weight:500}
.banner.warn{background:#fff7ed;border:1px solid #fdba74;color:#9a3412}.banner.err{background:#fef2f2;border:1px solid #fca5a5;color:#991b1b}
.banner.note{background:#f1f5f9;border:1px solid #cbd5e1;color:#334155;font-weight:400}
section.target{background:var(--card);border:1px solid var(--line);border-radius:12px;margin-bottom:22px;overflow:hidden}
section.target>h2{margin:0;padding:14px 18px;font-size:17px;border-bottom:1px solid var(--line);display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.kind{font-size:11px;text-transform:uppercase;letter-spacing:.8px;background:#eef0f4;color:var(--mut);border-radius:4px;padding:2px 7px}
.tcount{margin-left:auto;font-size:13px;color:var(--mut);font-weight:400}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:8px 18px;padding:14px 18px;margin:0;border-bottom:1px solid var(--line);background:#fafbfc}
.facts div{min-width:0}.facts dt{font-size:11px;text-transform:uppercase;color:var(--mut);letter-spacing:.6px}.facts dd{margin:0;font-weight:500;overflow-wrap:anywhere}
details.layers{padding:10px 18px;border-bottom:1px solid var(--line)}details.layers summary{cursor:pointer;color:var(--mut);font-size:13px}
table.history{border-collapse:collapse;width:100%;margin-top:8px;font-size:13px}
table.history th{text-align:left;color:var(--mut);font-weight:600;border-bottom:1px solid var(--line);padding:4px 8px}
table.history td{border-bottom:1px solid #f0f1f4;padding:4px 8px;vertical-align:top;white-space:nowrap}
table.history td.cmd{overflow-wrap:anywhere;white-space:normal;width:100%}table.history tr.empty td{color:var(--mut)}
.finding{border-left:4px solid var(--c);padding:12px 18px 12px 16px;border-bottom:1px solid var(--line)}
.finding:last-child{border-bottom:0}
.finding .head{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.pill{background:var(--c);color:#fff;border-radius:4px;padding:1px 8px;font-size:12px;font-weight:700;text-transform:uppercase;letter-spacing:.4px}
.rule{font-weight:700;color:var(--ink)}.rtitle{color:var(--mut);font-size:13px}
.msg{font-weight:600;margin:4px 0 2px;overflow-wrap:anywhere}
.loc{color:var(--mut);font-size:13px;overflow-wrap:anywhere}
.tag{font-size:11px;border:1px solid var(--line);border-radius:4px;padding:0 6px;color:var(--mut)}
.deleted{color:#9a3412;font-weight:600}
pre.snip{background:#0f172a;color:#e2e8f0;border-radius:8px;padding:10px 0;margin:8px 0;overflow-x:auto;line-height:1.45}
pre.snip .ln{display:inline-block;width:4.5em;padding-right:12px;text-align:right;color:#64748b;user-select:none}
pre.snip mark{background:#7f1d1d;color:#fff;border-radius:2px;padding:0 1px}
.kv{margin:4px 0 0;font-size:14px}.kv b{color:var(--mut);font-weight:600;margin-right:6px}
details.explain{margin-top:6px}details.explain summary{cursor:pointer;color:var(--low);font-size:13px}
details.explain pre{white-space:pre-wrap;background:#f8fafc;border:1px solid var(--line);border-radius:6px;padding:10px;font-size:13px}
.none{padding:14px 18px;color:var(--mut)}
.sev-critical{--c:var(--crit)}.sev-high{--c:var(--high)}.sev-medium{--c:var(--med)}.sev-low{--c:var(--low)}.sev-info{--c:var(--info)}
footer{color:var(--mut);font-size:12px;text-align:center;padding:0 0 30px}
.hidden{display:none!important}
"#;

const JS: &str = r#"
(function(){
  var on = new Set(["critical","high","medium","low","info"]);
  var cat = document.getElementById("cat"), q = document.getElementById("q"), count = document.getElementById("count");
  function apply(){
    var text = q.value.toLowerCase(), shown = 0;
    document.querySelectorAll(".finding").forEach(function(el){
      var ok = on.has(el.dataset.sev) && (!cat.value || el.dataset.cat === cat.value) &&
               (!text || el.textContent.toLowerCase().indexOf(text) >= 0);
      el.classList.toggle("hidden", !ok); if (ok) shown++;
    });
    document.querySelectorAll("section.target").forEach(function(s){
      var n = s.querySelectorAll(".finding:not(.hidden)").length, t = s.querySelector(".tcount");
      if (t) t.textContent = n + " shown";
    });
    count.textContent = shown + " shown";
  }
  document.querySelectorAll(".chip").forEach(function(b){
    b.addEventListener("click", function(){
      var s = b.dataset.sev; if (on.has(s)) on.delete(s); else on.add(s);
      b.classList.toggle("on", on.has(s)); apply();
    });
  });
  cat.addEventListener("change", apply); q.addEventListener("input", apply); apply();
})();
"#;

fn layer_line(view: &View, f: &Finding) -> Option<String> {
    let Location::Layer {
        image,
        layer,
        layer_digest,
        created_by,
        ..
    } = &f.location
    else {
        return None;
    };
    let row = view.targets.iter().find_map(|t| match t {
        Target::Image { name, summary } if name == image => summary
            .layers
            .iter()
            .find(|l| l.layer_index() == Some(*layer)),
        _ => None,
    });
    let cmd = created_by
        .as_deref()
        .or(row.and_then(|r| r.created_by.as_deref()))
        .map(instruction_of)
        .unwrap_or_default();
    let mut s = format!("layer {layer} · {}", short_digest(layer_digest));
    if let Some(r) = row {
        s.push_str(&format!(" · {}", human_size(r.size)));
    }
    if !cmd.is_empty() {
        s.push_str(&format!(" · {cmd}"));
    }
    Some(s)
}

fn finding_html(view: &View, f: &Finding, o: &mut String) {
    let sev = f.severity.as_str();
    let meta = view.rule(&f.rule);
    let _ = write!(
        o,
        "<div class=\"finding sev-{sev}\" data-sev=\"{sev}\" data-cat=\"{}\">\n<div class=\"head\"><span class=\"pill\">{sev}</span><code class=\"rule\">{}</code>",
        f.category,
        escape(&f.rule)
    );
    if let Some(m) = meta {
        let _ = write!(o, "<span class=\"rtitle\">{}</span>", escape(m.title));
    }
    let _ = write!(o, "<span class=\"tag\">{}</span>", f.category);
    if let Some(p) = &f.platform {
        let _ = write!(o, "<span class=\"tag\">{}</span>", escape(p));
    }
    let _ = write!(
        o,
        "</div>\n<div class=\"msg\">{}</div>\n",
        escape(&f.message)
    );
    let _ = write!(
        o,
        "<div class=\"loc mono\">{}",
        escape(&location_in_target(f, false))
    );
    o.push_str("</div>\n");
    if let Some(l) = layer_line(view, f) {
        let _ = writeln!(o, "<div class=\"loc\">{}</div>", escape(&l));
    }
    if let Location::Layer {
        layer,
        deleted_in: Some(d),
        ..
    } = &f.location
    {
        let _ = writeln!(
            o,
            "<div class=\"kv deleted\">Deleted in layer {d} — still extractable from layer {layer}</div>"
        );
    }
    if let Location::Source(s) = &f.location {
        if let Some(sn) = view
            .source_for(&s.path)
            .and_then(|src| snippet(src, f, &view.masker))
        {
            o.push_str("<pre class=\"snip\">");
            let mut offset = 0;
            for (i, line) in sn.text.split('\n').enumerate() {
                let (ls, le) = (offset, offset + line.len());
                offset = le + 1;
                let _ = write!(o, "<span class=\"ln\">{}</span>", sn.start_line + i);
                let (a, b) = (sn.span.start.clamp(ls, le), sn.span.end.clamp(ls, le));
                if a < b {
                    let _ = write!(
                        o,
                        "{}<mark>{}</mark>{}",
                        escape(&line[..a - ls]),
                        escape(&line[a - ls..b - ls]),
                        escape(&line[b - ls..])
                    );
                } else {
                    o.push_str(&escape(line));
                }
                o.push('\n');
            }
            o.push_str("</pre>\n");
        }
    }
    if let Some(ev) = &f.evidence {
        let _ = writeln!(
            o,
            "<div class=\"kv\"><b>Evidence</b><code>{}</code> <span class=\"tag\">{} chars · sha256 {}</span></div>",
            escape(&ev.value),
            ev.length,
            escape(&ev.sha256)
        );
    }
    if let Some(v) = &f.vulnerability {
        let mut ids = vec![v.id.clone()];
        ids.extend(v.aliases.iter().cloned());
        let _ = writeln!(
            o,
            "<div class=\"kv\"><b>Vulnerability</b>{} in {} {} ({})</div>",
            escape(&ids.join(", ")),
            escape(&v.package),
            escape(&v.installed_version),
            escape(&v.ecosystem)
        );
    }
    if let Some(fix) = fix_text(f) {
        let _ = writeln!(o, "<div class=\"kv\"><b>Fix</b>{}</div>", escape(&fix));
    }
    if let Some(m) = meta {
        let _ = writeln!(
            o,
            "<details class=\"explain\"><summary>Why it matters and how to fix it ({})</summary><pre>{}</pre></details>",
            escape(m.id),
            escape(m.explanation.trim())
        );
    }
    o.push_str("</div>\n");
}

pub fn render(view: &View, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let r = view.report;
    let s = &view.summary;
    let mut o = String::with_capacity(64 * 1024);
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // No network: even a stray URL in scanned text cannot load anything.
    o.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n");
    let _ = writeln!(
        o,
        "<title>drydock report — {}</title>",
        escape(&r.scan_date)
    );
    let _ = writeln!(o, "<style>{CSS}</style>\n</head>\n<body>");
    let failed = s.failing > 0 || !r.errors.is_empty();
    let _ = writeln!(
        o,
        "<header><h1>drydock</h1><div class=\"meta\">version {} · scan date {} · fail on {} · {} target{}</div><div class=\"verdict {}\">{}</div></header>",
        escape(r.tool_version),
        escape(&r.scan_date),
        r.fail_on_str(),
        r.targets.len(),
        crate::util::plural(r.targets.len()),
        if failed { "fail" } else { "pass" },
        escape(&view.verdict())
    );
    o.push_str("<main>\n<div class=\"toolbar\">");
    for sev in Severity::ALL {
        let _ = write!(
            o,
            "<button class=\"chip on sev-{sev}\" data-sev=\"{sev}\" title=\"show/hide {sev}\">{sev}<span class=\"n\">{}</span></button>",
            s.count(sev)
        );
    }
    let cats: BTreeSet<Category> = view.findings().map(|f| f.category).collect();
    o.push_str(
        "<select id=\"cat\" aria-label=\"category\"><option value=\"\">all categories</option>",
    );
    for c in cats {
        let _ = write!(o, "<option value=\"{c}\">{c}</option>");
    }
    o.push_str("</select><input id=\"q\" type=\"search\" placeholder=\"filter text: rule, path, message…\" aria-label=\"filter\"><span class=\"count\" id=\"count\"></span></div>\n");

    for w in view.warnings(opts) {
        let _ = writeln!(
            o,
            "<div class=\"banner warn\">{}</div>",
            escape(&w.to_string())
        );
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
    for g in &view.groups {
        let kind = g.kind();
        let _ = writeln!(
            o,
            "<section class=\"target\"><h2><span class=\"kind\">{kind}</span><span class=\"mono\">{}</span><span class=\"tcount\"></span></h2>",
            escape(&g.label())
        );
        if let Some(Target::Image { summary, .. }) = &g.target {
            let layers = summary
                .layers
                .iter()
                .filter(|l| l.layer_index().is_some())
                .count();
            let mut facts: Vec<(&str, String)> = Vec::new();
            if let Some(os) = &summary.os {
                facts.push(("OS", os.clone()));
            }
            if let Some(p) = &summary.platform {
                facts.push(("Platform", p.clone()));
            }
            facts.push((
                "Size",
                format!("{} in {layers} layers", human_size(summary.size)),
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
            }
            o.push_str("<dl class=\"facts\">");
            for (k, v) in facts {
                let _ = write!(o, "<div><dt>{k}</dt><dd>{}</dd></div>", escape(&v));
            }
            o.push_str("</dl>\n");
            if !summary.layers.is_empty() {
                let _ = write!(
                    o,
                    "<details class=\"layers\"><summary>History: {} entries, {layers} layers</summary><table class=\"history\"><tr><th>Layer</th><th>Digest</th><th>Size</th><th>Created by</th></tr>",
                    summary.layers.len()
                );
                for l in &summary.layers {
                    let _ = write!(
                        o,
                        "<tr{}><td>{}</td><td class=\"mono\">{}</td><td>{}</td><td class=\"cmd mono\">{}</td></tr>",
                        if l.layer_index().is_none() { " class=\"empty\"" } else { "" },
                        l.layer_index().map_or_else(|| "–".into(), |i| i.to_string()),
                        escape(&l.digest.as_deref().filter(|_| l.layer_index().is_some()).map(short_digest).unwrap_or_default()),
                        human_size(l.size),
                        escape(&l.created_by.as_deref().map(instruction_of).unwrap_or_default())
                    );
                }
                o.push_str("</table></details>\n");
            }
        }
        if g.findings.is_empty() {
            o.push_str("<div class=\"none\">No findings.</div>\n");
        }
        // Most severe first; the sort is stable, so location order holds within a severity.
        let mut fs: Vec<&Finding> = g.findings.iter().collect();
        fs.sort_by_key(|f| std::cmp::Reverse(f.severity));
        for f in fs {
            finding_html(view, f, &mut o);
        }
        o.push_str("</section>\n");
    }
    let _ = writeln!(
        o,
        "</main>\n<footer>{} · generated by drydock {} · run <code>drydock explain RULE</code> for any rule</footer>\n<script>{JS}</script>\n</body>\n</html>",
        escape(&view.totals()),
        escape(r.tool_version)
    );
    out.write_all(o.as_bytes())
}

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
}
