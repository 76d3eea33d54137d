//! Every rule fires on its positive fixtures — exactly on the lines marked `# <- RTnnn` —
//! and never on the negative fixtures (`*.neg.yaml`, which must be clean). A fixture whose
//! first line is `# rules: RT020 RT013` is about those rules only: other rules' findings
//! in it are not compared (per-rule fixtures need not repeat every other risk).

use drydock_core::{Finding, Location};
use drydock_runtime::{review_file, rule_metas, RuntimeOptions};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixtures(sub: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(sub);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

/// `(line, rule)` pairs from `# <- RT001 RT002` markers.
fn markers(text: &str) -> BTreeSet<(usize, String)> {
    let mut out = BTreeSet::new();
    for (i, l) in text.lines().enumerate() {
        if let Some((_, m)) = l.split_once("# <- ") {
            for r in m.split_whitespace() {
                out.insert((i + 1, r.to_string()));
            }
        }
    }
    out
}

fn line(f: &Finding) -> usize {
    match &f.location {
        Location::Source(s) => s.start_line,
        other => panic!("file finding with non-source location {other:?}"),
    }
}

fn review(p: &Path) -> Vec<Finding> {
    let bytes = std::fs::read(p).unwrap();
    let only: Option<Vec<String>> = String::from_utf8_lossy(&bytes)
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# rules:"))
        .map(|r| r.split_whitespace().map(str::to_string).collect());
    review_file(p, &bytes, &RuntimeOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .findings
        .into_iter()
        .filter(|f| only.as_ref().is_none_or(|o| o.contains(&f.rule)))
        .collect()
}

#[test]
fn positives_fire_exactly_where_marked_and_negatives_are_clean() {
    let mut fired: BTreeSet<String> = BTreeSet::new();
    let mut negatives = 0;
    for sub in ["rules/compose", "rules/k8s"] {
        for p in fixtures(sub) {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let findings = review(&p);
            if name.contains(".neg.") {
                negatives += 1;
                assert!(
                    findings.is_empty(),
                    "{name}: negative fixture has findings:\n{}",
                    findings
                        .iter()
                        .map(|f| format!("{} line {}: {}", f.rule, line(f), f.message))
                        .collect::<Vec<_>>()
                        .join("\n")
                );
                continue;
            }
            let want = markers(&std::fs::read_to_string(&p).unwrap());
            let got: BTreeSet<(usize, String)> =
                findings.iter().map(|f| (line(f), f.rule.clone())).collect();
            let missing: Vec<_> = want.difference(&got).collect();
            let extra: Vec<_> = findings
                .iter()
                .filter(|f| !want.contains(&(line(f), f.rule.clone())))
                .map(|f| format!("{} line {}: {}", f.rule, line(f), f.message))
                .collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{name}: missing {missing:?}\nunexpected:\n{}",
                extra.join("\n")
            );
            fired.extend(got.into_iter().map(|(_, r)| r));
        }
    }
    assert!(negatives >= 2);
    for m in rule_metas() {
        assert!(
            fired.contains(m.id),
            "rule {} has no positive fixture",
            m.id
        );
    }
}

#[test]
fn rules_the_policy_disables_do_not_run() {
    use drydock_core::{Policy, RuleSelector};
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/compose/risky.pos.yaml");
    let bytes = std::fs::read(&p).unwrap();
    let all = review_file(&p, &bytes, &RuntimeOptions::default())
        .unwrap()
        .findings;
    assert!(all.iter().any(|f| f.rule == "RT001"));
    let opts = RuntimeOptions {
        policy: Policy {
            ignore: vec![RuleSelector("RT001".into())],
            ..Policy::default()
        },
        ..Default::default()
    };
    let review = review_file(&p, &bytes, &opts).unwrap();
    assert!(review.rule_failures.is_empty());
    assert!(review.findings.iter().all(|f| f.rule != "RT001"));
    assert_eq!(
        review.findings.len(),
        all.iter().filter(|f| f.rule != "RT001").count()
    );
}
