//! Choosing a country (ISO 3166-1 alpha-2) or a language (ISO 639-1) by its name in the
//! form's language. The names come from the browser (`browser::intl`), so the app carries
//! only the codes; a code the browser cannot name is not offered.
//!
//! A list of two hundred names is long to scroll on a phone: a search box above it keeps
//! only the names with what is typed in them, and the deployment's common choices (a
//! field's `common` codes) come first, in their own group.

use std::cell::RefCell;
use std::rc::Rc;

use confidant_core::lower_case::lower_case_text;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::browser::intl::{self, NameKind};

/// Every country code, two letters each: the ISO 3166-1 alpha-2 codes in use, and XK
/// (Kosovo), which the standard leaves to users and which referrals need.
const COUNTRIES: &str = "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSXKYEYTZAZMZW";

/// Every ISO 639-1 language code, two letters each.
const LANGUAGES: &str = "aaabaeafakamanarasavayazbabebgbhbibmbnbobrbscacechcocrcscucvcydadedvdzeeeleneoeseteufafffifjfofrfygagdglgngugvhahehihohrhthuhyhziaidieigiiikioisitiujajvkakgkikjkkklkmknkokrkskukvkwkylalblglilnloltlulvmgmhmimkmlmnmrmsmtmynanbndnengnlnnnrnvnyocojomorospapiplpsptqurmrnrorurwsascsdsesgsiskslsmsnsosqsrssstsusvswtatetgthtitktltntotrtstttwtyugukuruzvevivowawoxhyiyozazhzu";

/// Which list of codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Codes {
    Country,
    Language,
}

impl Codes {
    /// The list a field of this kind chooses from, if it chooses a code.
    pub fn of(kind: &confidant_core::form::FieldKind) -> Option<Self> {
        match kind {
            confidant_core::form::FieldKind::Country => Some(Self::Country),
            confidant_core::form::FieldKind::Language => Some(Self::Language),
            _ => None,
        }
    }
}

type Names = Rc<Vec<(String, String)>>;

thread_local! {
    /// The lists made so far, by codes and language: a handful at most (two lists for
    /// each language the worker has chosen), so a short list, not a map.
    static NAMED: RefCell<Vec<(Codes, String, Names)>> = const { RefCell::new(Vec::new()) };
}

/// The codes with their names in `language`, sorted by name; made once per language.
pub fn named(codes: Codes, language: &str) -> Names {
    let made = NAMED.with(|named| {
        named
            .borrow()
            .iter()
            .find(|(made, tag, _)| *made == codes && tag == language)
            .map(|(_, _, names)| names.clone())
    });
    if let Some(names) = made {
        return names;
    }
    let (all, kind) = match codes {
        Codes::Country => (COUNTRIES, NameKind::Region),
        Codes::Language => (LANGUAGES, NameKind::Language),
    };
    let all: Vec<&str> = all
        .as_bytes()
        .chunks(2)
        .filter_map(|pair| std::str::from_utf8(pair).ok())
        .collect();
    let names = intl::names(kind, language, &all);
    let names = Rc::new(names);
    NAMED.with(|named| {
        named
            .borrow_mut()
            .push((codes, language.to_owned(), names.clone()))
    });
    names
}

/// Whether `name` (or `code`) matches what was typed: a part of the name, in any case.
fn matches(code: &str, name: &str, typed: &str) -> bool {
    let typed = lower_case_text(typed.trim());
    typed.is_empty() || lower_case_text(name).contains(&typed) || code.eq_ignore_ascii_case(&typed)
}

#[derive(Debug, Properties, PartialEq)]
pub struct CodeChoiceProps {
    /// The field's id: the list is `field-ID`, the search box `field-ID-search`.
    pub id: AttrValue,
    pub codes: Codes,
    /// The deployment's common choices, offered first.
    pub common: Vec<String>,
    /// The code chosen, or empty.
    pub selected: AttrValue,
    pub language: AttrValue,
    #[prop_or_default]
    pub described_by: Option<AttrValue>,
    #[prop_or_default]
    pub invalid: Option<AttrValue>,
    /// A code chosen, or the choice taken back.
    pub onchoose: Callback<Option<String>>,
}

/// A search box and the list it narrows. The chosen name always stays in the list, so
/// that the list never shows another answer than the one given.
#[function_component(CodeChoice)]
pub fn code_choice(props: &CodeChoiceProps) -> Html {
    let words = crate::interface_text::for_language(&props.language);
    let typed = use_state(String::new);
    let names = named(props.codes, &props.language);
    let kept = |code: &str, name: &str| matches(code, name, &typed) || code == props.selected;
    let option = |code: &String, name: &String| {
        html! { <option value={code.clone()} selected={*code == props.selected}>{ name.clone() }</option> }
    };
    let common: Vec<(&String, &String)> = props
        .common
        .iter()
        .filter_map(|wanted| names.iter().find(|(code, _)| code == wanted))
        .filter(|(code, name)| kept(code, name))
        .map(|(code, name)| (code, name))
        .collect();
    let rest = names
        .iter()
        .filter(|(code, name)| kept(code, name) && !props.common.contains(code));
    let oninput = {
        let typed = typed.clone();
        Callback::from(move |event: InputEvent| {
            typed.set(event.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let onchange = props.onchoose.reform(|event: Event| {
        let code = event.target_unchecked_into::<HtmlSelectElement>().value();
        (!code.is_empty()).then_some(code)
    });
    let search_label = match props.codes {
        Codes::Country => words.find_country(),
        Codes::Language => words.find_language(),
    };
    let id = &props.id;
    html! {
        <>
            <div class="code-search">
                <label for={format!("field-{id}-search")}>{ search_label }</label>
                <input type="search" id={format!("field-{id}-search")} value={(*typed).clone()} {oninput}
                    autocomplete="off" spellcheck="false" aria-controls={format!("field-{id}")} />
            </div>
            <select id={format!("field-{id}")} {onchange}
                aria-describedby={props.described_by.clone()} aria-invalid={props.invalid.clone()}>
                <option value="" selected={props.selected.is_empty()}>{ words.choose() }</option>
                if common.is_empty() {
                    { for rest.map(|(code, name)| option(code, name)) }
                } else {
                    <optgroup label={words.common_choices()}>
                        { for common.iter().map(|(code, name)| option(code, name)) }
                    </optgroup>
                    <optgroup label={words.all_choices()}>
                        { for rest.map(|(code, name)| option(code, name)) }
                    </optgroup>
                }
            </select>
        </>
    }
}
