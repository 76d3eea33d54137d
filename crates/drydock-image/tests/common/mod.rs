//! A small deterministic image builder for tests: tar layers (gzip/zstd/none), OCI and
//! Docker manifests, configs with history, written as OCI layout, OCI archive or
//! docker-archive (skopeo-style, legacy `docker save`, multi-image). Also raw tar headers
//! for hostile archives the `tar` crate's builder refuses to write.
#![allow(dead_code)]

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

pub fn sha256(b: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(b)))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comp {
    None,
    Gzip,
    Zstd,
}

pub fn compress(data: &[u8], c: Comp) -> Vec<u8> {
    match c {
        Comp::None => data.to_vec(),
        Comp::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        Comp::Zstd => zstd::encode_all(data, 1).unwrap(),
    }
}

/// A layer's tar, built entry by entry (mtime 0, deterministic).
#[derive(Clone, Default)]
pub struct Layer {
    tar: Vec<u8>,
}

fn header(path: &str, kind: tar::EntryType, size: u64, mode: u32, uid: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(mode);
    h.set_uid(uid);
    h.set_gid(uid);
    h.set_mtime(0);
    // Raw name bytes: allows `..`, absolute paths (the builder's set_path refuses them).
    let name = path.as_bytes();
    assert!(name.len() <= 100, "use long_file for names over 100 bytes");
    h.as_old_mut().name[..name.len()].copy_from_slice(name);
    h.set_cksum();
    h
}

impl Layer {
    pub fn new() -> Self {
        Layer::default()
    }

    fn push(&mut self, h: &tar::Header, data: &[u8]) {
        self.tar.extend_from_slice(h.as_bytes());
        self.tar.extend_from_slice(data);
        let pad = (512 - data.len() % 512) % 512;
        self.tar.extend(std::iter::repeat_n(0u8, pad));
    }

    pub fn file(self, path: &str, data: &[u8]) -> Self {
        self.file_mode(path, data, 0o644, 0)
    }

    pub fn file_mode(mut self, path: &str, data: &[u8], mode: u32, uid: u64) -> Self {
        let h = header(path, tar::EntryType::Regular, data.len() as u64, mode, uid);
        self.push(&h, data);
        self
    }

    /// A file of `size` zero bytes (waste, bombs) without holding a big literal.
    pub fn zeros(mut self, path: &str, size: usize) -> Self {
        let h = header(path, tar::EntryType::Regular, size as u64, 0o644, 0);
        self.push(&h, &vec![0u8; size]);
        self
    }

    pub fn dir(self, path: &str) -> Self {
        self.dir_mode(path, 0o755)
    }

    pub fn dir_mode(mut self, path: &str, mode: u32) -> Self {
        let h = header(path, tar::EntryType::Directory, 0, mode, 0);
        self.push(&h, &[]);
        self
    }

    fn link(mut self, path: &str, target: &str, kind: tar::EntryType) -> Self {
        let mut h = header(path, kind, 0, 0o777, 0);
        h.set_link_name(target).unwrap();
        h.set_cksum();
        self.push(&h, &[]);
        self
    }

    pub fn symlink(self, path: &str, target: &str) -> Self {
        self.link(path, target, tar::EntryType::Symlink)
    }

    pub fn hardlink(self, path: &str, target: &str) -> Self {
        self.link(path, target, tar::EntryType::Link)
    }

    /// `.wh.NAME` for `path`.
    pub fn whiteout(self, path: &str) -> Self {
        let (dir, name) = match path.rfind('/') {
            Some(i) => (&path[..=i], &path[i + 1..]),
            None => ("", path),
        };
        self.file(&format!("{dir}.wh.{name}"), b"")
    }

    pub fn opaque(self, dir: &str) -> Self {
        self.file(&format!("{dir}/.wh..wh..opq"), b"")
    }

    /// A file whose name needs a GNU long-name (`././@LongLink`) or PAX header.
    pub fn long_file(mut self, path: &str, data: &[u8], pax: bool) -> Self {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = if pax {
            tar::Header::new_ustar()
        } else {
            tar::Header::new_gnu()
        };
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_entry_type(tar::EntryType::Regular);
        if pax {
            b.append_pax_extensions([("path", path.as_bytes())])
                .unwrap();
            h.set_path("pax-short-name").unwrap();
            h.set_cksum();
            b.append(&h, data).unwrap();
        } else {
            b.append_data(&mut h, path, data).unwrap();
        }
        let mut bytes = b.into_inner().unwrap();
        // into_inner() finishes the archive: drop its two end-of-archive blocks.
        bytes.truncate(bytes.len() - 1024);
        self.tar.extend_from_slice(&bytes);
        self
    }

    /// A raw header (already checksummed or deliberately broken) plus data.
    pub fn raw(mut self, header: [u8; 512], data: &[u8]) -> Self {
        self.tar.extend_from_slice(&header);
        self.tar.extend_from_slice(data);
        let pad = (512 - data.len() % 512) % 512;
        self.tar.extend(std::iter::repeat_n(0u8, pad));
        self
    }

    pub fn header_for(path: &str, kind: tar::EntryType, size: u64) -> [u8; 512] {
        let h = header(path, kind, size, 0o644, 0);
        let mut out = [0u8; 512];
        out.copy_from_slice(h.as_bytes());
        out
    }

    /// The finished tar (with the two zero end blocks).
    pub fn tar(&self) -> Vec<u8> {
        let mut t = self.tar.clone();
        t.extend(std::iter::repeat_n(0u8, 1024));
        t
    }
}

#[derive(Clone)]
pub struct LayerSpec {
    pub tar: Vec<u8>,
    pub comp: Comp,
    pub created_by: String,
}

/// An image: layers plus config, built into blobs.
#[derive(Clone)]
pub struct Image {
    pub layers: Vec<LayerSpec>,
    pub user: Option<String>,
    pub env: Vec<String>,
    pub labels: Vec<(String, String)>,
    pub exposed: Vec<String>,
    pub healthcheck: Option<Vec<String>>,
    /// Extra `empty_layer` history entries inserted before layer N: (N, created_by).
    pub empty_history: Vec<(usize, String)>,
    pub os: String,
    pub arch: String,
    pub variant: Option<String>,
    /// Write Docker v2s2 media types instead of OCI.
    pub docker_types: bool,
    /// Omit the manifest's top-level mediaType (podman import / umoci style).
    pub omit_media_type: bool,
}

pub struct Built {
    pub config: Vec<u8>,
    pub config_digest: String,
    /// (blob, digest, diff_id, media type)
    pub layers: Vec<(Vec<u8>, String, String, String)>,
    pub manifest: Vec<u8>,
    pub manifest_digest: String,
    pub manifest_media_type: String,
}

impl Default for Image {
    fn default() -> Self {
        Image {
            layers: Vec::new(),
            user: None,
            env: vec!["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into()],
            labels: Vec::new(),
            exposed: Vec::new(),
            healthcheck: None,
            empty_history: Vec::new(),
            os: "linux".into(),
            arch: "amd64".into(),
            variant: None,
            docker_types: false,
            omit_media_type: false,
        }
    }
}

impl Image {
    pub fn new() -> Self {
        Image::default()
    }

    pub fn layer(mut self, l: Layer, comp: Comp, created_by: &str) -> Self {
        self.layers.push(LayerSpec {
            tar: l.tar(),
            comp,
            created_by: created_by.into(),
        });
        self
    }

    /// A layer from raw (possibly broken) tar bytes.
    pub fn raw_layer(mut self, tar: Vec<u8>, comp: Comp, created_by: &str) -> Self {
        self.layers.push(LayerSpec {
            tar,
            comp,
            created_by: created_by.into(),
        });
        self
    }

    pub fn build(&self) -> Built {
        let layer_mt = |c: Comp| -> String {
            match (self.docker_types, c) {
                (true, Comp::Gzip) => "application/vnd.docker.image.rootfs.diff.tar.gzip".into(),
                (true, _) => "application/vnd.docker.image.rootfs.diff.tar".into(),
                (false, Comp::None) => "application/vnd.oci.image.layer.v1.tar".into(),
                (false, Comp::Gzip) => "application/vnd.oci.image.layer.v1.tar+gzip".into(),
                (false, Comp::Zstd) => "application/vnd.oci.image.layer.v1.tar+zstd".into(),
            }
        };
        let layers: Vec<(Vec<u8>, String, String, String)> = self
            .layers
            .iter()
            .map(|l| {
                let blob = compress(&l.tar, l.comp);
                let d = sha256(&blob);
                (blob, d, sha256(&l.tar), layer_mt(l.comp))
            })
            .collect();
        let mut history = Vec::new();
        for (i, l) in self.layers.iter().enumerate() {
            for (n, cb) in &self.empty_history {
                if *n == i {
                    history.push(serde_json::json!({"created":"1970-01-01T00:00:00Z","created_by":cb,"empty_layer":true}));
                }
            }
            history.push(
                serde_json::json!({"created":"1970-01-01T00:00:00Z","created_by":l.created_by}),
            );
        }
        for (n, cb) in &self.empty_history {
            if *n >= self.layers.len() {
                history.push(serde_json::json!({"created_by":cb,"empty_layer":true}));
            }
        }
        let mut cfg = serde_json::json!({
            "created": "1970-01-01T00:00:00Z",
            "architecture": self.arch,
            "os": self.os,
            "config": {
                "Env": self.env,
                "Labels": self.labels.iter().cloned().collect::<std::collections::BTreeMap<_,_>>(),
                "ExposedPorts": self.exposed.iter().map(|p| (p.clone(), serde_json::json!({}))).collect::<serde_json::Map<_,_>>(),
            },
            "rootfs": {"type":"layers","diff_ids": layers.iter().map(|l| l.2.clone()).collect::<Vec<_>>()},
            "history": history,
        });
        if let Some(v) = &self.variant {
            cfg["variant"] = serde_json::json!(v);
        }
        if let Some(u) = &self.user {
            cfg["config"]["User"] = serde_json::json!(u);
        }
        if let Some(h) = &self.healthcheck {
            cfg["config"]["Healthcheck"] = serde_json::json!({"Test": h});
        }
        let config = serde_json::to_vec(&cfg).unwrap();
        let config_digest = sha256(&config);
        let (mt, cfg_mt) = if self.docker_types {
            (
                "application/vnd.docker.distribution.manifest.v2+json",
                "application/vnd.docker.container.image.v1+json",
            )
        } else {
            (
                "application/vnd.oci.image.manifest.v1+json",
                "application/vnd.oci.image.config.v1+json",
            )
        };
        let mut m = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": mt,
            "config": {"mediaType": cfg_mt, "digest": config_digest, "size": config.len()},
            "layers": layers.iter().map(|l| serde_json::json!({"mediaType": l.3, "digest": l.1, "size": l.0.len()})).collect::<Vec<_>>(),
        });
        if self.omit_media_type {
            m.as_object_mut().unwrap().remove("mediaType");
        }
        let manifest = serde_json::to_vec(&m).unwrap();
        Built {
            manifest_digest: sha256(&manifest),
            config,
            config_digest,
            layers,
            manifest,
            manifest_media_type: mt.into(),
        }
    }
}

fn write_blob(dir: &Path, data: &[u8]) -> String {
    let d = sha256(data);
    let p = dir.join("blobs/sha256").join(&d[7..]);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, data).unwrap();
    d
}

/// Write an OCI layout with the given (tag, image) pairs; `index_of` adds a multi-platform
/// index under `tag` instead: (tag, images), written as a nested index.
pub fn write_oci_layout(dir: &Path, images: &[(&str, &Image)]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let mut entries = Vec::new();
    for (tag, img) in images {
        let b = write_image_blobs(dir, img);
        entries.push(serde_json::json!({
            "mediaType": b.manifest_media_type, "digest": b.manifest_digest, "size": b.manifest.len(),
            "annotations": {"org.opencontainers.image.ref.name": tag}
        }));
    }
    let index = serde_json::json!({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":entries});
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
}

/// `skopeo copy … dir:DIR` layout: `manifest.json`, `version`, blobs named by digest hex.
pub fn write_dir_image(dir: &Path, img: &Image) -> Built {
    std::fs::create_dir_all(dir).unwrap();
    let b = img.build();
    let hex = |d: &str| d.trim_start_matches("sha256:").to_string();
    std::fs::write(dir.join(hex(&b.config_digest)), &b.config).unwrap();
    for l in &b.layers {
        std::fs::write(dir.join(hex(&l.1)), &l.0).unwrap();
    }
    std::fs::write(dir.join("manifest.json"), &b.manifest).unwrap();
    std::fs::write(dir.join("version"), "Directory Transport Version: 1.1\n").unwrap();
    b
}

pub fn write_image_blobs(dir: &Path, img: &Image) -> Built {
    let b = img.build();
    write_blob(dir, &b.config);
    for l in &b.layers {
        write_blob(dir, &l.0);
    }
    write_blob(dir, &b.manifest);
    b
}

/// OCI layout whose index.json points (under `tag`) at a nested image index of platforms.
pub fn write_oci_multiarch(dir: &Path, tag: &str, images: &[&Image]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let mut ms = Vec::new();
    for img in images {
        let b = write_image_blobs(dir, img);
        let mut p = serde_json::json!({"os": img.os, "architecture": img.arch});
        if let Some(v) = &img.variant {
            p["variant"] = serde_json::json!(v);
        }
        ms.push(serde_json::json!({"mediaType": b.manifest_media_type, "digest": b.manifest_digest, "size": b.manifest.len(), "platform": p}));
    }
    // An attestation-style entry that must be skipped.
    let inner = serde_json::to_vec(&serde_json::json!({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":ms})).unwrap();
    let d = write_blob(dir, &inner);
    let outer = serde_json::json!({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":d,"size":inner.len(),"annotations":{"org.opencontainers.image.ref.name":tag}}]});
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&outer).unwrap()).unwrap();
}

/// Tar a directory tree (deterministic order) into `out`.
pub fn tar_dir(dir: &Path, out: &Path) {
    let f = std::fs::File::create(out).unwrap();
    let mut b = tar::Builder::new(f);
    b.mode(tar::HeaderMode::Deterministic);
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files.sort();
    for rel in files {
        b.append_path_with_name(dir.join(&rel), &rel).unwrap();
    }
    b.finish().unwrap();
}

fn collect(root: &Path, d: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(d).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(root, &p, out);
        } else {
            out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
}

pub fn write_oci_archive(out: &Path, images: &[(&str, &Image)]) {
    let tmp = tempfile::tempdir().unwrap();
    write_oci_layout(tmp.path(), images);
    tar_dir(tmp.path(), out);
}

/// docker-archive styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DockerStyle {
    /// skopeo: `<diffid-hex>.tar` layers, `<config-hex>.json`.
    Skopeo,
    /// legacy `docker save`: `<id>/layer.tar` (+ `json`, `VERSION`), `repositories`;
    /// layers that repeat an earlier one are symlinks `../<id>/layer.tar`.
    Legacy,
    /// Docker 25+: OCI layout inside, `manifest.json` pointing into `blobs/sha256/`.
    OciInDocker,
}

/// Write a docker-archive holding `images` (each with its RepoTags). Layers are stored
/// uncompressed, as `docker save` does.
pub fn write_docker_archive(out: &Path, images: &[(&[&str], &Image)], style: DockerStyle) {
    let f = std::fs::File::create(out).unwrap();
    let mut b = tar::Builder::new(f);
    let add = |b: &mut tar::Builder<std::fs::File>, name: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, name, data).unwrap();
    };
    let mut manifest = Vec::new();
    let mut written: Vec<String> = Vec::new();
    for (img_no, (tags, img)) in images.iter().enumerate() {
        let built = img.build();
        let cfg_hex = &built.config_digest[7..];
        let cfg_name = match style {
            DockerStyle::OciInDocker => format!("blobs/sha256/{cfg_hex}"),
            _ => format!("{cfg_hex}.json"),
        };
        if !written.contains(&cfg_name) {
            add(&mut b, &cfg_name, &built.config);
            written.push(cfg_name.clone());
        }
        let mut layer_names = Vec::new();
        for (i, spec) in img.layers.iter().enumerate() {
            let diff_hex = sha256(&spec.tar)[7..].to_string();
            let name = match style {
                DockerStyle::Skopeo => format!("{diff_hex}.tar"),
                DockerStyle::OciInDocker => format!("blobs/sha256/{diff_hex}"),
                DockerStyle::Legacy => format!(
                    "{}/layer.tar",
                    &sha256(format!("{img_no}/{i}/{diff_hex}").as_bytes())[7..]
                ),
            };
            if style == DockerStyle::Legacy {
                let id = name.trim_end_matches("/layer.tar").to_string();
                // A layer identical to one already written becomes a symlink, as docker does.
                let prev = written
                    .iter()
                    .find(|w| w.starts_with("L:") && w.ends_with(&diff_hex))
                    .cloned();
                let mut h = tar::Header::new_gnu();
                h.set_entry_type(tar::EntryType::Directory);
                h.set_size(0);
                h.set_mode(0o755);
                h.set_mtime(0);
                b.append_data(&mut h, format!("{id}/"), &[][..]).unwrap();
                add(&mut b, &format!("{id}/VERSION"), b"1.0");
                add(&mut b, &format!("{id}/json"), br#"{"id":"x"}"#);
                if let Some(p) = prev {
                    let target_id = p[2..].split('|').next().unwrap().to_string();
                    let mut h = tar::Header::new_gnu();
                    h.set_entry_type(tar::EntryType::Symlink);
                    h.set_size(0);
                    h.set_mode(0o777);
                    h.set_mtime(0);
                    b.append_link(&mut h, &name, format!("../{target_id}/layer.tar"))
                        .unwrap();
                } else {
                    add(&mut b, &name, &spec.tar);
                    written.push(format!("L:{id}|{diff_hex}"));
                }
            } else if !written.contains(&name) {
                add(&mut b, &name, &spec.tar);
                written.push(name.clone());
            }
            layer_names.push(name);
        }
        manifest
            .push(serde_json::json!({"Config": cfg_name, "RepoTags": tags, "Layers": layer_names}));
    }
    add(
        &mut b,
        "manifest.json",
        &serde_json::to_vec(&manifest).unwrap(),
    );
    if style == DockerStyle::Legacy {
        add(&mut b, "repositories", b"{}");
    }
    if style == DockerStyle::OciInDocker {
        add(&mut b, "oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#);
        add(
            &mut b,
            "index.json",
            br#"{"schemaVersion":2,"manifests":[]}"#,
        );
    }
    b.finish().unwrap();
}

/// A valid GitHub classic token (prefix + 30 base62 chars + CRC32 checksum in base62).
pub fn github_token(seed: u32) -> String {
    const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut x = seed.wrapping_mul(2654435761).wrapping_add(12345);
    let body: String = (0..30)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            B62[(x % 62) as usize] as char
        })
        .collect();
    let mut crc = crc32(body.as_bytes());
    let mut cs = Vec::new();
    for _ in 0..6 {
        cs.push(B62[(crc % 62) as usize]);
        crc /= 62;
    }
    cs.reverse();
    format!("ghp_{body}{}", String::from_utf8(cs).unwrap())
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in data {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xedb8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// AWS's documented example key pair (never valid).
pub const AWS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// A syntactically valid (fake, never used) RSA private key block.
pub const RSA_KEY: &str = "-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun
VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK
LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo
9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvre
dZHKPmG6+IkNfCB+6/hUmFQh3vUH+1jUlAUF7GqCzXWGrYRq7WY2Wz9wn2oM8a8Q
-----END RSA PRIVATE KEY-----
";

use drydock_image::source::{BlobStore, Descriptor, ImageError, ResolvedImage};
use std::collections::HashMap;
use std::sync::Arc;

/// Blobs in memory (for fuzzing and integrity tests without files).
pub struct MemStore(pub HashMap<String, Vec<u8>>);

impl BlobStore for MemStore {
    fn describe(&self) -> String {
        "mem".into()
    }
    fn open_blob(&self, desc: &Descriptor) -> Result<Box<dyn std::io::Read + Send>, ImageError> {
        let b = self
            .0
            .get(&desc.digest)
            .cloned()
            .ok_or_else(|| ImageError::NotFound {
                input: "mem".into(),
                what: desc.digest.clone(),
            })?;
        Ok(Box::new(std::io::Cursor::new(b)))
    }
}

/// An in-memory [`ResolvedImage`] of a built image.
pub fn resolved(img: &Image, name: &str) -> ResolvedImage {
    let b = img.build();
    let mut blobs = HashMap::new();
    let mut layers = Vec::new();
    for (blob, digest, _, mt) in &b.layers {
        blobs.insert(digest.clone(), blob.clone());
        layers.push(Descriptor {
            media_type: mt.clone(),
            digest: digest.clone(),
            size: blob.len() as u64,
            ..Default::default()
        });
    }
    let config = drydock_image::manifest::ImageConfig::parse(&b.config, "test").unwrap();
    ResolvedImage {
        name: name.into(),
        platform: config.platform(),
        manifest_digest: Some(b.manifest_digest.clone()),
        config_raw: b.config.clone(),
        config,
        layers,
        annotations: Default::default(),
        store: Arc::new(MemStore(blobs)),
        skipped_platforms: Vec::new(),
    }
}

/// Scan with default options and no sinks.
pub fn scan_image(img: &ResolvedImage) -> Result<drydock_image::ImageScan, ImageError> {
    let opts = drydock_image::ScanOptions {
        scan_date: Some(drydock_core::eol::Date::parse("2026-11-27").unwrap()),
        ..Default::default()
    };
    drydock_image::scan(img, &opts, &mut [])
}

/// Findings of `rule` whose path ends with `path`.
pub fn with_rule<'a>(
    s: &'a drydock_image::ImageScan,
    rule: &str,
    path: &str,
) -> Vec<&'a drydock_core::Finding> {
    s.findings
        .iter()
        .filter(|f| f.rule == rule && f.location.path().is_some_and(|p| p.ends_with(path)))
        .collect()
}

pub fn deleted_in(f: &drydock_core::Finding) -> Option<usize> {
    match &f.location {
        drydock_core::Location::Layer { deleted_in, .. } => *deleted_in,
        _ => None,
    }
}

pub fn layer_of(f: &drydock_core::Finding) -> Option<usize> {
    match &f.location {
        drydock_core::Location::Layer { layer, .. } => Some(*layer),
        _ => None,
    }
}

/// The "planted" image: one of every finding, over three layers (gzip, zstd, none).
pub fn planted() -> Image {
    let tok = github_token(1);
    let base = Layer::new()
        .dir("etc")
        .file("etc/os-release", b"PRETTY_NAME=\"Debian GNU/Linux 9 (stretch)\"\nID=debian\nVERSION_ID=\"9\"\n")
        .file("etc/passwd", b"root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/sh\n")
        .file_mode("etc/shadow", b"root:*:19000:0:99999:7:::\ntoor:!:19000::::::\nbob::19000:0:99999:7:::\n", 0o640, 0)
        .file_mode("usr/bin/passwd", b"\x7fELF-passwd", 0o4755, 0)
        .file("var/lib/dpkg/info/libfoo1:amd64.list", b"/.\n/usr\n/usr/share/libfoo/test.key\n")
        .file("usr/share/libfoo/test.key", RSA_KEY.as_bytes())
        .dir_mode("tmp", 0o1777)
        .symlink("bin/sh", "dash");
    let secrets = Layer::new()
        .file(
            "app/.env",
            format!("DATABASE_URL=postgres://app:S3cr3tPassw0rd@db:5432/app\nGITHUB_TOKEN={tok}\n")
                .as_bytes(),
        )
        .file_mode("root/.ssh/id_rsa", RSA_KEY.as_bytes(), 0o600, 0)
        .file(
            "root/.npmrc",
            format!("//registry.npmjs.org/:_authToken={}\n", github_token(2)).as_bytes(),
        )
        .file(
            "app/config.yml",
            format!("token: {}\n", github_token(3)).as_bytes(),
        )
        .file(
            "opt/cache/session.txt",
            format!("{}\n", github_token(4)).as_bytes(),
        )
        .dir("app/.git")
        .file("app/.git/config", b"[core]\n")
        .file_mode("usr/local/bin/rootsh", b"\x7fELF-bash", 0o4755, 0)
        .dir_mode("app/data", 0o777)
        .file_mode("app/run.sh", b"#!/bin/sh\necho hi\n", 0o777, 0)
        .zeros("var/cache/big.bin", 2 << 20);
    let cleanup = Layer::new()
        .whiteout("root/.ssh/id_rsa")
        .whiteout("root/.npmrc")
        .opaque("opt/cache")
        .file("opt/cache/new.txt", b"fresh\n")
        .file("app/config.yml", b"token: ${TOKEN}\n")
        .whiteout("var/cache/big.bin");
    let mut img = Image::new()
        .layer(base, Comp::Gzip, "/bin/sh -c #(nop) ADD file:abc in / ")
        .layer(
            secrets,
            Comp::Zstd,
            &format!("|1 GITHUB_TOKEN={} /bin/sh -c make", github_token(5)),
        )
        .layer(
            cleanup,
            Comp::None,
            "/bin/sh -c rm -rf /root/.ssh /root/.npmrc",
        );
    img.env.push(format!("AWS_SECRET_ACCESS_KEY={AWS_SECRET}"));
    img.env.push(format!("API_TOKEN={}", github_token(6)));
    img.labels
        .push(("db.password".into(), "hunter2-Prod-2024!".into()));
    img.exposed.push("22/tcp".into());
    img.empty_history = vec![
        (1, "/bin/sh -c #(nop)  ENV APP=1".into()),
        (3, "/bin/sh -c #(nop)  CMD [\"sh\"]".into()),
    ];
    img
}

/// A clean image: non-root user, health check, nothing sensitive.
pub fn clean() -> Image {
    let l = Layer::new()
        .dir("etc")
        .file(
            "etc/os-release",
            b"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n",
        )
        .file(
            "etc/passwd",
            b"root:x:0:0:root:/root:/bin/bash\napp:x:10001:10001::/app:/usr/sbin/nologin\n",
        )
        .file_mode(
            "etc/shadow",
            b"root:*:19000:0:99999:7:::\napp:!:19000::::::\n",
            0o640,
            0,
        )
        .file_mode("usr/bin/passwd", b"\x7fELF", 0o4755, 0)
        .dir_mode("tmp", 0o1777)
        .file("app/main.py", b"print('hello')\n");
    let mut img = Image::new().layer(l, Comp::Gzip, "COPY . /app");
    img.user = Some("10001:10001".into());
    img.healthcheck = Some(vec!["CMD".into(), "true".into()]);
    img
}
