# Median latency of a nested page (`lessons(first: 5)` under one course), as
# a GraphQL client sees it; used by scripts/nested_page_latency.sh.
# usage: nested_page_latency.py URL TOKEN COURSE_GLOBAL_ID REQUESTS
import json, sys, time, urllib.request, statistics
url, token, gid, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
q = 'query($id: ID!) { node(id: $id) { ... on Course { lessons(first: 5) { nodes { id title orderIndex } pageInfo { hasNextPage endCursor } } } } }'
body = json.dumps({"query": q, "variables": {"id": gid}}).encode()
def once():
    req = urllib.request.Request(url, data=body, headers={"content-type": "application/json", "authorization": "Bearer " + token})
    t = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        out = json.loads(r.read())
    dt = time.perf_counter() - t
    assert "errors" not in out, out
    assert len(out["data"]["node"]["lessons"]["nodes"]) == 5, out
    return dt
for _ in range(20): once()
xs = sorted(once() for _ in range(n))
print(json.dumps({"p50_ms": round(statistics.median(xs)*1000, 2), "p90_ms": round(xs[int(len(xs)*0.9)]*1000, 2), "n": n}))
