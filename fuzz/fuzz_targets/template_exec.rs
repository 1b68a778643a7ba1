//! cargo-fuzz target `template_exec`: see `kiln_fuzz_targets::template_exec`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kiln_fuzz_targets::template_exec(data));
