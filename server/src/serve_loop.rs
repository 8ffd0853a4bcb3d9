//! The HTTP server loop (in place of `axum::serve`, which runs hyper without a timer): every
//! connection, plain or TLS, HTTP/1.1 or HTTP/2, gets a header-read timeout (a slowloris client
//! that trickles its headers, or holds an idle keep-alive connection, is cut off), HTTP/2
//! keep-alive pings and stream limits, and a place in two bounded counts — all connections, and
//! one client address's — so neither a flood nor one address can exhaust the process's file
//! descriptors. On shutdown the listener closes at once, open connections are asked to finish
//! (`graceful_shutdown`), and the loop waits for them up to a drain time.
use std::{
    collections::HashMap,
    future::Future,
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use axum::{body::Body, extract::ConnectInfo, Router};
use hyper::{body::Incoming, Request};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::conn::auto::Builder,
    service::TowerToHyperService,
};
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;

/// Open connections at once, all clients together.
pub const MAX_CONNECTIONS: usize = 8_192;
/// Open connections from one address (an office behind one address has many people; a
/// browser opens at most a handful per host).
pub const MAX_CONNECTIONS_PER_CLIENT: usize = 128;

/// What the loop allows each connection.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// To read a request's headers, and on a kept-alive connection to start the next one.
    pub header_read: Duration,
    /// How long shutdown waits for open connections to finish.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self { header_read: Duration::from_secs(10), drain: Duration::from_secs(30) }
    }
}

/// Counts per client address, up to a limit; only addresses with something counted are kept.
pub struct PerClient {
    limit: usize,
    counts: Mutex<HashMap<IpAddr, usize>>,
}

impl PerClient {
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self { limit, counts: Mutex::new(HashMap::new()) })
    }

    /// A place for `ip`, or `None` when it has `limit` already.
    pub fn enter(self: &Arc<Self>, ip: IpAddr) -> Option<ClientSlot> {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let n = counts.entry(ip).or_insert(0);
        if *n >= self.limit {
            return None;
        }
        *n += 1;
        Some(ClientSlot(self.clone(), ip))
    }
}

/// One place in a client's count, given back when dropped.
pub struct ClientSlot(Arc<PerClient>, IpAddr);

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut counts = self.0.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = counts.get_mut(&self.1) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.1);
            }
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then drains.
pub async fn serve<L>(mut listener: L, router: Router, limits: Limits, shutdown: impl Future<Output = ()>)
where
    L: axum::serve::Listener<Addr = SocketAddr>,
{
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let per_client = PerClient::new(MAX_CONNECTIONS_PER_CLIENT);
    let (stop, stopped) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (io, peer) = tokio::select! {
            conn = listener.accept() => conn,
            _ = &mut shutdown => break,
        };
        // Over either limit the connection is closed at once (dropped).
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            tracing::warn!("connection limit reached; a connection was closed");
            continue;
        };
        let Some(client) = per_client.enter(peer.ip()) else {
            tracing::debug!("too many connections from one address; one was closed");
            continue;
        };
        let service = router.clone().map_request(move |req: Request<Incoming>| {
            let mut req = req.map(Body::new);
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let _held = (permit, client);
            let mut builder = Builder::new(TokioExecutor::new());
            builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read);
            builder
                .http2()
                .timer(TokioTimer::new())
                .keep_alive_interval(Some(Duration::from_secs(30)))
                .keep_alive_timeout(Duration::from_secs(10))
                .max_concurrent_streams(100)
                .max_header_list_size(64 * 1024)
                .enable_connect_protocol();
            let conn = builder.serve_connection_with_upgrades(TokioIo::new(io), TowerToHyperService::new(service));
            tokio::pin!(conn);
            let mut asked = false;
            loop {
                tokio::select! {
                    result = conn.as_mut() => {
                        if let Err(e) = result {
                            tracing::trace!(error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    changed = stopped.changed(), if !asked => {
                        asked = true;
                        if changed.is_ok() {
                            conn.as_mut().graceful_shutdown();
                        }
                    }
                }
            }
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let all = u32::try_from(MAX_CONNECTIONS).unwrap_or(u32::MAX);
    if tokio::time::timeout(limits.drain, slots.acquire_many(all)).await.is_err() {
        tracing::warn!(drain_seconds = limits.drain.as_secs(), "some connections were still open after the drain time");
    }
}
