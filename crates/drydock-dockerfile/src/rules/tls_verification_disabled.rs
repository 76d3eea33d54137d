//! DF025 `tls-verification-disabled`: TLS certificate verification is switched off in RUN

use super::prelude::*;

pub struct TlsVerificationDisabled;

pub const META: RuleMeta = RuleMeta {
    id: "DF025",
    name: "tls-verification-disabled",
    target: Target::Dockerfile,
    category: Category::SupplyChain,
    severity: Severity::High,
    title: "TLS certificate verification is switched off in RUN",
    explanation: r##"## Why is this bad?
`curl -k`, `wget --no-check-certificate`, `pip --trusted-host`, `npm/yarn strict-ssl
false`, `git -c http.sslVerify=false`, yum/dnf `--setopt=sslverify=false` (also saved with
`yum-config-manager --save`) and similar accept any certificate: anyone on the
network path (a proxy, a hijacked Wi-Fi, a compromised CI network) can serve modified
packages or scripts, and the build will install them. Settings written with `config set`
also persist in the image for every later command and user.

## How to fix
Remove the switch. If a corporate proxy re-signs TLS, add its CA certificate to the
image's trust store (`COPY corp-ca.crt /usr/local/share/ca-certificates/ && update-ca-certificates`)
or point the tool at it (`--cacert`, `PIP_CERT`, `NODE_EXTRA_CA_CERTS`).

## Example
```dockerfile
# Before
RUN curl -k https://example.com/tool.tgz -o /tmp/tool.tgz
RUN pip install --trusted-host pypi.org --trusted-host files.pythonhosted.org app

# After
COPY corp-ca.crt /usr/local/share/ca-certificates/corp-ca.crt
RUN update-ca-certificates && curl -fsSL https://example.com/tool.tgz -o /tmp/tool.tgz
RUN pip install app
```

## References
- CIS Docker Benchmark 4.11: Ensure only verified packages are installed
- https://curl.se/docs/sslcerts.html
- https://pip.pypa.io/en/stable/topics/https-certificates/
- https://docs.npmjs.com/cli/v10/using-npm/config#strict-ssl
"##,
    references: &[
        "https://curl.se/docs/sslcerts.html",
        "https://pip.pypa.io/en/stable/topics/https-certificates/",
        "https://docs.npmjs.com/cli/v10/using-npm/config#strict-ssl",
    ],
    equivalents: &[
        "checkov:CKV2_DOCKER_13",
        "checkov:CKV2_DOCKER_15",
        "checkov:CKV2_DOCKER_2",
        "checkov:CKV2_DOCKER_3",
        "checkov:CKV2_DOCKER_4",
    ],
    default_enabled: true,
};

impl Rule for TlsVerificationDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (_, script, c) in cx.commands() {
            let name = c.name();
            let args = c.args();
            let mut hit: Option<(&Word, String)> = None;
            match name {
                "curl" => {
                    if let Some(w) = c.find_flag("-k").or_else(|| c.find_flag("--insecure")) {
                        hit = Some((
                            w,
                            "`curl -k/--insecure` disables TLS certificate verification".into(),
                        ));
                    }
                }
                "wget" => {
                    if let Some(w) = c.find_flag("--no-check-certificate") {
                        hit = Some((
                            w,
                            "`wget --no-check-certificate` disables TLS certificate verification"
                                .into(),
                        ));
                    }
                }
                "git" => {
                    if let Some(w) = args.iter().find(|w| is_ssl_verify_off(&w.text)) {
                        hit = Some((
                            w,
                            "`git -c http.sslVerify=false` disables TLS certificate verification"
                                .into(),
                        ));
                    } else if let Some(k) = args
                        .iter()
                        .position(|w| w.text.eq_ignore_ascii_case("http.sslverify"))
                    {
                        if args.get(k + 1).is_some_and(|v| is_false(&v.text)) {
                            hit = Some((&args[k], "`git config http.sslVerify false` disables TLS certificate verification for every later git command".into()));
                        }
                    }
                }
                "npm" | "yarn" | "pnpm" => {
                    if let Some(w) = args.iter().find(|w| {
                        let t = w.text.to_ascii_lowercase();
                        t == "--strict-ssl=false" || t == "--no-strict-ssl"
                    }) {
                        hit = Some((
                            w,
                            format!(
                                "`{name} --strict-ssl=false` disables TLS certificate verification"
                            ),
                        ));
                    } else if let Some(k) = args.iter().position(|w| {
                        let t = w.text.to_ascii_lowercase();
                        t == "strict-ssl" || t == "enablestrictssl"
                    }) {
                        if args.get(k + 1).is_some_and(|v| is_false(&v.text)) {
                            hit = Some((&args[k], format!("`{name} config set strict-ssl false` disables TLS certificate verification")));
                        }
                    }
                }
                "composer" => {
                    if let Some(k) = args
                        .iter()
                        .position(|w| w.text == "disable-tls" || w.text == "secure-http")
                    {
                        let v = args.get(k + 1).map(|v| v.text.as_str()).unwrap_or("");
                        if (args[k].text == "disable-tls" && !is_false(v))
                            || (args[k].text == "secure-http" && is_false(v))
                        {
                            hit = Some((
                                &args[k],
                                "`composer config` turns off TLS for package downloads".into(),
                            ));
                        }
                    }
                }
                "conda" | "mamba" | "micromamba" => {
                    if let Some(k) = args.iter().position(|w| w.text == "ssl_verify") {
                        if args.get(k + 1).is_some_and(|v| is_false(&v.text)) {
                            hit = Some((&args[k], format!("`{name} config --set ssl_verify false` disables TLS certificate verification")));
                        }
                    }
                }
                // yum/dnf repository option `sslverify`, set for one command or saved by
                // `yum-config-manager --save` / `dnf config-manager --save`.
                "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf" | "yum-config-manager" => {
                    let mut prev_setopt = false;
                    for w in args {
                        let t = w.text.to_ascii_lowercase();
                        let opt = t
                            .strip_prefix("--setopt=")
                            .or(prev_setopt.then_some(t.as_str()));
                        prev_setopt = t == "--setopt";
                        if let Some((k, v)) = opt.and_then(|o| o.split_once('=')) {
                            if (k == "sslverify" || k.ends_with(".sslverify")) && is_false(v) {
                                hit = Some((
                                    w,
                                    format!("`{name} --setopt={k}={v}` disables TLS certificate verification for package downloads"),
                                ));
                                break;
                            }
                        }
                    }
                }
                _ => {}
            }
            if hit.is_none() {
                if let Some(p) = package_command(c) {
                    let (pm, sub, rest) = (p.pm, p.sub.as_str(), &p.operands);
                    if pm == "pip" {
                        let all = c.args();
                        if let Some(w) = all.iter().find(|w| {
                            w.text == "--trusted-host" || w.text.starts_with("--trusted-host=")
                        }) {
                            hit = Some((w, "`pip --trusted-host` accepts that host without a valid TLS certificate".into()));
                        } else if sub == "config"
                            && rest.iter().any(|w| w.text.ends_with(".trusted-host"))
                        {
                            hit = Some((rest[0], "`pip config set global.trusted-host` accepts hosts without a valid TLS certificate".into()));
                        }
                    }
                }
            }
            if let Some((w, msg)) = hit {
                out.push(
                    cx.finding(&META, script.word_span(w), msg)
                        .with_fix("Remove the switch; if a proxy re-signs TLS, install its CA certificate (update-ca-certificates) or pass it with --cacert / PIP_CERT / NODE_EXTRA_CA_CERTS"),
                );
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

fn is_ssl_verify_off(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    l.strip_prefix("http.sslverify=").is_some_and(is_false)
}
