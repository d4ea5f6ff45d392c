//! Sorting the app's short lists: an outbox, the storage keys of its packets, a
//! language's names of countries. The standard library's sort adds about 4 KB of code to
//! the module for each type it sorts (`bench/weight.mjs`); these lists hold at most a few
//! hundred items, for which a binary insertion sort is quick and a few hundred bytes.

use std::cmp::Ordering;

/// Sorts `items` by `order`, keeping equal items in the order they had: each item is
/// placed after every earlier one that is not greater. `order` is called O(n log n)
/// times; the items move O(n²) times, by memory copies.
pub fn sort_short_by<T>(items: &mut [T], mut order: impl FnMut(&T, &T) -> Ordering) {
    for next in 1..items.len() {
        let (sorted, rest) = items.split_at(next);
        let at = sorted.partition_point(|held| order(held, &rest[0]) != Ordering::Greater);
        items[at..=next].rotate_right(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_the_standard_stable_sort_does() {
        // Pairs compared by their first half only, so that stability shows.
        let mut seed = 7_u32;
        for length in 0..40 {
            let mut items: Vec<(u32, usize)> = (0..length)
                .map(|at| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    ((seed >> 16) % 6, at)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|item| item.0);
            sort_short_by(&mut items, |a, b| a.0.cmp(&b.0));
            assert_eq!(items, expected);
        }
    }
}
