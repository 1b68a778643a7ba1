//! Sprig's crypto functions (`crypto.go` of Sprig v3.3.0).
//!
//! | function | Go signature | result |
//! | --- | --- | --- |
//! | `sha1sum`, `sha256sum`, `sha512sum` | `func(input string) string` | lower-case hex digest |
//! | `adler32sum` | `func(input string) string` | Adler-32 checksum in decimal |
//! | `bcrypt` | `func(input string) string` | `$2a$10$...` hash; failures as text (`failed to encrypt string with bcrypt: ...`) |
//! | `htpasswd` | `func(username, password string) string` | `user:bcrypt`; `invalid username: U` when it has a `:` |
//! | `randBytes` | `func(count int) (string, error)` | base64 of `count` random bytes (kiln limit: [`MAX_RAND_BYTES`]) |
//! | `uuidv4` | `func() string` | random UUID |
//! | `derivePassword` | `func(counter uint32, passwordType, password, user, site string) string` | Master Password algorithm (scrypt N=32768 r=8 p=2, HMAC-SHA256); deterministic |
//! | `genPrivateKey` | `func(typ string) string` | PEM of a new `rsa` (4096, also `""`), `dsa`, `ecdsa` (P-256) or `ed25519` key; `Unknown type T` |
//! | `buildCustomCert` | `func(b64cert, b64key string) (certificate, error)` | validated certificate from base64 PEMs |
//! | `genCA` | `func(cn string, daysValid int) (certificate, error)` | self-signed CA, new RSA 2048 key |
//! | `genCAWithKey` | `func(cn string, daysValid int, privPEM string) (certificate, error)` | same with the given key |
//! | `genSelfSignedCert` | `func(cn string, ips, alternateDNS []interface{}, daysValid int) (certificate, error)` | self-signed leaf, new RSA 2048 key |
//! | `genSelfSignedCertWithKey` | `... , privPEM string)` | same with the given key |
//! | `genSignedCert` | `func(cn string, ips, alternateDNS []interface{}, daysValid int, ca certificate) (certificate, error)` | leaf signed by `ca`, new RSA 2048 key |
//! | `genSignedCertWithKey` | `... , ca certificate, privPEM string)` | same with the given key |
//! | `encryptAES` | `func(password, plaintext string) (string, error)` | base64(IV ‖ AES-256-CBC(PKCS#7-padded text)), key = password zero-padded/truncated to 32 bytes |
//! | `decryptAES` | `func(password, crypt64 string) (string, error)` | the inverse; Go's panics on malformed input reproduced as errors |
//!
//! `b64enc`/`b64dec`/`b32enc`/`b32dec` are Sprig string functions (see `strings.rs`).
//! Certificates are [`x509::Certificate`] objects (`sprig.certificate`, fields `Cert`,
//! `Key`). Key types: RSA, ECDSA P-256, Ed25519 and DSA as Go's; ECDSA keys on other
//! curves (P-224/384/521) given as PEM are not supported.

use kiln_gotmpl::{FuncMap, GoError, IntType, Ty, UintType, Value};

mod b64;
mod der;
mod keys;
mod prime;
mod x509;

use keys::{generate_rsa, parse_private_key_pem};
use x509::{base_template, cert_and_key, Certificate, CERTIFICATE_TYPE};

/// The largest `randBytes` count kiln accepts (Go would try to allocate any amount).
pub const MAX_RAND_BYTES: i64 = 16 << 20;

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// Sprig's `bcrypt` (x/crypto `GenerateFromPassword` with the default cost 10).
fn bcrypt_hash(input: &str) -> String {
    if input.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .to_string();
    }
    match bcrypt::hash_with_result(input, 10) {
        Ok(h) => h.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

const PASSWORD_SEED: &str = "com.lyndir.masterpassword";

fn password_templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_characters(c: u8) -> &'static [u8] {
    match c {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        b'x' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
        _ => b"",
    }
}

/// Sprig's `derivePassword` (the Master Password algorithm).
pub(crate) fn derive_password(
    counter: u32,
    kind: &str,
    password: &str,
    user: &str,
    site: &str,
) -> String {
    use hmac::Mac;
    let Some(templates) = password_templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = PASSWORD_SEED.as_bytes().to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let params = match scrypt::Params::new(15, 8, 2, 64) {
        Ok(p) => p,
        Err(e) => return format!("failed to derive password: {e}"),
    };
    if let Err(e) = scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key) {
        return format!("failed to derive password: {e}");
    }
    let mut msg = PASSWORD_SEED.as_bytes().to_vec();
    msg.extend_from_slice(&(site.len() as u32).to_be_bytes());
    msg.extend_from_slice(site.as_bytes());
    msg.extend_from_slice(&counter.to_be_bytes());
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key) else {
        return "failed to derive password: hmac".to_string();
    };
    mac.update(&msg);
    let seed = mac.finalize().into_bytes();
    let temp = templates[usize::from(seed[0]) % templates.len()];
    let mut out = String::with_capacity(temp.len());
    for (i, element) in temp.bytes().enumerate() {
        let chars = template_characters(element);
        let c = chars[usize::from(seed[i + 1]) % chars.len()];
        out.push(c as char);
    }
    out
}

fn aes_key(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let p = password.as_bytes();
    let n = p.len().min(32);
    key[..n].copy_from_slice(&p[..n]);
    key
}

/// Sprig's `encryptAES`.
fn encrypt_aes(password: &str, plaintext: &str) -> String {
    use aes::cipher::{BlockEncryptMut, KeyIvInit};
    use rand::RngCore;
    if plaintext.is_empty() {
        return String::new();
    }
    let mut content = plaintext.as_bytes().to_vec();
    let padding = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(padding as u8, padding));
    let mut iv = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut iv);
    let enc = cbc::Encryptor::<aes::Aes256>::new(&aes_key(password).into(), &iv.into());
    let len = content.len();
    let ct = enc
        .encrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(&mut content, len)
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    let mut out = iv.to_vec();
    out.extend(ct);
    b64::encode(&out)
}

/// Sprig's `decryptAES`, with Go's panics (slicing a too-short input, partial blocks)
/// as errors.
fn decrypt_aes(password: &str, crypt64: &str) -> Result<String, GoError> {
    use aes::cipher::{BlockDecryptMut, KeyIvInit};
    if crypt64.is_empty() {
        return Ok(String::new());
    }
    let crypt = b64::decode(crypt64.as_bytes()).map_err(|e| GoError::new(e.to_string()))?;
    let cap = crypt64.len() / 4 * 3;
    if cap < 16 {
        return Err(GoError::new(format!(
            "runtime error: slice bounds out of range [:16] with capacity {cap}"
        )));
    }
    if crypt.len() < 16 {
        return Err(GoError::new(format!(
            "runtime error: slice bounds out of range [16:{}]",
            crypt.len()
        )));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err(GoError::new("crypto/cipher: input not full blocks"));
    }
    if body.is_empty() {
        return Err(GoError::new("runtime error: index out of range [-1]"));
    }
    let mut buf = body.to_vec();
    let iv: [u8; 16] = iv.try_into().unwrap_or([0; 16]);
    let dec = cbc::Decryptor::<aes::Aes256>::new(&aes_key(password).into(), &iv.into());
    let plain = dec
        .decrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(&mut buf)
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    let pad = usize::from(*plain.last().unwrap_or(&0));
    if pad > plain.len() {
        return Err(GoError::new(format!(
            "runtime error: slice bounds out of range [:{}]",
            plain.len() as i64 - pad as i64
        )));
    }
    Ok(String::from_utf8_lossy(&plain[..plain.len() - pad]).into_owned())
}

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&Value::Nil)
}

fn s(a: &[Value], i: usize) -> &str {
    arg(a, i).as_str().unwrap_or("")
}

/// The bytes of a string argument (Go strings may hold any bytes).
fn sb(a: &[Value], i: usize) -> &[u8] {
    arg(a, i).as_str_bytes().unwrap_or(&[])
}

fn int(a: &[Value], i: usize) -> i64 {
    match arg(a, i) {
        Value::Int(n, _) => *n,
        v => crate::math::cast::to_int64(v),
    }
}

fn list(a: &[Value], i: usize) -> Vec<Value> {
    arg(a, i)
        .as_list()
        .map(<[Value]>::to_vec)
        .unwrap_or_default()
}

fn ca_arg(a: &[Value], i: usize) -> Result<&Certificate, GoError> {
    match arg(a, i) {
        Value::Object(o) => o
            .as_any()
            .downcast_ref::<Certificate>()
            .ok_or_else(|| GoError::new("expected sprig.certificate")),
        _ => Err(GoError::new("expected sprig.certificate")),
    }
}

/// The `uint32` counter of `derivePassword`. The engine has no `uint32` parameter type,
/// so the parameter is declared `interface{}` and Go's conversion of the argument is
/// done here: integer constants are truncated to 32 bits (`reflect.Value.SetUint`),
/// negative ones rejected, other types rejected as Go's argument check does.
fn uint32_arg(v: &Value) -> Result<u32, GoError> {
    match v {
        Value::Int(n, _) if *n < 0 => Err(GoError::new(format!(
            "expected unsigned integer; found {n}"
        ))),
        Value::Int(n, IntType::Int) => Ok(*n as u32),
        Value::Uint(n, UintType::Uint32) => Ok(*n as u32),
        _ => Err(GoError::new(format!(
            "wrong type for value; expected uint32; got {}",
            match v {
                Value::Nil => "interface {}".into(),
                _ => v.type_name(),
            }
        ))),
    }
}

fn cert_result(r: Result<(String, String), String>) -> Result<Value, GoError> {
    r.map(|(c, k)| Certificate::value(c, k))
        .map_err(GoError::new)
}

fn new_rsa_2048() -> Result<keys::PrivateKey, GoError> {
    generate_rsa(2048).map_err(|e| GoError::new(format!("error generating rsa key: {e}")))
}

fn key_arg(pem: &str) -> Result<keys::PrivateKey, GoError> {
    parse_private_key_pem(pem).map_err(|e| GoError::new(format!("parsing private key: {e}")))
}

fn gen_ca(a: &[Value], priv_key: keys::PrivateKey) -> Result<Value, GoError> {
    let t = base_template(s(a, 0), &[], &[], int(a, 1)).map_err(GoError::new)?;
    let t = t.into_ca();
    cert_result(cert_and_key(&t, &priv_key, None, &priv_key))
}

fn gen_self_signed(a: &[Value], priv_key: keys::PrivateKey) -> Result<Value, GoError> {
    let t = base_template(s(a, 0), &list(a, 1), &list(a, 2), int(a, 3)).map_err(GoError::new)?;
    cert_result(cert_and_key(&t, &priv_key, None, &priv_key))
}

fn gen_signed(a: &[Value], priv_key: keys::PrivateKey) -> Result<Value, GoError> {
    let ca = ca_arg(a, 4)?;
    let (parent, signer) = x509::parse_ca(ca).map_err(GoError::new)?;
    let t = base_template(s(a, 0), &list(a, 1), &list(a, 2), int(a, 3)).map_err(GoError::new)?;
    cert_result(cert_and_key(&t, &priv_key, Some(&parent), &signer))
}

pub(crate) fn register(funcs: &mut FuncMap) {
    use sha2::Digest;
    use Ty::{Int, ListAny, String as S};
    funcs.add_pure("sha1sum", &[S], None, |a| {
        Ok(Value::from(hex(&sha1::Sha1::digest(sb(a, 0)))))
    });
    funcs.add_pure("sha256sum", &[S], None, |a| {
        Ok(Value::from(hex(&sha2::Sha256::digest(sb(a, 0)))))
    });
    funcs.add_pure("sha512sum", &[S], None, |a| {
        Ok(Value::from(hex(&sha2::Sha512::digest(sb(a, 0)))))
    });
    funcs.add_pure("adler32sum", &[S], None, |a| {
        Ok(Value::from(adler32(sb(a, 0)).to_string()))
    });
    funcs.add_pure("bcrypt", &[S], None, |a| {
        Ok(Value::from(bcrypt_hash(s(a, 0))))
    });
    funcs.add_pure("htpasswd", &[S, S], None, |a| {
        let user = s(a, 0);
        if user.contains(':') {
            return Ok(Value::from(format!("invalid username: {user}")));
        }
        Ok(Value::from(format!("{user}:{}", bcrypt_hash(s(a, 1)))))
    });
    funcs.add_pure("randBytes", &[Int], None, |a| {
        use rand::RngCore;
        let n = int(a, 0);
        if n < 0 {
            return Err(GoError::new("runtime error: makeslice: len out of range"));
        }
        if n > MAX_RAND_BYTES {
            return Err(GoError::new(format!(
                "randBytes: count {n} is over kiln's limit of {MAX_RAND_BYTES}"
            )));
        }
        let mut buf = vec![0u8; n as usize];
        rand::thread_rng().fill_bytes(&mut buf);
        Ok(Value::from(b64::encode(&buf)))
    });
    funcs.add_pure("uuidv4", &[], None, |_| {
        Ok(Value::from(uuid::Uuid::new_v4().to_string()))
    });
    funcs.add_pure("derivePassword", &[Ty::Any, S, S, S, S], None, |a| {
        let counter = uint32_arg(arg(a, 0))?;
        Ok(Value::from(derive_password(
            counter,
            s(a, 1),
            s(a, 2),
            s(a, 3),
            s(a, 4),
        )))
    });
    funcs.add_pure("genPrivateKey", &[S], None, |a| {
        let typ = s(a, 0);
        Ok(Value::from(match keys::generate(typ) {
            None => format!("Unknown type {typ}"),
            Some(Err(e)) => format!("failed to generate private key: {e}"),
            Some(Ok(k)) => k.to_pem().unwrap_or_default(),
        }))
    });
    funcs.add_pure("buildCustomCert", &[S, S], None, |a| {
        x509::build_custom(s(a, 0), s(a, 1)).map_err(GoError::new)
    });
    funcs.add_pure("genCA", &[S, Int], None, |a| gen_ca(a, new_rsa_2048()?));
    funcs.add_pure("genCAWithKey", &[S, Int, S], None, |a| {
        gen_ca(a, key_arg(s(a, 2))?)
    });
    funcs.add_pure(
        "genSelfSignedCert",
        &[S, ListAny, ListAny, Int],
        None,
        |a| gen_self_signed(a, new_rsa_2048()?),
    );
    funcs.add_pure(
        "genSelfSignedCertWithKey",
        &[S, ListAny, ListAny, Int, S],
        None,
        |a| gen_self_signed(a, key_arg(s(a, 4))?),
    );
    let ca = Ty::Object(CERTIFICATE_TYPE);
    funcs.add_pure(
        "genSignedCert",
        &[S, ListAny, ListAny, Int, ca],
        None,
        |a| gen_signed(a, new_rsa_2048()?),
    );
    funcs.add_pure(
        "genSignedCertWithKey",
        &[S, ListAny, ListAny, Int, ca, S],
        None,
        |a| gen_signed(a, key_arg(s(a, 5))?),
    );
    funcs.add_pure("encryptAES", &[S, S], None, |a| {
        Ok(Value::from(encrypt_aes(s(a, 0), s(a, 1))))
    });
    funcs.add_pure("decryptAES", &[S, S], None, |a| {
        decrypt_aes(s(a, 0), s(a, 1)).map(Value::from)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler() {
        assert_eq!(adler32(b"abc"), 38600999);
    }

    #[test]
    fn aes_round_trip() {
        let c = encrypt_aes("secretkey", "plaintext");
        assert_eq!(decrypt_aes("secretkey", &c).unwrap(), "plaintext");
        assert_eq!(
            decrypt_aes("k", "notbase64!").unwrap_err().text,
            "illegal base64 data at input byte 9"
        );
    }
}
