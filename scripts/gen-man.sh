#!/usr/bin/env bash
# Regenerate docs/drydock.1 from the CLI definition (clap_mangen). The `man_page_is_current`
# test in crates/drydock/tests/shell.rs fails when it is stale; it can also bless it:
#   DRYDOCK_BLESS=1 cargo test -p drydock --test shell man_page_is_current
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet -p drydock -- man > docs/drydock.1
echo "wrote docs/drydock.1 ($(wc -l < docs/drydock.1) lines); view it with: man ./docs/drydock.1"
