use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::interface_text::LANGUAGES;
pub use crate::interface_text::is_right_to_left;

#[derive(Debug, Properties, PartialEq)]
pub struct LanguagePickerProps {
    pub language: AttrValue,
    pub onchoose: Callback<String>,
    /// The last language chosen could not be loaded.
    #[prop_or_default]
    pub unavailable: bool,
}

/// A labelled list of languages, each named in its own language. A choice is called back
/// and the list goes on showing the interface's language until the root switches to the
/// new one (once its words are loaded), so that it never names a language the page is
/// not in.
#[function_component(LanguagePicker)]
pub fn language_picker(props: &LanguagePickerProps) -> Html {
    let select = use_node_ref();
    {
        let select = select.clone();
        use_effect_with(props.language.clone(), move |language| {
            if let Some(select) = select.cast::<HtmlSelectElement>() {
                select.set_value(language);
            }
        });
    }
    let onchange = {
        let (onchoose, language) = (props.onchoose.clone(), props.language.clone());
        Callback::from(move |event: Event| {
            let select = event.target_unchecked_into::<HtmlSelectElement>();
            let chosen = select.value();
            select.set_value(&language);
            onchoose.emit(chosen);
        })
    };
    let words = crate::interface_text::for_language(&props.language);
    html! {
        <div class="language-picker">
            <label for="language">{ words.language() }</label>
            <select id="language" ref={select} {onchange}
                aria-describedby={props.unavailable.then_some("language-unavailable")}>
                { for LANGUAGES.iter().map(|language| html! {
                    <option value={language.tag} lang={language.tag}
                        selected={props.language == language.tag}>{ language.name }</option>
                }) }
            </select>
            if props.unavailable {
                <p class="notice" id="language-unavailable" role="status">{ words.language_unavailable() }</p>
            }
        </div>
    }
}
