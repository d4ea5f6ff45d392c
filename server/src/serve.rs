//! `confidant serve`: the app and, behind `/api/v1/`, the ciphertext store.
//!
//! No page of the app may be framed (`frame-ancestors 'none'`, `X-Frame-Options: DENY`),
//! except the embed route, `/embed/FORM?partner=ID`, by the one origin registered for
//! that partner and form (`confidant partner`, `docs/embedding.md`). No answer carries
//! CORS headers but the embed script's: a frame is the server's own origin, so it reaches
//! the API without them.
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
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::sync::Semaphore;

use crate::api::{self, Api};
use crate::args::Arguments;
use crate::partner;
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
        if !arguments.values("frame-ancestor")?.is_empty() {
            return Err(
                "`--frame-ancestor` is gone: a partner site embeds one form, for \
                        agencies the deployment fixes, once registered with \
                        `confidant partner add` (docs/embedding.md)"
                    .to_owned(),
            );
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

struct AppState {
    site: StaticSite,
    /// The policy of every page but the embed route's: no framing at all.
    csp: HeaderValue,
    /// Where the embed route finds its partners.
    store: Arc<dyn Store>,
    /// The embed script's validator.
    script_etag: String,
}

pub fn run(arguments: Arguments) -> Result<(), String> {
    let config = ServeConfig::from_arguments(arguments)?;
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&config.data).map_err(|error| error.to_string())?);
    let site = StaticSite::load(&config.static_dir)?;
    let csp = HeaderValue::from_str(&site.content_security_policy(&[]))
        .map_err(|_| "the content security policy is not a valid header".to_owned())?;
    let state = Arc::new(AppState {
        site,
        csp,
        store: store.clone(),
        script_etag: static_site::etag_of(partner::EMBED_SCRIPT.as_bytes()),
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
        .route(partner::EMBED_SCRIPT_PATH, get(embed_script))
        .route("/embed/{form}", get(embed_page))
        .fallback(get(static_asset))
        .with_state(state)
        .merge(api::routes(api))
        .layer(axum::middleware::from_fn(move |request, next| {
            site_headers(headers_state.clone(), request, next)
        }))
}

/// Every response carries the security headers; those a route set for itself (the embed
/// route's frame policy, the embed script's resource policy) are kept.
async fn site_headers(
    state: Arc<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut response = next.run(request).await;
    security_headers(response.headers_mut(), &state.csp);
    response
}

/// The embedded form's page, as `scripts/write-embed-page.mjs` writes it into the build.
const EMBED_PAGE: &str = "/embed.html";

#[derive(serde::Deserialize)]
struct EmbedQuery {
    partner: Option<String>,
}

/// `/embed/FORM?partner=ID`: the embedded form's page (`embed.html`, which loads the form's
/// own module rather than the app's), which only the partner's registered origin may
/// frame. Any other partner, form or origin gets the page as every route sends it, which
/// no site may frame.
async fn embed_page(
    State(state): State<Arc<AppState>>,
    Path(form): Path<String>,
    Query(query): Query<EmbedQuery>,
    request: HeaderMap,
) -> Response {
    let Some(id) = query.partner else {
        return not_found();
    };
    let store = state.store.clone();
    let partner = match tokio::task::spawn_blocking(move || store.partner(&id)).await {
        Ok(Ok(partner)) => partner,
        _ => return (StatusCode::SERVICE_UNAVAILABLE, "try again\n").into_response(),
    };
    let Some(partner) = partner.filter(|partner| partner.form == form) else {
        return not_found();
    };
    let mut response = asset_response(&state.site, EMBED_PAGE, &request);
    let policy = state
        .site
        .content_security_policy(std::slice::from_ref(&partner.origin));
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    // For browsers older than `frame-ancestors`; newer ones ignore ALLOW-FROM.
    if let Ok(allow) = HeaderValue::from_str(&format!("ALLOW-FROM {}", partner.origin)) {
        headers.insert(header::X_FRAME_OPTIONS, allow);
    }
    response
}

/// The script a partner's page may load to resize its frames. A page of another origin
/// loads it with `crossorigin` and an integrity hash, so it is the one answer that allows
/// every origin: it is public, the same for all, and carries nothing but itself.
async fn embed_script(State(state): State<Arc<AppState>>, request: HeaderMap) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(etag) = HeaderValue::from_str(&state.script_etag) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("cross-origin"),
    );
    if static_site::asks_unchanged(&request, &state.script_etag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    (headers, partner::EMBED_SCRIPT).into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}

/// A file of the app: the representation the request's `Accept-Encoding` prefers, or
/// `304 Not Modified` when the request's `If-None-Match` already names it.
async fn static_asset(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    request: HeaderMap,
) -> Response {
    asset_response(&state.site, uri.path(), &request)
}

fn asset_response(site: &StaticSite, path: &str, request: &HeaderMap) -> Response {
    let Some(asset) = site.get(path) else {
        return not_found();
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
    let script = asset.content_type.contains("javascript");
    let vary = match (asset.has_variants(), script) {
        (true, true) => Some("accept-encoding, sec-fetch-dest"),
        (true, false) => Some("accept-encoding"),
        (false, true) => Some("sec-fetch-dest"),
        (false, false) => None,
    };
    if let Some(vary) = vary {
        headers.insert(header::VARY, HeaderValue::from_static(vary));
    }
    if script && loaded_into_a_page(request) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SUBRESOURCE_CSP),
        );
    }
    if static_site::asks_unchanged(request, &chosen.etag) {
        return not_modified(headers, asset.content_type);
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

/// Whether the browser says it fetches this script to run it in a page or in a worker
/// already running (`Sec-Fetch-Dest: script`: a `<script>`, an `import`, an
/// `importScripts`), whose own policy then governs it: the script's policy would bind only
/// a worker it started, and it starts none. A worker's or the service worker's script
/// (`worker`, `serviceworker`, `sharedworker`), a script fetched by the service worker to
/// keep (`empty`), a browser sent to its address (`document`) and a request that does not
/// say get the site's whole policy. A page cannot set this header (the Fetch standard
/// forbids it to scripts), and `Vary` keeps a cache from giving one answer for the other.
fn loaded_into_a_page(request: &HeaderMap) -> bool {
    let mut dest = request.get_all("sec-fetch-dest").iter();
    matches!((dest.next(), dest.next()), (Some(value), None) if value == "script")
}

/// The policy of an answer that no browser runs or renders as the app's: a module, a
/// stylesheet, JSON, text, an image. The page's policy governs what such a file does once
/// the page has loaded it; this one governs only a browser sent straight to its address,
/// and lets it run nothing, load nothing and be framed by nobody. (Not `sandbox`: with
/// nothing running, an origin of its own would add nothing, and the tests read the
/// origin's storage from such a page, without the app, to show what a quick exit left.)
const SUBRESOURCE_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// `304 Not Modified` with `headers`, for an answer of type `kind`. A 304 carries no type,
/// and without one `security_headers` would take it for a page; the browser gives the
/// headers of a 304 to the copy it keeps, so they are the answer's own policy.
pub(crate) fn not_modified(mut headers: HeaderMap, kind: &str) -> Response {
    if !kind_is_document_or_script(kind) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SUBRESOURCE_CSP),
        );
    }
    (StatusCode::NOT_MODIFIED, headers).into_response()
}

/// Whether the browser may make a document or a worker of an answer of this type (a page,
/// a script), so that it needs the site's whole policy.
fn kind_is_document_or_script(kind: &str) -> bool {
    let kind = kind.to_ascii_lowercase();
    kind.starts_with("text/html") || kind.contains("javascript")
}

/// Whether this answer needs the site's whole policy (`kind_is_document_or_script`). One
/// that already carries the short policy does not (a file's `304 Not Modified`); any other
/// answer without a type does (a page's 304, whose headers replace those of the copy the
/// browser keeps).
fn is_document_or_script(headers: &HeaderMap) -> bool {
    if headers
        .get(header::CONTENT_SECURITY_POLICY)
        .is_some_and(|policy| policy == SUBRESOURCE_CSP)
    {
        return false;
    }
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_none_or(kind_is_document_or_script)
}

/// Headers every response of the site carries. The frame policy and the resource policy
/// are the defaults for a route that did not set its own.
///
/// A page or a script gets the site's Content-Security-Policy (a script's governs the
/// worker it starts; one run in a page has the short policy from `asset_response`), the
/// Permissions-Policy and the opener policy. Any other answer gets
/// the short policy of `SUBRESOURCE_CSP`, and neither of the other two, which bind only
/// documents: about 460 bytes less on each of the module, the stylesheet, the form and the
/// directory that the path to a referral fetches.
fn security_headers(headers: &mut HeaderMap, csp: &HeaderValue) {
    let whole = is_document_or_script(headers);
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert_with(|| {
            if whole {
                csp.clone()
            } else {
                HeaderValue::from_static(SUBRESOURCE_CSP)
            }
        });
    headers
        .entry(header::X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if whole {
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
    }
    headers
        .entry("cross-origin-resource-policy")
        .or_insert(HeaderValue::from_static("same-origin"));
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
