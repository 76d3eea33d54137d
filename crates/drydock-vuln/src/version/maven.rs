//! Maven version ordering: a port of `org.apache.maven.artifact.versioning.ComparableVersion`
//! (items are integers, qualifiers and sub-lists; `-` and digit/letter transitions open a
//! sub-list; trailing "null" items are dropped).
use std::cmp::Ordering;

#[derive(Clone, Debug)]
enum Item {
    /// Digits without leading zeros (arbitrary size, compared by length then digits).
    Int(String),
    Str(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

fn comparable_qualifier(q: &str) -> String {
    match QUALIFIERS.iter().position(|x| *x == q) {
        Some(i) => i.to_string(),
        None => format!("{}-{}", QUALIFIERS.len(), q),
    }
}

fn string_item(s: &str, followed_by_digit: bool) -> Item {
    let s = if followed_by_digit && s.len() == 1 {
        match s {
            "a" => "alpha",
            "b" => "beta",
            "m" => "milestone",
            other => other,
        }
    } else {
        s
    };
    let s = match s {
        "ga" | "final" | "release" => "",
        "cr" => "rc",
        other => other,
    };
    Item::Str(s.to_string())
}

fn parse_item(is_digit: bool, buf: &str) -> Item {
    if is_digit {
        let t = buf.trim_start_matches('0');
        Item::Int(if t.is_empty() { "0".into() } else { t.into() })
    } else {
        string_item(buf, false)
    }
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Int(v) => v == "0",
            Item::Str(s) => s.is_empty(),
            Item::List(l) => l.is_empty(),
        }
    }

    /// `other == None` compares against the implicit padding item.
    fn cmp_opt(&self, other: Option<&Item>) -> Ordering {
        match (self, other) {
            (Item::Int(v), None) => {
                if v == "0" {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (Item::Int(a), Some(Item::Int(b))) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
            (Item::Int(_), Some(_)) => Ordering::Greater,
            (Item::Str(s), None) => comparable_qualifier(s).cmp(&comparable_qualifier("")),
            (Item::Str(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::Str(a), Some(Item::Str(b))) => {
                comparable_qualifier(a).cmp(&comparable_qualifier(b))
            }
            (Item::Str(_), Some(Item::List(_))) => Ordering::Less,
            (Item::List(l), None) => match l.first() {
                None => Ordering::Equal,
                Some(f) => f.cmp_opt(None),
            },
            (Item::List(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Str(_))) => Ordering::Greater,
            (Item::List(a), Some(Item::List(b))) => {
                for k in 0..a.len().max(b.len()) {
                    let r = match (a.get(k), b.get(k)) {
                        (Some(l), r) => l.cmp_opt(r),
                        (None, Some(r)) => r.cmp_opt(None).reverse(),
                        (None, None) => Ordering::Equal,
                    };
                    if r != Ordering::Equal {
                        return r;
                    }
                }
                Ordering::Equal
            }
        }
    }
}

fn normalize(list: &mut Vec<Item>) {
    // Java walks back from the end: null items go, a non-null list is stepped over, any
    // other non-null item stops the walk.
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if list[i].is_null() {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

/// Parse like `ComparableVersion.parseVersion`. The nested lists are kept as a stack of
/// vectors and folded into their parents at the end.
fn parse(version: &str) -> Item {
    let v = version.trim().to_ascii_lowercase();
    let b = v.as_bytes();
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    let mut is_digit = false;
    let mut start = 0usize;
    let push_list = |stack: &mut Vec<Vec<Item>>| stack.push(Vec::new());
    for (i, &c) in b.iter().enumerate() {
        let top = stack.len() - 1;
        if c == b'.' || c == b'-' {
            if i == start {
                stack[top].push(Item::Int("0".into()));
            } else {
                stack[top].push(parse_item(is_digit, &v[start..i]));
            }
            start = i + 1;
            if c == b'-' {
                push_list(&mut stack);
            }
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                stack[top].push(string_item(&v[start..i], true));
                start = i;
                push_list(&mut stack);
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                stack[top].push(parse_item(true, &v[start..i]));
                start = i;
                push_list(&mut stack);
            }
            is_digit = false;
        }
    }
    if b.len() > start {
        let top = stack.len() - 1;
        stack[top].push(parse_item(is_digit, &v[start..]));
    }
    // Fold: each list is an element of the one below it, normalised innermost first.
    while stack.len() > 1 {
        let mut l = stack.pop().unwrap_or_default();
        normalize(&mut l);
        if let Some(parent) = stack.last_mut() {
            parent.push(Item::List(l));
        }
    }
    let mut root = stack.pop().unwrap_or_default();
    normalize(&mut root);
    Item::List(root)
}

pub fn compare(a: &str, b: &str) -> Ordering {
    parse(a).cmp_opt(Some(&parse(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(vs: &[&str]) {
        for (i, a) in vs.iter().enumerate() {
            for b in &vs[i + 1..] {
                assert_eq!(compare(a, b), Ordering::Less, "{a} < {b}");
                assert_eq!(compare(b, a), Ordering::Greater, "{b} > {a}");
            }
        }
    }

    #[test]
    fn comparable_version_test_vectors() {
        // From Maven's ComparableVersionTest (VERSIONS_QUALIFIER / VERSIONS_NUMBER).
        chain(&[
            "1-alpha2snapshot",
            "1-alpha2",
            "1-alpha-123",
            "1-beta-2",
            "1-beta123",
            "1-m2",
            "1-m11",
            "1-rc",
            "1-cr2",
            "1-rc123",
            "1-SNAPSHOT",
            "1",
            "1-sp",
            "1-sp2",
            "1-sp123",
            "1-abc",
            "1-def",
            "1-pom-1",
            "1-1-snapshot",
            "1-1",
            "1-2",
            "1-123",
        ]);
        chain(&[
            "2.0", "2-1", "2.0.a", "2.0.0.a", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b",
            "2.1-c", "2.1-1", "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11",
            "11.m2", "11.m11", "11", "11.a", "11b", "11c", "11m",
        ]);
        for (a, b) in [
            ("1", "1.0"),
            ("1", "1.0.0"),
            ("1.0", "1.0.0"),
            ("1", "1-0"),
            ("1a", "1-a"),
            ("1a", "1.0-a"),
            ("1x", "1-x"),
            ("1-a1", "1-alpha-1"),
            ("1ga", "1"),
            ("1release", "1"),
            ("1final", "1"),
            ("1cr", "1rc"),
            ("1a1", "1-alpha-1"),
            ("1.0-RELEASE", "1.0"),
        ] {
            assert_eq!(compare(a, b), Ordering::Equal, "{a} == {b}");
        }
    }
}
