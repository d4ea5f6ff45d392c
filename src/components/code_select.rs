//! Choosing a country (ISO 3166-1 alpha-2) or a language (ISO 639-1) by its name in the
//! form's language. The names come from the browser (`Intl.DisplayNames`), so the app
//! carries only the codes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::JsValue;

/// Every country code, two letters each: the ISO 3166-1 alpha-2 codes in use, and XK
/// (Kosovo), which the standard leaves to users and which referrals need.
const COUNTRIES: &str = "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSXKYEYTZAZMZW";

/// Every ISO 639-1 language code, two letters each.
const LANGUAGES: &str = "aaabaeafakamanarasavayazbabebgbhbibmbnbobrbscacechcocrcscucvcydadedvdzeeeleneoeseteufafffifjfofrfygagdglgngugvhahehihohrhthuhyhziaidieigiiikioisitiujajvkakgkikjkkklkmknkokrkskukvkwkylalblglilnloltlulvmgmhmimkmlmnmrmsmtmynanbndnengnlnnnrnvnyocojomorospapiplpsptqurmrnrorurwsascsdsesgsiskslsmsnsosqsrssstsusvswtatetgthtitktntotrtstttwtyugukuruzvevivowawoxhyiyozazhzu";

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
    static NAMED: RefCell<HashMap<(Codes, String), Names>> = RefCell::new(HashMap::new());
}

/// The codes with their names in `language`, sorted by name; made once per language.
pub fn named(codes: Codes, language: &str) -> Names {
    let key = (codes, language.to_owned());
    if let Some(names) = NAMED.with(|named| named.borrow().get(&key).cloned()) {
        return names;
    }
    let (all, kind) = match codes {
        Codes::Country => (COUNTRIES, "region"),
        Codes::Language => (LANGUAGES, "language"),
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"type".into(), &kind.into());
    let locales = js_sys::Array::of1(&JsValue::from_str(language));
    let display = js_sys::Intl::DisplayNames::new(&locales, &options);
    let mut names: Vec<(String, String)> = all
        .as_bytes()
        .chunks(2)
        .filter_map(|pair| std::str::from_utf8(pair).ok())
        .map(|code| {
            let name = display
                .of(code)
                .map(String::from)
                .unwrap_or_else(|| code.to_owned());
            (code.to_owned(), name)
        })
        .collect();
    let compare = js_sys::Intl::Collator::new(&locales, &js_sys::Object::new()).compare();
    names.sort_by(|a, b| {
        let order = compare
            .call2(
                &JsValue::NULL,
                &JsValue::from_str(&a.1),
                &JsValue::from_str(&b.1),
            )
            .ok()
            .and_then(|order| order.as_f64())
            .unwrap_or(0.0);
        order.partial_cmp(&0.0).unwrap_or(std::cmp::Ordering::Equal)
    });
    let names = Rc::new(names);
    NAMED.with(|named| named.borrow_mut().insert(key, names.clone()));
    names
}
