//! Help and documentation teach habits that work: every command's help has Examples, and
//! every rule id or name that help texts and docs mention exists in the rule registry.

mod support;

use regex::Regex;
use std::collections::BTreeSet;
use std::path::Path;
use support::{drydock, json_of};

const SUBCOMMANDS: &[&[&str]] = &[
    &[],
    &["scan"],
    &["fix"],
    &["secrets"],
    &["parse"],
    &["rules"],
    &["explain"],
    &["sbom"],
    &["db"],
    &["cache"],
    &["ignore"],
    &["registry"],
    &["registry", "list"],
];

fn help(args: &[&str]) -> String {
    let out = drydock().args(args).arg("--help").output().unwrap();
    assert!(out.status.success(), "{args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct Registry {
    ids: BTreeSet<String>,
    names: BTreeSet<String>,
    categories: BTreeSet<String>,
}

impl Registry {
    fn load() -> Registry {
        let out = drydock().args(["rules", "-f", "json"]).output().unwrap();
        let v = json_of(&out.stdout);
        let list = v
            .as_array()
            .or_else(|| v["rules"].as_array())
            .unwrap()
            .clone();
        let get = |k: &str| -> BTreeSet<String> {
            list.iter()
                .filter_map(|r| r[k].as_str().map(String::from))
                .collect()
        };
        Registry {
            ids: get("id"),
            names: get("name"),
            categories: get("category"),
        }
    }

    /// What `--select`/`--ignore` accept: id, name, category, id prefix or ALL.
    fn selector_exists(&self, s: &str) -> bool {
        s.eq_ignore_ascii_case("ALL")
            || self.ids.contains(s)
            || self.names.contains(s)
            || self.categories.contains(s)
            || self
                .ids
                .iter()
                .any(|id| id.starts_with(s) && s.len() < id.len())
    }
}

#[test]
fn every_command_help_has_examples() {
    for args in SUBCOMMANDS {
        let h = help(args);
        assert!(
            h.contains("Examples:\n"),
            "`drydock {}` --help has no Examples",
            args.join(" ")
        );
    }
}

/// Rule references in `text`, with what kind of reference each is.
fn references(text: &str, prefixes: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    // Ids: DF014, IM017, …: must be exact rule ids.
    let id = Regex::new(&format!(r"\b(?:{prefixes})\d{{3}}\b")).unwrap();
    out.extend(id.find_iter(text).map(|m| (m.as_str().to_string(), true)));
    // Names and selectors where a rule is expected.
    let explain = Regex::new(r"drydock explain ([A-Za-z0-9-]+)").unwrap();
    let flag = Regex::new(r"--(?:select|ignore)[ =]([A-Za-z0-9,-]+)").unwrap();
    let toml = Regex::new(r#"(?m)^\s*(?:select|ignore)\s*=\s*\[([^\]]*)\]"#).unwrap();
    let yaml_rule = Regex::new(r"(?m)^\s*-?\s*rule:\s*([A-Za-z0-9-]+)").unwrap();
    let prose = Regex::new(
        r"(?i:rule (?:id or )?names?)[\s#]*[(`](?:[A-Z]+\d+,\s*)?([a-z0-9]+(?:-[a-z0-9]+)+)",
    )
    .unwrap();
    for re in [&explain, &flag, &yaml_rule, &prose] {
        for c in re.captures_iter(text) {
            for s in c[1].split(',').filter(|s| !s.is_empty()) {
                out.push((s.to_string(), false));
            }
        }
    }
    for c in toml.captures_iter(text) {
        for s in c[1].split(',') {
            let s = s.trim().trim_matches('"').trim_matches('\'');
            if !s.is_empty() {
                out.push((s.to_string(), false));
            }
        }
    }
    out
}

#[test]
fn rule_ids_and_names_in_help_and_docs_exist() {
    let reg = Registry::load();
    let prefixes: BTreeSet<String> = reg
        .ids
        .iter()
        .filter_map(|id| {
            let p: String = id.chars().take_while(|c| c.is_ascii_uppercase()).collect();
            (p.len() >= 2 && id.len() == p.len() + 3).then_some(p)
        })
        .collect();
    let prefixes = prefixes.into_iter().collect::<Vec<_>>().join("|");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut texts: Vec<(String, String)> = SUBCOMMANDS
        .iter()
        .map(|a| (format!("drydock {} --help", a.join(" ")), help(a)))
        .collect();
    for dir in [root.join("docs"), root.clone()] {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "md") {
                texts.push((
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                ));
            }
        }
    }
    let topics: BTreeSet<String> = std::fs::read_dir(root.join("crates/drydock/topics"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            Some(p.file_stem()?.to_str()?.to_string())
        })
        .collect();
    const FOREIGN: [&str; 5] = ["DL", "DS", "KSV", "CKV", "AVD-"];
    let mut bad = Vec::new();
    let mut checked = 0;
    for (what, text) in &texts {
        for (r, is_id) in references(text, &prefixes) {
            // Metavariables of usage lines (`drydock explain RULE`), and the docs' example of
            // an unknown id.
            if ["RULE", "RULES", "ID", "NAME", "TOPIC", "RT999"].contains(&r.as_str()) {
                continue;
            }
            // `drydock explain` also takes beginner topics (crates/drydock/topics/*.md) and
            // other tools' ids (docs/migration.md; their mapping is tested in migration.rs).
            if topics.contains(&r) || FOREIGN.iter().any(|p| r.starts_with(p)) {
                continue;
            }
            checked += 1;
            let ok = if is_id {
                reg.ids.contains(&r)
            } else {
                reg.selector_exists(&r)
            };
            if !ok {
                bad.push(format!("{what}: `{r}`"));
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} references found: is the scan broken?"
    );
    assert!(
        bad.is_empty(),
        "unknown rules referenced:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_reference_scan_catches_a_wrong_name() {
    let refs = references(
        "Rule id or name (DF001, old-name). ids (DF001), rule names\n# (final-stage-root), or `drydock explain no-such`\nselect = [\"DF\", 'bogus-rule']\n--ignore DF999\n- rule: nope-rule\n",
        "DF",
    );
    let names: Vec<&str> = refs.iter().map(|r| r.0.as_str()).collect();
    for want in [
        "old-name",
        "DF001",
        "final-stage-root",
        "no-such",
        "DF",
        "bogus-rule",
        "DF999",
        "nope-rule",
    ] {
        assert!(names.contains(&want), "{want} not extracted from {names:?}");
    }
}
