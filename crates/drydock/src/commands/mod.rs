mod db;
mod explain;
mod image;
mod parse;
mod rules;
mod runtime;
mod sbom;
mod scan;
mod secrets;
pub mod shell;

use crate::cli::{Cli, Command};
use anyhow::Result;

pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan(a) => scan::run(*a),
        Command::Secrets(a) => secrets::run(a),
        Command::Parse(a) => parse::run(a),
        Command::Rules(a) => rules::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Sbom(a) => sbom::run(a),
        Command::Db(a) => db::run(a),
        Command::Completions { shell: sh } => shell::completions(sh),
        Command::Man => shell::man(),
    }
}

/// Today's date (UTC) as YYYY-MM-DD, or the `--scan-date` given; validated.
pub fn scan_date(arg: Option<&str>) -> Result<String> {
    if let Some(d) = arg {
        let ok = d.len() == 10
            && d.as_bytes()[4] == b'-'
            && d.as_bytes()[7] == b'-'
            && d[..4].parse::<u32>().is_ok()
            && d[5..7].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
            && d[8..].parse::<u32>().is_ok_and(|x| (1..=31).contains(&x));
        if !ok {
            anyhow::bail!("--scan-date `{d}`: expected YYYY-MM-DD");
        }
        return Ok(d.to_string());
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Ok(civil_from_days((secs / 86_400) as i64))
}

/// Howard Hinnant's days-to-civil algorithm: no date crate needed for one conversion.
pub(crate) fn civil_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), "1970-01-01");
        assert_eq!(civil_from_days(20_784), "2026-11-27");
        assert_eq!(civil_from_days(11_016), "2000-02-29");
    }

    #[test]
    fn scan_date_validation() {
        assert_eq!(scan_date(Some("2025-06-30")).unwrap(), "2025-06-30");
        assert!(scan_date(Some("2025-13-01")).is_err());
        assert!(scan_date(Some("yesterday")).is_err());
        assert_eq!(scan_date(None).unwrap().len(), 10);
    }
}
