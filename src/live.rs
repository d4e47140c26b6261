//! What the WebSocket connections of the process share: their limits and
//! timers, the re-read permits and the connections per subscriber. Apart
//! from `ws`, so the process's state (`state::AppState`) can hold it
//! without importing the protocol.

use std::{sync::Arc, time::Duration};

use tokio::sync::watch;

use crate::server::PerKey;

/// Limits and timers of WebSocket connections.
#[derive(Clone, Copy, Debug)]
pub struct LiveConfig {
    pub max_subscriptions_per_connection: usize,
    pub max_connections_per_user: usize,
    /// Server pings (WebSocket ping frames) this often.
    pub keepalive: Duration,
    pub init_timeout: Duration,
    /// The membership is checked again this often, events or not.
    pub recheck: Duration,
    /// A message the client does not take within this closes it (4008).
    pub send_timeout: Duration,
}

/// What the WebSocket connections of the process share.
pub struct LiveState {
    pub config: LiveConfig,
    /// Subscription re-reads running at once (see `Live::reads`).
    pub(crate) reads: Arc<tokio::sync::Semaphore>,
    /// Open connections per user (`tenant:user`) or anonymous address.
    pub(crate) connections: Arc<PerKey<String>>,
    /// Becomes `true` when the server shuts down.
    pub(crate) stop: watch::Receiver<bool>,
}

impl LiveState {
    /// `reads`: how many subscription re-reads may run at once.
    pub fn new(config: LiveConfig, reads: usize, stop: watch::Receiver<bool>) -> Self {
        Self {
            config,
            reads: Arc::new(tokio::sync::Semaphore::new(reads.max(1))),
            connections: Arc::default(),
            stop,
        }
    }
}
