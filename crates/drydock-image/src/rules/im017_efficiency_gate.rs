//! IM017: an image breaches the efficiency gates the user configured (dive `--ci` style).
//! Unlike the other image rules it has no fixed threshold: the caller passes the user's
//! [`Gates`] and the image's numbers, so it is evaluated after the scan, not in `run_all`.

use drydock_core::rule::Target;
use drydock_core::{Category, Finding, Location, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM017",
    name: "efficiency-gate",
    target: Target::Image,
    category: Category::Efficiency,
    severity: Severity::High,
    title: "Image breaches a configured efficiency gate",
    explanation: r#"
## Why is this bad?
Your team set a limit on how much an image may waste, as `dive --ci` does with `.dive-ci`,
and this image exceeds it. Wasted bytes are files added by one layer and deleted or
overwritten by a later one: every pull downloads them and every node stores them, yet the
running container never sees them.

The gates (`[image]` in drydock.toml, or flags) mean what dive's keys mean:

- `min-efficiency` (`--min-efficiency`, dive `lowestEfficiency`): efficiency is
  1 − wasted bytes / bytes of all files in all layers; below the limit fails.
- `max-wasted-bytes` (`--max-wasted-bytes`, dive `highestWastedBytes`): more wasted bytes
  than the limit fails (`20MB`, `1.5GiB` or a number of bytes).
- `max-wasted-percent` (`--max-wasted-percent`, dive `highestUserWastedPercent`): wasted
  bytes as a share of the image size (0.1 or `10%`) above the limit fails.

The finding's severity is `gate-severity` (default high, so the default `--fail-on high`
fails the run). The rule reports nothing unless a gate is set.

## How to fix
Create and remove temporary files in the same `RUN`, use `COPY --chmod/--chown` instead of
a separate `chmod -R`, and build in a multi-stage Dockerfile so build-only files never reach
the final stage. `drydock explain IM015` lists the typical causes; the IM015 finding lists
the paths that waste the most.

## Example
```toml
# drydock.toml
[image]
min-efficiency = 0.95
max-wasted-bytes = "20MB"
max-wasted-percent = 0.1
gate-severity = "high"
```

## References
- https://github.com/wagoodman/dive#ci-integration
- https://docs.docker.com/build/building/best-practices/
"#,
    references: &[
        "https://github.com/wagoodman/dive#ci-integration",
        "https://docs.docker.com/build/building/best-practices/",
    ],
    equivalents: &[
        "dive:lowestEfficiency",
        "dive:highestWastedBytes",
        "dive:highestUserWastedPercent",
    ],
    default_enabled: true,
};

/// The user's limits; `None` = gate off.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gates {
    pub min_efficiency: Option<f64>,
    pub max_wasted_bytes: Option<u64>,
    /// 0–1.
    pub max_wasted_ratio: Option<f64>,
    pub severity: Option<Severity>,
}

impl Gates {
    pub fn any(&self) -> bool {
        self.min_efficiency.is_some()
            || self.max_wasted_bytes.is_some()
            || self.max_wasted_ratio.is_some()
    }
}

/// One finding per breached gate of one image (`efficiency` 0–1, sizes in bytes).
pub fn evaluate(
    image: &str,
    platform: Option<&str>,
    efficiency: f64,
    waste_bytes: u64,
    size: u64,
    gates: &Gates,
) -> Vec<Finding> {
    let sev = gates.severity.unwrap_or(META.severity);
    let mut msgs = Vec::new();
    if let Some(min) = gates.min_efficiency {
        if efficiency < min {
            msgs.push(format!(
                "image efficiency {:.2}% is below the gate min-efficiency {:.2}%",
                efficiency * 100.0,
                min * 100.0
            ));
        }
    }
    if let Some(max) = gates.max_wasted_bytes {
        if waste_bytes > max {
            msgs.push(format!(
                "{waste_bytes} wasted bytes exceed the gate max-wasted-bytes {max}"
            ));
        }
    }
    if let Some(max) = gates.max_wasted_ratio {
        let ratio = if size == 0 {
            0.0
        } else {
            waste_bytes as f64 / size as f64
        };
        if ratio > max {
            msgs.push(format!(
                "wasted bytes are {:.2}% of the image, above the gate max-wasted-percent {:.2}%",
                ratio * 100.0,
                max * 100.0
            ));
        }
    }
    msgs.into_iter()
        .map(|m| {
            let mut f = Finding::new(
                META.id,
                sev,
                META.category,
                m,
                Location::Config {
                    image: image.to_string(),
                    field: "rootfs".into(),
                },
            )
            .with_fix(
                "Clean up in the same RUN step that creates files; see `drydock explain IM015`",
            );
            if let Some(p) = platform {
                f = f.with_platform(p);
            }
            f
        })
        .collect()
}

/// `20MB` (SI, as dive's humanize parser reads it), `1.5GiB` (binary), `1048576`.
/// Hand-written: five units do not justify a dependency.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| {
        format!("invalid size `{s}` (expected bytes, or a number with KB, MB, GB, KiB, MiB, GiB)")
    })?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(format!("invalid size `{s}`: unknown unit `{unit}`")),
    };
    Ok((n * mult).round() as u64)
}

/// `0.1`, `10%` or `10` (a number above 1 is read as a percentage).
pub fn parse_ratio(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (num, pct) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let v: f64 = num
        .parse()
        .map_err(|_| format!("invalid ratio `{s}` (expected 0.1 or 10%)"))?;
    let r = if pct || v > 1.0 { v / 100.0 } else { v };
    if !(0.0..=1.0).contains(&r) {
        return Err(format!(
            "invalid ratio `{s}`: must be between 0 and 1 (or 0% and 100%)"
        ));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates_follow_dive_semantics() {
        let g = Gates {
            min_efficiency: Some(0.95),
            max_wasted_bytes: Some(parse_size("20MB").unwrap()),
            max_wasted_ratio: Some(parse_ratio("10%").unwrap()),
            severity: Some(Severity::Medium),
        };
        assert!(evaluate("app:1", None, 0.99, 1_000, 100_000_000, &g).is_empty());
        let f = evaluate(
            "app:1",
            Some("linux/amd64"),
            0.90,
            30_000_000,
            100_000_000,
            &g,
        );
        assert_eq!(f.len(), 3);
        assert!(f
            .iter()
            .all(|f| f.severity == Severity::Medium && f.rule == "IM017"));
        assert!(f[0].message.contains("90.00%"), "{}", f[0].message);
        // Exactly at a limit passes, as in dive.
        let at = evaluate("app:1", None, 0.95, 20_000_000, 200_000_000, &g);
        assert!(at.is_empty(), "{at:?}");
        assert!(evaluate("a", None, 0.1, u64::MAX / 2, 1, &Gates::default()).is_empty());
    }

    #[test]
    fn sizes_and_ratios_parse() {
        assert_eq!(parse_size("1048576").unwrap(), 1 << 20);
        assert_eq!(parse_size("1.5GiB").unwrap(), 1_610_612_736);
        assert_eq!(parse_size("20 mb").unwrap(), 20_000_000);
        assert!(parse_size("20 parsecs").is_err());
        assert_eq!(parse_ratio("0.25").unwrap(), 0.25);
        assert_eq!(parse_ratio("25").unwrap(), 0.25);
        assert!(parse_ratio("150%").is_err());
    }
}
