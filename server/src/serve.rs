//! `confidant serve`: the app and, behind `/api/v1/`, the ciphertext store.
//!
//! The server logs nothing about requests: not bodies, not addresses. It prints one line
//! when it is ready and one when it stops.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::args::Arguments;
use crate::static_site::StaticSite;

/// What `confidant serve` was asked to do.
#[derive(Debug)]
struct ServeConfig {
    listen: SocketAddr,
    data: PathBuf,
    static_dir: PathBuf,
    frame_ancestors: Vec<String>,
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
        arguments.finish()?;
        Ok(Self {
            listen,
            data,
            static_dir,
            frame_ancestors,
        })
    }
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
}

pub fn run(arguments: Arguments) -> Result<(), String> {
    let config = ServeConfig::from_arguments(arguments)?;
    std::fs::create_dir_all(&config.data).map_err(|error| {
        format!(
            "cannot create the data folder `{}`: {error}",
            config.data.display()
        )
    })?;
    let site = StaticSite::load(&config.static_dir)?;
    let csp = HeaderValue::from_str(&site.content_security_policy(&config.frame_ancestors))
        .map_err(|_| "the content security policy is not a valid header".to_owned())?;
    let state = Arc::new(AppState { site, csp });

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
        axum::serve(listener, router(state))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|error| format!("the server stopped: {error}"))?;
        crate::say("Confidant has stopped");
        Ok(())
    })
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/v1/health", get(health))
        .fallback(get(static_asset))
        .with_state(state)
}

async fn health() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        axum::Json(serde_json::json!({ "status": "ok" })),
    )
}

async fn static_asset(State(state): State<Arc<AppState>>, uri: Uri) -> Response {
    let Some(asset) = state.site.get(uri.path()) else {
        let mut response = (StatusCode::NOT_FOUND, "not found\n").into_response();
        security_headers(response.headers_mut(), &state.csp);
        return response;
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if asset.immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    security_headers(&mut headers, &state.csp);
    (headers, asset.body.clone()).into_response()
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
