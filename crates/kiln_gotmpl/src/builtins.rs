//! Go builtins
