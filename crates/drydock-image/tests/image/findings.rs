//! Every image rule on a built image, plus the clean image (no finding at medium or above).

use crate::common::*;
use drydock_core::{Location, Severity};

fn planted_scan() -> drydock_image::ImageScan {
    scan_image(&resolved(&planted(), "planted:1")).expect("scan")
}

#[test]
fn deleted_and_overwritten_secrets_name_their_layers() {
    let s = planted_scan();
    // Whiteout: the key is in layer 1 and hidden by layer 2.
    let key = with_rule(&s, "IM003", "root/.ssh/id_rsa");
    assert_eq!(key.len(), 1, "{:#?}", s.findings);
    assert_eq!(layer_of(key[0]), Some(1));
    assert_eq!(deleted_in(key[0]), Some(2));
    assert!(key[0].message.contains("still extractable from layer 1"));
    let npmrc = with_rule(&s, "IM003", "root/.npmrc");
    assert_eq!(deleted_in(npmrc[0]), Some(2));
    // Opaque directory and overwrite: secret findings carry deleted_in too.
    let session = with_rule(&s, "IM002", "opt/cache/session.txt");
    assert!(!session.is_empty(), "{:#?}", s.findings);
    assert_eq!(deleted_in(session[0]), Some(2));
    let cfg = with_rule(&s, "IM002", "app/config.yml");
    assert!(!cfg.is_empty());
    assert_eq!(layer_of(cfg[0]), Some(1));
    // The replacement (a placeholder) is not a secret.
    assert!(with_rule(&s, "IM001", "app/config.yml").is_empty());
    // Present files: IM001 with deleted_in null.
    let env = with_rule(&s, "IM001", "app/.env");
    assert!(!env.is_empty());
    assert_eq!(deleted_in(env[0]), None);
    let tok = github_token(1);
    assert!(env
        .iter()
        .all(|f| f.evidence.as_ref().is_some_and(|e| !e.value.contains(&tok))));
    assert!(!with_rule(&s, "IM003", "app/.env").is_empty());
    assert!(!with_rule(&s, "IM003", "app/.git").is_empty());
}

#[test]
fn created_by_maps_through_empty_layers() {
    let s = planted_scan();
    let key = &with_rule(&s, "IM003", "root/.ssh/id_rsa")[0];
    match &key.location {
        Location::Layer {
            created_by,
            layer_digest,
            ..
        } => {
            assert!(created_by.as_deref().unwrap().contains("make"));
            assert_eq!(layer_digest, &s.summary.layers[1].diff_id);
        }
        other => panic!("{other:?}"),
    }
    let hist: Vec<Option<usize>> = s.summary.layers.iter().map(|l| l.history_index).collect();
    assert_eq!(hist, vec![Some(0), Some(2), Some(3)]);
    let comp: Vec<&str> = s
        .summary
        .layers
        .iter()
        .map(|l| l.compression.as_str())
        .collect();
    assert_eq!(comp, vec!["gzip", "zstd", "none"]);
}

#[test]
fn config_and_history_findings() {
    let s = planted_scan();
    let field = |rule: &str| -> Vec<String> {
        s.findings
            .iter()
            .filter(|f| f.rule == rule)
            .filter_map(|f| match &f.location {
                Location::Config { field, .. } => Some(field.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(field("IM004"), vec!["User"]);
    assert!(field("IM005").iter().all(|f| f == "Env"));
    assert!(field("IM005").len() >= 2, "{:#?}", s.findings);
    assert_eq!(field("IM006"), vec!["Labels"]);
    assert!(
        field("IM007").contains(&"history[2]".to_string()),
        "{:#?}",
        s.findings
    );
    // Which layer that step made: history[1] is an empty-layer step, so history[2] made
    // layer 1.
    assert!(
        s.findings
            .iter()
            .filter(|f| f.rule == "IM007")
            .all(|f| f.message.contains("the step that made layer 1")),
        "{:#?}",
        s.findings
    );
    assert_eq!(field("IM008"), vec!["Healthcheck"]);
    assert_eq!(field("IM009"), vec!["ExposedPorts"]);
    let hc = s.findings.iter().find(|f| f.rule == "IM008").unwrap();
    assert_eq!(hc.severity, Severity::Info);
}

#[test]
fn permissions_users_os_and_waste() {
    let s = planted_scan();
    assert_eq!(with_rule(&s, "IM010", "usr/local/bin/rootsh").len(), 1);
    let expected = with_rule(&s, "IM010", "usr/bin/passwd");
    assert!(
        expected.iter().all(|f| f.severity == Severity::Info),
        "allowlisted"
    );
    assert_eq!(with_rule(&s, "IM011", "app/data").len(), 1);
    assert_eq!(with_rule(&s, "IM011", "app/run.sh").len(), 1);
    assert!(with_rule(&s, "IM011", "tmp").is_empty(), "sticky");
    assert!(with_rule(&s, "IM011", "bin/sh").is_empty(), "symlink");
    let shadow = with_rule(&s, "IM012", "etc/shadow");
    assert_eq!(shadow.len(), 1);
    assert!(shadow[0].message.contains("`bob`"));
    let uid0 = with_rule(&s, "IM013", "etc/passwd");
    assert_eq!(uid0.len(), 1);
    assert!(uid0[0].message.contains("toor"));
    let eol = with_rule(&s, "IM014", "etc/os-release");
    assert_eq!(eol.len(), 1, "{:#?}", s.findings);
    assert!(eol[0].message.contains("Debian GNU/Linux 9"));
    let os = s.summary.os.as_ref().unwrap();
    assert_eq!((os.id.as_str(), os.version_id.as_str()), ("debian", "9"));
    let waste = with_rule(&s, "IM015", "var/cache/big.bin");
    assert_eq!(waste.len(), 1);
    assert_eq!(deleted_in(waste[0]), Some(2));
    assert!(s.summary.waste_bytes >= 2 << 20);
    assert!(s.summary.efficiency < 1.0 && s.summary.efficiency > 0.0);
    assert_eq!(s.summary.layers.len(), 3);
    assert_eq!(s.summary.user, "");
}

/// The HTML layer view's data: per layer, paths added/changed/deleted, the bytes a later
/// layer wastes, and the biggest changes.
#[test]
fn layer_changes_count_files_and_waste() {
    let s = planted_scan();
    let waste = with_rule(&s, "IM015", "var/cache/big.bin");
    let Location::Layer { layer, .. } = &waste[0].location else {
        panic!("IM015 has a layer location")
    };
    let added_in = &s.summary.layers[*layer].changes;
    assert!(added_in.added > 0);
    assert!(added_in.wasted_bytes >= 2 << 20, "{added_in:?}");
    assert!(
        added_in
            .biggest
            .iter()
            .any(|c| c.path == "var/cache/big.bin" && c.change == "added" && c.size >= 2 << 20),
        "{added_in:?}"
    );
    assert!(added_in.biggest.len() <= drydock_image::LayerChanges::BIGGEST);
    assert!(added_in.biggest.windows(2).all(|w| w[0].size >= w[1].size));
    let removed_in = &s.summary.layers[deleted_in(waste[0]).unwrap()].changes;
    assert!(
        removed_in.deleted + removed_in.changed >= 1,
        "{removed_in:?}"
    );
    // What every layer wastes adds up to the image's waste.
    let per_layer: u64 = s
        .summary
        .layers
        .iter()
        .map(|l| l.changes.wasted_bytes)
        .sum();
    assert_eq!(per_layer, s.summary.waste_bytes);
}

#[test]
fn vendor_content_is_downgraded_with_reason() {
    let s = planted_scan();
    let vendor: Vec<_> = s
        .findings
        .iter()
        .filter(|f| f.location.path() == Some("/usr/share/libfoo/test.key"))
        .collect();
    assert!(!vendor.is_empty(), "{:#?}", s.findings);
    for f in vendor {
        assert!(f.severity <= Severity::Low, "{f:?}");
        assert!(f.message.contains("libfoo1"), "{f:?}");
    }
}

#[test]
fn clean_image_has_nothing_at_medium_or_above() {
    let s = scan_image(&resolved(&clean(), "clean:1")).unwrap();
    let bad: Vec<_> = s
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Medium)
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    assert_eq!(
        s.summary.os.as_ref().unwrap().pretty_name,
        "Debian GNU/Linux 12 (bookworm)"
    );
    assert_eq!(s.summary.user, "10001:10001");
}

#[test]
fn sinks_receive_wanted_files_with_layer_indexes() {
    struct Sink(Vec<(usize, String)>, Vec<(usize, String)>);
    impl drydock_core::FileSink for Sink {
        fn wants(&self, path: &str, _size: u64) -> bool {
            path.ends_with(".list") || path == "etc/passwd"
        }
        fn file(&mut self, layer: usize, path: &str, _data: &[u8]) {
            self.0.push((layer, path.to_string()));
        }
        fn deleted(&mut self, layer: usize, path: &str) {
            self.1.push((layer, path.to_string()));
        }
    }
    let mut sink = Sink(Vec::new(), Vec::new());
    let img = resolved(&planted(), "planted:1");
    let opts = drydock_image::ScanOptions::default();
    drydock_image::scan(&img, &opts, &mut [&mut sink]).unwrap();
    sink.0.sort();
    assert_eq!(
        sink.0,
        vec![
            (0, "etc/passwd".to_string()),
            (0, "var/lib/dpkg/info/libfoo1:amd64.list".to_string())
        ]
    );
    assert!(sink.1.contains(&(2, "root/.npmrc".to_string())));
}

#[test]
fn platform_tagging_and_fingerprints_are_stable() {
    let img = resolved(&planted(), "planted:1");
    let opts = drydock_image::ScanOptions {
        tag_platform: true,
        ..Default::default()
    };
    let a = drydock_image::scan(&img, &opts, &mut []).unwrap();
    let b = drydock_image::scan(&img, &opts, &mut []).unwrap();
    assert!(a
        .findings
        .iter()
        .all(|f| f.platform.as_deref() == Some("linux/amd64")));
    let fa: Vec<_> = a.findings.iter().map(|f| &f.fingerprint).collect();
    let fb: Vec<_> = b.findings.iter().map(|f| &f.fingerprint).collect();
    assert_eq!(fa, fb);
}

#[test]
fn heredoc_history_and_package_data_areas() {
    let tok = github_token(9);
    let lists = Layer::new().file(
        "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_i18n_Translation-en",
        format!("Description-en: example\n token={tok}\n").as_bytes(),
    );
    let img = Image::new().layer(
        lists,
        Comp::Gzip,
        &format!(
            "/bin/sh -c <<EOF\nset -eu\necho \"API_TOKEN={}\" > /app/x.env",
            github_token(10)
        ),
    );
    let s = scan_image(&resolved(&img, "h:1")).unwrap();
    let apt: Vec<_> = s.findings.iter().filter(|f| f.rule == "IM001").collect();
    assert!(!apt.is_empty());
    assert!(apt
        .iter()
        .all(|f| f.severity <= Severity::Low && f.message.contains("apt package lists")));
    assert!(
        s.findings.iter().any(|f| f.rule == "IM007"
            && f.location
                == Location::Config {
                    image: "h:1".into(),
                    field: "history[0]".into()
                }),
        "{:#?}",
        s.findings
    );
}

#[test]
fn setgid_programs_name_their_group_and_privileged_groups_are_high() {
    let img = Image::new().layer(
        Layer::new()
            .file("etc/group", b"root:x:0:\nshadow:x:42:\nstaff:x:50:\n")
            .file_mode("usr/local/bin/read-shadow", b"\x7fELF", 0o2755, 42)
            .file_mode("usr/local/bin/staff-tool", b"\x7fELF", 0o2755, 50),
        Comp::None,
        "ADD rootfs",
    );
    let scan = scan_image(&resolved(&img, "sgid:1")).expect("scan");
    let im010 = |name: &str| {
        scan.findings
            .iter()
            .find(|f| f.rule == "IM010" && f.message.contains(name))
            .unwrap_or_else(|| panic!("no IM010 for {name}: {:#?}", scan.findings))
    };
    let shadow = im010("read-shadow");
    assert_eq!(shadow.severity, Severity::High);
    assert!(
        shadow.message.contains("group `shadow` (gid 42)"),
        "{}",
        shadow.message
    );
    let staff = im010("staff-tool");
    assert_eq!(staff.severity, Severity::Medium);
    assert!(
        staff.message.contains("group `staff` (gid 50)"),
        "{}",
        staff.message
    );
}

#[test]
fn sticky_world_writable_dirs_outside_tmp_are_listed_at_info() {
    let img = Image::new().layer(
        Layer::new()
            .dir_mode("tmp", 0o1777)
            .dir_mode("var/tmp", 0o1777)
            .dir_mode("srv/uploads", 0o1777)
            .dir_mode("opt/drop", 0o777),
        Comp::None,
        "ADD rootfs",
    );
    let scan = scan_image(&resolved(&img, "ww:1")).expect("scan");
    let im011: Vec<(&str, Severity)> = scan
        .findings
        .iter()
        .filter(|f| f.rule == "IM011")
        .map(|f| (f.message.as_str(), f.severity))
        .collect();
    assert_eq!(im011.len(), 2, "{im011:?}");
    assert!(im011
        .iter()
        .any(|(m, s)| m.starts_with("/srv/uploads ") && *s == Severity::Info));
    assert!(im011
        .iter()
        .any(|(m, s)| m.starts_with("/opt/drop ") && *s == Severity::Medium));
}

#[test]
fn rules_the_policy_disables_do_not_run() {
    use drydock_core::{Policy, RuleSelector};
    let img = resolved(&planted(), "planted:1");
    let all = drydock_image::scan(&img, &Default::default(), &mut []).unwrap();
    assert!(all.findings.iter().any(|f| f.rule == "IM003"));
    assert!(all.rule_failures.is_empty());
    let opts = drydock_image::ScanOptions {
        policy: Policy {
            ignore: vec![RuleSelector("IM003".into())],
            ..Policy::default()
        },
        ..Default::default()
    };
    let some = drydock_image::scan(&img, &opts, &mut []).unwrap();
    assert!(some.findings.iter().all(|f| f.rule != "IM003"));
    assert_eq!(
        some.findings.len(),
        all.findings.iter().filter(|f| f.rule != "IM003").count()
    );
}
