//! Ports of `github.com/Masterminds/goutils` v1.1.1, the helpers behind Sprig's `abbrev`,
//! `abbrevboth`, `nospace`, `initials`, `untitle`, `swapcase`, `wrap`, `wrapWith` and the
//! `rand*` functions.
//!
//! Several of them work on bytes, not runes, exactly as the Go code does: `initials` and
//! `nospace` read each byte as a Latin-1 rune (so `"élan"`'s initial is `"Ã"`, and bytes
//! 0x85/0xA0 inside multi-byte characters count as spaces), and `abbrev`/`wrap` cut at
//! byte offsets. Cut characters become U+FFFD in kiln (see [`super::gostd::lossy`]).

use rand::Rng;

use super::gostd::lossy;
use super::unicode;

/// `goutils.AbbreviateFull(str, offset, maxWidth)`; `None` for its errors (Sprig then
/// uses `""`).
pub(crate) fn abbreviate_full(s: &str, offset: i64, max_width: i64) -> Option<String> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Some(String::new());
    }
    if max_width < 4 {
        return None;
    }
    let len = b.len() as i64;
    if len <= max_width {
        return Some(s.to_string());
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    let marker = "...";
    if offset <= 4 {
        let cut = b.get(..(max_width - 3) as usize)?;
        return Some(lossy(cut) + marker);
    }
    if max_width < 7 {
        return None;
    }
    if offset + max_width - 3 < len {
        let rest = b.get(offset as usize..)?;
        // `Abbreviate(str[offset:], maxWidth-3)`, its error ignored.
        let inner = abbreviate_bytes(rest, max_width - 3).unwrap_or_default();
        return Some(format!("{marker}{}", lossy(&inner)));
    }
    let tail = b.get((len - (max_width - 3)) as usize..)?;
    Some(format!("{marker}{}", lossy(tail)))
}

/// `goutils.Abbreviate` (offset 0) on bytes that may already be cut mid-character.
fn abbreviate_bytes(b: &[u8], max_width: i64) -> Option<Vec<u8>> {
    if b.is_empty() {
        return Some(Vec::new());
    }
    if max_width < 4 {
        return None;
    }
    if b.len() as i64 <= max_width {
        return Some(b.to_vec());
    }
    let mut out = b.get(..(max_width - 3) as usize)?.to_vec();
    out.extend_from_slice(b"...");
    Some(out)
}

/// A byte read as a rune, as `rune(str[i])` does in Go.
fn byte_rune(b: u8) -> char {
    char::from(b)
}

/// `goutils.DeleteWhiteSpace`: drops every byte that is a space as a Latin-1 rune; the
/// kept bytes are re-encoded as runes (non-ASCII text is mangled, as in Go), unless
/// nothing was dropped.
pub(crate) fn delete_white_space(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let kept: String = s
        .bytes()
        .map(byte_rune)
        .filter(|&c| !unicode::is_space(c))
        .collect();
    if kept.chars().count() == s.len() {
        return s.to_string();
    }
    kept
}

/// `goutils.Initials(str)`: the first byte of each space-separated word, as a rune.
pub(crate) fn initials(s: &str) -> String {
    let mut out = String::new();
    let mut last_was_gap = true;
    for c in s.bytes().map(byte_rune) {
        if unicode::is_space(c) {
            last_was_gap = true;
        } else if last_was_gap {
            out.push(c);
            last_was_gap = false;
        }
    }
    out
}

/// `goutils.Uncapitalize(str)`: the first rune of each space-separated word lowered.
pub(crate) fn uncapitalize(s: &str) -> String {
    let mut next = true;
    s.chars()
        .map(|c| {
            if unicode::is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                unicode::to_lower(c)
            } else {
                c
            }
        })
        .collect()
}

/// `goutils.SwapCase(str)`: upper and title case lowered; lower case raised, to title
/// case at the start of a word (after whitespace or at the start).
pub(crate) fn swap_case(s: &str) -> String {
    let mut whitespace = true;
    s.chars()
        .map(|c| {
            if unicode::is_upper(c) || unicode::is_title(c) {
                whitespace = false;
                unicode::to_lower(c)
            } else if unicode::is_lower(c) {
                if whitespace {
                    whitespace = false;
                    unicode::to_title(c)
                } else {
                    unicode::to_upper(c)
                }
            } else {
                whitespace = unicode::is_space(c);
                c
            }
        })
        .collect()
}

/// `goutils.WrapCustom(str, wrapLength, newLineStr, wrapLongWords)`, on bytes: words are
/// separated by `' '`, lines are cut at the last space within `wrapLength` bytes; long
/// words are cut (or left whole when `wrap_long_words` is false).
pub(crate) fn wrap_custom(
    s: &str,
    wrap_length: i64,
    new_line: &str,
    wrap_long_words: bool,
) -> String {
    let b = s.as_bytes();
    if b.is_empty() {
        return String::new();
    }
    let new_line = if new_line.is_empty() { "\n" } else { new_line }.as_bytes();
    let wrap = wrap_length.max(1) as u64;
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(len + len / 4);
    while (len - offset) as u64 > wrap {
        let w = wrap as usize; // < len - offset, so it fits
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = w + offset + 1;
        let space = b[offset..end].iter().rposition(|&c| c == b' ');
        match space {
            Some(i) => {
                let at = offset + i;
                out.extend_from_slice(&b[offset..at]);
                out.extend_from_slice(new_line);
                offset = at + 1;
            }
            None if wrap_long_words => {
                let end = w + offset;
                out.extend_from_slice(&b[offset..end]);
                out.extend_from_slice(new_line);
                offset += w;
            }
            None => {
                let end = w + offset;
                match b[end..].iter().position(|&c| c == b' ') {
                    None => {
                        out.extend_from_slice(&b[offset..]);
                        offset = len;
                    }
                    Some(i) => {
                        let at = i + end;
                        out.extend_from_slice(&b[offset..at]);
                        out.extend_from_slice(new_line);
                        offset = at + 1;
                    }
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    lossy(&out)
}

/// The alphabets of goutils' `CryptoRandom*` as Sprig uses them.
#[derive(Clone, Copy)]
pub(crate) enum RandomKind {
    /// `randAlphaNum`: `[0-9A-Za-z]`.
    AlphaNum,
    /// `randAlpha`: `[A-Za-z]`.
    Alpha,
    /// `randNumeric`: `[0-9]`.
    Numeric,
    /// `randAscii`: printable ASCII, `' '` to `'~'`.
    Ascii,
}

/// goutils' `CryptoRandom(count, …)` with a cryptographic generator: `count` runes drawn
/// uniformly from the alphabet; `""` for `count <= 0` (Go's error is dropped by Sprig).
pub(crate) fn crypto_random(count: usize, kind: RandomKind) -> String {
    const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let alphabet: &[u8] = match kind {
        RandomKind::AlphaNum => ALNUM,
        RandomKind::Alpha => &ALNUM[10..],
        RandomKind::Numeric => &ALNUM[..10],
        RandomKind::Ascii => b" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    };
    let mut rng = rand::thread_rng();
    (0..count)
        .map(|_| char::from(alphabet[rng.gen_range(0..alphabet.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviate() {
        assert_eq!(
            abbreviate_full("hello world", 0, 5).as_deref(),
            Some("he...")
        );
        assert_eq!(
            abbreviate_full("1234 5678 9123", 5, 10).as_deref(),
            Some("...5678...")
        );
        assert_eq!(
            abbreviate_full("abcdefghij", 1, 7).as_deref(),
            Some("abcd...")
        );
    }

    #[test]
    fn wrap() {
        assert_eq!(
            wrap_custom("Hello World Again", 5, "", false),
            "Hello\nWorld\nAgain"
        );
        assert_eq!(wrap_custom("abcdefgh ij", 3, "", false), "abcdefgh\nij");
        assert_eq!(wrap_custom("a b c", 0, "", false), "a\nb\nc");
        assert_eq!(
            wrap_custom("The quick brown fox jumps", 10, "<br>", true),
            "The quick<br>brown fox<br>jumps"
        );
    }

    #[test]
    fn byte_quirks() {
        assert_eq!(initials("  hello   big world "), "hbw");
        assert_eq!(initials("élan vital"), "Ãv");
        assert_eq!(delete_white_space("h e l\tl\no"), "hello");
        assert_eq!(delete_white_space("héllo"), "héllo");
        assert_eq!(delete_white_space("hé llo"), "hÃ©llo");
        assert_eq!(swap_case("This Is A.Test"), "tHIS iS a.tEST");
    }
}
