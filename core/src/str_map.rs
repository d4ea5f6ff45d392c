//! A map from text keys to values, kept as one list sorted by key.
//!
//! The core's maps are small (a form's texts by language, a person's needs by need, the
//! answers by field id) and read far more often than written. A `BTreeMap` would do, but
//! each new value type instantiates its node code again, about 1.5 KiB brotli per type in
//! the web app's module (`bench/weight.mjs`); a sorted list needs a binary search and a
//! `Vec` insertion. Iteration is in key order, as a `BTreeMap`'s, so what is written from
//! one (JSON objects, lists of fields) comes out in the same order.
//!
//! Inserting one key moves the entries after it, so a map built one insertion at a time
//! costs up to n² moves. Whatever arrives from outside (a definition inside a packet, a
//! JSON object) is built in bulk instead: [`FromIterator`], [`Extend`] and reading JSON
//! collect the entries and order them once, in n log n comparisons whatever their order,
//! and [`repeats`] checks a list for repeated ids the same way.

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
        self.0.binary_search_by(|(held, _)| {
            work(1);
            held.as_str().cmp(key)
        })
    }

    /// The map of `entries`, ordered once; a key given twice keeps its last value.
    fn from_entries(mut entries: Vec<(String, V)>) -> Self {
        let plan = {
            let keys: Vec<&str> = entries.iter().map(|(key, _)| key.as_str()).collect();
            arrangement(&keys)
        };
        arrange(&mut entries, plan);
        Self(entries)
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
                work(self.0.len() - at);
                self.0.insert(at, (key, value));
                None
            }
        }
    }

    /// Sets the key's value unless it has one already.
    pub fn insert_if_absent(&mut self, key: String, value: V) {
        if let Err(at) = self.find(&key) {
            work(self.0.len() - at);
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
        Self::from_entries(entries.into_iter().collect())
    }
}

impl<V> Extend<(String, V)> for StrMap<V> {
    /// The entries given last win over those held and over earlier ones.
    fn extend<I: IntoIterator<Item = (String, V)>>(&mut self, entries: I) {
        let mut all = core::mem::take(&mut self.0);
        all.extend(entries);
        *self = Self::from_entries(all);
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
                let mut read = StrMap::new();
                while let Some(entry) = entries.next_entry::<String, V>()? {
                    read.0.push(entry);
                }
                Ok(StrMap::from_entries(read.0))
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
        self.0.binary_search_by(|held| {
            work(1);
            held.as_str().cmp(item)
        })
    }

    /// Adds `item`; `false` when it was there already.
    pub fn insert(&mut self, item: impl Into<String> + AsRef<str>) -> bool {
        match self.find(item.as_ref()) {
            Ok(_) => false,
            Err(at) => {
                work(self.0.len() - at);
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
        let mut items: Vec<String> = items.into_iter().collect();
        let plan = {
            let keys: Vec<&str> = items.iter().map(String::as_str).collect();
            arrangement(&keys)
        };
        arrange(&mut items, plan);
        Self(items)
    }
}

impl fmt::Debug for StrSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// For each of `items`, whether an item before it is the same: what inserting them one
/// by one into a set would refuse, found in n log n comparisons whatever their order.
pub fn repeats(items: &[&str]) -> Vec<bool> {
    let mut repeated = vec![false; items.len()];
    let order = key_order(items);
    for pair in order.windows(2) {
        if items[pair[0]] == items[pair[1]] {
            repeated[pair[1]] = true;
        }
    }
    repeated
}

/// How to put the entries whose keys are `keys` in key order, each key once, with its
/// last entry: the swaps to make in turn, then how many entries to keep from the front.
/// Worked out on the keys alone, so that only [`arrange`], a loop of swaps, is compiled
/// for each type of entry.
fn arrangement(keys: &[&str]) -> (Vec<(usize, usize)>, usize) {
    let order = key_order(keys);
    // Where each entry is now, and which entry is now at each place.
    let mut place: Vec<usize> = (0..keys.len()).collect();
    let mut entry: Vec<usize> = place.clone();
    let mut swaps = Vec::new();
    let mut kept = 0;
    for (i, first) in order.iter().enumerate() {
        if order
            .get(i + 1)
            .is_some_and(|next| keys[*next] == keys[*first])
        {
            continue;
        }
        let from = place[*first];
        if from != kept {
            swaps.push((kept, from));
            let displaced = entry[kept];
            entry.swap(kept, from);
            place[displaced] = from;
            place[*first] = kept;
        }
        kept += 1;
    }
    (swaps, kept)
}

fn arrange<T>(items: &mut Vec<T>, (swaps, kept): (Vec<(usize, usize)>, usize)) {
    for (a, b) in swaps {
        items.swap(a, b);
    }
    items.truncate(kept);
}

/// The positions of `keys` ordered by key, and equal keys by position. One heap sort,
/// not generic, for every map and set whatever its value type: it adds no code per type
/// to the web app's modules, and no order of keys makes it take more than n log n
/// comparisons. Keys already in order, as this app writes them, take one pass.
fn key_order(keys: &[&str]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    if keys.windows(2).all(|pair| pair[0] < pair[1]) {
        work(keys.len());
        return order;
    }
    let before = |a: usize, b: usize| {
        work(1);
        (keys[a], a) < (keys[b], b)
    };
    let sift_down = |order: &mut [usize], mut root: usize| loop {
        let mut child = 2 * root + 1;
        if child >= order.len() {
            break;
        }
        if child + 1 < order.len() && before(order[child], order[child + 1]) {
            child += 1;
        }
        if !before(order[root], order[child]) {
            break;
        }
        order.swap(root, child);
        root = child;
    };
    for root in (0..order.len() / 2).rev() {
        sift_down(&mut order, root);
    }
    for end in (1..order.len()).rev() {
        order.swap(0, end);
        sift_down(&mut order[..end], 0);
    }
    order
}

#[cfg(test)]
thread_local! {
    /// What the maps and sets of this thread did: comparisons of keys and entries moved.
    /// Tests bound it, so that no input makes building a map cost n².
    pub(crate) static WORK: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
}

#[cfg(test)]
fn work(steps: usize) {
    WORK.with(|done| done.set(done.get() + steps));
}

#[cfg(not(test))]
fn work(_steps: usize) {}

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

    /// Keys in an order of their own, some given twice, as an attacker might send them.
    fn scrambled(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("k{}", (i * 7919 + 13) % (n * 3 / 4 + 1)))
            .collect()
    }

    #[test]
    fn built_in_bulk_as_a_btree_map_would_be() {
        for n in [0, 1, 2, 3, 10, 257] {
            let keys = scrambled(n);
            let entries = keys.iter().cloned().zip(0..);
            let map: StrMap<usize> = entries.clone().collect();
            let tree: std::collections::BTreeMap<String, usize> = entries.clone().collect();
            assert!(map.iter().eq(tree.iter()), "{n} keys");

            let mut extended: StrMap<usize> =
                keys.iter().take(n / 2).cloned().zip(1000..).collect();
            extended.extend(entries.clone().skip(n / 3));
            let mut tree: std::collections::BTreeMap<String, usize> =
                keys.iter().take(n / 2).cloned().zip(1000..).collect();
            tree.extend(entries.skip(n / 3));
            assert!(extended.iter().eq(tree.iter()), "{n} keys, extended");

            let set: StrSet = keys.iter().cloned().collect();
            let tree: std::collections::BTreeSet<&String> = keys.iter().collect();
            assert!(set.iter().eq(tree.into_iter()), "{n} keys, as a set");

            let listed: Vec<&str> = keys.iter().map(String::as_str).collect();
            let mut seen = std::collections::BTreeSet::new();
            let one_by_one: Vec<bool> = listed.iter().map(|key| !seen.insert(*key)).collect();
            assert_eq!(repeats(&listed), one_by_one, "{n} keys, repeats");
        }
    }

    #[test]
    fn no_order_of_keys_makes_building_cost_n_squared() {
        let n = 20_000;
        let descending: Vec<String> = (0..n).rev().map(|i| format!("f{i:06}")).collect();
        // Three sorts of about 2 n log2 n comparisons each, with room to spare.
        let bound = 10 * n * 15;
        for keys in [descending.clone(), scrambled(n)] {
            WORK.with(|done| done.set(0));
            let map: StrMap<()> = keys.iter().map(|key| (key.clone(), ())).collect();
            let set: StrSet = keys.iter().cloned().collect();
            let listed: Vec<&str> = keys.iter().map(String::as_str).collect();
            let repeated = repeats(&listed);
            let done = WORK.with(core::cell::Cell::get);
            assert!(done < bound, "{done} steps for {n} keys");
            assert_eq!(map.len(), set.len());
            assert_eq!(repeated.iter().filter(|r| !**r).count(), set.len());
        }
        // What one insertion at a time would have cost: the check above can fail.
        WORK.with(|done| done.set(0));
        let mut one_by_one = StrMap::new();
        for key in &descending {
            one_by_one.insert(key.clone(), ());
        }
        assert!(WORK.with(core::cell::Cell::get) > n * n / 4);
    }
}
