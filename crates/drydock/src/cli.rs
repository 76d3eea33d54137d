//! Command-line definitions only; the logic lives in `commands/`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "drydock",
    version,
    about = "Container image and Dockerfile security scanner",
    long_about = "drydock finds what goes wrong when images are built: secrets baked into layers \
(deleted ones too), build-arg leaks, root users, risky base images, unsafe installs and known \
vulnerable packages — in Dockerfiles, built images (archives, OCI layouts, registries, the Docker/Podman \
daemon) and run-time settings. Every finding names its rule; `drydock explain RULE` says why it \
matters and how to fix it.",
    after_help = "Examples:
  drydock scan .                                   Dockerfiles, Compose files and manifests below .
  drydock scan Dockerfile --severity HIGH,CRITICAL --exit-code 1
  drydock scan oci-archive:app.tar -f sarif -o drydock.sarif
  drydock scan . -f json -o baseline.json          then later: drydock scan . --baseline baseline.json
  drydock ignore check .                           ignore-file entries that matched nothing or expired
  drydock explain DF014                            why a rule matters and how to fix it

Exit status: 0 no finding at or above --fail-on, 1 findings at or above it (or --exit-code N),
2 error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan Dockerfiles, directories, images (archives, OCI layouts, registries, daemons).
    #[command(after_help = "Examples:
  drydock scan .                                    every Dockerfile, Compose file and manifest below .
  drydock scan Dockerfile --fail-on medium          fail the build on medium and worse
  drydock scan . --severity HIGH,CRITICAL --exit-code 1 --ignore-unfixed
  drydock scan . -f json -o baseline.json           adopt: record today's findings once …
  drydock scan . --baseline baseline.json           … and report only new ones from then on
  drydock scan . --skip 'vendor/**' --ignorefile .drydockignore.yaml
  drydock scan docker-daemon:app:latest --min-efficiency 0.95 --max-wasted-bytes 20MB
  drydock scan ghcr.io/acme/app:1.4 -f sarif -o drydock.sarif
  drydock scan . -f gitlab -o gl-code-quality-report.json")]
    Scan(Box<ScanArgs>),
    /// Fix what Dockerfile rules can fix mechanically: print a unified diff, or apply it
    /// with --write.
    #[command(after_help = "Examples:
  drydock fix                                       diff for every Dockerfile below .
  drydock fix Dockerfile --write                    apply the fixes in place
  drydock fix . --offline                           no registry: digest pins become TODO comments
  drydock fix --select DF040,DF033 --write          only these rules' fixes

Exit status: 0 nothing to fix (or --write applied every fix), 1 a diff was printed
(without --write), 2 an error (a file that cannot be read or written, a digest the
registry would not give).")]
    Fix(FixArgs),
    /// Scan files and directories for secrets only.
    #[command(after_help = "Examples:
  drydock secrets .                                 every file below .
  drydock secrets config/ .env -f json -o secrets.json
  drydock secrets . --skip 'testdata/**'")]
    Secrets(SecretsArgs),
    /// Print the parsed instructions of a Dockerfile.
    #[command(after_help = "Examples:
  drydock parse Dockerfile
  cat Dockerfile | drydock parse - -f text")]
    Parse(ParseArgs),
    /// List every rule, or check the secret rules' examples (`drydock rules check`).
    #[command(after_help = "Examples:
  drydock rules                                     the catalogue
  drydock rules -f markdown > rules.md
  drydock rules check --rules-file my-secrets.yaml  test custom secret rules' examples")]
    Rules(RulesArgs),
    /// Explain a rule (why it matters, how to fix it, an example) or a topic for beginners;
    /// with no argument, list the topics and rules.
    #[command(after_help = "Examples:
  drydock explain
  drydock explain DF014
  drydock explain final-stage-root-user
  drydock explain whiteouts")]
    Explain(ExplainArgs),
    /// Write a software bill of materials for an image.
    #[command(after_help = "Examples:
  drydock sbom oci-archive:app.tar -o app.cdx.json
  drydock sbom docker-daemon:app:latest -f spdx-json")]
    Sbom(SbomArgs),
    /// Manage the offline vulnerability database (OSV).
    #[command(after_help = "Examples:
  drydock db update                                 download the common ecosystems
  drydock db update Debian PyPI
  drydock db import Debian-all.zip                  air-gapped: import a downloaded OSV zip
  drydock db status")]
    Db(DbArgs),
    /// Inspect or empty the layer cache (scan results per image layer).
    #[command(after_help = "Examples:
  drydock cache status
  drydock cache clean --older-than 30d
  drydock cache status --cache redis://cache:6379/0")]
    Cache(CacheCmdArgs),
    /// Check an ignore file: syntax, expired entries and entries that match nothing.
    #[command(after_help = "Examples:
  drydock ignore check .
  drydock ignore check --ignorefile .trivyignore oci-archive:app.tar")]
    Ignore(IgnoreArgs),
    /// Print a shell completion script: `drydock completions bash > /etc/bash_completion.d/drydock`.
    Completions {
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the man page (roff): `drydock man > drydock.1; man ./drydock.1`.
    Man,
    /// What a registry holds: `drydock registry list REGISTRY[/PREFIX]` prints one
    /// `registry/repo:tag` a line (a targets file for `scan --targets-file`).
    #[command(after_help = "Examples:
  drydock registry list localhost:5000                    every repository and tag
  drydock registry list registry.example/team --digests > targets.txt
  drydock scan --targets-file targets.txt --shard 0/3 --output-dir reports/")]
    Registry(RegistryArgs),
}

/// Fleet scans: many targets, one shard of them, one report per target.
#[derive(Args, Debug, Clone, Default)]
pub struct FleetArgs {
    /// Read targets from FILE (`-`: standard input), one a line; blank lines and `#`
    /// comments are skipped. Added to the TARGET arguments.
    #[arg(long, value_name = "FILE")]
    pub targets_file: Option<String>,
    /// Scan only shard I of N (0-based, like Kubernetes' JOB_COMPLETION_INDEX: 0/3, 1/3,
    /// 2/3). A target's shard depends only on its normalised reference, so every target is
    /// in exactly one shard and adding targets moves no other.
    #[arg(long, value_name = "I/N", value_parser = clap::value_parser!(drydock_scan::fleet::Shard))]
    pub shard: Option<drydock_scan::fleet::Shard>,
    /// Write one report per target into DIR (in --format; file names derived from the
    /// target) and DIR/summary.json (per target: counts by severity, errors, duration).
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub output_dir: Option<std::path::PathBuf>,
    /// Targets scanned at once (default: the cores available). Image targets are further
    /// limited by memory (see docs/fleet.md).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub jobs: Option<u32>,
}

impl FleetArgs {
    /// Any fleet flag turns on per-target scheduling.
    pub fn active(&self) -> bool {
        self.targets_file.is_some()
            || self.shard.is_some()
            || self.output_dir.is_some()
            || self.jobs.is_some()
    }
}

#[derive(Args, Debug)]
pub struct RegistryArgs {
    #[command(subcommand)]
    pub action: RegistryAction,
}

#[derive(Subcommand, Debug)]
pub enum RegistryAction {
    /// List `registry/repository:tag` for every tag below REGISTRY[/PREFIX] (the catalog
    /// and tags-list APIs, all pages).
    #[command(after_help = "Examples:
  drydock registry list localhost:5000 --tls-verify=false
  drydock registry list ghcr.example/team --authfile auth.json --digests > targets.txt")]
    List(RegistryListArgs),
}

#[derive(Args, Debug)]
pub struct RegistryListArgs {
    /// Registry host[:port], optionally with a repository prefix (`localhost:5000/team`).
    #[arg(value_name = "REGISTRY[/PREFIX]")]
    pub registry: String,
    /// Pin each tag to its manifest digest (`…:tag@sha256:…`), so a night's shards scan
    /// exactly what was listed.
    #[arg(long)]
    pub digests: bool,
    /// Entries asked for per page (`n=`); registries may return fewer.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100000))]
    pub page_size: u32,
    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human-readable diagnostics with source snippets (default).
    Text,
    /// Machine-readable JSON: `{"findings":[…]}` plus targets and summary.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// JUnit XML for CI test reports.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A Markdown summary for pull-request comments.
    Markdown,
    /// A self-contained HTML report.
    Html,
    /// GitLab Code Quality JSON (`artifacts:reports:codequality`).
    Gitlab,
    /// One line per finding, vulnerabilities grouped per package, a summary per target.
    Table,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// With --fail-on: never fail on findings (exit 0 unless an error occurs); with
    /// --min-severity: report every finding.
    None,
}

/// Output and policy flags shared by `scan` and `secrets`.
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with status 1 when a finding is at or above this severity.
    #[arg(long, value_enum, ignore_case = true, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    /// Report only findings at or above this severity.
    #[arg(long, value_enum, ignore_case = true, value_name = "SEVERITY")]
    pub min_severity: Option<SeverityArg>,
    /// Report only findings of these severities (comma-separated, any case: HIGH,CRITICAL),
    /// as Trivy's --severity does.
    #[arg(long, short = 's', value_delimiter = ',', value_name = "SEVERITIES")]
    pub severity: Vec<String>,
    /// Exit with status N when any reported finding remains (after --severity, ignores and
    /// the baseline); with --fail-on, only findings at or above it count. 0: never fail on
    /// findings. Errors still exit 2.
    #[arg(long, value_name = "N")]
    pub exit_code: Option<u8>,
    /// Do not report vulnerabilities that have no fixed version yet.
    #[arg(long)]
    pub ignore_unfixed: bool,
    /// Ignore file (default: .drydockignore.yaml, .drydockignore.yml or .drydockignore found
    /// upward from the first target). YAML entries with reasons and expiry dates, or a
    /// .trivyignore-style list of ids.
    #[arg(long, value_name = "FILE")]
    pub ignorefile: Option<PathBuf>,
    /// Skip files, directories and image paths matching GLOB (`vendor/**`, `*.md`,
    /// `usr/share/doc/**`); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub skip: Vec<String>,
    /// Treat unreadable files found in directory scans as errors (exit 2), not warnings.
    #[arg(long)]
    pub strict: bool,
    /// Image gate (dive's lowestEfficiency): a finding when an image's efficiency (0-1) is
    /// below this.
    #[arg(long, value_name = "RATIO")]
    pub min_efficiency: Option<f64>,
    /// Image gate (dive's highestWastedBytes): a finding when an image wastes more than this
    /// (bytes, or 20MB, 1.5GiB…).
    #[arg(long, value_name = "SIZE")]
    pub max_wasted_bytes: Option<String>,
    /// Image gate (dive's highestUserWastedPercent): a finding when wasted bytes exceed this
    /// share of the image (0.1 or 10%).
    #[arg(long, value_name = "RATIO")]
    pub max_wasted_percent: Option<String>,
    /// Set by `drydock ignore check`: list stale ignore entries instead of the report.
    #[arg(skip)]
    pub ignore_check: bool,
    /// Enable rules: ids (DF001), prefixes (DF, SE), names, categories (secret) or ALL.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Disable rules (same forms as --select).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Configuration file (default: drydock.toml or .drydock.toml found upward from the target).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Drop findings whose fingerprints are in this earlier JSON report.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Print secrets in full instead of redacted. Use with care: reports become sensitive.
    #[arg(long)]
    pub show_secrets: bool,
    /// When to use colours (NO_COLOR is respected for auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Same as --color never.
    #[arg(long)]
    pub no_color: bool,
    /// Shorter text output: no image summary, layer table or `drydock explain` notes
    /// (findings, totals and the verdict stay).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Say on standard error what is opened, pulled and read, with timings per target and
    /// stage; errors with their whole chain of causes.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Do not show progress bars on standard error (they are drawn only on a terminal and
    /// never when `CI` is set).
    #[arg(long)]
    pub no_progress: bool,
    /// Text: show every finding in full (by default repeats of a rule are shown in one line
    /// each and capped per target).
    #[arg(long)]
    pub all: bool,
}

/// How to reach registries and daemons.
#[derive(Args, Debug, Clone, Default)]
pub struct SourceArgs {
    /// Platform of multi-platform images: os/arch[/variant], or `all`. Default: this host's.
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    /// Allow plain HTTP and skip TLS verification for registries (`--tls-verify=false`).
    #[arg(long)]
    pub insecure: bool,
    /// Verify registry TLS certificates (skopeo spelling; `--tls-verify=false` = --insecure).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub tls_verify: Option<bool>,
    /// Extra CA certificate (PEM) for private registries; repeatable.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Vec<PathBuf>,
    /// Registry user name (with --password-stdin).
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,
    /// Read the registry password from standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// Registry credentials file (podman auth.json / docker config.json format).
    #[arg(long, value_name = "FILE")]
    pub authfile: Option<PathBuf>,
    /// Deadline of one registry request with its retries, in seconds (default 60; config
    /// `timeout`). Blob downloads must also keep up 1 KiB/s.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Dockerfiles, directories, Compose files, Kubernetes manifests, `docker inspect` JSON,
    /// image archives, OCI layouts, `docker-archive:`, `oci:`, `oci-archive:`, `dir:`,
    /// `docker-daemon:`, `podman:` or registry references; `docker-daemon:containers` and
    /// `podman:containers` review the running containers.
    #[arg(value_name = "TARGET", required_unless_present = "targets_file")]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub fleet: FleetArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub source: SourceArgs,
    /// The Dockerfile the image targets were built from: it is scanned too, image findings
    /// name the instruction that made their layer, and a mismatch is a warning.
    #[arg(long, value_name = "PATH")]
    pub dockerfile: Option<PathBuf>,
    /// Build argument for resolving `FROM ${ARG}` and ARG defaults (K=V); repeatable.
    #[arg(long = "build-arg", value_name = "K=V")]
    pub build_args: Vec<String>,
    /// Registries (and registry/namespace prefixes) base images may come from.
    #[arg(long = "trusted-registry", value_name = "HOST[/PATH]")]
    pub trusted_registries: Vec<String>,
    /// Do not inspect the build context (what COPY/ADD would send) beside Dockerfiles.
    #[arg(long)]
    pub no_build_context: bool,
    /// Also scan the images that Compose files and manifests reference (registry or daemon),
    /// so the run-time verdict knows each image's configured user.
    #[arg(long)]
    pub scan_images: bool,
    /// Skip the vulnerability scan of images.
    #[arg(long)]
    pub no_vulns: bool,
    /// Never touch the network (registry targets and database updates fail).
    #[arg(long)]
    pub offline: bool,
    /// Vulnerability database file.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Date to judge end-of-life against (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE")]
    pub scan_date: Option<String>,
    #[command(flatten)]
    pub cache: CacheArgs,
}

// ---- layer cache (docs/cache.md) ----

/// Where the layer cache is (`drydock scan` and `drydock cache`).
#[derive(Args, Debug, Default)]
pub struct CacheLocationArgs {
    /// Layer cache: `redis://[:PASSWORD@]HOST:PORT/DB`, `rediss://…` (TLS), `dir://PATH` or a
    /// directory (default: $XDG_CACHE_HOME/drydock).
    #[arg(long = "cache", value_name = "URL", global = true)]
    pub cache: Option<String>,
    /// Directory of the embedded layer cache.
    #[arg(long, value_name = "DIR", global = true, conflicts_with = "cache")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Args, Debug, Default)]
pub struct CacheArgs {
    #[command(flatten)]
    pub location: CacheLocationArgs,
    /// Scan every layer; neither read nor write the layer cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Cached layers expire after this long without use (`30d`, `12h`).
    #[arg(long, value_name = "DURATION")]
    pub cache_ttl: Option<String>,
    /// Size bound of the embedded cache (`2GiB`, `500MB`); least recently used layers go first.
    #[arg(long, value_name = "SIZE")]
    pub cache_max_size: Option<String>,
}

#[derive(Args, Debug)]
pub struct CacheCmdArgs {
    #[command(subcommand)]
    pub action: CacheAction,
    #[command(flatten)]
    pub location: CacheLocationArgs,
}

#[derive(Subcommand, Debug)]
pub enum CacheAction {
    /// Where the layer cache is, its entries and size.
    Status,
    /// Remove cached layers: all, or those not used for `--older-than`.
    Clean {
        /// Only layers not used for this long (`30d`, `12h`).
        #[arg(long, value_name = "DURATION")]
        older_than: Option<String>,
    },
}

// ---- end layer cache ----

#[derive(Args, Debug)]
pub struct FixArgs {
    /// Dockerfiles, or directories standing for the Dockerfiles below them (default: .).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Apply the fixes in place (each file replaced atomically) instead of printing a diff.
    #[arg(long)]
    pub write: bool,
    /// Fix only these rules: ids (DF040), prefixes, names or categories, as for scan.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Do not apply these rules' fixes (same forms as --select).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Configuration file (default: drydock.toml or .drydock.toml found upward from the path).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Never touch the network: digest pins become `# TODO(drydock): pin …` comments.
    #[arg(long)]
    pub offline: bool,
    /// Build argument for resolving `FROM ${ARG}` and ARG defaults (K=V); repeatable.
    #[arg(long = "build-arg", value_name = "K=V")]
    pub build_args: Vec<String>,
    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Args, Debug)]
pub struct SecretsArgs {
    /// Files or directories to scan.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ParseFormat {
    Json,
    Text,
}

#[derive(Args, Debug)]
pub struct ParseArgs {
    /// The Dockerfile (`-` for standard input).
    pub file: PathBuf,
    #[arg(long, short = 'f', value_enum, default_value_t = ParseFormat::Json)]
    pub format: ParseFormat,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub action: Option<RulesAction>,
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Subcommand, Debug)]
pub enum RulesAction {
    /// Compile every secret rule and run its examples and negative examples.
    Check {
        /// Also check the rules in this YAML file (same schema as the built-in rules).
        #[arg(long, value_name = "FILE")]
        rules_file: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Rule id or name (DF014, final-stage-root-user), a foreign id (DL3008) or a topic
    /// (whiteouts, base-images); without it, the list of topics and rules.
    pub rule: Option<String>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum SbomFormat {
    CyclonedxJson,
    SpdxJson,
}

#[derive(Args, Debug)]
pub struct SbomArgs {
    /// The image (any source `scan` accepts).
    pub image: String,
    #[arg(long, short = 'f', value_enum, default_value_t = SbomFormat::CyclonedxJson)]
    pub format: SbomFormat,
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Args, Debug)]
pub struct DbArgs {
    #[command(subcommand)]
    pub action: DbAction,
    /// Database file (default: $XDG_CACHE_HOME/drydock/osv.sqlite).
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// No progress bars.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// Say what is downloaded and how long it took.
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
    /// Do not show progress on standard error.
    #[arg(long, global = true)]
    pub no_progress: bool,
}

#[derive(Subcommand, Debug)]
pub enum DbAction {
    /// Download and import OSV advisories for the given ecosystems.
    Update {
        /// Ecosystems (OSV names: Debian, Alpine, PyPI, npm, …); default: the common set.
        #[arg(value_name = "ECOSYSTEM")]
        ecosystems: Vec<String>,
        /// Base URL serving `{ECOSYSTEM}/all.zip`.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Import OSV advisories from a zip file or a directory of JSON files (air-gapped use).
    Import {
        path: PathBuf,
        /// Ecosystem name to record (default: taken from the file name or the records).
        #[arg(long)]
        ecosystem: Option<String>,
    },
    /// Show what the database holds and how old it is.
    Status,
}

#[derive(Args, Debug)]
pub struct IgnoreArgs {
    #[command(subcommand)]
    pub action: IgnoreAction,
}

#[derive(Subcommand, Debug)]
pub enum IgnoreAction {
    /// Scan the targets as `drydock scan` would and list the ignore entries that suppressed
    /// nothing (stale) or have expired. Exit 1 when there is one, 0 when every entry is used.
    Check(Box<ScanArgs>),
}
