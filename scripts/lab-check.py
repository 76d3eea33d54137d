#!/usr/bin/env python3
"""Check `drydock scan` against the image lab's ground truth (issue 3, "Must show").

For every lab image in every format (docker-archive, real `docker save`, OCI layout with gzip /
zstd / plain layers, OCI archive, the TLS + basic-auth registry, the plain registry, the podman
Engine API socket) run `drydock scan SOURCE --format json --fail-on none` and compare the findings
with $LAB/ground-truth.json (written by ../shared/lab/70-ground-truth.sh):

* every planted secret, sensitive file, deleted/overwritten secret (right `layer` and
  `deleted_in`), build-arg leak, runs-as-root, EXPOSE 22, setuid/setgid and world-writable file
  must be reported (secrets at medium or above);
* negatives (`category: negative`, e.g. checksum-invalid ghp_/npm_ look-alikes) must not be
  reported at medium or above, and never as the token they imitate;
* images expected clean (`clean`, `multistage`) get no finding at medium or above (vulnerability
  findings are counted separately); `vendor_flaggable` package files may appear at info/low;
* any other finding at medium or above that neither the planted list nor the ground truth's
  independent oracle (secret occurrences, final setuid/world-writable entries, waste) explains is
  "unexpected".

Prints a per-image / per-format table (expected / found / missing / unexpected), the details of
every miss, and writes everything as JSON (--json). Exit status 1 on any miss, wrong location or
unexpected finding; 2 on a usage/setup error.

usage: lab-check.py --bin PATH/drydock [--lab DIR] [--formats a,b] [--images a,b]
                    [--out DIR] [--json FILE]
formats: docker-archive docker-save oci oci-archive oci-zstd oci-uncompressed registry-tls
         registry-tls-zstd registry-plain podman docker-daemon (the last five need the lab's
         registries / podman service running: scripts/lab-check.sh starts them)
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import time

SEV = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
TAGS = {"debian-base": "bookworm", "busybox": "1.35"}
# images whose findings are checked (large-python-jdk is the speed image: checked in the
# local formats only, it has nothing planted)
IMAGES = ["debian-base", "busybox", "clean", "root-and-secrets", "deleted-secret",
          "setuid-and-worldwritable", "big-waste", "multistage", "heredoc", "umoci-made",
          "docker-built-secrets", "large-python-jdk"]
HEAVY = {"large-python-jdk"}
ZSTD = {"root-and-secrets", "deleted-secret", "large-python-jdk"}


def tag(name):
    return TAGS.get(name, "1.0")


def sources(lab, fmt, name, reg_tls, reg_plain):
    """(source string, extra args, stdin) for one image in one format, or None if absent."""
    img = os.path.join(lab, "images")
    if fmt == "docker-archive":
        p = os.path.join(img, "docker-archive", f"{name}.tar")
        return (f"docker-archive:{p}", [], None) if os.path.exists(p) else None
    if fmt == "docker-save":
        p = os.path.join(img, "docker-save", f"{name}.tar")
        return (f"docker-archive:{p}", [], None) if os.path.exists(p) else None
    if fmt == "oci":
        p = os.path.join(img, "oci", name)
        return (f"oci:{p}:{tag(name)}", [], None) if os.path.isdir(p) else None
    if fmt == "oci-archive":
        p = os.path.join(img, "oci-archive", f"{name}.tar")
        return (f"oci-archive:{p}", [], None) if os.path.exists(p) else None
    if fmt in ("oci-zstd", "oci-uncompressed"):
        p = os.path.join(img, fmt, name)
        return (f"oci:{p}", [], None) if os.path.isdir(p) else None
    if fmt == "registry-tls":
        return (f"{reg_tls}/lab/{name}:{tag(name)}",
                ["--ca-cert", os.path.join(lab, "registry", "certs", "ca.crt"),
                 "--username", os.environ.get("LAB_REG_USER", "labuser"), "--password-stdin"],
                os.environ.get("LAB_REG_PASS", "labpass-2026"))
    if fmt == "registry-tls-zstd":
        if name not in ZSTD:
            return None
        return (f"{reg_tls}/lab/{name}:1.0-zstd",
                ["--ca-cert", os.path.join(lab, "registry", "certs", "ca.crt"),
                 "--username", os.environ.get("LAB_REG_USER", "labuser"), "--password-stdin"],
                os.environ.get("LAB_REG_PASS", "labpass-2026"))
    if fmt == "registry-plain":
        return (f"{reg_plain}/lab/{name}:{tag(name)}", ["--insecure"], None)
    if fmt == "podman":
        return (f"podman:localhost/lab/{name}:{tag(name)}", [], None)
    if fmt == "docker-daemon":
        return (f"docker-daemon:localhost/lab/{name}:{tag(name)}", [], None)
    raise SystemExit(f"lab-check: unknown format {fmt}")


def run_scan(binary, src, extra, stdin, out_dir, label, env):
    cmd = [binary, "scan", src, "--format", "json", "--fail-on", "none", *extra]
    t0 = time.time()
    if stdin is None:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env)
    else:
        p = subprocess.run(cmd, input=stdin.encode(), capture_output=True, env=env)
    secs = time.time() - t0
    raw = p.stdout.decode(errors="replace")
    with open(os.path.join(out_dir, label + ".json"), "w") as f:
        f.write(raw)
    doc, err = None, None
    try:
        doc = json.loads(raw)
    except ValueError:
        err = (p.stderr.decode(errors="replace").strip().splitlines() or ["(no output)"])[-1]
    if doc is not None and doc.get("errors"):
        err = "; ".join(e.get("message", "") for e in doc["errors"])
    if doc is None and p.returncode != 0 and not err:
        err = f"exit {p.returncode}"
    return doc, err, secs, p.returncode, " ".join(cmd)


def sha16(v):
    return hashlib.sha256(v.encode()).hexdigest()[:16]


def loc(f):
    return f.get("location") or {}


def fpath(f):
    return loc(f).get("path")


def sev(f):
    return SEV.get(f.get("severity"), 0)


def describe(f):
    l = loc(f)
    where = (f"{l['path']} layer {l.get('layer')} deleted_in {l.get('deleted_in')}" if "layer" in l and "path" in l
             else f"field {l.get('field')}" if "field" in l else json.dumps(l))
    return f"{f.get('rule')} {f.get('severity')} {where}: {f.get('message', '')[:140]}"


SECRETISH = {"secret", "secret-exposure", "sensitive-file"}


def check_image(name, gt, doc, secrets):
    """Returns dict(expected=[ids], found=[ids], missing=[(id, why)], unexpected=[desc], notes=[...])."""
    img = gt["images"][name]
    findings = [f for f in doc.get("findings", []) if f.get("category") != "vulnerability"]
    vulns = [f for f in doc.get("findings", []) if f.get("category") == "vulnerability"]
    used = set()  # indexes of findings explained by a planted entry or the oracle
    res = {"expected": [], "found": [], "missing": [], "weak": [], "unexpected": [], "notes": [],
           "findings": len(findings), "vulnerabilities": len(vulns)}
    # Layer mapping sanity: a finding's layer_digest is the layer's diff_id, whatever the format.
    gt_diff = [l["diff_id"] for l in img["layers"]]
    for f in findings:
        l = loc(f)
        if "layer_digest" in l and (l["layer"] >= len(gt_diff) or l["layer_digest"] != gt_diff[l["layer"]]):
            res["unexpected"].append(f"layer {l['layer']} has digest {l['layer_digest']}, ground truth says "
                                     f"{gt_diff[l['layer']] if l['layer'] < len(gt_diff) else 'no such layer'}: {describe(f)}")
            break

    def hits(pred):
        return [i for i, f in enumerate(findings) if pred(f)]

    for p in img["planted"]:
        cat, pid = p["category"], p["id"]
        keys = p.get("secret", [])
        keys = keys if isinstance(keys, list) else [keys]
        shas = {sha16(secrets[k]["value"]) for k in keys if k in secrets}
        if cat in ("none", "performance", "note"):
            continue
        if cat == "setuid-setgid" and name == "debian-base":
            # Debian's own setuid programs are on drydock's documented expected list: their
            # absence is correct; any that IS reported must be explained by the oracle (below).
            continue
        if cat == "negative":
            bad = hits(lambda f: fpath(f) == p["path"])
            for i in bad:
                f = findings[i]
                used.add(i)
                ev = (f.get("evidence") or {}).get("sha256")
                if sev(f) >= SEV["medium"] or ev in shas:
                    res["unexpected"].append(f"NEGATIVE {pid} reported: {describe(f)}")
                else:
                    res["notes"].append(f"negative {pid} at {f.get('severity')} (allowed): {describe(f)}")
            continue
        if cat in ("apt-cache-left",):
            i = hits(lambda f: p["path"].rstrip("/") in json.dumps(loc(f)) + f.get("message", ""))
            used.update(i)
            res["notes"].append(f"{pid} (optional, {p['path']}): {'reported' if i else 'not reported'}")
            continue
        if cat == "whiteout-of-base-file":
            bad = hits(lambda f: fpath(f) == p["path"] and loc(f).get("deleted_in") is None)
            used.update(hits(lambda f: fpath(f) == p["path"]))
            if bad:
                res["unexpected"].append(f"{pid}: {p['path']} was deleted in layer {p['expect_deleted_in']} "
                                         f"but is reported as present: {describe(findings[bad[0]])}")
            continue
        if cat == "world-writable-dir-sticky":
            i = hits(lambda f: fpath(f) == p["path"])
            used.update(i)
            for j in i:
                if sev(findings[j]) >= SEV["medium"]:
                    res["unexpected"].append(f"{pid}: sticky 1777 dir reported at {findings[j]['severity']}: "
                                             f"{describe(findings[j])}")
            continue
        res["expected"].append(pid)
        if cat == "runs-as-root":
            i = hits(lambda f: f.get("rule") == "IM004" or loc(f).get("field") == "User")
        elif cat == "misconfig":
            i = hits(lambda f: f.get("rule") == "IM009" or loc(f).get("field") == "ExposedPorts")
        elif p.get("where") == "env":
            i = hits(lambda f: f.get("category") in SECRETISH and str(loc(f).get("field", "")).startswith("Env")
                     and ((f.get("evidence") or {}).get("sha256") in shas or f"`{p['name']}`" in f.get("message", "")
                          or p["name"] in str(loc(f).get("field"))))
        elif p.get("where") == "label":
            i = hits(lambda f: f.get("category") in SECRETISH and str(loc(f).get("field", "")).startswith("Label")
                     and ((f.get("evidence") or {}).get("sha256") in shas or p["name"] in f.get("message", "")
                          or p["name"] in str(loc(f).get("field"))))
        elif p.get("where") == "history":
            fields = {f"history[{h}]" for h in p.get("history_indexes_with_secret", [])}
            i = hits(lambda f: f.get("category") in SECRETISH and loc(f).get("field") in fields)
        elif cat in ("setuid", "setgid", "setuid+setgid"):
            i = hits(lambda f: fpath(f) == p["path"] and (f.get("rule") == "IM010" or f.get("category") == "permissions"))
        elif cat.startswith("world-writable"):
            i = hits(lambda f: fpath(f) == p["path"] and (f.get("rule") == "IM011" or f.get("category") == "permissions"))
        elif cat == "wasted-space":
            i = hits(lambda f: f.get("category") == "efficiency" and (fpath(f) == p["path"] or p["path"] in f.get("message", "")))
        else:  # secret / deleted-secret / overwritten-secret in a file
            i = hits(lambda f: fpath(f) == p["path"] and f.get("category") in SECRETISH)
        used.update(i)
        if not i:
            said = [describe(findings[j]) for j in hits(lambda f: p.get("path") and fpath(f) == p["path"])]
            res["missing"].append((pid, f"not reported ({cat} {p.get('path') or p.get('name') or ''})"
                                   + (f"; at that path drydock said: {' | '.join(said)}" if said else "")))
            continue
        fs = [findings[j] for j in i]
        if p.get("where") == "file" and cat not in ("setuid", "setgid", "setuid+setgid") and not cat.startswith("world"):
            # the right layer and deleted_in: at least one finding must carry both
            ok = [f for f in fs if loc(f).get("layer") == p.get("expect_layer")
                  and loc(f).get("deleted_in") == p.get("expect_deleted_in")]
            if not ok:
                res["missing"].append((pid, f"wrong location: expected {p['path']} layer {p.get('expect_layer')} "
                                            f"deleted_in {p.get('expect_deleted_in')}; drydock said: "
                                       + " | ".join(describe(f) for f in fs)))
                continue
        if p.get("where") == "file" and (cat in ("setuid", "setgid", "setuid+setgid") or cat.startswith("world")):
            ok = [f for f in fs if loc(f).get("layer") == p.get("expect_layer") and loc(f).get("deleted_in") is None]
            if not ok:
                res["missing"].append((pid, f"wrong location: expected {p['path']} layer {p.get('expect_layer')} "
                                            f"deleted_in None; drydock said: " + " | ".join(describe(f) for f in fs)))
                continue
        res["found"].append(pid)
        if cat in ("secret", "deleted-secret", "overwritten-secret") and max(sev(f) for f in fs) < SEV["medium"]:
            # found, but `--fail-on medium` would let it through: listed, not a miss
            res["weak"].append((pid, "only below medium: " + " | ".join(describe(f) for f in fs)))

    # The oracle explains other findings: occurrences of planted secrets, final setuid /
    # world-writable entries, wasted files; vendor_flaggable package files at info/low.
    o = img["oracle"]
    neg_keys = {k for k, v in secrets.items() if v["kind"].startswith("negative")}
    for idx, f in enumerate(findings):
        if idx in used:
            continue
        l = loc(f)
        ok = False
        for h in o["secret_hits"]:
            if h["secret"] in neg_keys:
                continue
            if h["where"] == "file" and l.get("path") == h["path"]:
                ok = True
            elif h["where"] == "history" and l.get("field") == f"history[{h['history_index']}]":
                ok = True
            elif h["where"] == "env" and str(l.get("field", "")).startswith("Env"):
                ok = True
            elif h["where"] == "label" and str(l.get("field", "")).startswith("Label"):
                ok = True
        if f.get("rule") == "IM010" and any(s["path"] == l.get("path") for s in o["setuid_setgid_final"]):
            # Debian's own setuid programs are expected not to be reported at medium+
            ok = not (name == "debian-base" or l.get("layer") == 0) or sev(f) < SEV["medium"]
        if f.get("rule") == "IM011" and any(w["path"] == l.get("path") and not w["sticky"] for w in o["world_writable_final"]):
            ok = True
        if f.get("category") == "efficiency":
            ok = True
        if f.get("rule") == "IM004" and img["config"]["runs_as_root"]:
            ok = True
        if f.get("rule") == "IM008" and not img["config"].get("Healthcheck"):
            ok = True
        for v in img.get("vendor_flaggable", []):
            if l.get("path") == v["path"]:
                ok = sev(f) <= SEV["low"] and any(pk in f.get("message", "") for pk in v["dpkg_owner"])
                if not ok:
                    res["unexpected"].append(f"vendor file not downgraded/naming {v['dpkg_owner']}: {describe(f)}")
                    ok = None
        if ok is None:
            continue
        if not ok and sev(f) >= SEV["medium"]:
            res["unexpected"].append(describe(f))
        elif not ok:
            res["notes"].append("low/info: " + describe(f))
    if vulns:
        worst = max(vulns, key=sev)
        res["notes"].append(f"{len(vulns)} vulnerability findings (worst {worst.get('severity')}), not checked here")
    # IM008 is left out: OCI image configs have no Healthcheck field (podman drops it when it
    # writes an OCI config), so "no HEALTHCHECK" legitimately differs between formats.
    res["signature"] = sorted({signature(f) for f in doc.get("findings", [])
                               if f.get("category") != "vulnerability" and f.get("rule") != "IM008"})
    return res


def signature(f):
    """What must not depend on the format an image is read from (messages may name the source)."""
    l = loc(f)
    return "|".join(str(x) for x in (f.get("rule"), f.get("severity"), l.get("layer"), l.get("path"),
                                     l.get("deleted_in"), l.get("field")))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True, help="the drydock binary")
    ap.add_argument("--lab", default=os.environ.get("LAB", os.path.expanduser("~/drydock-lab")))
    ap.add_argument("--formats", default="docker-archive,docker-save,oci,oci-archive,oci-zstd,oci-uncompressed")
    ap.add_argument("--images", default=",".join(IMAGES))
    ap.add_argument("--heavy-formats", default="docker-archive,oci,oci-zstd",
                    help="formats in which large-python-jdk is scanned too")
    ap.add_argument("--registry-tls", default="127.0.0.1:" + os.environ.get("LAB_TLS_PORT", "5443"))
    ap.add_argument("--registry-plain", default="127.0.0.1:" + os.environ.get("LAB_PLAIN_PORT", "5000"))
    ap.add_argument("--out", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "drydock-lab-check"),
                    help="where each scan's JSON is kept")
    ap.add_argument("--json", help="write the results as JSON here")
    a = ap.parse_args()
    gtp = os.path.join(a.lab, "ground-truth.json")
    if not os.path.exists(gtp):
        sys.exit(f"lab-check: {gtp} missing: run ../shared/lab/70-ground-truth.sh")
    gt = json.load(open(gtp))
    secrets = gt["secrets"]
    os.makedirs(a.out, exist_ok=True)
    env = dict(os.environ)
    rows, details, failed = [], [], False
    heavy = set(a.heavy_formats.split(","))
    for fmt in a.formats.split(","):
        for name in a.images.split(","):
            if name not in gt["images"] or (name in HEAVY and fmt not in heavy):
                continue
            s = sources(a.lab, fmt, name, a.registry_tls, a.registry_plain)
            if not s:
                continue
            src, extra, stdin = s
            label = f"{fmt}--{name}"
            doc, err, secs, rc, cmd = run_scan(a.bin, src, extra, stdin, a.out, label, env)
            if doc is None or err:
                failed = True
                rows.append((name, fmt, "-", "-", "ERROR", "-", "-", f"{secs:.1f}"))
                details.append({"image": name, "format": fmt, "source": src, "error": err, "cmd": cmd})
                print(f"  {fmt:18} {name:26} ERROR: {err}", file=sys.stderr)
                continue
            r = check_image(name, gt, doc, secrets)
            bad = bool(r["missing"] or r["unexpected"])
            failed |= bad
            rows.append((name, fmt, len(r["expected"]), len(r["found"]), len(r["missing"]), len(r["weak"]),
                         len(r["unexpected"]), f"{secs:.1f}"))
            details.append({"image": name, "format": fmt, "source": src, "seconds": round(secs, 2), **r})
            print(f"  {fmt:18} {name:26} {len(r['found'])}/{len(r['expected'])} found, "
                  f"{len(r['missing'])} missing, {len(r['weak'])} below medium, {len(r['unexpected'])} unexpected ({secs:.1f}s)", file=sys.stderr)
    hdr = ("image", "format", "expected", "found", "missing", "below-medium", "unexpected", "secs")
    w = [max(len(str(x[i])) for x in rows + [hdr]) for i in range(len(hdr))]
    print("  ".join(h.ljust(w[i]) for i, h in enumerate(hdr)))
    for r in rows:
        print("  ".join(str(x).ljust(w[i]) for i, x in enumerate(r)))
    print()
    for d in details:
        if d.get("error"):
            print(f"ERROR {d['image']} [{d['format']}] {d['source']}: {d['error']}")
        for pid, why in d.get("missing", []):
            print(f"MISSING {d['image']} [{d['format']}] {pid}: {why}")
        for pid, why in d.get("weak", []):
            print(f"BELOW-MEDIUM {d['image']} [{d['format']}] {pid}: {why}")
        for u in d.get("unexpected", []):
            print(f"UNEXPECTED {d['image']} [{d['format']}] {u}")
    # The same image must give the same findings whatever the format it is read from.
    base = {}
    for d in details:
        if "signature" not in d:
            continue
        if d["image"] not in base:
            base[d["image"]] = d
            continue
        b = set(d["signature"]), set(base[d["image"]]["signature"])
        only_here, only_base = b[0] - b[1], b[1] - b[0]
        if only_here or only_base:
            failed = True
            d["format_diff"] = {"only_here": sorted(only_here), "only_in_" + base[d["image"]]["format"]: sorted(only_base)}
            print(f"FORMAT-DIFF {d['image']} [{d['format']}] vs [{base[d['image']]['format']}]: "
                  f"only here {sorted(only_here)}; only there {sorted(only_base)}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rows": rows, "details": details}, f, indent=1)
    print(("FAIL" if failed else "PASS") + f": {len(rows)} scans, JSON of each scan in {a.out}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
