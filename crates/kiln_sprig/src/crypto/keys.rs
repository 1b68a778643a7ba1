//! Private keys as Sprig handles them: generation (`genPrivateKey`), Go's PEM encodings
//! (`pemBlockForKey`: PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`, Sprig's own ASN.1
//! `DSA PRIVATE KEY`, PKCS#8 `PRIVATE KEY` for Ed25519), parsing (`parsePrivateKeyPEM`),
//! public keys (SubjectPublicKeyInfo DER) and signing for certificates.

use rand::rngs::OsRng;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};

use super::b64::{pem_decode, pem_encode};
use super::der;

/// A private key of one of the types Go's `crypto` offers Sprig.
pub(crate) enum PrivateKey {
    Rsa(Box<rsa::RsaPrivateKey>),
    Ecdsa(p256::SecretKey),
    Ed25519(ed25519_dalek::SigningKey),
    /// DSA parameters and key, big-endian: p, q, g, y, x.
    Dsa([Vec<u8>; 5]),
}

const OID_ED25519: &[u64] = &[1, 3, 101, 112];
const OID_P256: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];

/// Generates an RSA key of `bits` bits.
pub(crate) fn generate_rsa(bits: usize) -> Result<PrivateKey, String> {
    super::prime::generate_rsa_key(bits).map(|k| PrivateKey::Rsa(Box::new(k)))
}

/// `genPrivateKey`'s generation step for `typ` (`""`/`rsa`: RSA 4096, `dsa`: DSA
/// L2048N256, `ecdsa`: P-256, `ed25519`); `None` for unknown types.
pub(crate) fn generate(typ: &str) -> Option<Result<PrivateKey, String>> {
    Some(match typ {
        "" | "rsa" => generate_rsa(4096),
        "dsa" => {
            let components = dsa::Components::generate(&mut OsRng, dsa::KeySize::DSA_2048_256);
            let key = dsa::SigningKey::generate(&mut OsRng, components);
            let vk = key.verifying_key();
            let c = vk.components();
            Ok(PrivateKey::Dsa([
                c.p().to_bytes_be(),
                c.q().to_bytes_be(),
                c.g().to_bytes_be(),
                vk.y().to_bytes_be(),
                key.x().to_bytes_be(),
            ]))
        }
        "ecdsa" => Ok(PrivateKey::Ecdsa(p256::SecretKey::random(&mut OsRng))),
        "ed25519" => Ok(PrivateKey::Ed25519(ed25519_dalek::SigningKey::generate(
            &mut OsRng,
        ))),
        _ => return None,
    })
}

fn ec_public_point(k: &p256::SecretKey) -> Vec<u8> {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    k.public_key().to_encoded_point(false).as_bytes().to_vec()
}

impl PrivateKey {
    /// Sprig's `pemBlockForKey`: the PEM text of the key.
    pub(crate) fn to_pem(&self) -> Result<String, String> {
        Ok(match self {
            PrivateKey::Rsa(k) => {
                let der = k.to_pkcs1_der().map_err(|e| e.to_string())?;
                pem_encode("RSA PRIVATE KEY", der.as_bytes())
            }
            PrivateKey::Ecdsa(k) => {
                // Go's MarshalECPrivateKey: version 1, key, [0] curve OID, [1] public key.
                let d = der::seq(&[
                    &der::tlv(der::INTEGER, &[1]),
                    &der::tlv(der::OCTET_STRING, &k.to_bytes()),
                    &der::explicit(0, &der::oid(OID_P256)),
                    &der::explicit(1, &der::bit_string(&ec_public_point(k))),
                ]);
                pem_encode("EC PRIVATE KEY", &d)
            }
            PrivateKey::Ed25519(k) => {
                // Go's MarshalPKCS8PrivateKey: version 0, algorithm, OCTET STRING(seed).
                let d = der::seq(&[
                    &der::tlv(der::INTEGER, &[0]),
                    &der::seq(&[&der::oid(OID_ED25519)]),
                    &der::tlv(
                        der::OCTET_STRING,
                        &der::tlv(der::OCTET_STRING, &k.to_bytes()),
                    ),
                ]);
                pem_encode("PRIVATE KEY", &d)
            }
            PrivateKey::Dsa([p, q, g, y, x]) => {
                let d = der::seq(&[
                    &der::uint(&[0]),
                    &der::uint(p),
                    &der::uint(q),
                    &der::uint(g),
                    &der::uint(y),
                    &der::uint(x),
                ]);
                pem_encode("DSA PRIVATE KEY", &d)
            }
        })
    }

    /// The SubjectPublicKeyInfo DER of the public key (Go's `marshalPublicKey`); DSA
    /// keys are not supported by Go's x509 (`x509: unsupported public key type:
    /// *dsa.PublicKey`).
    pub(crate) fn public_key_info(&self) -> Result<Vec<u8>, String> {
        match self {
            PrivateKey::Rsa(k) => k
                .to_public_key()
                .to_public_key_der()
                .map(|d| d.as_bytes().to_vec())
                .map_err(|e| e.to_string()),
            PrivateKey::Ecdsa(k) => k
                .public_key()
                .to_public_key_der()
                .map(|d| d.as_bytes().to_vec())
                .map_err(|e| e.to_string()),
            PrivateKey::Ed25519(k) => k
                .verifying_key()
                .to_public_key_der()
                .map(|d| d.as_bytes().to_vec())
                .map_err(|e| e.to_string()),
            PrivateKey::Dsa(_) => {
                Err("x509: unsupported public key type: *dsa.PublicKey".to_string())
            }
        }
    }

    /// Whether Go's `crypto.Signer` is implemented (all but DSA).
    pub(crate) fn is_signer(&self) -> bool {
        !matches!(self, PrivateKey::Dsa(_))
    }

    /// The AlgorithmIdentifier DER Go's `CreateCertificate` picks for this signer
    /// (SHA256WithRSA, ECDSAWithSHA256, PureEd25519).
    pub(crate) fn signature_algorithm(&self) -> Vec<u8> {
        match self {
            PrivateKey::Rsa(_) => der::seq(&[
                &der::oid(&[1, 2, 840, 113549, 1, 1, 11]),
                &der::tlv(der::NULL, &[]),
            ]),
            PrivateKey::Ecdsa(_) => der::seq(&[&der::oid(&[1, 2, 840, 10045, 4, 3, 2])]),
            PrivateKey::Ed25519(_) | PrivateKey::Dsa(_) => der::seq(&[&der::oid(OID_ED25519)]),
        }
    }

    /// Signs `msg` with the algorithm of [`PrivateKey::signature_algorithm`].
    pub(crate) fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, String> {
        match self {
            PrivateKey::Rsa(k) => {
                use rsa::signature::{SignatureEncoding, Signer};
                let sk = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone());
                Ok(sk.sign(msg).to_vec())
            }
            PrivateKey::Ecdsa(k) => {
                use p256::ecdsa::signature::Signer;
                let sk = p256::ecdsa::SigningKey::from(k);
                let sig: p256::ecdsa::Signature = sk.sign(msg);
                Ok(sig.to_der().as_bytes().to_vec())
            }
            PrivateKey::Ed25519(k) => {
                use ed25519_dalek::Signer;
                Ok(k.sign(msg).to_bytes().to_vec())
            }
            PrivateKey::Dsa(_) => {
                Err("x509: certificate private key does not implement crypto.Signer".to_string())
            }
        }
    }
}

/// Sprig's `parsePrivateKeyPEM`, with its error texts.
pub(crate) fn parse_private_key_pem(pem: &str) -> Result<PrivateKey, String> {
    let block = pem_decode(pem).ok_or("no PEM data in input")?;
    if block.ty == "PRIVATE KEY" {
        return parse_pkcs8(&block.bytes).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(kind) = block.ty.strip_suffix(" PRIVATE KEY") else {
        return Err(format!(
            "no private key data in PEM block of type {}",
            block.ty
        ));
    };
    match kind {
        "RSA" => rsa::RsaPrivateKey::from_pkcs1_der(&block.bytes)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|_| {
                let e = asn1_outer_error(&block.bytes, "pkcs1PrivateKey")
                    .unwrap_or_else(|| "x509: failed to parse private key".to_string());
                format!("parsing RSA private key from PEM: {e}")
            }),
        "EC" => p256::SecretKey::from_sec1_der(&block.bytes)
            .map(PrivateKey::Ecdsa)
            .map_err(|_| {
                let e = match asn1_outer_error(&block.bytes, "ecPrivateKey") {
                    Some(e) => format!("x509: failed to parse EC private key: {e}"),
                    None => "x509: failed to parse EC private key".to_string(),
                };
                format!("parsing EC private key from PEM: {e}")
            }),
        "DSA" => parse_dsa(&block.bytes)
            .ok_or_else(|| "parsing DSA private key from PEM: asn1: structure error".to_string()),
        _ => Err(format!("invalid private key type {}", block.ty)),
    }
}

/// Go's `encoding/asn1` error when the outermost element of `der` is not a SEQUENCE
/// (the usual way garbage fails), for a target struct named `name`.
fn asn1_outer_error(der: &[u8], name: &str) -> Option<String> {
    let Some(&b) = der.first() else {
        return Some("asn1: syntax error: sequence truncated".to_string());
    };
    if b == der::SEQUENCE || b & 0x1f == 0x1f {
        return None;
    }
    let l0 = *der.get(1)?;
    let (len, hdr) = if l0 < 0x80 {
        (usize::from(l0), 2)
    } else {
        let n = usize::from(l0 & 0x7f);
        if n == 0 || n > 4 || der.len() < 2 + n {
            return None;
        }
        let len = der[2..2 + n]
            .iter()
            .fold(0usize, |acc, &x| (acc << 8) | usize::from(x));
        (len, 2 + n)
    };
    Some(format!(
        "asn1: structure error: tags don't match (16 vs {{class:{} tag:{} length:{len} isCompound:{}}}) \
         {{optional:false explicit:false application:false private:false defaultValue:<nil> \
         tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false}} {name} @{hdr}",
        b >> 6,
        b & 0x1f,
        b & 0x20 != 0,
    ))
}

fn parse_pkcs8(der_bytes: &[u8]) -> Result<PrivateKey, String> {
    if let Some(e) = asn1_outer_error(der_bytes, "pkcs8") {
        return Err(e);
    }
    if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(der_bytes) {
        return Ok(PrivateKey::Rsa(Box::new(k)));
    }
    if let Ok(k) = p256::SecretKey::from_pkcs8_der(der_bytes) {
        return Ok(PrivateKey::Ecdsa(k));
    }
    if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_der(der_bytes) {
        return Ok(PrivateKey::Ed25519(k));
    }
    if rsa::RsaPrivateKey::from_pkcs1_der(der_bytes).is_ok() {
        return Err("x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)".into());
    }
    if p256::SecretKey::from_sec1_der(der_bytes).is_ok() {
        return Err(
            "x509: failed to parse private key (use ParseECPrivateKey instead for this key format)"
                .into(),
        );
    }
    Err("x509: failed to parse private key".into())
}

fn parse_dsa(bytes: &[u8]) -> Option<PrivateKey> {
    let (outer, _) = der::read(bytes)?;
    let items = der::children(outer.content)?;
    if outer.tag != der::SEQUENCE || items.len() < 6 {
        return None;
    }
    let get = |i: usize| der::uint_bytes(&items[i]).map(<[u8]>::to_vec);
    Some(PrivateKey::Dsa([
        get(1)?,
        get(2)?,
        get(3)?,
        get(4)?,
        get(5)?,
    ]))
}
