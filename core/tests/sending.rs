//! Who receives what of a referral: decided from the chosen agencies themselves (their
//! keys and pinned kinds), the form's `only_to` and the person's own sharing choices, one
//! packet per audience; and the payload each packet is sealed with.
#![allow(clippy::unwrap_used)]

mod common;

use confidant_core::agency::{AgencyKind, DirectoryEntry};
use confidant_core::form::{
    Answer, Answers, FormDefinition, FormErrorKind, NotSendable, PlannedPacket, Reason,
    plan_referral, recipient_agreed,
};
use confidant_core::keys::PublicKey;
use confidant_core::packet::Recipient;
use serde_json::{Value, json};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const DEFINITION: &str = include_str!("../../forms/referral.json");
const FRENCH: &str = include_str!("../../forms/referral.fr.json");

fn referral() -> FormDefinition {
    FormDefinition::parse(DEFINITION).unwrap()
}

fn police() -> DirectoryEntry {
    common::agency(1, "Police unit", AgencyKind::Police)
}

fn shelter() -> DirectoryEntry {
    common::agency(2, "Shelter North", AgencyKind::Shelter)
}

/// An adult's full referral with consent, sharing `categories` with `kinds` of service,
/// and a canary in each sensitive answer.
fn consented(form: &FormDefinition, categories: &[&str], kinds: &[&str]) -> Answers {
    Answers::from_json(
        form,
        &json!({
            "referral_type": "full", "age_group": "adult", "consent_referral": "given",
            "sharing_consent": categories, "named_recipients": kinds,
            "subject_names": "CANARY-name", "narrative": "CANARY-story",
            "suspected_exploiters": "CANARY-exploiter",
            "risk_factors": ["threats", "self_harm", "pregnancy"],
            "needs": { "shelter": "urgent", "medical": "urgent", "legal": "non_urgent" },
        }),
    )
    .unwrap()
}

fn payload_of(form: &FormDefinition, packet: &PlannedPacket, sender: &PublicKey) -> Value {
    let text = packet
        .payload(form, DEFINITION, None, "en", sender, 1_764_460_934)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn kids(packet: &PlannedPacket) -> Vec<String> {
    packet
        .recipients()
        .iter()
        .map(|entry| entry.kid().to_owned())
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_police_and_a_shelter_get_a_packet_each_and_the_shelter_no_suspects() {
    let form = referral();
    let answers = consented(
        &form,
        &["identity", "narrative", "health"],
        &["police", "shelter"],
    );
    let (police, shelter) = (police(), shelter());
    let packets = plan_referral(&form, &answers, &[shelter.clone(), police.clone()]).unwrap();
    assert_eq!(packets.len(), 2);
    let [for_shelter, for_police] = [&packets[0], &packets[1]];
    assert_eq!(kids(for_shelter), [shelter.kid()]);
    assert_eq!(kids(for_police), [police.kid()]);
    // Sealed to exactly the keys it was planned for.
    let sealed_to: Vec<String> = for_shelter
        .seal_to()
        .iter()
        .map(|recipient| match recipient {
            Recipient::Agency(key) => key.kid().to_owned(),
            Recipient::Passphrase(_) => String::new(),
        })
        .collect();
    assert_eq!(sealed_to, [shelter.kid()]);

    let sender = common::agency(3, "Outreach team", AgencyKind::Ngo).key;
    let to_shelter = payload_of(&form, for_shelter, &sender);
    let to_police = payload_of(&form, for_police, &sender);
    assert_eq!(to_shelter["answers"].get("suspected_exploiters"), None);
    assert_eq!(
        to_police["answers"]["suspected_exploiters"],
        "CANARY-exploiter"
    );
    for payload in [&to_shelter, &to_police] {
        assert_eq!(payload["answers"]["narrative"], "CANARY-story");
        assert_eq!(payload["answers"]["subject_names"], "CANARY-name");
    }
    // The shelter is told what was kept from it and why, the police nothing.
    assert_eq!(
        to_shelter["withheld"],
        json!([{ "reason": "only_to", "field": "suspected_exploiters", "only_to": ["police"] }])
    );
    assert_eq!(to_police["withheld"], json!([]));
    // And the worker's review names it.
    assert_eq!(for_shelter.left_out().len(), 1);
    assert_eq!(for_shelter.left_out()[0].field, "suspected_exploiters");
    assert_eq!(
        for_shelter.left_out()[0].reason,
        Reason::OnlyTo(vec![AgencyKind::Police])
    );
    assert!(for_police.left_out().is_empty());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn health_answers_go_to_nobody_when_the_person_did_not_agree() {
    let form = referral();
    let answers = consented(&form, &["identity", "narrative"], &["police", "shelter"]);
    let packets = plan_referral(&form, &answers, &[police(), shelter()]).unwrap();
    let sender = common::agency(3, "Outreach team", AgencyKind::Ngo).key;
    for packet in &packets {
        let payload = payload_of(&form, packet, &sender);
        // The health choices are taken out of the answers that hold them; the rest stays.
        assert_eq!(payload["answers"]["risk_factors"], json!(["threats"]));
        assert_eq!(
            payload["answers"]["needs"],
            json!({ "legal": "non_urgent", "shelter": "urgent" })
        );
        assert!(
            payload["withheld"]
                .as_array()
                .unwrap()
                .contains(&json!({ "reason": "not_agreed", "category": "health" })),
            "{}",
            payload["withheld"]
        );
        // (The definition that travels along names every choice; the answers do not.)
        let answers = payload["answers"].to_string();
        assert!(!answers.contains("self_harm") && !answers.contains("pregnancy"));
        let left_out: Vec<_> = packet
            .left_out()
            .iter()
            .filter(|left| left.reason == Reason::NotAgreed("health".into()))
            .map(|left| (left.field.as_str(), left.choice.as_deref()))
            .collect();
        assert_eq!(
            left_out,
            [
                ("needs", Some("medical")),
                ("risk_factors", Some("self_harm")),
                ("risk_factors", Some("pregnancy")),
            ]
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn what_the_person_did_not_agree_to_share_stays_out_whoever_receives_it() {
    let form = referral();
    let answers = consented(&form, &["none"], &["shelter"]);
    let packets = plan_referral(&form, &answers, &[shelter()]).unwrap();
    let sender = police().key;
    let payload = payload_of(&form, &packets[0], &sender);
    let text = payload["answers"].to_string();
    for canary in ["CANARY-name", "CANARY-story", "CANARY-exploiter"] {
        assert!(!text.contains(canary), "{canary} went");
    }
    let categories: Vec<&str> = payload["withheld"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|withheld| withheld["category"].as_str())
        .collect();
    assert_eq!(categories, ["identity", "health", "narrative"]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_agency_of_a_kind_the_person_did_not_agree_to_receives_nothing() {
    let form = referral();
    let answers = consented(&form, &["identity"], &["shelter"]);
    assert!(recipient_agreed(&form, &answers, AgencyKind::Shelter));
    assert!(!recipient_agreed(&form, &answers, AgencyKind::Police));
    assert_eq!(
        plan_referral(&form, &answers, &[shelter(), police()]),
        Err(NotSendable::RecipientNotAgreed)
    );
    assert_eq!(
        plan_referral(&form, &answers, &[]),
        Err(NotSendable::NoRecipient)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn agencies_that_may_have_the_same_answers_share_one_packet() {
    let form = referral();
    let answers = consented(
        &form,
        &["identity", "narrative", "health"],
        &["police", "shelter", "ngo"],
    );
    let second_police = common::agency(4, "Border police", AgencyKind::Police);
    let ngo = common::agency(5, "Outreach", AgencyKind::Ngo);
    let packets = plan_referral(
        &form,
        &answers,
        &[police(), shelter(), second_police.clone(), ngo.clone()],
    )
    .unwrap();
    // The police get everything; a shelter the safety identifiers of the suspects but not
    // the investigative detail; an NGO neither.
    assert_eq!(packets.len(), 3);
    assert_eq!(kids(&packets[0]), [police().kid(), second_police.kid()]);
    assert_eq!(kids(&packets[1]), [shelter().kid()]);
    assert_eq!(kids(&packets[2]), [ngo.kid()]);
    // Each packet names its own recipients as the receiving organisation: chosen at
    // review, never typed, and a typed answer is never sent in its place.
    let receiving =
        |packet: &PlannedPacket| packet.answers().get("receiving_organisation").cloned();
    assert_eq!(
        receiving(&packets[0]),
        Some(Answer::Text("Police unit; Border police".into()))
    );
    assert_eq!(
        receiving(&packets[1]),
        Some(Answer::Text("Shelter North".into()))
    );
    assert_eq!(
        receiving(&packets[2]),
        Some(Answer::Text("Outreach".into()))
    );
    let mut typed = answers.clone();
    typed.set(
        "receiving_organisation",
        Answer::Text("CANARY-typed".into()),
    );
    assert!(!form.is_shown("receiving_organisation", &typed));
    let again = plan_referral(&form, &typed, &[shelter()]).unwrap();
    assert_eq!(
        receiving(&again[0]),
        Some(Answer::Text("Shelter North".into()))
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn without_consent_to_record_choices_only_the_form_restricts() {
    let form = referral();
    // A child is referred in full: there is no adult consent, so no sharing choice.
    let child = Answers::from_json(
        &form,
        &json!({ "referral_type": "full", "age_group": "child", "child_informed": "yes",
                 "narrative": "CANARY-story", "risk_factors": ["self_harm"],
                 "cp_notified": "yes",
                 "cp_no_recipient_reason": "Notified by phone; not in the directory." }),
    )
    .unwrap();
    assert!(recipient_agreed(&form, &child, AgencyKind::Police));
    let packets = plan_referral(&form, &child, &[shelter()]).unwrap();
    assert!(packets[0].answers().get("narrative").is_some());
    assert!(packets[0].answers().get("risk_factors").is_some());
    assert!(packets[0].left_out().is_empty());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_payload_carries_the_form_the_sender_key_and_the_sealing_time() {
    let form = FormDefinition::parse_translated(DEFINITION, &[FRENCH]).unwrap();
    // An anonymous notification: the name typed before the type was chosen stays behind.
    let answers = Answers::from_json(
        &form,
        &json!({ "referral_type": "anonymous", "age_group": "adult",
                "subject_names": "CANARY-NAME", "urgency": "standard" }),
    )
    .unwrap();
    let sender = police();
    let packets = plan_referral(&form, &answers, &[shelter()]).unwrap();
    let payload = packets[0]
        .payload(
            &form,
            DEFINITION,
            Some(FRENCH),
            "fr",
            &sender.key,
            1_764_460_934,
        )
        .unwrap();
    assert!(!payload.contains("CANARY-NAME"));
    let payload: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["format"], "confidant-referral");
    assert_eq!(payload["format_version"], 2);
    assert_eq!(
        payload["form"],
        json!({ "id": "referral", "version": form.version })
    );
    assert_eq!(payload["language"], "fr");
    assert_eq!(payload["answers"]["urgency"], "standard");
    assert_eq!(payload["sealed_at"], 1_764_460_934);
    // The sender's key names itself, and the name is its own thumbprint.
    let sent_key = PublicKey::from_published_jwk_json(&payload["sender"].to_string()).unwrap();
    assert_eq!(sent_key, sender.key);
    assert_eq!(payload["sender"]["kid"], sender.kid());
    // The definition travels whole, so the packet reads the same after the form changes.
    let travelled = FormDefinition::parse_translated(
        &payload["definition"].to_string(),
        &[&payload["translation"].to_string()],
    )
    .unwrap();
    assert_eq!(travelled, form);
    let back = Answers::from_json(&travelled, &payload["answers"]).unwrap();
    assert_eq!(back.get("subject_names"), None);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sharing_rules_must_name_fields_that_fit_them() {
    let change = |edit: &dyn Fn(&mut Value)| {
        let mut definition: Value = serde_json::from_str(DEFINITION).unwrap();
        edit(&mut definition);
        FormDefinition::parse(&definition.to_string())
    };
    // A category no choice of the sharing field names.
    let error = change(&|definition| {
        for section in definition["sections"].as_array_mut().unwrap() {
            for field in section["fields"].as_array_mut().unwrap() {
                if field["id"] == "narrative" {
                    field["sharing"] = json!("diaries");
                }
            }
        }
    })
    .unwrap_err();
    assert!(error.path.ends_with(".sharing"), "{error}");
    assert_eq!(error.kind, FormErrorKind::UnknownReference);
    // The recipients' field must offer agency kinds.
    let error = change(&|definition| {
        definition["sharing"]["recipients"] = json!("sharing_consent");
    })
    .unwrap_err();
    assert_eq!(error.path, "sharing.recipients");
    assert_eq!(error.kind, FormErrorKind::DoesNotFit);
    // `only_to` names agency kinds, on fields that take an answer.
    let error = change(&|definition| {
        for section in definition["sections"].as_array_mut().unwrap() {
            for field in section["fields"].as_array_mut().unwrap() {
                if field["id"] == "suspected_exploiters" {
                    field["only_to"] = json!(["judges"]);
                }
            }
        }
    })
    .unwrap_err();
    assert!(error.path.ends_with(".only_to"), "{error}");
    assert_eq!(error.kind, FormErrorKind::InvalidValue);
}

// Issue 13: a child's referral reaches child protection; consent withdrawn; what each
// agency needs about the suspects; the account and an anonymous notification.

fn child_protection() -> DirectoryEntry {
    common::agency(6, "Child protection", AgencyKind::ChildProtection)
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_childs_referral_needs_child_protection_or_a_recorded_reason() {
    let form = referral();
    let child = |extra: Value| {
        let mut pairs = json!({ "referral_type": "full", "age_group": "adult",
                                "age_disputed": "yes", "child_informed": "yes" });
        pairs
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        Answers::from_json(&form, &pairs).unwrap()
    };
    let bare = child(json!({}));
    assert_eq!(
        plan_referral(&form, &bare, &[shelter()]),
        Err(NotSendable::ChildProtectionMissing)
    );
    assert_eq!(
        NotSendable::ChildProtectionMissing.as_str(),
        "child_protection_missing"
    );
    // With a child-protection service among the recipients, it goes.
    assert!(plan_referral(&form, &bare, &[shelter(), child_protection()]).is_ok());
    // Or with the reason recorded: whether child protection was told, and why none
    // receives this referral. Half of it is not enough.
    let notified_only = child(json!({ "cp_notified": "no" }));
    assert_eq!(
        plan_referral(&form, &notified_only, &[police()]),
        Err(NotSendable::ChildProtectionMissing)
    );
    let reasoned = child(json!({ "cp_notified": "no",
        "cp_no_recipient_reason": "No child-protection service is in the directory yet." }));
    assert!(plan_referral(&form, &reasoned, &[police()]).is_ok());
    // An adult's referral has no such rule.
    let adult = consented(&form, &["identity"], &["shelter"]);
    assert!(plan_referral(&form, &adult, &[shelter()]).is_ok());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn consent_withdrawn_leaves_only_the_anonymous_notification() {
    use confidant_core::form::{SendAs, consent_gate};
    let form = referral();
    let answers = |kind: &str, withdrawal: &str| {
        Answers::from_json(
            &form,
            &json!({ "referral_type": kind, "age_group": "adult", "consent_referral": "given",
                     "consent_withdrawal": withdrawal, "consent_withdrawn_date": "2026-11-02" }),
        )
        .unwrap()
    };
    assert_eq!(
        consent_gate(&answers("full", "not_withdrawn")),
        Ok(SendAs::Full)
    );
    assert_eq!(
        consent_gate(&answers("full", "withdrawn")),
        Err(NotSendable::ConsentWithdrawn)
    );
    assert_eq!(
        consent_gate(&answers("anonymous", "withdrawn")),
        Ok(SendAs::Anonymous)
    );
    let withdrawn = answers("full", "withdrawn");
    assert!(form.is_shown("consent_withdrawn_date", &withdrawn));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn safety_identifiers_reach_those_who_protect_and_investigative_detail_only_the_police() {
    let form = referral();
    let mut answers = consented(
        &form,
        &["identity", "narrative", "health"],
        &["police", "shelter", "ngo", "child_protection"],
    );
    answers.set(
        "exploiter_safety_identifiers",
        Answer::Text("CANARY-safety".into()),
    );
    let ngo = common::agency(5, "Outreach", AgencyKind::Ngo);
    let recipients = [police(), shelter(), child_protection(), ngo.clone()];
    let packets = plan_referral(&form, &answers, &recipients).unwrap();
    let to = |entry: &DirectoryEntry| {
        packets
            .iter()
            .find(|packet| packet.recipients().iter().any(|r| r.kid() == entry.kid()))
            .unwrap()
            .answers()
    };
    let text = |answers: &Answers, id: &str| answers.get(id).is_some();
    assert!(text(to(&police()), "exploiter_safety_identifiers"));
    assert!(text(to(&police()), "suspected_exploiters"));
    for protector in [shelter(), child_protection()] {
        assert!(text(to(&protector), "exploiter_safety_identifiers"));
        assert!(!text(to(&protector), "suspected_exploiters"));
    }
    assert!(!text(to(&ngo), "exploiter_safety_identifiers"));
    assert!(!text(to(&ngo), "suspected_exploiters"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_anonymous_notification_warns_about_the_account_and_can_leave_it_out() {
    let form = referral();
    let notification = |choice: Option<&str>| {
        let mut pairs = json!({ "referral_type": "anonymous", "age_group": "adult",
                                "narrative": "CANARY-story" });
        if let Some(choice) = choice {
            pairs["narrative_in_notification"] = json!(choice);
        }
        Answers::from_json(&form, &pairs).unwrap()
    };
    let warned = notification(None);
    assert!(form.is_shown("narrative_anonymous_warning", &warned));
    assert!(form.is_shown("narrative_in_notification", &warned));
    // A full referral is not warned.
    let full = consented(&form, &["narrative"], &["shelter"]);
    assert!(!form.is_shown("narrative_anonymous_warning", &full));

    let left_out = notification(Some("leave_out"));
    let packets = plan_referral(&form, &left_out, &[shelter()]).unwrap();
    assert_eq!(packets[0].answers().get("narrative"), None);
    let sent = notification(Some("send"));
    let packets = plan_referral(&form, &sent, &[shelter()]).unwrap();
    assert!(packets[0].answers().get("narrative").is_some());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_anonymous_notification_can_leave_out_every_answer_in_the_workers_own_words() {
    let form = referral();
    let notification = |choice: &str| {
        Answers::from_json(
            &form,
            &json!({ "referral_type": "anonymous", "age_group": "adult",
                "own_words_in_notification": choice,
                "recruitment_region": "CANARY-village", "case_reference": "CANARY-case",
                "other_languages": "CANARY-dialect", "suspected_exploiters": "CANARY-boss" }),
        )
        .unwrap()
    };
    assert!(form.is_shown("own_words_in_notification", &notification("send")));
    let left_out = plan_referral(&form, &notification("leave_out"), &[police()]).unwrap();
    for field in [
        "recruitment_region",
        "case_reference",
        "other_languages",
        "suspected_exploiters",
    ] {
        assert_eq!(left_out[0].answers().get(field), None, "{field}");
    }
    let sent = plan_referral(&form, &notification("send"), &[police()]).unwrap();
    assert!(sent[0].answers().get("recruitment_region").is_some());
    assert!(sent[0].answers().get("suspected_exploiters").is_some());
    // A full referral does not ask.
    let full = consented(&form, &["identity"], &["police"]);
    assert!(!form.is_shown("own_words_in_notification", &full));
}
