//! Beginner topics for `drydock explain TOPIC`: Markdown data files (crates/drydock/topics/),
//! each ending with the rules that enforce it and an example to run.

pub struct Topic {
    /// Name used on the command line: `drydock explain whiteouts`.
    pub slug: &'static str,
    pub text: &'static str,
}

macro_rules! topic {
    ($slug:literal) => {
        Topic {
            slug: $slug,
            text: include_str!(concat!("../topics/", $slug, ".md")),
        }
    };
}

/// In reading order: from what a container is to running scans in CI.
pub static TOPICS: &[Topic] = &[
    topic!("containers-vs-vms"),
    topic!("images-and-layers"),
    topic!("whiteouts"),
    topic!("build-args-and-history"),
    topic!("base-images"),
    topic!("root-in-containers"),
    topic!("runtime-limits"),
    topic!("scanning-in-ci"),
];

#[cfg(test)]
const RULES_HEADING: &str = "## Rules that enforce it";

impl Topic {
    /// The `# Title` line.
    pub fn title(&self) -> &'static str {
        self.text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# "))
            .unwrap_or(self.slug)
    }

    /// Rule ids listed under "Rules that enforce it" (the first `code span` of each item).
    #[cfg(test)]
    pub fn rules(&self) -> Vec<&'static str> {
        let Some((_, rest)) = self.text.split_once(RULES_HEADING) else {
            return Vec::new();
        };
        let section = rest.split("\n## ").next().unwrap_or("");
        section
            .lines()
            .filter_map(|l| l.trim().strip_prefix("- `"))
            .filter_map(|l| l.split_once('`').map(|(id, _)| id))
            .collect()
    }
}

/// A topic by its name, case-insensitively; a unique prefix is enough (`drydock explain root`).
pub fn lookup(name: &str) -> Option<&'static Topic> {
    let name = name.trim().to_ascii_lowercase();
    if let Some(t) = TOPICS.iter().find(|t| t.slug == name) {
        return Some(t);
    }
    let mut prefixed = TOPICS.iter().filter(|t| t.slug.starts_with(&name));
    match (prefixed.next(), prefixed.next()) {
        (Some(t), None) if !name.is_empty() => Some(t),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_names_existing_rules_and_has_an_example() {
        let reg = drydock_scan::registry::get();
        for t in TOPICS {
            assert!(t.text.starts_with("# "), "{}: starts with a title", t.slug);
            let rules = t.rules();
            assert!(
                rules.len() >= 2,
                "{}: lists the rules that enforce it",
                t.slug
            );
            for id in rules {
                assert!(
                    reg.lookup(id).is_some_and(|r| r.id == id),
                    "{}: `{id}` is not a rule id",
                    t.slug
                );
            }
            let example = t.text.split_once("## Try it").map(|x| x.1).unwrap_or("");
            assert!(
                example.contains("```sh\n") && example.contains("drydock "),
                "{}: ends with a runnable drydock example",
                t.slug
            );
            // The rule list and the example are the end of the topic, in that order.
            let (r, e) = (t.text.find(RULES_HEADING), t.text.find("## Try it"));
            assert!(r.is_some() && e.is_some() && r < e, "{}", t.slug);
        }
    }

    #[test]
    fn topics_are_found_by_name_or_unique_prefix() {
        assert_eq!(lookup("whiteouts").unwrap().slug, "whiteouts");
        assert_eq!(lookup("ROOT").unwrap().slug, "root-in-containers");
        assert!(lookup("").is_none());
        assert!(lookup("nope").is_none());
        // Topic names never shadow rule ids or names.
        let reg = drydock_scan::registry::get();
        for t in TOPICS {
            assert!(reg.lookup(t.slug).is_none(), "{}", t.slug);
        }
    }
}
