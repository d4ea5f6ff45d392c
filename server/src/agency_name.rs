//! Which names an agency may be registered under.
//!
//! A worker picks the agencies a referral goes to by their names, and a browser pins a
//! name on first use, so a name must look like exactly one thing: no invisible characters
//! (controls, format characters such as U+200B or U+202E, fillers), no spaces that cannot
//! be seen (leading, trailing, doubled, or other than the plain space), no mix of scripts
//! that look alike ("Pοlice" with a Greek omicron), and nothing that looks like the name of
//! an agency already registered under another key ("PoIice unit" with a capital I beside
//! "Police unit").
//!
//! The rules are Unicode's for identifiers (UTS #39, through `unicode-security`): each
//! character must be one the General Security Profile allows in identifiers, or a space
//! or a little common punctuation; the letters must meet the "moderately restrictive"
//! level (one script, or Latin with one other script that is neither Cyrillic nor Greek,
//! or Chinese, Japanese and Korean with Latin); and two names look alike when their
//! confusable skeletons are equal, with or without case.
//!
//! Messages never quote the name itself: they point at a character by its position and
//! code point, and quote an existing name only escaped.

use unicode_security::{
    GeneralSecurityProfile, MixedScript, RestrictionLevel, RestrictionLevelDetection,
    is_potential_mixed_script_confusable_char, skeleton,
};

use crate::untrusted_text::shown_value;

/// The longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Punctuation agency names commonly use, beyond what UTS #39 allows in identifiers
/// (which already has the apostrophes, the hyphen, the full stop and the colon).
const NAME_PUNCTUATION: &str = "&(),/+#";

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameRefusal {
    Empty,
    TooLong,
    /// A space at the start or the end.
    OuterSpace,
    /// Two spaces in a row.
    DoubleSpace,
    /// A character that cannot be seen: its position (from 1) and code point.
    Invisible {
        position: usize,
        code_point: u32,
    },
    /// A character not used in names (a symbol, a restricted script, a compatibility
    /// form): its position (from 1) and code point.
    NotForNames {
        position: usize,
        code_point: u32,
    },
    /// Letters of scripts that look alike, mixed; the position of one that is out of
    /// place, when one can be pointed at.
    MixedScripts {
        position: Option<usize>,
    },
    /// The name looks like this existing agency's name (escaped).
    LooksLike {
        existing: String,
    },
}

impl std::fmt::Display for NameRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str("the name is empty"),
            Self::TooLong => write!(f, "the name is longer than {MAX_NAME_CHARS} characters"),
            Self::OuterSpace => f.write_str("the name starts or ends with a space"),
            Self::DoubleSpace => f.write_str("the name has two spaces in a row"),
            Self::Invisible {
                position,
                code_point,
            } => write!(
                f,
                "character {position} of the name (U+{code_point:04X}) is invisible or a space other than the plain space"
            ),
            Self::NotForNames {
                position,
                code_point,
            } => write!(
                f,
                "character {position} of the name (U+{code_point:04X}) is not one used in names"
            ),
            Self::MixedScripts { position: None } => {
                f.write_str("the name mixes scripts whose letters look alike")
            }
            Self::MixedScripts {
                position: Some(position),
            } => write!(
                f,
                "the name mixes scripts whose letters look alike (character {position})"
            ),
            Self::LooksLike { existing } => write!(
                f,
                "the name looks like that of an agency already registered: `{existing}`"
            ),
        }
    }
}

impl std::error::Error for NameRefusal {}

/// Checks a new agency's name against the rules above and against `existing`, the names
/// of the agencies registered under other keys.
pub fn check_agency_name(name: &str, existing: &[&str]) -> Result<(), NameRefusal> {
    if name.is_empty() {
        return Err(NameRefusal::Empty);
    }
    if name.chars().nth(MAX_NAME_CHARS).is_some() {
        return Err(NameRefusal::TooLong);
    }
    for (index, c) in name.chars().enumerate() {
        let position = index + 1;
        let code_point = u32::from(c);
        if c == ' ' {
            continue;
        }
        if c.is_control() || c.is_whitespace() || is_default_ignorable(c) {
            return Err(NameRefusal::Invisible {
                position,
                code_point,
            });
        }
        if !c.identifier_allowed() && !NAME_PUNCTUATION.contains(c) {
            return Err(NameRefusal::NotForNames {
                position,
                code_point,
            });
        }
    }
    if name.starts_with(' ') || name.ends_with(' ') {
        return Err(NameRefusal::OuterSpace);
    }
    if name.contains("  ") {
        return Err(NameRefusal::DoubleSpace);
    }
    // Spaces and punctuation are identifiers' business no more: the letters and digits
    // alone decide the restriction level.
    let letters: String = name
        .chars()
        .filter(|c| *c != ' ' && !NAME_PUNCTUATION.contains(*c))
        .collect();
    if letters.as_str().detect_restriction_level() > RestrictionLevel::ModeratelyRestrictive {
        return Err(NameRefusal::MixedScripts {
            position: out_of_place(name),
        });
    }
    let own = skeletons(name);
    if let Some(twin) = existing.iter().find(|other| {
        let theirs = skeletons(other);
        own.0 == theirs.0 || own.1 == theirs.1
    }) {
        return Err(NameRefusal::LooksLike {
            existing: shown_value(twin),
        });
    }
    Ok(())
}

/// A default-ignorable code point (Unicode's list of what renders as nothing: U+200B,
/// U+200E, U+202E, U+FEFF, U+00AD, the Hangul fillers, variation selectors, …). The
/// confusable skeleton drops exactly these, so a character whose skeleton is empty is one.
fn is_default_ignorable(c: char) -> bool {
    let mut buffer = [0; 4];
    skeleton(c.encode_utf8(&mut buffer)).next().is_none()
}

/// The position (from 1) of the first letter whose script is not the first letter's and
/// that looks like a letter of another script.
fn out_of_place(name: &str) -> Option<usize> {
    let first = name
        .chars()
        .find(|c| !c.to_string().as_str().resolve_script_set().is_all())?;
    name.chars().enumerate().find_map(|(index, c)| {
        let pair = format!("{first}{c}");
        (!pair.as_str().is_single_script() && is_potential_mixed_script_confusable_char(c))
            .then_some(index + 1)
    })
}

/// A name's confusable skeleton (UTS #39), as written and in lower case: "PoIice" and
/// "Police" share the first, "police" and "POLICE" the second.
fn skeletons(name: &str) -> (String, String) {
    (
        skeleton(name).collect(),
        skeleton(&name.to_lowercase()).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(name: &str) -> NameRefusal {
        match check_agency_name(name, &[]) {
            Err(refusal) => refusal,
            Ok(()) => panic!("accepted {name:?}"),
        }
    }

    #[test]
    fn ordinary_names_in_many_languages_are_accepted() {
        for name in [
            "Police unit",
            "Unité de police",
            "وحدة الشرطة",
            "Protección de la infancia",
            "Shelter North (Women & Children), No. 2",
            "Kinderschutzbund Köln-Süd",
            "O'Brien House",
            "Служба защиты детей",
            "Αστυνομία",
            "警察 Police",
            "UNHCR مكتب",
        ] {
            assert_eq!(check_agency_name(name, &[]), Ok(()), "{name}");
        }
    }

    #[test]
    fn a_greek_omicron_among_latin_letters_is_refused() {
        assert_eq!(
            refused("P\u{3bf}lice unit"),
            NameRefusal::MixedScripts { position: Some(2) }
        );
        // A Cyrillic word that reads as Latin, beside a Latin one.
        assert!(matches!(
            refused("\u{420}\u{435}\u{430}\u{441}\u{435} unit"),
            NameRefusal::MixedScripts { .. }
        ));
    }

    #[test]
    fn invisible_and_format_characters_are_refused() {
        for (name, position, code_point) in [
            ("Police\u{200b}unit", 7, 0x200b),
            ("Police unit\u{200e}", 12, 0x200e),
            ("\u{202e}tinu ecilop", 1, 0x202e),
            ("\u{feff}Police", 1, 0xfeff),
            ("Pol\u{ad}ice", 4, 0xad),
            ("Police\u{a0}unit", 7, 0xa0),
            ("Police\tunit", 7, 0x9),
            ("Police\nunit", 7, 0xa),
            ("Police\u{1b}[31m", 7, 0x1b),
            ("Police\u{3164}", 7, 0x3164),
            ("Police\u{200d}unit", 7, 0x200d),
        ] {
            assert_eq!(
                refused(name),
                NameRefusal::Invisible {
                    position,
                    code_point
                },
                "{name:?}"
            );
        }
    }

    #[test]
    fn spaces_must_be_single_and_inside() {
        assert_eq!(refused(" Police"), NameRefusal::OuterSpace);
        assert_eq!(refused("Police "), NameRefusal::OuterSpace);
        assert_eq!(refused("Police  unit"), NameRefusal::DoubleSpace);
        assert_eq!(refused(""), NameRefusal::Empty);
        assert_eq!(refused(&"x".repeat(201)), NameRefusal::TooLong);
        assert_eq!(check_agency_name(&"x".repeat(200), &[]), Ok(()));
    }

    #[test]
    fn symbols_and_compatibility_forms_are_refused() {
        for name in [
            "Police \u{1f46e}",
            "\u{ff30}olice",
            "Police\u{2122}",
            "Police <unit>",
        ] {
            assert!(
                matches!(refused(name), NameRefusal::NotForNames { .. }),
                "{name:?}"
            );
        }
    }

    #[test]
    fn a_look_alike_of_an_agency_already_registered_is_refused() {
        let existing = ["Police unit", "Shelter North"];
        assert_eq!(
            check_agency_name("PoIice unit", &existing),
            Err(NameRefusal::LooksLike {
                existing: "Police unit".to_owned()
            })
        );
        assert!(check_agency_name("SHELTER NORTH", &existing).is_err());
        assert!(check_agency_name("Shelter North", &existing).is_err());
        assert_eq!(check_agency_name("Shelter South", &existing), Ok(()));
        assert_eq!(check_agency_name("Police unit 2", &existing), Ok(()));
    }

    #[test]
    fn messages_never_quote_the_name() {
        let hostile = "Police\u{202e}\u{1b}[2J";
        let message = refused(hostile).to_string();
        assert_eq!(
            message,
            "character 7 of the name (U+202E) is invisible or a space other than the plain space"
        );
        let existing = ["Unit\u{e9}"];
        let message = check_agency_name("Unit\u{e9}", &existing)
            .expect_err("a twin")
            .to_string();
        assert!(message.is_ascii(), "{message}");
    }
}
