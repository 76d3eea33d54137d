//! What a registry holds: the distribution API's catalog (`GET /v2/_catalog`) and tag lists
//! (`GET /v2/<name>/tags/list`), both paginated with `n=` and followed through
//! `Link: <…>; rel="next"` headers (distribution spec, "Listing Repositories" / "Listing
//! Tags"). Used by `drydock registry list` to turn a registry into a targets file.

use super::client::{header, read_limited, status_error, Client};
use super::{fetch_manifest, RegistryError, RegistryOptions};

/// One page of a catalog or tag list is read in memory; registries answer a few KiB.
const MAX_PAGE_BYTES: u64 = 16 << 20;
/// A registry that keeps answering with a next page forever is cut off here.
const MAX_PAGES: usize = 100_000;

/// `REGISTRY[/PREFIX]` as given to `drydock registry list`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogTarget {
    /// Host and optional port, as references name it (`localhost:5000`, `ghcr.io`).
    pub registry: String,
    /// Only repositories equal to this or below it (`team/` is `team`); empty = all.
    pub prefix: String,
}

impl CatalogTarget {
    pub fn parse(spec: &str) -> Result<CatalogTarget, RegistryError> {
        let s = spec.trim().trim_start_matches("docker://");
        let s = s.trim_end_matches('/');
        let (registry, prefix) = s.split_once('/').unwrap_or((s, ""));
        let bad = |why: &str| RegistryError::BadReference(format!("`{spec}`: {why}"));
        if registry.is_empty() {
            return Err(bad("expected REGISTRY[/PREFIX], e.g. localhost:5000/team"));
        }
        if registry
            .bytes()
            .any(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')))
        {
            return Err(bad("malformed registry host"));
        }
        if prefix.contains("//") || prefix.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(bad(
                "malformed repository prefix (lowercase path components)",
            ));
        }
        Ok(CatalogTarget {
            registry: registry.to_string(),
            prefix: prefix.to_string(),
        })
    }

    fn api_host(&self) -> &str {
        match self.registry.as_str() {
            drydock_core::imageref::DOCKER_HUB | "index.docker.io" => "registry-1.docker.io",
            r => r,
        }
    }

    fn wants(&self, repository: &str) -> bool {
        self.prefix.is_empty()
            || repository == self.prefix
            || repository
                .strip_prefix(&self.prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    }
}

/// How to list.
#[derive(Clone, Debug)]
pub struct ListOptions {
    /// `n=` of each request (registries may answer with fewer).
    pub page_size: u32,
    /// Resolve each tag to its manifest digest (`registry/repo:tag@sha256:…`).
    pub digests: bool,
}

impl Default for ListOptions {
    fn default() -> Self {
        ListOptions {
            page_size: 1000,
            digests: false,
        }
    }
}

/// Every `registry/repository:tag` (with `@digest` when asked) below the target, repositories
/// in catalog order and tags in the registry's order.
pub fn list(
    spec: &str,
    opts: &RegistryOptions,
    list: &ListOptions,
) -> Result<Vec<String>, RegistryError> {
    let target = CatalogTarget::parse(spec)?;
    let catalog = Client::new(&target.registry, target.api_host(), "", opts)?;
    catalog.ping()?;
    let mut repos = Vec::new();
    paginate(
        &catalog,
        "/v2/_catalog",
        list.page_size,
        "repositories",
        |names| {
            repos.extend(names.into_iter().filter(|r| target.wants(r)));
        },
    )?;
    // The repositories' clients speak what the ping settled on (plain HTTP after a fallback).
    let repo_opts = RegistryOptions {
        plain_http: opts.plain_http || catalog.origin().starts_with("http://"),
        ..opts.clone()
    };
    let mut out = Vec::new();
    for repo in repos {
        if !valid_repository(&repo) {
            return Err(RegistryError::Invalid {
                what: format!("{} catalog", target.registry),
                reason: format!("repository name {repo:?} is not a valid reference path"),
            });
        }
        // A client per repository: bearer tokens are scoped to one repository.
        let client = Client::new(&target.registry, target.api_host(), &repo, &repo_opts)?;
        let mut tags = Vec::new();
        paginate(
            &client,
            &format!("/v2/{repo}/tags/list"),
            list.page_size,
            "tags",
            |t| tags.extend(t),
        )?;
        for tag in tags {
            if !valid_tag(&tag) {
                return Err(RegistryError::Invalid {
                    what: format!("{}/{repo} tag list", target.registry),
                    reason: format!("tag {tag:?} is not a valid reference tag"),
                });
            }
            let mut line = format!("{}/{repo}:{tag}", target.registry);
            if list.digests {
                let (_, _, digest) = fetch_manifest(&client, &tag, None, 0)?;
                line.push('@');
                line.push_str(&digest);
            }
            out.push(line);
        }
    }
    Ok(out)
}

/// GET `path?n=…`, hand each page's `field` array to `each`, follow `rel="next"` links.
fn paginate(
    client: &Client,
    path: &str,
    page_size: u32,
    field: &str,
    mut each: impl FnMut(Vec<String>),
) -> Result<(), RegistryError> {
    let mut url = client.url(&format!("{path}?n={}", page_size.max(1)))?;
    let mut seen = std::collections::HashSet::new();
    for _ in 0..MAX_PAGES {
        let what = format!("{}{}", client.registry, url.path);
        let resp = client.get(&url, &["application/json"])?;
        let status = resp.status().as_u16();
        if status != 200 {
            return Err(match status_error(&what, resp) {
                RegistryError::NotFound { detail, .. } if field == "repositories" => {
                    RegistryError::NotFound {
                        what: format!("{}: the catalog API (/v2/_catalog)", client.registry),
                        detail: if detail.is_empty() {
                            "the registry does not offer it".into()
                        } else {
                            detail
                        },
                    }
                }
                e => e,
            });
        }
        let next = header(&resp, "link").and_then(|l| next_link(&l));
        let body = read_limited(resp, MAX_PAGE_BYTES, &what)?;
        let v: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| RegistryError::Invalid {
                what: what.clone(),
                reason: format!("not a registry's JSON answer: {e}"),
            })?;
        // `"tags": null` is what registries answer for a repository whose tags were deleted.
        let items = match v.get(field) {
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| RegistryError::Invalid {
                            what: what.clone(),
                            reason: format!("`{field}` holds a non-string"),
                        })
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(serde_json::Value::Null) => Vec::new(),
            _ => {
                return Err(RegistryError::Invalid {
                    what,
                    reason: format!("no `{field}` array: not a registry's catalog answer"),
                })
            }
        };
        each(items);
        let Some(link) = next else { return Ok(()) };
        let next_url = url.join(&link).ok_or_else(|| RegistryError::Invalid {
            what: what.clone(),
            reason: format!("unusable next-page link {link:?}"),
        })?;
        // Credentials go to the registry's own origin only; a loop would never end.
        if next_url.origin() != url.origin() {
            return Err(RegistryError::Invalid {
                what,
                reason: format!("next-page link to another origin ({next_url}) refused"),
            });
        }
        if !seen.insert(next_url.path.clone()) {
            return Err(RegistryError::Invalid {
                what,
                reason: format!("next-page links loop back to {}", next_url.path),
            });
        }
        url = next_url;
    }
    Err(RegistryError::Invalid {
        what: format!("{}{path}", client.registry),
        reason: format!("more than {MAX_PAGES} pages"),
    })
}

/// The target of the `rel="next"` entry of a `Link` header (RFC 8288), as written.
pub fn next_link(header: &str) -> Option<String> {
    for part in split_links(header) {
        let part = part.trim();
        let Some(rest) = part.strip_prefix('<') else {
            continue;
        };
        let Some((target, params)) = rest.split_once('>') else {
            continue;
        };
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            p.split_once('=').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("rel")
                    && v.trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
            })
        });
        if is_next {
            return Some(target.to_string());
        }
    }
    None
}

/// Split at the commas between link values (not those inside `<…>` or quotes).
fn split_links(h: &str) -> Vec<&str> {
    let (mut out, mut start, mut angle, mut quote) = (Vec::new(), 0, false, false);
    for (i, c) in h.char_indices() {
        match c {
            '<' if !quote => angle = true,
            '>' if !quote => angle = false,
            '"' if !angle => quote = !quote,
            ',' if !angle && !quote => {
                out.push(&h[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&h[start..]);
    out
}

fn valid_repository(r: &str) -> bool {
    !r.is_empty()
        && r.split('/').all(|c| {
            !c.is_empty()
                && c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
                && c.as_bytes()[0].is_ascii_alphanumeric()
        })
}

fn valid_tag(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 128
        && (t.as_bytes()[0].is_ascii_alphanumeric() || t.as_bytes()[0] == b'_')
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_as_registries_write_them() {
        assert_eq!(
            next_link(r#"</v2/_catalog?last=b&n=2>; rel="next""#).as_deref(),
            Some("/v2/_catalog?last=b&n=2")
        );
        assert_eq!(
            next_link(r#"<https://r.example/x?a=1,2>; rel="prev", </v2/t/tags/list?n=1&last=v1>; rel=next"#)
                .as_deref(),
            Some("/v2/t/tags/list?n=1&last=v1")
        );
        assert_eq!(next_link(r#"</v2/_catalog?last=b>; rel="prev""#), None);
        assert_eq!(next_link("garbage"), None);
    }

    #[test]
    fn targets_and_prefixes() {
        let t = CatalogTarget::parse("localhost:5000/team/").unwrap();
        assert_eq!(t.registry, "localhost:5000");
        assert_eq!(t.prefix, "team");
        assert!(t.wants("team"));
        assert!(t.wants("team/app"));
        assert!(!t.wants("teamster/app"));
        assert!(CatalogTarget::parse("").is_err());
        assert!(CatalogTarget::parse("bad host!/x").is_err());
        assert!(CatalogTarget::parse("r.io/Team").is_err());
        assert!(CatalogTarget::parse("r.io")
            .unwrap()
            .wants("anything/at/all"));
    }

    #[test]
    fn names_are_checked_before_they_become_targets() {
        assert!(valid_repository("team/app-1"));
        assert!(!valid_repository("../etc"));
        assert!(!valid_repository("a//b"));
        assert!(valid_tag("v1.2_3-rc"));
        assert!(!valid_tag("-x"));
        assert!(!valid_tag("a b"));
    }
}
