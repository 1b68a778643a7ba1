//! Sprig v3.3.0 (`github.com/Masterminds/sprig/v3`), the function library Helm and Argo CD
//! give templates, reimplemented on [`kiln_gotmpl::Value`] with Sprig's exact behaviour.
//!
//! [`register`] adds every function of Sprig's `GenericFuncMap` to a [`FuncMap`], each
//! declared with its Go signature so that argument checks and constant conversion behave
//! as in Go. Callers remove what their host removes (Helm drops `env` and `expandenv`).

use kiln_gotmpl::FuncMap;

mod conv;
mod crypto;
mod date;
mod defaults;
mod dict;
mod json;
mod list;
mod math;
mod network;
mod path;
mod reflect;
mod regex;
pub mod semver;
mod strings;
mod url;

/// Adds all of Sprig's functions to `funcs`.
pub fn register(funcs: &mut FuncMap) {
    strings::register(funcs);
    conv::register(funcs);
    defaults::register(funcs);
    reflect::register(funcs);
    path::register(funcs);
    regex::register(funcs);
    url::register(funcs);
    list::register(funcs);
    dict::register(funcs);
    math::register(funcs);
    crypto::register(funcs);
    date::register(funcs);
    semver::register(funcs);
    network::register(funcs);
    json::register(funcs);
}

/// Sprig's `GenericFuncMap()` as a fresh [`FuncMap`].
pub fn func_map() -> FuncMap {
    let mut f = FuncMap::new();
    register(&mut f);
    f
}
