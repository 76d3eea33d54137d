//! The `drydock` binary: argument parsing and wiring of the library crates. No analysis
//! logic lives here.

#![forbid(unsafe_code)]

/// `eprintln!` for diagnostics, which quote untrusted text (Dockerfile lines, paths and
/// strings from images): control characters are shown escaped so they cannot drive the
/// terminal.
macro_rules! diag {
    ($($t:tt)*) => {
        eprintln!("{}", drydock_report::terminal_clean(&format!($($t)*)))
    };
}

/// `print!`/`println!` that end the process quietly when standard output is a closed pipe
/// (`drydock rules | head`) instead of panicking.
macro_rules! out {
    ($($t:tt)*) => {
        $crate::write_stdout(format_args!($($t)*))
    };
}
macro_rules! outln {
    ($($t:tt)*) => {
        $crate::write_stdout(format_args!("{}\n", format_args!($($t)*)))
    };
}

mod cli;
mod commands;
mod config;
mod output;
mod progress;
mod topics;

use std::process::ExitCode;

/// Exit codes of the public interface.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    // clap takes `&'static str` versions; these strings live as long as the process anyway.
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let mut cmd = <cli::Cli as clap::CommandFactory>::command()
        .version(leak(commands::shell::short_version()));
    // The long form reads the rule registry and the database: only when asked for.
    if std::env::args_os().skip(1).any(|a| a == "--version") {
        cmd = cmd.long_version(leak(commands::shell::long_version()));
    }
    let parsed = cmd
        .try_get_matches()
        .and_then(|m| <cli::Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            // clap prints help/version to stdout with exit 0; usage errors go to stderr with 2.
            let code = if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let verbose = cli.verbose();
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            print_error(&e, verbose);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn write_stdout(args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    if let Err(e) = std::io::stdout().lock().write_fmt(args) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(EXIT_CLEAN.into());
        }
        diag!("drydock: error: cannot write to standard output: {e}");
        std::process::exit(EXIT_ERROR.into());
    }
}

/// One line by default (the error and its causes joined), the whole chain with `-v`.
fn print_error(e: &anyhow::Error, verbose: bool) {
    if verbose {
        diag!("drydock: error: {e}");
        for cause in e.chain().skip(1) {
            diag!("  caused by: {cause}");
        }
    } else {
        let mut line = e.to_string();
        for cause in e.chain().skip(1) {
            let c = cause.to_string();
            if !line.contains(&c) {
                line.push_str(": ");
                line.push_str(&c);
            }
        }
        diag!("drydock: error: {}", line.replace('\n', " "));
    }
}

impl cli::Cli {
    fn verbose(&self) -> bool {
        match &self.command {
            cli::Command::Scan(a) => a.output.verbose,
            cli::Command::Secrets(a) => a.output.verbose,
            _ => false,
        }
    }
}
