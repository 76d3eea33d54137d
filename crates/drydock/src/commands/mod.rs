mod cache;
mod db;
mod explain;
mod fix;
mod fleet;
mod ignore;
mod parse;
mod registry;
mod rules;
mod sbom;
mod scan;
mod secrets;
pub mod shell;

use crate::cli::{Cli, Command};
use anyhow::Result;
use drydock_core::eol::Date;
use drydock_core::Redaction;

pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan(a) => scan::run(*a),
        Command::Fix(a) => fix::run(a),
        Command::Secrets(a) => secrets::run(a),
        Command::Parse(a) => parse::run(a),
        Command::Rules(a) => rules::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Sbom(a) => sbom::run(a),
        Command::Db(a) => db::run(a),
        Command::Cache(a) => cache::run(a),
        Command::Ignore(a) => ignore::run(a),
        Command::Completions { shell: sh } => shell::completions(sh),
        Command::Man => shell::man(),
        Command::Registry(a) => registry::run(a),
    }
}

/// Today's date (UTC), or the `--scan-date` given; validated.
pub fn scan_date(arg: Option<&str>) -> Result<Date> {
    match arg {
        Some(d) => {
            Date::parse(d).map_err(|_| anyhow::anyhow!("--scan-date `{d}`: expected YYYY-MM-DD"))
        }
        None => Ok(Date::today()),
    }
}

/// `--show-secrets` shows them, with a warning; else they are redacted.
pub fn redaction(show: bool) -> Redaction {
    if show {
        diag!("drydock: warning: --show-secrets: the report contains secrets in full; do not share or store it");
        Redaction::Show
    } else {
        Redaction::Redact
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_date_validation() {
        assert_eq!(
            scan_date(Some("2025-06-30")).unwrap().to_string(),
            "2025-06-30"
        );
        assert!(scan_date(Some("2025-02-30")).is_err());
        assert!(scan_date(Some("2025-13-01")).is_err());
        assert!(scan_date(Some("yesterday")).is_err());
        assert_eq!(scan_date(None).unwrap().to_string().len(), 10);
    }
}
