use crate::cli::{ParseArgs, ParseFormat};
use anyhow::{Context, Result};
use std::io::Read;

/// Largest Dockerfile read (`DRYDOCK_MAX_DOCKERFILE_BYTES` overrides it): real ones are a
/// few kilobytes, and the parsed model costs a multiple of the text.
pub const MAX_DOCKERFILE_BYTES: u64 = 4 << 20;

fn max_dockerfile_bytes() -> u64 {
    std::env::var("DRYDOCK_MAX_DOCKERFILE_BYTES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(MAX_DOCKERFILE_BYTES)
}

/// Read a Dockerfile (or `-` for standard input) through the size limit. A named file must
/// be a regular file (after symlinks): a FIFO or device would hang or never end.
pub fn read_input(path: &std::path::Path) -> Result<Vec<u8>> {
    let max = max_dockerfile_bytes();
    let (reader, name): (Box<dyn Read>, String) = if path.as_os_str() == "-" {
        (Box::new(std::io::stdin()), "standard input".into())
    } else {
        let name = path.display().to_string();
        let meta = std::fs::metadata(path).with_context(|| format!("{name}: cannot read"))?;
        if !meta.is_file() {
            anyhow::bail!("{name}: not a regular file");
        }
        let f = std::fs::File::open(path).with_context(|| format!("{name}: cannot read"))?;
        (Box::new(f), name)
    };
    let mut buf = Vec::new();
    reader
        .take(max + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("{name}: cannot read"))?;
    if buf.len() as u64 > max {
        anyhow::bail!(
            "{name}: larger than {max} bytes, the Dockerfile size limit (set DRYDOCK_MAX_DOCKERFILE_BYTES to change it)"
        );
    }
    Ok(buf)
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
