//! Certificates and payments (seed 001): numbering as the seed's trigger
//! does, who may issue what; payments recorded, settled and refunded, never
//! beyond what was paid.

mod common;

use common::{TestServer, code};
use serde_json::{Value, json};

const ISSUE: &str = "mutation($u: ID!, $t: CertificateType!, $w: ID, $a: ID, $s: [String!], $e: Date) {
  issueCertificate(userId: $u, certificateType: $t, workshopId: $w, adaptabilityAssessmentId: $a, skills: $s, expiryDate: $e) {
    id certificateNumber certificateType issueDate expiryDate skillsDemonstrated isVerified issuedBy user { email } } }";
const PAY: &str = "mutation($r: ID, $e: ID, $amt: Decimal!, $c: String, $p: PaymentProvider!, $inv: String) {
  createPayment(workshopRegistrationId: $r, engagementId: $e, amount: $amt, currency: $c, provider: $p, invoiceNumber: $inv) {
    id status amount currency paymentType relatedEntityId user { email } organization { name } workshopRegistrations { nodes { id } } } }";
const COMPLETE: &str = "mutation($p: ID!) { completePayment(paymentId: $p, transactionId: \"pi_test_1\") { status transactionId } }";
const FAIL: &str = "mutation($p: ID!) { failPayment(paymentId: $p, reason: \"card declined\") { status metadata } }";
const REFUND: &str = "mutation($p: ID!, $a: Decimal) { refundPayment(paymentId: $p, amount: $a, reason: \"goodwill\") { status amount refundAmount refundedAt metadata } }";

fn global(ty: &str, id: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{ty}:{id}"))
}

fn uuid_of(global: &Value) -> String {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(global.as_str().unwrap())
        .unwrap();
    String::from_utf8(raw)
        .unwrap()
        .split_once(':')
        .unwrap()
        .1
        .to_owned()
}

fn user(nn: u32) -> String {
    global("User", &format!("20000000-0000-4000-8000-{nn:012}"))
}

/// The caller's registration for the workshop titled `title`.
async fn registration(s: &TestServer, token: &str, title: &str) -> Value {
    let d = s
        .data(token, "{ workshopRegistrations(first: 100) { nodes { id status attended workshop { id title } user { email } certificate { id } payment { id } } } }", json!({}))
        .await;
    d["workshopRegistrations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["workshop"]["title"] == title)
        .cloned()
        .expect("a registration")
}

#[tokio::test]
async fn certificates_are_numbered_and_issued_by_the_right_staff() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let lina = s.token("insideout", "lina@learner.example").await;
    let today = chrono::Utc::now().date_naive();

    let c = s
        .data(&ada, ISSUE, json!({"u": user(8), "t": "PROGRAM", "s": ["Listening", " Questions "], "e": "2099-01-01"}))
        .await["issueCertificate"]
        .clone();
    assert_eq!(
        c["certificateNumber"],
        format!(
            "CERT-PROGRAM-{}-{}",
            today.format("%Y%m%d"),
            uuid_of(&c["id"])
        )
    );
    assert_eq!(c["issueDate"], today.to_string());
    assert_eq!(c["expiryDate"], "2099-01-01");
    assert_eq!(c["skillsDemonstrated"], json!(["Listening", "Questions"]));
    assert_eq!(
        (c["isVerified"].as_bool(), c["user"]["email"].as_str()),
        (Some(true), Some("leo@learner.example"))
    );
    assert_eq!(c["issuedBy"], "20000000-0000-4000-8000-000000000002");

    // Roles: program certificates are for admins; learners issue nothing.
    assert_eq!(
        code(
            &s.gql(&ivan, ISSUE, json!({"u": user(8), "t": "PROGRAM"}))
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        code(
            &s.gql(&lina, ISSUE, json!({"u": user(8), "t": "PROGRAM"}))
                .await
        ),
        "FORBIDDEN"
    );
    // Inputs that do not fit.
    for vars in [
        json!({"u": user(8), "t": "DIPLOMA"}),
        json!({"u": user(8), "t": "WORKSHOP"}),
        json!({"u": user(8), "t": "PROGRAM", "e": "2000-01-01"}),
        json!({"u": user(8), "t": "PROGRAM", "e": "soon"}),
    ] {
        assert_eq!(
            code(&s.gql(&ada, ISSUE, vars.clone()).await),
            "BAD_USER_INPUT",
            "{vars}"
        );
    }
    let nobody = global("User", &uuid::Uuid::new_v4().to_string());
    assert_eq!(
        code(
            &s.gql(&ada, ISSUE, json!({"u": nobody, "t": "PROGRAM"}))
                .await
        ),
        "NOT_FOUND"
    );
    // Nora (northstar) is no member of insideout.
    assert_eq!(
        code(
            &s.gql(&ada, ISSUE, json!({"u": user(10), "t": "PROGRAM"}))
                .await
        ),
        "NOT_FOUND"
    );

    // Workshop certificates: to attendees only, once.
    let leo = s.token("insideout", "leo@learner.example").await;
    let master = registration(&s, &leo, "Coaching Conversations Masterclass").await;
    let w = master["workshop"]["id"].clone();
    let r = s
        .gql(&ivan, ISSUE, json!({"u": user(8), "t": "WORKSHOP", "w": w}))
        .await;
    assert_eq!(code(&r), "CONFLICT", "{r}");
    s.data(&ivan, "mutation($r: ID!) { markWorkshopAttendance(workshopRegistrationId: $r, attended: true) { attended } }", json!({"r": master["id"]}))
        .await;
    let wc = s
        .data(
            &ivan,
            ISSUE,
            json!({"u": user(8), "t": "WORKSHOP", "w": w, "s": ["Open questions"]}),
        )
        .await["issueCertificate"]
        .clone();
    assert!(
        wc["certificateNumber"]
            .as_str()
            .unwrap()
            .starts_with("CERT-WORKSHOP-")
    );
    assert_eq!(
        registration(&s, &leo, "Coaching Conversations Masterclass").await["certificate"]["id"],
        wc["id"]
    );
    assert_eq!(
        code(
            &s.gql(&ivan, ISSUE, json!({"u": user(8), "t": "WORKSHOP", "w": w}))
                .await
        ),
        "CONFLICT"
    );

    // Assessment certificates: the recipient's completed assessment.
    let a = s
        .data(
            &ada,
            "{ adaptabilityAssessments(first: 50) { nodes { id status user { email } } } }",
            json!({}),
        )
        .await;
    let pick = |email: &str, status: &str| {
        a["adaptabilityAssessments"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["user"]["email"] == email && n["status"] == status)
            .unwrap()["id"]
            .clone()
    };
    let clara_done = pick("clara@acme.example", "COMPLETED");
    let ac = s
        .data(
            &ada,
            ISSUE,
            json!({"u": user(7), "t": "ASSESSMENT", "a": clara_done}),
        )
        .await["issueCertificate"]
        .clone();
    assert!(
        ac["certificateNumber"]
            .as_str()
            .unwrap()
            .starts_with("CERT-ASSESSMENT-")
    );
    assert_eq!(
        code(
            &s.gql(
                &ada,
                ISSUE,
                json!({"u": user(8), "t": "ASSESSMENT", "a": clara_done})
            )
            .await
        ),
        "CONFLICT"
    );
    let olga_open = pick("olga@acme.example", "IN_PROGRESS");
    assert_eq!(
        code(
            &s.gql(
                &ada,
                ISSUE,
                json!({"u": user(3), "t": "ASSESSMENT", "a": olga_open})
            )
            .await
        ),
        "CONFLICT"
    );
    s.stop().await;
}

#[tokio::test]
async fn payments_are_recorded_settled_and_refunded_never_beyond_what_was_paid() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let ivan = s.token("insideout", "ivan@insideout.example").await;
    let clara = s.token("insideout", "clara@acme.example").await;
    let leo = s.token("insideout", "leo@learner.example").await;

    let hybrid = registration(&s, &clara, "Leading Hybrid Teams Through Change").await;
    assert!(hybrid["payment"].is_null());
    let pay = |r: &Value, amt: &str| json!({"r": r, "amt": amt, "p": "STRIPE"});
    // Bad input first.
    for vars in [
        json!({"r": hybrid["id"], "amt": "0", "p": "STRIPE"}),
        json!({"r": hybrid["id"], "amt": "1.999", "p": "STRIPE"}),
        json!({"r": hybrid["id"], "amt": "40", "p": "STRIPE", "c": "US"}),
        json!({"r": hybrid["id"], "amt": "40", "p": "CASH"}),
        json!({"amt": "40", "p": "STRIPE"}),
    ] {
        assert_eq!(
            code(&s.gql(&clara, PAY, vars.clone()).await),
            "BAD_USER_INPUT",
            "{vars}"
        );
    }
    // Someone else's registration: invisible to Leo, visible but not payable for the instructor.
    assert_eq!(
        code(&s.gql(&leo, PAY, pay(&hybrid["id"], "40")).await),
        "NOT_FOUND"
    );
    assert_eq!(
        code(&s.gql(&ivan, PAY, pay(&hybrid["id"], "40")).await),
        "FORBIDDEN"
    );
    let taken = json!({"r": hybrid["id"], "amt": "40", "p": "STRIPE", "inv": "INV-IO-2026-0001"});
    assert_eq!(code(&s.gql(&clara, PAY, taken).await), "CONFLICT");

    let p = s
        .data(
            &clara,
            PAY,
            json!({"r": hybrid["id"], "amt": "40", "p": "STRIPE", "c": "eur"}),
        )
        .await["createPayment"]
        .clone();
    assert_eq!(
        (
            p["status"].as_str(),
            p["amount"].as_str(),
            p["currency"].as_str(),
            p["paymentType"].as_str()
        ),
        (
            Some("PENDING"),
            Some("40.00"),
            Some("EUR"),
            Some("WORKSHOP")
        )
    );
    assert_eq!(p["user"]["email"], "clara@acme.example");
    assert_eq!(p["organization"]["name"], "Acme Media");
    assert_eq!(p["relatedEntityId"], uuid_of(&hybrid["workshop"]["id"]));
    assert_eq!(p["workshopRegistrations"]["nodes"][0]["id"], hybrid["id"]);
    assert_eq!(
        code(&s.gql(&clara, PAY, pay(&hybrid["id"], "40")).await),
        "CONFLICT"
    );

    // Settling is for admins, once.
    assert_eq!(
        code(&s.gql(&clara, COMPLETE, json!({"p": p["id"]})).await),
        "FORBIDDEN"
    );
    assert_eq!(
        code(&s.gql(&ada, REFUND, json!({"p": p["id"]})).await),
        "CONFLICT"
    );
    let done = s.data(&ada, COMPLETE, json!({"p": p["id"]})).await["completePayment"].clone();
    assert_eq!(
        done,
        json!({"status": "SUCCEEDED", "transactionId": "pi_test_1"})
    );
    assert_eq!(
        code(&s.gql(&ada, COMPLETE, json!({"p": p["id"]})).await),
        "CONFLICT"
    );
    assert_eq!(
        code(&s.gql(&ada, FAIL, json!({"p": p["id"]})).await),
        "CONFLICT"
    );

    // Partial, then the rest; never more.
    assert_eq!(
        code(&s.gql(&clara, REFUND, json!({"p": p["id"], "a": "5"})).await),
        "FORBIDDEN"
    );
    assert_eq!(
        code(&s.gql(&ada, REFUND, json!({"p": p["id"], "a": "-5"})).await),
        "BAD_USER_INPUT"
    );
    let r1 = s
        .data(&ada, REFUND, json!({"p": p["id"], "a": "15.25"}))
        .await["refundPayment"]
        .clone();
    assert_eq!(
        (r1["status"].as_str(), r1["refundAmount"].as_str()),
        (Some("REFUNDED"), Some("15.25"))
    );
    assert_eq!(r1["metadata"]["partial_refund"], true);
    assert_eq!(r1["metadata"]["refund_reason"], "goodwill");
    assert!(r1["refundedAt"].is_string());
    let over = s
        .gql(&ada, REFUND, json!({"p": p["id"], "a": "24.76"}))
        .await;
    assert_eq!(code(&over), "CONFLICT", "{over}");
    let r2 = s.data(&ada, REFUND, json!({"p": p["id"]})).await["refundPayment"].clone();
    assert_eq!(
        (r2["refundAmount"].as_str(), r2["amount"].as_str()),
        (Some("40.00"), Some("40.00"))
    );
    assert_eq!(r2["metadata"]["partial_refund"], false);
    assert_eq!(
        code(
            &s.gql(&ada, REFUND, json!({"p": p["id"], "a": "0.01"}))
                .await
        ),
        "CONFLICT"
    );
    // After a refund the registration may be paid again.
    let again =
        s.data(&clara, PAY, pay(&hybrid["id"], "40")).await["createPayment"]["status"].clone();
    assert_eq!(again, "PENDING");

    // An engagement payment by its client, failed by an admin.
    let e = s
        .data(&clara, "{ engagements { nodes { id status } } }", json!({}))
        .await;
    let active = e["engagements"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["status"] == "ACTIVE")
        .unwrap()["id"]
        .clone();
    assert_eq!(
        code(
            &s.gql(&leo, PAY, json!({"e": active, "amt": "100", "p": "MANUAL"}))
                .await
        ),
        "NOT_FOUND"
    );
    let ep = s
        .data(
            &clara,
            PAY,
            json!({"e": active, "amt": "100", "p": "MANUAL"}),
        )
        .await["createPayment"]
        .clone();
    assert_eq!(
        (ep["paymentType"].as_str(), ep["status"].as_str()),
        (Some("ENGAGEMENT"), Some("PENDING"))
    );
    assert_eq!(ep["relatedEntityId"], uuid_of(&active));
    let f = s.data(&ada, FAIL, json!({"p": ep["id"]})).await["failPayment"].clone();
    assert_eq!(
        (
            f["status"].as_str(),
            f["metadata"]["failure_reason"].as_str()
        ),
        (Some("FAILED"), Some("card declined"))
    );
    assert_eq!(
        code(&s.gql(&ada, REFUND, json!({"p": ep["id"]})).await),
        "CONFLICT"
    );
    let missing = global("Payment", &uuid::Uuid::new_v4().to_string());
    assert_eq!(
        code(&s.gql(&ada, REFUND, json!({"p": missing})).await),
        "NOT_FOUND"
    );
    s.stop().await;
}

/// Concurrent partial refunds of a 40.00 payment, 10.00 each: exactly four
/// succeed, the rest are CONFLICT, and the total is exactly what was paid.
#[tokio::test]
async fn concurrent_refunds_never_exceed_the_payment() {
    let s = TestServer::start().await;
    let ada = s.token("insideout", "ada@insideout.example").await;
    let clara = s.token("insideout", "clara@acme.example").await;
    let hybrid = registration(&s, &clara, "Leading Hybrid Teams Through Change").await;
    let p = s
        .data(
            &clara,
            PAY,
            json!({"r": hybrid["id"], "amt": "40", "p": "STRIPE"}),
        )
        .await["createPayment"]["id"]
        .clone();
    s.data(&ada, COMPLETE, json!({"p": p})).await;
    let results =
        futures::future::join_all((0..7).map(|_| s.gql(&ada, REFUND, json!({"p": p, "a": "10"}))))
            .await;
    let ok = results.iter().filter(|r| r.get("errors").is_none()).count();
    let conflicts = results.iter().filter(|r| code(r) == "CONFLICT").count();
    assert_eq!((ok, conflicts), (4, 3), "{results:#?}");
    let after = s
        .data(
            &ada,
            "query($id: ID!) { node(id: $id) { ... on Payment { refundAmount status } } }",
            json!({"id": p}),
        )
        .await;
    assert_eq!(
        after["node"],
        json!({"refundAmount": "40.00", "status": "REFUNDED"})
    );
    s.stop().await;
}
