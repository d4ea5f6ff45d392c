//! A map from text keys to values, kept as one list sorted by key.
//!
//! The core's maps are small (a form's texts by language, a person's needs by need, the
//! answers by field id) and read far more often than written. A `BTreeMap` would do, but
//! each new value type instantiates its node code again, about 1.5 KiB brotli per type in
//! the web app's module (`bench/weight.mjs`); a sorted list needs a binary search and a
//! `Vec` insertion. Iteration is in key order, as a `BTreeMap`'s, so what is written from
//! one (JSON objects, lists of fields) comes out in the same order.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Text keys to values, sorted by key, each key once.
#[derive(Clone, PartialEq, Eq)]
pub struct StrMap<V>(Vec<(String, V)>);

impl<V> Default for StrMap<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<V> StrMap<V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(held, _)| held.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.find(key).ok().map(|at| &self.0[at].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.find(key).ok().map(|at| &mut self.0[at].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets the key's value, and gives back the one it replaced.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(at) => Some(core::mem::replace(&mut self.0[at].1, value)),
            Err(at) => {
                self.0.insert(at, (key, value));
                None
            }
        }
    }

    /// Sets the key's value unless it has one already.
    pub fn insert_if_absent(&mut self, key: String, value: V) {
        if let Err(at) = self.find(&key) {
            self.0.insert(at, (key, value));
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.find(key).ok().map(|at| self.0.remove(at).1)
    }

    /// Keeps only the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut V) -> bool) {
        self.0.retain_mut(|(key, value)| keep(key, value));
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every entry, in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &V)> + ExactSizeIterator {
        self.0.iter().map(|(key, value)| (key, value))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut V)> {
        self.0.iter_mut().map(|(key, value)| (&*key, value))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.0.iter().map(|(key, _)| key)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.0.iter().map(|(_, value)| value)
    }
}

impl<V> FromIterator<(String, V)> for StrMap<V> {
    /// The last value given for a key wins, as in a `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (String, V)>>(entries: I) -> Self {
        let mut map = Self::new();
        map.extend(entries);
        map
    }
}

impl<V> Extend<(String, V)> for StrMap<V> {
    fn extend<I: IntoIterator<Item = (String, V)>>(&mut self, entries: I) {
        for (key, value) in entries {
            self.insert(key, value);
        }
    }
}

impl<V> IntoIterator for StrMap<V> {
    type Item = (String, V);
    type IntoIter = std::vec::IntoIter<(String, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, V> IntoIterator for &'a StrMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = core::iter::Map<
        core::slice::Iter<'a, (String, V)>,
        fn(&'a (String, V)) -> (&'a String, &'a V),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(key, value)| (key, value))
    }
}

impl<V: fmt::Debug> fmt::Debug for StrMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V: Serialize> Serialize for StrMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Read from a JSON object; a key given twice keeps its last value, as a `BTreeMap` read
/// by serde does.
impl<'de, V: Deserialize<'de>> Deserialize<'de> for StrMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = StrMap<V>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a map")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
                let mut map = StrMap::new();
                while let Some((key, value)) = entries.next_entry::<String, V>()? {
                    map.insert(key, value);
                }
                Ok(map)
            }
        }

        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

/// A set of texts, kept as one sorted list, for the same reason as [`StrMap`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StrSet(Vec<String>);

impl StrSet {
    pub fn new() -> Self {
        Self::default()
    }

    fn find(&self, item: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|held| held.as_str().cmp(item))
    }

    /// Adds `item`; `false` when it was there already.
    pub fn insert(&mut self, item: impl Into<String> + AsRef<str>) -> bool {
        match self.find(item.as_ref()) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, item.into());
                true
            }
        }
    }

    pub fn contains(&self, item: &str) -> bool {
        self.find(item).is_ok()
    }

    /// Takes `item` out; `false` when it was not there.
    pub fn remove(&mut self, item: &str) -> bool {
        self.find(item).map(|at| self.0.remove(at)).is_ok()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every item, in order.
    pub fn iter(&self) -> core::slice::Iter<'_, String> {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a StrSet {
    type Item = &'a String;
    type IntoIter = core::slice::Iter<'a, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl FromIterator<String> for StrSet {
    fn from_iter<I: IntoIterator<Item = String>>(items: I) -> Self {
        let mut set = Self::new();
        for item in items {
            set.insert(item);
        }
        set
    }
}

impl fmt::Debug for StrSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_keys_sorted_and_once_as_a_btree_map_would() {
        let mut map = StrMap::new();
        assert_eq!(map.insert("b".to_owned(), 2), None);
        assert_eq!(map.insert("a".to_owned(), 1), None);
        assert_eq!(map.insert("c".to_owned(), 3), None);
        assert_eq!(map.insert("b".to_owned(), 20), Some(2));
        map.insert_if_absent("a".to_owned(), 10);
        map.insert_if_absent("d".to_owned(), 4);
        let listed: Vec<(&str, i32)> = map.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(listed, [("a", 1), ("b", 20), ("c", 3), ("d", 4)]);
        assert_eq!(map.get("c"), Some(&3));
        assert!(!map.contains_key("e"));
        assert_eq!(map.remove("a"), Some(1));
        assert_eq!(map.remove("a"), None);
        map.retain(|key, _| key != "c");
        assert_eq!(map.keys().collect::<Vec<_>>(), ["b", "d"]);
    }

    #[test]
    fn reads_and_writes_json_objects_in_key_order() {
        let map: StrMap<u32> = serde_json::from_str(r#"{"z": 1, "a": 2, "m": 3, "a": 4}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&map).unwrap(),
            r#"{"a":4,"m":3,"z":1}"#
        );
        assert!(serde_json::from_str::<StrMap<u32>>(r#"["a", 1]"#).is_err());
        assert!(serde_json::from_str::<StrMap<u32>>(r#"{"a": "one"}"#).is_err());
        let collected: StrMap<u32> = [("y".to_owned(), 1), ("x".to_owned(), 2)]
            .into_iter()
            .collect();
        assert_eq!(format!("{collected:?}"), r#"{"x": 2, "y": 1}"#);
    }

    #[test]
    fn a_set_holds_each_text_once_in_order() {
        let mut set = StrSet::new();
        assert!(set.insert("b"));
        assert!(set.insert("a".to_owned()));
        assert!(!set.insert("b"));
        assert!(set.contains("a") && !set.contains("c"));
        assert_eq!(set.iter().collect::<Vec<_>>(), ["a", "b"]);
        assert!(set.remove("a"));
        assert!(!set.remove("a"));
        assert_eq!(set.len(), 1);
    }
}
