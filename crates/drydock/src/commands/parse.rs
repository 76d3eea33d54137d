use crate::cli::{ParseArgs, ParseFormat};
use anyhow::Result;

pub fn run(args: ParseArgs) -> Result<u8> {
    let bytes = drydock_scan::read_input(&args.file)?;
    let name = args.file.display().to_string();
    let df = drydock_scan::parse_dockerfile(&bytes, &name);
    match args.format {
        ParseFormat::Json => {
            outln!("{}", serde_json::to_string_pretty(&df.json)?);
        }
        ParseFormat::Text => {
            for i in &df.instructions {
                let flags = if i.flags.is_empty() {
                    String::new()
                } else {
                    format!(" {}", i.flags.join(" "))
                };
                outln!(
                    "{:>4}-{:<4} {}{}{} {:?}",
                    i.start_line,
                    i.end_line,
                    i.cmd,
                    i.sub_cmd
                        .as_deref()
                        .map(|s| format!(" {s}"))
                        .unwrap_or_default(),
                    flags,
                    i.value
                );
                for (name, len) in &i.heredocs {
                    outln!("          <<{name} ({len} bytes)");
                }
            }
            for (line, message) in &df.errors {
                diag!("{name}:{line}: error: {message}");
            }
        }
    }
    // A file that does not parse is an error for `parse`, whose only job is parsing.
    Ok(if df.errors.is_empty() {
        crate::EXIT_CLEAN
    } else {
        crate::EXIT_ERROR
    })
}
