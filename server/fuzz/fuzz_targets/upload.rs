//! The upload path's decision never panics on any body, and never accepts one that is not
//! a packet to a known agency: whatever it accepts parses as a packet, and its agency
//! recipients are the known ones.
#![no_main]

use confidant::upload::{PACKET_MEDIA_TYPE, check_upload};
use confidant_core::packet::Packet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    // Half the key ids are "known", decided by their first character.
    let is_agency = |kid: &str| kid.as_bytes().first().is_some_and(|b| b % 2 == 0);
    let Ok(accepted) = check_upload(Some(PACKET_MEDIA_TYPE), body, 1 << 20, &mut |kid| is_agency(kid)) else {
        return;
    };
    let packet = Packet::parse(std::str::from_utf8(body).expect("accepted text")).expect("accepted a packet");
    assert_eq!(accepted.packet_id, packet.meta().packet_id());
    assert!(!accepted.agencies.is_empty());
    assert!(accepted.agencies.iter().all(|kid| is_agency(kid)));
});
