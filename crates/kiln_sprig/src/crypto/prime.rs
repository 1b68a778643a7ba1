//! RSA key generation with a fast prime search.
//!
//! Helm charts call `genCA`, `genSignedCert` and `genPrivateKey` on every render (Go's
//! `rsa.GenerateKey`); the `rsa` crate's own generator spends seconds per key in its
//! Montgomery multiplication. This module searches primes the way Go's `crypto/rand.Prime`
//! does (random candidate with the top two and the low bit set, small-prime sieving of
//! the numbers that follow it, probabilistic primality test) with `num-bigint`'s
//! arithmetic and a sieve over an interval, then builds the key with the `rsa` crate
//! (which validates it), exactly as `rsa::RsaPrivateKey::new` does: public exponent
//! 65537, private exponent `e⁻¹ mod φ(n)`, two distinct primes, `n` of exactly `bits`
//! bits.

use num_bigint::BigUint;
use num_traits::{One, ToPrimitive, Zero};
use rand::rngs::OsRng;
use rand::RngCore;

/// Odd primes below this bound sieve the candidates.
const SIEVE_PRIMES_BELOW: u32 = 1 << 17;
/// Odd numbers examined per random starting point.
const SIEVE_SPAN: usize = 1 << 12;

/// The odd primes below [`SIEVE_PRIMES_BELOW`].
fn small_primes() -> &'static [u32] {
    static PRIMES: std::sync::OnceLock<Vec<u32>> = std::sync::OnceLock::new();
    PRIMES.get_or_init(|| {
        let n = SIEVE_PRIMES_BELOW as usize;
        let mut composite = vec![false; n];
        let mut out = Vec::new();
        for i in 2..n {
            if !composite[i] {
                if i > 2 {
                    out.push(i as u32);
                }
                let mut j = i * i;
                while j < n {
                    composite[j] = true;
                    j += i;
                }
            }
        }
        out
    })
}

/// Miller–Rabin rounds with random bases after a base-2 round: the error bound is far
/// below FIPS 186-5's 2⁻¹⁰⁰ for RSA primes of these sizes.
fn rounds(bits: usize) -> usize {
    if bits >= 1024 {
        6
    } else {
        12
    }
}

/// Whether `n` (odd, > 3) passes one Miller–Rabin round to base `a`.
fn miller_rabin(n: &BigUint, n_minus_1: &BigUint, d: &BigUint, s: u64, a: &BigUint) -> bool {
    let mut x = a.modpow(d, n);
    if x.is_one() || &x == n_minus_1 {
        return true;
    }
    for _ in 1..s {
        x = x.modpow(&BigUint::from(2u32), n);
        if &x == n_minus_1 {
            return true;
        }
        if x.is_one() {
            return false;
        }
    }
    false
}

/// Whether `n` (odd, of `bits` bits, with no factor below the sieve bound) is a
/// probable prime.
fn probably_prime(n: &BigUint, bits: usize) -> bool {
    let n_minus_1 = n - 1u32;
    let s = n_minus_1.trailing_zeros().unwrap_or(0);
    let d = &n_minus_1 >> s;
    if !miller_rabin(n, &n_minus_1, &d, s, &BigUint::from(2u32)) {
        return false;
    }
    let bytes = bits.div_ceil(8);
    let mut buf = vec![0u8; bytes];
    let three = BigUint::from(3u32);
    let mut done = 0;
    while done < rounds(bits) {
        OsRng.fill_bytes(&mut buf);
        // A base in [2, n-2].
        let a = BigUint::from_bytes_be(&buf) % (&n_minus_1 - 2u32) + 2u32;
        if a < three {
            continue;
        }
        if !miller_rabin(n, &n_minus_1, &d, s, &a) {
            return false;
        }
        done += 1;
    }
    true
}

/// A random prime of exactly `bits` bits (≥ 64) with its top two bits set.
pub(crate) fn gen_prime(bits: usize) -> BigUint {
    let primes = small_primes();
    let bytes = bits.div_ceil(8);
    let mut buf = vec![0u8; bytes];
    let mut composite = vec![false; SIEVE_SPAN];
    loop {
        OsRng.fill_bytes(&mut buf);
        // Clear the bits above `bits`, set the top two and the low bit (Go's rand.Prime).
        let excess = bytes * 8 - bits;
        buf[0] &= 0xffu8 >> excess;
        if excess <= 6 {
            buf[0] |= 0xc0u8 >> excess;
        } else {
            buf[0] |= 0x01;
            buf[1] |= 0x80;
        }
        buf[bytes - 1] |= 1;
        let base = BigUint::from_bytes_be(&buf);
        // Sieve base + 2i, i < SIEVE_SPAN.
        composite.iter_mut().for_each(|c| *c = false);
        for &p in primes {
            let r = (&base % p).to_u32().unwrap_or(0);
            // First i with base + 2i ≡ 0 (mod p): 2i ≡ -r, i ≡ (p - r) * inv2 (mod p).
            let inv2 = p.div_ceil(2);
            let mut i =
                ((u64::from(p - r) % u64::from(p)) * u64::from(inv2) % u64::from(p)) as usize;
            while i < SIEVE_SPAN {
                composite[i] = true;
                i += p as usize;
            }
        }
        for (i, c) in composite.iter().enumerate() {
            if *c {
                continue;
            }
            let candidate = &base + BigUint::from(2 * i as u64);
            if candidate.bits() != bits as u64 {
                break;
            }
            if probably_prime(&candidate, bits) {
                return candidate;
            }
        }
    }
}

/// An RSA key of `bits` bits (≥ 128), like `rsa::RsaPrivateKey::new`.
pub(crate) fn generate_rsa_key(bits: usize) -> Result<rsa::RsaPrivateKey, String> {
    if bits < 128 {
        return rsa::RsaPrivateKey::new(&mut OsRng, bits).map_err(|e| e.to_string());
    }
    let e = BigUint::from(65537u32);
    loop {
        let p = gen_prime(bits - bits / 2);
        let q = gen_prime(bits / 2);
        if p == q {
            continue;
        }
        let n = &p * &q;
        if n.bits() != bits as u64 {
            continue;
        }
        let phi = (&p - 1u32) * (&q - 1u32);
        let Some(d) = e.modinv(&phi) else {
            continue;
        };
        if d.is_zero() {
            continue;
        }
        let conv = |x: &BigUint| rsa::BigUint::from_bytes_be(&x.to_bytes_be());
        return rsa::RsaPrivateKey::from_components(
            conv(&n),
            conv(&e),
            conv(&d),
            vec![conv(&p), conv(&q)],
        )
        .map_err(|e| e.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};

    #[test]
    fn primes_have_the_requested_size_and_are_prime() {
        for bits in [64usize, 65, 127, 512] {
            let p = gen_prime(bits);
            assert_eq!(p.bits(), bits as u64);
            // Top two bits set.
            assert!(p.bit(bits as u64 - 2));
            // Fermat check with a few bases.
            for a in [3u32, 5, 7, 11] {
                assert!(BigUint::from(a).modpow(&(&p - 1u32), &p).is_one());
            }
        }
    }

    #[test]
    fn known_composites_are_rejected() {
        // Carmichael numbers and a product of two primes above the sieve bound.
        for n in [561u64, 41041, 825265, 3_215_031_751, 16411 * 16417] {
            assert!(!probably_prime(&BigUint::from(n), 64));
        }
        assert!(probably_prime(&BigUint::from(1_000_000_007u64), 64));
    }

    #[test]
    fn rsa_keys_are_valid() {
        for bits in [1024usize, 2048] {
            let k = generate_rsa_key(bits).unwrap();
            assert_eq!(k.n().bits(), bits);
            assert_eq!(k.e(), &rsa::BigUint::from(65537u32));
            assert_eq!(k.primes().len(), 2);
            k.validate().unwrap();
        }
    }
}
