//! The connection layer: accepts TCP connections and serves HTTP/1.1 and
//! HTTP/2 on them with the limits `axum::serve` does not offer — a cap on
//! open connections (overall and per client address), a deadline for a
//! request's head, an idle timeout, and a shutdown that closes whatever is
//! still open once its deadline passes.

use std::{
    collections::HashMap,
    convert::Infallible,
    future::Future,
    io,
    net::{IpAddr, SocketAddr},
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    task::{Context, Poll},
    time::{Duration, Instant},
};

use axum::{Router, body::Body, extract::ConnectInfo};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore, watch},
    task::JoinSet,
};
use tower::ServiceExt;

/// Connection limits; see `docs/OPERATIONS.md`.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    pub max_connections_per_ip: usize,
    pub shutdown_timeout: Duration,
}

/// Serves `app` on `listener` until `shutdown` resolves; then stops
/// accepting, lets in-flight requests finish, and after
/// `shutdown_timeout` closes the connections that remain.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let max = effective_max_connections(limits.max_connections).min(Semaphore::MAX_PERMITS);
    // Zero would make the timers below panic; a second is the floor.
    let limits = ConnectionLimits {
        idle_timeout: limits.idle_timeout.max(Duration::from_secs(1)),
        header_read_timeout: limits.header_read_timeout.max(Duration::from_secs(1)),
        ..limits
    };
    let slots = Arc::new(Semaphore::new(max));
    let per_ip = Arc::new(PerKey::<IpAddr>::default());
    let (close_tx, close_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, addr) = tokio::select! {
            _ = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors or a connection reset before
                    // accept: wait a moment instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // Over a cap the connection is closed at once: holding it in the
        // backlog would keep its file descriptor and starve others.
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            crate::metrics::connection_refused();
            continue;
        };
        let Some(ip_slot) = per_ip.take(addr.ip(), limits.max_connections_per_ip) else {
            crate::metrics::connection_refused();
            continue;
        };
        let _ = stream.set_nodelay(true);
        connections.spawn(connection(
            stream,
            addr,
            app.clone(),
            limits,
            close_rx.clone(),
            (slot, ip_slot),
        ));
    }
    drop(listener);
    let _ = close_tx.send(true);
    let drained = tokio::time::timeout(limits.shutdown_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = connections.len(),
            "shutdown deadline passed: closing the remaining connections"
        );
        connections.abort_all();
        while connections.join_next().await.is_some() {}
    }
    Ok(())
}

/// One connection, until it closes, is idle for too long, or the server
/// shuts down (then it finishes its in-flight request first).
async fn connection(
    stream: TcpStream,
    addr: SocketAddr,
    app: Router,
    limits: ConnectionLimits,
    mut close: watch::Receiver<bool>,
    _slots: (OwnedSemaphorePermit, KeySlot<IpAddr>),
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Tracked {
        inner: stream,
        activity: activity.clone(),
    });
    let service = hyper::service::service_fn(move |mut req: hyper::Request<_>| {
        req.extensions_mut().insert(ConnectInfo(addr));
        let app = app.clone();
        async move {
            let resp = app.oneshot(req.map(Body::new)).await;
            Ok::<_, Infallible>(resp.unwrap_or_else(|never| match never {}))
        }
    });
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(limits.idle_timeout / 2))
        .keep_alive_timeout(limits.header_read_timeout);
    let conn = builder.serve_connection_with_upgrades(io, service);
    tokio::pin!(conn);
    let mut closing = false;
    let mut tick = tokio::time::interval(limits.idle_timeout.min(Duration::from_secs(5)));
    loop {
        tokio::select! {
            _ = conn.as_mut() => break,
            changed = close.changed(), if !closing => {
                if changed.is_err() || *close.borrow() {
                    closing = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
            _ = tick.tick(), if !closing => {
                if activity.idle_for() >= limits.idle_timeout {
                    // Graceful: a request still being answered is finished
                    // first; an idle keep-alive connection closes now.
                    closing = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// The cap after the process's file-descriptor limit: the soft limit is
/// raised to the hard one, and a reserve is kept for the database pool,
/// the listener and files.
fn effective_max_connections(configured: usize) -> usize {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit only read and write the struct passed.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
                if lim.rlim_cur < lim.rlim_max {
                    let raised = libc::rlimit {
                        rlim_cur: lim.rlim_max,
                        rlim_max: lim.rlim_max,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                        lim.rlim_cur = lim.rlim_max;
                    }
                }
                let usable = (lim.rlim_cur as usize).saturating_sub(128).max(16);
                if usable < configured {
                    tracing::warn!(
                        configured,
                        usable,
                        "max_connections lowered to fit the file-descriptor limit"
                    );
                }
                return configured.min(usable);
            }
        }
    }
    configured
}

/// Open connections per key (a client address here; a user for
/// WebSocket connections, `crate::ws`), each capped.
pub(crate) struct PerKey<K>(Mutex<HashMap<K, usize>>);

impl<K> Default for PerKey<K> {
    fn default() -> Self {
        Self(Mutex::default())
    }
}

/// One connection's place in a [`PerKey`], given back on drop.
pub(crate) struct KeySlot<K: Eq + std::hash::Hash> {
    map: Arc<PerKey<K>>,
    key: K,
}

impl<K: Eq + std::hash::Hash + Clone> PerKey<K> {
    /// A place for `key`, unless it already holds `max`.
    pub(crate) fn take(self: &Arc<Self>, key: K, max: usize) -> Option<KeySlot<K>> {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = m.entry(key.clone()).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(KeySlot {
            map: self.clone(),
            key,
        })
    }
}

impl<K: Eq + std::hash::Hash> Drop for KeySlot<K> {
    fn drop(&mut self) {
        let mut m = self.map.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = m.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.key);
            }
        }
    }
}

/// When a connection last moved a byte.
struct Activity {
    start: Instant,
    last_ms: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }

    fn touch(&self) {
        let ms = self.start.elapsed().as_millis() as u64;
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    fn idle_for(&self) -> Duration {
        let now = self.start.elapsed().as_millis() as u64;
        Duration::from_millis(now.saturating_sub(self.last_ms.load(Ordering::Relaxed)))
    }
}

/// A stream that records its activity.
struct Tracked {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        r
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
