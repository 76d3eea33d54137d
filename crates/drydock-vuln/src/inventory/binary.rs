//! Packages compiled into executables: Go build info (`.go.buildinfo`) and Rust
//! cargo-auditable dependency lists (`.dep-v0`), found through the ELF section table.
use crate::package::{Kind, Package};
use std::io::Read;

struct Elf<'a> {
    data: &'a [u8],
    is64: bool,
    le: bool,
    sections: Vec<Section>,
}

#[derive(Clone, Debug)]
struct Section {
    name: String,
    addr: u64,
    offset: u64,
    size: u64,
    nobits: bool,
}

impl<'a> Elf<'a> {
    fn u16(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.data.get(at..at + 2)?.try_into().ok()?;
        Some(if self.le {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }
    fn u32(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(at..at + 4)?.try_into().ok()?;
        Some(if self.le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }
    fn u64(&self, at: usize) -> Option<u64> {
        let b: [u8; 8] = self.data.get(at..at + 8)?.try_into().ok()?;
        Some(if self.le {
            u64::from_le_bytes(b)
        } else {
            u64::from_be_bytes(b)
        })
    }
    fn parse(data: &'a [u8]) -> Option<Elf<'a>> {
        if data.len() < 64 || &data[..4] != b"\x7fELF" {
            return None;
        }
        let mut e = Elf {
            data,
            is64: data[4] == 2,
            le: data[5] != 2,
            sections: Vec::new(),
        };
        let (shoff, shentsize, shnum, shstrndx) = if e.is64 {
            (e.u64(0x28)?, e.u16(0x3a)?, e.u16(0x3c)?, e.u16(0x3e)?)
        } else {
            (
                e.u32(0x20)? as u64,
                e.u16(0x2e)?,
                e.u16(0x30)?,
                e.u16(0x32)?,
            )
        };
        if shnum == 0 || shentsize < 40 || shnum > 4096 {
            return Some(e);
        }
        let mut raw = Vec::new();
        for i in 0..shnum as usize {
            let at = (shoff as usize).checked_add(i * shentsize as usize)?;
            let (name, ty, addr, offset, size) = if e.is64 {
                (
                    e.u32(at)?,
                    e.u32(at + 4)?,
                    e.u64(at + 16)?,
                    e.u64(at + 24)?,
                    e.u64(at + 32)?,
                )
            } else {
                (
                    e.u32(at)?,
                    e.u32(at + 4)?,
                    e.u32(at + 12)? as u64,
                    e.u32(at + 16)? as u64,
                    e.u32(at + 20)? as u64,
                )
            };
            raw.push((name, ty, addr, offset, size));
        }
        let strtab = raw.get(shstrndx as usize).copied();
        for (name, ty, addr, offset, size) in raw {
            let n = strtab
                .and_then(|(_, _, _, so, ss)| {
                    let tab = data.get(so as usize..so.checked_add(ss)? as usize)?;
                    let s = tab.get(name as usize..)?;
                    let end = s.iter().position(|&c| c == 0)?;
                    Some(String::from_utf8_lossy(&s[..end]).into_owned())
                })
                .unwrap_or_default();
            e.sections.push(Section {
                name: n,
                addr,
                offset,
                size,
                nobits: ty == 8,
            });
        }
        Some(e)
    }

    fn section(&self, name: &str) -> Option<&'a [u8]> {
        let s = self.sections.iter().find(|s| s.name == name && !s.nobits)?;
        self.data
            .get(s.offset as usize..s.offset.checked_add(s.size)? as usize)
    }

    /// Bytes at a virtual address (for pre-1.18 Go build info pointers).
    fn at_vaddr(&self, addr: u64, len: u64) -> Option<&'a [u8]> {
        let s = self.sections.iter().find(|s| {
            !s.nobits
                && addr >= s.addr
                && addr
                    .checked_add(len)
                    .is_some_and(|end| s.addr.checked_add(s.size).is_some_and(|top| end <= top))
        })?;
        let off = s.offset.checked_add(addr - s.addr)?;
        self.data.get(off as usize..off.checked_add(len)? as usize)
    }
}

const GO_MAGIC: &[u8] = b"\xff Go buildinf:";

fn uvarint(b: &[u8]) -> Option<(u64, usize)> {
    let mut x = 0u64;
    for (i, &c) in b.iter().enumerate().take(10) {
        x |= ((c & 0x7f) as u64) << (7 * i);
        if c < 0x80 {
            return Some((x, i + 1));
        }
    }
    None
}

/// (Go version, module info text) from a `.go.buildinfo` blob.
/// `elf` is needed for the pointer form of Go < 1.18 only (`None`: a bare record).
fn go_buildinfo(elf: Option<&Elf>, blob: &[u8]) -> Option<(String, String)> {
    let start = blob.windows(GO_MAGIC.len()).position(|w| w == GO_MAGIC)?;
    let b = &blob[start..];
    let ptr_size = *b.get(14)? as usize;
    let flags = *b.get(15)?;
    if flags & 2 != 0 {
        // Go 1.18+: two varint-length-prefixed strings after the 32-byte header.
        let mut rest = b.get(32..)?;
        let mut strs = Vec::new();
        for _ in 0..2 {
            let (n, k) = uvarint(rest)?;
            let end = k.checked_add(usize::try_from(n).ok()?)?;
            let s = rest.get(k..end)?;
            strs.push(String::from_utf8_lossy(s).into_owned());
            rest = &rest[end..];
        }
        let modinfo = strs.pop()?;
        let version = strs.pop()?;
        return Some((version, modinfo));
    }
    // Before Go 1.18: two pointers to Go string headers (ptr, len).
    let big = flags & 1 != 0;
    let read_ptr = |bytes: &[u8]| -> Option<u64> {
        Some(match (ptr_size, big) {
            (8, false) => u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?),
            (8, true) => u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?),
            (4, false) => u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as u64,
            (4, true) => u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as u64,
            _ => return None,
        })
    };
    let read_string = |hdr_addr: u64| -> Option<String> {
        let elf = elf?;
        let hdr = elf.at_vaddr(hdr_addr, 2 * ptr_size as u64)?;
        let (p, n) = (read_ptr(hdr)?, read_ptr(&hdr[ptr_size..])?);
        if n > 1 << 20 {
            return None;
        }
        Some(String::from_utf8_lossy(elf.at_vaddr(p, n)?).into_owned())
    };
    let version = read_string(read_ptr(b.get(16..)?)?)?;
    let modinfo = read_string(read_ptr(b.get(16 + ptr_size..)?)?).unwrap_or_default();
    Some((version, modinfo))
}

fn parse_go(version: &str, modinfo: &str, path: &str, layer: usize) -> Vec<Package> {
    let mut out = Vec::new();
    // Module info is framed by 16-byte sentinels.
    let mi = if modinfo.len() >= 33 && modinfo.as_bytes()[modinfo.len() - 17] == b'\n' {
        modinfo.get(16..modinfo.len() - 16).unwrap_or(modinfo)
    } else {
        modinfo
    };
    let gov = version.split_whitespace().next().unwrap_or("");
    if gov.starts_with("go1") {
        out.push(Package::new(
            Kind::GoStdlib,
            "stdlib",
            crate::version::golang::normalize_stdlib(gov),
            path,
            layer,
        ));
    }
    for line in mi.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["mod", m, v, ..] if *v != "(devel)" && !v.is_empty() => {
                out.push(Package::new(Kind::Go, *m, *v, path, layer))
            }
            ["dep", m, v, ..] => out.push(Package::new(Kind::Go, *m, *v, path, layer)),
            ["=>", m, v, ..] => {
                // Replacement of the previous dep; a local-directory replacement has no version.
                if let Some(last) = out.last_mut().filter(|p| p.kind == Kind::Go) {
                    if v.is_empty() {
                        out.pop();
                    } else {
                        last.name = m.to_string();
                        last.version = v.to_string();
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn parse_auditable(blob: &[u8], path: &str, layer: usize) -> Vec<Package> {
    let mut json = Vec::new();
    let dec = flate2::read::ZlibDecoder::new(blob);
    if dec.take(16 << 20).read_to_end(&mut json).is_err() {
        return Vec::new();
    }
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&json) else {
        return Vec::new();
    };
    let Some(pkgs) = v.get("packages").and_then(|p| p.as_array()) else {
        return Vec::new();
    };
    pkgs.iter()
        .filter(|p| p.get("source").and_then(|s| s.as_str()) == Some("crates.io"))
        .filter(|p| p.get("kind").and_then(|s| s.as_str()) != Some("build"))
        .filter_map(|p| {
            Some(Package::new(
                Kind::Cargo,
                p.get("name")?.as_str()?,
                p.get("version")?.as_str()?,
                path,
                layer,
            ))
        })
        .collect()
}

/// Packages compiled into an ELF executable (empty for anything else). `data` may also be
/// just the Go build info record (from its magic on): the image walker sends that for
/// executables too large to hold in memory.
pub fn parse_binary(data: &[u8], path: &str, layer: usize) -> Vec<Package> {
    if data.starts_with(GO_MAGIC) {
        return go_buildinfo(None, data)
            .map(|(v, mi)| parse_go(&v, &mi, path, layer))
            .unwrap_or_default();
    }
    let Some(elf) = Elf::parse(data) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(blob) = elf.section(".go.buildinfo") {
        if let Some((v, mi)) = go_buildinfo(Some(&elf), blob) {
            out.extend(parse_go(&v, &mi, path, layer));
        }
    } else if elf.sections.is_empty() {
        // Section headers stripped: the build info still starts with its magic.
        if let Some(start) = data.windows(GO_MAGIC.len()).position(|w| w == GO_MAGIC) {
            if let Some((v, mi)) = go_buildinfo(Some(&elf), &data[start..]) {
                out.extend(parse_go(&v, &mi, path, layer));
            }
        }
    }
    if let Some(blob) = elf.section(".dep-v0") {
        out.extend(parse_auditable(blob, path, layer));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal little-endian ELF64 file with the given sections (for tests).
    pub fn elf_with_sections(sections: &[(&str, &[u8])]) -> Vec<u8> {
        let mut shstr = vec![0u8];
        let mut name_off = Vec::new();
        for (n, _) in sections {
            name_off.push(shstr.len() as u32);
            shstr.extend_from_slice(n.as_bytes());
            shstr.push(0);
        }
        let shstr_name = shstr.len() as u32;
        shstr.extend_from_slice(b".shstrtab\0");
        let mut data = vec![0u8; 64];
        let mut offs = Vec::new();
        for (_, body) in sections {
            offs.push(data.len() as u64);
            data.extend_from_slice(body);
        }
        let shstr_off = data.len() as u64;
        data.extend_from_slice(&shstr);
        while !data.len().is_multiple_of(8) {
            data.push(0);
        }
        let shoff = data.len() as u64;
        let mut sh = |name: u32, ty: u32, off: u64, size: u64| {
            let mut e = vec![0u8; 64];
            e[0..4].copy_from_slice(&name.to_le_bytes());
            e[4..8].copy_from_slice(&ty.to_le_bytes());
            e[24..32].copy_from_slice(&off.to_le_bytes());
            e[32..40].copy_from_slice(&size.to_le_bytes());
            data.extend_from_slice(&e);
        };
        sh(0, 0, 0, 0);
        for (i, (_, body)) in sections.iter().enumerate() {
            sh(name_off[i], 1, offs[i], body.len() as u64);
        }
        sh(shstr_name, 3, shstr_off, shstr.len() as u64);
        data[0..4].copy_from_slice(b"\x7fELF");
        data[4] = 2;
        data[5] = 1;
        data[6] = 1;
        data[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
        data[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
        data[0x3c..0x3e].copy_from_slice(&((sections.len() + 2) as u16).to_le_bytes());
        data[0x3e..0x40].copy_from_slice(&((sections.len() + 1) as u16).to_le_bytes());
        data
    }

    /// A Go 1.18+ `.go.buildinfo` section body.
    pub fn go_buildinfo_blob(version: &str, modinfo: &str) -> Vec<u8> {
        let mut b = GO_MAGIC.to_vec();
        b.push(8);
        b.push(2);
        b.resize(32, 0);
        for s in [version, modinfo] {
            let mut n = s.len() as u64;
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    b.push(byte);
                    break;
                }
                b.push(byte | 0x80);
            }
            b.extend_from_slice(s.as_bytes());
        }
        b
    }

    #[test]
    fn go_and_auditable_binaries() {
        let sentinel = "0123456789abcdef";
        let modinfo = format!(
            "{sentinel}path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\tgolang.org/x/net\tv0.17.0\th1:abc=\ndep\tgithub.com/old/lib\tv1.0.0\th1:x=\n=>\tgithub.com/new/lib\tv1.2.0\th1:y=\nbuild\t-compiler=gc\n{sentinel}"
        );
        let mut modinfo = modinfo.into_bytes();
        let l = modinfo.len();
        modinfo[l - 17] = b'\n';
        let blob = go_buildinfo_blob("go1.21.3", std::str::from_utf8(&modinfo).unwrap());
        let elf = elf_with_sections(&[(".text", b"\x90\x90"), (".go.buildinfo", &blob)]);
        let pkgs = parse_binary(&elf, "usr/local/bin/app", 3);
        let names: Vec<(&str, &str)> = pkgs
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("stdlib", "1.21.3"),
                ("golang.org/x/net", "v0.17.0"),
                ("github.com/new/lib", "v1.2.0")
            ]
        );

        let json = br#"{"packages":[{"name":"app","version":"0.1.0","source":"local","root":true},{"name":"smallvec","version":"1.6.0","source":"crates.io"},{"name":"cc","version":"1.0.0","source":"crates.io","kind":"build"}]}"#;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut z, json).unwrap();
        let elf = elf_with_sections(&[(".dep-v0", &z.finish().unwrap())]);
        let pkgs = parse_binary(&elf, "usr/bin/tool", 0);
        assert_eq!(pkgs.len(), 1);
        assert_eq!(
            (pkgs[0].name.as_str(), pkgs[0].version.as_str()),
            ("smallvec", "1.6.0")
        );
        assert!(parse_binary(b"\x7fELF garbage", "x", 0).is_empty());
        assert!(parse_binary(&[0u8; 10], "x", 0).is_empty());
    }
}
