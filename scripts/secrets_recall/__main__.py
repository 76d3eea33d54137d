"""Generate the held-out trees, run `drydock secrets` on them and print recall / false hits.

Usage: python3 -m secrets_recall [--seed N] [--mode matrix|rootfs|both] [-v] [--keep DIR]
The drydock binary comes from --drydock, $DRYDOCK or target/release/drydock.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

from .gen import Gen
from .image import docker_archive
from .tree import matrix_tree, rootfs_tree

SEV = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
MED, LOW = SEV["medium"], SEV["low"]
GENERIC_HINTS = ("generic", "named-variable", "env-file", "env-secret-value")


def run_drydock(binary, root):
    proc = subprocess.run([binary, "secrets", root, "--format", "json", "--min-severity", "none",
                           "--no-progress", "--fail-on", "none"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode not in (0, 1):
        sys.exit(f"drydock secrets {root} failed with exit {proc.returncode}: {proc.stderr.strip()[:500]}")
    report = json.loads(proc.stdout)
    findings = []
    for f in report.get("findings", []):
        loc = f.get("location", {})
        path = loc.get("path")
        if not path or "start_line" not in loc:
            continue
        if os.path.isabs(path):
            path = os.path.relpath(path, root)
        elif path.startswith(root.rstrip("/") + "/"):
            path = path[len(root.rstrip("/")) + 1:]
        findings.append({"rule": f["rule"], "sev": SEV.get(f.get("severity"), 0), "path": path,
                         "start": loc["start_line"], "end": loc.get("end_line", loc["start_line"]),
                         "severity": f.get("severity")})
    return findings, report.get("errors", [])


def match(labels, findings):
    """Attach to each label the findings overlapping its lines; return the unmatched findings."""
    by_path = defaultdict(list)
    for lab in labels:
        lab["hits"] = []
        by_path[lab["path"]].append(lab)
    stray = []
    for f in findings:
        hit = False
        for lab in by_path.get(f["path"], []):
            if f["start"] <= lab["end_line"] and f["end"] >= lab["line"]:
                lab["hits"].append(f)
                hit = True
        if not hit:
            stray.append(f)
    for lab in labels:
        lab["best"] = max((h["sev"] for h in lab["hits"]), default=-1)
        lab["specific"] = any(not any(k in h["rule"] for k in GENERIC_HINTS) and h["sev"] >= LOW
                              for h in lab["hits"])
    return stray


def pct(a, b):
    return f"{100.0 * a / b:5.1f}%" if b else "   - "


def table(title, rows, header):
    print(f"\n{title}")
    print("  " + header)
    for r in rows:
        print("  " + r)


def report_matrix(labels, stray, verbose):
    P = [lab for lab in labels if lab["kind"] == "pos"]
    N = [lab for lab in labels if lab["kind"] == "neg"]
    pm = sum(lab["best"] >= MED for lab in P)
    pl = sum(lab["best"] >= LOW for lab in P)
    nm = sum(lab["best"] >= MED for lab in N)
    nl = sum(lab["best"] >= LOW for lab in N)
    sm = sum(f["sev"] >= MED for f in stray)
    sl = sum(f["sev"] >= LOW for f in stray)
    print("== syntax matrix ==")
    print(f"positives {len(P)}: recall {pct(pm, len(P))} at medium+, {pct(pl, len(P))} at low+")
    print(f"negatives {len(N)}: flagged {pct(nm, len(N))} at medium+, {pct(nl, len(N))} at low+")
    print(f"findings on unlabelled (filler) lines: {sm} at medium+, {sl} at low+")

    def group(key, items):
        out = defaultdict(list)
        for lab in items:
            out[lab.get(key, "?")].append(lab)
        return out

    rows = []
    for fam, labs in sorted(group("family", P).items(), key=lambda kv: (sum(lab["best"] >= LOW for lab in kv[1]) / len(kv[1]), kv[0])):
        rows.append(f"{fam:20} {len(labs):5} {pct(sum(lab['best'] >= MED for lab in labs), len(labs))} "
                    f"{pct(sum(lab['best'] >= LOW for lab in labs), len(labs))} "
                    f"{pct(sum(lab['specific'] for lab in labs), len(labs))}")
    table("per provider family (worst first)", rows, f"{'family':20} {'n':>5} {'med+':>6} {'low+':>6} {'by-provider-rule':>6}")

    syn_p, syn_n = group("syntax", P), group("syntax", N)
    rows = []
    for syn in sorted(set(syn_p) | set(syn_n), key=lambda s: (sum(lab["best"] >= LOW for lab in syn_p.get(s, [])) / max(1, len(syn_p.get(s, []))), s)):
        p, n = syn_p.get(syn, []), syn_n.get(syn, [])
        rows.append(f"{syn:22} {len(p):5} {pct(sum(lab['best'] >= MED for lab in p), len(p))} "
                    f"{pct(sum(lab['best'] >= LOW for lab in p), len(p))}   {len(n):5} "
                    f"{pct(sum(lab['best'] >= MED for lab in n), len(n))} {pct(sum(lab['best'] >= LOW for lab in n), len(n))}")
    table("per file syntax (worst recall first)", rows,
          f"{'syntax':22} {'pos':>5} {'med+':>6} {'low+':>6}   {'neg':>5} {'med+':>6} {'low+':>6}")

    rows = []
    for kind, labs in sorted(group("negative", N).items(), key=lambda kv: (-sum(lab["best"] >= LOW for lab in kv[1]) / len(kv[1]), kv[0])):
        rows.append(f"{kind:24} {len(labs):5} {pct(sum(lab['best'] >= MED for lab in labs), len(labs))} "
                    f"{pct(sum(lab['best'] >= LOW for lab in labs), len(labs))}")
    table("negatives per kind (most flagged first)", rows, f"{'kind':24} {'n':>5} {'med+':>6} {'low+':>6}")

    prov = group("provider", P)
    missed = sorted(((sum(lab["best"] < LOW for lab in labs), name, len(labs)) for name, labs in prov.items()),
                    reverse=True)
    print(f"\nproviders: {len(prov)}; fully caught at low+: {sum(1 for m in missed if m[0] == 0)}; "
          f"never caught: {sum(1 for m in missed if m[0] == m[2])}")
    worst = [f"{name} {n - m}/{n}" for m, name, n in missed if m][:40]
    if worst:
        print("  worst providers (caught/planted at low+): " + ", ".join(worst))

    if verbose:
        print("\nmisses (positives not found at low+):")
        for lab in sorted(P, key=lambda x: (x["path"], x["line"])):
            if lab["best"] < LOW:
                got = f" (only {lab['hits'][0]['severity']} {lab['hits'][0]['rule']})" if lab["hits"] else ""
                print(f"  {lab['path']}:{lab['line']}  {lab['family']}/{lab['provider']} [{lab['syntax']}]{got}")
        print("\nfalse hits (negatives flagged at low+):")
        for lab in sorted(N, key=lambda x: (x["path"], x["line"])):
            if lab["best"] >= LOW:
                h = max(lab["hits"], key=lambda h: h["sev"])
                print(f"  {lab['path']}:{lab['line']}  {lab['negative']} [{lab['syntax']}] <- {h['rule']} {h['severity']}")
        print("\nfindings on unlabelled lines (low+):")
        for f in sorted(stray, key=lambda f: (f["path"], f["start"])):
            if f["sev"] >= LOW:
                print(f"  {f['path']}:{f['start']}  {f['rule']} {f['severity']}")
    return {"positives": len(P), "recall_medium": pm / max(1, len(P)), "recall_low": pl / max(1, len(P)),
            "negatives": len(N), "flagged_medium": nm / max(1, len(N)), "flagged_low": nl / max(1, len(N)),
            "stray_medium": sm, "stray_low": sl}


def report_rootfs(labels, stray, nfiles, verbose):
    P = [lab for lab in labels if lab["kind"] == "pos"]
    pm = sum(lab["best"] >= MED for lab in P)
    pl = sum(lab["best"] >= LOW for lab in P)
    false_med = [f for f in stray if f["sev"] >= MED]
    false_low = [f for f in stray if f["sev"] >= LOW]
    true_low = sum(len([h for h in lab["hits"] if h["sev"] >= LOW]) for lab in P)
    print("\n== realistic image file tree ==")
    print(f"planted secrets {len(P)} in {nfiles} files: recall {pct(pm, len(P))} at medium+, {pct(pl, len(P))} at low+")
    print(f"false findings: {len(false_med)} at medium+, {len(false_low)} at low+ "
          f"({pct(len(false_low), len(false_low) + true_low)} of all low+ findings); "
          f"files with a false finding: {len({f['path'] for f in false_low})}/{nfiles}")
    per_file = defaultdict(list)
    for f in false_low:
        per_file[f["path"]].append(f)
    for path, fs in sorted(per_file.items()):
        print(f"  {path}: " + ", ".join(f"{f['rule']}@{f['start']} {f['severity']}" for f in fs))
    if verbose:
        for lab in P:
            if lab["best"] < LOW:
                print(f"  missed {lab['path']}:{lab['line']}  {lab['family']}/{lab['provider']}")
    return {"planted": len(P), "recall_medium": pm / max(1, len(P)), "recall_low": pl / max(1, len(P)),
            "false_medium": len(false_med), "false_low": len(false_low)}


IMAGE_DELETED = ["app/.env", "root/.npmrc"]


def run_image(binary, archive):
    proc = subprocess.run([binary, "scan", "docker-archive:" + archive, "--format", "json", "--offline",
                           "--no-vulns", "--no-progress", "--min-severity", "none", "--fail-on", "none"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode not in (0, 1):
        sys.exit(f"drydock scan {archive} failed with exit {proc.returncode}: {proc.stderr.strip()[:500]}")
    report = json.loads(proc.stdout)
    by_path = defaultdict(list)
    for f in report.get("findings", []):
        loc = f.get("location", {})
        if f.get("category") in ("secret", "sensitive-file", "secret-exposure") and loc.get("path"):
            by_path[loc["path"].lstrip("/")].append((f["rule"], SEV.get(f.get("severity"), 0), loc.get("deleted_in")))
    return by_path, report.get("errors", [])


def report_image(labels, dir_findings, img, nfiles):
    """Per file: the same tree as image layers. Compares with the directory verdict."""
    planted = sorted({lab["path"] for lab in labels if lab["kind"] == "pos"})

    def covers(q, p):
        # a finding on a directory (a `.git` left in the image) covers the secrets inside it
        return q == p or p.startswith(q.rstrip("/") + "/")

    hot = {q for q, fs in img.items() if any(s >= LOW for _, s, _ in fs)}
    found = [p for p in planted if any(covers(q, p) for q in hot)]
    false = sorted(q for q in hot if not any(covers(q, p) for p in planted))
    print(f"\n== the same tree as a docker-archive (2 layers; {len(IMAGE_DELETED)} planted files deleted in layer 2) ==")
    print(f"planted files reported at low+: {len(found)}/{len(planted)} ({pct(len(found), len(planted))}); "
          f"other files reported: {len(false)}/{nfiles - len(planted)}")
    for p in planted:
        if p not in found:
            print(f"  missed {p}" + (" (deleted in layer 2)" if p in IMAGE_DELETED else ""))
    for p in IMAGE_DELETED:
        if p in found and not any(d is not None for _, _, d in img.get(p, [])):
            print(f"  {p}: reported, but not as deleted")
    for p in false:
        print(f"  false: {p} <- " + ", ".join(sorted({r for r, s, _ in img[p] if s >= LOW})))
    dir_files = {f["path"] for f in dir_findings if f["sev"] >= LOW}
    img_files = {p for p, fs in img.items() if any(s >= LOW for _, s, _ in fs)}
    differ = sorted((dir_files ^ img_files))
    print(f"files with a different verdict under `drydock secrets DIR` and the image scan: {len(differ)}")
    for p in differ:
        print(f"  {p}: {'directory only' if p in dir_files else 'image only'}")
    return {"planted_files": len(planted), "found_files": len(found), "false_files": len(false),
            "verdict_differs": len(differ)}


def main():
    ap = argparse.ArgumentParser(prog="secrets-recall", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--mode", choices=["matrix", "rootfs", "both"], default="both")
    ap.add_argument("--drydock", default=os.environ.get("DRYDOCK", "target/release/drydock"))
    ap.add_argument("--keep", metavar="DIR", help="write the trees and labels here and keep them")
    ap.add_argument("--json", metavar="FILE", help="also write the summary figures as JSON")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss and false hit")
    args = ap.parse_args()
    binary = shutil.which(args.drydock) or args.drydock
    if not os.path.isfile(binary):
        sys.exit(f"drydock binary not found: {args.drydock} (build it or set $DRYDOCK)")
    base = args.keep or tempfile.mkdtemp(prefix="secrets-recall-")
    os.makedirs(base, exist_ok=True)
    summary = {"seed": args.seed}
    keys = None
    try:
        if args.mode in ("matrix", "both"):
            t = time.time()
            root = os.path.join(base, "matrix")
            shutil.rmtree(root, ignore_errors=True)
            labels, notes, keys = matrix_tree(Gen(args.seed), root)
            for n in notes:
                print(f"note: {n}")
            files = sum(len(fs) for _, _, fs in os.walk(root))
            t1 = time.time()
            findings, errors = run_drydock(binary, root)
            print(f"generated {files} files in {t1 - t:.1f}s; drydock took {time.time() - t1:.1f}s; {len(findings)} findings")
            for e in errors[:5]:
                print(f"drydock error: {e}")
            stray = match(labels, findings)
            summary["matrix"] = report_matrix(labels, stray, args.verbose)
        if args.mode in ("rootfs", "both"):
            from .credfiles import generate_keys
            root = os.path.join(base, "rootfs")
            shutil.rmtree(root, ignore_errors=True)
            private, public = keys if keys else generate_keys()[:2]
            labels = rootfs_tree(Gen(args.seed + 1), root, private, public)
            nfiles = sum(len(fs) for _, _, fs in os.walk(root))
            findings, errors = run_drydock(binary, root)
            for e in errors[:5]:
                print(f"drydock error: {e}")
            stray = match(labels, findings)
            summary["rootfs"] = report_rootfs(labels, stray, nfiles, args.verbose)
            archive = os.path.join(base, "rootfs-image.tar")
            docker_archive(root, archive, IMAGE_DELETED)
            img, errors = run_image(binary, archive)
            for e in errors[:5]:
                print(f"drydock error: {e}")
            summary["image"] = report_image(labels, findings, img, nfiles)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=2)


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends the output quietly
    main()
