//! The store's HTTP API under `/api/v1/`: the directory, uploads, and agency inboxes.
//! `docs/server.md` describes every route; this module is its implementation.
//!
//! Nothing here logs a request. The rate limiter keeps client addresses in memory only,
//! for the minute that matters, and never writes them anywhere.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::store::{Store, StoreError, Stored, credential_hash};
use crate::upload::{PACKET_MEDIA_TYPE, UploadRefusal, check_upload};

/// What the API needs: the store and its limits.
pub struct Api {
    pub store: Arc<dyn Store>,
    pub max_packet_bytes: usize,
    pub limiter: RateLimiter,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("max_packet_bytes", &self.max_packet_bytes)
            .finish_non_exhaustive()
    }
}

pub fn routes(api: Arc<Api>) -> Router {
    let body_limit = api.max_packet_bytes.saturating_add(1);
    Router::new()
        .route("/api/v1/health", get(health))
        .route("/api/v1/directory", get(directory))
        .route(
            "/api/v1/packets",
            post(upload).layer(DefaultBodyLimit::max(body_limit)),
        )
        .route("/api/v1/inbox", get(inbox))
        .route("/api/v1/inbox/{packet_id}", get(download))
        .route("/api/v1/inbox/{packet_id}/ack", post(acknowledge))
        .with_state(api)
}

/// The server's clock, in seconds since the epoch; the one place it is read.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    let mut response = (
        status,
        axum::Json(json!({ "error": kind, "message": message })),
    )
        .into_response();
    no_store(response.headers_mut());
    response
}

fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn storage_failure(failure: StoreError) -> Response {
    // The cause goes to the operator's terminal; it never names packet content.
    crate::complain(&failure.to_string());
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage",
        "the store could not complete the request; try again",
    )
}

/// Runs blocking store work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, Response> {
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(failure)) => Err(storage_failure(failure)),
        Err(_) => Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the request failed",
        )),
    }
}

async fn health() -> Response {
    let mut response = axum::Json(json!({ "status": "ok" })).into_response();
    no_store(response.headers_mut());
    response
}

async fn directory(State(api): State<Arc<Api>>) -> Response {
    let store = api.store.clone();
    let agencies = match blocking(move || store.agencies()).await {
        Ok(agencies) => agencies,
        Err(response) => return response,
    };
    let agencies: Vec<_> = agencies
        .into_iter()
        .map(|agency| {
            let jwk: serde_json::Value = serde_json::from_str(&agency.jwk).unwrap_or_default();
            json!({
                "kid": agency.kid,
                "name": agency.name,
                "kind": agency.kind,
                "fingerprint": agency.fingerprint,
                "jwk": jwk,
            })
        })
        .collect();
    let mut response = axum::Json(json!({ "agencies": agencies })).into_response();
    no_store(response.headers_mut());
    response
}

async fn upload(
    State(api): State<Arc<Api>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if !api.limiter.allow(client.ip()) {
        return too_many_requests();
    }
    let refuse = |refusal: UploadRefusal| {
        let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
        error(status, refusal.kind(), &refusal.message())
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return refuse(UploadRefusal::TooLarge);
        }
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "unreadable",
                "the body could not be read",
            );
        }
    };
    // The check and the storing run off the async threads: parsing a large packet and
    // waiting for the commit both take a while.
    let store = api.store.clone();
    let max_packet_bytes = api.max_packet_bytes;
    let content_type = content_type.map(str::to_owned);
    let checked = blocking(move || {
        let mut lookup_failure = None;
        let checked = check_upload(
            content_type.as_deref(),
            &body,
            max_packet_bytes,
            &mut |kid| {
                store.is_agency(kid).unwrap_or_else(|failure| {
                    lookup_failure = Some(failure);
                    false
                })
            },
        );
        if let Some(failure) = lookup_failure {
            return Err(failure);
        }
        Ok(match checked {
            Ok(accepted) => Ok(store
                .put_packet(&accepted.packet_id, &accepted.agencies, &body, now())
                .map(|stored| (accepted.packet_id, stored))),
            Err(refusal) => Err(refusal),
        })
    })
    .await;
    let (packet_id, stored) = match checked {
        Ok(Ok(Ok(stored))) => stored,
        Ok(Ok(Err(failure))) => return storage_failure(failure),
        Ok(Err(refusal)) => return refuse(refusal),
        Err(response) => return response,
    };
    match stored {
        Stored::New(receipt) => {
            receipt_response(StatusCode::CREATED, &receipt.packet_id, receipt.received)
        }
        Stored::Again(receipt) => {
            receipt_response(StatusCode::OK, &receipt.packet_id, receipt.received)
        }
        Stored::Conflict => error(
            StatusCode::CONFLICT,
            "conflict",
            &format!("another packet with id `{packet_id}` is already stored"),
        ),
    }
}

fn receipt_response(status: StatusCode, packet_id: &str, received: u64) -> Response {
    let mut response = (
        status,
        axum::Json(json!({ "packet_id": packet_id, "received": received })),
    )
        .into_response();
    no_store(response.headers_mut());
    response
}

fn too_many_requests() -> Response {
    let mut response = error(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "too many requests; wait a minute",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    response
}

/// An inbox request: within the client's rate, and from the agency whose key id this
/// returns.
async fn agency_request(
    api: &Api,
    client: SocketAddr,
    headers: &HeaderMap,
) -> Result<String, Response> {
    if !api.limiter.allow(client.ip()) {
        return Err(too_many_requests());
    }
    authenticate(api, headers).await
}

/// The agency a request proves to be, by the credential it was issued at registration.
async fn authenticate(api: &Api, headers: &HeaderMap) -> Result<String, Response> {
    let unauthorized = || {
        let mut response = error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send your agency's credential as `Authorization: Bearer …`",
        );
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        response
    };
    let credential = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|credential| !credential.is_empty())
        .ok_or_else(unauthorized)?;
    let hash = credential_hash(credential);
    let store = api.store.clone();
    match blocking(move || store.agency_by_credential(&hash)).await? {
        Some(kid) => Ok(kid),
        None => Err(unauthorized()),
    }
}

async fn inbox(
    State(api): State<Arc<Api>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let kid = match agency_request(&api, client, &headers).await {
        Ok(kid) => kid,
        Err(response) => return response,
    };
    let store = api.store.clone();
    let entries = match blocking(move || store.inbox(&kid)).await {
        Ok(entries) => entries,
        Err(response) => return response,
    };
    let packets: Vec<_> = entries
        .into_iter()
        .map(|entry| {
            json!({
                "packet_id": entry.packet_id,
                "size": entry.size,
                "received": entry.received,
                "acknowledged": entry.acknowledged,
            })
        })
        .collect();
    let mut response = axum::Json(json!({ "packets": packets })).into_response();
    no_store(response.headers_mut());
    response
}

async fn download(
    State(api): State<Arc<Api>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    Path(packet_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let kid = match agency_request(&api, client, &headers).await {
        Ok(kid) => kid,
        Err(response) => return response,
    };
    let store = api.store.clone();
    match blocking(move || store.packet_for(&kid, &packet_id)).await {
        Ok(Some(body)) => {
            let mut response = body.into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(PACKET_MEDIA_TYPE),
            );
            no_store(response.headers_mut());
            response
        }
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such packet in your inbox",
        ),
        Err(response) => response,
    }
}

async fn acknowledge(
    State(api): State<Arc<Api>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    Path(packet_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let kid = match agency_request(&api, client, &headers).await {
        Ok(kid) => kid,
        Err(response) => return response,
    };
    let store = api.store.clone();
    match blocking(move || store.acknowledge(&kid, &packet_id, now())).await {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => error(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such packet in your inbox",
        ),
        Err(response) => response,
    }
}

/// A token bucket per client address: `per_minute` requests, refilled continuously.
/// Addresses live only in this map, and leave it once their bucket is full again.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    /// `per_minute` of 0 turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn allow(&self, client: IpAddr) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > 10_000 {
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * per_second < capacity
            });
        }
        let (tokens, at) = buckets.entry(client).or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_second).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Deletes expired packets every few minutes, for as long as the server runs.
pub async fn expire_periodically(
    store: Arc<dyn Store>,
    acknowledged_retention: Duration,
    retention: Duration,
) {
    loop {
        let now = now();
        let store = store.clone();
        let acknowledged_before = now.saturating_sub(acknowledged_retention.as_secs());
        let received_before = now.saturating_sub(retention.as_secs());
        let _ = blocking(move || store.expire(acknowledged_before, received_before)).await;
        tokio::time::sleep(Duration::from_secs(300)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_limit_counts_per_address() {
        let limiter = RateLimiter::new(3);
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        assert!((0..3).all(|_| limiter.allow(a)));
        assert!(!limiter.allow(a));
        assert!(limiter.allow(b));
        assert!((0..1000).all(|_| RateLimiter::new(0).allow(a)));
    }
}
