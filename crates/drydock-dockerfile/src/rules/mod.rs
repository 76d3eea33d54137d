//! The Dockerfile rules: one file per rule (its `RuleMeta` documentation and its check),
//! the registry listing them all, and the context every check reads.
//!
//! Adding a rule = a file here + a line in [`REGISTRY`] + a fixture
//! (`tests/fixtures/rules/DFnnn.Dockerfile`) + its snapshot.

use std::collections::BTreeMap;
use std::path::PathBuf;

use drydock_core::eol::Date;
use drydock_core::{Evidence, Finding, Location, Redaction, RuleMeta, SourceSpan};
use drydock_secrets::{ContentKind, Engine, ScanContext, SecretMatch};

use crate::ast::{Dockerfile, Instruction, Span};
use crate::context::BuildContext;
use crate::shell::{RunAnalysis, RunInfo, RunScript, SimpleCommand};
use crate::stages::{BaseImage, Stage, StageModel};
use fixing::{Fix, FixContext};

mod add_instead_of_copy;
mod add_remote_without_checksum;
mod apk_cache_kept;
mod apt_get_missing_yes;
mod apt_instead_of_apt_get;
mod apt_lists_not_cleaned;
mod apt_no_install_recommends;
mod authorization_header_in_run;
mod base_image_latest;
mod base_image_no_digest;
mod base_image_untagged;
mod cd_instead_of_workdir;
mod code_owned_by_runtime_user;
mod consecutive_run;
mod copy_from_self;
mod copy_from_unknown_stage;
mod copy_from_unpinned_image;
mod copy_multiple_sources_dest_no_slash;
mod copy_relative_without_workdir;
mod copy_whole_filesystem;
mod credentials_in_url;
mod credentials_written_to_file;
mod dnf_cache_not_cleaned;
mod duplicate_stage_name;
mod env_same_statement_reference;
mod eol_base_image;
mod expose_ssh_port;
mod final_stage_no_user;
mod final_stage_root_user;
pub(crate) mod fixing;
mod hardcoded_password_set;
mod hardcoded_platform;
mod insecure_http_download;
mod insecure_run_flags;
mod invalid_port;
mod large_base_image;
mod maintainer_deprecated;
mod missing_healthcheck;
mod multiple_cmd;
mod multiple_entrypoint;
mod multiple_healthcheck;
mod non_numeric_user;
mod npm_cache_kept;
pub(crate) mod onbuild_forbidden_trigger;
mod onbuild_trigger;
mod package_manager_missing_yes;
mod package_signature_check_disabled;
mod package_update_alone;
mod pip_cache_kept;
mod pipefail_missing;
mod pkg;
mod relative_workdir;
mod remote_script_piped_to_shell;
mod secret_in_arg_default;
mod secret_in_copied_heredoc;
mod secret_in_env;
mod secret_in_label;
mod secret_in_run;
mod secret_named_arg;
mod secret_named_env;
mod sensitive_file_copied;
mod sensitive_file_in_build_context;
mod setuid_setgid_bit;
mod shell_form_cmd_entrypoint;
mod shell_symlink_instead_of_shell;
mod ssh_host_key_check_disabled;
mod sudo_in_run;
mod system_upgrade_in_build;
mod tls_verification_disabled;
mod tls_verification_disabled_env;
mod unpinned_packages;
mod untrusted_registry;
mod useradd_without_no_log_init;
mod wget_and_curl;
mod world_writable_permissions;
mod yum_cache_not_cleaned;
mod zypper_cache_not_cleaned;

/// Every Dockerfile rule, in id order.
static REGISTRY: &[&dyn Rule] = &[
    &secret_in_env::SecretInEnv,
    &secret_in_arg_default::SecretInArgDefault,
    &secret_in_label::SecretInLabel,
    &secret_in_run::SecretInRun,
    &credentials_in_url::CredentialsInUrl,
    &authorization_header_in_run::AuthorizationHeaderInRun,
    &credentials_written_to_file::CredentialsWrittenToFile,
    &hardcoded_password_set::HardcodedPasswordSet,
    &secret_named_arg::SecretNamedArg,
    &secret_named_env::SecretNamedEnv,
    &sensitive_file_copied::SensitiveFileCopied,
    &sensitive_file_in_build_context::SensitiveFileInBuildContext,
    &final_stage_no_user::FinalStageNoUser,
    &final_stage_root_user::FinalStageRootUser,
    &sudo_in_run::SudoInRun,
    &base_image_untagged::BaseImageUntagged,
    &base_image_latest::BaseImageLatest,
    &base_image_no_digest::BaseImageNoDigest,
    &untrusted_registry::UntrustedRegistry,
    &eol_base_image::EolBaseImage,
    &large_base_image::LargeBaseImage,
    &copy_from_unpinned_image::CopyFromUnpinnedImage,
    &add_remote_without_checksum::AddRemoteWithoutChecksum,
    &remote_script_piped_to_shell::RemoteScriptPipedToShell,
    &tls_verification_disabled::TlsVerificationDisabled,
    &tls_verification_disabled_env::TlsVerificationDisabledEnv,
    &package_signature_check_disabled::PackageSignatureCheckDisabled,
    &ssh_host_key_check_disabled::SshHostKeyCheckDisabled,
    &insecure_http_download::InsecureHttpDownload,
    &insecure_run_flags::InsecureRunFlags,
    &world_writable_permissions::WorldWritablePermissions,
    &setuid_setgid_bit::SetuidSetgidBit,
    &apt_lists_not_cleaned::AptListsNotCleaned,
    &apk_cache_kept::ApkCacheKept,
    &yum_cache_not_cleaned::YumCacheNotCleaned,
    &dnf_cache_not_cleaned::DnfCacheNotCleaned,
    &zypper_cache_not_cleaned::ZypperCacheNotCleaned,
    &pip_cache_kept::PipCacheKept,
    &npm_cache_kept::NpmCacheKept,
    &apt_no_install_recommends::AptNoInstallRecommends,
    &useradd_without_no_log_init::UseraddWithoutNoLogInit,
    &system_upgrade_in_build::SystemUpgradeInBuild,
    &package_update_alone::PackageUpdateAlone,
    &apt_get_missing_yes::AptGetMissingYes,
    &unpinned_packages::UnpinnedPackages,
    &cd_instead_of_workdir::CdInsteadOfWorkdir,
    &relative_workdir::RelativeWorkdir,
    &multiple_cmd::MultipleCmd,
    &multiple_entrypoint::MultipleEntrypoint,
    &shell_form_cmd_entrypoint::ShellFormCmdEntrypoint,
    &missing_healthcheck::MissingHealthcheck,
    &multiple_healthcheck::MultipleHealthcheck,
    &expose_ssh_port::ExposeSshPort,
    &maintainer_deprecated::MaintainerDeprecated,
    &add_instead_of_copy::AddInsteadOfCopy,
    &copy_from_self::CopyFromSelf,
    &copy_from_unknown_stage::CopyFromUnknownStage,
    &duplicate_stage_name::DuplicateStageName,
    &invalid_port::InvalidPort,
    &pipefail_missing::PipefailMissing,
    &wget_and_curl::WgetAndCurl,
    &apt_instead_of_apt_get::AptInsteadOfAptGet,
    &hardcoded_platform::HardcodedPlatform,
    &copy_multiple_sources_dest_no_slash::CopyMultipleSourcesDestNoSlash,
    &onbuild_trigger::OnbuildTrigger,
    &secret_in_copied_heredoc::SecretInCopiedHeredoc,
    &code_owned_by_runtime_user::CodeOwnedByRuntimeUser,
    &package_manager_missing_yes::PackageManagerMissingYes,
    &consecutive_run::ConsecutiveRun,
    &copy_relative_without_workdir::CopyRelativeWithoutWorkdir,
    &copy_whole_filesystem::CopyWholeFilesystem,
    &non_numeric_user::NonNumericUser,
    &shell_symlink_instead_of_shell::ShellSymlinkInsteadOfShell,
    &env_same_statement_reference::EnvSameStatementReference,
    &onbuild_forbidden_trigger::OnbuildForbiddenTrigger,
];

/// Every Dockerfile rule, in id order.
pub fn registry() -> &'static [&'static dyn Rule] {
    REGISTRY
}

/// The metadata of every Dockerfile rule (for `drydock rules`, `explain`, docs, policy).
pub fn rule_metas() -> Vec<&'static RuleMeta> {
    REGISTRY.iter().map(|r| r.meta()).collect()
}

/// A rule by id (`DF014`) or name (`final-stage-root-user`).
pub fn find_rule(id_or_name: &str) -> Option<&'static RuleMeta> {
    rule_metas()
        .into_iter()
        .find(|m| m.id.eq_ignore_ascii_case(id_or_name) || m.name == id_or_name)
}

/// `docs/rules.md`: a table of every Dockerfile rule with its equivalents in Hadolint, Trivy
/// and Checkov, then each rule's full explanation (the same text `drydock explain` prints).
pub fn rules_markdown() -> String {
    let mut s = String::from(
        "# Dockerfile rules\n\nGenerated from the rule registry (`drydock rules`); `drydock explain ID` prints the same text.\n\n\
         | id | name | severity | category | default | title | Hadolint | Trivy | Checkov |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    let eq = |m: &RuleMeta, tool: &str| {
        m.equivalents
            .iter()
            .filter_map(|e| e.strip_prefix(tool))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for m in rule_metas() {
        s.push_str(&format!(
            "| [{id}](#{lid}) | `{}` | {} | {} | {} | {} | {} | {} | {} |\n",
            m.name,
            m.severity,
            m.category,
            if m.default_enabled { "on" } else { "off" },
            m.title.replace('|', "\\|"),
            eq(m, "hadolint:"),
            eq(m, "trivy:"),
            eq(m, "checkov:"),
            id = m.id,
            lid = m.id.to_ascii_lowercase(),
        ));
    }
    for m in rule_metas() {
        s.push_str(&format!(
            "\n## {}\n\n**{}** (`{}`) — severity {}, category {}{}\n\n{}\n",
            m.id,
            m.title,
            m.name,
            m.severity,
            m.category,
            if m.default_enabled {
                ""
            } else {
                ", off by default"
            },
            m.explanation.trim().replace("\n## ", "\n### ")
        ));
    }
    s
}

/// One Dockerfile check.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>);
    /// The mechanical fix of one of this rule's findings (`drydock fix`), as edits on the
    /// original text; `None` when the rule has no fixer or this occurrence is not safe to
    /// change, `Err` when a fix needed something it could not get (a registry digest).
    fn fix(&self, fx: &FixContext, finding: &Finding) -> Option<Result<Fix, String>> {
        let _ = (fx, finding);
        None
    }
}

/// Settings that change what the Dockerfile rules report.
#[derive(Clone, Debug)]
pub struct DockerfileOptions {
    /// Registries (`registry.example.com`) or repository prefixes (`ghcr.io/acme`) base
    /// images may come from; empty = no restriction (DF019 stays quiet).
    pub trusted_registries: Vec<String>,
    /// The date end-of-life dates are compared with (default: today, UTC).
    pub scan_date: Date,
    /// `--build-arg K=V` values used to resolve `FROM ${BASE}` and other expansions.
    pub build_args: BTreeMap<String, String>,
    pub redaction: Redaction,
    /// The build context directory; default: the Dockerfile's directory.
    pub context_dir: Option<PathBuf>,
    /// Walk the build context (with `.dockerignore`) to see what COPY/ADD really send.
    pub use_build_context: bool,
    /// The secret engine for values and RUN lines; `None` = the built-in rules. Set it when
    /// the user adds or disables secret rules (drydock.toml), so Dockerfiles obey them too.
    pub secrets: Option<std::sync::Arc<drydock_secrets::Engine>>,
}

impl Default for DockerfileOptions {
    fn default() -> Self {
        DockerfileOptions {
            trusted_registries: Vec::new(),
            scan_date: Date::today(),
            build_args: BTreeMap::new(),
            redaction: Redaction::Redact,
            context_dir: None,
            use_build_context: true,
            secrets: None,
        }
    }
}

/// Everything a rule may look at for one Dockerfile.
pub struct RuleContext<'a> {
    pub df: &'a Dockerfile,
    pub model: &'a StageModel,
    pub context: Option<&'a BuildContext>,
    pub options: &'a DockerfileOptions,
    pub secrets: &'a Engine,
    /// Parsed RUN scripts (only those that run through a POSIX shell).
    pub shell: &'a RunAnalysis,
    lines: Vec<&'a str>,
    final_chain: Vec<usize>,
}

impl<'a> RuleContext<'a> {
    pub fn new(
        df: &'a Dockerfile,
        model: &'a StageModel,
        context: Option<&'a BuildContext>,
        options: &'a DockerfileOptions,
        secrets: &'a Engine,
        shell: &'a RunAnalysis,
    ) -> Self {
        let lines = df
            .source
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        // The final image holds the final stage's layers and those of the stages it is
        // built FROM (not stages it only copies files out of).
        let mut final_chain = Vec::new();
        let mut cur = model.final_stage().map(|s| s.index);
        while let Some(i) = cur {
            if final_chain.contains(&i) {
                break;
            }
            final_chain.push(i);
            cur = match model.stages.get(i).map(|s| &s.base) {
                Some(BaseImage::Stage(j)) => Some(*j),
                _ => None,
            };
        }
        RuleContext {
            df,
            model,
            context,
            options,
            secrets,
            shell,
            lines,
            final_chain,
        }
    }

    /// All instructions with their index.
    pub fn instructions(&self) -> impl Iterator<Item = (usize, &'a Instruction)> {
        self.df.instructions.iter().enumerate()
    }

    /// Instructions whose effective keyword (ONBUILD triggers included) is `kw`.
    pub fn with_keyword(&self, kw: &'static str) -> impl Iterator<Item = (usize, &'a Instruction)> {
        self.instructions().filter(move |(_, i)| i.keyword() == kw)
    }

    /// Final stage first, then the stages it is built FROM.
    pub fn final_chain(&self) -> &[usize] {
        &self.final_chain
    }

    /// The final image is only an artifact export (`FROM scratch` + COPY, no CMD/ENTRYPOINT,
    /// used with `docker build --output`): nobody runs it, so runtime rules stay quiet.
    pub fn final_is_artifact_export(&self) -> bool {
        let root_scratch = self
            .final_chain
            .last()
            .and_then(|&s| self.model.stages.get(s))
            .is_some_and(|s| matches!(s.base, BaseImage::Scratch));
        root_scratch
            && !self
                .final_image_instructions()
                .iter()
                .any(|&i| matches!(self.df.instructions[i].cmd.as_str(), "CMD" | "ENTRYPOINT"))
    }

    /// True when instruction `i` produces layers or config of the final image. A file
    /// without any FROM (a fragment, which BuildKit rejects) is judged as one image.
    pub fn in_final_image(&self, i: usize) -> bool {
        match self.model.stage_of(i) {
            Some(s) => self.final_chain.contains(&s.index),
            None => self.model.stages.is_empty(),
        }
    }

    /// Instructions of the final image (final stage and the stages it is built FROM), in order.
    pub fn final_image_instructions(&self) -> Vec<usize> {
        if self.model.stages.is_empty() {
            return (0..self.df.instructions.len()).collect();
        }
        let mut v: Vec<usize> = self
            .final_chain
            .iter()
            .filter_map(|&s| self.model.stages.get(s))
            .flat_map(|s| s.instructions.clone())
            .collect();
        v.sort_unstable();
        v
    }

    pub fn stage_instructions(
        &self,
        stage: &Stage,
    ) -> impl Iterator<Item = (usize, &'a Instruction)> {
        let r = stage.instructions.clone();
        let df = self.df;
        r.filter_map(move |i| df.instructions.get(i).map(|ins| (i, ins)))
    }

    /// The source location of a span in this Dockerfile.
    pub fn loc(&self, span: Span) -> Location {
        Location::Source(SourceSpan {
            path: self.df.path.clone(),
            start_line: span.start_line,
            end_line: span.end_line,
            start_column: span.start_column,
            end_column: span.end_column,
        })
    }

    /// A finding of `meta` at `span`.
    pub fn finding(&self, meta: &RuleMeta, span: Span, message: impl Into<String>) -> Finding {
        Finding::from_rule(meta, message, self.loc(span))
    }

    pub fn span(&self, i: usize) -> Span {
        self.df.instructions[i].span
    }

    /// For instructions of which only the last one per stage counts (CMD, ENTRYPOINT,
    /// HEALTHCHECK): a finding on every earlier one, naming the line that overrides it.
    pub fn report_overridden(&self, meta: &RuleMeta, keyword: &str, out: &mut Vec<Finding>) {
        for stage in &self.model.stages {
            let all: Vec<usize> = self
                .stage_instructions(stage)
                .filter(|(_, ins)| ins.cmd == keyword)
                .map(|(i, _)| i)
                .collect();
            if let Some((&last, earlier)) = all.split_last() {
                for &i in earlier {
                    out.push(
                        self.finding(
                            meta,
                            self.span(i),
                            format!(
                                "this {keyword} is overridden by the one on line {}",
                                self.span(last).start_line
                            ),
                        )
                        .with_fix(format!("Keep only one {keyword} per stage")),
                    );
                }
            }
        }
    }

    /// Span of the first occurrence of `needle` inside instruction `i` (after its keyword),
    /// or the whole instruction when it cannot be found verbatim.
    pub fn find_span(&self, i: usize, needle: &str) -> Span {
        self.find_span_from(i, needle, 0)
    }

    /// Like [`find_span`](Self::find_span), skipping the first `skip` occurrences.
    pub fn find_span_from(&self, i: usize, needle: &str, skip: usize) -> Span {
        let ins = &self.df.instructions[i];
        if needle.is_empty() {
            return ins.span;
        }
        let mut seen = 0;
        for line in ins.start_line..=ins.end_line {
            let Some(text) = self.lines.get(line - 1) else {
                break;
            };
            let from = if line == ins.start_line {
                let kw = ins.cmd.len().min(text.len());
                text.char_indices()
                    .map(|(b, _)| b)
                    .find(|&b| b >= ins.span.start_column.saturating_sub(1) + kw)
                    .unwrap_or(text.len())
            } else {
                0
            };
            let mut start = from;
            while let Some(pos) = text.get(start..).and_then(|t| t.find(needle)) {
                let b = start + pos;
                if seen == skip {
                    let col = text[..b].chars().count() + 1;
                    let len = needle.chars().count();
                    return Span {
                        start_line: line,
                        start_column: col,
                        end_line: line,
                        end_column: col + len - 1,
                    };
                }
                seen += 1;
                start = b + needle.len();
            }
        }
        ins.span
    }

    /// Every simple command of every RUN analysed as shell.
    pub fn commands(
        &self,
    ) -> impl Iterator<Item = (&'a RunInfo, &'a RunScript, &'a SimpleCommand)> {
        self.shell
            .runs()
            .iter()
            .flat_map(|r| r.commands().map(move |(s, c)| (r, s, c)))
    }

    /// Every simple command of RUN, CMD, ENTRYPOINT and HEALTHCHECK CMD command lines
    /// (for rules about what command lines reveal, wherever they are stored).
    pub fn all_commands(
        &self,
    ) -> impl Iterator<Item = (&'a RunInfo, &'a RunScript, &'a SimpleCommand)> {
        self.shell
            .runs()
            .iter()
            .chain(self.shell.config_commands())
            .flat_map(|r| r.commands().map(move |(s, c)| (r, s, c)))
    }

    /// Source span of `range` in one of `run`'s scripts; exec-form lines have no position
    /// map, so the text is looked up in the instruction's source instead.
    pub fn script_span(
        &self,
        run: &RunInfo,
        script: &RunScript,
        range: &std::ops::Range<usize>,
    ) -> Span {
        if script.is_mapped() {
            return script.span(range);
        }
        // The rebuilt text quotes each argument ('…'); the source has them JSON-quoted.
        match script.text.get(range.clone()) {
            Some(t) => self.find_span(run.instruction, &unq(t)),
            None => self.span(run.instruction),
        }
    }

    /// Evidence for a secret, redacted unless `--show-secrets`.
    pub fn evidence(&self, secret: &str) -> Evidence {
        drydock_core::redact(secret.as_bytes(), self.options.redaction)
    }

    /// Secret-engine matches in a variable/label value.
    pub fn scan_value(&self, name: &str, value: &str) -> Vec<SecretMatch> {
        self.secrets.scan(
            value.as_bytes(),
            &ScanContext {
                name: Some(name),
                kind: ContentKind::Value,
                path: Some(&self.df.path),
                ..ScanContext::default()
            },
        )
    }

    /// Secret-engine matches in a shell command line.
    pub fn scan_command(&self, text: &str) -> Vec<SecretMatch> {
        self.secrets.scan(
            text.as_bytes(),
            &ScanContext {
                kind: ContentKind::CommandLine,
                path: Some(&self.df.path),
                ..ScanContext::default()
            },
        )
    }

    /// The image a stage builds on, when it is an image reference that parsed.
    pub fn base_ref(&self, stage: &Stage) -> Option<&'a drydock_core::imageref::ImageRef> {
        let stage = self.model.stages.get(stage.index)?;
        match &stage.base {
            BaseImage::Image {
                reference: Some(r),
                unresolved_vars,
                ..
            } if unresolved_vars.is_empty() => Some(r),
            _ => None,
        }
    }

    /// The base image text of a stage's FROM as written (for locating it in the source).
    pub fn base_raw(&self, stage: &Stage) -> Option<&'a str> {
        match &self.model.stages.get(stage.index)?.base {
            BaseImage::Image { raw, .. } => Some(raw),
            _ => None,
        }
    }

    /// Does a RUN `--mount=type=cache` or `type=tmpfs` of instruction `i` cover one of `dirs`
    /// (its target is the directory, inside it, or a parent of it)? Either way what the
    /// command writes there never reaches the layer.
    pub fn has_cache_mount(&self, i: usize, dirs: &[&str]) -> bool {
        self.df.instructions[i].flags_named("mount").any(|m| {
            let opts: Vec<(&str, &str)> = m
                .split(',')
                .map(|kv| kv.split_once('=').unwrap_or((kv, "")))
                .collect();
            let kind = opts.iter().find(|(k, _)| *k == "type").map(|(_, v)| *v);
            matches!(kind, Some("cache" | "tmpfs"))
                && opts.iter().any(|(k, v)| {
                    let v = v.trim_matches('"').trim_end_matches('/');
                    matches!(*k, "target" | "dst" | "destination")
                        && dirs.iter().any(|d| {
                            let d = d.trim_end_matches('/');
                            v.starts_with(d)
                                || v.is_empty()
                                || (d.starts_with(v) && d[v.len()..].starts_with('/'))
                        })
                })
        })
    }
}

/// The command line of a RUN/CMD/ENTRYPOINT/HEALTHCHECK as written (HEALTHCHECK's `CMD`
/// type word dropped), for command lines no POSIX shell reads.
pub(crate) fn command_text(ins: &Instruction) -> String {
    let skip = usize::from(ins.keyword() == "HEALTHCHECK");
    ins.value.get(skip..).unwrap_or(&[]).join(" ")
}

/// ENV/LABEL key-value pairs (BuildKit's node values alternate key, value).
pub(crate) fn kv_pairs(ins: &Instruction) -> Vec<(&str, &str)> {
    ins.value
        .chunks(2)
        .map(|c| (c[0].as_str(), c.get(1).map(String::as_str).unwrap_or("")))
        .collect()
}

/// ARG declarations: `(name, default)`.
pub(crate) fn arg_decls(ins: &Instruction) -> Vec<(&str, Option<&str>)> {
    ins.value
        .iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (w.as_str(), None),
        })
        .collect()
}

/// Quote removal for Dockerfile words (same rules as the shell's).
pub(crate) fn unq(s: &str) -> String {
    crate::shell::unquote(s).0
}

/// COPY/ADD sources and destination (heredoc sources `<<EOF` excluded).
pub(crate) fn copy_args(ins: &Instruction) -> (Vec<String>, Option<String>) {
    let words: Vec<String> = ins
        .value
        .iter()
        .map(|w| if ins.json { w.clone() } else { unq(w) })
        .collect();
    match words.split_last() {
        Some((dest, srcs)) => (
            srcs.iter()
                .filter(|s| !s.starts_with("<<"))
                .cloned()
                .collect(),
            Some(dest.clone()),
        ),
        None => (Vec::new(), None),
    }
}

pub(crate) fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

/// A git source (`git@…`, `…​.git`, `git://`) as ADD accepts it.
pub(crate) fn is_git_source(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("git@") || l.starts_with("git://") || l.contains(".git#") || l.ends_with(".git")
}

/// Why a path is sensitive (a key, credentials, VCS metadata), if it is.
pub(crate) fn sensitive_path(path: &str) -> Option<&'static str> {
    let p = path.trim_end_matches('/').to_ascii_lowercase();
    let p = p.trim_start_matches("./");
    let comps: Vec<&str> = p.split('/').filter(|c| !c.is_empty()).collect();
    let base = *comps.last()?;
    let has_dir = |d: &str| comps.contains(&d);
    if has_dir(".git") {
        return Some("git metadata (history may contain secrets and unreleased code)");
    }
    if has_dir(".ssh") {
        return Some("SSH directory (private keys, known_hosts)");
    }
    if has_dir(".aws") {
        return Some("AWS credentials directory");
    }
    if has_dir(".gnupg") {
        return Some("GnuPG keyring");
    }
    if p.ends_with(".docker/config.json") || base == ".dockercfg" {
        return Some("Docker registry credentials");
    }
    if p.ends_with(".kube/config") || base == "kubeconfig" || base.ends_with(".kubeconfig") {
        return Some("Kubernetes credentials (kubeconfig)");
    }
    if base.ends_with(".pub") {
        return None;
    }
    let key_names = [
        "id_rsa",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        "id_ecdsa_sk",
        "id_ed25519_sk",
    ];
    if key_names.contains(&base) {
        return Some("SSH private key");
    }
    if base.ends_with(".p12") || base.ends_with(".pfx") {
        return Some("private key / keystore");
    }
    // `.key` is also used for public GPG keys (`nodesource-repo.gpg.key`); only names that
    // say TLS/private count.
    if base.ends_with(".key") {
        let stem = base.trim_end_matches(".key");
        let public = [
            "pub", "gpg", "asc", "sign", "archive", "repo", "keyring", "release",
        ]
        .iter()
        .any(|w| stem.contains(w));
        let private = [
            "priv", "server", "tls", "ssl", "client", "cert", "id_", "host",
        ]
        .iter()
        .any(|w| stem.contains(w))
            || stem == "key";
        if private && !public {
            return Some("private key");
        }
    }
    let template = ["example", "sample", "template", "dist", "default", "schema"]
        .iter()
        .any(|w| base.contains(w));
    if base == ".env" || (base.starts_with(".env.") && !template) {
        return Some("environment file (usually holds credentials)");
    }
    match base {
        ".npmrc" => Some("npm config (may hold registry auth tokens)"),
        ".pypirc" => Some("PyPI credentials"),
        ".netrc" | "_netrc" => Some("netrc credentials"),
        ".git-credentials" => Some("stored git credentials"),
        ".pgpass" => Some("PostgreSQL password file"),
        ".htpasswd" => Some("password hashes"),
        _ if base.ends_with(".tfstate") || base.ends_with(".tfstate.backup") => {
            Some("Terraform state (contains resource secrets in plain text)")
        }
        _ => None,
    }
}

/// `127.0.0.1`, `localhost`, `[::1]`, `0.0.0.0`: local endpoints where TLS does not matter.
pub(crate) fn is_local_url(url: &str) -> bool {
    let rest = url.split_once("://").map(|x| x.1).unwrap_or(url);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = if host.starts_with('[') {
        host
    } else {
        host.split(':').next().unwrap_or(host)
    };
    matches!(host, "localhost" | "0.0.0.0" | "[::1]")
        || host.starts_with("127.")
        || host.ends_with(".localhost")
}

/// Package-manager invocation (manager, folded subcommand, options, operands).
pub(crate) fn package_command(c: &SimpleCommand) -> Option<pkg::PkgCmd<'_>> {
    pkg::parse_pkg(c)
}

/// True when any command of the same RUN satisfies `pred`.
pub(crate) fn run_has(run: &RunInfo, pred: impl Fn(&SimpleCommand) -> bool) -> bool {
    run.commands().any(|(_, c)| pred(c))
}

/// `c` is an `rm` of a path under one of `prefixes` (`~` and `$HOME` read as `/root`).
pub(crate) fn removes(c: &SimpleCommand, prefixes: &[&str]) -> bool {
    c.name() == "rm"
        && c.positionals().any(|w| {
            let t = w.text.replace("$HOME", "~").replace("${HOME}", "~");
            let t = t.trim_end_matches(['*', '/']);
            prefixes.iter().any(|p| {
                let p = p.trim_end_matches('/');
                t.starts_with(p)
                    || (t.len() > 1 && p.starts_with(t) && p[t.len()..].starts_with('/'))
            })
        })
}

/// The first command of the RUN matching `produces` that no later command matching `cleans`
/// follows: a clean-up that runs before the install leaves the install's files in the layer.
pub(crate) fn uncleaned(
    run: &RunInfo,
    mut produces: impl FnMut(&SimpleCommand) -> bool,
    cleans: impl Fn(&SimpleCommand) -> bool,
) -> Option<(&RunScript, &SimpleCommand)> {
    let all: Vec<(&RunScript, &SimpleCommand)> = run.commands().collect();
    let mut pending = None;
    for (s, c) in all {
        if cleans(c) {
            pending = None;
        } else if pending.is_none() && produces(c) {
            pending = Some((s, c));
        }
    }
    pending
}

pub(crate) mod prelude {
    pub(crate) use super::fixing::{Edit, Fix, FixContext};
    pub(crate) use super::{
        arg_decls, command_text, copy_args, is_git_source, is_local_url, is_url, kv_pairs,
        package_command, removes, run_has, sensitive_path, uncleaned, unq, Rule, RuleContext,
    };
    pub(crate) use crate::ast::Span;
    pub(crate) use crate::shell::{basename, SimpleCommand, Word};
    pub(crate) use crate::stages::{BaseImage, StageRef};
    pub(crate) use drydock_core::rule::Target;
    pub(crate) use drydock_core::{Category, Finding, RuleMeta, Severity};
}
