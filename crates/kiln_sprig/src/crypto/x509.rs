//! Sprig's certificate functions on a reimplementation of the parts of Go's
//! `crypto/x509.CreateCertificate` they use: the same TBSCertificate layout, extensions
//! in Go's order (KeyUsage critical, ExtKeyUsage serverAuth+clientAuth,
//! BasicConstraints critical, SubjectKeyId for CAs as the first 160 bits of the SHA-256
//! of the public key (Go 1.25+), AuthorityKeyId from the parent, SubjectAltName with DNS
//! names then IP addresses, critical when the subject is empty), UTCTime before 2050,
//! a random 128-bit serial number, and the signature algorithm Go picks per key.

use std::any::Any;
use std::borrow::Cow;
use std::net::IpAddr;
use std::sync::Arc;

use kiln_gotmpl::{Field, Kind, Object, Value};
use rand::RngCore;
use sha2::Digest;

use super::b64;
use super::der;
use super::keys::{parse_private_key_pem, PrivateKey};

/// Sprig's `certificate` struct: `{Cert, Key string}` (PEM texts). Its Go type name is
/// `sprig.certificate`; `kindOf` says `struct`.
pub(crate) struct Certificate {
    pub(crate) cert: String,
    pub(crate) key: String,
}

/// The template type name of [`Certificate`].
pub(crate) const CERTIFICATE_TYPE: &str = "sprig.certificate";

impl Certificate {
    pub(crate) fn value(cert: String, key: String) -> Value {
        Value::Object(Arc::new(Certificate { cert, key }))
    }
}

impl Object for Certificate {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(CERTIFICATE_TYPE)
    }

    fn kind(&self) -> Kind {
        Kind::Struct
    }

    fn field(&self, name: &str) -> Field {
        match name {
            "Cert" => Field::Value(Value::str(&self.cert)),
            "Key" => Field::Value(Value::str(&self.key)),
            _ => Field::NoField,
        }
    }

    fn fields(&self) -> Vec<(Cow<'static, str>, Value)> {
        vec![
            (Cow::Borrowed("Cert"), Value::str(&self.cert)),
            (Cow::Borrowed("Key"), Value::str(&self.key)),
        ]
    }

    /// `{"Cert": ..., "Key": ...}` (the struct has no JSON tags).
    fn to_json_value(&self) -> Option<Value> {
        let mut m = kiln_gotmpl::Map::new();
        m.insert("Cert".into(), Value::str(&self.cert));
        m.insert("Key".into(), Value::str(&self.key));
        Some(Value::map(m))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// What Sprig's `getBaseCertTemplate` and the callers' overrides decide.
pub(crate) struct Template {
    cn: String,
    ips: Vec<Vec<u8>>,
    dns: Vec<String>,
    days: i64,
    is_ca: bool,
}

fn sprint(v: &Value) -> String {
    kiln_gotmpl::fmt::sprint(std::slice::from_ref(v))
}

/// `getBaseCertTemplate`: IP addresses (`error parsing ip: ...`) then DNS names
/// (`error processing alternate dns name: ...`).
pub(crate) fn base_template(
    cn: &str,
    ips: &[Value],
    dns: &[Value],
    days: i64,
) -> Result<Template, String> {
    let mut ip_bytes = Vec::with_capacity(ips.len());
    for ip in ips {
        let Value::String(s) = ip else {
            return Err(format!("error parsing ip: {} is not a string", sprint(ip)));
        };
        let parsed: IpAddr = s.parse().map_err(|_| format!("error parsing ip: {s}"))?;
        // Go's net.IP.To4: IPv4 and IPv4-mapped IPv6 addresses take 4 bytes.
        ip_bytes.push(match parsed {
            IpAddr::V4(v4) => v4.octets().to_vec(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.octets().to_vec(),
                None => v6.octets().to_vec(),
            },
        });
    }
    let mut names = Vec::with_capacity(dns.len());
    for d in dns {
        let Value::String(s) = d else {
            return Err(format!(
                "error processing alternate dns name: {} is not a string",
                sprint(d)
            ));
        };
        names.push(s.to_string());
    }
    Ok(Template {
        cn: cn.to_string(),
        ips: ip_bytes,
        dns: names,
        days,
        is_ca: false,
    })
}

impl Template {
    pub(crate) fn into_ca(mut self) -> Template {
        self.is_ca = true;
        self
    }
}

/// The parts of a parsed parent certificate `CreateCertificate` uses.
pub(crate) struct ParsedCert {
    raw_subject: Vec<u8>,
    spki: Vec<u8>,
    subject_key_id: Option<Vec<u8>>,
}

const OID_SKID: &[u64] = &[2, 5, 29, 14];

/// A structural `x509.ParseCertificate`.
pub(crate) fn parse_certificate(bytes: &[u8]) -> Result<ParsedCert, String> {
    let malformed = || "x509: malformed certificate".to_string();
    let (cert, rest) = der::read(bytes).ok_or_else(malformed)?;
    if cert.tag != der::SEQUENCE || !rest.is_empty() {
        return Err(malformed());
    }
    let parts = der::children(cert.content).ok_or_else(malformed)?;
    if parts.len() != 3 || parts[0].tag != der::SEQUENCE {
        return Err(malformed());
    }
    let mut tbs = der::children(parts[0].content)
        .ok_or_else(malformed)?
        .into_iter();
    let mut next = tbs.next().ok_or_else(malformed)?;
    if next.tag == 0xa0 {
        next = tbs.next().ok_or_else(malformed)?;
    }
    if next.tag != der::INTEGER {
        return Err("x509: malformed serial number".into());
    }
    let _sig_alg = tbs.next().ok_or_else(malformed)?;
    let _issuer = tbs.next().ok_or_else(malformed)?;
    let _validity = tbs.next().ok_or_else(malformed)?;
    let subject = tbs.next().ok_or_else(malformed)?;
    let spki = tbs.next().ok_or_else(malformed)?;
    if subject.tag != der::SEQUENCE || spki.tag != der::SEQUENCE {
        return Err(malformed());
    }
    let mut skid = None;
    for e in tbs {
        if e.tag != 0xa3 {
            continue;
        }
        let (exts, _) = der::read(e.content).ok_or_else(malformed)?;
        for ext in der::children(exts.content).ok_or_else(malformed)? {
            let fields = der::children(ext.content).ok_or_else(malformed)?;
            let (Some(id), Some(val)) = (fields.first(), fields.last()) else {
                continue;
            };
            if id.raw == der::oid(OID_SKID).as_slice() && val.tag == der::OCTET_STRING {
                if let Some((inner, _)) = der::read(val.content) {
                    skid = Some(inner.content.to_vec());
                }
            }
        }
    }
    Ok(ParsedCert {
        raw_subject: subject.raw.to_vec(),
        spki: spki.raw.to_vec(),
        subject_key_id: skid,
    })
}

/// pkix.Name{CommonName: cn} as Go's asn1 marshals it.
fn name(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return der::seq(&[]);
    }
    // Go uses PrintableString when every character allows it ('*' and '&' excluded).
    let printable = cn
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b));
    let tag = if printable {
        der::PRINTABLE_STRING
    } else {
        der::UTF8_STRING
    };
    let atv = der::seq(&[&der::oid(&[2, 5, 4, 3]), &der::tlv(tag, cn.as_bytes())]);
    der::seq(&[&der::tlv(der::SET, &atv)])
}

fn time_der(unix: i64) -> Result<Vec<u8>, String> {
    let c = crate::date::civil_utc(unix);
    if (1950..2050).contains(&c.year) {
        Ok(der::tlv(
            der::UTC_TIME,
            format!(
                "{:02}{:02}{:02}{:02}{:02}{:02}Z",
                c.year % 100,
                c.month,
                c.day,
                c.hour,
                c.minute,
                c.second
            )
            .as_bytes(),
        ))
    } else if (0..=9999).contains(&c.year) {
        Ok(der::tlv(
            der::GENERALIZED_TIME,
            format!(
                "{:04}{:02}{:02}{:02}{:02}{:02}Z",
                c.year, c.month, c.day, c.hour, c.minute, c.second
            )
            .as_bytes(),
        ))
    } else {
        Err("asn1: cannot represent time as GeneralizedTime".into())
    }
}

fn extension(id: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let oid = der::oid(id);
    let octets = der::tlv(der::OCTET_STRING, value);
    if critical {
        der::seq(&[&oid, &der::tlv(der::BOOLEAN, &[0xff]), &octets])
    } else {
        der::seq(&[&oid, &octets])
    }
}

/// The subjectPublicKey BIT STRING contents of an SPKI (without the unused-bits byte).
fn subject_public_key_bits(spki: &[u8]) -> Vec<u8> {
    der::read(spki)
        .and_then(|(s, _)| der::children(s.content))
        .and_then(|c| c.get(1).map(|b| b.content.get(1..).unwrap_or(&[]).to_vec()))
        .unwrap_or_default()
}

/// Sprig's `getCertAndKey`: `x509.CreateCertificate(template, parent, signee public
/// key, signer)` PEM-encoded, and the signee key PEM-encoded.
pub(crate) fn cert_and_key(
    t: &Template,
    signee: &PrivateKey,
    parent: Option<&ParsedCert>,
    signer: &PrivateKey,
) -> Result<(String, String), String> {
    let cert = create_certificate(t, signee, parent, signer)
        .map_err(|e| format!("error creating certificate: {e}"))?;
    let key = signee
        .to_pem()
        .map_err(|e| format!("error pem-encoding key: {e}"))?;
    Ok((b64::pem_encode("CERTIFICATE", &cert), key))
}

fn create_certificate(
    t: &Template,
    signee: &PrivateKey,
    parent: Option<&ParsedCert>,
    signer: &PrivateKey,
) -> Result<Vec<u8>, String> {
    if !signer.is_signer() {
        return Err("x509: certificate private key does not implement crypto.Signer".into());
    }
    let sig_alg = signer.signature_algorithm();
    let spki = signee.public_key_info()?;
    let subject = name(&t.cn);
    let issuer = parent.map_or_else(|| subject.clone(), |p| p.raw_subject.clone());
    let authority_key_id = match parent {
        Some(p) if issuer != subject => p.subject_key_id.clone().filter(|k| !k.is_empty()),
        _ => None,
    };
    let subject_key_id = t.is_ca.then(|| {
        let h = sha2::Sha256::digest(subject_public_key_bits(&spki));
        h[..20].to_vec()
    });
    if let Some(p) = parent {
        if signer.public_key_info()? != p.spki {
            return Err("x509: provided PrivateKey doesn't match parent's PublicKey".into());
        }
    }

    let mut serial = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut serial);
    let now = crate::date::unix_now();
    let days_ns = 24i64 * 3_600_000_000_000;
    let dur_secs = days_ns.wrapping_mul(t.days) / 1_000_000_000;
    let validity = der::seq(&[&time_der(now)?, &time_der(now.saturating_add(dur_secs))?]);

    let mut exts: Vec<Vec<u8>> = Vec::new();
    // KeyUsage: DigitalSignature | KeyEncipherment (| CertSign), bits reversed.
    let ku: &[u8] = if t.is_ca {
        &[0x02, 0xa4]
    } else {
        &[0x05, 0xa0]
    };
    exts.push(extension(
        &[2, 5, 29, 15],
        true,
        &der::tlv(der::BIT_STRING, ku),
    ));
    exts.push(extension(
        &[2, 5, 29, 37],
        false,
        &der::seq(&[
            &der::oid(&[1, 3, 6, 1, 5, 5, 7, 3, 1]),
            &der::oid(&[1, 3, 6, 1, 5, 5, 7, 3, 2]),
        ]),
    ));
    let bc = if t.is_ca {
        der::seq(&[&der::tlv(der::BOOLEAN, &[0xff])])
    } else {
        der::seq(&[])
    };
    exts.push(extension(&[2, 5, 29, 19], true, &bc));
    if let Some(k) = &subject_key_id {
        exts.push(extension(OID_SKID, false, &der::tlv(der::OCTET_STRING, k)));
    }
    if let Some(k) = &authority_key_id {
        exts.push(extension(
            &[2, 5, 29, 35],
            false,
            &der::seq(&[&der::tlv(0x80, k)]),
        ));
    }
    if !t.dns.is_empty() || !t.ips.is_empty() {
        let mut sans = Vec::new();
        for d in &t.dns {
            if !d.is_ascii() {
                return Err(format!(
                    "x509: {} cannot be encoded as an IA5String",
                    crate::semver::go_quote(d)
                ));
            }
            sans.extend(der::tlv(0x82, d.as_bytes()));
        }
        for ip in &t.ips {
            sans.extend(der::tlv(0x87, ip));
        }
        exts.push(extension(
            &[2, 5, 29, 17],
            t.cn.is_empty(),
            &der::tlv(der::SEQUENCE, &sans),
        ));
    }

    let tbs = der::seq(&[
        &der::explicit(0, &der::tlv(der::INTEGER, &[2])),
        &der::uint(&serial),
        &sig_alg,
        &issuer,
        &validity,
        &subject,
        &spki,
        &der::explicit(3, &der::tlv(der::SEQUENCE, &exts.concat())),
    ]);
    let signature = signer.sign(&tbs)?;
    Ok(der::seq(&[&tbs, &sig_alg, &der::bit_string(&signature)]))
}

/// Sprig's `buildCustomCertificate`.
pub(crate) fn build_custom(b64cert: &str, b64key: &str) -> Result<Value, String> {
    let cert = b64::decode(b64cert.as_bytes())
        .map_err(|_| "unable to decode base64 certificate".to_string())?;
    let key = b64::decode(b64key.as_bytes())
        .map_err(|_| "unable to decode base64 private key".to_string())?;
    let cert_text = String::from_utf8_lossy(&cert).into_owned();
    let key_text = String::from_utf8_lossy(&key).into_owned();
    let block = b64::pem_decode(&cert_text).ok_or("unable to decode certificate")?;
    parse_certificate(&block.bytes)
        .map_err(|e| format!("error parsing certificate: decodedCert.Bytes: {e}"))?;
    parse_private_key_pem(&key_text).map_err(|e| format!("error parsing private key: {e}"))?;
    Ok(Certificate::value(cert_text, key_text))
}

/// The signer side of `generateSignedCertificateWithKeyInternal`: the CA's parsed
/// certificate and key.
pub(crate) fn parse_ca(ca: &Certificate) -> Result<(ParsedCert, PrivateKey), String> {
    let block = b64::pem_decode(&ca.cert).ok_or("unable to decode certificate")?;
    let parsed = parse_certificate(&block.bytes)
        .map_err(|e| format!("error parsing certificate: decodedSignerCert.Bytes: {e}"))?;
    let key =
        parse_private_key_pem(&ca.key).map_err(|e| format!("error parsing private key: {e}"))?;
    Ok((parsed, key))
}
