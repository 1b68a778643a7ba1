//! Sprig's network function (`network.go` of Sprig v3.3.0).
//!
//! | function | Go signature | result |
//! | --- | --- | --- |
//! | `getHostByName` | `func(name string) string` | `""` |
//!
//! Sprig resolves the name with `net.LookupHost` and returns a random address. Helm
//! replaces the function with one that returns `""` unless DNS lookups are enabled
//! (`--enable-dns`), and kiln renders offline, so kiln's version always returns `""`
//! (what Helm renders by default).

use kiln_gotmpl::{FuncMap, Ty, Value};

pub(crate) fn register(funcs: &mut FuncMap) {
    funcs.add_pure("getHostByName", &[Ty::String], None, |_| Ok(Value::str("")));
}
