//! TLS 1.3 for `samtal serve` (`--tls-cert`, `--tls-key`): only TLS 1.3 (other crates in the
//! build turn rustls' `tls12` feature on, so it is this config that decides, and a test proves
//! it), one crypto provider chosen here (ring), no 0-RTT, ALPN `h2` and `http/1.1`. Handshakes
//! run beside the accept loop, each bounded in time, at most [`MAX_HANDSHAKES`] at once and
//! [`MAX_HANDSHAKES_PER_CLIENT`] from one address, so a slow or silent client holds a few slots
//! for a few seconds and cannot stop others connecting.
//! Once a connection is up, `serve_loop` bounds it like any other (header-read timeout,
//! connection counts).
use std::{
    io,
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use rustls::{
    crypto::ring,
    pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer},
    server::{ClientHello, ResolvesServerCert},
    sign::CertifiedKey,
    version::TLS13,
    ServerConfig,
};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::{mpsc, Semaphore},
};
use tokio_rustls::{server::TlsStream, TlsAcceptor};

/// A handshake not finished by then is dropped.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Handshakes in progress at once; beyond it new connections wait in the kernel's backlog.
pub const MAX_HANDSHAKES: usize = 512;
/// Handshakes in progress from one address: one client cannot take every slot.
pub const MAX_HANDSHAKES_PER_CLIENT: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("{0} holds no certificate")]
    NoCertificate(PathBuf),
    #[error("the certificate and key do not fit together or are not usable: {0}")]
    Unusable(String),
}

/// The certificate chain and key from PEM files, checked to belong together.
pub fn load(cert: &Path, key: &Path) -> Result<Arc<CertifiedKey>, TlsError> {
    let read =
        |path: &Path, e: rustls::pki_types::pem::Error| TlsError::Read { path: path.into(), reason: e.to_string() };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| read(cert, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| read(cert, e))?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate(cert.into()));
    }
    let private = PrivateKeyDer::from_pem_file(key).map_err(|e| read(key, e))?;
    let provider = ring::default_provider();
    let certified = CertifiedKey::from_der(chain, private, &provider).map_err(|e| TlsError::Unusable(e.to_string()))?;
    Ok(Arc::new(certified))
}

/// The certificate in use; [`Certificates::replace`] swaps it for new connections (a reload),
/// connections already open keep theirs.
#[derive(Debug)]
pub struct Certificates(std::sync::RwLock<Arc<CertifiedKey>>);

impl Certificates {
    pub fn new(key: Arc<CertifiedKey>) -> Arc<Self> {
        Arc::new(Self(std::sync::RwLock::new(key)))
    }
    pub fn replace(&self, key: Arc<CertifiedKey>) {
        *self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner) = key;
    }
}

impl ResolvesServerCert for Certificates {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone())
    }
}

/// The server's TLS configuration: TLS 1.3 only, ring, no 0-RTT, ALPN h2 then http/1.1.
pub fn server_config(certs: Arc<Certificates>) -> Result<Arc<ServerConfig>, TlsError> {
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_protocol_versions(&[&TLS13])
        .map_err(|e| TlsError::Unusable(e.to_string()))?
        .with_no_client_auth()
        .with_cert_resolver(certs);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config.max_early_data_size = 0;
    Ok(Arc::new(config))
}

/// A listener that hands axum finished TLS connections.
pub struct TlsListener {
    local: SocketAddr,
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, config: Arc<ServerConfig>) -> io::Result<Self> {
        let local = tcp.local_addr()?;
        let (tx, ready) = mpsc::channel(64);
        let acceptor = TlsAcceptor::from(config);
        let slots = Arc::new(Semaphore::new(MAX_HANDSHAKES));
        let per_client = crate::serve_loop::PerClient::new(MAX_HANDSHAKES_PER_CLIENT);
        tokio::spawn(async move {
            loop {
                // Ends as soon as the server lets go of the listener (shutdown): the port
                // closes then, rather than taking handshakes nobody will serve.
                let permit = tokio::select! {
                    biased;
                    _ = tx.closed() => return,
                    p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => return },
                };
                let accepted = tokio::select! {
                    biased;
                    _ = tx.closed() => return,
                    a = tcp.accept() => a,
                };
                let (stream, peer) = match accepted {
                    Ok(c) => c,
                    Err(e) => {
                        // Out of file descriptors and the like: wait a little, as axum does.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let Some(client_slot) = per_client.enter(peer.ip()) else {
                    tracing::debug!("too many handshakes from one address; connection closed");
                    continue;
                };
                let (acceptor, done) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    let _held = (permit, client_slot);
                    let handshake = async {
                        let tls = acceptor.accept(stream).await?;
                        let _ = done.send((tls, peer)).await;
                        Ok::<_, io::Error>(())
                    };
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(Self { local, ready })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(conn) => conn,
            // The accept loop ended without its listener going away: it cannot accept again.
            None => {
                tracing::error!("the TLS accept loop has stopped; no new connections are taken");
                std::future::pending().await
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}
