//! Sprig reflect functions.

use kiln_gotmpl::FuncMap;

pub(crate) fn register(_funcs: &mut FuncMap) {}
