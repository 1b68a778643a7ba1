//! kiln_encoding
