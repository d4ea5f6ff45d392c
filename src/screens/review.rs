//! Reviewing a referral before it is sealed: what will be sent, to whom, on whose behalf,
//! and what each packet leaves out. The agencies come from the server's directory, read
//! without trusting it (`confidant_core::agency`): an entry whose key does not match what
//! it says is not offered, and an agency that changed since this device first saw it is
//! blocked until the worker confirms it. Sealing itself is `use_cases::seal_referral`.

use confidant_core::str_map::StrSet;

use confidant_core::agency::{Change, DirectoryEntry, Trust};
use confidant_core::form::{
    Answers, NotSendable, PlannedPacket, Reason, SendAs, consent_gate, plan_referral,
    recipient_agreed,
};
use yew::prelude::*;

use crate::browser::clock;
use crate::browser::outbox;
use crate::components::form_view::answer_text;
use crate::components::screen_heading::ScreenHeading;
use crate::interface_text::{Words, kind_name, only_for};
use crate::screens::form_screen::form_language;
use crate::state::{Listing, Outgoing, SharedForm, SharedSigner};
use crate::use_cases::{self, SealedPacket};

#[derive(Debug, Properties, PartialEq)]
pub struct ReviewProps {
    /// The referral's definition, as the worker filled it in.
    pub form: SharedForm,
    pub answers: Answers,
    pub language: AttrValue,
    pub onback: Callback<()>,
    /// The sealed packets are in the outbox.
    pub onsealed: Callback<Vec<Outgoing>>,
    /// The agency directory, with each entry's trust on this device (read at the root).
    pub listing: Listing,
    /// The worker confirmed an agency's change with the agency.
    pub onconfirm: Callback<DirectoryEntry>,
    /// The agency the worker last sent on behalf of in this session (its key id).
    #[prop_or_default]
    pub sender: Option<String>,
    /// The worker chose the agency they send on behalf of.
    #[prop_or_default]
    pub onsender: Callback<Option<String>>,
    /// The signing key of the worker's agency, while its keyring is unlocked in the inbox.
    #[prop_or_default]
    pub signer: Option<SharedSigner>,
}

#[derive(Clone, Debug, PartialEq)]
enum Sealing {
    Idle,
    Working,
    Failed,
    /// Sealed, but the outbox could not keep these: the files are the only copies.
    NotKept(Vec<Outgoing>),
    /// Saving one of them as a file failed.
    SaveFailed(Vec<Outgoing>),
}

pub(crate) fn gate_text(reason: NotSendable, words: &Words) -> &'static str {
    match reason {
        NotSendable::AgeMissing => words.gate_age_missing(),
        NotSendable::TypeMissing => words.gate_type_missing(),
        NotSendable::ConsentMissing => words.gate_consent_missing(),
        NotSendable::ConsentDeclined => words.gate_consent_declined(),
        NotSendable::ChildNotInformed => words.gate_child_not_informed(),
        NotSendable::ChildAnonymous => words.gate_child_anonymous(),
        NotSendable::NoRecipient => words.gate_no_recipient(),
        NotSendable::RecipientNotAgreed => words.gate_recipient_not_agreed(),
        NotSendable::ChildProtectionMissing => words.gate_child_protection_missing(),
        NotSendable::ConsentWithdrawn => words.gate_consent_withdrawn(),
    }
}

/// The date the person withdrew their consent, when the referral records one: the
/// review shows it whatever is sent.
fn consent_withdrawn_on(answers: &Answers) -> Option<String> {
    use confidant_core::form::Answer;
    match (
        answers.get("consent_withdrawal"),
        answers.get("consent_withdrawn_date"),
    ) {
        (Some(Answer::Choice(choice)), Some(Answer::Date(date))) if choice == "withdrawn" => {
            Some(date.clone())
        }
        _ => None,
    }
}

fn change_text(change: &Change, words: &Words) -> Html {
    match change {
        Change::Key { before } => html! {
            <li>{ words.changed_key() }{ " " }<code dir="ltr">{ before.clone() }</code></li>
        },
        Change::Name => html! { <li>{ words.changed_name() }</li> },
        Change::Kind => html! { <li>{ words.changed_kind() }</li> },
        Change::SigningKey {
            before: Some(before),
        } => html! {
            <li>{ words.changed_signing_key() }{ " " }<code dir="ltr">{ before.clone() }</code></li>
        },
        Change::SigningKey { before: None } => html! { <li>{ words.new_signing_key() }</li> },
    }
}

fn agency_label(entry: &DirectoryEntry, words: &Words) -> String {
    format!("{} ({})", entry.name, kind_name(entry.kind, words))
}

/// Whether the worker may send to, or on behalf of, an entry of this trust.
fn usable(trust: &Trust) -> bool {
    !matches!(trust, Trust::Changed(_))
}

#[function_component(Review)]
pub fn review(props: &ReviewProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let language = form_language(&props.form, &props.language);
    let listing = &props.listing;
    let chosen = use_state(StrSet::new);
    let sender = use_state(|| props.sender.clone());
    let sealing = use_state(|| Sealing::Idle);
    let onback = props.onback.reform(|_: MouseEvent| ());
    let gate = consent_gate(&props.answers);
    let gate_html = match gate {
        Ok(SendAs::Full) => html! { <p id="send-as">{ words.send_as_full() }</p> },
        Ok(SendAs::Anonymous) => html! { <p id="send-as">{ words.send_as_anonymous() }</p> },
        Err(reason) => html! {
            <div class="error-summary" role="alert" id="gate">
                <p>{ gate_text(reason, words) }</p>
                <button type="button" class="secondary" onclick={onback.clone()}>{ words.back_to_referral() }</button>
            </div>
        },
    };
    let withdrawn_html = match (
        props
            .form
            .is_shown("consent_withdrawn_date", &props.answers),
        consent_withdrawn_on(&props.answers),
    ) {
        (true, Some(date)) => html! {
            <p class="notice" id="consent-withdrawn">{ words.consent_withdrawn_on() }{ " " }<span dir="ltr">{ date }</span></p>
        },
        _ => html! {},
    };

    let entries: Vec<(DirectoryEntry, Trust)> = match listing {
        Listing::Ready(directory, trust) => directory
            .entries
            .iter()
            .cloned()
            .zip(trust.iter().cloned())
            .collect(),
        _ => Vec::new(),
    };
    let confirm = |entry: &DirectoryEntry| {
        let entry = entry.clone();
        props.onconfirm.reform(move |_: MouseEvent| entry.clone())
    };

    let agencies_html = match listing {
        Listing::NotLoaded => html! { <p role="status">{ words.directory_loading() }</p> },
        Listing::Failed => html! { <p role="alert" class="error">{ words.directory_failed() }</p> },
        Listing::Ready(directory, _) => {
            let onsender = {
                let sender = sender.clone();
                let remember = props.onsender.clone();
                Callback::from(move |event: Event| {
                    let kid = event
                        .target_unchecked_into::<web_sys::HtmlSelectElement>()
                        .value();
                    let kid = (!kid.is_empty()).then_some(kid);
                    remember.emit(kid.clone());
                    sender.set(kid);
                })
            };
            let refused_html = if directory.refused.is_empty() {
                html! {}
            } else {
                html! {
                    <div class="error-summary" role="alert" id="directory-refused">
                        <p>{ words.directory_refused() }</p>
                        <ul>
                        { for directory.refused.iter().map(|refused| html! {
                            <li dir="auto">{ format!("{}: {}", refused.shown_name, refused.reason) }</li>
                        }) }
                        </ul>
                    </div>
                }
            };
            html! {
                <>
                    { refused_html }
                    <div class="field">
                        <label for="sender">{ words.sending_for() }</label>
                        <p class="help" id="sender-help">{ words.sending_for_help() }</p>
                        <select id="sender" onchange={onsender} aria-describedby="sender-help">
                            <option value="" selected={sender.is_none()}>{ words.choose() }</option>
                            { for entries.iter().map(|(entry, trust)| html! {
                                <option value={entry.kid().to_owned()}
                                    selected={sender.as_deref() == Some(entry.kid())}
                                    disabled={!usable(trust)}>
                                    { agency_label(entry, words) }
                                </option>
                            }) }
                        </select>
                    </div>
                    <fieldset class="field choice recipients" aria-describedby="recipients-help fingerprint-help">
                        <legend>{ words.recipients() }</legend>
                        <p class="help" id="recipients-help">{ words.recipients_help() }</p>
                        <p class="help" id="fingerprint-help">{ words.fingerprint_explained() }</p>
                        { for entries.iter().enumerate().map(|(i, (entry, trust))| {
                            let agreed = recipient_agreed(&props.form, &props.answers, entry.kind);
                            let blocked = !usable(trust);
                            let checked = chosen.contains(entry.kid()) && !blocked && agreed;
                            let onchange = {
                                let chosen = chosen.clone();
                                let kid = entry.kid().to_owned();
                                Callback::from(move |event: Event| {
                                    let on = event.target_unchecked_into::<web_sys::HtmlInputElement>().checked();
                                    let mut set = (*chosen).clone();
                                    if on { set.insert(kid.clone()); } else { set.remove(&kid); }
                                    chosen.set(set);
                                })
                            };
                            html! {
                                <div class="recipient">
                                    <label class="option" for={format!("recipient-{i}")}>
                                        <input type="checkbox" id={format!("recipient-{i}")} {checked}
                                            disabled={blocked || !agreed} {onchange} />
                                        { agency_label(entry, words) }
                                    </label>
                                    <p class="fingerprint"><code dir="ltr">{ entry.fingerprint() }</code></p>
                                    if *trust == Trust::New {
                                        <p class="help">{ words.agency_new() }</p>
                                    }
                                    if let Trust::Vouched { before } = trust {
                                        <p class="help" id={format!("vouched-{i}")}>
                                            { words.agency_vouched() }{ " " }<code dir="ltr">{ before.clone() }</code>
                                        </p>
                                    }
                                    if !agreed {
                                        <p class="help not-agreed">{ words.not_agreed() }</p>
                                    }
                                    if let Trust::Changed(changes) = trust {
                                        if blocked {
                                            <div class="key-changed" role="alert" id={format!("key-changed-{i}")}>
                                                <p>{ words.agency_changed() }</p>
                                                <ul>{ for changes.iter().map(|change| change_text(change, words)) }</ul>
                                                <button type="button" class="secondary" id={format!("confirm-{i}")}
                                                    onclick={confirm(entry)}>
                                                    { words.confirm_new_key() }
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

    let recipients: Vec<DirectoryEntry> = entries
        .iter()
        .filter(|(entry, trust)| {
            chosen.contains(entry.kid())
                && usable(trust)
                && recipient_agreed(&props.form, &props.answers, entry.kind)
        })
        .map(|(entry, _)| entry.clone())
        .collect();
    let sender_entry: Option<DirectoryEntry> = sender.as_deref().and_then(|kid| {
        entries
            .iter()
            .find(|(entry, trust)| entry.kid() == kid && usable(trust))
            .map(|(entry, _)| entry.clone())
    });
    let planned = if recipients.is_empty() {
        Ok(Vec::new())
    } else {
        plan_referral(&props.form, &props.answers, &recipients)
    };
    // What the chosen agencies themselves rule out (a child's referral without child
    // protection), said beside them.
    let plan_gate_html = match &planned {
        Err(reason) if gate.is_ok() => html! {
            <div class="error-summary" role="alert" id="recipients-gate">
                <p>{ gate_text(*reason, words) }</p>
                <button type="button" class="secondary" onclick={onback.clone()}>{ words.back_to_referral() }</button>
            </div>
        },
        _ => html! {},
    };
    let plan = planned.unwrap_or_default();

    // What will be sent: the answers of the questions shown that at least one packet
    // carries. What goes to no packet at all is listed only under what is left out.
    let sent_anywhere = |field: &str| {
        plan.is_empty()
            || plan
                .iter()
                .any(|packet| packet.answers().get(field).is_some())
    };
    let shown = props.form.shown_answers(&props.answers);
    let summary = html! {
        <section class="review-summary" aria-labelledby="what-is-sent">
            <h2 id="what-is-sent">{ words.what_is_sent() }</h2>
            { for props.form.sections.iter().filter_map(|section| {
                let entries: Vec<Html> = section.fields.iter().filter_map(|field| {
                    let answer = shown.get(&field.id)?;
                    if !sent_anywhere(&field.id) {
                        return None;
                    }
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

    let packets_html = packets_html(&plan, &props.form, &language, words);

    // Signed when the worker's unlocked keyring holds the signing key the directory
    // lists for the agency they send for.
    let signer = props.signer.clone().filter(|signer| {
        sender_entry
            .as_ref()
            .and_then(|entry| entry.signing_key.as_ref())
            .is_some_and(|published| published == signer.0.public())
    });
    let signing_html = match (&sender_entry, &signer, &props.signer) {
        (None, _, _) => html! {},
        (Some(entry), Some(_), _) => html! {
            <p class="notice" id="signing" data-signed="yes">
                { words.signing_as().replace("{name}", &entry.name) }
            </p>
        },
        (Some(_), None, Some(_)) => html! {
            <p class="notice" id="signing" data-signed="other">{ words.signing_other_agency() }</p>
        },
        (Some(_), None, None) => html! {
            <p class="help" id="signing" data-signed="no">{ words.not_signing() }</p>
        },
    };

    let can_send =
        gate.is_ok() && !plan.is_empty() && sender_entry.is_some() && *sealing == Sealing::Idle;
    let onseal = {
        let form = props.form.clone();
        let answers = props.answers.clone();
        let language = language.to_string();
        let sealing = sealing.clone();
        let onsealed = props.onsealed.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(sender) = sender_entry.clone() else {
                return;
            };
            sealing.set(Sealing::Working);
            let (form, answers, language, recipients) = (
                form.clone(),
                answers.clone(),
                language.clone(),
                recipients.clone(),
            );
            let sealing = sealing.clone();
            let onsealed = onsealed.clone();
            let signer = signer.clone();
            wasm_bindgen_futures::spawn_local(async move {
                // Let the page show that sealing has begun before the work starts.
                clock::sleep(0).await;
                let signer = signer.as_ref().map(|signer| &*signer.0);
                match use_cases::seal_referral(
                    &form,
                    &answers,
                    &language,
                    &sender,
                    &recipients,
                    signer,
                )
                .await
                {
                    Ok(packets) if packets.iter().all(|packet| packet.kept) => {
                        onsealed.emit(packets.into_iter().map(|packet| packet.outgoing).collect())
                    }
                    Ok(packets) => sealing.set(Sealing::NotKept(
                        packets
                            .into_iter()
                            .filter(|packet| !packet.kept)
                            .map(|SealedPacket { outgoing, .. }| outgoing)
                            .collect(),
                    )),
                    Err(_) => sealing.set(Sealing::Failed),
                }
            });
        })
    };
    let status = match &*sealing {
        Sealing::Idle => html! {},
        Sealing::Working => html! { <p role="status" id="sealing">{ words.sealing() }</p> },
        Sealing::Failed => html! { <p role="alert" class="error">{ words.seal_failed() }</p> },
        Sealing::NotKept(packets) | Sealing::SaveFailed(packets) => {
            let onsave = {
                let packets = packets.clone();
                let sealing = sealing.clone();
                Callback::from(move |_: MouseEvent| {
                    let saved = packets
                        .iter()
                        .all(|packet| outbox::save_as_file(packet).is_ok());
                    sealing.set(if saved {
                        Sealing::NotKept(packets.clone())
                    } else {
                        Sealing::SaveFailed(packets.clone())
                    });
                })
            };
            html! {
                <div role="alert" class="error-summary">
                    <p>{ words.outbox_not_kept() }</p>
                    if matches!(*sealing, Sealing::SaveFailed(_)) {
                        <p class="error" id="save-failed">{ words.save_failed() }</p>
                    }
                    <button type="button" class="primary" onclick={onsave}>{ words.save_as_file() }</button>
                </div>
            }
        }
    };

    html! {
        <>
            <ScreenHeading title={words.review_and_send()} />
            <p>{ words.review_intro() }</p>
            { gate_html }
            { withdrawn_html }
            { agencies_html }
            { plan_gate_html }
            { packets_html }
            { summary }
            { signing_html }
            { status }
            <div class="actions">
                <button type="button" class="primary" id="seal-and-send" disabled={!can_send} onclick={onseal}>
                    { words.seal_and_send() }
                </button>
                { " " }
                <button type="button" class="secondary" id="back-to-referral" onclick={onback}>{ words.back_to_referral() }</button>
            </div>
        </>
    }
}

/// The packets the referral becomes: each one's agencies, and what it leaves out and why.
fn packets_html(plan: &[PlannedPacket], form: &SharedForm, language: &str, words: &Words) -> Html {
    if plan.is_empty() {
        return html! {};
    }
    let label = |field: &str| {
        form.field(field).map_or_else(
            || field.to_owned(),
            |field| field.label.get(language).to_owned(),
        )
    };
    let choice = |field: &str, choice: &str| {
        form.field(field)
            .and_then(|field| match &field.kind {
                confidant_core::form::FieldKind::MultipleChoice(options)
                | confidant_core::form::FieldKind::NeedsMatrix(options) => {
                    options.iter().find(|option| option.id == choice)
                }
                _ => None,
            })
            .map_or_else(
                || choice.to_owned(),
                |option| option.label.get(language).to_owned(),
            )
    };
    let reason = |reason: &Reason| match reason {
        Reason::OnlyTo(kinds) => only_for(kinds, words),
        Reason::NotAgreed(_) => words.reason_not_agreed().to_owned(),
    };
    html! {
        <section class="packets" aria-labelledby="packets-heading">
            <h2 id="packets-heading">{ words.packets_heading() }</h2>
            if plan.len() > 1 {
                <p>{ words.packets_intro() }</p>
            }
            <ol id="packets">
            { for plan.iter().enumerate().map(|(n, packet)| html! {
                <li class="packet" id={format!("packet-{n}")}>
                    <p><strong>{ words.to() }{ ": " }</strong>
                        { packet.recipients().iter().map(|entry| agency_label(entry, words)).collect::<Vec<_>>().join(", ") }
                    </p>
                    if !packet.left_out().is_empty() {
                        <div class="notice withheld" role="note" id={format!("withheld-{n}")}>
                            <p>{ words.withheld() }</p>
                            <ul>
                            { for packet.left_out().iter().map(|left| html! {
                                <li>
                                    { label(&left.field) }
                                    if let Some(id) = &left.choice {
                                        { format!(": {}", choice(&left.field, id)) }
                                    }
                                    { format!(" ({})", reason(&left.reason)) }
                                </li>
                            }) }
                            </ul>
                        </div>
                    }
                </li>
            }) }
            </ol>
        </section>
    }
}
