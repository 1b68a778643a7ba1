//! Go's `encoding/base64` `StdEncoding` (padded, non-strict) as the crypto functions use
//! it, with Go's error texts (`illegal base64 data at input byte N`), and Go's
//! `encoding/pem` block encoding and decoding.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `base64.StdEncoding.EncodeToString(b)`.
pub(crate) fn encode(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for chunk in b.chunks(3) {
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        let n = chunk.len() + 1;
        for i in 0..4 {
            if i < n {
                out.push(ALPHABET[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn decode_char(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// The error of a failed decode: the data decoded so far (Go returns it too) and the
/// offset Go reports.
#[derive(Debug)]
pub(crate) struct CorruptInput {
    pub(crate) offset: usize,
}

impl std::fmt::Display for CorruptInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "illegal base64 data at input byte {}", self.offset)
    }
}

/// `base64.StdEncoding.DecodeString(s)`: Go's quantum-by-quantum decoder (newlines
/// skipped, padding required).
pub(crate) fn decode(src: &[u8]) -> Result<Vec<u8>, CorruptInput> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut j = 0;
        let mut trailing_err = None;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                // Padding is required, so a short final quantum is corrupt.
                return Err(CorruptInput { offset: si - j });
            }
            let c = src[si];
            si += 1;
            if let Some(v) = decode_char(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(CorruptInput { offset: si - 1 });
            }
            match j {
                0 | 1 => return Err(CorruptInput { offset: si - 1 }),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(CorruptInput { offset: src.len() });
                    }
                    if src[si] != b'=' {
                        return Err(CorruptInput { offset: si - 1 });
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                trailing_err = Some(CorruptInput { offset: si });
            }
            dlen = j;
            break;
        }
        let val = (u32::from(dbuf[0]) << 18)
            | (u32::from(dbuf[1]) << 12)
            | (u32::from(dbuf[2]) << 6)
            | u32::from(dbuf[3]);
        let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if let Some(e) = trailing_err {
            return Err(e);
        }
        if dlen < 4 {
            return Ok(out);
        }
    }
    Ok(out)
}

/// `pem.EncodeToMemory(&pem.Block{Type: ty, Bytes: der})`.
pub(crate) fn pem_encode(ty: &str, der: &[u8]) -> String {
    let b = encode(der);
    let mut out = format!("-----BEGIN {ty}-----\n");
    for line in b.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or(""));
        out.push('\n');
    }
    out.push_str(&format!("-----END {ty}-----\n"));
    out
}

/// A decoded PEM block.
pub(crate) struct PemBlock {
    pub(crate) ty: String,
    pub(crate) bytes: Vec<u8>,
}

/// `pem.Decode(data)`: the first well-formed block (headers are skipped), or `None`.
pub(crate) fn pem_decode(data: &str) -> Option<PemBlock> {
    let mut rest = data;
    loop {
        let start = rest.find("-----BEGIN ")?;
        let after = &rest[start + 11..];
        let type_end = after.find("-----")?;
        let ty = &after[..type_end];
        let body_and_more = &after[type_end + 5..];
        // The BEGIN line must end right after the dashes.
        let body = match body_and_more
            .strip_prefix("\r\n")
            .or_else(|| body_and_more.strip_prefix('\n'))
        {
            Some(b) => b,
            None if body_and_more.is_empty() => return None,
            None => {
                rest = body_and_more;
                continue;
            }
        };
        let end_marker = format!("-----END {ty}-----");
        let Some(end) = body.find(&end_marker) else {
            rest = body_and_more;
            continue;
        };
        let mut text = &body[..end];
        // Skip RFC 1421 headers ("Key: value" lines followed by a blank line).
        if let Some(first_line) = text.lines().next() {
            if first_line.contains(':') {
                if let Some(p) = text.find("\n\n").or_else(|| text.find("\r\n\r\n")) {
                    text = &text[p..];
                }
            }
        }
        let clean: Vec<u8> = text
            .bytes()
            .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .collect();
        match decode(&clean) {
            Ok(bytes) => {
                return Some(PemBlock {
                    ty: ty.to_string(),
                    bytes,
                })
            }
            Err(_) => {
                rest = &body[end..];
                continue;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_errors() {
        assert_eq!(decode(b"!!").unwrap_err().offset, 0);
        assert_eq!(decode(b"aGk").unwrap_err().offset, 0);
        assert_eq!(decode(b"-_8=").unwrap_err().offset, 0);
        assert_eq!(decode(b"notbase64!").unwrap_err().offset, 9);
        assert_eq!(
            decode(b"SGVsbG8sIOS4lueVjA==").unwrap(),
            "Hello, 世界".as_bytes()
        );
        assert_eq!(decode(b"aGk=").unwrap(), b"hi");
        assert_eq!(decode(b"aGk=x").unwrap_err().offset, 4);
        assert_eq!(encode("Hello, 世界".as_bytes()), "SGVsbG8sIOS4lueVjA==");
    }
}
