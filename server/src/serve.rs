//! `confidant serve`: the app and, behind `/api/v1/`, the ciphertext store.
//!
//! The server logs nothing about requests: not bodies, not addresses. It prints one line
//! when it is ready and one when it stops, and a line for a storage failure.
//!
//! The accept loop is its own rather than `axum::serve`'s, because every client may be
//! hostile and `axum::serve` bounds neither how long a connection may take to send its
//! headers nor how many connections are open: here a connection that has not sent a
//! whole request head within `--header-timeout-secs` (idle between requests included) is
//! closed by hyper, and beyond `--max-connections` new connections wait in the kernel's
//! listen queue instead of each costing a task.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::sync::Semaphore;

use crate::api::{self, Api};
use crate::args::Arguments;
use crate::rate_limit::RateLimiter;
use crate::static_site::{self, StaticSite};
use crate::store::{SqliteStore, Store};

const DAY: u64 = 24 * 60 * 60;
const GIB: u64 = 1 << 30;
/// How long a stopping server waits for the requests under way before it exits anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// What `confidant serve` was asked to do.
#[derive(Debug)]
struct ServeConfig {
    listen: SocketAddr,
    data: PathBuf,
    static_dir: PathBuf,
    frame_ancestors: Vec<String>,
    max_packet_bytes: usize,
    rate_limit: u32,
    retention: Duration,
    acknowledged_retention: Duration,
    header_timeout: Duration,
    body_timeout: Duration,
    max_connections: usize,
    max_concurrent_uploads: usize,
    trusted_proxies: Vec<IpAddr>,
    quota_bytes: u64,
}

impl ServeConfig {
    fn from_arguments(mut arguments: Arguments) -> Result<Self, String> {
        let listen = arguments
            .value("listen")?
            .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let listen = listen
            .parse()
            .map_err(|_| format!("`--listen {listen}` is not an address like 127.0.0.1:8080"))?;
        let data = PathBuf::from(
            arguments
                .value("data")?
                .unwrap_or_else(|| "data".to_owned()),
        );
        let static_dir = PathBuf::from(
            arguments
                .value("static")?
                .unwrap_or_else(|| "dist".to_owned()),
        );
        let frame_ancestors = arguments.values("frame-ancestor")?;
        for origin in &frame_ancestors {
            check_origin(origin)?;
        }
        let max_packet_bytes = number(&mut arguments, "max-packet-bytes", 25_000_000)?;
        let rate_limit = number(&mut arguments, "rate-limit", 120)?;
        let retention = number(&mut arguments, "retention-days", 30)?;
        let acknowledged_retention = number(&mut arguments, "acknowledged-retention-days", 7)?;
        let header_timeout = positive(&mut arguments, "header-timeout-secs", 10)?;
        let body_timeout = positive(&mut arguments, "body-timeout-secs", 60)?;
        let max_connections = positive(&mut arguments, "max-connections", 512)?;
        let max_concurrent_uploads = positive(&mut arguments, "max-concurrent-uploads", 16)?;
        let trusted_proxies = arguments
            .values("trusted-proxy")?
            .iter()
            .map(|proxy| {
                proxy
                    .parse::<IpAddr>()
                    .map(|address| address.to_canonical())
                    .map_err(|_| {
                        format!("`--trusted-proxy {proxy}` is not an address like 10.0.0.1")
                    })
            })
            .collect::<Result<_, _>>()?;
        let quota_bytes = positive(&mut arguments, "quota-bytes", GIB)?;
        arguments.finish()?;
        Ok(Self {
            listen,
            data,
            static_dir,
            frame_ancestors,
            max_packet_bytes,
            rate_limit,
            retention: Duration::from_secs(retention * DAY),
            acknowledged_retention: Duration::from_secs(acknowledged_retention * DAY),
            header_timeout: Duration::from_secs(header_timeout),
            body_timeout: Duration::from_secs(body_timeout),
            max_connections,
            max_concurrent_uploads,
            trusted_proxies,
            quota_bytes,
        })
    }
}

fn number<T: std::str::FromStr>(
    arguments: &mut Arguments,
    name: &str,
    default: T,
) -> Result<T, String> {
    match arguments.value(name)? {
        None => Ok(default),
        Some(text) => text
            .parse()
            .map_err(|_| format!("`--{name} {text}` must be a whole number")),
    }
}

/// A whole number of at least 1: a limit of 0 would refuse everything.
fn positive<T: std::str::FromStr + PartialEq + From<u8>>(
    arguments: &mut Arguments,
    name: &str,
    default: T,
) -> Result<T, String> {
    let value = number(arguments, name, default)?;
    if value == T::from(0) {
        return Err(format!("`--{name}` must be at least 1"));
    }
    Ok(value)
}

/// A frame ancestor must be a bare origin: a scheme, a host and maybe a port. Anything
/// else (a path, a wildcard, a quote) could widen or break the policy.
fn check_origin(origin: &str) -> Result<(), String> {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(|| format!("frame ancestor `{origin}` must start with https:// or http://"))?;
    let well_formed = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'));
    if well_formed {
        Ok(())
    } else {
        Err(format!(
            "frame ancestor `{origin}` must be an origin such as https://partner.example"
        ))
    }
}

#[derive(Debug)]
struct AppState {
    site: StaticSite,
    csp: HeaderValue,
    /// Origins allowed to embed the app, and so to call the API from their pages.
    cors_origins: Vec<String>,
}

pub fn run(arguments: Arguments) -> Result<(), String> {
    let config = ServeConfig::from_arguments(arguments)?;
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&config.data).map_err(|error| error.to_string())?);
    let site = StaticSite::load(&config.static_dir)?;
    let csp = HeaderValue::from_str(&site.content_security_policy(&config.frame_ancestors))
        .map_err(|_| "the content security policy is not a valid header".to_owned())?;
    let state = Arc::new(AppState {
        site,
        csp,
        cors_origins: config.frame_ancestors.clone(),
    });
    let api = Arc::new(Api {
        store: store.clone(),
        max_packet_bytes: config.max_packet_bytes,
        limiter: RateLimiter::new(config.rate_limit),
        trusted_proxies: config.trusted_proxies.clone(),
        upload_slots: Arc::new(Semaphore::new(config.max_concurrent_uploads)),
        body_timeout: config.body_timeout,
        quota_bytes: config.quota_bytes,
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the server runtime: {error}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|error| format!("cannot listen on {}: {error}", config.listen))?;
        let address = listener
            .local_addr()
            .map_err(|error| format!("cannot read the listening address: {error}"))?;
        crate::say(&format!(
            "Confidant is serving http://{address}/ (data in {})",
            config.data.display()
        ));
        tokio::spawn(api::expire_periodically(
            store,
            config.acknowledged_retention,
            config.retention,
        ));
        let limits = ConnectionLimits {
            max_connections: config.max_connections,
            header_timeout: config.header_timeout,
        };
        serve_connections(listener, router(state, api), limits, shutdown_signal()).await;
        crate::say("Confidant has stopped");
        Ok(())
    })
}

/// What bounds the connections themselves, before any request is read.
#[derive(Clone, Copy, Debug)]
struct ConnectionLimits {
    max_connections: usize,
    header_timeout: Duration,
}

/// Accepts connections until `shutdown` completes, then lets the requests under way finish
/// (for at most [`SHUTDOWN_GRACE`]).
async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let open_connections = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A connection is accepted only with a slot for it: beyond the cap, clients wait
        // in the listen queue, which the kernel bounds.
        let slot = tokio::select! {
            slot = open_connections.clone().acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        let Ok(slot) = slot else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, or a connection reset before it was accepted:
                // pause rather than spin, and keep serving.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        // The handlers read the peer address as axum's `ConnectInfo`.
        let service = hyper::service::service_fn(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                let mut app = app.clone();
                tower_service::Service::call(&mut app, request)
            },
        );
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // An error here is the client's (a reset, a timeout, a malformed request), and
            // the server logs nothing about clients.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
}

fn router(state: Arc<AppState>, api: Arc<Api>) -> Router {
    let headers_state = state.clone();
    Router::new()
        .fallback(get(static_asset))
        .with_state(state)
        .merge(api::routes(api))
        .layer(axum::middleware::from_fn(move |request, next| {
            site_headers(headers_state.clone(), request, next)
        }))
}

/// Every response carries the security headers; API responses to a configured embedding
/// origin also carry CORS headers (and its preflight requests are answered), no other.
async fn site_headers(
    state: Arc<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
        .filter(|origin| state.cors_origins.iter().any(|allowed| allowed == origin))
        .map(str::to_owned);
    let is_api = request.uri().path().starts_with("/api/");
    let preflight = request.method() == axum::http::Method::OPTIONS;
    let mut response = if is_api && preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    security_headers(response.headers_mut(), &state.csp);
    if let (true, Some(origin)) = (is_api, origin)
        && let Ok(origin) = HeaderValue::from_str(&origin)
    {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("content-type, authorization"),
        );
    }
    response
}

/// A file of the app: the representation the request's `Accept-Encoding` prefers, or
/// `304 Not Modified` when the request's `If-None-Match` already names it.
async fn static_asset(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    request: HeaderMap,
) -> Response {
    let Some(asset) = state.site.get(uri.path()) else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    let lines = |name| {
        request
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect::<Vec<_>>()
    };
    let chosen = asset.negotiate(&lines(header::ACCEPT_ENCODING));
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if asset.immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    if let Ok(etag) = HeaderValue::from_str(&chosen.etag) {
        headers.insert(header::ETAG, etag);
    }
    if asset.has_variants() {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    let unchanged = lines(header::IF_NONE_MATCH)
        .iter()
        .any(|line| static_site::if_none_match(line, &chosen.etag));
    if unchanged {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    if let Some(coding) = chosen.coding {
        headers.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static(coding.token()),
        );
    }
    (headers, chosen.body.clone()).into_response()
}

/// Headers every response of the site carries.
fn security_headers(headers: &mut HeaderMap, csp: &HeaderValue) {
    headers.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static(
            "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), \
             microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()",
        ),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    // Browsers heed it only over HTTPS (the deployment, behind its TLS proxy) and ignore it
    // over plain HTTP, so it is safe on loopback too.
    headers.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=63072000; includeSubDomains"),
    );
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = interrupt => {},
            _ = terminate.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_ancestors_must_be_bare_origins() {
        assert!(check_origin("https://partner.example").is_ok());
        assert!(check_origin("http://localhost:8081").is_ok());
        assert!(check_origin("https://partner.example/path").is_err());
        assert!(check_origin("*").is_err());
        assert!(check_origin("https://a.example 'unsafe-inline'").is_err());
    }
}
