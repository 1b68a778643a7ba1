//! Go-compatible encodings of template values, byte-identical to what Helm v4.2.3 does.
//!
//! * YAML reading ([`parse_values`], [`from_yaml`], [`yaml_to_value`], [`parse_documents`])
//!   follows `sigs.k8s.io/yaml` v1.6.0 on goyaml.v2: YAML 1.1 scalars, merge keys, anchors
//!   with the alias-bomb guard, every number a `float64`, Go's error texts. Positions of
//!   keys and values are available through [`parse_values_with_spans`].
//! * YAML writing: [`to_yaml`] (`sigs.k8s.io/yaml.Marshal`, goyaml.v2's emitter) and
//!   [`to_yaml_pretty`] (goyaml.v3 with indent 2).
//! * JSON ([`json`]): Go's `encoding/json` `Marshal`, `MarshalIndent`, `Encoder` without
//!   HTML escaping, and `Unmarshal` into `interface{}`, maps and slices.
//! * TOML ([`toml`]): `github.com/BurntSushi/toml` v1.6.0 encoder and decoder.
//!
//! The YAML, JSON and TOML engines are written from the Go sources' behaviour; nothing here
//! calls into Go.

#![warn(missing_docs)]

pub(crate) mod gonum;
pub use gonum::format_float_g;
pub mod json;
pub mod mask;
pub mod spans;
pub mod toml;
pub mod yaml;

pub use json::{from_json, to_json, to_pretty_json, to_raw_json, JsonError};
pub use spans::{PathSeg, Position, SpanEntry, SpanIndex};
pub use yaml::{
    from_yaml, from_yaml_array, go_string_field, marshal_yaml, marshal_yaml_v3, merge_maps,
    must_to_yaml, parse_documents, parse_values, parse_values_bytes, parse_values_with_spans,
    split_documents, to_yaml, to_yaml_pretty, yaml_to_value, yaml_to_value_typed, DocumentChunk,
    MarshalError, ParsedDocument, YamlError,
};
