use crate::cli::{ParseArgs, ParseFormat};
use anyhow::{Context, Result};
use std::io::Read;

pub fn read_input(path: &std::path::Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("standard input: cannot read")?;
        return Ok(buf);
    }
    std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))
}

pub fn run(args: ParseArgs) -> Result<u8> {
    let bytes = read_input(&args.file)?;
    let name = args.file.display().to_string();
    let df = drydock_dockerfile::parse_bytes(&bytes, &name);
    match args.format {
        ParseFormat::Json => {
            let v = drydock_dockerfile::to_parse_json(&df);
            outln!("{}", serde_json::to_string_pretty(&v)?);
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
                for h in &i.heredocs {
                    outln!("          <<{} ({} bytes)", h.name, h.content.len());
                }
            }
            for e in &df.errors {
                diag!("{name}:{}: error: {}", e.line, e.message);
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
