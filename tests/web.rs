//! The shell's components in a real browser (headless Chromium, through
//! `wasm-bindgen-test-runner`): the home screen, moving between screens, and the quick
//! exit by button and by keyboard.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use confidant_web::app::{App, AppProps};
use confidant_web::browser::page_modules::{self, DRAFTS};
use confidant_web::drafts_root;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, KeyboardEvent, KeyboardEventInit};
use yew::{AppHandle, Callback};

wasm_bindgen_test_configure!(run_in_browser);

/// The built-in forms, served to the app as `data:` addresses (the test page has no
/// `/forms/` of its own).
fn sources() -> Vec<(String, yew::AttrValue)> {
    macro_rules! files {
        ($($name:literal),*) => {
            [$(($name, include_str!(concat!("../forms/", $name)))),*]
        };
    }
    files!(
        "identification.json",
        "identification.fr.json",
        "identification.es.json",
        "identification.ar.json",
        "referral.json",
        "referral.fr.json",
        "referral.es.json",
        "referral.ar.json",
        "group-framework.json",
        "group-framework.fr.json",
        "group-framework.es.json",
        "group-framework.ar.json",
        "group-agreement.json",
        "group-agreement.fr.json",
        "group-agreement.es.json",
        "group-agreement.ar.json"
    )
    .into_iter()
    .map(|(name, text)| {
        let address = format!(
            "data:application/json,{}",
            js_sys::encode_uri_component(text)
        );
        (name.to_owned(), address.into())
    })
    .collect()
}

/// The drafts panel's module as the page would load it (`src/bin/drafts.rs`): this page
/// has no built modules, so its `mount` runs in this test's own module, given and giving
/// the same bytes (`drafts_root`).
fn provide_the_drafts_module() {
    type Mount = dyn Fn(Element, js_sys::Uint8Array, String, js_sys::Function) -> JsValue;
    let mount = Closure::<Mount>::new(|root, state: js_sys::Uint8Array, language, ondraft| {
        let Some(mounted) = drafts_root::mount(root, &state.to_vec(), language, ondraft) else {
            return JsValue::UNDEFINED;
        };
        let mounted = Rc::new(RefCell::new(Some(mounted)));
        let handle = js_sys::Object::new();
        let update = {
            let mounted = mounted.clone();
            Closure::<dyn Fn(js_sys::Uint8Array, String)>::new(
                move |state: js_sys::Uint8Array, language| {
                    if let Some(mounted) = mounted.borrow_mut().as_mut() {
                        mounted.update(&state.to_vec(), language);
                    }
                },
            )
        };
        let destroy = Closure::<dyn Fn()>::new(move || {
            if let Some(mounted) = mounted.borrow_mut().take() {
                mounted.destroy();
            }
        });
        js_sys::Reflect::set(&handle, &"update".into(), update.as_ref()).unwrap();
        js_sys::Reflect::set(&handle, &"destroy".into(), destroy.as_ref()).unwrap();
        update.forget();
        destroy.forget();
        handle.into()
    });
    let exports = js_sys::Function::new_no_args("");
    js_sys::Reflect::set(&exports, &"mount".into(), mount.as_ref()).unwrap();
    mount.forget();
    page_modules::provide(&DRAFTS, exports.into());
}

/// A mounted app, its container, and whether the quick exit has asked to leave.
struct Mounted {
    handle: Option<AppHandle<App>>,
    root: Element,
    left: Rc<Cell<bool>>,
}

impl Mounted {
    async fn new() -> Self {
        Self::with_draft_lock(None).await
    }

    async fn with_draft_lock(draft_lock_after_ms: Option<f64>) -> Self {
        // The app fetches these from the server (`lang/TAG.txt`); this page has none.
        for (tag, file) in [
            ("fr", include_str!("../www/lang/fr.txt")),
            ("es", include_str!("../www/lang/es.txt")),
            ("ar", include_str!("../www/lang/ar.txt")),
        ] {
            confidant_web::interface_text::install(tag, file.to_owned()).unwrap();
        }
        provide_the_drafts_module();
        let document = gloo::utils::document();
        let root = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        let left = Rc::new(Cell::new(false));
        let props = AppProps {
            on_exit: Some({
                let left = left.clone();
                Callback::from(move |()| left.set(true))
            }),
            sources: sources(),
            draft_lock_after_ms,
            first_screen: None,
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
    for (entry, heading, marker) in [
        ("Identify", "Identification checklist", "#section-context"),
        ("Refer", "Referral form", "#section-metadata"),
        // The inbox is a module of its own, which this test's page does not serve: the
        // screen says it could not load (tests/e2e/inbox.test.mjs loads it).
        ("Inbox", "Inbox", "#inbox-failed"),
        (
            "Group checklists",
            "Group checklists",
            "#open-group-framework",
        ),
    ] {
        app.click(entry).await;
        // Each screen shows its work, or says what will come; the way out is always there.
        wait_for(&app, marker).await;
        assert_eq!(app.heading(), heading);
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

/// Waits (up to about six seconds, on a loaded machine) until `selector` matches inside
/// the app. The draft's lock, checked once a second, needs more than two.
async fn wait_for(app: &Mounted, selector: &str) -> Element {
    for _ in 0..600 {
        if let Some(element) = app.root.query_selector(selector).unwrap() {
            return element;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
        yew::scheduler::flush().await;
    }
    panic!("nothing matches {selector:?} in {:?}", app.text());
}

/// Waits until `selector` matches inside the app with `text` in it (the problem shown
/// before may still be there for a moment).
async fn wait_for_text(app: &Mounted, selector: &str, text: &str) -> Element {
    for _ in 0..400 {
        if let Some(element) = app.root.query_selector(selector).unwrap()
            && element.text_content().unwrap_or_default().contains(text)
        {
            return element;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
        yew::scheduler::flush().await;
    }
    panic!("no {selector:?} says {text:?} in {:?}", app.text());
}

/// Resolves once the next frame is painted and the tasks queued before it have run (the
/// app records a choice after the frame that shows it).
async fn after_paint() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let on_frame = Closure::once_into_js(move || {
            let _ = gloo::utils::window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(resolve.unchecked_ref(), 0);
        });
        let _ = gloo::utils::window().request_animation_frame(on_frame.unchecked_ref());
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    gloo_timers::future::TimeoutFuture::new(0).await;
    yew::scheduler::flush().await;
}

async fn choose(app: &Mounted, control_id: &str) {
    let input: HtmlElement = wait_for(app, &format!("#{control_id}"))
        .await
        .dyn_into()
        .unwrap();
    input.click();
    after_paint().await;
}

/// Types `text` into a text field as one input event.
async fn type_into(app: &Mounted, control_id: &str, text: &str) {
    // An <input> or a <textarea>: both have a `value`.
    let input = wait_for(app, &format!("#{control_id}")).await;
    js_sys::Reflect::set(&input, &"value".into(), &text.into()).unwrap();
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
}

fn local_storage() -> web_sys::Storage {
    gloo::utils::window().local_storage().unwrap().unwrap()
}

/// Every key and value in local and session storage, as one text.
fn all_storage() -> String {
    let mut text = String::new();
    for storage in [local_storage(), session_storage()] {
        for i in 0..storage.length().unwrap() {
            let key = storage.key(i).unwrap().unwrap();
            let value = storage.get_item(&key).unwrap().unwrap_or_default();
            text.push_str(&format!("{key}={value}\n"));
        }
    }
    text
}

#[wasm_bindgen_test]
async fn the_checklist_renders_with_a_fieldset_and_label_for_everything() {
    let app = Mounted::new().await;
    app.click("Identify").await;
    wait_for(&app, "#section-context").await;
    assert_eq!(app.heading(), "Identification checklist");
    // Every radio and text control has a label; every group a legend.
    let inputs = app.root.query_selector_all("input, textarea").unwrap();
    assert!(inputs.length() > 100);
    for i in 0..inputs.length() {
        let input: Element = inputs.item(i).unwrap().dyn_into().unwrap();
        let id = input.id();
        let label = app
            .root
            .query_selector(&format!("label[for=\"{id}\"]"))
            .unwrap();
        assert!(label.is_some(), "no label for #{id}");
    }
    let fieldsets = app.root.query_selector_all("fieldset").unwrap();
    for i in 0..fieldsets.length() {
        let fieldset: Element = fieldsets.item(i).unwrap().dyn_into().unwrap();
        assert!(fieldset.query_selector("legend").unwrap().is_some());
    }
}

#[wasm_bindgen_test]
async fn answering_the_age_shows_the_child_module() {
    let app = Mounted::new().await;
    app.click("Identify").await;
    wait_for(&app, "#section-context").await;
    assert!(app.root.query_selector("#section-child").unwrap().is_none());
    // age_group options: adult, child, uncertain.
    choose(&app, "field-age_group-2").await;
    wait_for(&app, "#section-child").await;
    choose(&app, "field-age_group-0").await;
    assert!(app.root.query_selector("#section-child").unwrap().is_none());
}

/// The referral started from the checklist gets a form screen of its own, not the
/// checklist's with new props: nothing of the checklist's screen (its section, its last
/// check, a load still under way) carries over.
#[wasm_bindgen_test]
async fn a_referral_started_from_the_checklist_opens_afresh() {
    let app = Mounted::new().await;
    app.click("Identify").await;
    wait_for(&app, "#section-context").await;
    let checklist_heading = app.root.query_selector("h1").unwrap().unwrap();
    app.click("Check answers").await;
    wait_for(&app, ".error-summary").await;
    click_id(&app, "start-referral").await;
    wait_for(&app, "#section-metadata").await;
    assert_eq!(app.heading(), "Referral form");
    let referral_heading = app.root.query_selector("h1").unwrap().unwrap();
    assert!(!referral_heading.is_same_node(Some(&checklist_heading)));
    assert!(app.root.query_selector(".error-summary").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_required_field_left_empty_shows_a_linked_error() {
    let app = Mounted::new().await;
    app.click("Identify").await;
    wait_for(&app, "#section-context").await;
    app.click("Check answers").await;
    let summary = wait_for(&app, ".error-summary").await;
    assert_eq!(summary.get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(
        gloo::utils::document()
            .active_element()
            .map(|e| e.class_name())
            .as_deref(),
        Some("error-summary")
    );
    // The age question's error is linked from the summary and from its group.
    let link = summary
        .query_selector("a[href=\"#field-age_group-0\"]")
        .unwrap()
        .unwrap();
    assert!(
        link.text_content()
            .unwrap()
            .contains("Answer this question")
    );
    let group = wait_for(&app, "fieldset[aria-describedby~=\"error-age_group\"]").await;
    assert_eq!(group.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(
        app.root
            .query_selector("#error-age_group")
            .unwrap()
            .is_some()
    );
    // Following the link shows the question's section, then (once painted) focuses the
    // group's first choice, and leaves the address alone.
    let before = gloo::utils::window().location().href().unwrap();
    link.dyn_into::<HtmlElement>().unwrap().click();
    after_paint().await;
    assert_eq!(gloo::utils::window().location().href().unwrap(), before);
    assert_eq!(
        gloo::utils::document().active_element().unwrap().id(),
        "field-age_group-0"
    );

    // Answering removes that error.
    choose(&app, "field-age_group-0").await;
    assert!(
        app.root
            .query_selector("#error-age_group")
            .unwrap()
            .is_none()
    );
}

#[wasm_bindgen_test]
async fn next_checks_an_answer_given_in_the_same_moment() {
    let app = Mounted::new().await;
    app.click("Identify").await;
    wait_for(&app, "#section-context").await;
    choose(&app, "field-age_group-0").await;
    choose(&app, "field-sex-0").await;
    // The section's last question and "Next" in one go, before the answer is recorded
    // (a choice is, once its click is painted): "Next" sees it all the same, and moves on.
    let click = |id: &str| {
        gloo::utils::document()
            .get_element_by_id(id)
            .unwrap()
            .unchecked_into::<HtmlElement>()
            .click();
    };
    click("field-age_disputed-0");
    click("section-next");
    wait_for(&app, "#section-act:not([hidden])").await;
    assert!(app.root.query_selector(".error-summary").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn the_outcome_prompts_a_referral_for_a_strong_indicator_and_never_says_victim() {
    let app = Mounted::new().await;
    app.click("Identify").await;
    wait_for(&app, "#section-context").await;
    choose(&app, "field-age_group-0").await;
    assert!(
        app.root
            .query_selector("#prompt-referral")
            .unwrap()
            .is_none()
    );
    // dr_job is the first item of the first dimension, weighted strong; option 0 is "Yes".
    choose(&app, "field-dr_job-0").await;
    let prompt = wait_for(&app, "#prompt-referral").await;
    assert!(
        prompt
            .text_content()
            .unwrap()
            .contains("Presume victim status and refer")
    );
    let outcome = app
        .root
        .query_selector("#outcome")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(!outcome.to_lowercase().contains("is a victim"));
    assert!(!outcome.to_lowercase().contains("confirmed"));
}

#[wasm_bindgen_test]
async fn the_quick_exit_drops_the_answers() {
    let app = Mounted::new().await;
    app.click("Identify").await;
    wait_for(&app, "#section-context").await;
    choose(&app, "field-age_group-1").await;
    app.click("Quick exit").await;
    assert!(app.left.get());
    assert_eq!(app.text(), "");
}

#[wasm_bindgen_test]
async fn switching_to_arabic_mirrors_the_whole_page() {
    let app = Mounted::new().await;
    let root = gloo::utils::document().document_element().unwrap();
    let select: web_sys::HtmlSelectElement = wait_for(&app, "#language").await.dyn_into().unwrap();
    let pick = |tag: &str| {
        select.set_value(tag);
        select
            .dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
    };
    pick("ar");
    yew::scheduler::flush().await;
    assert_eq!(root.get_attribute("dir").as_deref(), Some("rtl"));
    assert_eq!(root.get_attribute("lang").as_deref(), Some("ar"));
    assert!(
        app.text().contains("خروج سريع"),
        "the interface is not in Arabic"
    );
    pick("fr");
    yew::scheduler::flush().await;
    assert_eq!(root.get_attribute("dir").as_deref(), Some("ltr"));
    assert!(
        app.text().contains("Sortie rapide"),
        "the interface is not in French"
    );
    pick("en");
    yew::scheduler::flush().await;
    assert_eq!(root.get_attribute("lang").as_deref(), Some("en"));
}

#[wasm_bindgen_test]
async fn a_referral_starts_from_the_checklist() {
    let app = Mounted::new().await;
    app.click("Identify").await;
    wait_for(&app, "#section-context").await;
    // Age uncertain (option 2); lied to about the job (strong) and the pay (medium).
    choose(&app, "field-age_group-2").await;
    choose(&app, "field-dr_job-0").await;
    choose(&app, "field-dr_pay-0").await;
    app.click("Start a referral").await;
    wait_for(&app, "#section-metadata").await;
    assert_eq!(app.heading(), "Referral form");
    wait_for(&app, "#prefilled-notice").await;
    let uncertain: web_sys::HtmlInputElement = wait_for(&app, "#field-age_group-2")
        .await
        .dyn_into()
        .unwrap();
    assert!(uncertain.checked(), "the age group was not carried over");
    // A person whose age is uncertain is treated as a child: the child section shows.
    wait_for(&app, "#section-child").await;
    // The deceptive-recruitment dimension (after the act, option 1) is among those the
    // checklist found.
    let dr: web_sys::HtmlInputElement = wait_for(&app, "#field-identification_dimensions-1")
        .await
        .dyn_into()
        .unwrap();
    assert!(dr.checked());
}

#[wasm_bindgen_test]
async fn referral_answers_never_reach_storage() {
    let app = Mounted::new().await;
    app.click("Refer").await;
    wait_for(&app, "#section-metadata").await;
    choose(&app, "field-referral_type-0").await;
    let canary = "CANARY-7f3a-referral-name";
    type_into(&app, "field-subject_names", canary).await;
    assert!(!all_storage().contains(canary), "{}", all_storage());
    assert!(
        !gloo::utils::window()
            .location()
            .href()
            .unwrap()
            .contains("CANARY")
    );
}

/// A number answer is written by the browser: the same digits as Rust's `Display` for
/// the numbers forms ask for, in a number field and on the review alike.
#[wasm_bindgen_test]
fn a_number_answer_reads_as_its_digits() {
    use confidant_web::browser::intl::number;
    for (value, text) in [
        (25.0, "25"),
        (2.5, "2.5"),
        (-3.0, "-3"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e6, "1000000"),
    ] {
        assert_eq!(number(value), text);
        assert_eq!(number(value), value.to_string());
    }
}

#[wasm_bindgen_test]
async fn countries_are_chosen_by_name() {
    let app = Mounted::new().await;
    app.click("Refer").await;
    wait_for(&app, "#section-metadata").await;
    let select: web_sys::HtmlSelectElement = wait_for(&app, "#field-recruitment_country")
        .await
        .dyn_into()
        .unwrap();
    let options = select.query_selector_all("option").unwrap();
    assert!(options.length() > 240, "{}", options.length());
    let names: Vec<String> = (0..options.length())
        .filter_map(|i| options.item(i))
        .map(|option| option.text_content().unwrap_or_default())
        .collect();
    assert!(names.iter().any(|name| name == "Albania"), "{names:?}");
    assert!(
        names
            .iter()
            .any(|name| name == "Viet Nam" || name == "Vietnam")
    );

    // Typing part of a name keeps only the names with it in them.
    let listed = |id: &str| -> Vec<String> {
        let options = gloo::utils::document()
            .get_element_by_id(id)
            .unwrap()
            .query_selector_all("option")
            .unwrap();
        (0..options.length())
            .filter_map(|i| options.item(i))
            .map(|option| option.text_content().unwrap_or_default())
            .collect()
    };
    type_into(&app, "field-recruitment_country-search", "ALBANI").await;
    after_paint().await;
    assert_eq!(listed("field-recruitment_country"), ["Choose…", "Albania"]);
    // The answer given stays listed, whatever is typed next.
    select.set_value("AL");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    after_paint().await;
    type_into(&app, "field-recruitment_country-search", "viet").await;
    after_paint().await;
    let narrowed = listed("field-recruitment_country");
    assert_eq!(narrowed.len(), 3, "{narrowed:?}");
    assert!(narrowed.contains(&"Albania".to_owned()), "{narrowed:?}");
    assert_eq!(select.value(), "AL");

    // The deployment's common languages come first, in their own group.
    let group = wait_for(&app, "#field-main_language optgroup").await;
    assert_eq!(group.get_attribute("label").as_deref(), Some("Common here"));
    let common: Vec<String> = {
        let options = group.query_selector_all("option").unwrap();
        (0..options.length())
            .filter_map(|i| options.item(i))
            .filter_map(|option| option.dyn_into::<Element>().ok()?.get_attribute("value"))
            .collect()
    };
    assert_eq!(common, ["en", "fr", "es", "ar", "tl"]);
}

#[wasm_bindgen_test]
async fn a_group_checklist_is_kept_only_when_chosen_and_the_agreement_drafts_a_document() {
    local_storage().clear().unwrap();
    let app = Mounted::new().await;
    app.click("Group checklists").await;
    let open: HtmlElement = wait_for(&app, "#open-group-agreement")
        .await
        .dyn_into()
        .unwrap();
    open.click();
    yew::scheduler::flush().await;
    wait_for(&app, "#section-protocol").await;
    let purpose = "Work together for the people we meet.";
    type_into(&app, "field-protocol_purpose", purpose).await;
    assert_eq!(
        local_storage().length().unwrap(),
        0,
        "kept without being asked"
    );

    choose(&app, "keep-in-browser").await;
    let kept = local_storage()
        .get_item("confidant.kept.group-agreement")
        .unwrap()
        .unwrap_or_default();
    assert!(kept.contains(purpose), "{kept}");

    app.click("Show the draft document").await;
    let draft = wait_for(&app, "#draft").await;
    let text = draft.text_content().unwrap();
    assert!(text.contains(purpose));
    assert!(text.contains("To be agreed."));
    app.click("Back to the checklist").await;
    wait_for(&app, "#section-protocol").await;

    // Unticking forgets them.
    choose(&app, "keep-in-browser").await;
    assert_eq!(
        local_storage()
            .get_item("confidant.kept.group-agreement")
            .unwrap(),
        None
    );
}

#[wasm_bindgen_test]
async fn a_form_follows_the_language_from_its_translation_file() {
    let app = Mounted::new().await;
    app.click("Identify").await;
    wait_for(&app, "#section-context").await;
    assert_eq!(app.heading(), "Identification checklist");
    let select: web_sys::HtmlSelectElement = wait_for(&app, "#language").await.dyn_into().unwrap();
    select.set_value("fr");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    for _ in 0..200 {
        if app.heading() == "Liste de contrôle pour l'identification" {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
        yew::scheduler::flush().await;
    }
    assert_eq!(app.heading(), "Liste de contrôle pour l'identification");
    // Not yet checked by a native speaker: the form says so.
    assert!(app.root.query_selector("p.notice").unwrap().is_some());
    select.set_value("en");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
}

async fn click_id(app: &Mounted, id: &str) {
    let button: HtmlElement = wait_for(app, &format!("#{id}")).await.dyn_into().unwrap();
    button.click();
    yew::scheduler::flush().await;
}

fn input_value(app: &Mounted, id: &str) -> String {
    app.root
        .query_selector(&format!("#{id}"))
        .unwrap()
        .map(|input| {
            js_sys::Reflect::get(&input, &"value".into())
                .unwrap()
                .as_string()
                .unwrap_or_default()
        })
        .unwrap_or_default()
}

/// The drafts kept in storage: (name, sealed text).
fn stored_drafts() -> Vec<(String, String)> {
    let storage = local_storage();
    (0..storage.length().unwrap())
        .filter_map(|at| storage.key(at).unwrap())
        .filter(|key| key.starts_with("confidant.draft."))
        .map(|key| {
            let sealed = storage.get_item(&key).unwrap().unwrap();
            (key, sealed)
        })
        .collect()
}

/// Opens the drafts panel's fold ("Drafts"), which brings the panel's module.
async fn open_drafts(app: &Mounted) {
    click_id(app, "draft-heading").await;
    wait_for(app, "#draft-label").await;
}

/// Keeps a draft of the person under `label`, with a first passphrase.
async fn keep_first_draft(app: &Mounted, label: &str, passphrase: &str) {
    open_drafts(app).await;
    type_into(app, "draft-label", label).await;
    type_into(app, "draft-passphrase", passphrase).await;
    type_into(app, "draft-passphrase-again", passphrase).await;
    click_id(app, "keep-draft").await;
    wait_for(app, "#draft-kept").await;
}

#[wasm_bindgen_test]
async fn a_draft_is_kept_sealed_locks_and_opens_only_with_its_passphrase() {
    local_storage().clear().unwrap();
    let app = Mounted::new().await;
    app.click("Refer").await;
    wait_for(&app, "#section-metadata").await;
    let canary = "CANARY-draft-name";
    choose(&app, "field-referral_type-0").await;
    type_into(&app, "field-subject_names", canary).await;

    // No label: refused. Then a passphrase too short, then two that differ: refused,
    // nothing kept.
    open_drafts(&app).await;
    type_into(&app, "draft-passphrase", "a long passphrase kept apart").await;
    type_into(
        &app,
        "draft-passphrase-again",
        "a long passphrase kept apart",
    )
    .await;
    click_id(&app, "keep-draft").await;
    wait_for_text(&app, "#draft-problem", "label").await;
    type_into(&app, "draft-label", "CANARY-label").await;
    type_into(&app, "draft-passphrase", "short").await;
    type_into(&app, "draft-passphrase-again", "short").await;
    click_id(&app, "keep-draft").await;
    wait_for_text(&app, "#draft-problem", "10 characters").await;
    type_into(&app, "draft-passphrase", "a long passphrase kept apart").await;
    type_into(
        &app,
        "draft-passphrase-again",
        "another passphrase entirely different",
    )
    .await;
    click_id(&app, "keep-draft").await;
    assert!(stored_drafts().is_empty());
    // Long enough, the same twice, but easy to guess: refused, and the advice is shown.
    type_into(&app, "draft-passphrase", "password password").await;
    type_into(&app, "draft-passphrase-again", "password password").await;
    click_id(&app, "keep-draft").await;
    wait_for_text(&app, "#draft-problem", "too easy to guess").await;
    assert!(stored_drafts().is_empty());

    keep_first_draft(&app, "CANARY-label", "a long passphrase kept apart").await;
    wait_for_text(&app, "#draft-kept", "CANARY-label").await;
    let drafts = stored_drafts();
    assert_eq!(drafts.len(), 1);
    let (name, sealed) = drafts[0].clone();
    assert!(name.starts_with("confidant.draft.person."), "{name}");
    assert!(sealed.contains("confidant-draft"));
    // Neither the answers nor the label are readable in storage.
    assert!(!all_storage().contains("CANARY"), "{}", all_storage());

    // Locked: the answers leave the page; the sealed draft stays.
    click_id(&app, "lock-draft").await;
    wait_for(&app, "#open-draft").await;
    assert_eq!(input_value(&app, "field-subject_names"), "");
    assert_eq!(stored_drafts(), [(name.clone(), sealed.clone())]);

    // A wrong passphrase: a clear error, the draft untouched.
    type_into(&app, "draft-passphrase", "not the passphrase").await;
    click_id(&app, "open-draft").await;
    wait_for(&app, "#draft-problem").await;
    assert_eq!(stored_drafts(), [(name.clone(), sealed)]);
    // The right one: the drafts by label, and the answers back once one is opened.
    type_into(&app, "draft-passphrase", "a long passphrase kept apart").await;
    click_id(&app, "open-draft").await;
    let entry = wait_for_text(&app, "#draft-list li", "CANARY-label").await;
    entry
        .query_selector(".resume-draft")
        .unwrap()
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    wait_for_text(&app, "#draft-kept", "CANARY-label").await;
    assert_eq!(input_value(&app, "field-subject_names"), canary);
    local_storage().clear().unwrap();
}

#[wasm_bindgen_test]
async fn a_referral_draft_kept_before_drafts_were_per_person_opens_and_is_kept_again() {
    use confidant_core::draft::{DraftKey, PERSON, PersonDraft};
    use confidant_core::keys::{KdfParams, Passphrase};
    local_storage().clear().unwrap();
    let passphrase = "a long passphrase kept apart";
    let key = DraftKey::derive(
        &Passphrase::new(passphrase.to_owned()),
        KdfParams::MINIMUM,
        &mut getrandom::SysRng,
    )
    .unwrap();
    let earlier = key
        .seal(
            "referral",
            r#"{"subject_names":"CANARY-earlier"}"#,
            &mut getrandom::SysRng,
        )
        .unwrap();
    local_storage()
        .set_item("confidant.draft.referral", &earlier)
        .unwrap();
    let app = Mounted::new().await;
    app.click("Refer").await;
    wait_for(&app, "#open-draft").await;
    type_into(&app, "draft-passphrase", passphrase).await;
    click_id(&app, "open-draft").await;
    wait_for_text(&app, "#draft-list li", "Referral kept earlier").await;
    // Kept again as a person's draft, under a random name; the earlier entry is gone.
    let drafts = stored_drafts();
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    assert!(drafts[0].0.starts_with("confidant.draft.person."));
    let content = key.open_sealed(&drafts[0].1, PERSON).unwrap();
    let kept = PersonDraft::from_text(&content).unwrap();
    assert_eq!(
        kept.forms["referral"]["subject_names"],
        serde_json::Value::from("CANARY-earlier")
    );
    click_id_in(&app, "#draft-list li", ".resume-draft").await;
    wait_for(&app, "#draft-kept").await;
    wait_for(&app, "#field-subject_names").await;
    assert_eq!(input_value(&app, "field-subject_names"), "CANARY-earlier");
    local_storage().clear().unwrap();
}

#[wasm_bindgen_test]
async fn the_workers_agency_details_are_kept_sealed_by_choice_and_fill_the_next_referral() {
    local_storage().clear().unwrap();
    let app = Mounted::new().await;
    app.click("Refer").await;
    wait_for(&app, "#section-metadata").await;
    keep_first_draft(&app, "first", "a long passphrase kept apart").await;
    type_into(&app, "field-referring_organisation", "CANARY-agency").await;
    type_into(&app, "field-referrer_name", "CANARY-worker").await;
    click_id(&app, "keep-profile").await;
    wait_for(&app, "#profile-kept").await;
    let sealed = local_storage()
        .get_item("confidant.draft.profile")
        .unwrap()
        .unwrap();
    assert!(sealed.contains("confidant-draft"));
    assert!(!all_storage().contains("CANARY"), "{}", all_storage());

    // Locked, the person's answers go; unlocked, the agency's come back into the
    // referral, and nothing of the person's.
    click_id(&app, "lock-draft").await;
    wait_for(&app, "#open-draft").await;
    assert_eq!(input_value(&app, "field-referring_organisation"), "");
    type_into(&app, "draft-passphrase", "a long passphrase kept apart").await;
    click_id(&app, "open-draft").await;
    wait_for(&app, "#draft-list").await;
    wait_for(&app, "#profile-kept").await;
    assert_eq!(
        input_value(&app, "field-referring_organisation"),
        "CANARY-agency"
    );
    assert_eq!(input_value(&app, "field-referrer_name"), "CANARY-worker");

    // Forgotten: gone from storage.
    click_id(&app, "forget-profile").await;
    wait_for(&app, "#keep-profile").await;
    assert!(
        local_storage()
            .get_item("confidant.draft.profile")
            .unwrap()
            .is_none()
    );
    local_storage().clear().unwrap();
}

/// Clicks the `button` inside the first `within`.
async fn click_id_in(app: &Mounted, within: &str, button: &str) {
    let found = wait_for(app, within).await;
    found
        .query_selector(button)
        .unwrap()
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    after_paint().await;
}

#[wasm_bindgen_test]
async fn an_open_draft_locks_itself_after_a_while_without_answers() {
    local_storage().clear().unwrap();
    let app = Mounted::with_draft_lock(Some(1500.0)).await;
    app.click("Refer").await;
    wait_for(&app, "#section-metadata").await;
    type_into(&app, "field-referring_organisation", "CANARY-org").await;
    keep_first_draft(&app, "Tuesday", "a long passphrase kept apart").await;
    // Nothing answered for a while: locked, the answers gone from the page, and no blank
    // form in their place: the unlock, or a new person.
    wait_for(&app, "#draft-locked").await;
    wait_for(&app, "#open-draft").await;
    assert!(
        app.root
            .query_selector("#field-referring_organisation")
            .unwrap()
            .is_none()
    );
    click_id(&app, "new-person").await;
    wait_for(&app, "#field-age_group-0").await;
    assert!(app.root.query_selector("#draft-locked").unwrap().is_none());
    local_storage().clear().unwrap();
}
