#!/usr/bin/env bash
# Lab check (issue 3, "Must show"): scan every image of ../shared/lab in every format — local
# layouts, the TLS + basic-auth and plain registries, the podman Engine API socket — with the
# release CLI and compare with $LAB/ground-truth.json (scripts/lab-check.py). Exit 1 on a miss.
#
#   scripts/lab-check.sh                 # everything; registries/podman started if needed
#   LAB_CHECK_SERVICES=0 scripts/lab-check.sh   # local formats only
#   scripts/lab-check.sh --images clean,root-and-secrets --formats oci   # passed to lab-check.py
#
# Services this script starts (registries, podman service) are stopped at the end; services
# that were already running are left alone. Speed: scripts/image-bench.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
LAB=${LAB:-$HOME/drydock-lab}
SHARED_LAB=${SHARED_LAB:-$PWD/../shared/lab}
export LAB
if [ ! -d "$LAB/images" ]; then
  echo "########################################################################" >&2
  echo "# lab-check: SKIPPED — no image lab at $LAB (build it with"               >&2
  echo "#   $SHARED_LAB/rebuild-all.sh)"                                        >&2
  echo "########################################################################" >&2
  exit 0
fi
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release -q -p drydock
BIN=${DRYDOCK_BIN:-$CARGO_TARGET_DIR/release/drydock}

if [ ! -f "$LAB/ground-truth.json" ]; then
  [ -x "$SHARED_LAB/70-ground-truth.sh" ] || { echo "lab-check: no ground-truth.json and no $SHARED_LAB" >&2; exit 2; }
  "$SHARED_LAB/70-ground-truth.sh"
fi

formats=docker-archive,docker-save,oci,oci-archive,oci-zstd,oci-uncompressed
started=()
cleanup() {
  for s in "${started[@]}"; do
    case $s in
      registry) "$SHARED_LAB/59-registry-stop.sh" || true ;;
      podman) "$SHARED_LAB/69-podman-api-stop.sh" || true ;;
    esac
  done
}
trap cleanup EXIT

if [ "${LAB_CHECK_SERVICES:-1}" = 1 ] && [ -d "$SHARED_LAB" ]; then
  tls=${LAB_TLS_PORT:-5443}
  if ! curl -s -o /dev/null --cacert "$LAB/registry/certs/ca.crt" "https://127.0.0.1:$tls/v2/"; then
    if command -v docker-registry >/dev/null; then
      out=$("$SHARED_LAB/50-registry-start.sh" 2>&1) || true
      echo "$out" >&2
      grep -q "already running" <<<"$out" || started+=(registry)
    fi
  fi
  if curl -s -o /dev/null --cacert "$LAB/registry/certs/ca.crt" "https://127.0.0.1:$tls/v2/"; then
    formats+=,registry-tls,registry-tls-zstd,registry-plain
  else
    echo "lab-check: REGISTRIES NOT AVAILABLE — registry formats skipped" >&2
  fi
  if ! curl -sf --unix-socket "$LAB/run/podman.sock" http://d/_ping >/dev/null 2>&1; then
    if command -v podman >/dev/null; then
      out=$("$SHARED_LAB/60-podman-api-start.sh" 2>&1) || true
      echo "$out" >&2
      grep -q "already running" <<<"$out" || started+=(podman)
    fi
  fi
  if curl -sf --unix-socket "$LAB/run/podman.sock" http://d/_ping >/dev/null 2>&1; then
    # docker-daemon: reads DOCKER_HOST, podman: reads CONTAINER_HOST (as podman's own clients do)
    export DOCKER_HOST="unix://$LAB/run/podman.sock" CONTAINER_HOST="unix://$LAB/run/podman.sock"
    formats+=,podman,docker-daemon
  else
    echo "lab-check: PODMAN SOCKET NOT AVAILABLE — podman:/docker-daemon: skipped" >&2
  fi
fi

python3 scripts/lab-check.py --bin "$BIN" --lab "$LAB" --formats "$formats" "$@"
