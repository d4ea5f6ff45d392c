//! The one place the app talks to the network.
//!
//! Only the app's own origin is ever asked (the Content-Security-Policy allows nothing
//! else), and nothing sent from here is plaintext personal data: today it fetches form
//! definitions; sealed packets will be the only bodies it posts.

use std::fmt;

/// A request that did not bring back what was asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetworkError {
    /// No answer at all: offline, or the server is down.
    Unreachable,
    /// The server answered with this status.
    Status(u16),
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable => f.write_str("the server could not be reached"),
            Self::Status(status) => write!(f, "the server answered {status}"),
        }
    }
}

/// GETs a path of the app's own origin and returns the body as text.
pub async fn fetch_text(path: &str) -> Result<String, NetworkError> {
    let response = gloo::net::http::Request::get(path)
        .send()
        .await
        .map_err(|_| NetworkError::Unreachable)?;
    if !response.ok() {
        return Err(NetworkError::Status(response.status()));
    }
    response.text().await.map_err(|_| NetworkError::Unreachable)
}
