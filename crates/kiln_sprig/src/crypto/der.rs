//! Minimal ASN.1 DER writing and reading, enough for the structures Sprig's certificate
//! functions produce (Go's `crypto/x509` and `encoding/asn1` output) and read back.

pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const SET: u8 = 0x31;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const NULL: u8 = 0x05;
pub(crate) const OID: u8 = 0x06;
pub(crate) const BOOLEAN: u8 = 0x01;
pub(crate) const UTF8_STRING: u8 = 0x0c;
pub(crate) const PRINTABLE_STRING: u8 = 0x13;
pub(crate) const UTC_TIME: u8 = 0x17;
pub(crate) const GENERALIZED_TIME: u8 = 0x18;

/// A tag-length-value with definite length.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A SEQUENCE of already encoded elements.
pub(crate) fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(SEQUENCE, &parts.concat())
}

/// A non-negative INTEGER from big-endian magnitude bytes.
pub(crate) fn uint(be: &[u8]) -> Vec<u8> {
    let skip = be.iter().take_while(|&&b| b == 0).count();
    let mut v = be[skip..].to_vec();
    if v.is_empty() || v[0] & 0x80 != 0 {
        v.insert(0, 0);
    }
    tlv(INTEGER, &v)
}

/// An OBJECT IDENTIFIER from its arcs.
pub(crate) fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut push = |mut v: u64| {
        let mut tmp = vec![(v & 0x7f) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        tmp.reverse();
        body.extend(tmp);
    };
    push(arcs[0] * 40 + arcs.get(1).copied().unwrap_or(0));
    for &a in arcs.iter().skip(2) {
        push(a);
    }
    tlv(OID, &body)
}

/// A BIT STRING with no unused bits.
pub(crate) fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut v = vec![0u8];
    v.extend_from_slice(bytes);
    tlv(BIT_STRING, &v)
}

/// A context-specific constructed (EXPLICIT) tag `[n]`.
pub(crate) fn explicit(n: u8, content: &[u8]) -> Vec<u8> {
    tlv(0xa0 | n, content)
}

/// One parsed element: tag, content, and the whole encoding.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Element<'a> {
    pub(crate) tag: u8,
    pub(crate) content: &'a [u8],
    pub(crate) raw: &'a [u8],
}

/// Reads one element from the front of `input`, returning it and the rest.
pub(crate) fn read(input: &[u8]) -> Option<(Element<'_>, &[u8])> {
    let tag = *input.first()?;
    if tag & 0x1f == 0x1f {
        return None; // multi-byte tags do not occur here
    }
    let l0 = *input.get(1)?;
    let (len, hdr) = if l0 < 0x80 {
        (l0 as usize, 2)
    } else {
        let n = (l0 & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *input.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let end = hdr.checked_add(len)?;
    if end > input.len() {
        return None;
    }
    Some((
        Element {
            tag,
            content: &input[hdr..end],
            raw: &input[..end],
        },
        &input[end..],
    ))
}

/// All elements of a constructed value's content.
pub(crate) fn children(mut content: &[u8]) -> Option<Vec<Element<'_>>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (e, rest) = read(content)?;
        out.push(e);
        content = rest;
    }
    Some(out)
}

/// The magnitude bytes of a non-negative INTEGER element.
pub(crate) fn uint_bytes<'a>(e: &Element<'a>) -> Option<&'a [u8]> {
    if e.tag != INTEGER || e.content.is_empty() || e.content[0] & 0x80 != 0 {
        return None;
    }
    let skip = e.content.iter().take_while(|&&b| b == 0).count();
    Some(&e.content[skip..])
}
