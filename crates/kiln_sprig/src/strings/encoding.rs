//! Go's `base64.StdEncoding` and `base32.StdEncoding` (padded, non-strict), for Sprig's
//! `b64enc`/`b64dec`/`b32enc`/`b32dec`. Decoding errors carry Go's texts
//! (`illegal base64 data at input byte N`) with Go's offsets, since Sprig returns the
//! error text as the function's result.

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `base64.StdEncoding.EncodeToString`.
pub(crate) fn b64_encode(src: &[u8]) -> String {
    let mut out = String::with_capacity(src.len().div_ceil(3) * 4);
    for chunk in src.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(B64[(v >> (18 - 6 * k) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b64_value(c: u8) -> Option<u8> {
    B64.iter().position(|&x| x == c).map(|p| p as u8)
}

fn corrupt(kind: &str, at: usize) -> String {
    format!("illegal {kind} data at input byte {at}")
}

/// `base64.StdEncoding.DecodeString`: the decoded bytes, or Go's error text.
pub(crate) fn b64_decode(src: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        // Go's decodeQuantum.
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut err = None;
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                // StdEncoding is padded: a short final quantum is corrupt.
                return Err(corrupt("base64", si - j));
            }
            let c = src[si];
            si += 1;
            if let Some(v) = b64_value(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(corrupt("base64", si - 1));
            }
            // Padding: the end of the data.
            match j {
                0 | 1 => return Err(corrupt("base64", si - 1)),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(corrupt("base64", src.len()));
                    }
                    if src[si] != b'=' {
                        return Err(corrupt("base64", si - 1));
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                err = Some(corrupt("base64", si));
            }
            dlen = j;
            break;
        }
        let val = u32::from(dbuf[0]) << 18
            | u32::from(dbuf[1]) << 12
            | u32::from(dbuf[2]) << 6
            | u32::from(dbuf[3]);
        let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if let Some(e) = err {
            return Err(e);
        }
        if dlen < 4 {
            break;
        }
    }
    Ok(out)
}

/// `base32.StdEncoding.EncodeToString`.
pub(crate) fn b32_encode(src: &[u8]) -> String {
    let mut out = String::with_capacity(src.len().div_ceil(5) * 8);
    for chunk in src.chunks(5) {
        let mut b = [0u8; 5];
        b[..chunk.len()].copy_from_slice(chunk);
        let v = b.iter().fold(0u64, |acc, &x| acc << 8 | u64::from(x));
        // Output characters carrying data for 1..=5 input bytes.
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for k in 0..8 {
            if k < chars {
                out.push(char::from(B32[(v >> (35 - 5 * k) & 31) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `base32.StdEncoding.DecodeString`: newlines are removed first, then Go's `decode`.
pub(crate) fn b32_decode(src: &[u8]) -> Result<Vec<u8>, String> {
    let src: Vec<u8> = src
        .iter()
        .copied()
        .filter(|&c| c != b'\n' && c != b'\r')
        .collect();
    let olen = src.len();
    let mut rest: &[u8] = &src;
    let mut out = Vec::with_capacity(olen / 8 * 5);
    let mut end = false;
    while !rest.is_empty() && !end {
        let mut dbuf = [0u8; 8];
        let mut dlen = 8;
        let mut j = 0;
        while j < 8 {
            let Some((&c, tail)) = rest.split_first() else {
                // Padded encoding: missing padding.
                return Err(corrupt("base32", olen - rest.len() - j));
            };
            rest = tail;
            if c == b'=' && j >= 2 && rest.len() < 8 {
                if rest.len() + j < 8 - 1 {
                    return Err(corrupt("base32", olen));
                }
                for k in 0..8 - 1 - j {
                    if rest.len() > k && rest[k] != b'=' {
                        return Err(corrupt("base32", olen - rest.len() + k - 1));
                    }
                }
                dlen = j;
                end = true;
                if matches!(dlen, 1 | 3 | 6) {
                    return Err(corrupt("base32", olen - rest.len() - 1));
                }
                break;
            }
            match B32.iter().position(|&x| x == c) {
                Some(v) => dbuf[j] = v as u8,
                None => return Err(corrupt("base32", olen - rest.len() - 1)),
            }
            j += 1;
        }
        let mut q = [0u8; 5];
        q[4] = dbuf[6] << 5 | dbuf[7];
        q[3] = dbuf[4] << 7 | dbuf[5] << 2 | dbuf[6] >> 3;
        q[2] = dbuf[3] << 4 | dbuf[4] >> 1;
        q[1] = dbuf[1] << 6 | dbuf[2] << 1 | dbuf[3] >> 4;
        q[0] = dbuf[0] << 3 | dbuf[1] >> 2;
        let n = match dlen {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(&q[..n]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        assert_eq!(b64_encode("Hello, 世界".as_bytes()), "SGVsbG8sIOS4lueVjA==");
        assert_eq!(b64_encode(b""), "");
        assert_eq!(
            b64_decode(b"SGVsbG8sIOS4lueVjA==").unwrap(),
            "Hello, 世界".as_bytes()
        );
        assert_eq!(
            b64_decode(b"!!").unwrap_err(),
            "illegal base64 data at input byte 0"
        );
        assert_eq!(
            b64_decode(b"aGk").unwrap_err(),
            "illegal base64 data at input byte 0"
        );
        assert_eq!(
            b64_decode(b"-_8=").unwrap_err(),
            "illegal base64 data at input byte 0"
        );
        assert_eq!(b64_decode(b"aGk=").unwrap(), b"hi");
        assert_eq!(b64_decode(b"aG\nk=").unwrap(), b"hi");
    }

    #[test]
    fn base32() {
        assert_eq!(b32_encode(b"Hello"), "JBSWY3DP");
        assert_eq!(b32_encode(b"Hi"), "JBUQ====");
        assert_eq!(b32_decode(b"JBSWY3DP").unwrap(), b"Hello");
        assert_eq!(b32_decode(b"JBUQ====").unwrap(), b"Hi");
        assert_eq!(
            b32_decode(b"1").unwrap_err(),
            "illegal base32 data at input byte 0"
        );
    }
}
