//! DF074 `env-same-statement-reference`: ENV uses a variable set earlier in the same ENV

use super::prelude::*;

pub struct EnvSameStatementReference;

pub const META: RuleMeta = RuleMeta {
    id: "DF074",
    name: "env-same-statement-reference",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "ENV uses a variable set earlier in the same ENV",
    explanation: r##"## Why is this bad?
All values of one `ENV` instruction are expanded with the environment as it was *before*
the instruction. In `ENV APP_HOME=/app CONFIG=$APP_HOME/config.yml`, `CONFIG` does not get
`/app/config.yml`: it gets the previous value of `APP_HOME` (usually empty, so
`/config.yml`). The Dockerfile reads as if it did something it does not.

A variable used in its own value (`ENV PATH=/opt/bin:$PATH`) and variables set by an
earlier instruction are fine; `\$NAME` and single-quoted text are not expansions.

## How to fix
Split the instruction: set the variable in one `ENV`, use it in the next.

## Example
```dockerfile
# Before
ENV APP_HOME=/app CONFIG=$APP_HOME/config.yml

# After
ENV APP_HOME=/app
ENV CONFIG=$APP_HOME/config.yml
```

## References
- https://docs.docker.com/reference/dockerfile/#environment-replacement
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#environment-replacement"],
    equivalents: &["hadolint:DL3044"],
    default_enabled: true,
};

impl Rule for EnvSameStatementReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("ENV") {
            let pairs = kv_pairs(ins);
            for (j, (_, value)) in pairs.iter().enumerate() {
                let used = referenced(value);
                if let Some((k, _)) = pairs[..j].iter().find(|(k, _)| used.iter().any(|u| u == k)) {
                    out.push(
                        cx.finding(&META, cx.find_span(i, value), format!("`${k}` here is the value from before this ENV, not the `{k}` set earlier in it"))
                            .with_fix(format!("Set `{k}` in its own ENV instruction before this one")),
                    );
                }
            }
        }
    }
}

/// Variable names a Dockerfile word expands (`$NAME`, `${NAME}`, `${NAME:-x}`), skipping
/// escaped dollars and single-quoted text.
fn referenced(raw: &str) -> Vec<String> {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut single = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' => single = !single,
            '\\' if !single => i += 1,
            '$' if !single => {
                let braced = chars.get(i + 1) == Some(&'{');
                let start = i + 1 + usize::from(braced);
                let mut end = start;
                while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_')
                {
                    end += 1;
                }
                if end > start {
                    out.push(chars[start..end].iter().collect());
                }
                i = end.max(i + 1);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}
