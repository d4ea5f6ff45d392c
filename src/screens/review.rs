//! Reviewing a referral and sealing it: what will be sent, to whom, on whose behalf, then
//! the seal, on this device, and the outbox.

use std::collections::BTreeSet;

use confidant_core::form::{Answers, NotSendable, SendAs, consent_gate, referral_payload};
use confidant_core::keys::PublicKey;
use confidant_core::packet::{FormRef, Packet, Recipient};
use yew::prelude::*;
use zeroize::Zeroize;

use crate::browser::clock;
use crate::browser::known_agencies::{self, Trust};
use crate::browser::network::{self, Agency};
use crate::browser::outbox::{self, Delivery, Outgoing};
use crate::components::form_view::{SharedForm, answer_text};
use crate::components::screen_heading::ScreenHeading;
use crate::interface_text::Words;
use crate::screens::form_screen::form_language;
use crate::sealing;

#[derive(Debug, Properties, PartialEq)]
pub struct ReviewProps {
    /// The referral's definition, as the worker filled it in.
    pub form: SharedForm,
    pub answers: Answers,
    pub language: AttrValue,
    pub onback: Callback<()>,
    /// The sealed packet is in the outbox.
    pub onsealed: Callback<Outgoing>,
}

#[derive(Clone, Debug, PartialEq)]
enum Directory {
    Loading,
    Failed,
    Ready(Vec<(Agency, Trust)>),
}

#[derive(Clone, Debug, PartialEq)]
enum Sealing {
    Idle,
    Working,
    Failed,
    /// Sealed, but the outbox could not keep it: the file is the only copy.
    NotKept(Outgoing),
}

fn gate_text(reason: NotSendable, words: &Words) -> &'static str {
    match reason {
        NotSendable::AgeMissing => words.gate_age_missing,
        NotSendable::TypeMissing => words.gate_type_missing,
        NotSendable::ConsentMissing => words.gate_consent_missing,
        NotSendable::ConsentDeclined => words.gate_consent_declined,
        NotSendable::ChildNotInformed => words.gate_child_not_informed,
        NotSendable::ChildAnonymous => words.gate_child_anonymous,
    }
}

/// Seals the referral for `recipients` on behalf of `sender` and keeps it in the outbox.
async fn seal(
    form: SharedForm,
    answers: Answers,
    language: String,
    sender: Agency,
    recipients: Vec<Agency>,
) -> Result<Result<Outgoing, Outgoing>, ()> {
    let kinds: Vec<&str> = recipients
        .iter()
        .map(|agency| agency.kind.as_str())
        .collect();
    let mut payload = referral_payload(
        &form,
        &form.0.definition,
        form.0.translation.as_deref(),
        &language,
        &answers,
        &kinds,
        &sender.jwk,
    )
    .map_err(|_| ())?;
    let keys: Result<Vec<Recipient>, _> = recipients
        .iter()
        .map(|agency| PublicKey::from_jwk_json(&agency.jwk.to_string()).map(Recipient::Agency))
        .collect();
    let reference = FormRef {
        id: form.id.clone(),
        version: form.version.clone(),
    };
    let now = clock::now_millis();
    let sealed = match keys {
        Ok(keys) => sealing::seal(&payload, &reference, (now / 1000.0) as u64, &keys).await,
        Err(_) => Err(confidant_core::packet::PacketError::Invalid("agency key")),
    };
    // The plaintext is not needed any more.
    payload.zeroize();
    let packet = String::from_utf8(sealed.map_err(|_| ())?).map_err(|_| ())?;
    let packet_id = Packet::parse(&packet)
        .map_err(|_| ())?
        .meta()
        .packet_id()
        .to_owned();
    let outgoing = Outgoing {
        packet_id,
        packet,
        sealed_at: now,
        recipients: recipients.into_iter().map(|agency| agency.name).collect(),
        delivery: Delivery::Waiting,
        attempts: 0,
        last_error: None,
        next_attempt_at: now,
    };
    let mut kept = outbox::load();
    kept.push(outgoing.clone());
    Ok(match outbox::save(&kept) {
        Ok(()) => Ok(outgoing),
        Err(_) => Err(outgoing),
    })
}

#[function_component(Review)]
pub fn review(props: &ReviewProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let language = form_language(&props.form, &props.language);
    let directory = use_state(|| Directory::Loading);
    let chosen = use_state(BTreeSet::<String>::new);
    let confirmed = use_state(BTreeSet::<String>::new);
    let sender = use_state(|| None::<String>);
    let sealing = use_state(|| Sealing::Idle);
    {
        let directory = directory.clone();
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                directory.set(match network::directory().await {
                    Ok(agencies) => {
                        let trust = known_agencies::check(&agencies);
                        Directory::Ready(agencies.into_iter().zip(trust).collect())
                    }
                    Err(_) => Directory::Failed,
                });
            });
        });
    }

    let onback = props.onback.reform(|_: MouseEvent| ());
    let gate = consent_gate(&props.answers);
    let gate_html = match gate {
        Ok(SendAs::Full) => html! { <p id="send-as">{ words.send_as_full }</p> },
        Ok(SendAs::Anonymous) => html! { <p id="send-as">{ words.send_as_anonymous }</p> },
        Err(reason) => html! {
            <div class="error-summary" role="alert" id="gate">
                <p>{ gate_text(reason, words) }</p>
                <button type="button" class="secondary" onclick={onback.clone()}>{ words.back_to_referral }</button>
            </div>
        },
    };

    let agencies_html = match &*directory {
        Directory::Loading => html! { <p role="status">{ words.directory_loading }</p> },
        Directory::Failed => html! { <p role="alert" class="error">{ words.directory_failed }</p> },
        Directory::Ready(agencies) => {
            let onsender = {
                let sender = sender.clone();
                Callback::from(move |event: Event| {
                    let kid = event
                        .target_unchecked_into::<web_sys::HtmlSelectElement>()
                        .value();
                    sender.set((!kid.is_empty()).then_some(kid));
                })
            };
            html! {
                <>
                    <div class="field">
                        <label for="sender">{ words.sending_for }</label>
                        <p class="help" id="sender-help">{ words.sending_for_help }</p>
                        <select id="sender" onchange={onsender} aria-describedby="sender-help">
                            <option value="" selected={sender.is_none()}>{ words.choose }</option>
                            { for agencies.iter().map(|(agency, _)| html! {
                                <option value={agency.kid.clone()} selected={sender.as_deref() == Some(agency.kid.as_str())}>
                                    { format!("{} ({})", agency.name, agency.kind) }
                                </option>
                            }) }
                        </select>
                    </div>
                    <fieldset class="field choice recipients" aria-describedby="recipients-help">
                        <legend>{ words.recipients }</legend>
                        <p class="help" id="recipients-help">{ words.recipients_help }</p>
                        { for agencies.iter().enumerate().map(|(i, (agency, trust))| {
                            let blocked = matches!(trust, Trust::Changed { .. }) && !confirmed.contains(&agency.kid);
                            let checked = chosen.contains(&agency.kid) && !blocked;
                            let onchange = {
                                let chosen = chosen.clone();
                                let kid = agency.kid.clone();
                                Callback::from(move |event: Event| {
                                    let on = event.target_unchecked_into::<web_sys::HtmlInputElement>().checked();
                                    let mut set = (*chosen).clone();
                                    if on { set.insert(kid.clone()); } else { set.remove(&kid); }
                                    chosen.set(set);
                                })
                            };
                            let onconfirm = {
                                let confirmed = confirmed.clone();
                                let agency = agency.clone();
                                Callback::from(move |_: MouseEvent| {
                                    known_agencies::confirm(&agency);
                                    let mut set = (*confirmed).clone();
                                    set.insert(agency.kid.clone());
                                    confirmed.set(set);
                                })
                            };
                            html! {
                                <div class="recipient">
                                    <label class="option" for={format!("recipient-{i}")}>
                                        <input type="checkbox" id={format!("recipient-{i}")} {checked}
                                            disabled={blocked} {onchange} />
                                        { format!("{} ({})", agency.name, agency.kind) }
                                    </label>
                                    <p class="fingerprint"><code dir="ltr">{ agency.fingerprint.clone() }</code></p>
                                    if *trust == Trust::New {
                                        <p class="help">{ words.agency_new }</p>
                                    }
                                    if let Trust::Changed { before } = trust {
                                        if blocked {
                                            <div class="key-changed" role="alert" id={format!("key-changed-{i}")}>
                                                <p>{ words.agency_changed }{ " " }<code dir="ltr">{ before.clone() }</code></p>
                                                <button type="button" class="secondary" id={format!("confirm-{i}")} onclick={onconfirm}>
                                                    { words.confirm_new_key }
                                                </button>
                                            </div>
                                        }
                                    }
                                </div>
                            }
                        }) }
                    </fieldset>
                </>
            }
        }
    };

    // What will be sent: the answers of the questions shown, in words.
    let shown = props.form.shown_answers(&props.answers);
    let summary = html! {
        <section class="review-summary" aria-labelledby="what-is-sent">
            <h2 id="what-is-sent">{ words.what_is_sent }</h2>
            { for props.form.sections.iter().filter_map(|section| {
                let entries: Vec<Html> = section.fields.iter().filter_map(|field| {
                    let answer = shown.get(&field.id)?;
                    Some(html! {
                        <>
                            <dt>{ field.label.get(&language) }</dt>
                            <dd dir="auto">{ answer_text(field, answer, &language, words) }</dd>
                        </>
                    })
                }).collect();
                (!entries.is_empty()).then(|| html! {
                    <>
                        <h3>{ section.title.get(&language) }</h3>
                        <dl>{ for entries }</dl>
                    </>
                })
            }) }
        </section>
    };

    let ready_agencies: Vec<Agency> = match &*directory {
        Directory::Ready(agencies) => agencies
            .iter()
            .filter(|(agency, trust)| {
                chosen.contains(&agency.kid)
                    && (!matches!(trust, Trust::Changed { .. }) || confirmed.contains(&agency.kid))
            })
            .map(|(agency, _)| agency.clone())
            .collect(),
        _ => Vec::new(),
    };
    let sender_agency: Option<Agency> = match (&*directory, sender.as_deref()) {
        (Directory::Ready(agencies), Some(kid)) => agencies
            .iter()
            .find(|(agency, _)| agency.kid == kid)
            .map(|(agency, _)| agency.clone()),
        _ => None,
    };
    // Answers some of the chosen agencies may not receive stay out of the packet.
    let kinds: Vec<&str> = ready_agencies
        .iter()
        .map(|agency| agency.kind.as_str())
        .collect();
    let withheld: Vec<String> = props
        .form
        .withheld_for(&props.answers, &kinds)
        .iter()
        .map(|field| field.label.get(&language).to_owned())
        .collect();
    let withheld_html = if withheld.is_empty() {
        html! {}
    } else {
        html! {
            <p class="notice" role="note" id="withheld">
                { words.withheld }{ " " }{ withheld.join(", ") }
            </p>
        }
    };
    let can_send = gate.is_ok()
        && !ready_agencies.is_empty()
        && sender_agency.is_some()
        && *sealing == Sealing::Idle;
    let onseal = {
        let form = props.form.clone();
        let answers = props.answers.clone();
        let language = language.to_string();
        let sealing = sealing.clone();
        let onsealed = props.onsealed.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(sender) = sender_agency.clone() else {
                return;
            };
            sealing.set(Sealing::Working);
            let (form, answers, language, recipients) = (
                form.clone(),
                answers.clone(),
                language.clone(),
                ready_agencies.clone(),
            );
            let sealing = sealing.clone();
            let onsealed = onsealed.clone();
            wasm_bindgen_futures::spawn_local(async move {
                // Let the page show that sealing has begun before the work starts.
                clock::sleep(0).await;
                match seal(form, answers, language, sender, recipients).await {
                    Ok(Ok(outgoing)) => onsealed.emit(outgoing),
                    Ok(Err(outgoing)) => sealing.set(Sealing::NotKept(outgoing)),
                    Err(()) => sealing.set(Sealing::Failed),
                }
            });
        })
    };
    let status = match &*sealing {
        Sealing::Idle => html! {},
        Sealing::Working => html! { <p role="status" id="sealing">{ words.sealing }</p> },
        Sealing::Failed => html! { <p role="alert" class="error">{ words.seal_failed }</p> },
        Sealing::NotKept(outgoing) => {
            let onsave = {
                let outgoing = outgoing.clone();
                Callback::from(move |_: MouseEvent| {
                    let _ = outbox::save_as_file(&outgoing);
                })
            };
            html! {
                <div role="alert" class="error-summary">
                    <p>{ words.outbox_not_kept }</p>
                    <button type="button" class="primary" onclick={onsave}>{ words.save_as_file }</button>
                </div>
            }
        }
    };

    html! {
        <>
            <ScreenHeading title={words.review_and_send} />
            <p>{ words.review_intro }</p>
            { gate_html }
            { agencies_html }
            { summary }
            { withheld_html }
            { status }
            <div class="actions">
                <button type="button" class="primary" id="seal-and-send" disabled={!can_send} onclick={onseal}>
                    { words.seal_and_send }
                </button>
                { " " }
                <button type="button" class="secondary" id="back-to-referral" onclick={onback}>{ words.back_to_referral }</button>
            </div>
        </>
    }
}
