//! Ports of `github.com/huandu/xstrings` v1.5.0, behind Sprig's `snakecase`,
//! `kebabcase`, `camelcase` (xstrings' `ToPascalCase`) and `shuffle`.
//!
//! As in Go, U+FFFD counts as an undecodable rune wherever xstrings compares against
//! `utf8.RuneError`.

use rand::seq::SliceRandom;

use super::unicode;

const RUNE_ERROR: char = '\u{FFFD}';

/// xstrings' `isConnector`: `-`, `_` or a space.
fn is_connector(r: char) -> bool {
    r == '-' || r == '_' || unicode::is_space(r)
}

/// xstrings' `isAlphabet`: a letter that is not a CJK ideograph.
fn is_alphabet(r: char) -> bool {
    if !unicode::is_letter(r) {
        return false;
    }
    let r = r as u32;
    if r < 0x3400 {
        return true;
    }
    !((0x4E00..=0x9FCC).contains(&r)
        || (0x3400..=0x4D85).contains(&r)
        || (0x20000..=0x2B81D).contains(&r))
}

/// `utf8.DecodeRuneInString` on valid UTF-8: the first rune and its size (0 when empty).
fn decode(s: &str) -> (char, usize) {
    s.chars()
        .next()
        .map_or((RUNE_ERROR, 0), |c| (c, c.len_utf8()))
}

/// xstrings' `nextValidRune`: skips "invalid" runes; `prev` when only those remain.
fn next_valid_rune(s: &str, prev: char) -> (char, usize) {
    let mut size = 0;
    for c in s.chars() {
        size += c.len_utf8();
        if c != RUNE_ERROR {
            return (c, size);
        }
    }
    (prev, size)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum WordType {
    Invalid,
    Number,
    UpperCase,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings' `nextWord`: the type and text of the leading word, and the rest.
fn next_word(s: &str) -> (WordType, &str, &str) {
    if s.is_empty() {
        return (WordType::Invalid, "", "");
    }
    let mut remaining = s;
    let (mut r, mut size) = next_valid_rune(remaining, RUNE_ERROR);
    let mut offset = size;
    if r == RUNE_ERROR {
        return (WordType::Invalid, &s[..offset], &s[offset..]);
    }
    let wt;
    if is_connector(r) {
        wt = WordType::Connector;
        remaining = &remaining[size..];
        while !remaining.is_empty() {
            (r, size) = next_valid_rune(remaining, r);
            if !is_connector(r) {
                break;
            }
            offset += size;
            remaining = &remaining[size..];
        }
    } else if unicode::is_punct(r) {
        wt = WordType::Punct;
        remaining = &remaining[size..];
        while !remaining.is_empty() {
            (r, size) = next_valid_rune(remaining, r);
            if !unicode::is_punct(r) {
                break;
            }
            offset += size;
            remaining = &remaining[size..];
        }
    } else if unicode::is_upper(r) {
        wt = WordType::UpperCase;
        remaining = &remaining[size..];
        if !remaining.is_empty() {
            (r, size) = next_valid_rune(remaining, r);
            if unicode::is_upper(r) {
                let mut prev_size = size;
                offset += size;
                remaining = &remaining[size..];
                while !remaining.is_empty() {
                    (r, size) = next_valid_rune(remaining, r);
                    if !unicode::is_upper(r) {
                        break;
                    }
                    prev_size = size;
                    offset += size;
                    remaining = &remaining[size..];
                }
                // "HTTPStatus" is "HTTP" and "Status": the last capital starts a word.
                if !remaining.is_empty() && is_alphabet(r) {
                    offset -= prev_size;
                    remaining = &s[offset..];
                }
            } else if is_alphabet(r) {
                offset += size;
                remaining = &remaining[size..];
                while !remaining.is_empty() {
                    (r, size) = next_valid_rune(remaining, r);
                    if !is_alphabet(r) || unicode::is_upper(r) {
                        break;
                    }
                    offset += size;
                    remaining = &remaining[size..];
                }
            }
        }
    } else if is_alphabet(r) {
        wt = WordType::Alphabet;
        remaining = &remaining[size..];
        while !remaining.is_empty() {
            (r, size) = next_valid_rune(remaining, r);
            if !is_alphabet(r) || unicode::is_upper(r) {
                break;
            }
            offset += size;
            remaining = &remaining[size..];
        }
    } else if unicode::is_number(r) {
        wt = WordType::Number;
        remaining = &remaining[size..];
        while !remaining.is_empty() {
            (r, size) = next_valid_rune(remaining, r);
            if !unicode::is_number(r) {
                break;
            }
            offset += size;
            remaining = &remaining[size..];
        }
    } else {
        wt = WordType::Other;
        remaining = &remaining[size..];
        while !remaining.is_empty() {
            (r, size) = next_valid_rune(remaining, r);
            if size == 0
                || is_connector(r)
                || is_alphabet(r)
                || unicode::is_number(r)
                || unicode::is_punct(r)
            {
                break;
            }
            offset += size;
            remaining = &remaining[size..];
        }
    }
    (wt, &s[..offset], remaining)
}

/// xstrings' `toLower`: upper-case and connector words lowered, connectors replaced.
fn to_lower(buf: &mut String, wt: WordType, s: &str, connector: char) {
    if wt != WordType::UpperCase && wt != WordType::Connector {
        buf.push_str(s);
        return;
    }
    for r in s.chars() {
        if is_connector(r) {
            buf.push(connector);
        } else if unicode::is_upper(r) {
            buf.push(unicode::to_lower(r));
        } else {
            buf.push(r);
        }
    }
}

/// xstrings' `camelCaseToLowerCase`, the body of `ToSnakeCase` and `ToKebabCase`.
fn camel_case_to_lower_case(s: &str, connector: char) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut buf = String::with_capacity(s.len() + s.len() / 2);
    let (mut wt, mut word, mut remaining) = next_word(s);
    while !remaining.is_empty() {
        if wt != WordType::Connector {
            to_lower(&mut buf, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, remaining) = next_word(remaining);
        match prev {
            WordType::Number => {
                while wt == WordType::Alphabet || wt == WordType::Number {
                    to_lower(&mut buf, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != WordType::Invalid && wt != WordType::Punct && wt != WordType::Connector {
                    buf.push(connector);
                }
            }
            WordType::Connector => to_lower(&mut buf, prev, last, connector),
            WordType::Punct => {}
            _ => {
                if wt != WordType::Number {
                    if wt != WordType::Connector && wt != WordType::Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                if remaining.is_empty() {
                    continue;
                }
                let last = word;
                (wt, word, remaining) = next_word(remaining);
                // A number followed by something other than letters belongs to the
                // previous word: "Bld4Floor" → "bld4_floor".
                if wt != WordType::Alphabet {
                    to_lower(&mut buf, WordType::Number, last, connector);
                    if wt != WordType::Connector && wt != WordType::Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                // Letters after a number start a word with it: "HTTP2xx" → "http_2xx".
                buf.push(connector);
                to_lower(&mut buf, WordType::Number, last, connector);
                while wt == WordType::Alphabet || wt == WordType::Number {
                    to_lower(&mut buf, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != WordType::Invalid && wt != WordType::Connector && wt != WordType::Punct {
                    buf.push(connector);
                }
            }
        }
    }
    to_lower(&mut buf, wt, word, connector);
    buf
}

/// `xstrings.ToSnakeCase`.
pub(crate) fn to_snake_case(s: &str) -> String {
    camel_case_to_lower_case(s, '_')
}

/// `xstrings.ToKebabCase`.
pub(crate) fn to_kebab_case(s: &str) -> String {
    camel_case_to_lower_case(s, '-')
}

/// `xstrings.ToPascalCase` (xstrings' `toCamelCase(str, true)`), Sprig's `camelcase`.
pub(crate) fn to_pascal_case(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut buf = String::with_capacity(s.len());
    let mut rest = s;
    let mut first_upper = false;
    let (mut r0, mut size) = (RUNE_ERROR, 0);
    // Leading connectors are kept.
    while !rest.is_empty() {
        (r0, size) = decode(rest);
        rest = &rest[size..];
        if !is_connector(r0) {
            first_upper = unicode::is_upper(r0);
            r0 = unicode::to_upper(r0);
            break;
        }
        buf.push(r0);
    }
    if rest.is_empty() {
        // xstrings writes the last rune again here, even when it was a connector
        // already written ("__" → "___").
        if size != 0 {
            buf.push(r0);
        }
        return buf;
    }
    while !rest.is_empty() {
        let r1 = r0;
        (r0, size) = decode(rest);
        rest = &rest[size..];
        if is_connector(r0) && is_connector(r1) {
            buf.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = unicode::is_upper(r0);
            r0 = unicode::to_upper(r0);
        } else {
            if first_upper {
                if unicode::is_upper(r0) {
                    r0 = unicode::to_lower(r0);
                } else {
                    first_upper = false;
                }
            }
            buf.push(r1);
        }
    }
    buf.push(r0);
    buf
}

/// `xstrings.Shuffle`: the runes in random order.
pub(crate) fn shuffle(s: &str) -> String {
    let mut runes: Vec<char> = s.chars().collect();
    runes.shuffle(&mut rand::thread_rng());
    runes.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_and_kebab() {
        for (i, o) in [
            ("FirstName", "first_name"),
            ("HTTPServer", "http_server"),
            ("someID value", "some_id_value"),
            ("Version2Beta10", "version2_beta10"),
            ("NoHTTPS", "no_https"),
            ("GO_PATH", "go_path"),
            ("GO PATH", "go_path"),
            ("http2xx", "http_2xx"),
            ("HTTP20xOK", "http_20x_ok"),
            ("Duration2m3s", "duration_2m3s"),
            ("Bld4Floor3rd", "bld4_floor_3rd"),
        ] {
            assert_eq!(to_snake_case(i), o, "{i}");
        }
        assert_eq!(to_kebab_case("HTTPServerX"), "http-server-x");
        assert_eq!(to_kebab_case("my_var Name"), "my-var-name");
        assert_eq!(to_kebab_case("ALLCAPS"), "allcaps");
    }

    #[test]
    fn pascal() {
        for (i, o) in [
            ("http_server", "HttpServer"),
            ("_complex__case_", "_Complex_Case_"),
            ("all-lower dash", "AllLowerDash"),
            ("a1_b2", "A1B2"),
            ("some_words", "SomeWords"),
            ("no_https", "NoHttps"),
            ("GOLANG_IS_GREAT", "GolangIsGreat"),
            ("", ""),
        ] {
            assert_eq!(to_pascal_case(i), o, "{i}");
        }
    }
}
