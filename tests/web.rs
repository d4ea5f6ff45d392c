//! The shell's components in a real browser (headless Chromium, through
//! `wasm-bindgen-test-runner`): the home screen, moving between screens, and the quick
//! exit by button and by keyboard.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use std::cell::Cell;
use std::rc::Rc;

use confidant_web::app::{App, AppProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, KeyboardEvent, KeyboardEventInit};
use yew::{AppHandle, Callback};

wasm_bindgen_test_configure!(run_in_browser);

/// A mounted app, its container, and whether the quick exit has asked to leave.
struct Mounted {
    handle: Option<AppHandle<App>>,
    root: Element,
    left: Rc<Cell<bool>>,
}

impl Mounted {
    async fn new() -> Self {
        let document = gloo::utils::document();
        let root = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        let left = Rc::new(Cell::new(false));
        let props = AppProps {
            on_exit: Some({
                let left = left.clone();
                Callback::from(move |()| left.set(true))
            }),
        };
        let handle = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
        yew::scheduler::flush().await;
        Self {
            handle: Some(handle),
            root,
            left,
        }
    }

    fn text(&self) -> String {
        self.root.text_content().unwrap_or_default()
    }

    fn heading(&self) -> String {
        self.root
            .query_selector("h1")
            .unwrap()
            .map(|h1| h1.text_content().unwrap_or_default())
            .unwrap_or_default()
    }

    fn button(&self, label: &str) -> HtmlElement {
        let buttons = self.root.query_selector_all("button").unwrap();
        (0..buttons.length())
            .filter_map(|i| buttons.item(i))
            .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
            .find(|button| button.text_content().unwrap_or_default().contains(label))
            .unwrap_or_else(|| panic!("no button labelled {label:?} in {:?}", self.text()))
    }

    async fn click(&self, label: &str) {
        self.button(label).click();
        yew::scheduler::flush().await;
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
    }
}

async fn press_key(key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    gloo::utils::document().dispatch_event(&event).unwrap();
    yew::scheduler::flush().await;
}

fn session_storage() -> web_sys::Storage {
    gloo::utils::window().session_storage().unwrap().unwrap()
}

#[wasm_bindgen_test]
async fn home_leads_to_every_screen_and_back() {
    let app = Mounted::new().await;
    assert_eq!(app.heading(), "What do you need to do?");
    for (entry, heading) in [
        ("Identify", "Identify"),
        ("Refer", "Refer"),
        ("Inbox", "Inbox"),
        ("Group checklists", "Group checklists"),
    ] {
        app.click(entry).await;
        assert_eq!(app.heading(), heading);
        // Each screen says what it is for, and the way out is always there.
        assert!(app.root.query_selector("#screen-coming").unwrap().is_some());
        assert!(app.root.query_selector("#quick-exit").unwrap().is_some());
        app.click("Confidant").await;
        assert_eq!(app.heading(), "What do you need to do?");
    }
}

#[wasm_bindgen_test]
async fn opening_a_screen_moves_focus_to_its_heading() {
    let app = Mounted::new().await;
    app.click("Inbox").await;
    let focused = gloo::utils::document().active_element().unwrap();
    assert_eq!(focused.tag_name(), "H1");
    assert_eq!(focused.text_content().unwrap(), "Inbox");
}

#[wasm_bindgen_test]
async fn quick_exit_button_forgets_everything() {
    let app = Mounted::new().await;
    app.click("Refer").await;
    session_storage()
        .set_item("left-behind", "anything")
        .unwrap();

    app.click("Quick exit").await;

    assert!(app.left.get(), "the app did not leave for the neutral page");
    assert_eq!(
        app.text(),
        "",
        "the app still shows something after the exit"
    );
    assert_eq!(session_storage().length().unwrap(), 0);
}

#[wasm_bindgen_test]
async fn escape_twice_is_a_quick_exit() {
    let app = Mounted::new().await;
    app.click("Identify").await;

    press_key("Escape").await;
    assert!(!app.left.get(), "one Escape must not leave");
    assert_eq!(app.heading(), "Identify");

    press_key("Escape").await;
    assert!(app.left.get());
    assert_eq!(app.text(), "");
}

#[wasm_bindgen_test]
async fn another_key_between_the_escapes_does_not_exit() {
    let app = Mounted::new().await;
    press_key("Escape").await;
    press_key("a").await;
    press_key("Escape").await;
    assert!(!app.left.get());
    assert_eq!(app.heading(), "What do you need to do?");
}
