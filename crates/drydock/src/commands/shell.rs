//! Shell integration: completions, the man page and the long `--version`.

use crate::cli::{Cli, CompletionShell};
use anyhow::{Context, Result};
use clap::CommandFactory;

/// `drydock 0.1.0 (commit 1a2b3c4d5e6f)`.
pub fn short_version() -> String {
    format!(
        "{} (commit {})",
        env!("CARGO_PKG_VERSION"),
        env!("DRYDOCK_COMMIT")
    )
}

/// `--version`: the version and commit, how many rules this build has and the date of the
/// vulnerability database it would use.
pub fn long_version() -> String {
    let rules = drydock_scan::registry::get().rules.len();
    let db_line = drydock_scan::db::default_db_summary();
    format!(
        "{}\nrules: {rules}\nvulnerability database: {db_line}",
        short_version()
    )
}

pub fn completions(shell: CompletionShell) -> Result<u8> {
    use clap_complete::Shell;
    let shell = match shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
        CompletionShell::Powershell => Shell::PowerShell,
        CompletionShell::Elvish => Shell::Elvish,
    };
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "drydock", &mut buf);
    out!("{}", String::from_utf8_lossy(&buf));
    Ok(crate::EXIT_CLEAN)
}

/// The man page (roff) of the whole command line, subcommands included, from the same
/// definitions as `--help`. docs/drydock.1 is this output (scripts/gen-man.sh).
pub fn man_page() -> Result<String> {
    let cmd = Cli::command().version(env!("CARGO_PKG_VERSION"));
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut buf)
        .context("cannot render the man page")?;
    // clap_mangen renders one page per command; fold the subcommands in as sections.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_name().to_string();
        // clap names are `&'static str`; this runs once per process.
        let full: &'static str = Box::leak(format!("drydock {name}").into_boxed_str());
        let sub = sub.clone().name(full);
        let man = clap_mangen::Man::new(sub);
        let mut s = Vec::new();
        man.render_name_section(&mut s)?;
        man.render_synopsis_section(&mut s)?;
        man.render_description_section(&mut s)?;
        man.render_options_section(&mut s)?;
        if sub_has_subcommands(&cmd, &name) {
            man.render_subcommands_section(&mut s)?;
        }
        let text = String::from_utf8_lossy(&s)
            .replace(
                ".SH NAME",
                &format!(".SH \"COMMAND: {}\"", name.to_uppercase()),
            )
            .replace(".SH SYNOPSIS", ".SS Synopsis")
            .replace(".SH DESCRIPTION", ".SS Description")
            .replace(".SH OPTIONS", ".SS Options")
            .replace(".SH SUBCOMMANDS", ".SS Subcommands");
        buf.extend_from_slice(text.as_bytes());
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn sub_has_subcommands(cmd: &clap::Command, name: &str) -> bool {
    cmd.find_subcommand(name)
        .is_some_and(|s| s.get_subcommands().next().is_some())
}

pub fn man() -> Result<u8> {
    out!("{}", man_page()?);
    Ok(crate::EXIT_CLEAN)
}
