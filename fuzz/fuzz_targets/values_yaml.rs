//! cargo-fuzz target `values_yaml`: see `kiln_fuzz_targets::values_yaml`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kiln_fuzz_targets::values_yaml(data));
