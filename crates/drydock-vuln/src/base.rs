//! Which layers of an image come from its base image (the `FROM` of the last build).
//!
//! Images do not record their base explicitly, so the rule is, in order:
//! 1. **buildah/podman history comments.** `buildah commit` writes `FROM <base>` into the
//!    comment of the first history entry of a build, and `FROM <12-hex id>` into the entries
//!    of later steps (intermediate images). The *last* entry whose comment names a base that
//!    is not a bare image id starts the image's own instructions; every layer before it is
//!    the base's, and the comment names the base.
//! 2. **A root filesystem import at the bottom.** Otherwise, when the first history entry
//!    that made a layer imports a root filesystem (`ADD file:<hash> in /`, `ADD <name>.tar* /`,
//!    debuerreotype's `# debian.sh …`, a comment naming debootstrap/debuerreotype/a
//!    minirootfs), that layer is the (OS) base: Docker's classic builder and BuildKit copy
//!    the base's history first, and official images start with exactly this import
//!    followed by a `CMD`. For an image built on an intermediate base (python on debian),
//!    this finds the OS base, which is what `apt-get`/`apk` fixes land in.
//! 3. Nothing else tells: the base is unknown.
//!
//! The base's *name* comes from the OCI annotation or label
//! `org.opencontainers.image.base.name` (buildah and BuildKit set the annotation) or
//! the buildah comment; its layer count never comes from the annotation (that would need
//! the base's own manifest).

/// One entry of the image config's `history`, oldest first.
#[derive(Clone, Debug, Default)]
pub struct HistoryEntry<'a> {
    pub created_by: Option<&'a str>,
    pub comment: Option<&'a str>,
    pub empty_layer: bool,
}

/// How the base was recognised (shown to the user and documented).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseRule {
    /// rule 1: a buildah `FROM <base>` history comment.
    BuildahComment,
    /// rule 2: a root-filesystem import as the first layer.
    RootfsImport,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseImage {
    /// `debian:12`, `localhost/lab/debian-base:bookworm`; `None` when nothing names it.
    pub name: Option<String>,
    /// Base digest from the `org.opencontainers.image.base.digest` annotation or label.
    pub digest: Option<String>,
    /// Layers `0..layers` come from the base.
    pub layers: usize,
    pub rule: BaseRule,
}

const BASE_NAME: &str = "org.opencontainers.image.base.name";
const BASE_DIGEST: &str = "org.opencontainers.image.base.digest";

fn is_short_id(s: &str) -> bool {
    (s.len() == 12 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Does this history entry import a root filesystem?
fn is_rootfs_import(h: &HistoryEntry<'_>) -> bool {
    let by = h.created_by.unwrap_or("").trim();
    // `/bin/sh -c #(nop) ADD file:… in /` (classic builder, buildah) or `ADD … / # buildkit`.
    let cmd = by
        .strip_prefix("/bin/sh -c #(nop)")
        .map(str::trim)
        .unwrap_or(by);
    let add_root = cmd.strip_prefix("ADD ").is_some_and(|rest| {
        let rest = rest.trim_end_matches("# buildkit").trim();
        let mut words = rest.split_whitespace();
        let (src, rest_words) = (words.next().unwrap_or(""), words.collect::<Vec<_>>());
        let dest = rest_words.last().copied().unwrap_or("");
        dest == "/"
            && (src.starts_with("file:")
                || src.contains(".tar")
                || src.contains("rootfs")
                || src.contains("minirootfs"))
    });
    let comment = h.comment.unwrap_or("").to_ascii_lowercase();
    add_root
        || by.starts_with("# debian.sh")
        || by.starts_with("# ubuntu")
        || comment.starts_with("debuerreotype")
        || comment.contains("debootstrap")
}

/// Find the base image's layers from the config history and the image's annotations /
/// labels (`annotations` may be empty). `layer_count` is the number of layers
/// (`rootfs.diff_ids`). Returns `None` when no rule applies, or when the rule would make
/// the whole image the base (nothing was built on top).
pub fn detect_base<'a>(
    history: &[HistoryEntry<'a>],
    layer_count: usize,
    annotations: &dyn Fn(&str) -> Option<&'a str>,
) -> Option<BaseImage> {
    let ann_name = annotations(BASE_NAME)
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let digest = annotations(BASE_DIGEST)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from);
    // Layers made by history entries before index `i`.
    let layers_before = |i: usize| history[..i].iter().filter(|h| !h.empty_layer).count();
    // The history may not describe every layer (squashed, hand-made images): trust it only
    // when its layer count agrees with the rootfs.
    let history_ok = layers_before(history.len()) == layer_count;

    if history_ok {
        // Rule 1.
        let buildah = history.iter().enumerate().rev().find_map(|(i, h)| {
            let from = h.comment?.trim().strip_prefix("FROM ")?.trim();
            (!from.is_empty() && !is_short_id(from)).then_some((i, from))
        });
        if let Some((i, from)) = buildah {
            let layers = layers_before(i);
            if layers > 0 && layers < layer_count {
                return Some(BaseImage {
                    name: ann_name.or(Some(from)).map(String::from),
                    digest,
                    layers,
                    rule: BaseRule::BuildahComment,
                });
            }
        }
        // Rule 2.
        if let Some(first) = history.iter().find(|h| !h.empty_layer) {
            if is_rootfs_import(first) && layer_count > 1 {
                return Some(BaseImage {
                    name: ann_name.map(String::from),
                    digest,
                    layers: 1,
                    rule: BaseRule::RootfsImport,
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h<'a>(by: &'a str, comment: Option<&'a str>, empty: bool) -> HistoryEntry<'a> {
        HistoryEntry {
            created_by: Some(by),
            comment,
            empty_layer: empty,
        }
    }
    fn none(_: &str) -> Option<&'static str> {
        None
    }

    #[test]
    fn buildah_comment_names_the_base() {
        // As podman build writes it (the lab's big-waste image).
        let hist = [
            h(
                "/bin/sh -c #(nop) ADD file:c00cb32e in /",
                Some("debootstrap --variant=minbase bookworm"),
                false,
            ),
            h(
                "/bin/sh -c apt-get update && apt-get install -y curl",
                Some("FROM localhost/lab/debian-base:bookworm"),
                false,
            ),
            h("/bin/sh -c rm -rf /data", Some("FROM 886270275067"), false),
            h(
                "/bin/sh -c #(nop) CMD [\"bash\"]",
                Some("FROM cdbf063cc09c"),
                true,
            ),
        ];
        let b = detect_base(&hist, 3, &none).unwrap();
        assert_eq!(b.layers, 1);
        assert_eq!(b.rule, BaseRule::BuildahComment);
        assert_eq!(
            b.name.as_deref(),
            Some("localhost/lab/debian-base:bookworm")
        );
    }

    #[test]
    fn buildah_chain_takes_the_last_named_from() {
        let hist = [
            h("/bin/sh -c #(nop) ADD file:aa in /", None, false),
            h(
                "/bin/sh -c apt-get install -y python3",
                Some("FROM debian:12"),
                false,
            ),
            h(
                "/bin/sh -c #(nop) CMD [\"python3\"]",
                Some("FROM 0123456789ab"),
                true,
            ),
            h(
                "/bin/sh -c pip install flask",
                Some("FROM lab/python:3"),
                false,
            ),
        ];
        let b = detect_base(&hist, 3, &none).unwrap();
        assert_eq!((b.layers, b.name.as_deref()), (2, Some("lab/python:3")));
    }

    #[test]
    fn docker_classic_and_official_images() {
        // Docker's classic builder on debian:12 (no comments): the rootfs import.
        let hist = [
            h("/bin/sh -c #(nop) ADD file:5d6b6 in / ", None, false),
            h("/bin/sh -c #(nop)  CMD [\"bash\"]", None, true),
            h("/bin/sh -c apt-get update", None, false),
            h("/bin/sh -c #(nop) COPY file:8d in /app ", None, false),
        ];
        let ann = |k: &str| (k == BASE_NAME).then_some("docker.io/library/debian:12");
        let b = detect_base(&hist, 3, &ann).unwrap();
        assert_eq!(b.layers, 1);
        assert_eq!(b.rule, BaseRule::RootfsImport);
        assert_eq!(b.name.as_deref(), Some("docker.io/library/debian:12"));
        // debuerreotype (official Debian images) + BuildKit steps.
        let hist = [
            h(
                "# debian.sh --arch 'amd64' out/ 'bookworm' '@1700000000'",
                Some("debuerreotype 0.15"),
                false,
            ),
            h("CMD [\"bash\"]", Some("buildkit.dockerfile.v0"), true),
            h(
                "RUN /bin/sh -c apt-get update # buildkit",
                Some("buildkit.dockerfile.v0"),
                false,
            ),
        ];
        assert_eq!(detect_base(&hist, 2, &none).unwrap().layers, 1);
        // Alpine's minirootfs under BuildKit.
        let hist = [
            h(
                "ADD alpine-minirootfs-3.19.1-x86_64.tar.gz / # buildkit",
                None,
                false,
            ),
            h("CMD [\"/bin/sh\"]", None, true),
            h("RUN apk add curl # buildkit", None, false),
        ];
        assert_eq!(detect_base(&hist, 2, &none).unwrap().layers, 1);
    }

    #[test]
    fn unknown_or_inconsistent_history_gives_none() {
        // A single imported layer is the base itself: nothing built on top.
        let only = [h("/bin/sh -c #(nop) ADD file:aa in /", None, false)];
        assert_eq!(detect_base(&only, 1, &none), None);
        // The first layer is not a rootfs import.
        let hist = [
            h("COPY app /app # buildkit", None, false),
            h("RUN make", None, false),
        ];
        assert_eq!(detect_base(&hist, 2, &none), None);
        // History that does not describe the layers (squashed image).
        let hist = [h("/bin/sh -c #(nop) ADD file:aa in /", None, false)];
        assert_eq!(detect_base(&hist, 3, &none), None);
        // `COPY file:… in /` is not an import.
        let hist = [
            h("/bin/sh -c #(nop) COPY file:aa in / ", None, false),
            h("RUN x", None, false),
        ];
        assert_eq!(detect_base(&hist, 2, &none), None);
    }
}
