//! The code under fuzzing, one function per target. Each must never panic, hang or allocate
//! without bound on any input; AFL++ reports a panic (abort) as a crash.

use std::io::Read;
use std::sync::Mutex;

/// Dockerfile parser, stage model (ARG/ENV expansion) and expansion of every instruction.
pub fn dockerfile(data: &[u8]) {
    let df = drydock_dockerfile::parse_bytes(data, "Dockerfile");
    let model = drydock_dockerfile::stages::StageModel::build(&df, &Default::default());
    for (i, ins) in df.instructions.iter().enumerate() {
        for w in &ins.value {
            let _ = model.expand_full(&df, i, w);
        }
    }
}

/// One layer through the tar guard and walker (gzip/zstd/plain by magic), with small limits.
pub fn layer(data: &[u8]) {
    use drydock_image::blob::{LayerLimits, LayerReader};
    let limits = drydock_image::Limits {
        max_layer_bytes: 64 << 20,
        max_total_bytes: 64 << 20,
        max_ratio: 1000,
        ratio_grace: 1 << 20,
        max_document_bytes: 1 << 20,
    };
    let desc = drydock_image::Descriptor::default();
    let raw: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(data.to_vec()));
    let Ok(reader) = LayerReader::from_reader(raw, "fuzz".into(), &desc, "", &LayerLimits::new(&limits))
    else {
        return;
    };
    let opts = drydock_image::walker::WalkOptions {
        max_file_buffer: 64 << 10,
        ..Default::default()
    };
    let mut sinks: [&mut dyn drydock_core::FileSink; 0] = [];
    let shared = Mutex::new(&mut sinks[..]);
    let _ = drydock_image::walker::walk_layer(0, reader, &opts, drydock_core::Redaction::Redact, &shared);
}

/// Image manifests and indexes (OCI and Docker), with and without a media-type hint.
pub fn manifest(data: &[u8]) {
    let _ = drydock_image::manifest::parse_document(data, None, "fuzz");
    let _ = drydock_image::manifest::parse_document(data, Some(drydock_image::manifest::OCI_INDEX), "fuzz");
    let _ = serde_json::from_slice::<drydock_image::manifest::ImageConfig>(data);
}

/// The YAML reader behind Compose files and Kubernetes manifests.
pub fn yaml(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = drydock_runtime::yaml::parse_stream(text, 0);
    }
}
