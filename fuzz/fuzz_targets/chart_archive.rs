//! cargo-fuzz target `chart_archive`: see `kiln_fuzz_targets::chart_archive`.
//!
//! Mutating gzip bytes mostly breaks the stream, so a custom mutator unpacks the
//! archive, lets libFuzzer mutate the tar bytes, and packs them again (inputs that are
//! not gzip are mutated as they are).
#![no_main]

use std::io::{Read, Write};

use libfuzzer_sys::{fuzz_mutator, fuzz_target, fuzzer_mutate};

fuzz_target!(|data: &[u8]| kiln_fuzz_targets::chart_archive(data));

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, _seed: u32| {
    let mut tar = Vec::new();
    let unpacked = flate2::read::GzDecoder::new(&data[..size])
        .take(4 << 20)
        .read_to_end(&mut tar)
        .is_ok();
    if !unpacked || tar.is_empty() {
        return fuzzer_mutate(data, size, max_size);
    }
    let len = tar.len();
    tar.resize(len * 2 + 64, 0);
    let new_len = fuzzer_mutate(&mut tar, len, len * 2 + 64);
    tar.truncate(new_len);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    if gz.write_all(&tar).is_err() {
        return fuzzer_mutate(data, size, max_size);
    }
    match gz.finish() {
        Ok(packed) if packed.len() <= max_size => {
            data[..packed.len()].copy_from_slice(&packed);
            packed.len()
        }
        _ => fuzzer_mutate(data, size, max_size),
    }
});
