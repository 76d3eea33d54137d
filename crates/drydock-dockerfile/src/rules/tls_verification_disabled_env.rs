//! DF026 `tls-verification-disabled-env`: An ENV/ARG switches TLS verification off

use super::prelude::*;

pub struct TlsVerificationDisabledEnv;

pub const META: RuleMeta = RuleMeta {
    id: "DF026",
    name: "tls-verification-disabled-env",
    target: Target::Dockerfile,
    category: Category::SupplyChain,
    severity: Severity::High,
    title: "An ENV/ARG switches TLS verification off",
    explanation: r##"## Why is this bad?
`NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY=1`, `GOINSECURE=host`,
`NPM_CONFIG_STRICT_SSL=false`, `PIP_TRUSTED_HOST=…` or an empty `CURL_CA_BUNDLE` make
the tools accept any certificate. As `ENV` they stay in the image and also weaken the
application at run time: every HTTPS call it makes can be intercepted.

## How to fix
Remove the variable. If a private CA is needed, install it into the trust store or point
the tool at it (`NODE_EXTRA_CA_CERTS`, `PIP_CERT`, `REQUESTS_CA_BUNDLE`, `GIT_SSL_CAINFO`).

## Example
```dockerfile
# Before
ENV NODE_TLS_REJECT_UNAUTHORIZED=0

# After
COPY corp-ca.crt /usr/local/share/ca-certificates/
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/corp-ca.crt
```

## References
- CIS Docker Benchmark 4.11: Ensure only verified packages are installed
- https://nodejs.org/api/cli.html#node_tls_reject_unauthorizedvalue
- https://peps.python.org/pep-0493/
- https://git-scm.com/docs/git#Documentation/git.txt-codeGITSSLNOVERIFYcode
"##,
    references: &[
        "https://nodejs.org/api/cli.html#node_tls_reject_unauthorizedvalue",
        "https://peps.python.org/pep-0493/",
        "https://git-scm.com/docs/git#Documentation/git.txt-codeGITSSLNOVERIFYcode",
    ],
    equivalents: &[
        "checkov:CKV2_DOCKER_12",
        "checkov:CKV2_DOCKER_14",
        "checkov:CKV2_DOCKER_16",
        "checkov:CKV2_DOCKER_5",
        "checkov:CKV2_DOCKER_6",
    ],
    default_enabled: true,
};

impl Rule for TlsVerificationDisabledEnv {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.instructions() {
            let pairs: Vec<(&str, String)> = match ins.keyword() {
                "ENV" => kv_pairs(ins)
                    .into_iter()
                    .map(|(k, v)| (k, unq(v)))
                    .collect(),
                "ARG" => arg_decls(ins)
                    .into_iter()
                    .filter_map(|(k, v)| Some((k, unq(v?))))
                    .collect(),
                _ => continue,
            };
            for (k, v) in pairs {
                if let Some(what) = disables_tls(k, &v) {
                    let f = cx
                        .finding(&META, cx.find_span(i, k), format!("{} `{k}={v}` {what}", ins.keyword()))
                        .with_fix("Remove it; trust a private CA with NODE_EXTRA_CA_CERTS / PIP_CERT / REQUESTS_CA_BUNDLE / GIT_SSL_CAINFO instead");
                    out.push(if ins.keyword() == "ARG" {
                        f.with_severity(Severity::Medium)
                    } else {
                        f
                    });
                }
            }
        }
        // `export NODE_TLS_REJECT_UNAUTHORIZED=0` / `GIT_SSL_NO_VERIFY=1 git clone …` in RUN.
        for (_, script, c) in cx.commands() {
            for (k, w) in &c.assignments {
                if let Some(what) = disables_tls(k, &w.text) {
                    out.push(
                        cx.finding(&META, script.span(&(w.range.start.saturating_sub(k.len() + 1)..w.range.end.max(w.range.start + 1))), format!("`{k}={}` {what}", w.text))
                            .with_fix("Remove it; trust a private CA with NODE_EXTRA_CA_CERTS / PIP_CERT / REQUESTS_CA_BUNDLE / GIT_SSL_CAINFO instead"),
                    );
                }
            }
        }
    }
}

fn is_false(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "off"
    )
}

/// What the variable does when it turns verification off.
fn disables_tls(k: &str, v: &str) -> Option<&'static str> {
    let v = v.trim();
    match k.to_ascii_uppercase().as_str() {
        "NODE_TLS_REJECT_UNAUTHORIZED" if v == "0" => {
            Some("makes Node.js accept any TLS certificate")
        }
        "PYTHONHTTPSVERIFY" if v == "0" => {
            Some("turns off HTTPS certificate checks in Python's standard library")
        }
        "GIT_SSL_NO_VERIFY" if !v.is_empty() && !is_false(v) => {
            Some("makes git accept any TLS certificate")
        }
        "NPM_CONFIG_STRICT_SSL" | "YARN_STRICT_SSL" | "YARN_ENABLE_STRICT_SSL" if is_false(v) => {
            Some("makes npm/yarn accept any TLS certificate")
        }
        "PIP_TRUSTED_HOST" if !v.is_empty() && !v.contains('$') => {
            Some("makes pip accept those hosts without a valid certificate")
        }
        // Go fetches these module paths over plain HTTP or without certificate checks.
        "GOINSECURE" if !v.is_empty() && !v.contains('$') => {
            Some("makes go fetch those modules without TLS certificate checks (or over HTTP)")
        }
        "PIP_DISABLE_TLS" | "COMPOSER_DISABLE_TLS" if !v.is_empty() && !is_false(v) => {
            Some("turns TLS off for package downloads")
        }
        _ => None,
    }
}
