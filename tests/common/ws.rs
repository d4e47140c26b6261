//! A minimal `graphql-transport-ws` (and legacy `graphql-ws`) client over
//! a real WebSocket, for the subscription tests.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

pub struct Ws {
    socket: WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>,
    legacy: bool,
}

/// What the server sent.
#[derive(Debug)]
pub enum Got {
    /// A `next` (or legacy `data`) payload of the subscription `id`.
    Next(String, Value),
    /// A subscription's `error` message.
    Error(String, Value),
    /// `complete` of the subscription `id`.
    Complete(String),
    /// The connection was closed with this code and reason.
    Closed(u16, String),
    /// Nothing within the wait.
    Nothing,
}

impl Ws {
    /// Opens `/graphql` of the server at `http_url` with the
    /// `graphql-transport-ws` protocol (`legacy`: `graphql-ws`).
    pub async fn open(http_url: &str, legacy: bool) -> Self {
        Self::open_with(http_url, legacy, &[]).await
    }

    /// Like [`Ws::open`], the upgrade request carrying `headers` too.
    pub async fn open_with(http_url: &str, legacy: bool, headers: &[(&'static str, &str)]) -> Self {
        let url = format!("{}/graphql", http_url.replacen("http", "ws", 1));
        let mut req = url.into_client_request().unwrap();
        for (name, value) in headers {
            req.headers_mut()
                .insert(*name, HeaderValue::from_str(value).unwrap());
        }
        let protocol = if legacy {
            "graphql-ws"
        } else {
            "graphql-transport-ws"
        };
        req.headers_mut()
            .insert("sec-websocket-protocol", HeaderValue::from_static(protocol));
        let (socket, resp) = tokio_tungstenite::connect_async(req).await.unwrap();
        assert_eq!(
            resp.headers()["sec-websocket-protocol"],
            protocol,
            "the server chose the protocol asked for"
        );
        Self { socket, legacy }
    }

    /// Opens and initialises as `auth` (a token, or `tenant:SLUG`);
    /// panics unless acknowledged.
    pub async fn connect(http_url: &str, auth: &str) -> Self {
        let mut ws = Self::open(http_url, false).await;
        let ack = ws.init(auth).await;
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        ws
    }

    /// Sends `text` as it is.
    pub async fn raw_text(&mut self, text: &str) {
        let _ = self
            .socket
            .send(Message::Text(text.to_owned().into()))
            .await;
    }

    pub async fn send(&mut self, msg: Value) {
        self.socket
            .send(Message::Text(msg.to_string().into()))
            .await
            .unwrap();
    }

    /// Sends `connection_init` as `auth`; the server's first answer (a
    /// message, or `{"closed": code}`).
    pub async fn init(&mut self, auth: &str) -> Value {
        let payload = match auth.strip_prefix("tenant:") {
            Some(t) => json!({"X-Tenant": t}),
            None if auth.is_empty() => json!({}),
            None => json!({"Authorization": format!("Bearer {auth}")}),
        };
        self.send(json!({"type": "connection_init", "payload": payload}))
            .await;
        match self.raw(Duration::from_secs(10)).await {
            Ok(v) => v,
            Err((code, reason)) => json!({"closed": code, "reason": reason}),
        }
    }

    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        let ty = if self.legacy { "start" } else { "subscribe" };
        self.send(
            json!({"id": id, "type": ty, "payload": {"query": query, "variables": variables}}),
        )
        .await;
    }

    pub async fn stop(&mut self, id: &str) {
        let ty = if self.legacy { "stop" } else { "complete" };
        self.send(json!({"id": id, "type": ty})).await;
    }

    /// The next protocol message, skipping pings; `Err` with the close.
    async fn raw(&mut self, wait: Duration) -> Result<Value, (u16, String)> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let msg = match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return Ok(Value::Null),
                Ok(None) | Ok(Some(Err(_))) => return Err((1006, String::new())),
                Ok(Some(Ok(m))) => m,
            };
            match msg {
                Message::Text(t) => {
                    let v: Value = serde_json::from_str(&t).unwrap();
                    match v["type"].as_str() {
                        Some("ping") => {
                            self.send(json!({"type": "pong"})).await;
                        }
                        Some("ka") | Some("pong") => {}
                        _ => return Ok(v),
                    }
                }
                Message::Close(f) => {
                    return Err(f
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((1005, String::new())));
                }
                _ => {}
            }
        }
    }

    /// What the server sends next, waiting at most `wait`.
    pub async fn next_within(&mut self, wait: Duration) -> Got {
        match self.raw(wait).await {
            Err((code, reason)) => Got::Closed(code, reason),
            Ok(Value::Null) => Got::Nothing,
            Ok(v) => {
                let id = v["id"].as_str().unwrap_or_default().to_owned();
                match v["type"].as_str() {
                    Some("next") | Some("data") => Got::Next(id, v["payload"].clone()),
                    Some("error") => Got::Error(id, v["payload"].clone()),
                    Some("complete") => Got::Complete(id),
                    _ => panic!("unexpected message {v}"),
                }
            }
        }
    }

    /// The next payload of subscription `id` (within 10 s); panics on
    /// anything else.
    pub async fn next(&mut self, id: &str) -> Value {
        match self.next_within(Duration::from_secs(10)).await {
            Got::Next(i, payload) if i == id => payload,
            other => panic!("expected a payload of {id}, got {other:?}"),
        }
    }

    /// Asserts nothing arrives within `wait`.
    pub async fn quiet(&mut self, wait: Duration) {
        match self.next_within(wait).await {
            Got::Nothing => {}
            other => panic!("expected nothing, got {other:?}"),
        }
    }

    /// Waits (up to `wait`) for the connection to close; its code and
    /// reason, skipping whatever came before.
    pub async fn closed_within(&mut self, wait: Duration) -> (u16, String) {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                panic!("the connection stayed open");
            }
            if let Got::Closed(code, reason) = self.next_within(left).await {
                return (code, reason);
            }
        }
    }
}

pub const WORKSHOPS: &str = "{ workshops(first: 100) { nodes { id status capacityRemaining workshopRegistrations(first: 100) { nodes { user { email } } } } } }";

/// Of `WORKSHOPS`' answer (as an admin), an open workshop no demo learner
/// has registered for.
pub fn pick_open(data: &Value) -> Value {
    data["workshops"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| {
            w["status"] == "PUBLISHED"
                && w["capacityRemaining"].as_i64().unwrap() > 2
                && w["workshopRegistrations"]["nodes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|r| {
                        !r["user"]["email"]
                            .as_str()
                            .unwrap_or("")
                            .contains("@learner.")
                    })
        })
        .cloned()
        .expect("an open workshop")
}
