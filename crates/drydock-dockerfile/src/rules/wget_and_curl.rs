//! DF061 `wget-and-curl`: Both wget and curl are used in one stage

use super::prelude::*;

pub struct WgetAndCurl;

pub const META: RuleMeta = RuleMeta {
    id: "DF061",
    name: "wget-and-curl",
    target: Target::Dockerfile,
    category: Category::Efficiency,
    severity: Severity::Info,
    title: "Both wget and curl are used in one stage",
    explanation: r##"## Why is this bad?
Installing and using two HTTP clients for the same job adds packages (and their
vulnerabilities) to the image for no benefit.

## How to fix
Pick one tool (curl or wget) for the whole stage.

## Example
```dockerfile
# Before
RUN wget -q https://example.com/a.tgz
RUN curl -fsSLO https://example.com/b.tgz

# After
RUN curl -fsSLO https://example.com/a.tgz && curl -fsSLO https://example.com/b.tgz
```

## References
- https://docs.docker.com/build/building/best-practices/
"##,
    references: &["https://docs.docker.com/build/building/best-practices/"],
    equivalents: &[
        "hadolint:DL4001",
        "kics:run-using-wget-and-curl",
        "trivy:DS014",
    ],
    default_enabled: true,
};

impl Rule for WgetAndCurl {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for stage in &cx.model.stages {
            let mut first: [Option<(usize, &str)>; 2] = [None, None];
            for run in cx
                .shell
                .runs()
                .iter()
                .filter(|r| stage.instructions.contains(&r.instruction))
            {
                for (_, c) in run.commands() {
                    match c.name() {
                        "wget" => first[0] = first[0].or(Some((run.instruction, "wget"))),
                        "curl" => first[1] = first[1].or(Some((run.instruction, "curl"))),
                        _ => {}
                    }
                }
            }
            if let [Some(a), Some(b)] = first {
                let later = if a.0 >= b.0 { a } else { b };
                let other = if later.1 == "wget" { "curl" } else { "wget" };
                out.push(
                    cx.finding(
                        &META,
                        cx.span(later.0),
                        format!("this stage uses both `{other}` and `{}`", later.1),
                    )
                    .with_fix(format!(
                        "Use only one HTTP client in the stage (e.g. replace `{}` with `{other}`)",
                        later.1
                    )),
                );
            }
        }
    }
}
