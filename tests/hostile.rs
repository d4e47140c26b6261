//! Hostile input, as an anonymous attacker would send it: every case gets a
//! clear 4xx or a coded GraphQL error, in bounded time, and the server keeps
//! answering everyone else. Memory and signal cases run the real binary in a
//! process of its own (tests/common `ServerProcess`).

mod common;

use std::time::{Duration, Instant};

use common::{ServerProcess, TestServer, code};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const GQL_RESPONSE: &str = "application/graphql-response+json";

/// POSTs a raw JSON body, returning status, headers and the body as JSON
/// (Null when it is not JSON).
async fn post_raw(
    s: &TestServer,
    body: impl Into<reqwest::Body>,
    tenant: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut req = s.post().header(CONTENT_TYPE, "application/json").body(body);
    if let Some(t) = tenant {
        req = req.header("x-tenant", t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

async fn post_query(s: &TestServer, query: &str, tenant: Option<&str>) -> (u16, Value) {
    let (status, _, body) = post_raw(s, json!({ "query": query }).to_string(), tenant).await;
    (status, body)
}

/// The server still answers a normal query quickly.
async fn still_serving(s: &TestServer) {
    assert!(s.public_read().await < Duration::from_secs(5));
}

/// A refusal: a 4xx status, or 200 with a coded error and no data.
fn refused(status: u16, body: &Value, expected: &str) {
    assert!(
        status == 200 || (400..500).contains(&status),
        "status {status}: {body}"
    );
    assert_eq!(code(body), expected, "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.chars().count() <= 301,
        "message echoes input: {}",
        message.len()
    );
}

fn nested_object(depth: usize) -> String {
    format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth))
}

#[tokio::test]
async fn deep_values_are_refused_before_parsing() {
    let s = TestServer::start().await;
    // Any argument, even of an unknown field, with no headers at all.
    let q = format!("{{ x(a: {}) }}", nested_object(1500));
    let (status, body) = post_query(&s, &q, None).await;
    refused(status, &body, "GRAPHQL_VALIDATION_FAILED");
    // A real filter, as an anonymous caller of a tenant.
    let filter = format!(
        "{}{}{}",
        "{and: [".repeat(900),
        "{title: {eq: \"x\"}}",
        "]}".repeat(900)
    );
    let q = format!("{{ courses(filter: {filter}) {{ totalCount }} }}");
    let (status, body) = post_query(&s, &q, Some("insideout")).await;
    refused(status, &body, "GRAPHQL_VALIDATION_FAILED");
    // Lists, and a body that is nothing but brackets.
    let q = format!("{{ x(a: {}1{}) }}", "[".repeat(5000), "]".repeat(5000));
    let (status, body) = post_query(&s, &q, None).await;
    refused(status, &body, "GRAPHQL_VALIDATION_FAILED");
    let (status, body) = post_query(&s, &"{".repeat(90_000), None).await;
    refused(status, &body, "GRAPHQL_VALIDATION_FAILED");
    // Deep variables.
    let mut deep = json!(1);
    for _ in 0..100 {
        deep = json!({ "and": [deep] });
    }
    let (status, _, body) = post_raw(
        &s,
        json!({"query": "query($f: CourseFilter) { courses(filter: $f) { totalCount } }", "variables": {"f": deep}})
            .to_string(),
        Some("insideout"),
    )
    .await;
    assert!(status < 500, "{status}");
    assert!(body["errors"].is_array(), "{body}");
    still_serving(&s).await;
    s.stop().await;
}

/// Fragment `Fi` spreads `F(i-1)` twice under two aliases: 2^i fields from
/// a document of a few kilobytes.
fn fragment_bomb(levels: usize, aliased: bool) -> String {
    let mut doc = String::from(
        "query { ...F0 }\nfragment F0 on Query { courses(first: 1) { totalCount } }\n",
    );
    for i in 1..=levels {
        let prev = i - 1;
        if aliased {
            doc.push_str(&format!(
                "fragment F{i} on Query {{ a: courses(first: 1) {{ ...C{prev} }} b: courses(first: 1) {{ ...C{prev} }} }}\n"
            ));
        } else {
            doc.push_str(&format!(
                "fragment F{i} on Query {{ ...F{prev} ...F{prev} }}\n"
            ));
        }
    }
    doc = doc.replacen("...F0 }", &format!("...F{levels} }}"), 1);
    if aliased {
        // Connection-level fragments so the aliases nest.
        doc.push_str("fragment C0 on CourseConnection { totalCount }\n");
        for i in 1..levels {
            let prev = i - 1;
            doc.push_str(&format!(
                "fragment C{i} on CourseConnection {{ a: nodes {{ id }} b: totalCount ...C{prev} ...C{prev} }}\n"
            ));
        }
    }
    doc
}

#[tokio::test]
async fn fragment_bombs_are_refused_quickly() {
    let s = TestServer::start().await;
    for (levels, aliased) in [(22, true), (30, true), (22, false), (40, false)] {
        let started = Instant::now();
        let (status, body) =
            post_query(&s, &fragment_bomb(levels, aliased), Some("insideout")).await;
        let took = started.elapsed();
        refused(status, &body, "GRAPHQL_VALIDATION_FAILED");
        assert!(
            took < Duration::from_secs(2),
            "{levels}/{aliased}: {took:?}"
        );
    }
    // A fragment that spreads itself.
    let (status, body) = post_query(
        &s,
        "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
        None,
    )
    .await;
    refused(status, &body, "GRAPHQL_VALIDATION_FAILED");
    still_serving(&s).await;
    s.stop().await;
}

#[tokio::test]
async fn floods_of_aliases_directives_root_fields_and_batches_are_refused() {
    let s = TestServer::start().await;
    let aliases: String = (0..1000).map(|i| format!("a{i}: __typename ")).collect();
    let (status, body) = post_query(&s, &format!("{{ {aliases} }}"), None).await;
    refused(status, &body, "GRAPHQL_VALIDATION_FAILED");
    let directives = "@include(if: true) ".repeat(500);
    let (status, body) = post_query(&s, &format!("{{ __typename {directives} }}"), None).await;
    refused(status, &body, "GRAPHQL_VALIDATION_FAILED");
    // Root fields through a fragment.
    let fields: String = (0..60).map(|i| format!("f{i}: __typename ")).collect();
    let (status, body) = post_query(
        &s,
        &format!("query {{ ...R }} fragment R on Query {{ {fields} }}"),
        None,
    )
    .await;
    refused(status, &body, "GRAPHQL_VALIDATION_FAILED");
    // A batch of 100 operations.
    let batch: Vec<Value> = (0..100)
        .map(|_| json!({"query": "{ __typename }"}))
        .collect();
    let (status, _, body) = post_raw(&s, Value::Array(batch).to_string(), None).await;
    refused(status, &body, "BAD_USER_INPUT");
    // An `in` list of 70 000 strings, literal and as a variable.
    let many: Vec<String> = (0..70_000).map(|i| format!("t{i}")).collect();
    let literal = format!(
        "{{ courses(filter: {{title: {{in: {}}}}}) {{ totalCount }} }}",
        serde_json::to_string(&many).unwrap()
    );
    let (status, _, body) = post_raw(
        &s,
        json!({ "query": literal }).to_string(),
        Some("insideout"),
    )
    .await;
    assert!(
        (400..500).contains(&status) || code(&body) != "INTERNAL",
        "{status} {body}"
    );
    assert_ne!(code(&body), "INTERNAL");
    let (status, _, body) = post_raw(
        &s,
        json!({"query": "query($t: [String!]) { courses(filter: {title: {in: $t}}) { totalCount } }", "variables": {"t": many}})
            .to_string(),
        Some("insideout"),
    )
    .await;
    refused(status, &body, "BAD_USER_INPUT");
    still_serving(&s).await;
    s.stop().await;
}

#[tokio::test]
async fn broken_bodies_get_clear_errors() {
    let s = TestServer::start().await;
    for (body, want) in [
        ("not json", "BAD_USER_INPUT"),
        ("[]", "BAD_USER_INPUT"),
        ("{}", "BAD_USER_INPUT"),
        (r#"{"query": ""}"#, "BAD_USER_INPUT"),
        (r#"{"query": 5}"#, "BAD_USER_INPUT"),
        (
            r#"{"query": "{ __typename }", "variables": "x"}"#,
            "BAD_USER_INPUT",
        ),
        (r#"{"query": "{ __typename "}"#, "GRAPHQL_PARSE_FAILED"),
        (r#"{"query": "{ nope }"}"#, "GRAPHQL_VALIDATION_FAILED"),
    ] {
        let (status, _, resp) = post_raw(&s, body, None).await;
        refused(status, &resp, want);
    }
    let (status, _, resp) = post_raw(&s, r#"{}"#, None).await;
    assert!(
        resp["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no query"),
        "{status} {resp}"
    );
    // Larger than the body limit.
    let huge = format!(
        r#"{{"query": "{{ __typename }}", "x": "{}"}}"#,
        "a".repeat(2 << 20)
    );
    let (status, _, _) = post_raw(&s, huge, None).await;
    assert_eq!(status, 413);
    // Invalid UTF-8 as application/graphql.
    let resp = s
        .post()
        .header(CONTENT_TYPE, "application/graphql")
        .body(vec![0xff, 0xfe, b'{', 0xc3])
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_client_error() || resp.status() == 200);
    let body: Value = resp.json().await.unwrap();
    assert_ne!(code(&body), "INTERNAL");
    // A parse error does not echo a large document back.
    let garbage = format!("{{ a(x: \"{}) }}", "y".repeat(90_000));
    let (status, body) = post_query(&s, &garbage, None).await;
    refused(status, &body, "GRAPHQL_PARSE_FAILED");
    still_serving(&s).await;
    s.stop().await;
}

#[tokio::test]
async fn garbage_ids_cursors_and_injection_strings_are_user_errors() {
    let s = TestServer::start().await;
    let t = "tenant:insideout";
    for id in ["garbage", "", "Q291cnNlOm5vdC1hLXV1aWQ", &"x".repeat(5000)] {
        let body = s
            .gql(
                t,
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_ne!(code(&body), "INTERNAL", "{body}");
    }
    for cursor in ["!!!", "W10", "WyJ4Il0", "bnVsbA", &"A".repeat(4000)] {
        let body = s
            .gql(
                t,
                "query($c: String) { courses(first: 2, after: $c) { totalCount } }",
                json!({ "c": cursor }),
            )
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{cursor}: {body}");
    }
    for evil in [
        "'; DROP TABLE courses; --",
        "%",
        "_",
        "\\",
        "\" OR 1=1 --",
        "ǘ𝔘",
        "$1",
        "') OR ('1'='1",
    ] {
        for filter in [
            json!({"title": {"eq": evil}}),
            json!({"title": {"contains": evil}}),
            json!({"title": {"startsWith": evil}}),
            json!({"title": {"in": [evil, evil]}}),
            json!({"or": [{"title": {"neq": evil}}, {"title": {"lt": evil}}]}),
        ] {
            let body = s
                .gql(
                    t,
                    "query($f: CourseFilter) { courses(filter: $f) { totalCount } }",
                    json!({ "f": filter }),
                )
                .await;
            assert!(
                body.get("errors").is_none() || code(&body) == "BAD_USER_INPUT",
                "{evil}: {body}"
            );
        }
    }
    // A NUL character in any text is refused at the edge.
    let body = s
        .gql(
            t,
            "query($f: CourseFilter) { courses(filter: $f) { totalCount } }",
            json!({"f": {"title": {"eq": "a\u{0}b"}}}),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    still_serving(&s).await;
    s.stop().await;
}

const SIGN_UP: &str = "mutation($e: String!, $n: String) { signUp(tenant: \"insideout\", email: $e, password: \"long enough password\", fullName: $n) { token } }";
const LOGIN: &str = "mutation($e: String!, $p: String!) { login(tenant: \"insideout\", email: $e, password: $p) { token } }";

#[tokio::test]
async fn text_inputs_are_bounded_and_checked() {
    let s = TestServer::start().await;
    for (email, name) in [
        ("nul\u{0}@example.com", None),
        ("ok@example.com", Some("Ada\u{0}".to_owned())),
        ("long@example.com", Some("x".repeat(300))),
        ("huge@example.com", Some("x".repeat(100_000))),
    ] {
        let body = s.gql("", SIGN_UP, json!({"e": email, "n": name})).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    }
    let n = s
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            s.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM users WHERE email IN ('ok@example.com', 'long@example.com', 'huge@example.com')",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(n, 0, "nothing was stored");
    s.stop().await;
}

#[tokio::test]
async fn one_password_check_per_request() {
    let s = TestServer::start().await;
    // The first check runs (mutation fields run in order); the second is
    // refused before any hashing.
    let two = "mutation { a: login(tenant: \"insideout\", email: \"leo@learner.example\", password: \"coachql-demo\") { token } b: login(tenant: \"insideout\", email: \"leo@learner.example\", password: \"another-guess\") { token } }";
    let body = s.gql("", two, json!({})).await;
    let codes: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["extensions"]["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"BAD_USER_INPUT"), "{body}");
    let batch = json!([
        {"query": LOGIN, "variables": {"e": "leo@learner.example", "p": "coachql-demo"}},
        {"query": LOGIN, "variables": {"e": "leo@learner.example", "p": "coachql-demo"}},
    ]);
    let (_, _, body) = post_raw(&s, batch.to_string(), None).await;
    assert!(body[0]["data"]["login"]["token"].is_string(), "{body}");
    assert_eq!(code(&body[1]), "BAD_USER_INPUT", "{body}");
    s.stop().await;
}

#[tokio::test]
async fn failed_logins_back_off_per_account_and_address() {
    let s = TestServer::start_with(|c| {
        c.login_free_failures = 3;
        c.login_free_failures_per_ip = 8;
        c.login_backoff_ms = 1500;
    })
    .await;
    let wrong = json!({"e": "leo@learner.example", "p": "wrong-password"});
    for _ in 0..4 {
        let body = s.gql("", LOGIN, wrong.clone()).await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    }
    // Backing off now: even the right password waits.
    let resp = s
        .post()
        .json(&json!({"query": LOGIN, "variables": {"e": "leo@learner.example", "p": "coachql-demo"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "RATE_LIMITED");
    assert!(
        body["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .is_some()
    );
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let ok = s
        .gql(
            "",
            LOGIN,
            json!({"e": "leo@learner.example", "p": "coachql-demo"}),
        )
        .await;
    assert!(ok["data"]["login"]["token"].is_string(), "{ok}");
    // Per address: guesses spread over many accounts still back off.
    let mut limited = false;
    for i in 0..12 {
        let resp = s
            .post()
            .json(&json!({"query": LOGIN, "variables": {"e": format!("nobody{i}@example.com"), "p": "wrong-password"}}))
            .send()
            .await
            .unwrap();
        limited |= resp.status() == 429;
    }
    assert!(limited, "the address backs off");
    s.stop().await;
}

#[tokio::test]
async fn a_saturated_hash_pool_answers_rate_limited() {
    let s = TestServer::start_with(|c| {
        c.hash_concurrency = 1;
        c.hash_wait_ms = 1;
        c.login_free_failures = 1000;
        c.login_free_failures_per_ip = 1000;
    })
    .await;
    let results = futures::future::join_all((0..24).map(|i| {
        let body = json!({"query": LOGIN, "variables": {"e": format!("u{i}@example.com"), "p": "wrong-password"}});
        s.post().json(&body).send()
    }))
    .await;
    let mut codes = vec![];
    for r in results {
        let r = r.unwrap();
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap();
        codes.push((status, code(&body).to_owned()));
    }
    assert!(
        codes
            .iter()
            .all(|(_, c)| c == "UNAUTHENTICATED" || c == "RATE_LIMITED"),
        "{codes:?}"
    );
    assert!(
        codes.iter().any(|(s, c)| *s == 429 && c == "RATE_LIMITED"),
        "{codes:?}"
    );
    s.stop().await;
}

#[tokio::test]
async fn query_budgets_per_address_answer_429_with_retry_after() {
    let s = TestServer::start_with(|c| c.budget_per_ip_per_minute = 40).await;
    let mut limited = None;
    for _ in 0..30 {
        let resp = s
            .post()
            .header("x-tenant", "insideout")
            .json(&json!({"query": "{ courses(first: 2) { totalCount nodes { id title } } }"}))
            .send()
            .await
            .unwrap();
        if resp.status() == 429 {
            limited = Some(resp);
            break;
        }
    }
    let resp = limited.expect("the budget ran out");
    assert!(resp.headers().contains_key("retry-after"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "RATE_LIMITED");
    s.stop().await;
}

#[tokio::test]
async fn get_honours_operation_name_and_metrics_are_private() {
    let s = TestServer::start().await;
    let q = "query A { a: __typename } query B { b: __typename }";
    let url = format!(
        "/graphql?query={}&operationName=B",
        q.replace(' ', "%20")
            .replace('{', "%7B")
            .replace('}', "%7D")
    );
    let body: Value = s.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["data"], json!({"b": "Query"}), "{body}");
    let metrics = s.get("/metrics").send().await.unwrap();
    assert_eq!(metrics.status(), 404);
    let text = s.metrics().await;
    assert!(text.contains("coachql_request_duration_seconds"), "{text}");
    // The request pool's gauges: the test server's pool of 4, with at least
    // the one connection it keeps open.
    let gauge = |series: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {series} in {text}"))
    };
    assert_eq!(gauge("coachql_db_pool_max_connections "), 4);
    let in_use = gauge("coachql_db_pool_connections{state=\"in_use\"}");
    let idle = gauge("coachql_db_pool_connections{state=\"idle\"}");
    assert!((1..=4).contains(&(in_use + idle)), "{text}");
    s.stop().await;
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated_and_health_is_split_from_readiness() {
    let s = TestServer::start().await;
    let resp = s
        .post()
        .header("x-request-id", "abc-123")
        .json(&json!({"query": "{ __typename }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"], "abc-123");
    let resp = s
        .post()
        .header("x-request-id", "bad id with spaces")
        .json(&json!({"query": "{ __typename }"}))
        .send()
        .await
        .unwrap();
    let id = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 32, "{id}");
    assert_eq!(s.get("/health").send().await.unwrap().status(), 200);
    assert_eq!(s.get("/ready").send().await.unwrap().status(), 200);
    s.stop().await;
}

/// Opens `n` connections from 127.0.0.1 that send half a request head.
async fn half_heads(url: &str, n: usize) -> Vec<tokio::net::TcpStream> {
    let addr = url.trim_start_matches("http://");
    let mut conns = vec![];
    for _ in 0..n {
        if let Ok(mut c) = tokio::net::TcpStream::connect(addr).await {
            let _ = c
                .write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .await;
            conns.push(c);
        }
    }
    conns
}

/// A client that connects from another loopback address.
fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(ip))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[tokio::test]
async fn slow_and_excess_connections_do_not_lock_others_out() {
    let s = TestServer::start_with(|c| {
        c.header_read_timeout_secs = 1;
        c.max_connections_per_ip = 20;
    })
    .await;
    let mut slow = half_heads(&s.url, 60).await;
    // Over the per-address cap the connections are closed at once.
    let mut closed = 0;
    for c in slow.iter_mut().skip(20) {
        let mut buf = [0u8; 64];
        if let Ok(Ok(0) | Err(_)) =
            tokio::time::timeout(Duration::from_millis(500), c.read(&mut buf)).await
        {
            closed += 1;
        }
    }
    assert_eq!(closed, 40, "excess connections are closed");
    // Someone else is served meanwhile.
    let other = client_from([127, 0, 0, 2]);
    let resp = other
        .post(format!("{}/graphql", s.url))
        .header("x-tenant", "insideout")
        .json(&json!({"query": "{ courses(first: 1) { totalCount } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // The head deadline closes the slow ones (hyper answers 408 or closes).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for c in slow.iter_mut().take(20) {
        let mut buf = [0u8; 256];
        let n = tokio::time::timeout(Duration::from_secs(2), async {
            let mut total = 0;
            loop {
                match c.read(&mut buf).await {
                    Ok(0) | Err(_) => return total,
                    Ok(n) => total += n,
                }
            }
        })
        .await
        .expect("a slow connection was left open");
        let _ = n;
    }
    s.stop().await;
}

#[tokio::test]
async fn sigterm_finishes_within_the_deadline_despite_half_sent_heads() {
    let p = ServerProcess::start(&[
        ("COACHQL_SHUTDOWN_TIMEOUT_SECS", "2"),
        ("COACHQL_HEADER_READ_TIMEOUT_SECS", "60"),
    ])
    .await;
    let _slow = half_heads(&p.url, 5).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let status = p.terminate(Duration::from_secs(10)).await;
    assert!(status.is_some(), "the server did not exit within 10 s");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn memory_returns_to_baseline_after_bursts() {
    let p = ServerProcess::start(&[
        ("COACHQL_LOGIN_FREE_FAILURES", "100000"),
        ("COACHQL_LOGIN_FREE_FAILURES_PER_IP", "100000"),
        ("COACHQL_HASH_WAIT_MS", "60000"),
        ("COACHQL_BUDGET_PER_IP_PER_MINUTE", "0"),
    ])
    .await;
    let client = reqwest::Client::new();
    // Warm up: the first requests build caches that stay.
    for _ in 0..3 {
        let _ = p.post(&client, json!({"query": LOGIN, "variables": {"e": "leo@learner.example", "p": "wrong-password"}}), None).await;
        let _ = p
            .post(
                &client,
                json!({"query": "{ courses(first: 5) { nodes { id title } } }"}),
                Some("insideout"),
            )
            .await;
    }
    let baseline = p.rss_kib();
    // 3 × 200 wrong-password logins at concurrency 50.
    let mut peak = baseline;
    for _ in 0..3 {
        for _ in 0..4 {
            let burst = (0..50).map(|i| {
                p.post(
                    &client,
                    json!({"query": LOGIN, "variables": {"e": format!("x{i}@example.com"), "p": "wrong-password"}}),
                    None,
                )
            });
            for (status, body) in futures::future::join_all(burst).await {
                assert!(status < 500, "{status} {body}");
            }
            peak = peak.max(p.rss_kib());
        }
    }
    // Fragment bombs, concurrently.
    let bombs = (0..20).map(|i| {
        p.post(
            &client,
            json!({"query": fragment_bomb(20 + i % 10, i % 2 == 0)}),
            Some("insideout"),
        )
    });
    for (status, body) in futures::future::join_all(bombs).await {
        assert!(status < 500, "{status} {body}");
    }
    peak = peak.max(p.rss_kib());
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = p.rss_kib();
    eprintln!("rss baseline {baseline} KiB, peak {peak} KiB, after {after} KiB");
    assert!(
        peak < baseline + 100 * 1024,
        "grew by {} MiB",
        (peak - baseline) / 1024
    );
    assert!(
        after < baseline + 50 * 1024,
        "stayed {} MiB above baseline",
        (after - baseline) / 1024
    );
    p.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn graphql_response_media_type_statuses_for_refusals() {
    let s = TestServer::start().await;
    let resp = s
        .post()
        .header(ACCEPT, GQL_RESPONSE)
        .json(&json!({ "query": format!("{{ x(a: {}) }}", nested_object(200)) }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    s.stop().await;
}

/// A column the caller may not read cannot be found out by filtering or
/// ordering on it (the correct answers of assessment questions).
#[tokio::test]
async fn hidden_columns_cannot_filter_or_order() {
    let s = TestServer::start().await;
    let learner = s.token("insideout", "leo@learner.example").await;
    for auth in [learner.as_str(), "tenant:insideout"] {
        for q in [
            "{ assessmentQuestions(orderBy: [{field: CORRECT_ANSWER}]) { totalCount } }",
            "{ assessmentQuestions(filter: {correctAnswer: {eq: 1}}) { totalCount } }",
            "{ assessmentQuestions(filter: {or: [{and: []}, {not: {correctAnswer: {lt: 2}}}]}) { totalCount } }",
        ] {
            let body = s.gql(auth, q, json!({})).await;
            assert_eq!(code(&body), "FORBIDDEN", "{q}: {body}");
        }
    }
    // Staff may.
    let admin = s.token("insideout", "ada@insideout.example").await;
    let body = s
        .gql(
            &admin,
            "{ assessmentQuestions(orderBy: [{field: CORRECT_ANSWER}], filter: {correctAnswer: {gte: 0}}) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    s.stop().await;
}

/// What an operator sees: one access line per request with its id,
/// operation, status, tenant and statement count; no colour codes when the
/// log is not a terminal; JSON lines on request.
#[tokio::test]
async fn access_lines_carry_request_id_operation_and_statements() {
    for format in ["plain", "json"] {
        let p = ServerProcess::start(&[("RUST_LOG", "info"), ("COACHQL_LOG_FORMAT", format)]).await;
        let client = reqwest::Client::new();
        let resp = client
            .post(format!("{}/graphql", p.url))
            .header("x-tenant", "insideout")
            .header("x-request-id", "trace-me-42")
            .json(&json!({"query": "query Catalog { courses(first: 2) { nodes { id lessons { nodes { id } } } } }", "operationName": "Catalog"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        tokio::time::sleep(Duration::from_millis(200)).await;
        let log = p.log();
        let line = log
            .lines()
            .find(|l| l.contains("trace-me-42") && l.contains("Catalog"))
            .unwrap_or_else(|| panic!("no access line in:\n{log}"));
        assert!(!line.contains('\u{1b}'), "colour codes: {line}");
        if format == "json" {
            let v: Value = serde_json::from_str(line).unwrap();
            assert!(v["fields"]["statements"].as_u64().unwrap() >= 2, "{v}");
            assert_eq!(v["fields"]["status"], 200);
        } else {
            assert!(line.contains("status=200"), "{line}");
            let n: u64 = line
                .split("statements=")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .unwrap();
            assert!(n >= 2, "{line}");
        }
        p.terminate(Duration::from_secs(10)).await;
    }
}

/// 1 100 half-sent request heads from one address against a server limited
/// to 1 024 file descriptors: the process survives, and a client from
/// another address is served while they hang.
#[tokio::test]
async fn slowloris_under_a_1024_descriptor_limit() {
    let p = ServerProcess::start_with_fd_limit(&[], 1024).await;
    let slow = half_heads(&p.url, 1100).await;
    let other = client_from([127, 0, 0, 3]);
    let started = Instant::now();
    let resp = other
        .post(format!("{}/graphql", p.url))
        .header("x-tenant", "insideout")
        .json(&json!({"query": "{ courses(first: 1) { totalCount } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(p.rss_kib() > 0, "the process is alive");
    drop(slow);
    p.terminate(Duration::from_secs(15)).await;
}
