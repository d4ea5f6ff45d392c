//! The one place the core draws random bytes, always from an RNG its caller passes in.
//!
//! The core never reaches for an operating-system RNG itself: the web app and the CLI
//! each pass `getrandom::SysRng`, tests pass a seeded generator. A failing RNG is an
//! error, never a panic and never a silent fallback.

use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

/// The caller's random number generator reported a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RandomnessFailure;

/// `N` fresh random bytes, wiped when dropped (most of them become keys).
pub(crate) fn random_bytes<const N: usize, R: TryCryptoRng + ?Sized>(
    rng: &mut R,
) -> Result<Zeroizing<[u8; N]>, RandomnessFailure> {
    let mut bytes = Zeroizing::new([0u8; N]);
    rng.try_fill_bytes(bytes.as_mut())
        .map_err(|_| RandomnessFailure)?;
    Ok(bytes)
}
