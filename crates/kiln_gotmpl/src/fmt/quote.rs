//! Go's `strconv` quoting (strconv/quote.go semantics): `Quote`, `QuoteToASCII`,
//! `QuoteRune`, `CanBackquote`, `IsPrint`. Used by `%q`, `%#v` of strings and `%#U`.

use super::isprint::PRINT_RANGES;

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols (Unicode 15.0,
/// as in Go 1.21 to 1.26) and the ASCII space. `U+00A0`, `U+00AD`, `U+2028`, unassigned
/// code points and controls are not printable.
pub fn is_print(c: char) -> bool {
    let c = c as u32;
    if c <= 0xFF {
        return (0x20..=0x7E).contains(&c) || ((0xA1..=0xFF).contains(&c) && c != 0xAD);
    }
    PRINT_RANGES
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Go's `strconv.Quote(s)`: a double-quoted Go string literal, non-printable runes
/// escaped (`\n`, `\x00`, `\u2028`, `\U0001f600` style; printable non-ASCII kept).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    append_quote(&mut out, s, false);
    out
}

/// Go's `strconv.QuoteToASCII(s)`: like [`quote`] but every non-ASCII rune is escaped
/// (`"\u00e9"`).
pub fn quote_to_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    append_quote(&mut out, s, true);
    out
}

/// Appends `strconv.Quote(s)` (or `QuoteToASCII` when `ascii_only`) to `out`.
pub fn append_quote(out: &mut String, s: &str, ascii_only: bool) {
    out.push('"');
    for c in s.chars() {
        append_escaped_rune(out, c, '"', ascii_only);
    }
    out.push('"');
}

/// Like [`append_quote`] for bytes that may not be UTF-8 (Go's `%q` of a `[]byte`): each
/// byte of an invalid sequence becomes `\xNN`, as Go's decoder yields one error per byte.
pub(super) fn append_quote_bytes(out: &mut String, b: &[u8], ascii_only: bool) {
    out.push('"');
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            append_escaped_rune(out, c, '"', ascii_only);
        }
        for &byte in chunk.invalid() {
            push_hex_byte(out, byte);
        }
    }
    out.push('"');
}

/// Appends Go's `strconv.QuoteRune(r)` (`QuoteRuneToASCII` when `ascii_only`): a
/// single-quoted character literal. A value that is not a valid rune (surrogates, above
/// U+10FFFF, negative) is quoted as U+FFFD, as Go does.
pub fn append_quote_rune(out: &mut String, r: i64, ascii_only: bool) {
    let c = u32::try_from(r)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{FFFD}');
    out.push('\'');
    append_escaped_rune(out, c, '\'', ascii_only);
    out.push('\'');
}

/// Go's `strconv.CanBackquote`: whether the text can be a raw string literal (valid
/// UTF-8, no backquote, no control characters other than tab, no BOM).
pub fn can_backquote(b: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(b) else {
        return false;
    };
    s.chars().all(|c| {
        if c.len_utf8() > 1 {
            c != '\u{FEFF}'
        } else {
            !((c < ' ' && c != '\t') || c == '`' || c == '\u{7F}')
        }
    })
}

fn push_hex_byte(out: &mut String, b: u8) {
    out.push_str("\\x");
    out.push(LOWER_HEX[(b >> 4) as usize] as char);
    out.push(LOWER_HEX[(b & 0xF) as usize] as char);
}

/// One rune of a quoted literal (Go's `appendEscapedRune` without the graphic-only mode).
fn append_escaped_rune(out: &mut String, c: char, quote: char, ascii_only: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if ascii_only {
        if c.is_ascii() && is_print(c) {
            out.push(c);
            return;
        }
    } else if is_print(c) {
        out.push(c);
        return;
    }
    let r = c as u32;
    match c {
        '\u{07}' => out.push_str("\\a"),
        '\u{08}' => out.push_str("\\b"),
        '\u{0C}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{0B}' => out.push_str("\\v"),
        _ if r < 0x20 || r == 0x7F => push_hex_byte(out, r as u8),
        _ if r < 0x10000 => {
            out.push_str("\\u");
            for shift in (0..4).rev() {
                out.push(LOWER_HEX[((r >> (shift * 4)) & 0xF) as usize] as char);
            }
        }
        _ => {
            out.push_str("\\U");
            for shift in (0..8).rev() {
                out.push(LOWER_HEX[((r >> (shift * 4)) & 0xF) as usize] as char);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expectations from Helm v4.2.3 (Go 1.26) via the oracle.
    #[test]
    fn quoting() {
        assert_eq!(
            quote("\u{0}\u{7f}\u{e9}\u{2028}\u{1F600} \t"),
            "\"\\x00\\x7f\u{e9}\\u2028\u{1F600} \\t\""
        );
        assert_eq!(
            quote_to_ascii("\u{0}\u{7f}\u{e9}\u{2028}\u{1F600} \t"),
            "\"\\x00\\x7f\\u00e9\\u2028\\U0001f600 \\t\""
        );
        assert_eq!(quote("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
        assert_eq!(quote("\u{feff}"), "\"\\ufeff\"");
        // Unicode 15 characters print, Unicode 16 ones are escaped (Go 1.26 tables).
        assert_eq!(
            quote("\u{1E4D0}\u{31350}\u{1C89}\u{10D40}\u{a0}\u{ad}\u{378}"),
            "\"\u{1E4D0}\u{31350}\\u1c89\\U00010d40\\u00a0\\u00ad\\u0378\""
        );
        let mut s = String::new();
        append_quote_bytes(&mut s, b"a\xff\xe2\x82b", false);
        assert_eq!(s, "\"a\\xff\\xe2\\x82b\"");
    }

    #[test]
    fn runes_and_backquote() {
        let mut s = String::new();
        append_quote_rune(&mut s, 'x' as i64, false);
        append_quote_rune(&mut s, 0xD800, false);
        append_quote_rune(&mut s, 0x110000, false);
        append_quote_rune(&mut s, 233, true);
        append_quote_rune(&mut s, '\'' as i64, false);
        assert_eq!(s, "'x''\u{FFFD}''\u{FFFD}''\\u00e9''\\''");
        assert!(can_backquote(b"a\tb"));
        assert!(can_backquote("\u{2028}".as_bytes()));
        assert!(!can_backquote(b"a`b"));
        assert!(!can_backquote(b"a\nb"));
        assert!(!can_backquote("\u{feff}".as_bytes()));
        assert!(!can_backquote(b"\xff"));
    }
}
