//! Reading untrusted JSON strictly: derived structs from objects only, arrays bounded while
//! they are read, and a budget checked before any tree is built.
//!
//! Derived `Deserialize` impls also accept a JSON array of the fields in order, which
//! would give every structure in the packet and key-file formats a second, undocumented
//! spelling. Wrapping a type in [`JsonObject`] refuses everything but an object, while
//! keeping the derived checks (unknown and duplicate members).

use core::fmt;
use core::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Error as _, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// What a Confidant payload says it is (`format`, `format_version`), read before its
/// shape is held to that format's, so that a payload of another kind is named as such.
pub(crate) fn payload_format(text: &str) -> Result<(String, u32), serde_json::Error> {
    #[derive(Deserialize)]
    struct Label {
        format: String,
        format_version: u32,
    }
    let JsonObject(label): JsonObject<Label> = serde_json::from_str(text)?;
    Ok((label.format, label.format_version))
}

/// JSON in decoded bytes (a base64url part of a packet or a signature), read as text:
/// every document is then read by serde_json's one reader of text, where reading bytes
/// as well compiled a second reader into each module (566 bytes brotli in the app's,
/// 1,695 in the inbox's, bench/weight.mjs). Bytes that are not UTF-8 are refused, as
/// serde_json would refuse them, with an error of its type.
pub(crate) fn from_json_bytes<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
) -> Result<T, serde_json::Error> {
    let text = core::str::from_utf8(bytes).map_err(|_| serde_json::Error::custom(NOT_UTF8))?;
    serde_json::from_str(text)
}

/// What [`from_json_bytes`] says of bytes that are not UTF-8.
pub(crate) const NOT_UTF8: &str = "the JSON is not UTF-8";

/// A `T` that was written as a JSON object.
pub(crate) struct JsonObject<T>(pub(crate) T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for JsonObject<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a json object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }

        deserializer
            .deserialize_map(ObjectVisitor(PhantomData))
            .map(JsonObject)
    }
}

/// How many elements a list may have, and what its elements are called in the message
/// that refuses one too many.
pub(crate) trait ListLimit {
    const MAX: usize;
    const WHAT: &'static str;
}

/// A JSON array of at most `L::MAX` elements, refused as soon as one more arrives.
///
/// A derived `Vec<T>` reads the whole array before anyone can count it: 25 MB of `{},`
/// is eight million elements and gigabytes of memory before a limit of 64 applies. This
/// stops at element `MAX + 1`, so what an array can cost is bounded by `MAX`, not by the
/// size of the input.
pub(crate) struct BoundedArray<T, L>(pub(crate) Vec<T>, PhantomData<L>);

impl<T, L> BoundedArray<T, L> {
    pub(crate) fn into_vec(self) -> Vec<T> {
        self.0
    }
}

impl<'de, T: Deserialize<'de>, L: ListLimit> Deserialize<'de> for BoundedArray<T, L> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ArrayVisitor<T, L>(PhantomData<(T, L)>);

        impl<'de, T: Deserialize<'de>, L: ListLimit> Visitor<'de> for ArrayVisitor<T, L> {
            type Value = Vec<T>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(formatter, "a json array of at most {} {}", L::MAX, L::WHAT)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(L::MAX));
                while let Some(item) = seq.next_element()? {
                    if items.len() == L::MAX {
                        return Err(A::Error::custom(format_args!(
                            "more than {} {}",
                            L::MAX,
                            L::WHAT
                        )));
                    }
                    items.push(item);
                }
                Ok(items)
            }
        }

        deserializer
            .deserialize_seq(ArrayVisitor::<T, L>(PhantomData))
            .map(|items| BoundedArray(items, PhantomData))
    }
}

/// How much structure a JSON text may have before anything is built from it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct JsonBudget {
    /// The most arrays, objects and separators (`[`, `{`, `,`) outside strings.
    pub(crate) elements: usize,
    /// The deepest nesting of arrays and objects.
    pub(crate) depth: usize,
}

impl JsonBudget {
    /// Checks `text` in one pass, without allocating, before a parser that builds whole
    /// trees (`serde_json::Value`, derived `Vec`s) is let loose on it: each element costs
    /// such a parser tens of bytes, whatever few bytes it took in the text. Errors say
    /// which limit was passed; the text is not judged otherwise (the parser does that).
    pub(crate) fn check(self, text: &str) -> Result<(), &'static str> {
        let (mut elements, mut depth) = (0usize, 0usize);
        let (mut in_string, mut escaped) = (false, false);
        for byte in text.bytes() {
            if in_string {
                match byte {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match byte {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    elements += 1;
                    depth += 1;
                    if depth > self.depth {
                        return Err("json is nested too deeply");
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                b',' => elements += 1,
                _ => {}
            }
            if elements > self.elements {
                return Err("json has too many elements");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Three;
    impl ListLimit for Three {
        const MAX: usize = 3;
        const WHAT: &'static str = "numbers";
    }

    #[test]
    fn json_in_bytes_is_read_as_text_and_bytes_that_are_not_utf8_are_refused() {
        #[derive(Deserialize, Debug, PartialEq)]
        struct Named {
            name: String,
        }
        let JsonObject(named): JsonObject<Named> =
            from_json_bytes("{\"name\":\"Åsa\"}".as_bytes()).expect("UTF-8 JSON");
        assert_eq!(named.name, "Åsa");
        let latin1 = b"{\"name\":\"\xc5sa\"}";
        let refused = |bytes: &[u8]| from_json_bytes::<JsonObject<Named>>(bytes).err();
        assert_eq!(
            refused(latin1).map(|error| error.to_string()).as_deref(),
            Some("the JSON is not UTF-8")
        );
        // Where the message must not be shown (it could quote plaintext), it is said plainly.
        assert_eq!(
            refused(latin1).map(|error| crate::untrusted_text::plaintext_parse_error(&error)),
            Some("not UTF-8".to_owned())
        );
        assert!(refused(b"{\"name\":1}").is_some());
    }

    #[test]
    fn a_bounded_array_stops_at_one_element_too_many() {
        let ok: BoundedArray<u8, Three> = serde_json::from_str("[1,2,3]").expect("three fit");
        assert_eq!(ok.into_vec(), [1, 2, 3]);
        let error = serde_json::from_str::<BoundedArray<u8, Three>>("[1,2,3,4]")
            .err()
            .expect("four do not");
        assert!(error.to_string().contains("more than 3 numbers"), "{error}");
    }

    #[test]
    fn the_budget_counts_structure_outside_strings_only() {
        let budget = JsonBudget {
            elements: 4,
            depth: 2,
        };
        assert!(budget.check(r#"{"a":[1,2],"b":"[[[,,,,,,]]]"}"#).is_ok());
        assert_eq!(budget.check("[[[]]]"), Err("json is nested too deeply"));
        assert_eq!(
            budget.check("[1,2,3,4,5]"),
            Err("json has too many elements")
        );
        assert!(budget.check(r#"["\"[[[[", 1]"#).is_ok());
    }
}
