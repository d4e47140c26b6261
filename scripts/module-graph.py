#!/usr/bin/env python3
"""The module import graph of a crate's sources (default crates/resolver/src):
who each module references through `crate::`, `super::` or, from a mod.rs,
its own children; then every cycle. Exits 1 when there is one. Run from the
repository root."""
import os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else 'crates/resolver/src'
mods = {}
for dp, dn, fn in os.walk(root):
    for f in fn:
        if not f.endswith('.rs'): continue
        p = os.path.join(dp, f)
        rel = os.path.relpath(p, root)[:-3]
        parts = rel.split('/')
        if parts[-1] in ('mod', 'lib'): parts = parts[:-1]
        mods['::'.join(parts) or 'lib'] = p
names = set(mods)
def strip(src):
    src = re.sub(r'//[^\n]*', '', src)
    # drop #[cfg(test)] mod tests { ... } at the end (approximate: from '#[cfg(test)]\nmod tests' to EOF)
    m = re.search(r'#\[cfg\(test\)\]\s*mod tests', src)
    if m: src = src[:m.start()]
    return src
def resolve(cur, path):
    # path: list of segments after crate:: or resolved super
    best = None
    for i in range(len(path), 0, -1):
        cand = '::'.join(path[:i])
        if cand in names: return cand
    return None
def expand_use(text):
    # expand brace groups: a::{b, c::{d, e}} -> a::b, a::c::d, a::c::e
    out = []
    def rec(prefix, s):
        s = s.strip()
        if not s: return
        i = s.find('{')
        if i < 0:
            out.append(prefix + s); return
        head = s[:i]; depth = 0
        for j in range(i, len(s)):
            if s[j] == '{': depth += 1
            elif s[j] == '}':
                depth -= 1
                if depth == 0: break
        inner = s[i+1:j]
        parts, depth, cur = [], 0, ''
        for ch in inner:
            if ch == '{': depth += 1
            if ch == '}': depth -= 1
            if ch == ',' and depth == 0: parts.append(cur); cur = ''
            else: cur += ch
        parts.append(cur)
        for p in parts: rec(prefix + head, p)
    rec('', text)
    return out
graph = {}
for m, p in sorted(mods.items()):
    src = strip(open(p).read())
    deps = set()
    segs_self = [] if m == 'lib' else m.split('::')
    is_modrs = p.endswith('mod.rs') or p.endswith('lib.rs')
    paths = []
    for u in re.finditer(r'\buse\s+([^;]+);', src):
        paths += expand_use(re.sub(r'\s+', '', u.group(1)))
    paths += re.findall(r'\b((?:crate|super)(?:::[A-Za-z_][A-Za-z0-9_]*)+)', src)
    # a mod.rs (or lib.rs) naming its own children: `child::x`, `use child::{..}`
    if is_modrs:
        kids = {n.split('::')[-1] for n in names if n.startswith(m + '::' if m != 'lib' else '') and n.count('::') == (m.count('::') + 1 if m != 'lib' else 0) and n != m}
        for u in list(paths):
            pass
        for tok in re.findall(r'(?<![:\w$])([a-z_][a-z0-9_]*)::', src):
            if tok in kids:
                paths.append('crate::' + ((m + '::') if m != 'lib' else '') + tok)
        for u in re.finditer(r'\buse\s+([^;]+);', src):
            for p in expand_use(re.sub(r'\s+', '', u.group(1))):
                head = p.split('::')[0]
                if head in kids:
                    paths.append('crate::' + ((m + '::') if m != 'lib' else '') + p)
    for path in paths:
        segs = path.split('::')
        if segs[0] == 'crate': target = segs[1:]
        elif segs[0] == 'super':
            base = segs_self if is_modrs else segs_self[:-1]
            while segs and segs[0] == 'super':
                segs = segs[1:]
                if segs and segs[0] == 'super': base = base[:-1]
            target = base + segs
        else:
            continue
        r = resolve(m, target)
        if r and r != m and not (r == 'lib'):
            # a submodule referring to its parent module counts; parent->child counts too
            deps.add(r)
    graph[m] = deps
# fold: module "a::b" counted as a top-level? keep full names
for m in sorted(graph):
    print(f"{m}: {', '.join(sorted(graph[m])) or '-'}")
# cycles via Tarjan SCC
idx = {}; low = {}; st = []; on = set(); sccs = []; c = [0]
sys.setrecursionlimit(10000)
def sc(v):
    idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
    for w in graph.get(v, ()):
        if w not in graph: continue
        if w not in idx: sc(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], idx[w])
    if low[v] == idx[v]:
        comp = []
        while True:
            w = st.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(sorted(comp))
for v in sorted(graph):
    if v not in idx: sc(v)
print("\nCYCLES (strongly connected components):")
for s in sccs: print("  " + " <-> ".join(s))
if not sccs: print("  none")
sys.exit(1 if sccs else 0)
