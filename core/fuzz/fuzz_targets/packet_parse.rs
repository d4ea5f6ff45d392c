//! `Packet::parse` never panics, and every packet it accepts writes back to text that
//! parses to an equal packet (`parse(to_json(parse(x))) == parse(x)`).
#![no_main]

use confidant_core::packet::Packet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(packet) = Packet::parse(text) else {
        return;
    };
    let written = packet.to_json();
    let reparsed = Packet::parse(&written).expect("a written packet parses");
    assert_eq!(reparsed.meta(), packet.meta());
    assert_eq!(reparsed.recipients(), packet.recipients());
    assert_eq!(reparsed.to_json(), written);
});
