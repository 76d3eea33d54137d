//! JUnit XML for CI test tabs: one `<testsuite>` per target; one `<testcase>` per finding —
//! a `<failure>` at or above `--fail-on`, `<skipped>` with a message below it (so warnings stay
//! visible without failing); a target with no finding gets one passing case; a target that
//! could not be scanned gets an `<error>` case.

use crate::util::{fix_text, location_text};
use crate::{RenderOptions, View};
use drydock_core::Finding;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::io::{self, Write};

fn details(view: &View, f: &Finding) -> String {
    let mut d = format!(
        "{} [{}] {}\nlocation: {}\ncategory: {}",
        f.severity,
        f.rule,
        f.message,
        location_text(f),
        f.category
    );
    if let Some(ev) = &f.evidence {
        d.push_str(&format!("\nevidence: {}", ev.value));
    }
    if let Some(fix) = fix_text(f) {
        d.push_str(&format!("\nfix: {fix}"));
    }
    if let Some(m) = view.rule(&f.rule) {
        d.push_str(&format!("\nrule: {}", m.title));
    }
    d.push_str(&format!("\nrun `drydock explain {}` for details", f.rule));
    d
}

pub fn render(view: &View, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let threshold = view.report.fail_on;
    let mut report = Report::new("drydock");
    for g in &view.groups {
        let label = g.label();
        let mut suite = TestSuite::new(label.clone());
        if let Some(t) = &g.target {
            suite.add_property(("kind", t.kind()));
        }
        for w in view.warnings(opts) {
            suite.add_property(("warning", w.to_string().as_str()));
        }
        for f in &g.findings {
            let status = if threshold.is_some_and(|t| f.severity >= t) {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(f.message.clone())
                    .set_type(f.severity.as_str())
                    .set_description(details(view, f));
                s
            } else {
                let mut s = TestCaseStatus::skipped();
                s.set_message(format!(
                    "{} finding below --fail-on {}: {}",
                    f.severity,
                    view.report.fail_on_str(),
                    f.message
                ))
                .set_type(f.severity.as_str())
                .set_description(details(view, f));
                s
            };
            let mut case = TestCase::new(format!("{} {}", f.rule, location_text(f)), status);
            case.set_classname(format!("drydock.{}", f.category));
            suite.add_test_case(case);
        }
        if g.findings.is_empty() {
            let mut case = TestCase::new("no findings", TestCaseStatus::success());
            case.set_classname("drydock");
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    // The run's warnings and exceptions as one suite's system-out: CI test views show it.
    let warnings = view.warnings(opts);
    let supp = view.suppression_lines();
    if !warnings.is_empty() || !supp.is_empty() {
        let mut suite = TestSuite::new("drydock run");
        let mut text = String::new();
        for w in &warnings {
            text.push_str(&format!("warning: {w}\n"));
        }
        for s in &supp {
            text.push_str(&format!("ignore entry {s}\n"));
        }
        suite.set_system_out(text);
        let mut case = TestCase::new("warnings", TestCaseStatus::success());
        case.set_classname("drydock");
        suite.add_test_case(case);
        report.add_test_suite(suite);
    }
    for e in &view.report.errors {
        let mut suite = TestSuite::new(e.target.clone());
        let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
        s.set_message(format!("cannot scan {}", e.target))
            .set_type("scan-error")
            .set_description(e.message.clone());
        let mut case = TestCase::new("scan", s);
        case.set_classname("drydock");
        suite.add_test_case(case);
        report.add_test_suite(suite);
    }
    report
        .serialize(&mut *out)
        .map_err(|e| io::Error::other(format!("writing JUnit XML: {e}")))?;
    writeln!(out)
}
