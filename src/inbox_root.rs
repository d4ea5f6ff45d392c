//! The inbox in a module of its own (`src/bin/inbox.rs`, built as `inbox.js` and
//! `inbox_bg.wasm`). The app loads it only when a worker opens the inbox
//! ([`crate::screens::inbox_host`]), so the way to a sealed referral never downloads the
//! inbox, its keyrings or the opening of packets.
//!
//! The app hands over what the inbox needs from the shell: the referrals this browser
//! sent and the interface's language. It gets back the unlocked keyring's signing key, to
//! sign what the worker sends. The inbox reads the rest for itself: the agency directory,
//! checked against this device's pins, and the interface's words in the chosen language.

use std::rc::Rc;

use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::browser::{network, pins};
use crate::module_root::{skip_the_apps_root_number, use_loaded_language};
use crate::screens::inbox::{Inbox, SentReferral};
use crate::state::{Listing, SharedSigner};

/// The referrals this browser sent, as the app writes them for the inbox's module: one a
/// line, `PACKET_ID<TAB>DAY<TAB>KID,KID…`. A line that does not read so is left out.
pub fn sent_text(sent: &[SentReferral]) -> String {
    sent.iter()
        .map(|referral| {
            format!(
                "{}\t{}\t{}\n",
                referral.packet_id,
                referral.day,
                referral.recipients.join(",")
            )
        })
        .collect()
}

/// Reads what [`sent_text`] wrote.
pub fn read_sent(text: &str) -> Vec<SentReferral> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            let (packet_id, day, recipients) = (parts.next()?, parts.next()?, parts.next()?);
            (parts.next().is_none() && !packet_id.is_empty()).then_some(())?;
            Some(SentReferral {
                packet_id: packet_id.to_owned(),
                day: day.parse().ok()?,
                recipients: recipients
                    .split(',')
                    .filter(|kid| !kid.is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
        })
        .collect()
}

#[derive(Debug, Properties, PartialEq)]
pub struct RootProps {
    pub sent: Vec<SentReferral>,
    pub language: AttrValue,
    pub onsigner: Callback<Option<SharedSigner>>,
}

/// The inbox with what it reads for itself: the directory, and the words of the language
/// the app shows (English until this module has them).
#[function_component(InboxRoot)]
pub fn inbox_root(props: &RootProps) -> Html {
    let listing = use_state(|| Listing::NotLoaded);
    {
        let listing = listing.clone();
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                listing.set(match network::directory().await {
                    Ok(directory) => {
                        let trust = pins::check(&directory.entries);
                        Listing::Ready(Rc::new(directory), trust)
                    }
                    Err(_) => Listing::Failed,
                });
            });
        });
    }
    let language = use_loaded_language(&props.language);
    html! {
        <Inbox directory={(*listing).clone()} sent={props.sent.clone()}
            {language} onsigner={props.onsigner.clone()} />
    }
}

/// The inbox, mounted in an element of the app's page.
#[derive(Debug)]
pub struct Mounted {
    app: AppHandle<InboxRoot>,
    onsigner: Callback<Option<SharedSigner>>,
}

/// Mounts the inbox in `root`. `onsigner` is called with the unlocked keyring's 32-byte
/// signing seed (a `Uint8Array`, zero-filled once the call returns), or `null` when the
/// keyring locks.
pub fn mount(
    root: web_sys::Element,
    sent: &str,
    language: String,
    onsigner: js_sys::Function,
) -> Mounted {
    let onsigner = Callback::from(move |signer: Option<SharedSigner>| {
        let seed = signer.map(|signer| js_sys::Uint8Array::from(&signer.0.seed()[..]));
        let given = seed.as_ref().map_or(JsValue::NULL, JsValue::from);
        let _ = onsigner.call1(&JsValue::NULL, &given);
        if let Some(seed) = seed {
            seed.fill(0, 0, seed.length());
        }
    });
    let props = RootProps {
        sent: read_sent(sent),
        language: language.into(),
        onsigner: onsigner.clone(),
    };
    skip_the_apps_root_number();
    Mounted {
        app: yew::Renderer::<InboxRoot>::with_root_and_props(root, props).render(),
        onsigner,
    }
}

impl Mounted {
    /// The shell's newer state: its sent referrals and its language.
    pub fn update(&mut self, sent: &str, language: String) {
        self.app.update(RootProps {
            sent: read_sent(sent),
            language: language.into(),
            onsigner: self.onsigner.clone(),
        });
    }

    /// Unmounts the inbox: the unlocked keyring and everything opened are dropped (and
    /// wiped by the module's allocator).
    pub fn destroy(self) {
        self.app.destroy();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sent_referrals_cross_to_the_inbox_as_they_were() {
        let sent = vec![
            SentReferral {
                packet_id: "p-1".to_owned(),
                day: 1_764_000_000,
                recipients: vec!["kid-a".to_owned(), "kid-b".to_owned()],
            },
            SentReferral {
                packet_id: "p-2".to_owned(),
                day: 0,
                recipients: vec![],
            },
        ];
        assert_eq!(read_sent(&sent_text(&sent)), sent);
        assert_eq!(
            read_sent("no tabs\n\tday\tkid\np\tnot-a-day\tkid\np\t1\tk\textra\n"),
            Vec::<SentReferral>::new()
        );
    }
}
