use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The languages the interface offers: tag, name in that language, right to left.
pub const LANGUAGES: [(&str, &str, bool); 4] = [
    ("en", "English", false),
    ("fr", "Français", false),
    ("es", "Español", false),
    ("ar", "العربية", true),
];

/// Whether a language tag is written right to left.
pub fn is_right_to_left(tag: &str) -> bool {
    LANGUAGES.iter().any(|(code, _, rtl)| *code == tag && *rtl)
}

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
                { for LANGUAGES.iter().map(|(code, name, _)| html! {
                    <option value={*code} lang={*code} selected={props.language == *code}>{ *name }</option>
                }) }
            </select>
        </div>
    }
}
