//! cargo-fuzz target `template_parse`: see `kiln_fuzz_targets::template_parse`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kiln_fuzz_targets::template_parse(data));
