#!/usr/bin/env python3
"""Fail when the modules of a workspace crate import each other in a circle.

A module is a source file (or an inline `mod name { … }` block); module A depends on module B
when A names an item of B through `crate::…`, `super::…` or `self::…` (in `use` or in a path
expression). Edges between a module and its own ancestors are not counted: a parent module
is its children's namespace (it declares them, re-exports or registers them, and they use
its shared types), which is Rust's ordinary shape, not a tangle. Every other cycle — between
siblings or cousins, e.g. `source` ↔ `oci`, `rules::im001` ↔ `rules::im002` — is reported
with one path around it, and the script exits 1.

Why a hand-written scanner: cargo-modules needs a nightly-matched rust-analyzer build and
minutes per crate; resolving `crate::`/`super::` paths over comment- and string-free source
is enough, because the project does not use glob re-exports across sibling modules to hide
dependencies (a `use crate::x::*` still counts as depending on `x`).

Usage: scripts/check-cycles.py [CRATE_DIR…]   (default: every crates/*/ with src/)
       scripts/check-cycles.py --self-test     (the checker against small made-up crates)
"""

import os
import re
import sys

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_code(text):
    """Source with comments, string and char literals blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
            continue
        if text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append("\n" * text.count("\n", i, j))
            i = j
            continue
        m = re.match(r'b?r(#*)"', text[i:i + 300])
        if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = '"' + m.group(1)
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append(' ""' + "\n" * text.count("\n", i, j))
            i = j
            continue
        if c == '"' or (c == "b" and text.startswith('b"', i)):
            j = i + (2 if c == "b" else 1)
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(' ""' + "\n" * text.count("\n", i, j))
            i = j + 1
            continue
        if c == "'":
            # A char literal ('a', '\n', '\u{1F600}') — not a lifetime ('a).
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:i + 12])
            if m:
                out.append(" ' '")
                i += m.end()
                continue
        out.append(c)
        i += 1
    return "".join(out)


def module_files(src):
    """{module path tuple: file} for a crate's src dir, following `mod x;` declarations."""
    roots = [f for f in ("lib.rs", "main.rs") if os.path.exists(os.path.join(src, f))]
    mods = {}
    for root in roots:
        walk(src, os.path.join(src, root), (), mods, is_dir_owner=True)
    return mods


def walk(src, path, modpath, mods, is_dir_owner):
    if modpath in mods:
        return
    mods[modpath] = path
    text = strip_code(open(path, encoding="utf-8").read())
    base = os.path.dirname(path)
    if not is_dir_owner:
        base = os.path.join(base, os.path.splitext(os.path.basename(path))[0])
    for m in re.finditer(r"(?:#\[path\s*=[^\]]*\]\s*)?\bmod\s+(" + IDENT + r")\s*;", text):
        if m.group(0).startswith("#[path"):
            continue
        name = m.group(1)
        for cand, owner in ((os.path.join(base, name + ".rs"), False),
                            (os.path.join(base, name, "mod.rs"), True)):
            if os.path.exists(cand):
                walk(src, cand, modpath + (name,), mods, owner)
                break


def inline_modules(text):
    """[(start, end, name_path)] for `mod name { … }` blocks, outermost first."""
    spans = []
    stack = []  # (name or None, open index)
    for m in re.finditer(r"\bmod\s+(" + IDENT + r")\s*\{|[{}]", text):
        tok = m.group(0)
        if tok == "}":
            if stack:
                name, start = stack.pop()
                if name is not None:
                    names = tuple(n for n, _ in stack if n is not None) + (name,)
                    spans.append((start, m.end(), names))
        elif tok == "{":
            stack.append((None, m.start()))
        else:
            stack.append((m.group(1), m.start()))
    return spans


def use_paths(text):
    """Every `crate::…`, `super::…`, `self::…` path, with the offset it appears at; `use`
    groups (`use crate::{a::X, b::{Y, Z}}`) are expanded."""
    found = []
    for m in re.finditer(r"\buse\s+([^;]*);", text):
        for p in expand_group(re.sub(r"\s+", "", m.group(1))):
            found.append((m.start(), p))
    stripped = re.sub(r"\buse\s+[^;]*;", lambda m: " " * len(m.group(0)), text)
    for m in re.finditer(r"(?<![A-Za-z0-9_:])((?:crate|super|self)(?:::" + IDENT + r")+)", stripped):
        found.append((m.start(), m.group(1)))
    return found


def expand_group(s):
    """`a::{b,c::{d}}` → ["a::b", "a::c::d"]."""
    i = s.find("{")
    if i < 0:
        return [s.split(" as ")[0]] if s else []
    prefix, rest = s[:i], s[i + 1:]
    depth, parts, cur = 0, [], ""
    for ch in rest:
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                break
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out = []
    for p in parts:
        if p:
            out.extend(prefix + q for q in expand_group(p))
    return out


def resolve(path, current, modules):
    """The module a `crate::`/`super::`/`self::` path names an item of (longest prefix)."""
    segs = path.split("::")
    if segs[0] == "crate":
        base, rest = (), segs[1:]
    else:
        base = current
        rest = segs
        while rest and rest[0] in ("super", "self"):
            if rest[0] == "super":
                base = base[:-1]
            rest = rest[1:]
    target = base
    for s in rest:
        if target + (s,) in modules:
            target = target + (s,)
        else:
            break
    return target


def is_ancestor(a, b):
    return len(a) <= len(b) and b[:len(a)] == a


def graph(src):
    files = module_files(src)
    modules = set(files)
    texts = {}
    for mp, f in files.items():
        text = strip_code(open(f, encoding="utf-8").read())
        texts[mp] = text
        for _, _, names in inline_modules(text):
            modules.add(mp + names)
    edges = {}
    for mp, text in texts.items():
        spans = inline_modules(text)
        for off, p in use_paths(text):
            inner = [names for s, e, names in spans if s <= off < e]
            current = mp + (max(inner, key=len) if inner else ())
            target = resolve(p, current, modules)
            if is_ancestor(current, target) or is_ancestor(target, current):
                continue
            # Cycles are between file-level modules and their inline children alike; an
            # inline test module's dependencies are its file's.
            src_mod = current
            while src_mod not in files and src_mod:
                src_mod = src_mod[:-1]
            tgt_mod = target
            while tgt_mod not in files and tgt_mod:
                tgt_mod = tgt_mod[:-1]
            if is_ancestor(src_mod, tgt_mod) or is_ancestor(tgt_mod, src_mod):
                continue
            edges.setdefault(src_mod, {}).setdefault(tgt_mod, p)
    return edges


def cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def path_around(comp, edges):
    """One cycle through the component's first module, for the message."""
    start = comp[0]
    members = set(comp)
    prev = {start: None}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(edges.get(v, {})):
            if w == start:
                chain = [v]
                while prev[chain[-1]] is not None:
                    chain.append(prev[chain[-1]])
                chain.reverse()
                return chain + [start]
            if w in members and w not in prev:
                prev[w] = v
                queue.append(w)
    return comp


def name(mp):
    return "::".join(mp) or "crate"


def self_test():
    """Made-up crates with and without cycles: the checker must tell them apart."""
    import tempfile

    cases = {
        # name: ({file: text}, expected cycle members or None)
        "siblings via use group": ({
            "lib.rs": "mod a;\nmod b;\n",
            "a.rs": "use crate::{b::{B, C as D}, x};\npub struct A;\n",
            "b.rs": "pub struct B;\npub fn f() { let _ = crate::a::A; }\n",
        }, ["a", "b"]),
        "through super in a nested dir": ({
            "lib.rs": "pub mod rules;\n",
            "rules/mod.rs": "mod one;\nmod two;\npub use one::X;\nuse self::two::Y;\n",
            "rules/one.rs": "use super::two::Y;\npub struct X;\n",
            "rules/two.rs": "pub struct Y;\n#[cfg(test)]\nmod tests {\n    use super::super::one::X;\n}\n",
        }, ["rules::one", "rules::two"]),
        "parent and children only": ({
            "main.rs": "mod a;\nuse a::inner::I;\nfn main() {}\npub struct Root;\n",
            "a.rs": "pub mod inner;\nuse crate::Root;\n",
            "a/inner.rs": "use super::super::Root;\nuse crate::a::*;\npub struct I;\n",
        }, None),
        "paths in comments and strings": ({
            "lib.rs": "mod a;\nmod b;\n",
            "a.rs": "use crate::b::B;\n",
            "b.rs": "// crate::a::x\n/* use crate::a::y; */\npub const S: &str = \"crate::a::z\";\n"
                    "pub const R: &str = r#\"crate::a::w\"#;\npub struct B;\n",
        }, None),
    }
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for case, (files, want) in cases.items():
            src = os.path.join(tmp, case.replace(" ", "_"), "src")
            for f, text in files.items():
                os.makedirs(os.path.dirname(os.path.join(src, f)), exist_ok=True)
                with open(os.path.join(src, f), "w") as fh:
                    fh.write(text)
            got = cycles(graph(src))
            got = [[name(m) for m in c] for c in got]
            expect = [want] if want else []
            if got != expect:
                ok = False
                print(f"self-test {case!r}: expected {expect}, got {got}")
    print("self-test " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    crates = argv or sorted(
        os.path.join(root, "crates", d) for d in os.listdir(os.path.join(root, "crates"))
        if os.path.isdir(os.path.join(root, "crates", d, "src")))
    failed = False
    for crate in crates:
        edges = graph(os.path.join(crate, "src"))
        for comp in cycles(edges):
            failed = True
            chain = path_around(comp, edges)
            print(f"{os.path.basename(crate)}: import cycle: " + " -> ".join(name(m) for m in chain))
            if len(comp) > len(chain) - 1:
                print(f"    (modules in this tangle: {', '.join(name(m) for m in comp)})")
            for a, b in zip(chain, chain[1:]):
                print(f"    {name(a)} uses {edges[a][b]}")
    if failed:
        print("break each cycle: move the shared types into a module both can import, "
              "or invert the dependency (callbacks, plug-ins)")
        return 1
    print(f"no import cycles between modules in {len(crates)} crates")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
