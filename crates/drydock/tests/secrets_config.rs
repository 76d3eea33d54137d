//! User secret rules written inline in `drydock.toml` (`[[secrets.rules]]`): used by
//! `drydock secrets` and `drydock scan`, checked like rules files (exit 2 with a one-line
//! error naming the config file and the rule).

mod support;

use support::{by_rule, drydock, json_of, write};

/// A company-internal token format, as a user would declare it.
const RULE: &str = r#"
[[secrets.rules]]
id = "acme-deploy-token"
name = "Acme deploy token"
category = "internal"
severity = "high"
confidence = "high"
keywords = ["acmedt_"]
pattern = 'acmedt_(?P<secret>[A-Za-z0-9]{32})\b'
entropy = 3.5
examples = ["ACME=acmedt_Qm3vR8xT2kLp9sWz4NcY7bHf1JdG6aEu"]
negative-examples = ["acmedt_short", { text = "acmedt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }]
"#;

const TOKEN: &str = "acmedt_Zr4Kq9LmW2xN7vPb3TyH8cJf5GdS1eQa";

fn findings_of(v: &serde_json::Value, rule: &str) -> usize {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule || f["rule"] == rule || f["id"] == rule)
        .count()
}

#[test]
fn inline_rule_is_used_by_secrets_and_scan() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "drydock.toml", RULE);
    write(dir.path(), "app/deploy.env", &format!("DEPLOY={TOKEN}\n"));
    let out = drydock()
        .args(["secrets", "--format", "json", "--fail-on", "none"])
        .arg(dir.path().join("app"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out.stdout);
    assert_eq!(findings_of(&v, "acme-deploy-token"), 1, "{v}");
    // Redacted like every secret.
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&TOKEN[7..]));

    // `drydock scan` of the directory: the build context beside the Dockerfile is scanned
    // with the same user rules.
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\nCOPY app /app\n",
    );
    let out = drydock()
        .args(["scan", "--format", "json", "--fail-on", "none"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out.stdout);
    assert_eq!(findings_of(&v, "acme-deploy-token"), 1, "{v}");

    // The Dockerfile's own instructions use the user's rules too.
    write(
        dir.path(),
        "Dockerfile",
        &format!("FROM alpine:3.20\nENV DEPLOY={TOKEN}\nUSER app\n"),
    );
    let out = drydock()
        .args([
            "scan",
            "--no-build-context",
            "--format",
            "json",
            "--fail-on",
            "none",
        ])
        .arg(dir.path().join("Dockerfile"))
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    let df001 = by_rule(&v, "DF001");
    assert_eq!(df001.len(), 1, "{v}");
    assert!(
        df001[0]["message"]
            .as_str()
            .unwrap()
            .contains("Acme deploy token"),
        "{v}"
    );

    // And so do image scans: a layer file, and a build argument in the history.
    let image = dir.path().join("image");
    let layer = support::tar_of(&[("app/deploy.env", format!("DEPLOY={TOKEN}\n").as_bytes())]);
    support::oci_layout(
        &image,
        &[layer],
        serde_json::json!([{"created_by": format!("|1 DEPLOY={TOKEN} /bin/sh -c make")}]),
        serde_json::json!({}),
    );
    let out = drydock()
        .current_dir(dir.path())
        .args([
            "scan",
            "--no-vulns",
            "--format",
            "json",
            "--fail-on",
            "none",
        ])
        .arg(format!("oci:{}", image.display()))
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    let hits: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap_or("")
                .contains("Acme deploy token")
        })
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(hits.contains(&"IM001".to_string()), "{v}");
    assert!(hits.contains(&"IM007".to_string()), "{v}");
    // The build argument is redacted in the layer's `created_by` too.
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&TOKEN[7..]));

    // And Compose files (RT016): `DEPLOY` is not a secret-looking name, so only the user's
    // rule can recognise the value.
    let compose = write(
        dir.path(),
        "compose.yaml",
        &format!(
            "services:\n  web:\n    image: nginx:1.27\n    environment:\n      DEPLOY: {TOKEN}\n"
        ),
    );
    let out = drydock()
        .args(["scan", "--format", "json", "--fail-on", "none"])
        .arg(&compose)
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    let rt016 = by_rule(&v, "RT016");
    assert_eq!(rt016.len(), 1, "{v}");
    assert!(
        rt016[0]["message"]
            .as_str()
            .unwrap()
            .contains("Acme deploy token"),
        "{v}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&TOKEN[7..]));

    // Without the config the built-in rules do not know this format.
    let out = drydock()
        .args(["secrets", "--format", "json", "--fail-on", "none"])
        .arg("--config")
        .arg(write(dir.path(), "empty.toml", ""))
        .arg(dir.path().join("app"))
        .output()
        .unwrap();
    assert_eq!(findings_of(&json_of(&out.stdout), "acme-deploy-token"), 0);
}

/// Run `drydock secrets` with `config` and return (exit code, stderr).
fn secrets_with(config: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "drydock.toml", config);
    write(dir.path(), "a.txt", "nothing here\n");
    let out = drydock()
        .args(["secrets", "--format", "json"])
        .arg(dir.path().join("a.txt"))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_one_line_error(config: &str, wanted: &[&str]) {
    let (code, err) = secrets_with(config);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one-line error: {err}");
    for w in wanted {
        assert!(err.contains(w), "error should mention {w:?}: {err}");
    }
}

#[test]
fn inline_rule_without_negative_example_is_an_error() {
    let cfg = RULE.replace(
        "negative-examples = [\"acmedt_short\", { text = \"acmedt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" }]",
        "",
    );
    assert_one_line_error(
        &cfg,
        &["drydock.toml", "acme-deploy-token", "no negative example"],
    );
}

#[test]
fn inline_rule_without_example_is_an_error() {
    let cfg = RULE.replace(
        "examples = [\"ACME=acmedt_Qm3vR8xT2kLp9sWz4NcY7bHf1JdG6aEu\"]",
        "",
    );
    assert_one_line_error(&cfg, &["drydock.toml", "acme-deploy-token", "no example"]);
}

#[test]
fn inline_rule_whose_example_does_not_match_is_an_error() {
    let cfg = RULE.replace("Qm3vR8xT2kLp9sWz4NcY7bHf1JdG6aEu", "too-short");
    assert_one_line_error(
        &cfg,
        &[
            "drydock.toml",
            "acme-deploy-token",
            "example #1 does not match",
        ],
    );
}

#[test]
fn inline_rule_whose_negative_example_matches_is_an_error() {
    let cfg = RULE.replace(
        "\"acmedt_short\"",
        "\"acmedt_Xw2Bn7Rt4Yq9Lp3Mz8Kc6Vd1Hf5Gs0Ja\"",
    );
    assert_one_line_error(
        &cfg,
        &[
            "drydock.toml",
            "acme-deploy-token",
            "negative example #1 matches",
        ],
    );
}

#[test]
fn inline_rule_with_bad_regex_or_duplicate_id_is_an_error() {
    let cfg = RULE.replace("(?P<secret>[A-Za-z0-9]{32})", "(?P<secret>[A-Za-z0-9]{32}");
    assert_one_line_error(
        &cfg,
        &["drydock.toml", "acme-deploy-token", "does not compile"],
    );
    let cfg = RULE.replace("acme-deploy-token", "github-pat-classic");
    assert_one_line_error(&cfg, &["github-pat-classic", "defined twice"]);
    // Unknown fields are rejected with the line they are on.
    let cfg = RULE.replace("entropy = 3.5", "entropy = 3.5\nkeyword = [\"x\"]");
    assert_one_line_error(&cfg, &["drydock.toml:", "keyword"]);
}

#[test]
fn inline_rules_and_rules_file_together() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "rules/extra.yaml",
        r#"rules:
- id: acme-file-token
  name: Acme file token
  category: internal
  severity: medium
  confidence: high
  keywords: [acmeft_]
  pattern: 'acmeft_(?P<secret>[A-Za-z0-9]{24})\b'
  examples: [acmeft_Hq3Wn8Zr2Lk7Vb4Tx9Mc5Jp1]
  negative_examples: [acmeft_short]
"#,
    );
    write(
        dir.path(),
        "drydock.toml",
        &format!("[secrets]\nrules-file = \"rules/extra.yaml\"\n{RULE}"),
    );
    write(
        dir.path(),
        "src/both.txt",
        &format!("a={TOKEN}\nb=acmeft_Gd8Ks3Pw6Yn1Rb9Lx4Tq7Hc2\n"),
    );
    let out = drydock()
        .args(["secrets", "--format", "json", "--fail-on", "none"])
        .arg(dir.path().join("src"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out.stdout);
    assert_eq!(findings_of(&v, "acme-deploy-token"), 1, "{v}");
    assert_eq!(findings_of(&v, "acme-file-token"), 1, "{v}");
}
