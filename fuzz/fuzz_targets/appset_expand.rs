//! cargo-fuzz target `appset_expand`: see `kiln_fuzz_targets::appset_expand`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kiln_fuzz_targets::appset_expand(data));
