//! The SARIF output validates against the official SARIF 2.1.0 schema from ../shared/schemas
//! and follows GitHub code scanning's conventions.

mod common;

use drydock_report::{Format, RenderOptions};
use serde_json::Value;
use std::path::Path;

fn schema() -> Option<Value> {
    // A worktree checkout sits deeper than ../shared: DRYDOCK_SARIF_SCHEMA names the file.
    let env = std::env::var_os("DRYDOCK_SARIF_SCHEMA").map(std::path::PathBuf::from);
    let default = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/schemas/sarif-2.1.0.json"
    ));
    let p = env.as_deref().unwrap_or(default);
    if !p.exists() {
        if drydock_core::env::require_integration() {
            panic!(
                "{} is missing and DRYDOCK_REQUIRE_INTEGRATION=1",
                p.display()
            );
        }
        eprintln!(
            "\n!!!! SKIPPED: SARIF schema validation: {} not found (../shared missing) !!!!\n",
            p.display()
        );
        return None;
    }
    Some(serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
}

fn sarif() -> Value {
    let s = render_to_string(Format::Sarif, &common::sample(), &RenderOptions::default());
    serde_json::from_str(&s).unwrap()
}

#[test]
fn validates_against_official_schema() {
    let Some(schema) = schema() else { return };
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("SARIF schema compiles");
    let doc = sarif();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
    // Awkward paths (absolute, spaces, `:`, `%`, non-ASCII, quotes) still give valid URIs.
    let mut report = common::sample();
    for (i, path) in [
        "/abs/path with space/Dockerfile",
        "ctx/we\"ird,na:me%<b>ü.txt",
        "C:\\x",
    ]
    .iter()
    .enumerate()
    {
        report.findings.push(drydock_core::Finding::new(
            format!("ZZ{i}"),
            drydock_core::Severity::Low,
            drydock_core::Category::BestPractice,
            "m",
            drydock_core::Location::Source(drydock_core::SourceSpan {
                path: path.to_string(),
                start_line: 1,
                end_line: 1,
                start_column: 1,
                end_column: 1,
            }),
        ));
    }
    // A fixable finding: `fixes[]` with an insertion and a replacement.
    let mut fixable = drydock_core::Finding::new(
        "ZZFIX",
        drydock_core::Severity::Low,
        drydock_core::Category::Efficiency,
        "apt-get install without --no-install-recommends",
        drydock_core::Location::Source(drydock_core::SourceSpan {
            path: "app/Dockerfile".into(),
            start_line: 2,
            end_line: 2,
            start_column: 5,
            end_column: 11,
        }),
    );
    fixable.autofix = Some(drydock_core::Autofix {
        description: "add `--no-install-recommends`".into(),
        replacements: vec![
            drydock_core::Replacement {
                start_line: 2,
                start_column: 24,
                end_line: 2,
                end_column: 24,
                inserted: " --no-install-recommends".into(),
            },
            drydock_core::Replacement {
                start_line: 3,
                start_column: 1,
                end_line: 3,
                end_column: 4,
                inserted: "COPY".into(),
            },
        ],
    });
    report.findings.push(fixable);
    let awkward: Value = serde_json::from_str(&render_to_string(
        Format::Sarif,
        &report,
        &RenderOptions::default(),
    ))
    .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&awkward)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
    let fixed = awkward["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "ZZFIX")
        .expect("the fixable finding");
    let change = &fixed["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "app/Dockerfile");
    assert_eq!(
        change["replacements"][0]["insertedContent"]["text"],
        " --no-install-recommends"
    );
    assert_eq!(change["replacements"][1]["deletedRegion"]["endColumn"], 4);
    // The validator does reject a broken document (the test can fail).
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
    // Draft-04 validators ignore the schema's `uri-reference` format: check URIs here.
    for d in [&doc, &awkward] {
        for res in d["runs"][0]["results"].as_array().unwrap() {
            let art = &res["locations"][0]["physicalLocation"]["artifactLocation"];
            let uri = art["uri"].as_str().unwrap();
            let parsed =
                fluent_uri::UriRef::parse(uri).unwrap_or_else(|e| panic!("bad URI {uri:?}: {e}"));
            // Relative references must not parse as having a scheme (`app:1.4/…`).
            assert_eq!(parsed.has_scheme(), uri.starts_with("file:///"), "{uri}");
            if uri.starts_with("file:") {
                assert!(art.get("uriBaseId").is_none());
            }
        }
    }
    assert!(fluent_uri::UriRef::parse("has space").is_err());
}

#[test]
fn github_conventions() {
    let doc = sarif();
    let run = &doc["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "drydock");
    assert_eq!(driver["informationUri"], "https://example.com/drydock");
    let rules = driver["rules"].as_array().unwrap();
    for r in rules {
        assert!(r["shortDescription"]["text"].is_string(), "{r}");
        let sev: f64 = r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&sev));
    }
    let df010 = rules.iter().find(|r| r["id"] == "DF010").unwrap();
    assert_eq!(df010["properties"]["security-severity"], "9.5");
    assert_eq!(
        df010["properties"]["tags"],
        serde_json::json!(["secret", "security"])
    );
    assert_eq!(df010["defaultConfiguration"]["level"], "error");
    assert!(df010["help"]["markdown"]
        .as_str()
        .unwrap()
        .contains("## How to fix"));
    assert_eq!(
        df010["fullDescription"]["text"],
        "Anything baked into an image can be read by whoever pulls it. Build arguments show in `docker history`."
    );
    for res in run["results"].as_array().unwrap() {
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        assert!(res["partialFingerprints"]["primaryLocationLineHash"].is_string());
        assert_eq!(
            res["partialFingerprints"]["drydock/v1"]
                .as_str()
                .unwrap()
                .len(),
            32
        );
        let loc = &res["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            !uri.starts_with('/') && !uri.contains(':'),
            "uri must be relative: {uri}"
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    let multi = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "DF020")
        .unwrap();
    assert_eq!(
        multi["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine":5,"startColumn":5,"endLine":6,"endColumn":9})
    );
    let deleted = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "IM010")
        .unwrap();
    assert_eq!(deleted["properties"]["location"]["deleted_in"], 3);
    assert_eq!(
        deleted["locations"][0]["logicalLocations"][0]["name"],
        "app/.env"
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}

fn render_to_string(
    format: Format,
    report: &drydock_report::Report,
    opts: &RenderOptions,
) -> String {
    drydock_report::render_to_string(format, report, opts).expect("rendering into memory")
}
