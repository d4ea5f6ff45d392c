//! The store's HTTP API under `/api/v1/`: the directory, uploads, and agency inboxes.
//! `docs/server.md` describes every route; this module is its implementation.
//!
//! Nothing here logs a request. The rate limiter keeps client addresses in memory only,
//! for the minute that matters, and never writes them anywhere.
//!
//! An upload is judged in the order of what each judgement costs the server: the rate
//! limit, the media type and the declared length, then a slot among the uploads being
//! read at once, all before the first byte of the body is read; then the body, within its
//! size and its time; then the packet check and the store.

use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::rate_limit::{RateLimiter, client_address};
use crate::serve::not_modified;
use crate::static_site::{asks_unchanged, etag_of};
use crate::store::{Store, StoreError, Stored, credential_hash};
use crate::untrusted_text::shown_value;
use crate::upload::{PACKET_MEDIA_TYPE, UploadRefusal, check_upload, is_packet_media_type};

/// How long an upload waits for a slot among those being read at once before it is
/// turned away (503): long enough for a burst of small uploads to take turns.
const UPLOAD_SLOT_WAIT: Duration = Duration::from_secs(2);

/// What the API needs: the store and its limits.
pub struct Api {
    pub store: Arc<dyn Store>,
    pub max_packet_bytes: usize,
    pub limiter: RateLimiter,
    /// Peers whose `X-Forwarded-For` names the client (see [`crate::rate_limit`]).
    pub trusted_proxies: Vec<IpAddr>,
    /// Slots for uploads being read, checked and stored at once.
    pub upload_slots: Arc<Semaphore>,
    /// How long an upload's body may take to arrive, all of it.
    pub body_timeout: Duration,
    /// The most bytes of packets that may wait for one agency.
    pub quota_bytes: u64,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("max_packet_bytes", &self.max_packet_bytes)
            .field("body_timeout", &self.body_timeout)
            .field("quota_bytes", &self.quota_bytes)
            .finish_non_exhaustive()
    }
}

impl Api {
    /// The client a request counts against in the rate limit.
    fn client(&self, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
        client_address(peer.ip(), headers, &self.trusted_proxies)
    }
}

pub fn routes(api: Arc<Api>) -> Router {
    Router::new()
        .route("/api/v1/health", get(health))
        .route("/api/v1/directory", get(directory))
        .route("/api/v1/packets", post(upload))
        .route("/api/v1/inbox", get(inbox))
        .route("/api/v1/inbox/{packet_id}", get(download))
        .route("/api/v1/inbox/{packet_id}/ack", post(acknowledge))
        .route("/api/v1/embed/{partner}", get(embed))
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

/// `GET /api/v1/directory`: every agency with its keys. The directory is public and the
/// same for every worker, so a browser may keep it, asking each time whether it changed:
/// the app reads it afresh whenever the review or the outbox opens, and an unchanged
/// directory then costs a `304` instead of the list again (a deployment of 40 agencies
/// has a directory of about 20 KB). Its trust does not rest on this: the app checks every
/// entry against its pins whatever the answer (`docs/threats.md`).
async fn directory(State(api): State<Arc<Api>>, asked: HeaderMap) -> Response {
    let store = api.store.clone();
    let agencies = match blocking(move || store.agencies()).await {
        Ok(agencies) => agencies,
        Err(response) => return response,
    };
    let agencies: Vec<_> = agencies
        .into_iter()
        .map(|agency| {
            let jwk: serde_json::Value = serde_json::from_str(&agency.jwk).unwrap_or_default();
            let mut entry = json!({
                "kid": agency.kid,
                "name": agency.name,
                "kind": agency.kind,
                "fingerprint": agency.fingerprint,
                "jwk": jwk,
            });
            if let Some(signing) = agency
                .signing_jwk
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            {
                entry["signing_jwk"] = signing;
            }
            if let Some(endorsement) = agency.endorsement {
                entry["endorsement"] = serde_json::Value::String(endorsement);
            }
            entry
        })
        .collect();
    const JSON: &str = "application/json";
    let body = json!({ "agencies": agencies }).to_string();
    let etag = etag_of(body.as_bytes());
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if asks_unchanged(&asked, &etag) {
        return not_modified(headers, JSON);
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    (headers, body).into_response()
}

/// `GET /api/v1/embed/ID`: what a partner's frame is for: the origin it is framed by (the
/// one its height messages go to), its form, and the key ids of its recipients, which the
/// frame checks against those its snippet pins before it seals anything.
async fn embed(State(api): State<Arc<Api>>, id: Result<Path<String>, PathRejection>) -> Response {
    let Ok(Path(id)) = id else {
        return error(StatusCode::NOT_FOUND, "unknown_partner", "no such partner");
    };
    let store = api.store.clone();
    let partner = match blocking(move || store.partner(&id)).await {
        Ok(partner) => partner,
        Err(response) => return response,
    };
    let Some(partner) = partner else {
        return error(StatusCode::NOT_FOUND, "unknown_partner", "no such partner");
    };
    let mut response = axum::Json(json!({
        "partner": partner.id,
        "origin": partner.origin,
        "name": partner.name,
        "completed": partner.completed,
        "form": partner.form,
        "recipients": partner.recipients,
    }))
    .into_response();
    no_store(response.headers_mut());
    response
}

fn refuse(refusal: &UploadRefusal) -> Response {
    let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
    error(status, refusal.kind(), &refusal.message())
}

/// The body is taken unread (`Body`), so that nothing of it is read before the checks
/// that need no body have passed.
async fn upload(
    State(api): State<Arc<Api>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !api.limiter.allow(api.client(peer, &headers)) {
        return too_many_requests();
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    if !is_packet_media_type(content_type.as_deref()) {
        return refuse(&UploadRefusal::NotAPacketType);
    }
    let declared_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared_length.is_some_and(|length| length > api.max_packet_bytes as u64) {
        return refuse(&UploadRefusal::TooLarge);
    }
    // A burst of honest uploads waits a moment for a slot; uploads that hold every slot
    // for long (slow bodies) get the others turned away, still unread.
    let slot = tokio::time::timeout(UPLOAD_SLOT_WAIT, api.upload_slots.clone().acquire_owned());
    let Ok(Ok(slot)) = slot.await else {
        return busy();
    };
    let body = match read_body(body, api.max_packet_bytes, api.body_timeout).await {
        Ok(body) => body,
        Err(BodyFailure::TooLarge) => return refuse(&UploadRefusal::TooLarge),
        Err(BodyFailure::TooSlow) => return body_too_slow(),
        Err(BodyFailure::Unreadable) => {
            return error(
                StatusCode::BAD_REQUEST,
                "unreadable",
                "the body could not be read",
            );
        }
    };
    // The check and the storing run off the async threads: parsing a large packet and
    // waiting for the commit both take a while. The slot goes with them, and is given
    // back when they end, even if the client has gone by then.
    let store = api.store.clone();
    let max_packet_bytes = api.max_packet_bytes;
    let quota_bytes = api.quota_bytes;
    let checked = blocking(move || {
        let _slot: OwnedSemaphorePermit = slot;
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
                .put_packet(
                    &accepted.packet_id,
                    &accepted.agencies,
                    &body,
                    now(),
                    quota_bytes,
                )
                .map(|stored| (accepted.packet_id, stored))),
            Err(refusal) => Err(refusal),
        })
    })
    .await;
    let (packet_id, stored) = match checked {
        Ok(Ok(Ok(stored))) => stored,
        Ok(Ok(Err(failure))) => return storage_failure(failure),
        Ok(Err(refusal)) => return refuse(&refusal),
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
            &format!(
                "another packet with id `{}` is already stored",
                shown_value(&packet_id)
            ),
        ),
        Stored::OverQuota => error(
            StatusCode::INSUFFICIENT_STORAGE,
            "quota",
            "an agency this packet is addressed to has too much waiting to be fetched; \
             try again later",
        ),
    }
}

/// Why a body was not read to its end.
#[derive(Debug)]
enum BodyFailure {
    TooLarge,
    TooSlow,
    Unreadable,
}

/// Reads a body of at most `max_len` bytes, all of it within `timeout`. The buffer grows
/// with what arrives, never with what the client declares it will send.
async fn read_body(body: Body, max_len: usize, timeout: Duration) -> Result<Vec<u8>, BodyFailure> {
    let mut body = body;
    let read = async {
        let mut bytes = Vec::new();
        while let Some(frame) =
            std::future::poll_fn(|context| Pin::new(&mut body).poll_frame(context)).await
        {
            let frame = frame.map_err(|_| BodyFailure::Unreadable)?;
            if let Ok(data) = frame.into_data() {
                if bytes.len().saturating_add(data.len()) > max_len {
                    return Err(BodyFailure::TooLarge);
                }
                bytes.extend_from_slice(&data);
            }
        }
        Ok(bytes)
    };
    tokio::time::timeout(timeout, read)
        .await
        .unwrap_or(Err(BodyFailure::TooSlow))
}

/// Every upload slot is taken: the client should come back shortly.
fn busy() -> Response {
    let mut response = error(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        "too many uploads at once; try again in a few seconds",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

fn body_too_slow() -> Response {
    let mut response = error(
        StatusCode::REQUEST_TIMEOUT,
        "timeout",
        "the body took too long to arrive",
    );
    // What is left of the body is never read, so the connection cannot serve another
    // request.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
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
    peer: SocketAddr,
    headers: &HeaderMap,
) -> Result<String, Response> {
    if !api.limiter.allow(api.client(peer, headers)) {
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
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let kid = match agency_request(&api, peer, &headers).await {
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
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    packet_id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let kid = match agency_request(&api, peer, &headers).await {
        Ok(kid) => kid,
        Err(response) => return response,
    };
    let Ok(Path(packet_id)) = packet_id else {
        return not_in_inbox();
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
        Ok(None) => not_in_inbox(),
        Err(response) => response,
    }
}

async fn acknowledge(
    State(api): State<Arc<Api>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    packet_id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let kid = match agency_request(&api, peer, &headers).await {
        Ok(kid) => kid,
        Err(response) => return response,
    };
    let Ok(Path(packet_id)) = packet_id else {
        return not_in_inbox();
    };
    let store = api.store.clone();
    match blocking(move || store.acknowledge(&kid, &packet_id, now())).await {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => not_in_inbox(),
        Err(response) => response,
    }
}

/// A packet id that is not in the agency's inbox, or that is not a packet id at all
/// (axum's own answer would quote the path back).
fn not_in_inbox() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such packet in your inbox",
    )
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
