//! Every environment variable drydock reads, in one place: its name, what it means and its
//! accessor. Empty values count as unset, as Docker, podman and the XDG base-directory
//! specification treat them. Nothing else in the workspace calls `std::env::var`.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Docker Engine API endpoint (`unix:///var/run/docker.sock`, `tcp://host:2375`).
pub const DOCKER_HOST: &str = "DOCKER_HOST";
/// Set when the Docker endpoint needs TLS (not supported: drydock says so).
pub const DOCKER_TLS_VERIFY: &str = "DOCKER_TLS_VERIFY";
/// Podman's API endpoint (podman-remote's `CONTAINER_HOST`).
pub const CONTAINER_HOST: &str = "CONTAINER_HOST";
/// Directory holding Docker's `config.json` (registry credentials).
pub const DOCKER_CONFIG: &str = "DOCKER_CONFIG";
/// Registry credentials file (containers-auth.json), as podman/skopeo read it.
pub const REGISTRY_AUTH_FILE: &str = "REGISTRY_AUTH_FILE";
/// Per-user runtime directory: podman's rootless socket and `containers/auth.json`.
pub const XDG_RUNTIME_DIR: &str = "XDG_RUNTIME_DIR";
/// Per-user configuration directory (`containers/auth.json`).
pub const XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";
/// Per-user cache directory: the advisory database (`drydock/osv.sqlite`).
pub const XDG_CACHE_HOME: &str = "XDG_CACHE_HOME";
pub const HOME: &str = "HOME";
/// Any non-empty value turns colours off (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";
/// Tests: fail instead of skipping when a service they need (registry, podman) is missing.
pub const DRYDOCK_REQUIRE_INTEGRATION: &str = "DRYDOCK_REQUIRE_INTEGRATION";
/// Tests: rewrite generated files (docs/rules.md) instead of failing when they are stale.
pub const DRYDOCK_BLESS: &str = "DRYDOCK_BLESS";

/// A variable's value; `None` when unset, empty or not UTF-8.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A variable naming a path; `None` when unset or empty.
pub fn path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// A variable set to any value, even empty (`docker build --build-arg NAME` semantics).
pub fn raw(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Whether a flag variable is set to a non-empty value.
pub fn is_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

/// The whole environment, for Compose-style `${VAR}` interpolation.
pub fn all() -> BTreeMap<String, String> {
    std::env::vars().collect()
}

pub fn docker_host() -> Option<String> {
    var(DOCKER_HOST)
}

pub fn home() -> Option<PathBuf> {
    path(HOME)
}

/// `$XDG_CACHE_HOME`, else `$HOME/.cache`.
pub fn cache_dir() -> Option<PathBuf> {
    path(XDG_CACHE_HOME).or_else(|| home().map(|h| h.join(".cache")))
}

/// `NO_COLOR` is set (non-empty).
pub fn no_color() -> bool {
    is_set(NO_COLOR)
}

/// `DRYDOCK_REQUIRE_INTEGRATION=1`: tests fail rather than skip.
pub fn require_integration() -> bool {
    var(DRYDOCK_REQUIRE_INTEGRATION).as_deref() == Some("1")
}

/// Set by CI systems (GitHub Actions, GitLab CI, Travis, CircleCI, …): no progress bars.
pub const CI: &str = "CI";

/// Running in CI (`CI` set to anything but empty, `0` or `false`).
pub fn ci() -> bool {
    var(CI).is_some_and(|v| v != "0" && !v.eq_ignore_ascii_case("false"))
}
