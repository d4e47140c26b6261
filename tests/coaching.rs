//! Coaching data platform (seed 002): data items with visibility levels,
//! chunks with embeddings, and exact similarity search that ranks only the
//! chunks the caller may read (filtered before ranking), on both backends.

mod common;

use common::{TestServer, code};
use serde_json::{Value, json};

const SIMILAR: &str = "query($v: [Float!]!, $f: Int, $vis: [Visibility!]) {
    similarChunks(embedding: $v, first: $f, visibility: $vis) {
      similarity chunk { id content embedding dataItem { visibilityLevel } } } }";
const CHUNKS: &str =
    "{ dataChunks(first: 100) { nodes { id embedding dataItem { visibilityLevel } } } }";
const CREATE_ITEM: &str = "mutation($t: DataType!, $v: Visibility, $c: String, $cl: ID) {
    createDataItem(dataType: $t, visibilityLevel: $v, rawContent: $c, clientId: $cl) {
      id visibilityLevel createdByUserId coachId clientOrganizationId } }";
const ADD_CHUNK: &str = "mutation($i: ID!, $c: String!, $v: [Float!]!, $n: Int) {
    addDataChunk(dataItemId: $i, content: $c, embedding: $v, chunkIndex: $n) { id chunkIndex embedding } }";

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let n = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    dot / (n(a) * n(b))
}

/// The chunks `auth` reads through the ordinary connection: (id, embedding).
async fn readable(s: &TestServer, auth: &str) -> Vec<(String, Vec<f64>)> {
    let d = s.data(auth, CHUNKS, json!({})).await;
    d["dataChunks"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap().to_owned(),
                floats(&n["embedding"]),
            )
        })
        .collect()
}

async fn similar(s: &TestServer, auth: &str, v: &[f64], first: i64) -> Vec<(String, f64)> {
    let d = s.data(auth, SIMILAR, json!({"v": v, "f": first})).await;
    d["similarChunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["chunk"]["id"].as_str().unwrap().to_owned(),
                m["similarity"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn ranks_exactly_the_chunks_the_caller_may_read() {
    let s = TestServer::start().await;
    let callers = [
        s.token("insideout", "cora@insideout.example").await,
        s.token("insideout", "leo@learner.example").await,
        s.token("insideout", "eli@insideout.example").await,
        s.token("insideout", "ada@insideout.example").await,
        "tenant:insideout".to_owned(),
        s.token("northstar", "nora@northstar.example").await,
    ];
    let ada_chunks = readable(&s, &callers[3]).await;
    let query = ada_chunks[0].1.clone();
    let mut sizes = vec![];
    for auth in &callers {
        let mine = readable(&s, auth).await;
        let got = similar(&s, auth, &query, 100).await;
        // The same set as the caller's read rules give, every one scored.
        let mut want: Vec<(String, f64)> = mine
            .iter()
            .map(|(id, e)| (id.clone(), cosine(&query, e)))
            .collect();
        want.sort_by(|a, b| b.1.total_cmp(&a.1));
        assert_eq!(got.len(), want.len(), "{auth}");
        for ((gid, gs), (wid, ws)) in got.iter().zip(&want) {
            assert!((gs - ws).abs() < 1e-9, "{gid} {gs} vs {wid} {ws}");
        }
        let mut g: Vec<&String> = got.iter().map(|(id, _)| id).collect();
        let mut w: Vec<&String> = want.iter().map(|(id, _)| id).collect();
        g.sort();
        w.sort();
        assert_eq!(g, w, "{auth}");
        assert!(got.windows(2).all(|p| p[0].1 >= p[1].1), "ordered");
        sizes.push(got.len());
    }
    // Coaches see their items, learners public and their org's, the public
    // only public items; another tenant none of insideout's.
    assert_eq!(sizes, [6, 7, 7, 16, 3, 2], "{sizes:?}");
    let top = similar(&s, &callers[3], &query, 1).await;
    assert_eq!(top[0].0, ada_chunks[0].0);
    assert!((top[0].1 - 1.0).abs() < 1e-9);
    let nora_ids: Vec<String> = similar(&s, &callers[5], &query, 100)
        .await
        .into_iter()
        .map(|m| m.0)
        .collect();
    assert!(
        nora_ids
            .iter()
            .all(|id| !ada_chunks.iter().any(|(a, _)| a == id))
    );
    s.stop().await;
}

#[tokio::test]
async fn visibility_filter_and_first() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    let q = vec![0.3, 0.2, 0.5, 0.4, 0.3, 0.1, 0.2, 0.3];
    let d = s
        .data(
            &leo,
            SIMILAR,
            json!({"v": q, "f": 100, "vis": ["ORG_VISIBLE"]}),
        )
        .await;
    let levels: Vec<&str> = d["similarChunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["chunk"]["dataItem"]["visibilityLevel"].as_str().unwrap())
        .collect();
    assert_eq!(levels.len(), 4);
    assert!(levels.iter().all(|l| *l == "ORG_VISIBLE"));
    // A level the caller cannot read adds nothing.
    let d = s
        .data(
            &leo,
            SIMILAR,
            json!({"v": q, "vis": ["PRIVATE", "COACH_ONLY"]}),
        )
        .await;
    assert_eq!(d["similarChunks"], json!([]));
    let all = similar(&s, &leo, &q, 100).await;
    let two = similar(&s, &leo, &q, 2).await;
    assert_eq!(two, all[..2]);
    let d = s
        .data(
            &leo,
            "query($v: [Float!]!) { similarChunks(embedding: $v) { similarity } }",
            json!({"v": q}),
        )
        .await;
    assert_eq!(d["similarChunks"].as_array().unwrap().len(), 5); // default first
    s.stop().await;
}

#[tokio::test]
async fn bad_vectors_are_refused() {
    let s = TestServer::start().await;
    let leo = s.token("insideout", "leo@learner.example").await;
    for (v, vis, f) in [
        (json!([]), json!(null), 5),
        (json!([0.1, 0.2, 0.3]), json!(null), 5),
        (
            json!([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
            json!(null),
            5,
        ),
        (json!(vec![0.1; 8]), json!(["secret"]), 5),
        (json!(vec![0.1; 8]), json!(null), 0),
        (json!(vec![0.1; 8]), json!(null), 101),
    ] {
        let r = s
            .gql(&leo, SIMILAR, json!({"v": v, "vis": vis, "f": f}))
            .await;
        assert_eq!(code(&r), "BAD_USER_INPUT", "{v} {vis} {f}: {r}");
    }
    s.stop().await;
}

#[tokio::test]
async fn coaches_add_items_and_chunks_that_search_respects() {
    let s = TestServer::start().await;
    let cora = s.token("insideout", "cora@insideout.example").await;
    let item = s
        .data(
            &cora,
            CREATE_ITEM,
            json!({"t": "TRANSCRIPT", "v": "PRIVATE", "c": "Notes"}),
        )
        .await["createDataItem"]
        .clone();
    assert_eq!(item["visibilityLevel"], "PRIVATE");
    assert_eq!(
        item["createdByUserId"],
        "20000000-0000-4000-8000-000000000005"
    );
    assert!(
        item["coachId"]
            .as_str()
            .is_some_and(|c| c.starts_with("70000000"))
    );
    let id = item["id"].as_str().unwrap();
    let v = vec![0.9, -0.1, 0.0, 0.2, 0.0, 0.1, -0.3, 0.05];
    let c0 = s
        .data(&cora, ADD_CHUNK, json!({"i": id, "c": "first", "v": v}))
        .await;
    assert_eq!(c0["addDataChunk"]["chunkIndex"], 0);
    assert_eq!(floats(&c0["addDataChunk"]["embedding"]), v);
    let c1 = s
        .data(&cora, ADD_CHUNK, json!({"i": id, "c": "second", "v": v}))
        .await;
    assert_eq!(c1["addDataChunk"]["chunkIndex"], 1);
    assert_eq!(
        code(
            &s.gql(
                &cora,
                ADD_CHUNK,
                json!({"i": id, "c": "dup", "v": v, "n": 0})
            )
            .await
        ),
        "CONFLICT"
    );
    for bad in [json!([0.1, 0.2]), json!([]), json!(vec![0.0; 8])] {
        assert_eq!(
            code(
                &s.gql(&cora, ADD_CHUNK, json!({"i": id, "c": "x", "v": bad}))
                    .await
            ),
            "BAD_USER_INPUT"
        );
    }
    assert_eq!(
        code(
            &s.gql(&cora, ADD_CHUNK, json!({"i": id, "c": " ", "v": v}))
                .await
        ),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        code(
            &s.gql(
                &cora,
                ADD_CHUNK,
                json!({"i": id, "c": "x", "v": v, "n": -1})
            )
            .await
        ),
        "BAD_USER_INPUT"
    );
    // Cora finds her private chunks first; nobody else finds them at all.
    let mine = similar(&s, &cora, &v, 2).await;
    let ids = [
        c0["addDataChunk"]["id"].clone(),
        c1["addDataChunk"]["id"].clone(),
    ];
    assert!(
        mine.iter()
            .all(|(cid, sim)| ids.contains(&json!(cid)) && (sim - 1.0).abs() < 1e-9),
        "{mine:?}"
    );
    for who in [
        "eli@insideout.example",
        "leo@learner.example",
        "clara@acme.example",
    ] {
        let t = s.token("insideout", who).await;
        let found = similar(&s, &t, &v, 100).await;
        assert!(
            found.iter().all(|(cid, _)| !ids.contains(&json!(cid))),
            "{who}"
        );
        // Not even to add chunks: it is invisible to them.
        assert_eq!(
            code(
                &s.gql(&t, ADD_CHUNK, json!({"i": id, "c": "x", "v": v}))
                    .await
            ),
            "NOT_FOUND",
            "{who}"
        );
    }
    // Public items are visible to all, but only their creator or coach adds chunks.
    let public = s
        .data(
            &cora,
            CREATE_ITEM,
            json!({"t": "COACHING_MODEL", "v": "PUBLIC"}),
        )
        .await["createDataItem"]["id"]
        .clone();
    let eli = s.token("insideout", "eli@insideout.example").await;
    assert_eq!(
        code(
            &s.gql(&eli, ADD_CHUNK, json!({"i": public, "c": "x", "v": v}))
                .await
        ),
        "FORBIDDEN"
    );
    let ada = s.token("insideout", "ada@insideout.example").await;
    let r = s
        .data(
            &ada,
            ADD_CHUNK,
            json!({"i": public, "c": "by admin", "v": v}),
        )
        .await;
    assert_eq!(r["addDataChunk"]["chunkIndex"], 0);
    let anon_found = similar(&s, "tenant:insideout", &v, 100).await;
    assert!(
        anon_found
            .iter()
            .any(|(cid, _)| json!(cid) == r["addDataChunk"]["id"])
    );
    let nora = s.token("northstar", "nora@northstar.example").await;
    assert_eq!(
        code(
            &s.gql(&nora, ADD_CHUNK, json!({"i": public, "c": "x", "v": v}))
                .await
        ),
        "NOT_FOUND"
    );
    s.stop().await;
}

#[tokio::test]
async fn data_items_are_validated_and_for_coaches() {
    let s = TestServer::start().await;
    let eli = s.token("insideout", "eli@insideout.example").await;
    for (t, v) in [("memo", "private"), ("transcript", "secret")] {
        assert_eq!(
            code(&s.gql(&eli, CREATE_ITEM, json!({"t": t, "v": v})).await),
            "BAD_USER_INPUT",
            "{t} {v}"
        );
    }
    // Default visibility is private; a client's organization becomes the item's.
    let daniel = "Q2xpZW50OjcxMDAwMDAwLTAwMDEtNDAwMC04MDAwLTAwMDAwMDAwMDAwMg";
    let item = s
        .data(&eli, CREATE_ITEM, json!({"t": "TRANSCRIPT", "cl": daniel}))
        .await["createDataItem"]
        .clone();
    assert_eq!(item["visibilityLevel"], "PRIVATE");
    assert_eq!(
        item["clientOrganizationId"],
        "30000000-0001-4000-8000-000000000001"
    );
    let leo = s.token("insideout", "leo@learner.example").await;
    assert_eq!(
        code(&s.gql(&leo, CREATE_ITEM, json!({"t": "TRANSCRIPT"})).await),
        "FORBIDDEN"
    );
    assert_eq!(
        code(
            &s.gql("tenant:insideout", CREATE_ITEM, json!({"t": "TRANSCRIPT"}))
                .await
        ),
        "UNAUTHENTICATED"
    );
    // A client the caller cannot see is not found.
    let nora = s.token("northstar", "nora@northstar.example").await;
    assert_eq!(
        code(
            &s.gql(&nora, CREATE_ITEM, json!({"t": "TRANSCRIPT", "cl": daniel}))
                .await
        ),
        "NOT_FOUND"
    );
    s.stop().await;
}
