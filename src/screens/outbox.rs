//! The sealed referrals of this browser and where each stands. Nothing about them is
//! stored but the sealed packet (`browser::outbox`): the agencies are named from each
//! packet's own recipient key ids through the directory, and the date is the packet's
//! day.

use confidant_core::agency::{Directory, fingerprint_of_kid};
use confidant_core::packet::reference_code;
use yew::prelude::*;

use crate::browser::{intl, outbox};
use crate::components::screen_heading::ScreenHeading;
use crate::interface_text::{Words, kind_name};
use crate::state::{Delivery, Listing, Outgoing, Unreadable};

#[derive(Debug, Properties, PartialEq)]
pub struct OutboxProps {
    pub packets: Vec<Outgoing>,
    /// Entries of the stored outbox that could not be read.
    pub unreadable: Vec<Unreadable>,
    /// The agency directory, to name the recipients (read at the root).
    pub directory: Listing,
    pub language: AttrValue,
}

/// How a recipient is named: as the directory lists its key, or by its fingerprint.
pub(crate) fn recipient_name(kid: &str, directory: Option<&Directory>, words: &Words) -> String {
    match directory.and_then(|directory| directory.get(kid)) {
        Some(entry) => format!("{} ({})", entry.name, kind_name(entry.kind, words)),
        None => format!(
            "{} ({})",
            words.unknown_agency(),
            fingerprint_of_kid(kid).unwrap_or_default()
        ),
    }
}

/// The sealed referrals of this browser, newest first, with where each stands and the
/// way to save it as a file for delivery by hand.
#[function_component(Outbox)]
pub fn outbox(props: &OutboxProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let directory = props.directory.directory();
    let save_failed = use_state(|| false);
    let saved = {
        let save_failed = save_failed.clone();
        move |result: Result<(), crate::browser::files::FileRefused>| {
            save_failed.set(result.is_err());
        }
    };
    html! {
        <>
            <ScreenHeading title={words.outbox()} />
            <p>{ words.outbox_intro() }</p>
            if *save_failed {
                <p role="alert" class="error" id="save-failed">{ words.save_failed() }</p>
            }
            { for props.unreadable.iter().map(|entry| {
                let onsave = {
                    let entry = entry.clone();
                    let saved = saved.clone();
                    Callback::from(move |_: MouseEvent| saved(outbox::save_unreadable_as_file(&entry)))
                };
                html! {
                    <div role="alert" class="error-summary outbox-unreadable">
                        <p>{ words.outbox_unreadable() }</p>
                        <button type="button" class="secondary" onclick={onsave}>{ words.save_as_file() }</button>
                    </div>
                }
            }) }
            if props.packets.is_empty() {
                <p id="outbox-empty">{ words.outbox_empty() }</p>
            }
            <ul class="outbox" id="outbox">
            { for props.packets.iter().rev().map(|packet| {
                let (status, state) = match &packet.delivery {
                    Delivery::Waiting => (words.delivery_waiting(), "waiting"),
                    Delivery::Delivered => (words.delivery_delivered(), "delivered"),
                    Delivery::Refused(_) => (words.delivery_refused(), "refused"),
                };
                let onsave = {
                    let packet = packet.clone();
                    let saved = saved.clone();
                    Callback::from(move |_: MouseEvent| saved(outbox::save_as_file(&packet)))
                };
                let names: Vec<String> = packet
                    .recipients
                    .iter()
                    .map(|kid| recipient_name(kid, directory, words))
                    .collect();
                html! {
                    <li class="outgoing" data-packet={packet.packet_id.clone()} data-delivery={state}>
                        <p><strong>{ words.to() }{ ": " }</strong>{ names.join(", ") }</p>
                        <p>{ words.sealed_at() }{ " " }{ intl::day(packet.day, &props.language) }</p>
                        if let Some(reference) = reference_code(&packet.packet_id) {
                            <p class="reference">{ words.reference() }{ ": " }
                                <code dir="ltr">{ reference }</code></p>
                        }
                        <p class="delivery" role="status">{ status }
                            if packet.attempts > 0 {
                                { format!(" · {}: {}", words.tries(), packet.attempts) }
                            }
                        </p>
                        <button type="button" class="secondary" onclick={onsave}>{ words.save_as_file() }</button>
                    </li>
                }
            }) }
            </ul>
        </>
    }
}
