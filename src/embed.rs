//! A form embedded in a partner's site, in a sandboxed frame, at
//! `/embed/FORM?partner=ID#pins=KID,…` (`docs/embedding.md`): the form alone, the quick
//! exit, a link that opens it in a full tab, and sending to the agencies the deployment
//! fixed for that partner, once they are exactly those the partner's snippet pins.
//!
//! What the partner's page gets from the frame is its height, in steps of 32 px, posted
//! to the partner's registered origin and to no other. Nothing else is ever posted, and
//! the frame listens to no message at all, so nothing the partner's page posts reaches it.
//!
//! Nothing is kept in the frame's storage, which a browser may partition or refuse for a
//! frame anyway: a sealed packet is delivered at once, and the visitor is told it was sent
//! only once the server has stored it. When it cannot be delivered, the visitor is told so
//! and offered the sealed file (ciphertext only).

use std::rc::Rc;

use confidant_core::agency::{self, DirectoryEntry, EmbedRefusal};
use confidant_core::embed_snippet::{self, Embedding};
use confidant_core::form::{Answer, Answers, PlannedPacket, plan_referral, recipient_agreed};
use confidant_core::keys::AgencyKeyPair;
use confidant_core::packet::reference_code;
use yew::prelude::*;

use crate::browser::network::{self, EmbedConfig, Upload};
use crate::browser::{clock, document, embedding, outbox};
use crate::components::language_picker::{LanguagePicker, is_right_to_left};
use crate::components::quick_exit_button::{QuickExitButtonProps, quick_exit_button};
use crate::forms::{self, FormKey};
use crate::quick_exit;
use crate::screens::form_screen::FormScreen;
use crate::screens::review::gate_text;
use crate::state::{Outgoing, SharedForm};
use crate::use_cases;

/// What the frame's address says: the form, the partner, and the key ids its snippet pins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbedAddress {
    pub form: FormKey,
    pub partner: String,
    pub pins: Vec<String>,
}

impl EmbedAddress {
    /// Reads `/embed/FORM`, `?partner=ID` and `#pins=KID,…`: `None` for any other page, a
    /// form that is not built in, or a partner id that is not base64url.
    pub fn parse(path: &str, query: &str, fragment: &str) -> Option<Self> {
        let form = path.strip_prefix("/embed/")?;
        let form = FormKey::ALL.into_iter().find(|key| key.id() == form)?;
        let partner = query
            .trim_start_matches('?')
            .split('&')
            .find_map(|pair| pair.strip_prefix("partner="))?;
        let base64url = |text: &str| {
            (1..=64).contains(&text.len())
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        if !base64url(partner) {
            return None;
        }
        let pins: Vec<String> = fragment
            .trim_start_matches('#')
            .split('&')
            .find_map(|pair| pair.strip_prefix("pins="))
            .unwrap_or_default()
            .split(',')
            .filter(|kid| base64url(kid))
            .map(str::to_owned)
            .collect();
        Some(Self {
            form,
            partner: partner.to_owned(),
            pins,
        })
    }
}

/// The height the partner's frame should have for content `content` px tall: rounded up
/// to a step of 32 px, and from 320 to 4096 px.
pub fn frame_height(content: f64) -> u32 {
    let steps = (content.max(0.0) / 32.0).ceil();
    ((steps as u32).saturating_mul(32)).clamp(320, 4096)
}

#[derive(Debug, Properties, PartialEq)]
pub struct EmbedProps {
    pub address: EmbedAddress,
}

/// What the frame knows about where it sends.
#[derive(Clone, Debug, PartialEq)]
enum Setup {
    Loading,
    /// The partner (its origin, its name, whether it asked for "completed"), and the
    /// agencies it sends to, checked against the pins.
    Ready {
        origin: String,
        name: String,
        completed: bool,
        recipients: Rc<Vec<DirectoryEntry>>,
    },
    /// It cannot send: the server's answer does not fit the snippet, or did not come.
    Refused(EmbedRefusal),
    Unreachable,
}

#[derive(Clone, Debug, PartialEq)]
enum Sending {
    Filling,
    /// The answers are complete: what is sent, and to whom.
    Review,
    Working,
    /// Stored by the server: the packets' reference codes.
    Sent(Vec<String>),
    /// Not delivered: the sealed packets, which the visitor may save as files.
    NotDelivered(Vec<Outgoing>),
    Failed,
}

#[function_component(Embed)]
pub fn embed(props: &EmbedProps) -> Html {
    let language = use_state(|| AttrValue::from(forms::BASE_LANGUAGE));
    let words = crate::interface_text::for_language(&language);
    let setup = use_state(|| Setup::Loading);
    let answers = use_state(Answers::new);
    let loaded = use_state(|| None::<SharedForm>);
    let sending = use_state(|| Sending::Filling);
    let address = props.address.clone();

    // Where it sends: the deployment's choice for this partner, which must be exactly what
    // the partner's snippet pins, each agency as the directory lists it by its key.
    {
        let setup = setup.clone();
        let address = address.clone();
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                // Both at once, and the form's definition meanwhile (the form shows while
                // they come): on a slow connection each round trip counts.
                let (config, directory) = match futures::future::join(
                    network::embed_config(&address.partner),
                    network::directory(),
                )
                .await
                {
                    (Ok(config), Ok(directory)) => (config, directory),
                    _ => {
                        setup.set(Setup::Unreachable);
                        return;
                    }
                };
                let EmbedConfig {
                    origin,
                    name,
                    completed,
                    form,
                    recipients,
                    ..
                } = config;
                if form != address.form.id() {
                    setup.set(Setup::Refused(EmbedRefusal::NotPinned));
                    return;
                }
                setup.set(
                    match agency::embed_recipients(&directory.entries, &recipients, &address.pins) {
                        Ok(recipients) => Setup::Ready {
                            origin,
                            name,
                            completed,
                            recipients: Rc::new(recipients),
                        },
                        Err(refusal) => Setup::Refused(refusal),
                    },
                );
            });
        });
    }

    // The frame's height, for the partner's page, to its registered origin only.
    {
        let origin = match &*setup {
            Setup::Ready { origin, .. } => Some(origin.clone()),
            _ => None,
        };
        use_effect_with(origin, move |origin| {
            let ticker = origin.clone().map(|origin| {
                let mut last = 0;
                clock::every(250, move || {
                    let height = frame_height(document::content_height());
                    if height != last {
                        last = height;
                        embedding::post_height(&origin, height);
                    }
                })
            });
            move || drop(ticker)
        });
    }

    // The quick exit takes the whole tab away (the sandbox allows it on the visitor's
    // press), and the answers with it.
    let onexit = {
        let answers = answers.clone();
        Callback::from(move |()| {
            answers.set(Answers::new());
            quick_exit::leave(None);
        })
    };
    {
        let onexit = onexit.clone();
        use_effect_with((), move |()| {
            let listener = quick_exit::on_double_escape(onexit);
            move || drop(listener)
        });
    }
    {
        let language = language.clone();
        use_effect_with((*language).clone(), move |language| {
            document::set_language(language, is_right_to_left(language));
        });
    }

    let onanswer = {
        let answers = answers.clone();
        Callback::from(move |(field, answer): (String, Option<Answer>)| {
            let mut next = (*answers).clone();
            match answer {
                Some(answer) => next.set(field, answer),
                None => next.remove(&field),
            }
            answers.set(next);
        })
    };
    let onload = {
        let loaded = loaded.clone();
        Callback::from(move |form: SharedForm| loaded.set(Some(form)))
    };
    let onvalid = {
        let sending = sending.clone();
        Callback::from(move |()| sending.set(Sending::Review))
    };
    let language_unavailable = use_state(|| false);
    let onchoose = {
        let (language, unavailable) = (language.clone(), language_unavailable.clone());
        Callback::from(move |tag: String| {
            let (language, unavailable) = (language.clone(), unavailable.clone());
            use_cases::when_language_loaded(tag, move |tag, loaded| {
                unavailable.set(!loaded);
                if loaded {
                    language.set(AttrValue::from(tag));
                }
            });
        })
    };

    let key = address.form;
    let source = AttrValue::from(forms::address(&key.file()));
    let translation = key
        .translation_file(&language)
        .map(|file| AttrValue::from(forms::address(&file)));
    let full_tab = gloo::utils::window().location().href().unwrap_or_default();
    let site = gloo::utils::window().location().host().unwrap_or_default();
    let page_for_partner = (!embedding::framed()).then(|| {
        html! {
            <PartnerSnippet address={address.clone()} setup={(*setup).clone()} language={(*language).clone()} />
        }
    });

    let header = html! {
        <header class="shell-header embed-header">
            <span class="brand">{ "Confidant" }</span>
            { quick_exit_button(&QuickExitButtonProps { onexit: onexit.clone(), language: (*language).clone() }) }
        </header>
    };
    let whose = match &*setup {
        Setup::Ready {
            origin,
            name,
            recipients,
            ..
        } => html! {
            <p class="embed-whose" id="embed-whose">
                { words.embed_whose()
                    .replace("{partner}", name)
                    .replace("{origin}", origin.trim_start_matches("https://").trim_start_matches("http://"))
                    .replace("{site}", &site)
                    .replace("{agencies}", &recipients.iter().map(|entry| entry.name.as_str()).collect::<Vec<_>>().join(", ")) }
            </p>
        },
        _ => html! {},
    };
    let body = match (&*setup, &*sending) {
        (Setup::Unreachable, _) => html! {
            <p class="error" role="alert" id="embed-unreachable">{ words.embed_unreachable() }</p>
        },
        (Setup::Refused(refusal), _) => html! {
            <div class="error-summary" role="alert" id="embed-refused">
                <p>{ words.embed_refused() }</p>
                <p>{ match refusal {
                    EmbedRefusal::NotPinned => words.embed_not_pinned(),
                    EmbedRefusal::NotListed => words.embed_not_listed(),
                    EmbedRefusal::NoRecipient => words.embed_no_recipient(),
                } }</p>
            </div>
        },
        (Setup::Loading | Setup::Ready { .. }, Sending::Filling) => html! {
            <FormScreen {source} {translation} answers={(*answers).clone()} {onanswer}
                language={(*language).clone()} heading={words.embed_loading()} {onload}
                check_label={words.review_and_send()} onvalid={Some(onvalid)} />
        },
        (Setup::Loading, _) => html! { <p role="status">{ words.embed_loading() }</p> },
        (
            Setup::Ready {
                recipients,
                origin,
                completed,
                ..
            },
            state,
        ) => {
            let Some(form) = (*loaded).clone() else {
                return html! {};
            };
            // Told that something was sent only when the partner asked for it.
            let destination = Destination {
                recipients: recipients.clone(),
                tell: completed.then(|| origin.clone()),
            };
            send_view(
                &form,
                &answers,
                destination,
                state,
                &sending,
                &language,
                words,
            )
        }
    };
    html! {
        <div class="shell embed">
            { header }
            <main class="screen" id="main">
                { whose }
                <LanguagePicker language={(*language).clone()} {onchoose} unavailable={*language_unavailable} />
                { body }
                <p class="embed-full-tab">
                    <a href={full_tab} target="_blank" rel="noopener noreferrer" id="embed-full-tab">{ words.embed_full_tab() }</a>
                </p>
                { page_for_partner }
            </main>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct PartnerSnippetProps {
    address: EmbedAddress,
    setup: Setup,
    language: AttrValue,
}

/// In a tab of its own, the embed page is also the partner's page: the snippet its web
/// person pastes, the same text `confidant partner snippet` prints, made from what the
/// server says of the partner and the script it serves. The script (whose hash the
/// snippet carries) is fetched when the snippet is first opened, not by every visitor.
#[function_component(PartnerSnippet)]
fn partner_snippet(props: &PartnerSnippetProps) -> Html {
    let opened = use_state(|| false);
    let script = use_state(|| None::<String>);
    {
        let script = script.clone();
        use_effect_with(*opened, move |opened| {
            if *opened && script.is_none() {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(text) = network::fetch_text(embed_snippet::SCRIPT_PATH).await {
                        script.set(Some(text));
                    }
                });
            }
        });
    }
    let Setup::Ready {
        name, recipients, ..
    } = &props.setup
    else {
        return html! {};
    };
    let words = crate::interface_text::for_language(&props.language);
    let ontoggle = {
        let opened = opened.clone();
        Callback::from(move |_: Event| opened.set(true))
    };
    let Some(script) = &*script else {
        return html! {
            <details class="embed-snippet" id="embed-snippet" {ontoggle}>
                <summary>{ words.embed_snippet() }</summary>
            </details>
        };
    };
    let url = gloo::utils::window()
        .location()
        .origin()
        .unwrap_or_default();
    let recipients: Vec<String> = recipients
        .iter()
        .map(|entry| entry.kid().to_owned())
        .collect();
    let text = embed_snippet::snippet(
        &Embedding {
            url: &url,
            form: props.address.form.id(),
            partner: &props.address.partner,
            recipients: &recipients,
            title: name,
        },
        script.as_bytes(),
    );
    html! {
        <details class="embed-snippet" id="embed-snippet" open=true>
            <summary>{ words.embed_snippet() }</summary>
            <pre dir="ltr"><code id="embed-snippet-code">{ text }</code></pre>
        </details>
    }
}

/// Where an embedded form sends, once checked: its agencies, and the partner's origin
/// when it asked to be told that something was sent.
struct Destination {
    recipients: Rc<Vec<DirectoryEntry>>,
    tell: Option<String>,
}

fn send_view(
    form: &SharedForm,
    answers: &UseStateHandle<Answers>,
    Destination {
        recipients: fixed,
        tell,
    }: Destination,
    state: &Sending,
    sending: &UseStateHandle<Sending>,
    language: &UseStateHandle<AttrValue>,
    words: &'static crate::interface_text::Words,
) -> Html {
    let recipients: Vec<DirectoryEntry> = fixed
        .iter()
        .filter(|entry| recipient_agreed(form, answers, entry.kind))
        .cloned()
        .collect();
    let onback = {
        let sending = sending.clone();
        Callback::from(move |_: MouseEvent| sending.set(Sending::Filling))
    };
    match state {
        Sending::Sent(references) => html! {
            <div class="notice" role="status" id="embed-sent">
                <p>{ words.embed_sent() }</p>
                <ul>{ for references.iter().map(|reference| html! { <li><code>{ reference.clone() }</code></li> }) }</ul>
            </div>
        },
        Sending::NotDelivered(packets) => {
            let onsave = {
                let packets = packets.clone();
                Callback::from(move |_: MouseEvent| {
                    for packet in &packets {
                        let _ = outbox::save_as_file(packet);
                    }
                })
            };
            let onretry = retry(packets.clone(), sending.clone(), tell);
            html! {
                <div class="error-summary" role="alert" id="embed-not-delivered">
                    <p>{ words.embed_not_delivered() }</p>
                    <button type="button" class="primary" id="embed-retry" onclick={onretry}>{ words.embed_retry() }</button>
                    { " " }
                    <button type="button" class="secondary" id="embed-save" onclick={onsave}>{ words.save_as_file() }</button>
                </div>
            }
        }
        Sending::Failed => html! { <p role="alert" class="error">{ words.seal_failed() }</p> },
        Sending::Filling | Sending::Review | Sending::Working => {
            let planned = plan_referral(form, answers, &recipients);
            let gate = match &planned {
                Err(reason) => html! {
                    <div class="error-summary" role="alert" id="embed-gate">
                        <p>{ gate_text(*reason, words) }</p>
                    </div>
                },
                Ok(_) => html! {},
            };
            let onsend = {
                let (form, sending, tell) = (form.clone(), sending.clone(), tell);
                let language = language.to_string();
                let plan = planned.clone().unwrap_or_default();
                Callback::from(move |_: MouseEvent| {
                    sending.set(Sending::Working);
                    let (form, plan, language, sending, tell) = (
                        form.clone(),
                        plan.clone(),
                        language.clone(),
                        sending.clone(),
                        tell.clone(),
                    );
                    wasm_bindgen_futures::spawn_local(async move {
                        clock::sleep(0).await;
                        match seal_all(&form, &plan, &language).await {
                            Ok(packets) => deliver(packets, sending, tell).await,
                            Err(()) => sending.set(Sending::Failed),
                        }
                    });
                })
            };
            let names: Vec<&str> = recipients.iter().map(|entry| entry.name.as_str()).collect();
            html! {
                <section aria-labelledby="embed-send-title">
                    <h2 id="embed-send-title">{ words.review_and_send() }</h2>
                    { gate }
                    <p id="embed-recipients">{ words.embed_goes_to().replace("{agencies}", &names.join(", ")) }</p>
                    if *state == Sending::Working {
                        <p role="status" id="sealing">{ words.sealing() }</p>
                    }
                    <div class="actions">
                        <button type="button" class="primary" id="seal-and-send"
                            disabled={planned.is_err() || *state == Sending::Working} onclick={onsend}>
                            { words.seal_and_send() }
                        </button>
                        { " " }
                        <button type="button" class="secondary" id="back-to-form" onclick={onback}>{ words.back_to_referral() }</button>
                    </div>
                </section>
            }
        }
    }
}

/// Seals each planned packet, signed by nobody: the visitor has no keyring. The payload's
/// sender key is a fresh one that nobody keeps, so no reply can reach the visitor, and the
/// receivers see an unknown, unverified sender.
async fn seal_all(
    form: &SharedForm,
    plan: &[PlannedPacket],
    language: &str,
) -> Result<Vec<Outgoing>, ()> {
    let sender = AgencyKeyPair::generate(&mut getrandom::SysRng).map_err(|_| ())?;
    let now = (clock::now_millis() / 1000.0) as u64;
    let mut packets = Vec::with_capacity(plan.len());
    for packet in plan {
        packets.push(
            use_cases::seal_planned(form, packet, language, &sender.public, None, now)
                .await
                .map_err(|_| ())?,
        );
    }
    Ok(packets)
}

/// Uploads every packet now; "sent" only once the server has stored them all, and then,
/// when `tell` names the partner's origin, a bare "completed" to its page.
async fn deliver(packets: Vec<Outgoing>, sending: UseStateHandle<Sending>, tell: Option<String>) {
    let mut undelivered = Vec::new();
    for packet in &packets {
        if network::upload(&packet.packet).await != Upload::Stored {
            undelivered.push(packet.clone());
        }
    }
    if undelivered.is_empty()
        && let Some(origin) = &tell
    {
        embedding::post_completed(origin);
    }
    sending.set(if undelivered.is_empty() {
        Sending::Sent(
            packets
                .iter()
                .filter_map(|packet| reference_code(&packet.packet_id))
                .collect(),
        )
    } else {
        Sending::NotDelivered(undelivered)
    });
}

fn retry(
    packets: Vec<Outgoing>,
    sending: UseStateHandle<Sending>,
    tell: Option<String>,
) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        let (packets, sending, tell) = (packets.clone(), sending.clone(), tell.clone());
        sending.set(Sending::Working);
        wasm_bindgen_futures::spawn_local(async move { deliver(packets, sending, tell).await });
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_names_a_built_in_form_a_partner_and_its_pins() {
        let address =
            EmbedAddress::parse("/embed/referral", "?partner=AbC_-1", "#pins=k1,k2").unwrap();
        assert_eq!(address.form, FormKey::Referral);
        assert_eq!(address.partner, "AbC_-1");
        assert_eq!(address.pins, ["k1", "k2"]);
        assert_eq!(EmbedAddress::parse("/embed/referral", "", "#pins=k1"), None);
        assert_eq!(EmbedAddress::parse("/embed/other", "?partner=a", ""), None);
        assert_eq!(EmbedAddress::parse("/", "?partner=a", ""), None);
        assert_eq!(
            EmbedAddress::parse("/embed/referral", "?partner=a/b", ""),
            None
        );
        let no_pins = EmbedAddress::parse("/embed/referral", "?partner=a", "").unwrap();
        assert!(no_pins.pins.is_empty());
    }

    #[test]
    fn heights_go_in_steps_of_32_between_320_and_4096() {
        assert_eq!(frame_height(0.0), 320);
        assert_eq!(frame_height(321.0), 352);
        assert_eq!(frame_height(352.0), 352);
        assert_eq!(frame_height(1000.5), 1024);
        assert_eq!(frame_height(1e9), 4096);
        assert_eq!(frame_height(f64::NAN), 320);
    }
}
