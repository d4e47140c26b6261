//! `--ops subscriptions`: GraphQL subscriptions over WebSocket
//! (`graphql-transport-ws`) against one server instance.
//!
//! 1. A write workload without subscribers: one writer per watched
//!    workshop, each cycling through its own learners (register them all,
//!    then cancel them all), so `capacityRemaining` of every watched
//!    workshop changes with every write.
//! 2. `--subscribers` connections, dealt over the watched workshops and the
//!    learners of their tenants; each sends `connection_init` with a
//!    learner's token and one `subscribe` to `workshopSeats`, and waits for
//!    the current value. Server RSS before and after (all idle) gives the
//!    memory per idle subscriber.
//! 3. The same write workload again, now with the subscribers: its req/s
//!    against step 1, and the fan-out latency: for every write and every
//!    subscriber of its workshop, from the write's HTTP response (and from
//!    its request) to the first `next` that reflects it.
//!
//! Matching a `next` to a write: one writer per workshop, so its writes
//! are serial and each write's resulting `capacityRemaining` is known (the
//! register returns it; a cancel gives one seat back). A `next` showing
//! value `x` at time `t` reflects the latest write with result `x` sent
//! before `t`, and every write before it (the server folds queued events
//! into one re-read of the latest state, so one `next` may reflect several
//! writes). A writer's values repeat only every `2 × learners` writes; a
//! `next` with more than one candidate since the previous `next` is
//! counted as ambiguous.

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    fmt::Write as _,
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::{
    Message, client::IntoClientRequest, http::HeaderValue, protocol::WebSocketConfig,
};
use uuid::Uuid;

use crate::{
    dataset::{Backend, Dataset},
    ops::gid,
    server::Server,
};

const SUBSCRIPTION: &str =
    "subscription($w: ID!) { workshopSeats(workshopId: $w) { id capacityRemaining } }";
const REGISTER: &str =
    "mutation($w: ID!) { registerForWorkshop(workshopId: $w) { workshop { capacityRemaining } } }";
const CANCEL: &str = "mutation($w: ID!) { cancelWorkshopRegistration(workshopId: $w) { status } }";
/// Learners per writer: a writer's values repeat every twice as many writes.
const LEARNERS_PER_WRITER: usize = 32;
/// Connections being opened at once.
const OPENING: usize = 64;
/// The server's default `max_connections_per_user`.
pub const DEFAULT_PER_USER: usize = 16;

/// A watched workshop and the tokens of its writer's learners (none of
/// them holds a seat in it when the bench starts).
struct Watched {
    gid: String,
    writers: Arc<Vec<String>>,
}

/// Who subscribes to what and who writes: see [`prepare`].
pub struct Setup {
    watched: Vec<Watched>,
    /// (token, index into `watched`).
    subscribers: Vec<(String, usize)>,
    /// The most connections one learner opens.
    pub max_per_user: usize,
}

/// Picks up to `writers` large published workshops (the generated ones,
/// capacity 1 000 000), dealt round robin over the tenants, and deals
/// `subscribers` connections over them and over the learners of their
/// tenants.
pub async fn prepare(
    db: &DatabaseConnection,
    ds: &Dataset,
    config: &coachql::config::Config,
    subscribers: usize,
    writers: usize,
) -> anyhow::Result<Setup> {
    use entity::{workshop_registrations as reg, workshops};
    let tenant_of: HashMap<Uuid, usize> = ds
        .tenants
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id, i))
        .collect();
    let mut big: Vec<Vec<Uuid>> = vec![Vec::new(); ds.tenants.len()];
    for w in workshops::Entity::find()
        .filter(workshops::Column::Status.eq("published"))
        .filter(workshops::Column::CapacityTotal.gte(1_000_000))
        .all(db)
        .await?
    {
        if let Some(&t) = tenant_of.get(&w.tenant_id) {
            big[t].push(w.id);
        }
    }
    for list in &mut big {
        list.sort();
    }
    // Tokens of every learner of the tenants that have such workshops.
    let mut tokens: HashMap<usize, Vec<(Uuid, String)>> = HashMap::new();
    for (t, list) in big.iter().enumerate() {
        if list.is_empty() {
            continue;
        }
        let tenant = &ds.tenants[t];
        let tid = tenant.id.to_string();
        let mut mine = Vec::new();
        for l in &tenant.learners {
            // Learners with an expired membership get no token: skipped.
            if let Ok(token) = coachql::issue_token(config, db, &tid, &l.email).await {
                mine.push((l.id, token));
            }
        }
        if !mine.is_empty() {
            tokens.insert(t, mine);
        }
    }
    let mut chosen: Vec<(usize, Uuid)> = Vec::new();
    let mut round = 0;
    while chosen.len() < writers {
        let before = chosen.len();
        for (t, list) in big.iter().enumerate() {
            if chosen.len() >= writers {
                break;
            }
            if tokens.contains_key(&t)
                && let Some(&w) = list.get(round)
            {
                chosen.push((t, w));
            }
        }
        if chosen.len() == before {
            break;
        }
        round += 1;
    }
    if chosen.is_empty() {
        bail!("subscriptions: the dataset has no generated workshops with learners");
    }
    let seats: HashSet<(Uuid, Uuid)> = reg::Entity::find()
        .filter(reg::Column::WorkshopId.is_in(chosen.iter().map(|c| c.1)))
        .filter(reg::Column::Status.ne("cancelled"))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.workshop_id, r.user_id))
        .collect();
    let mut watched = Vec::new();
    let mut tenants = Vec::new();
    for (k, &(t, w)) in chosen.iter().enumerate() {
        let list = &tokens[&t];
        // Start each writer at another learner of the tenant.
        let writers: Vec<String> = (0..list.len())
            .map(|i| &list[(i + k * 7) % list.len()])
            .filter(|(user, _)| !seats.contains(&(w, *user)))
            .take(LEARNERS_PER_WRITER)
            .map(|(_, token)| token.clone())
            .collect();
        if writers.len() < 2 {
            continue;
        }
        watched.push(Watched {
            gid: gid("Workshop", w),
            writers: Arc::new(writers),
        });
        tenants.push(t);
    }
    if watched.is_empty() {
        bail!("subscriptions: no workshop has two learners without a seat in it");
    }
    let mut next_of: HashMap<usize, usize> = HashMap::new();
    let mut per_user: HashMap<(usize, usize), usize> = HashMap::new();
    let mut subs = Vec::with_capacity(subscribers);
    for i in 0..subscribers {
        let k = i % watched.len();
        let t = tenants[k];
        let list = &tokens[&t];
        let c = next_of.entry(t).or_default();
        let j = *c % list.len();
        *c += 1;
        *per_user.entry((t, j)).or_default() += 1;
        subs.push((list[j].1.clone(), k));
    }
    Ok(Setup {
        max_per_user: per_user.values().copied().max().unwrap_or(0),
        watched,
        subscribers: subs,
    })
}

impl Setup {
    pub fn describe(&self) -> String {
        let learners: Vec<usize> = self.watched.iter().map(|w| w.writers.len()).collect();
        format!(
            "{} subscribers over {} workshops (one writer each, {}–{} learners per writer), at most {} connections per learner",
            self.subscribers.len(),
            self.watched.len(),
            learners.iter().min().unwrap_or(&0),
            learners.iter().max().unwrap_or(&0),
            self.max_per_user
        )
    }
}

fn histogram() -> anyhow::Result<Histogram<u64>> {
    Histogram::new_with_bounds(1, 60_000_000, 3).context("latency histogram")
}

fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    if h.is_empty() {
        return 0.0;
    }
    h.value_at_quantile(q) as f64 / 1000.0
}

/// One write: when it was sent, when its response arrived, the workshop's
/// `capacityRemaining` after it, and whether it is in the measured window.
#[derive(Clone, Copy)]
struct WriteRec {
    sent: Instant,
    done: Instant,
    value: i64,
    measured: bool,
}

#[derive(Default)]
struct WriterOut {
    recs: Vec<WriteRec>,
    ok: u64,
    errors: u64,
    first_error: Option<String>,
    /// Failed writes outside the measured window (warm-up, seats given back).
    unmeasured_errors: u64,
    hist: Option<Histogram<u64>>,
}

/// One writer: register its learners one after another, then cancel them,
/// until `end`; then it cancels what it still holds (not measured).
async fn writer(
    url: String,
    gid: String,
    tokens: Arc<Vec<String>>,
    measure_from: Instant,
    end: Instant,
    interval: Option<Duration>,
) -> anyhow::Result<WriterOut> {
    let client = reqwest::Client::builder()
        .http1_only()
        .pool_max_idle_per_host(1)
        .tcp_nodelay(true)
        .build()?;
    let mut out = WriterOut {
        hist: Some(histogram()?),
        ..Default::default()
    };
    let n = tokens.len();
    let mut value: Option<i64> = None;
    let mut step = 0usize;
    // Paced: one write every `interval`, started at a random offset so
    // the writers do not send together.
    let mut due =
        Instant::now() + interval.map_or(Duration::ZERO, |i| i.mul_f64(rand_fraction(&gid)));
    loop {
        let phase = step % (2 * n);
        if let Some(i) = interval {
            tokio::time::sleep_until(due.into()).await;
            due += i;
        }
        let sent = Instant::now();
        if sent >= end && phase == 0 {
            break;
        }
        let measured = sent >= measure_from && sent < end;
        let (register, token) = if phase < n {
            (true, &tokens[phase])
        } else {
            (false, &tokens[phase - n])
        };
        step += 1;
        let body = json!({
            "query": if register { REGISTER } else { CANCEL },
            "variables": { "w": gid },
        });
        let res: Result<Option<i64>, String> = async {
            let resp = client
                .post(&url)
                .bearer_auth(token)
                .header(reqwest::header::ACCEPT, "application/json")
                .json(&body)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let status = resp.status();
            let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
            let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            if !status.is_success() || v.get("errors").is_some() || v["data"].is_null() {
                let text = String::from_utf8_lossy(&bytes);
                return Err(format!(
                    "HTTP {status}: {}",
                    text.chars().take(300).collect::<String>()
                ));
            }
            Ok(v["data"]["registerForWorkshop"]["workshop"]["capacityRemaining"].as_i64())
        }
        .await;
        let done = Instant::now();
        match res {
            Ok(returned) => {
                value = if register {
                    returned
                } else {
                    value.map(|v| v + 1)
                };
                if let Some(v) = value {
                    out.recs.push(WriteRec {
                        sent,
                        done,
                        value: v,
                        measured,
                    });
                }
                if measured {
                    out.ok += 1;
                    if let Some(h) = out.hist.as_mut() {
                        let _ = h.record((done - sent).as_micros().max(1) as u64);
                    }
                }
            }
            Err(e) => {
                // The state of this learner is unknown now: so is the value.
                value = None;
                if measured {
                    out.errors += 1;
                    out.first_error.get_or_insert(e);
                } else {
                    out.unmeasured_errors += 1;
                }
            }
        }
    }
    Ok(out)
}

/// The write workload: one writer per watched workshop.
struct Writes {
    per_workshop: Vec<Vec<WriteRec>>,
    ok: u64,
    errors: u64,
    first_error: Option<String>,
    unmeasured_errors: u64,
    hist: Histogram<u64>,
    elapsed: Duration,
}

impl Writes {
    fn rps(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }
}

/// A fraction in [0, 1) from `key`, the same on every run.
fn rand_fraction(key: &str) -> f64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    (h.finish() % 1000) as f64 / 1000.0
}

async fn writes(
    setup: &Setup,
    base: &str,
    warmup: Duration,
    duration: Duration,
    rate: f64,
) -> anyhow::Result<Writes> {
    // `rate` writes per second over all writers.
    let interval = (rate > 0.0).then(|| Duration::from_secs_f64(setup.watched.len() as f64 / rate));
    let url = format!("{base}/graphql");
    let start = Instant::now();
    let measure_from = start + warmup;
    let end = measure_from + duration;
    let tasks: Vec<_> = setup
        .watched
        .iter()
        .map(|w| {
            tokio::spawn(writer(
                url.clone(),
                w.gid.clone(),
                w.writers.clone(),
                measure_from,
                end,
                interval,
            ))
        })
        .collect();
    let mut total = Writes {
        per_workshop: Vec::new(),
        ok: 0,
        errors: 0,
        first_error: None,
        unmeasured_errors: 0,
        hist: histogram()?,
        elapsed: Duration::ZERO,
    };
    for t in tasks {
        let out = t.await??;
        total.ok += out.ok;
        total.errors += out.errors;
        total.unmeasured_errors += out.unmeasured_errors;
        if total.first_error.is_none() {
            total.first_error = out.first_error;
        }
        if let Some(h) = &out.hist {
            let _ = total.hist.add(h);
        }
        total.per_workshop.push(out.recs);
    }
    // Writers stop sending measured requests at `end`, then give their
    // seats back (unmeasured).
    total.elapsed = duration;
    Ok(total)
}

/// What one subscriber saw after its first value.
#[derive(Default)]
struct Seen {
    /// The value when subscribing.
    first: i64,
    nexts: Vec<(Instant, i64)>,
    /// The server closed the connection (code, reason), or it failed.
    closed: Option<(u16, String)>,
    /// Other protocol messages (errors, complete), the first few.
    other: Vec<String>,
    /// The server ended the subscription (an error or `complete`).
    ended: bool,
    pings: u64,
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

enum Msg {
    Next(i64),
    Ping,
    Ack,
    Other(String),
}

fn parse(text: &str) -> Msg {
    let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    match v["type"].as_str() {
        Some("next") => match v["payload"]["data"]["workshopSeats"]["capacityRemaining"].as_i64() {
            Some(n) if v["payload"].get("errors").is_none() => Msg::Next(n),
            _ => Msg::Other(text.chars().take(300).collect()),
        },
        Some("ping") => Msg::Ping,
        Some("connection_ack") => Msg::Ack,
        _ => Msg::Other(text.chars().take(300).collect()),
    }
}

fn closed(frame: Option<tokio_tungstenite::tungstenite::protocol::CloseFrame>) -> (u16, String) {
    frame.map_or((1005, String::new()), |f| {
        (u16::from(f.code), f.reason.to_string())
    })
}

/// Connects, authenticates, subscribes; returns the first value.
async fn open(url: &str, token: &str, gid: &str) -> Result<(Ws, i64), String> {
    let mut req = url.into_client_request().map_err(|e| e.to_string())?;
    req.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let config = WebSocketConfig::default()
        .read_buffer_size(16 * 1024)
        .write_buffer_size(0);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(req, Some(config), true)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let send = |v: Value| Message::text(v.to_string());
    ws.send(send(json!({
        "type": "connection_init",
        "payload": { "Authorization": format!("Bearer {token}") },
    })))
    .await
    .map_err(|e| e.to_string())?;
    let mut subscribed = false;
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => match parse(t.as_str()) {
                Msg::Ack if !subscribed => {
                    ws.send(send(json!({
                        "id": "1",
                        "type": "subscribe",
                        "payload": { "query": SUBSCRIPTION, "variables": { "w": gid } },
                    })))
                    .await
                    .map_err(|e| e.to_string())?;
                    subscribed = true;
                }
                Msg::Next(v) if subscribed => return Ok((ws, v)),
                Msg::Ping => {
                    let _ = ws.send(send(json!({ "type": "pong" }))).await;
                }
                Msg::Ack | Msg::Next(_) => {}
                Msg::Other(s) => return Err(format!("unexpected message: {s}")),
            },
            Some(Ok(Message::Close(f))) => {
                let (code, reason) = closed(f);
                return Err(format!("closed {code}: {reason}"));
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e.to_string()),
            None => return Err("the connection ended".into()),
        }
    }
}

/// Reads until `stop`, recording each `next`; `last` follows the latest
/// value (`i64::MIN` once closed).
async fn read(ws: Ws, mut stop: watch::Receiver<bool>, last: Arc<AtomicI64>) -> Seen {
    let (mut tx, mut rx) = ws.split();
    let mut seen = Seen::default();
    loop {
        tokio::select! {
            m = rx.next() => {
                let now = Instant::now();
                match m {
                    Some(Ok(Message::Text(t))) => match parse(t.as_str()) {
                        Msg::Next(v) => {
                            seen.nexts.push((now, v));
                            last.store(v, Ordering::Release);
                        }
                        Msg::Ping => {
                            let _ = tx.send(Message::text(r#"{"type":"pong"}"#)).await;
                        }
                        Msg::Ack => {}
                        Msg::Other(s) => {
                            seen.ended = true;
                            if seen.other.len() < 3 {
                                seen.other.push(s);
                            }
                        }
                    },
                    // tungstenite answers pings itself.
                    Some(Ok(Message::Ping(_))) => seen.pings += 1,
                    Some(Ok(Message::Close(f))) => {
                        seen.closed = Some(closed(f));
                        break;
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => {
                        seen.closed = Some((1006, e.to_string()));
                        break;
                    }
                    None => {
                        seen.closed = Some((1006, "the connection ended".into()));
                        break;
                    }
                }
            }
            _ = stop.changed() => {
                let _ = tx.send(Message::text(r#"{"id":"1","type":"complete"}"#)).await;
                let _ = tx.send(Message::Close(None)).await;
                return seen;
            }
        }
    }
    last.store(i64::MIN, Ordering::Release);
    seen
}

/// The scenario's results.
#[derive(serde::Serialize)]
pub struct Row {
    /// Paced writes per second (0: closed loop).
    pub write_rate: f64,
    pub backend: Backend,
    pub scale: u32,
    pub subscribers: usize,
    pub connected: usize,
    pub open_failures: usize,
    pub first_open_error: Option<String>,
    pub workshops: usize,
    pub writers: usize,
    /// Seconds to open and subscribe all connections.
    pub open_s: f64,
    /// Server RSS (KiB): at start, before opening the connections (after
    /// the write run without subscribers), with all subscribed and idle.
    pub rss_start_kib: u64,
    pub rss_before_kib: u64,
    pub rss_idle_kib: u64,
    pub kib_per_subscriber: f64,
    pub writes_rps_alone: f64,
    pub writes_p50_ms_alone: f64,
    pub writes_p99_ms_alone: f64,
    pub writes_rps_with: f64,
    pub writes_p50_ms_with: f64,
    pub writes_p99_ms_with: f64,
    /// With subscribers / without.
    pub writes_ratio: f64,
    pub write_errors: u64,
    pub first_write_error: Option<String>,
    /// Failed writes outside the measured windows.
    pub unmeasured_write_errors: u64,
    /// Subscriptions the server ended (an error, then `complete`) while
    /// their connection stayed open.
    pub subscriptions_ended: u64,
    /// Fan-out from the write's HTTP response to the `next` (ms).
    pub fanout_p50_ms: f64,
    pub fanout_p99_ms: f64,
    pub fanout_max_ms: f64,
    /// Fan-out from the write's request to the `next` (ms).
    pub fanout_sent_p50_ms: f64,
    pub fanout_sent_p99_ms: f64,
    pub fanout_sent_max_ms: f64,
    /// (measured write, subscriber of its workshop) pairs delivered.
    pub deliveries: u64,
    /// Pairs never delivered (by the end of the settle time).
    pub missing: u64,
    /// `next` messages received during the run.
    pub next_messages: u64,
    /// Deliveries that arrived before the write's HTTP response.
    pub before_response: u64,
    pub ambiguous: u64,
    /// `next`s matching no write.
    pub unmatched: u64,
    /// Connections the server closed during the run, by close code.
    pub closed_by_server: BTreeMap<u16, u64>,
    pub first_close_reason: Option<String>,
    /// Other messages (errors, completes), the first few.
    pub other_messages: Vec<String>,
    pub server_pings: u64,
}

impl Row {
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let backend = match self.backend {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        };
        let _ = writeln!(
            s,
            "\n| subscriptions | backend | scale | subscribers | fan-out p50 / p99 / max ms (from response) | from request | deliveries (missing) | KiB per idle subscriber | writes rps alone | with subscribers | ratio | closed by server |"
        );
        let _ = writeln!(
            s,
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
        );
        let closed = if self.closed_by_server.is_empty() {
            "none".to_string()
        } else {
            self.closed_by_server
                .iter()
                .map(|(c, n)| format!("{n}× {c}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            s,
            "| workshopSeats | {backend} | {} | {}/{} | {:.1} / {:.1} / {:.1} | {:.1} / {:.1} / {:.1} | {} ({}) | {:.1} | {:.0} | {:.0} | {:.2} | {closed} |",
            self.scale,
            self.connected,
            self.subscribers,
            self.fanout_p50_ms,
            self.fanout_p99_ms,
            self.fanout_max_ms,
            self.fanout_sent_p50_ms,
            self.fanout_sent_p99_ms,
            self.fanout_sent_max_ms,
            self.deliveries,
            self.missing,
            self.kib_per_subscriber,
            self.writes_rps_alone,
            self.writes_rps_with,
            self.writes_ratio,
        );
        let pace = if self.write_rate > 0.0 {
            format!("writes paced at {:.0}/s", self.write_rate)
        } else {
            "writes in a closed loop".to_string()
        };
        let _ = writeln!(s, "\n{pace}.");
        let _ = writeln!(
            s,
            "\n{} workshops, one writer each; {} `next` messages ({} deliveries before the write's response, {} ambiguous, {} unmatched); \
             writes p50/p99 ms alone {:.2}/{:.2}, with subscribers {:.2}/{:.2}; \
             server RSS: start {:.1} MiB, before subscribing {:.1} MiB, {} idle subscribers {:.1} MiB; opened in {:.1} s; {} server pings",
            self.workshops,
            self.next_messages,
            self.before_response,
            self.ambiguous,
            self.unmatched,
            self.writes_p50_ms_alone,
            self.writes_p99_ms_alone,
            self.writes_p50_ms_with,
            self.writes_p99_ms_with,
            self.rss_start_kib as f64 / 1024.0,
            self.rss_before_kib as f64 / 1024.0,
            self.connected,
            self.rss_idle_kib as f64 / 1024.0,
            self.open_s,
            self.server_pings,
        );
        if self.open_failures > 0 {
            let _ = writeln!(
                s,
                "FAILED to open {} connections, first: {}",
                self.open_failures,
                self.first_open_error.as_deref().unwrap_or("?")
            );
        }
        if self.write_errors > 0 {
            let _ = writeln!(
                s,
                "FAILED writes: {}, first: {}",
                self.write_errors,
                self.first_write_error.as_deref().unwrap_or("?")
            );
        }
        if self.subscriptions_ended > 0 || self.unmeasured_write_errors > 0 {
            let _ = writeln!(
                s,
                "{} subscriptions ended by the server (error, then complete); {} failed writes outside the measured windows",
                self.subscriptions_ended, self.unmeasured_write_errors
            );
        }
        if let Some(r) = &self.first_close_reason {
            let _ = writeln!(s, "server closes: first reason: {r}");
        }
        for m in &self.other_messages {
            let _ = writeln!(s, "unexpected message: {m}");
        }
        s
    }

    pub fn failed(&self) -> bool {
        self.open_failures > 0
            || self.write_errors > 0
            || self.subscriptions_ended > 0
            || !self.closed_by_server.is_empty()
    }
}

/// Runs the scenario on `srv` (see the module documentation).
pub async fn run(
    setup: &Setup,
    srv: &Server,
    backend: Backend,
    scale: u32,
    warmup: Duration,
    duration: Duration,
    write_rate: f64,
) -> anyhow::Result<Row> {
    let rss_start = srv.memory().rss_kib;
    let n_watched = setup.watched.len();
    eprintln!(
        "subscriptions: writes without subscribers, {n_watched} writers, {duration:?} + {warmup:?} warm-up"
    );
    let alone = writes(setup, &srv.base, warmup, duration, write_rate).await?;

    // Open the connections.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_before = srv.memory().rss_kib;
    eprintln!(
        "subscriptions: opening {} connections",
        setup.subscribers.len()
    );
    let url = format!("{}/graphql", srv.base.replacen("http://", "ws://", 1));
    let (stop_tx, stop_rx) = watch::channel(false);
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<Result<i64, String>>();
    let gate = Arc::new(tokio::sync::Semaphore::new(OPENING));
    let opened_at = Instant::now();
    let mut subs = Vec::with_capacity(setup.subscribers.len());
    for (token, k) in &setup.subscribers {
        let (url, token, gid) = (url.clone(), token.clone(), setup.watched[*k].gid.clone());
        let (gate, ready, stop) = (gate.clone(), ready_tx.clone(), stop_rx.clone());
        let last = Arc::new(AtomicI64::new(i64::MIN));
        let mine = last.clone();
        let task = tokio::spawn(async move {
            let permit = gate.acquire_owned().await;
            let opened = tokio::time::timeout(Duration::from_secs(60), open(&url, &token, &gid))
                .await
                .unwrap_or_else(|_| Err("timed out subscribing".into()));
            drop(permit);
            match opened {
                Ok((ws, first)) => {
                    mine.store(first, Ordering::Release);
                    let _ = ready.send(Ok(first));
                    let mut seen = read(ws, stop, mine).await;
                    seen.first = first;
                    Some(seen)
                }
                Err(e) => {
                    let _ = ready.send(Err(e));
                    None
                }
            }
        });
        subs.push((*k, last, task));
    }
    drop(ready_tx);
    let (mut connected, mut failures, mut first_open_error) = (0usize, 0usize, None);
    // One report per subscriber (the senders live as long as the readers).
    for _ in 0..setup.subscribers.len() {
        let Some(r) = ready_rx.recv().await else {
            break;
        };
        match r {
            Ok(_) => connected += 1,
            Err(e) => {
                failures += 1;
                first_open_error.get_or_insert(e);
            }
        }
    }
    let open_s = opened_at.elapsed().as_secs_f64();
    eprintln!(
        "subscriptions: {connected} subscribed, {failures} failed, in {open_s:.1} s; idle 3 s"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_idle = srv.memory().rss_kib;

    eprintln!("subscriptions: writes with {connected} subscribers");
    let with = writes(setup, &srv.base, warmup, duration, write_rate).await?;
    // Wait until every open subscriber shows its workshop's final value.
    let finals: Vec<Option<i64>> = with
        .per_workshop
        .iter()
        .map(|recs| recs.last().map(|r| r.value))
        .collect();
    let settle_until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < settle_until {
        let behind = subs.iter().any(|(k, last, _)| {
            let v = last.load(Ordering::Acquire);
            v != i64::MIN && finals[*k].is_some_and(|f| f != v)
        });
        if !behind {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = stop_tx.send(true);

    // Match deliveries to writes.
    let mut from_resp = histogram()?;
    let mut from_sent = histogram()?;
    let mut row = Row {
        write_rate,
        backend,
        scale,
        subscribers: setup.subscribers.len(),
        connected,
        open_failures: failures,
        first_open_error,
        workshops: n_watched,
        writers: n_watched,
        open_s,
        rss_start_kib: rss_start,
        rss_before_kib: rss_before,
        rss_idle_kib: rss_idle,
        kib_per_subscriber: if connected == 0 {
            0.0
        } else {
            (rss_idle as f64 - rss_before as f64) / connected as f64
        },
        writes_rps_alone: alone.rps(),
        writes_p50_ms_alone: ms(&alone.hist, 0.5),
        writes_p99_ms_alone: ms(&alone.hist, 0.99),
        writes_rps_with: with.rps(),
        writes_p50_ms_with: ms(&with.hist, 0.5),
        writes_p99_ms_with: ms(&with.hist, 0.99),
        writes_ratio: with.rps() / alone.rps().max(f64::MIN_POSITIVE),
        write_errors: alone.errors + with.errors,
        first_write_error: alone.first_error.or(with.first_error),
        unmeasured_write_errors: alone.unmeasured_errors + with.unmeasured_errors,
        subscriptions_ended: 0,
        fanout_p50_ms: 0.0,
        fanout_p99_ms: 0.0,
        fanout_max_ms: 0.0,
        fanout_sent_p50_ms: 0.0,
        fanout_sent_p99_ms: 0.0,
        fanout_sent_max_ms: 0.0,
        deliveries: 0,
        missing: 0,
        next_messages: 0,
        before_response: 0,
        ambiguous: 0,
        unmatched: 0,
        closed_by_server: BTreeMap::new(),
        first_close_reason: None,
        other_messages: Vec::new(),
        server_pings: 0,
    };
    for (k, _, task) in subs {
        let Some(seen) = task.await.context("subscriber task")? else {
            continue;
        };
        row.server_pings += seen.pings;
        row.subscriptions_ended += u64::from(seen.ended);
        row.next_messages += seen.nexts.len() as u64;
        if let Some((code, reason)) = seen.closed {
            *row.closed_by_server.entry(code).or_default() += 1;
            row.first_close_reason
                .get_or_insert(format!("{code}: {reason}"));
        }
        for m in seen.other {
            if row.other_messages.len() < 5 {
                row.other_messages.push(m);
            }
        }
        let recs = &with.per_workshop[k];
        // Writes up to `cursor` (exclusive) are reflected.
        let mut cursor = 0usize;
        for &(t, x) in &seen.nexts {
            let candidates: Vec<usize> = (cursor..recs.len())
                .take_while(|&j| recs[j].sent <= t)
                .filter(|&j| recs[j].value == x)
                .collect();
            let Some(&j) = candidates.last() else {
                // Nothing new: the value of a write already delivered, or
                // a re-read without a change.
                let current = cursor.checked_sub(1).map_or(seen.first, |c| recs[c].value);
                if current != x {
                    row.unmatched += 1;
                }
                continue;
            };
            if candidates.len() > 1 {
                row.ambiguous += 1;
            }
            for r in &recs[cursor..=j] {
                if !r.measured {
                    continue;
                }
                row.deliveries += 1;
                if t < r.done {
                    row.before_response += 1;
                }
                let _ =
                    from_resp.record(t.saturating_duration_since(r.done).as_micros().max(1) as u64);
                let _ =
                    from_sent.record(t.saturating_duration_since(r.sent).as_micros().max(1) as u64);
            }
            cursor = j + 1;
        }
        row.missing += recs[cursor..].iter().filter(|r| r.measured).count() as u64;
    }
    row.fanout_p50_ms = ms(&from_resp, 0.5);
    row.fanout_p99_ms = ms(&from_resp, 0.99);
    row.fanout_max_ms = ms(&from_resp, 1.0);
    row.fanout_sent_p50_ms = ms(&from_sent, 0.5);
    row.fanout_sent_p99_ms = ms(&from_sent, 0.99);
    row.fanout_sent_max_ms = ms(&from_sent, 1.0);
    Ok(row)
}

/// Raises the soft file-descriptor limit to the hard one (one descriptor
/// per subscriber connection).
pub fn raise_fd_limit() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}
