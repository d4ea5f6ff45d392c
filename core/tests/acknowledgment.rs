//! The receiver's answer to a referral: written, sealed to the sender key, opened by the
//! sender and read back; and every acknowledgment that does not hold together refused.
#![allow(clippy::unwrap_used)]

mod common;

use confidant_core::acknowledgment::{
    AckError, AckState, Acknowledgment, DeclineReason, MAX_NOTE_CHARS,
};
use confidant_core::keys::AgencyKeyPair;
use confidant_core::packet::{Packet, Recipient, seal_packet};
use serde_json::{Value, json};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn declined() -> (Acknowledgment, AgencyKeyPair) {
    let shelter = AgencyKeyPair::generate(&mut common::seeded_rng(2)).unwrap();
    let sender = AgencyKeyPair::generate(&mut common::seeded_rng(1)).unwrap();
    let ack = Acknowledgment {
        referral: "JM883g_scT_x8iBCqedk2A".into(),
        state: AckState::Declined,
        reason: Some(DeclineReason::NoCapacity),
        note: "No bed until Monday; try Shelter South.".into(),
        from: shelter.public,
        at_unix_seconds: 1_764_460_934,
    };
    (ack, sender)
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_declined_referral_goes_back_sealed_to_the_sender_and_reads_the_same() {
    let (ack, sender) = declined();
    let payload = ack.to_payload().unwrap();
    let packet = seal_packet(
        &payload,
        &Acknowledgment::form_ref(),
        ack.at_unix_seconds,
        &[Recipient::Agency(sender.public.clone())],
        &mut common::seeded_rng(3),
    )
    .unwrap();
    let opened = Packet::parse(&packet)
        .unwrap()
        .open_with_key(&sender.secret)
        .unwrap();
    let meta = opened.meta();
    let read =
        Acknowledgment::read(opened.payload_json(), meta.form_id(), meta.form_version()).unwrap();
    // Dated to the day, as packets are.
    assert_eq!(read.at_unix_seconds, 1_764_460_800);
    assert_eq!(
        Acknowledgment {
            at_unix_seconds: ack.at_unix_seconds,
            ..read
        },
        ack
    );
    let value: Value = serde_json::from_str(opened.payload_json()).unwrap();
    assert_eq!(value["state"], "declined");
    assert_eq!(value["reason"], "no_capacity");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_acknowledgment_that_does_not_hold_together_is_refused() {
    let (ack, _) = declined();
    let without_reason = Acknowledgment {
        reason: None,
        ..ack.clone()
    };
    assert_eq!(without_reason.to_payload(), Err(AckError::Reason));
    let accepted_with_reason = Acknowledgment {
        state: AckState::Accepted,
        ..ack.clone()
    };
    assert_eq!(accepted_with_reason.to_payload(), Err(AckError::Reason));
    let long = Acknowledgment {
        note: "n".repeat(MAX_NOTE_CHARS + 1),
        ..ack.clone()
    };
    assert_eq!(long.to_payload(), Err(AckError::NoteTooLong));
    let odd_id = Acknowledgment {
        referral: "../../etc".into(),
        ..ack.clone()
    };
    assert_eq!(odd_id.to_payload(), Err(AckError::Referral));

    let payload: Value = serde_json::from_str(&ack.to_payload().unwrap()).unwrap();
    let read = |change: &dyn Fn(&mut Value)| {
        let mut copy = payload.clone();
        change(&mut copy);
        Acknowledgment::read(&copy.to_string(), "acknowledgment", "1")
    };
    assert!(read(&|_| {}).is_ok());
    assert!(matches!(
        read(&|p| p["format"] = json!("confidant-referral")),
        Err(AckError::NotAnAcknowledgment(_))
    ));
    assert!(matches!(
        read(&|p| p["state"] = json!("lost")),
        Err(AckError::Malformed(_))
    ));
    assert_eq!(read(&|p| p["reason"] = Value::Null), Err(AckError::Reason));
    assert_eq!(
        read(&|p| {
            p["from"].as_object_mut().unwrap().remove("kid");
        }),
        Err(AckError::FromKey)
    );
    assert_eq!(
        Acknowledgment::read(&payload.to_string(), "referral", "1.2.0"),
        Err(AckError::FormMismatch)
    );
    let huge = format!("{{\"note\":\"{}\"}}", "x".repeat(20_000));
    assert!(matches!(
        Acknowledgment::read(&huge, "acknowledgment", "1"),
        Err(AckError::Malformed(_))
    ));
    // No error repeats the note.
    let error = read(&|p| p["reason"] = Value::Null).unwrap_err();
    assert!(!error.to_string().contains("No bed"));
    // Nor a value the parser refuses, which serde's own message would quote.
    let error = read(&|p| p["state"] = json!("CANARY-lost")).unwrap_err();
    assert!(matches!(error, AckError::Malformed(_)), "{error}");
    assert!(!error.to_string().contains("CANARY"), "{error}");
}
