use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::interface_text::LANGUAGES;
pub use crate::interface_text::is_right_to_left;

#[derive(Debug, Properties, PartialEq)]
pub struct LanguagePickerProps {
    pub language: AttrValue,
    pub onchoose: Callback<String>,
}

/// A labelled list of languages, each named in its own language.
#[function_component(LanguagePicker)]
pub fn language_picker(props: &LanguagePickerProps) -> Html {
    let onchange = props
        .onchoose
        .reform(|event: Event| event.target_unchecked_into::<HtmlSelectElement>().value());
    html! {
        <div class="language-picker">
            <label for="language">{ crate::interface_text::for_language(&props.language).language }</label>
            <select id="language" {onchange}>
                { for LANGUAGES.iter().map(|language| html! {
                    <option value={language.tag} lang={language.tag}
                        selected={props.language == language.tag}>{ language.name }</option>
                }) }
            </select>
        </div>
    }
}
