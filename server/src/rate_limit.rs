//! Who a request comes from, for the rate limit, and the limit itself.
//!
//! The client is the TCP peer. A reverse proxy in front of the server is every client's
//! peer, so for a proxy the operator names (`--trusted-proxy`), and only for it, the client
//! is taken from `X-Forwarded-For` instead. Any client can write that header: without a
//! trusted proxy it is ignored, and with one only the entries the trusted proxies appended
//! are believed (the rightmost entry that is not itself a trusted proxy).
//!
//! An IPv6 client usually holds a whole /64 and can pick any address in it, so all of a
//! /64 shares one bucket.
//!
//! Addresses live only in the limiter's memory, for the minute that matters, and are
//! never written anywhere.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Instant;

use axum::http::HeaderMap;

/// The client a request counts against: `peer` itself, unless `peer` is one of
/// `trusted_proxies` and `X-Forwarded-For` names someone before it. A header that cannot
/// be read whole (not text, an entry that is not an address) counts as absent.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |address: &IpAddr| trusted_proxies.iter().any(|proxy| proxy == address);
    if !is_trusted(&peer) {
        return peer;
    }
    let mut entries = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(value) = value.to_str() else {
            return peer;
        };
        for entry in value.split(',') {
            match forwarded_address(entry.trim()) {
                Some(address) => entries.push(address),
                None => return peer,
            }
        }
    }
    entries
        .into_iter()
        .rev()
        .find(|address| !is_trusted(address))
        .unwrap_or(peer)
}

/// One `X-Forwarded-For` entry: an address, or an address with a port as some proxies
/// write it (`203.0.113.7:4711`, `[2001:db8::1]:4711`).
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let address = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|socket| socket.ip()))?;
    Some(address.to_canonical())
}

/// The bucket an address counts in: an IPv4 address alone, an IPv6 address with the
/// rest of its /64.
pub fn bucket(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64))),
    }
}

/// A token bucket per client (see [`bucket`]): `per_minute` requests, refilled
/// continuously. Buckets leave the map once they are full again.
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
        let (tokens, at) = buckets.entry(bucket(client)).or_insert((capacity, now));
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|_| panic!("{text}"))
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(
                "x-forwarded-for",
                HeaderValue::from_bytes(value.as_bytes()).unwrap_or_else(|_| panic!("{value}")),
            );
        }
        headers
    }

    #[test]
    fn the_rate_limit_counts_per_address() {
        let limiter = RateLimiter::new(3);
        let a = ip("127.0.0.1");
        let b = ip("127.0.0.2");
        assert!((0..3).all(|_| limiter.allow(a)));
        assert!(!limiter.allow(a));
        assert!(limiter.allow(b));
        assert!((0..1000).all(|_| RateLimiter::new(0).allow(a)));
    }

    #[test]
    fn an_ipv6_slash_64_shares_one_bucket() {
        let limiter = RateLimiter::new(2);
        assert!(limiter.allow(ip("2001:db8:1:2::1")));
        assert!(limiter.allow(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")));
        // Another address of the same /64: the same bucket, now empty.
        assert!(!limiter.allow(ip("2001:db8:1:2:abcd::7")));
        // The neighbouring /64 has a bucket of its own.
        assert!(limiter.allow(ip("2001:db8:1:3::1")));
        // An IPv4 address written as IPv6 is that IPv4 address.
        let limiter = RateLimiter::new(1);
        assert!(limiter.allow(ip("192.0.2.9")));
        assert!(!limiter.allow(ip("::ffff:192.0.2.9")));
        assert!(limiter.allow(ip("192.0.2.10")));
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let peer = ip("198.51.100.1");
        let headers = forwarded(&["203.0.113.7"]);
        assert_eq!(client_address(peer, &headers, &[]), peer);
        assert_eq!(client_address(peer, &headers, &[ip("198.51.100.2")]), peer);
        assert_eq!(client_address(peer, &headers, &[peer]), ip("203.0.113.7"));
    }

    #[test]
    fn the_client_is_the_rightmost_entry_not_a_trusted_proxy() {
        let proxy = ip("10.0.0.1");
        let inner = ip("10.0.0.2");
        let trusted = [proxy, inner];
        // The client wrote the first entry itself; the proxies appended the others.
        let headers = forwarded(&["1.1.1.1, 203.0.113.7, 10.0.0.2"]);
        assert_eq!(client_address(proxy, &headers, &trusted), ip("203.0.113.7"));
        // Several header lines are one list, in order.
        let headers = forwarded(&["1.1.1.1", "203.0.113.7:4711", "10.0.0.2"]);
        assert_eq!(client_address(proxy, &headers, &trusted), ip("203.0.113.7"));
        let headers = forwarded(&["[2001:db8::5]:443"]);
        assert_eq!(client_address(proxy, &headers, &trusted), ip("2001:db8::5"));
        // Only proxies, or no header: the peer.
        let headers = forwarded(&["10.0.0.2"]);
        assert_eq!(client_address(proxy, &headers, &trusted), proxy);
        assert_eq!(client_address(proxy, &HeaderMap::new(), &trusted), proxy);
    }

    #[test]
    fn a_malformed_forwarded_for_counts_as_the_peer() {
        let proxy = ip("10.0.0.1");
        for value in [
            "unknown",
            "203.0.113.7, nonsense",
            "203.0.113.7;x",
            "",
            " , ",
        ] {
            let headers = forwarded(&[value]);
            assert_eq!(
                client_address(proxy, &headers, &[proxy]),
                proxy,
                "{value:?}"
            );
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"203.0.113.7\xff").unwrap_or_else(|_| panic!("bytes")),
        );
        assert_eq!(client_address(proxy, &headers, &[proxy]), proxy);
    }
}
