//! DF048 `multiple-cmd`: Several CMD instructions in one stage

use super::prelude::*;

pub struct MultipleCmd;

pub const META: RuleMeta = RuleMeta {
    id: "DF048",
    name: "multiple-cmd",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "Several CMD instructions in one stage",
    explanation: r##"## Why is this bad?
Only the last `CMD` of a stage takes effect; earlier ones are silently overridden.
Several `CMD` instructions usually mean a misunderstanding (e.g. expecting two processes to
start) or a leftover that makes the Dockerfile misleading.

## How to fix
Keep a single `CMD` per stage. To run several processes, use a small init/supervisor
or separate containers.

## Example
```dockerfile
# Before
CMD ["nginx", "-g", "daemon off;"]
CMD ["php-fpm"]

# After
CMD ["/usr/local/bin/start.sh"]
```

## References
- https://docs.docker.com/reference/dockerfile/#cmd
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#cmd"],
    equivalents: &[
        "hadolint:DL4003",
        "kics:multiple-cmd-instructions-listed",
        "trivy:DS016",
    ],
    default_enabled: true,
};

impl Rule for MultipleCmd {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        cx.report_overridden(&META, "CMD", out);
    }
}
