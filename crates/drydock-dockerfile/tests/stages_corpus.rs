//! The stage model and build-context matcher over the shared corpus of real Dockerfiles:
//! no panics, and structural invariants hold for every file. Skips when `../shared` is absent.

use std::path::PathBuf;

use drydock_dockerfile::stages::{BaseImage, StageModel};

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/dockerfiles"
    ));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIP stages_corpus: {} not found (the shared corpus is optional)",
            dir.display()
        );
        None
    }
}

#[test]
fn stage_model_invariants_on_corpus() {
    let Some(dir) = corpus() else { return };
    let mut files = 0;
    let mut stages = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path().join("Dockerfile");
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let df = drydock_dockerfile::parse_bytes(&bytes, &path.to_string_lossy());
        let m = StageModel::build(&df, &Default::default());
        files += 1;
        stages += m.stages.len();
        let froms = df.instructions.iter().filter(|i| i.cmd == "FROM").count();
        assert_eq!(m.stages.len(), froms, "{}", path.display());
        // Stages tile the instructions from the first FROM to the end.
        for w in m.stages.windows(2) {
            assert_eq!(w[0].instructions.end, w[1].instructions.start);
        }
        if let Some(last) = m.final_stage() {
            assert_eq!(last.instructions.end, df.instructions.len());
            let used = m.stages_used_by_final(&df);
            assert!(used.contains(&last.index), "{}", path.display());
            assert!(used.windows(2).all(|w| w[0] < w[1]));
        }
        for s in &m.stages {
            assert_eq!(m.stage_of(s.from).map(|x| x.index), Some(s.index));
            if let BaseImage::Stage(j) = s.base {
                assert!(j < s.index, "{}: FROM refers forward", path.display());
            }
        }
        for (i, ins) in df.instructions.iter().enumerate() {
            let _ = m.vars_at(i);
            for w in &ins.value {
                let _ = m.expand(&df, i, w);
            }
            let _ = m.copy_from(&df, i);
            let _ = m.mount_sources(&df, i);
            let _ = m.copy_sources(&df, i);
        }
    }
    assert!(files > 100, "corpus unexpectedly small: {files}");
    assert!(stages >= files);
}
