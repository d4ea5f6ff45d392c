use yew::prelude::*;

use crate::browser::outbox::{self, Delivery, Outgoing};
use crate::components::screen_heading::ScreenHeading;

#[derive(Debug, Properties, PartialEq)]
pub struct OutboxProps {
    pub packets: Vec<Outgoing>,
    pub language: AttrValue,
    /// The outbox as kept, after a change made here.
    pub onchange: Callback<Vec<Outgoing>>,
}

/// The sealed referrals of this browser, newest first, with where each stands and the
/// way to save it as a file for delivery by hand.
#[function_component(Outbox)]
pub fn outbox(props: &OutboxProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    html! {
        <>
            <ScreenHeading title={words.outbox} />
            <p>{ words.outbox_intro }</p>
            if props.packets.is_empty() {
                <p id="outbox-empty">{ words.outbox_empty }</p>
            }
            <ul class="outbox" id="outbox">
            { for props.packets.iter().rev().map(|packet| {
                let status = match packet.delivery {
                    Delivery::Waiting => words.delivery_waiting,
                    Delivery::Delivered => words.delivery_delivered,
                    Delivery::Refused => words.delivery_refused,
                };
                let sealed = js_sys::Date::new(&packet.sealed_at.into())
                    .to_locale_string(&props.language, &wasm_bindgen::JsValue::UNDEFINED);
                let onsave = {
                    let packet = packet.clone();
                    Callback::from(move |_: MouseEvent| {
                        let _ = outbox::save_as_file(&packet);
                    })
                };
                let onremove = {
                    let onchange = props.onchange.clone();
                    let packet_id = packet.packet_id.clone();
                    Callback::from(move |_: MouseEvent| {
                        onchange.emit(outbox::remove_delivered(&packet_id));
                    })
                };
                let state = match packet.delivery {
                    Delivery::Waiting => "waiting",
                    Delivery::Delivered => "delivered",
                    Delivery::Refused => "refused",
                };
                html! {
                    <li class="outgoing" data-packet={packet.packet_id.clone()} data-delivery={state}>
                        <p><strong>{ words.to }{ ": " }</strong>{ packet.recipients.join(", ") }</p>
                        <p>{ words.sealed_at }{ ": " }{ String::from(sealed) }</p>
                        <p class="delivery" role="status">{ status }
                            if packet.attempts > 0 {
                                { format!(" · {}: {}", words.tries, packet.attempts) }
                            }
                        </p>
                        <button type="button" class="secondary" onclick={onsave}>{ words.save_as_file }</button>
                        if packet.delivery == Delivery::Delivered {
                            { " " }
                            <button type="button" class="secondary remove-delivered" onclick={onremove}>
                                { words.remove_delivered }
                            </button>
                        }
                    </li>
                }
            }) }
            </ul>
        </>
    }
}
