//! Matching packages against the advisory database: ecosystem-aware candidate lookup,
//! OSV range evaluation, alias merging and finding construction.
use crate::db::Db;
use crate::ecosystem::{applies, normalize_name};
use crate::error::{Context, Result};
use crate::osv::{Range, StoredAffected};
use crate::package::{Kind, Origin, Package};
use crate::version::Scheme;
use drydock_core::{Confidence, Finding, Location, Severity, VulnerabilityInfo};
use rusqlite::params;
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

#[derive(Clone, Debug, Default)]
pub struct MatchOptions {
    /// Image reference shown in locations.
    pub image: String,
    /// Number of layers that belong to the base image (packages from layers below this
    /// index are marked "from the base image"); `None` when unknown.
    pub base_layers: Option<usize>,
}

/// One advisory row that names the package.
#[derive(Clone, Debug)]
struct Hit {
    id: String,
    aliases: Vec<String>,
    /// OSV `upstream`: the CVEs a distribution advisory (DSA, DEBIAN-CVE, USN) is about.
    upstream: Vec<String>,
    summary: Option<String>,
    cvss: Option<f64>,
    ecosystem: String,
    affected: StoredAffected,
}

/// Is `v` inside one OSV range? Returns `Some(fixed)` when affected, with the `fixed`
/// event closing the interval `v` is in (`None` inside = no fix yet).
fn in_range(scheme: Scheme, range: &Range, v: &str) -> Option<Option<String>> {
    let scheme = if range.kind == "SEMVER" {
        Scheme::SemVer
    } else {
        scheme
    };
    let cmp = |a: &str, b: &str| scheme.compare(a, b);
    // Sort events by version; `introduced: "0"` is below everything.
    let mut ev: Vec<(&str, u8)> = Vec::with_capacity(range.events.len());
    for e in &range.events {
        if let Some(x) = &e.introduced {
            ev.push((x, 0));
        }
        if let Some(x) = &e.fixed {
            ev.push((x, 1));
        }
        if let Some(x) = &e.last_affected {
            ev.push((x, 2));
        }
    }
    let key_cmp = |a: &(&str, u8), b: &(&str, u8)| {
        let za = a.0 == "0" && a.1 == 0;
        let zb = b.0 == "0" && b.1 == 0;
        match (za, zb) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => cmp(a.0, b.0).then(a.1.cmp(&b.1)),
        }
    };
    ev.sort_by(key_cmp);
    let mut affected = false;
    for (i, (x, kind)) in ev.iter().enumerate() {
        match kind {
            0 => {
                if *x == "0" || cmp(v, x) != Ordering::Less {
                    affected = true;
                }
            }
            1 => {
                if cmp(v, x) != Ordering::Less {
                    affected = false;
                } else if affected {
                    return Some(Some(x.to_string()));
                }
            }
            _ => {
                if cmp(v, x) == Ordering::Greater {
                    affected = false;
                } else if affected {
                    return Some(None);
                }
            }
        }
        let _ = i;
    }
    affected.then_some(None)
}

/// Is the package version affected by this advisory entry? `Some(fixed)` if so.
fn affected_by(scheme: Scheme, a: &StoredAffected, v: &str) -> Option<Option<String>> {
    let mut result: Option<Option<String>> = None;
    for r in &a.ranges {
        if let Some(fixed) = in_range(scheme, r, v) {
            match (&result, fixed) {
                (Some(Some(_)), _) => {}
                (_, f) => result = Some(f),
            }
        }
    }
    if result.is_none()
        && a.versions
            .iter()
            .any(|x| x == v || scheme.compare(x, v) == Ordering::Equal)
    {
        // Listed explicitly: the fixed version, if any, comes from the ranges.
        let fixed = a
            .ranges
            .iter()
            .flat_map(|r| r.events.iter().filter_map(|e| e.fixed.clone()))
            .filter(|f| scheme.compare(f, v) == Ordering::Greater)
            .min_by(|x, y| scheme.compare(x, y));
        result = Some(fixed);
    }
    result
}

fn is_cve(id: &str) -> bool {
    id.starts_with("CVE-")
}

struct Matcher<'a> {
    db: &'a Db,
    all_ecosystems: Vec<String>,
    candidates: HashMap<String, Vec<String>>,
    cache: HashMap<(String, String), std::rc::Rc<Vec<Hit>>>,
    /// Every id, alias and upstream id of a record with a CVSS score → (best score, the
    /// record's id). Loaded on first need: only advisories without any severity ask.
    rated: Option<HashMap<String, (f64, String)>>,
}

impl Matcher<'_> {
    /// The highest CVSS score of any record in the database that shares one of `ids`, and
    /// that record's id (a GHSA with a CVSS vector rates the CVE a DSA is about).
    fn rated_alias(&mut self, ids: &BTreeSet<String>) -> Result<Option<(f64, String)>> {
        if self.rated.is_none() {
            let mut map: HashMap<String, (f64, String)> = HashMap::new();
            let mut st = self
                .db
                .conn
                .prepare("SELECT id, aliases, upstream, cvss FROM vulns WHERE cvss IS NOT NULL AND withdrawn = 0")
                .ctx(|| "cannot query advisory database".into())?;
            let rows = st
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, f64>(3)?,
                    ))
                })
                .ctx(|| "cannot query advisory database".into())?;
            for row in rows {
                let (id, aliases, upstream, score) =
                    row.ctx(|| "cannot query advisory database".into())?;
                let aliases: Vec<String> = serde_json::from_str(&aliases).unwrap_or_default();
                let upstream: Vec<String> = serde_json::from_str(&upstream).unwrap_or_default();
                for key in std::iter::once(id.clone()).chain(aliases).chain(upstream) {
                    let e = map.entry(key).or_insert((score, id.clone()));
                    if score > e.0 || (score == e.0 && id < e.1) {
                        *e = (score, id.clone());
                    }
                }
            }
            self.rated = Some(map);
        }
        let map = self.rated.as_ref().expect("loaded above");
        Ok(ids
            .iter()
            .filter_map(|i| map.get(i))
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(&a.1)))
            .cloned())
    }
}

impl Matcher<'_> {
    fn candidates(&mut self, eco: &str) -> Vec<String> {
        if let Some(c) = self.candidates.get(eco) {
            return c.clone();
        }
        let c: Vec<String> = self
            .all_ecosystems
            .iter()
            .filter(|s| applies(s, eco))
            .cloned()
            .collect();
        self.candidates.insert(eco.to_string(), c.clone());
        c
    }

    fn lookup(&mut self, eco: &str, name: &str) -> Result<std::rc::Rc<Vec<Hit>>> {
        let key = (eco.to_string(), name.to_string());
        if let Some(h) = self.cache.get(&key) {
            return Ok(h.clone());
        }
        let mut st = self
            .db
            .conn
            .prepare_cached(
                "SELECT v.id, v.aliases, v.summary, v.cvss, a.data, v.upstream FROM affected a
                 JOIN vulns v ON v.source = a.source AND v.id = a.vuln_id
                 WHERE a.ecosystem = ?1 AND a.name = ?2 AND v.withdrawn = 0",
            )
            .ctx(|| "cannot query advisory database".into())?;
        let rows = st
            .query_map(params![eco, name], |r| {
                let aliases: String = r.get(1)?;
                let data: String = r.get(4)?;
                let upstream: String = r.get(5)?;
                Ok(Hit {
                    id: r.get(0)?,
                    aliases: serde_json::from_str(&aliases).unwrap_or_default(),
                    upstream: serde_json::from_str(&upstream).unwrap_or_default(),
                    summary: r.get(2)?,
                    cvss: r.get(3)?,
                    ecosystem: eco.to_string(),
                    affected: serde_json::from_str(&data).unwrap_or_default(),
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .ctx(|| "cannot query advisory database".into())?;
        let rc = std::rc::Rc::new(rows);
        self.cache.insert(key, rc.clone());
        Ok(rc)
    }
}

/// Names an advisory could be filed under for this package.
fn lookup_names(p: &Package) -> Vec<String> {
    let mut names = Vec::new();
    match p.kind {
        // Debian, Ubuntu and Alpine file advisories against source packages.
        Kind::Dpkg | Kind::Apk => names.push(
            p.source_name
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or(p.name.clone()),
        ),
        // Red Hat-family feeds list binary packages; some list the source name.
        Kind::Rpm => {
            names.push(p.name.clone());
            if let Some(s) = p
                .source_name
                .as_ref()
                .filter(|s| **s != p.name && !s.is_empty())
            {
                names.push(s.clone());
            }
        }
        _ => names.push(normalize_name(&p.ecosystem, &p.name)),
    }
    names
}

/// Match every package against the database and build one finding per (package,
/// vulnerability), aliases merged. Packages with an empty ecosystem are skipped.
pub fn match_packages(db: &Db, packages: &[Package], opts: &MatchOptions) -> Result<Vec<Finding>> {
    let mut m = Matcher {
        db,
        all_ecosystems: db.ecosystems()?,
        candidates: HashMap::new(),
        cache: HashMap::new(),
        rated: None,
    };
    // Look every (ecosystem, name) up once, in index order: the B-tree pages are then
    // visited sequentially instead of at random, which matters for thousands of packages.
    let mut keys: Vec<(String, String)> = Vec::new();
    for p in packages
        .iter()
        .filter(|p| !p.ecosystem.is_empty() && !p.version.is_empty())
    {
        for eco in m.candidates(&p.ecosystem) {
            for name in lookup_names(p) {
                keys.push((eco.clone(), name));
            }
        }
    }
    keys.sort_unstable();
    keys.dedup();
    for (eco, name) in &keys {
        m.lookup(eco, name)?;
    }
    let mut out = Vec::new();
    for p in packages {
        if p.ecosystem.is_empty() || p.version.is_empty() {
            continue;
        }
        let scheme = Scheme::for_ecosystem(&p.ecosystem);
        let version = p.match_version().to_string();
        // (hit, fixed) pairs.
        let mut hits: Vec<(Hit, Option<String>)> = Vec::new();
        for eco in m.candidates(&p.ecosystem) {
            for name in lookup_names(p) {
                for h in m.lookup(&eco, &name)?.iter() {
                    if let Some(fixed) = affected_by(scheme, &h.affected, &version) {
                        if !hits.iter().any(|(x, _)| x.id == h.id) {
                            hits.push((h.clone(), fixed));
                        }
                    }
                }
            }
        }
        for group in merge_aliases(hits) {
            let unrated = group
                .iter()
                .all(|(h, _)| h.cvss.is_none() && h.affected.rating.is_none());
            let borrowed = if unrated {
                m.rated_alias(&group_ids(&group))?
            } else {
                None
            };
            out.extend(finding(p, &version, scheme, &group, opts, borrowed));
        }
    }
    Ok(out)
}

/// Group hits that are the same issue: ids/aliases overlap (a CVE, its GHSA and its PYSEC),
/// or a distribution record names exactly one upstream CVE (`DEBIAN-CVE-2023-4911` →
/// `CVE-2023-4911`). A record about several CVEs at once (a DSA fixing three CVEs) is folded
/// into the groups of those CVEs when they were matched on their own, so each CVE is
/// reported once and the DSA's fixed version still counts (distribution feeds carry a
/// per-CVE record for each of the DSA's CVEs); when none was matched it stands alone.
fn merge_aliases(hits: Vec<(Hit, Option<String>)>) -> Vec<Vec<(Hit, Option<String>)>> {
    let n = hits.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], x: usize) -> usize {
        let mut r = x;
        while p[r] != r {
            r = p[r];
        }
        p[x] = r;
        r
    }
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (i, (h, _)) in hits.iter().enumerate() {
        let single_upstream = (h.upstream.len() == 1).then(|| &h.upstream[0]);
        for id in std::iter::once(&h.id)
            .chain(h.aliases.iter())
            .chain(single_upstream)
        {
            if let Some(&j) = owner.get(id.as_str()) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a] = b;
            } else {
                owner.insert(id, i);
            }
        }
    }
    // Multi-CVE records: attach to every matched CVE's group.
    let mut extra: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut folded = vec![false; n];
    for (i, (h, _)) in hits.iter().enumerate() {
        if h.upstream.len() < 2 {
            continue;
        }
        let mut covered = 0;
        for u in &h.upstream {
            if let Some(&j) = owner.get(u.as_str()) {
                let r = find(&mut parent, j);
                if r != find(&mut parent, i) {
                    extra.entry(r).or_default().push(i);
                    covered += 1;
                }
            }
        }
        folded[i] = covered > 0;
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, &f) in folded.iter().enumerate() {
        if !f {
            let r = find(&mut parent, i);
            groups.entry(r).or_default().push(i);
        }
    }
    for (r, xs) in extra {
        groups.entry(r).or_default().extend(xs);
    }
    let mut out: Vec<Vec<(Hit, Option<String>)>> = groups
        .into_values()
        .map(|idx| {
            let mut g: Vec<(Hit, Option<String>)> =
                idx.into_iter().map(|i| hits[i].clone()).collect();
            g.sort_by(|a, b| a.0.id.cmp(&b.0.id));
            g
        })
        .filter(|g| !g.is_empty())
        .collect();
    out.sort_by(|a, b| a[0].0.id.cmp(&b[0].0.id));
    out
}

/// Every id a group is known by: ids, aliases and (single) upstream ids.
fn group_ids(group: &[(Hit, Option<String>)]) -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for (h, _) in group {
        ids.insert(h.id.clone());
        ids.extend(h.aliases.iter().cloned());
        if h.upstream.len() == 1 {
            ids.extend(h.upstream.iter().cloned());
        }
    }
    ids
}

/// `borrowed`: for a group no record of which rates, the best CVSS score of another record
/// sharing an alias, and that record's id.
fn finding(
    p: &Package,
    version: &str,
    scheme: Scheme,
    group: &[(Hit, Option<String>)],
    opts: &MatchOptions,
    borrowed: Option<(f64, String)>,
) -> Vec<Finding> {
    let ids = group_ids(group);
    // Report the CVE when the group is about exactly one: it is the name users search for.
    let cves: Vec<&String> = ids.iter().filter(|i| is_cve(i)).collect();
    let id = match cves.as_slice() {
        [one] => (*one).clone(),
        _ => group
            .iter()
            .map(|(h, _)| h.id.clone())
            .min()
            .unwrap_or_default(),
    };
    let aliases: Vec<String> = ids.into_iter().filter(|i| *i != id).collect();
    let fixed = group
        .iter()
        .filter_map(|(_, f)| f.clone())
        .filter(|f| scheme.compare(f, version) == Ordering::Greater)
        .min_by(|a, b| scheme.compare(a, b));
    let vendor = group.iter().filter_map(|(h, _)| h.affected.rating).max();
    let cvss = group.iter().filter_map(|(h, _)| h.cvss).reduce(f64::max);
    let (severity, confidence, rated_by) = match (p.origin, vendor, cvss, &borrowed) {
        (Origin::Os, Some(v), _, _) => (v, Confidence::High, String::new()),
        (_, _, Some(s), _) => (crate::cvss::severity_of(s), Confidence::High, String::new()),
        (_, Some(v), None, _) => (v, Confidence::High, String::new()),
        (_, None, None, Some((score, from))) => (
            crate::cvss::severity_of(*score),
            Confidence::High,
            format!(" [severity from {from}, CVSS {score:.1}]"),
        ),
        // No rating anywhere: medium, and say that it is a default.
        (_, None, None, None) => (
            Severity::Medium,
            Confidence::Medium,
            " [no record rates it: medium by default]".to_string(),
        ),
    };
    let ecosystem = group
        .first()
        .map(|(h, _)| h.ecosystem.clone())
        .unwrap_or_else(|| p.ecosystem.clone());
    let advisories: Vec<&str> = group
        .iter()
        .map(|(h, _)| h.id.as_str())
        .filter(|i| *i != id)
        .collect();
    let also = if advisories.is_empty() {
        String::new()
    } else {
        format!(" ({})", advisories.join(", "))
    };
    let src = match &p.source_name {
        Some(s) if p.origin == Origin::Os && *s != p.name => format!(" [source package {s}]"),
        _ => String::new(),
    };
    let base = match (opts.base_layers, p.layer) {
        (Some(b), Some(l)) if l < b => " — from the base image",
        (Some(_), Some(_)) => " — added by this image's own layers",
        _ => "",
    };
    let summary = group
        .iter()
        .filter_map(|(h, _)| h.summary.as_deref())
        .find(|s| !s.trim().is_empty())
        .map(|s| {
            let s = s.trim().replace('\n', " ");
            if s.chars().count() > 100 {
                format!(": {}…", s.chars().take(100).collect::<String>())
            } else {
                format!(": {s}")
            }
        })
        .unwrap_or_default();
    let m = crate::rules::VulnMatch {
        package: p,
        described: format!(
            "{} {}{src} is affected by {id}{also}{summary}",
            p.name, p.version
        ),
        tail: format!("{base}{rated_by}"),
        ecosystem: ecosystem.clone(),
        fixed: fixed.clone(),
        severity,
        confidence,
        location: Location::Package {
            image: opts.image.clone(),
            package: p.name.clone(),
            version: p.version.clone(),
            path: p.path.clone(),
            layer: p.layer,
        },
        info: VulnerabilityInfo {
            id,
            aliases,
            package: p.name.clone(),
            installed_version: p.version.clone(),
            fixed_version: fixed,
            ecosystem,
        },
    };
    // Exactly one of VU001 (a fix exists) and VU002 (none yet) decides to report a match.
    let mut out = Vec::with_capacity(1);
    crate::rules::vu001::check(&m, &mut out);
    crate::rules::vu002::check(&m, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osv::Event;

    fn ev(i: Option<&str>, f: Option<&str>, l: Option<&str>) -> Event {
        Event {
            introduced: i.map(Into::into),
            fixed: f.map(Into::into),
            last_affected: l.map(Into::into),
            limit: None,
        }
    }

    #[test]
    fn range_evaluation() {
        let r = Range {
            kind: "ECOSYSTEM".into(),
            repo: None,
            events: vec![
                ev(Some("0"), None, None),
                ev(None, Some("2.36-9+deb12u3"), None),
            ],
        };
        assert_eq!(
            in_range(Scheme::Dpkg, &r, "2.36-9+deb12u1"),
            Some(Some("2.36-9+deb12u3".into()))
        );
        assert_eq!(in_range(Scheme::Dpkg, &r, "2.36-9+deb12u3"), None);
        assert_eq!(in_range(Scheme::Dpkg, &r, "2.36-9+deb12u10"), None);
        // Two intervals: [1.0, 1.2) and [2.0, 2.1).
        let r2 = Range {
            kind: "SEMVER".into(),
            repo: None,
            events: vec![
                ev(Some("2.0.0"), None, None),
                ev(None, Some("2.1.0"), None),
                ev(Some("1.0.0"), None, None),
                ev(None, Some("1.2.0"), None),
            ],
        };
        assert_eq!(
            in_range(Scheme::Pep440, &r2, "1.1.0"),
            Some(Some("1.2.0".into()))
        );
        assert_eq!(in_range(Scheme::Pep440, &r2, "1.5.0"), None);
        assert_eq!(
            in_range(Scheme::Pep440, &r2, "2.0.5"),
            Some(Some("2.1.0".into()))
        );
        assert_eq!(in_range(Scheme::Pep440, &r2, "0.9.0"), None);
        let r3 = Range {
            kind: "ECOSYSTEM".into(),
            repo: None,
            events: vec![ev(Some("1.0"), None, None), ev(None, None, Some("1.4"))],
        };
        assert_eq!(in_range(Scheme::Pep440, &r3, "1.4"), Some(None));
        assert_eq!(in_range(Scheme::Pep440, &r3, "1.4.1"), None);
        assert_eq!(in_range(Scheme::Pep440, &r3, "0.9"), None);
        let r4 = Range {
            kind: "ECOSYSTEM".into(),
            repo: None,
            events: vec![ev(Some("0"), None, None)],
        };
        assert_eq!(in_range(Scheme::Dpkg, &r4, "1.0-1"), Some(None));
    }

    #[test]
    fn pypi_events_out_of_order_keep_pre_releases() {
        // As some PyPI advisories list them: fixes first, introductions after.
        let r = Range {
            kind: "ECOSYSTEM".into(),
            repo: None,
            events: vec![
                ev(None, Some("2.1.0"), None),
                ev(None, Some("1.2.0"), None),
                ev(Some("2.0.0rc1"), None, None),
                ev(Some("0"), None, None),
            ],
        };
        let hit = |v| in_range(Scheme::Pep440, &r, v);
        assert_eq!(hit("1.2.0rc2"), Some(Some("1.2.0".into())));
        assert_eq!(hit("1.2.0"), None);
        assert_eq!(hit("1.9.9"), None);
        assert_eq!(hit("2.0.0b1"), None);
        assert_eq!(hit("2.0.0rc1"), Some(Some("2.1.0".into())));
        assert_eq!(hit("2.1.0rc3"), Some(Some("2.1.0".into())));
        assert_eq!(hit("2.1.0"), None);
    }
}
