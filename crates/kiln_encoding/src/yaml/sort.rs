//! goyaml's map key order (`sorter.go`: `keyList.Less`) for string keys: letters compare
//! by code point, letters sort after other characters, and runs of digits compare as
//! numbers (`a2` < `a10`). v3 differs in one rule: after a shared digit, a letter sorts
//! before a non-letter.

/// Go's `unicode.IsLetter` (category L), approximated with Rust's Alphabetic property.
#[inline]
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    c.is_alphabetic() && !c.is_numeric()
}

/// Go's `unicode.IsDigit` (category Nd), approximated for non-ASCII characters.
#[inline]
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    c.is_numeric() && !c.is_alphabetic()
}

/// goyaml's `keyList.Less` for two string keys given as characters (v2, or v3 with
/// `v3`).
fn key_less(ar: &[char], br: &[char], v3: bool) -> bool {
    let mut digits = false;
    let n = ar.len().min(br.len());
    for i in 0..n {
        if ar[i] == br[i] {
            digits = is_digit(ar[i]);
            continue;
        }
        let al = is_letter(ar[i]);
        let bl = is_letter(br[i]);
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            if v3 && digits {
                return al;
            }
            return bl;
        }
        let mut an: i64 = 0;
        let mut bn: i64 = 0;
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 {
                j -= 1;
                if !is_digit(ar[j]) {
                    break;
                }
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an
                .wrapping_mul(10)
                .wrapping_add((ar[ai] as i64).wrapping_sub('0' as i64));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add((br[bi] as i64).wrapping_sub('0' as i64));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// The keys of a Go map (`Map` order: bytewise) in goyaml's `keyList` order, v2 or v3.
///
/// Keys that are all ASCII without digits are ordered by a strict total order (per
/// character: non-letters before letters, then by code point; a prefix first), the
/// same for v2 and v3, so any correct sort gives Go's result: map keys usually come
/// out as they are. Otherwise Go's own `sort.Sort` runs with `keyList.Less` on the
/// characters, step for step (its order is not always transitive).
pub(crate) fn sorted_keys<'m, K, V>(
    entries: impl Iterator<Item = (&'m K, &'m V)>,
    v3: bool,
) -> Vec<(&'m str, &'m V)>
where
    K: AsRef<str> + 'm,
    V: 'm,
{
    let mut keys: Vec<(&str, &V)> = entries.map(|(k, v)| (k.as_ref(), v)).collect();
    let simple = keys
        .iter()
        .all(|(k, _)| k.bytes().all(|b| b.is_ascii() && !b.is_ascii_digit()));
    if simple {
        let rank = |b: &u8| (b.is_ascii_alphabetic(), *b);
        keys.sort_by(|(a, _), (b, _)| {
            a.as_bytes()
                .iter()
                .map(rank)
                .cmp(b.as_bytes().iter().map(rank))
        });
        return keys;
    }
    let mut chars: Vec<(Vec<char>, &str, &V)> = keys
        .into_iter()
        .map(|(k, v)| (k.chars().collect(), k, v))
        .collect();
    sort_by_less(&mut chars, |a, b| key_less(&a.0, &b.0, v3));
    chars.into_iter().map(|(_, k, v)| (k, v)).collect()
}

/// Go's `sort.Sort` (pattern-defeating quicksort, Go 1.19+), reproduced step for step so
/// that key orders that are not strict weak orders (goyaml's `keyList.Less` is not always
/// transitive, e.g. `10` < `1a` < `01` < `10`) come out exactly as in Go. Never panics.
pub(crate) fn sort_by_less<T, F: FnMut(&T, &T) -> bool>(v: &mut [T], less: F) {
    let n = v.len();
    if n <= 1 {
        return;
    }
    let limit = usize::BITS - n.leading_zeros();
    let mut s = GoSort { v, less };
    s.pdqsort(0, n as isize, limit as isize);
}

struct GoSort<'a, T, F> {
    v: &'a mut [T],
    less: F,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

impl<T, F: FnMut(&T, &T) -> bool> GoSort<'_, T, F> {
    fn less(&mut self, i: isize, j: isize) -> bool {
        match (self.v.get(i as usize), self.v.get(j as usize)) {
            (Some(a), Some(b)) if i >= 0 && j >= 0 => (self.less)(a, b),
            _ => false,
        }
    }

    fn swap(&mut self, i: isize, j: isize) {
        let n = self.v.len() as isize;
        if i >= 0 && j >= 0 && i < n && j < n {
            self.v.swap(i as usize, j as usize);
        }
    }

    fn insertion_sort(&mut self, a: isize, b: isize) {
        let mut i = a + 1;
        while i < b {
            let mut j = i;
            while j > a && self.less(j, j - 1) {
                self.swap(j, j - 1);
                j -= 1;
            }
            i += 1;
        }
    }

    fn sift_down(&mut self, lo: isize, hi: isize, first: isize) {
        let mut root = lo;
        loop {
            let mut child = 2 * root + 1;
            if child >= hi {
                break;
            }
            if child + 1 < hi && self.less(first + child, first + child + 1) {
                child += 1;
            }
            if !self.less(first + root, first + child) {
                return;
            }
            self.swap(first + root, first + child);
            root = child;
        }
    }

    fn heap_sort(&mut self, a: isize, b: isize) {
        let first = a;
        let lo = 0;
        let hi = b - a;
        let mut i = (hi - 1) / 2;
        while i >= 0 {
            self.sift_down(i, hi, first);
            i -= 1;
        }
        let mut i = hi - 1;
        while i >= 0 {
            self.swap(first, first + i);
            self.sift_down(lo, i, first);
            i -= 1;
        }
    }

    fn pdqsort(&mut self, mut a: isize, mut b: isize, mut limit: isize) {
        const MAX_INSERTION: isize = 12;
        let mut was_balanced = true;
        let mut was_partitioned = true;
        loop {
            let length = b - a;
            if length <= MAX_INSERTION {
                self.insertion_sort(a, b);
                return;
            }
            if limit == 0 {
                self.heap_sort(a, b);
                return;
            }
            if !was_balanced {
                self.break_patterns(a, b);
                limit -= 1;
            }
            let (mut pivot, mut hint) = self.choose_pivot(a, b);
            if hint == Hint::Decreasing {
                self.reverse_range(a, b);
                pivot = (b - 1) - (pivot - a);
                hint = Hint::Increasing;
            }
            if was_balanced
                && was_partitioned
                && hint == Hint::Increasing
                && self.partial_insertion_sort(a, b)
            {
                return;
            }
            if a > 0 && !self.less(a - 1, pivot) {
                let mid = self.partition_equal(a, b, pivot);
                a = mid;
                continue;
            }
            let (mid, already) = self.partition(a, b, pivot);
            was_partitioned = already;
            let (left_len, right_len) = (mid - a, b - mid);
            let balance_threshold = length / 8;
            if left_len < right_len {
                was_balanced = left_len >= balance_threshold;
                self.pdqsort(a, mid, limit);
                a = mid + 1;
            } else {
                was_balanced = right_len >= balance_threshold;
                self.pdqsort(mid + 1, b, limit);
                b = mid;
            }
        }
    }

    fn partition(&mut self, a: isize, b: isize, pivot: isize) -> (isize, bool) {
        self.swap(a, pivot);
        let (mut i, mut j) = (a + 1, b - 1);
        while i <= j && self.less(i, a) {
            i += 1;
        }
        while i <= j && !self.less(j, a) {
            j -= 1;
        }
        if i > j {
            self.swap(j, a);
            return (j, true);
        }
        self.swap(i, j);
        i += 1;
        j -= 1;
        loop {
            while i <= j && self.less(i, a) {
                i += 1;
            }
            while i <= j && !self.less(j, a) {
                j -= 1;
            }
            if i > j {
                break;
            }
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
        self.swap(j, a);
        (j, false)
    }

    fn partition_equal(&mut self, a: isize, b: isize, pivot: isize) -> isize {
        self.swap(a, pivot);
        let (mut i, mut j) = (a + 1, b - 1);
        loop {
            while i <= j && !self.less(a, i) {
                i += 1;
            }
            while i <= j && self.less(a, j) {
                j -= 1;
            }
            if i > j {
                break;
            }
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
        i
    }

    fn partial_insertion_sort(&mut self, a: isize, b: isize) -> bool {
        const MAX_STEPS: usize = 5;
        const SHORTEST_SHIFTING: isize = 50;
        let mut i = a + 1;
        for _ in 0..MAX_STEPS {
            while i < b && !self.less(i, i - 1) {
                i += 1;
            }
            if i == b {
                return true;
            }
            if b - a < SHORTEST_SHIFTING {
                return false;
            }
            self.swap(i, i - 1);
            if i - a >= 2 {
                let mut j = i - 1;
                while j >= 1 {
                    if !self.less(j, j - 1) {
                        break;
                    }
                    self.swap(j, j - 1);
                    j -= 1;
                }
            }
            if b - i >= 2 {
                let mut j = i + 1;
                while j < b {
                    if !self.less(j, j - 1) {
                        break;
                    }
                    self.swap(j, j - 1);
                    j += 1;
                }
            }
        }
        false
    }

    fn break_patterns(&mut self, a: isize, b: isize) {
        let length = b - a;
        if length >= 8 {
            let mut random = length as u64;
            let modulus: u64 = 1u64 << (u64::BITS - (length as u64).leading_zeros());
            let mut idx = a + (length / 4) * 2 - 1;
            while idx <= a + (length / 4) * 2 + 1 {
                random ^= random << 13;
                random ^= random >> 7;
                random ^= random << 17;
                let mut other = (random & (modulus - 1)) as isize;
                if other >= length {
                    other -= length;
                }
                self.swap(idx, a + other);
                idx += 1;
            }
        }
    }

    fn choose_pivot(&mut self, a: isize, b: isize) -> (isize, Hint) {
        const SHORTEST_NINTHER: isize = 50;
        const MAX_SWAPS: usize = 4 * 3;
        let l = b - a;
        let mut swaps = 0usize;
        let mut i = a + l / 4;
        let mut j = a + l / 4 * 2;
        let mut k = a + l / 4 * 3;
        if l >= 8 {
            if l >= SHORTEST_NINTHER {
                i = self.median(i - 1, i, i + 1, &mut swaps);
                j = self.median(j - 1, j, j + 1, &mut swaps);
                k = self.median(k - 1, k, k + 1, &mut swaps);
            }
            j = self.median(i, j, k, &mut swaps);
        }
        match swaps {
            0 => (j, Hint::Increasing),
            MAX_SWAPS => (j, Hint::Decreasing),
            _ => (j, Hint::Unknown),
        }
    }

    fn order2(&mut self, a: isize, b: isize, swaps: &mut usize) -> (isize, isize) {
        if self.less(b, a) {
            *swaps += 1;
            return (b, a);
        }
        (a, b)
    }

    fn median(&mut self, a: isize, b: isize, c: isize, swaps: &mut usize) -> isize {
        let (a, b) = self.order2(a, b, swaps);
        let (b, c) = self.order2(b, c, swaps);
        let _ = c;
        let (_a, b) = self.order2(a, b, swaps);
        b
    }

    fn reverse_range(&mut self, a: isize, b: isize) {
        let (mut i, mut j) = (a, b - 1);
        while i < j {
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural() {
        let mut keys: Vec<Vec<char>> = ["b", "a", "B", "_", "10", "9", "a10", "a2", "a02"]
            .iter()
            .map(|k| k.chars().collect())
            .collect();
        sort_by_less(&mut keys, |a, b| key_less(a, b, false));
        let keys: Vec<String> = keys.into_iter().map(|k| k.into_iter().collect()).collect();
        assert_eq!(
            keys,
            vec!["_", "9", "10", "B", "a", "a2", "a02", "a10", "b"]
        );
    }

    /// The fast path of `sorted_keys` (ASCII keys without digits, any sort) gives what
    /// Go's `sort.Sort` with `keyList.Less` gives, for v2 and v3.
    #[test]
    fn simple_keys_sort_like_go() {
        let alphabet: Vec<char> = "aAbBzZ_-./ ~:@".chars().collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..2000 {
            let n = (next() % 40) as usize;
            let mut keys = std::collections::BTreeMap::new();
            for _ in 0..n {
                let len = 1 + (next() % 6) as usize;
                let k: String = (0..len)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .collect();
                keys.insert(k, ());
            }
            for v3 in [false, true] {
                let fast: Vec<&str> = sorted_keys(keys.iter(), v3)
                    .into_iter()
                    .map(|(k, _)| k)
                    .collect();
                let mut slow: Vec<Vec<char>> = keys.keys().map(|k| k.chars().collect()).collect();
                sort_by_less(&mut slow, |a, b| key_less(a, b, v3));
                let slow: Vec<String> = slow.into_iter().map(|k| k.into_iter().collect()).collect();
                assert_eq!(fast, slow, "round {round}, v3 {v3}");
            }
        }
    }
}
