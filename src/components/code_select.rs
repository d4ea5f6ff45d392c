//! Choosing a country (ISO 3166-1 alpha-2) or a language (ISO 639-1) by its name in the
//! form's language. The names come from the browser (`browser::intl`), so the app carries
//! only the codes; a code the browser cannot name is not offered.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

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
    static NAMED: RefCell<HashMap<(Codes, String), Names>> = RefCell::new(HashMap::new());
}

/// The codes with their names in `language`, sorted by name; made once per language.
pub fn named(codes: Codes, language: &str) -> Names {
    let key = (codes, language.to_owned());
    if let Some(names) = NAMED.with(|named| named.borrow().get(&key).cloned()) {
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
    NAMED.with(|named| named.borrow_mut().insert(key, names.clone()));
    names
}
