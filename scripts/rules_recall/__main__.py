"""Run held-out Dockerfile / Compose / Kubernetes cases through `drydock scan`.

Each case is labelled with a foreign check (Hadolint, Checkov, KICS, kube-score, CIS Docker
Benchmark). Foreign ids are mapped to drydock rules through the `equivalents` that
`drydock rules --format json` declares; checks without a declared equivalent fall back to the
drydock rule whose title covers the same risk (HINTS below, judged from `drydock rules`), and
are reported apart, so a missing declaration shows up as such.

Usage: python3 -m rules_recall [-v] [--keep DIR] [--drydock PATH]
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import defaultdict

from .k8s_cases import k8s_cases

HERE = os.path.dirname(os.path.abspath(__file__))

# Foreign check -> drydock rules covering the same risk, judged from `drydock rules` titles.
# Used only when drydock declares no equivalent for the check.
HINTS = {
    "hadolint:DL3030": ["DF044"], "hadolint:DL3034": ["DF044"], "hadolint:DL3038": ["DF044"],
    "hadolint:DL3035": ["DF042"], "hadolint:DL3037": ["DF045"],
    "hadolint:DL3060": ["DF039"],
    "checkov:CKV2_DOCKER_2": ["DF025"], "checkov:CKV2_DOCKER_3": ["DF025"],
    "checkov:CKV2_DOCKER_4": ["DF025"], "checkov:CKV2_DOCKER_5": ["DF026"],
    "checkov:CKV2_DOCKER_6": ["DF026"], "checkov:CKV2_DOCKER_8": ["DF027"],
    "checkov:CKV2_DOCKER_10": ["DF027"], "checkov:CKV2_DOCKER_11": ["DF027"],
    "checkov:CKV2_DOCKER_12": ["DF026"], "checkov:CKV2_DOCKER_13": ["DF025"],
    "checkov:CKV2_DOCKER_14": ["DF025", "DF026"], "checkov:CKV2_DOCKER_15": ["DF025"],
    "checkov:CKV2_DOCKER_16": ["DF026"], "checkov:CKV2_DOCKER_17": ["DF008"],
    "checkov:CKV2_DOCKER_18": ["DF026"],
    "checkov:CKV_K8S_25": ["RT005"], "checkov:CKV_K8S_35": ["RT016"],
    "kics:volume-mount-with-os-directory-write-permissions": ["RT008"],
    "kics:sysctls-using-unsafe-values": ["RT015"],
    "kics:privileged-mode-is-enabled": ["RT001"], "cis-docker:5.5": ["RT008"],
    "kics:docker-socket-mounted-in-container": ["RT007"], "kics:host-namespace-is-shared": ["RT009"],
    "cis-docker:5.9": ["RT009"], "cis-docker:5.20": ["RT009"],
    "kics:container-capabilities-unrestricted": ["RT005", "RT006"], "cis-docker:5.3": ["RT005", "RT006"],
    "kics:memory-not-limited": ["RT011"], "kics:cpus-not-limited": ["RT011"],
    "kics:no-new-privileges-not-set": ["RT004"], "kics:seccomp-profile-disabled": ["RT010"],
    "kics:apparmor-profile-disabled": ["RT010"], "kics:healthcheck-not-set": ["RT019"],
    "kics:healthcheck-disabled": ["RT019"], "kics:privileged-ports-mapped-in-container": ["RT013"],
    "kics:container-traffic-not-bound-to-host-interface": ["RT013"], "cis-docker:5.17": ["RT014"],
    "cis-docker:5.12": ["RT003"], "cis-docker:4.1": ["RT002"], "kics:unsafe-sysctls": ["RT015"],
    "kics:image-not-pinned": ["RT017"],
    "kics:rbac-roles-with-read-secrets-permissions": [],
    "kics:image-version-not-explicit": ["DF016"], "kics:image-version-using-latest": ["DF017"],
    "kics:last-user-is-root": ["DF014"], "kics:missing-user-instruction": ["DF013"],
    "kics:healthcheck-instruction-missing": ["DF051"], "kics:exposing-port-22": ["DF053"],
    "kics:unix-ports-out-of-range": ["DF059"], "kics:missing-zypper-non-interactive-switch": ["DF044"],
    "kics:missing-flag-from-dnf-install": ["DF044"], "kics:yum-install-allows-manual-input": ["DF044"],
    "kics:apt-get-missing-flags-to-avoid-manual-input": ["DF044"],
    "kics:apt-get-not-avoiding-additional-packages": ["DF040"],
    "kics:apt-get-install-lists-were-not-deleted": ["DF033"], "kics:missing-dnf-clean-all": ["DF036"],
    "kics:missing-zypper-clean": ["DF037"], "kics:yum-clean-all-missing": ["DF035"],
    "kics:pip-install-keeping-cached-packages": ["DF038"], "kics:update-instruction-alone": ["DF043"],
    "kics:using-platform-flag-with-from-command": ["DF063"],
    "kics:copy-from-references-current-from-alias": ["DF056"],
    "kics:same-alias-in-different-froms": ["DF058"], "kics:add-instead-of-copy": ["DF055"],
    "kics:maintainer-instruction-being-used": ["DF054"], "kics:run-using-wget-and-curl": ["DF061"],
    "kics:workdir-path-not-absolute": ["DF047"],
    "kics:shell-running-a-pipe-without-pipefail-flag": ["DF060"],
    "kics:copy-with-more-than-two-arguments-not-ending-with-slash": ["DF064"],
    "kics:multiple-cmd-instructions-listed": ["DF048"], "kics:gem-install-without-version": ["DF045"],
    "kics:npm-install-command-without-pinned-version": ["DF045"],
    "pss:baseline-apparmor": ["RT010"], "pss:baseline-selinux": ["RT010"],
    "pss:baseline-hostpath-volumes": ["RT008"], "pss:baseline-hostprocess": ["RT001"],
    "pss:baseline-capabilities": ["RT005"], "pss:restricted-seccomp": ["RT010"],
    "pss:restricted-running-as-non-root": ["RT002"], "pss:restricted-capabilities": ["RT006"],
    "kics:run-utilities-and-posix-commands": [], "kics:changing-default-shell-using-run-command": [],
}

FILE_NAMES = {"dockerfile": "Dockerfile", "compose": "compose.yaml", "k8s": "manifest.yaml"}


def parse_case_file(path, kind):
    cases = []
    cur = None
    with open(path) as f:
        for raw in f.read().split("\n"):
            if raw.startswith("=== "):
                check, sign = raw[4:].split()[:2]
                cur = {"check": check, "sign": sign, "kind": kind, "lines": [],
                       "source": os.path.basename(path)}
                cases.append(cur)
            elif cur is not None:
                cur["lines"].append(raw)
    for c in cases:
        while c["lines"] and not c["lines"][-1].strip():
            c["lines"].pop()
    return cases


def finish(case):
    """Strip markers; remember the 1-based lines they marked."""
    text, marked = [], []
    for i, ln in enumerate(case["lines"], 1):
        if ln.startswith("» "):
            marked.append(i)
            ln = ln[2:]
        text.append(ln)
    case["text"] = "\n".join(text) + "\n"
    case["marked"] = marked
    return case


def load_cases():
    cases = []
    cdir = os.path.join(HERE, "cases")
    for name in sorted(os.listdir(cdir)):
        kind = {"dockerfile": "dockerfile", "compose": "compose", "k8s": "k8s"}.get(name.rsplit(".", 1)[-1])
        if kind:
            cases += parse_case_file(os.path.join(cdir, name), kind)
    for check, sign, text, wl in k8s_cases():
        cases.append({"check": check, "sign": sign, "kind": "k8s", "lines": text.rstrip("\n").split("\n"),
                      "source": f"k8s_cases.py ({wl})"})
    return [finish(c) for c in cases]


def equivalents(binary):
    out = subprocess.run([binary, "rules", "--format", "json"], stdout=subprocess.PIPE, text=True, check=True)
    eq = defaultdict(set)
    ids, off = set(), set()
    for r in json.loads(out.stdout):
        ids.add(r["id"])
        if not r.get("default_enabled", True):
            off.add(r["id"])
        for e in r.get("equivalents", []):
            eq[e].add(r["id"])
    return eq, ids, off


def run_scan(binary, root, files, off_rules):
    # `--select ALL` alone leaves off-by-default rules off (seen with drydock 0.1.0): name them
    extra = ["--select", ",".join(["ALL", *sorted(off_rules)])] if off_rules is not None else []
    proc = subprocess.run([binary, "scan", *files, "--format", "json", "--offline", "--no-vulns",
                           "--no-build-context", "--no-progress", "--min-severity", "none",
                           "--fail-on", "none", *extra], cwd=root, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.exit(f"drydock scan produced no JSON (exit {proc.returncode}): {proc.stderr.strip()[:500]}")
    if proc.returncode not in (0, 1, 2):
        sys.exit(f"drydock scan crashed (exit {proc.returncode}): {proc.stderr.strip()[:500]}")
    by_file = defaultdict(list)
    for f in report.get("findings", []):
        loc = f.get("location", {})
        if "path" in loc:
            by_file[os.path.normpath(loc["path"])].append(
                (f["rule"], loc.get("start_line", 0), loc.get("end_line", loc.get("start_line", 0))))
    return by_file, report.get("errors", []), proc.stderr


# Inputs that are not valid cases of any supported kind: drydock should answer with one clear
# error naming the file (exit 2), not findings, not a crash, not a Dockerfile parse of JSON.
BAD_INPUTS = [
    ("compose-services-scalar", "compose.yaml", "services: web\n"),
    ("compose-service-list", "docker-compose.yml", "services:\n  - name: web\n    image: nginx:1.27\n"),
    ("compose-bad-ports-type", "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    ports: 8080\n"),
    ("kubelet-config-json", "kubelet-config.json",
     json.dumps({"kind": "KubeletConfiguration", "apiVersion": "kubelet.config.k8s.io/v1beta1",
                 "authentication": {"anonymous": {"enabled": False}}, "readOnlyPort": 0}, indent=2) + "\n"),
    ("cni-config-json", "10-bridge.conflist",
     json.dumps({"cniVersion": "1.0.0", "name": "bridge", "plugins": [{"type": "bridge", "bridge": "cni0"}]}, indent=2) + "\n"),
    ("truncated-yaml", "deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: [unclosed\n"),
    ("binary-garbage", "Dockerfile", "\x00\x01\x02FROM\xff\xfe\n"),
]


def check_bad_inputs(binary):
    print("\ninputs that are none of the supported kinds (want: exit 2, one error naming the file):")
    ok = 0
    with tempfile.TemporaryDirectory() as t:
        for name, fname, text in BAD_INPUTS:
            d = os.path.join(t, name)
            os.makedirs(d)
            with open(os.path.join(d, fname), "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(text)
            rel = os.path.join(name, fname)
            proc = subprocess.run([binary, "scan", rel, "--format", "json", "--offline", "--no-vulns",
                                   "--no-progress", "--no-build-context"], cwd=t, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, errors="replace")
            try:
                rep = json.loads(proc.stdout)
                errs = [e.get("message", "") for e in rep.get("errors", [])]
                nfind = len(rep.get("findings", []))
            except json.JSONDecodeError:
                errs, nfind = [proc.stderr.strip()], 0
            # JSON read as a Dockerfile ("unknown instruction: {") is the confusion to avoid
            parsed_as_dockerfile = fname != "Dockerfile" and any("unknown instruction" in e for e in errs)
            good = (proc.returncode == 2 and errs and nfind == 0 and not parsed_as_dockerfile
                    and any(fname in e for e in errs + [proc.stderr]))
            ok += bool(good)
            first = (errs[0] if errs else proc.stderr.strip()).split("\n")[0][:110]
            print(f"  {'ok ' if good else 'BAD'} {name:24} exit {proc.returncode}, {nfind} findings: {first or '-'}")
    print(f"  {ok}/{len(BAD_INPUTS)} handled as wanted")


def pct(a, b):
    return f"{100.0 * a / b:5.1f}%" if b else "   - "


def main():
    ap = argparse.ArgumentParser(prog="rules-recall", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--drydock", default=os.environ.get("DRYDOCK", "target/release/drydock"))
    ap.add_argument("--keep", metavar="DIR", help="write the cases here and keep them")
    ap.add_argument("--json", metavar="FILE", help="also write per-check figures as JSON")
    ap.add_argument("--all-rules", action="store_true",
                    help="enable every rule, off-by-default ones too (default: the rule set a user gets)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss and false flag")
    args = ap.parse_args()
    binary = os.path.abspath(shutil.which(args.drydock) or args.drydock)
    if not os.path.isfile(binary):
        sys.exit(f"drydock binary not found: {args.drydock} (build it or set $DRYDOCK)")
    eq, ids, off = equivalents(binary)
    cases = load_cases()
    root = args.keep or tempfile.mkdtemp(prefix="rules-recall-")
    os.makedirs(root, exist_ok=True)
    try:
        files = []
        for i, c in enumerate(cases):
            d = os.path.join(root, f"{c['kind']}-{i:03d}")
            os.makedirs(d, exist_ok=True)
            c["path"] = os.path.join(f"{c['kind']}-{i:03d}", FILE_NAMES[c["kind"]])
            with open(os.path.join(root, c["path"]), "w") as f:
                f.write(c["text"])
            files.append(c["path"])
        by_file, errors, stderr = run_scan(binary, root, files, off if args.all_rules else None)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    per = defaultdict(lambda: {"pos": 0, "caught": 0, "wrong_line": 0, "neg": 0, "flagged": 0,
                               "any_on_line": 0, "cases": []})
    for c in cases:
        declared = sorted(eq.get(c["check"], ()))
        hint = [r for r in HINTS.get(c["check"], []) if r in ids]
        rules, how = (declared, "declared") if declared else ((hint, "by-title") if hint else ([], "none"))
        c["rules"], c["how"] = rules, how
        found = by_file.get(os.path.normpath(c["path"]), [])
        mine = [f for f in found if f[0] in rules]
        lines = c["marked"]
        on_line = [f for f in mine if not lines or any(f[1] <= ln <= max(f[1], f[2]) for ln in lines)]
        any_line = [f for f in found if lines and any(f[1] <= ln <= max(f[1], f[2]) for ln in lines)]
        s = per[c["check"]]
        s["how"], s["rules"] = how, rules
        if c["sign"] == "+":
            s["pos"] += 1
            c["ok"] = bool(on_line)
            s["caught"] += bool(on_line)
            s["wrong_line"] += bool(mine) and not on_line
            s["any_on_line"] += bool(any_line)
            c["any_rules"] = sorted({f[0] for f in any_line})
        else:
            s["neg"] += 1
            c["ok"] = not mine
            s["flagged"] += bool(mine)
        c["seen"] = sorted({f"{f[0]}@{f[1]}" for f in found})
        s["cases"].append(c)

    def family(check):
        tool, cid = check.split(":", 1)
        if tool == "checkov":
            return "checkov-k8s" if "K8S" in cid else "checkov-docker"
        return tool

    print(f"rule set: {'every rule (--select ALL + the off-by-default ones)' if args.all_rules else 'default'}; off by default: "
          f"{', '.join(sorted(off)) or 'none'} (marked * below)")
    print(f"{len(cases)} cases: {sum(c['kind'] == 'dockerfile' for c in cases)} Dockerfile, "
          f"{sum(c['kind'] == 'compose' for c in cases)} Compose, {sum(c['kind'] == 'k8s' for c in cases)} Kubernetes; "
          f"{len(per)} foreign checks")
    if errors:
        print(f"drydock reported {len(errors)} target errors:")
        for e in errors[:20]:
            print(f"  {e}")
    for how in ("declared", "by-title"):
        sel = [c for c in cases if c["how"] == how]
        P = [c for c in sel if c["sign"] == "+"]
        N = [c for c in sel if c["sign"] == "-"]
        print(f"\n[{how} equivalents] positives caught on the right line: {sum(c['ok'] for c in P)}/{len(P)} "
              f"({pct(sum(c['ok'] for c in P), len(P))}); negatives flagged: "
              f"{sum(not c['ok'] for c in N)}/{len(N)} ({pct(sum(not c['ok'] for c in N), len(N))})")
        fams = defaultdict(lambda: [0, 0, 0, 0])
        for c in sel:
            fam = fams[(family(c["check"]), c["kind"])]
            if c["sign"] == "+":
                fam[0] += 1
                fam[1] += c["ok"]
            else:
                fam[2] += 1
                fam[3] += not c["ok"]
        for (fam, kind), (p, ok, n, bad) in sorted(fams.items()):
            print(f"  {fam:16} {kind:10} caught {ok:3}/{p:<3} {pct(ok, p)}   flagged {bad:3}/{n:<3} {pct(bad, n)}")

    kinds = defaultdict(lambda: [0, 0, 0, 0])
    for c in cases:
        if c["kind"] == "k8s" and c["how"] != "none":
            k = kinds[c["source"].split("(", 1)[1].rstrip(")") if "(" in c["source"] else c["source"]]
            if c["sign"] == "+":
                k[0] += 1
                k[1] += c["ok"]
            else:
                k[2] += 1
                k[3] += not c["ok"]
    print("\nKubernetes cases per workload kind (mapped checks):")
    for kind, (p, ok, n, bad) in sorted(kinds.items()):
        print(f"  {kind:24} caught {ok:3}/{p:<3} {pct(ok, p)}   flagged {bad:3}/{n:<3} {pct(bad, n)}")

    print("\nper check (mapping, drydock rules: caught/positives [wrong line], flagged/negatives)")
    for check in sorted(per, key=lambda k: (per[k]["how"] != "declared", per[k]["how"], k)):
        s = per[check]
        if s["how"] == "none":
            continue
        mark = "" if s["caught"] == s["pos"] and not s["flagged"] else "  <--"
        wl = f" [{s['wrong_line']} wrong line]" if s["wrong_line"] else ""
        rules = ",".join(r + ("*" if r in off else "") for r in s["rules"])
        print(f"  {check:58} {s['how']:8} {rules:12} {s['caught']}/{s['pos']}{wl}  "
              f"flagged {s['flagged']}/{s['neg']}{mark}")
    none = [k for k in sorted(per) if per[k]["how"] == "none"]
    print(f"\nforeign checks with no drydock equivalent ({len(none)}); positives where some drydock rule "
          "still fires on the marked line:")
    for check in none:
        s = per[check]
        rules = sorted({r for c in s["cases"] if c["sign"] == "+" for r in c.get("any_rules", [])})
        print(f"  {check:58} {s['any_on_line']}/{s['pos']} {','.join(rules)}")

    check_bad_inputs(binary)

    if args.verbose:
        print("\nmisses and false flags:")
        for c in cases:
            if c["how"] != "none" and not c["ok"]:
                what = "missed" if c["sign"] == "+" else "flagged"
                print(f"  {what:7} {c['check']} ({c['source']}) lines {c['marked'] or 'any'}; "
                      f"expected {','.join(c['rules'])}; drydock: {' '.join(c['seen']) or '-'}")
                for i, ln in enumerate(c["text"].rstrip("\n").split("\n"), 1):
                    print(f"      {i:3}{'*' if i in c['marked'] else ' '} {ln}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({k: {x: v for x, v in s.items() if x != "cases"} for k, s in per.items()}, f, indent=2)


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends the output quietly
    main()
