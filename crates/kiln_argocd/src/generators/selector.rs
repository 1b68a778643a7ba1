//! Kubernetes label selectors (`matchLabels`, `matchExpressions` with `In`, `NotIn`,
//! `Exists`, `DoesNotExist`; all requirements must hold; `NotIn` and `DoesNotExist` hold
//! when the key is absent).
//!
//! Two flavours, as in Argo CD:
//! * the generator `selector` (applicationset/utils/selector.go `LabelSelectorAsSelector`):
//!   keys must be qualified names, values are **not** validated (a URL longer than 63
//!   characters may be selected); it filters the flattened parameter sets;
//! * the `clusters` generator's Secret selector (apimachinery `metav1.LabelSelectorAsSelector`):
//!   keys and values are validated as label keys and values.
//!
//! An empty selector (`{}`) selects everything.

use std::collections::BTreeMap;

use kiln_gotmpl::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Op {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

#[derive(Clone, Debug)]
struct Requirement {
    key: String,
    op: Op,
    values: Vec<String>,
}

/// A parsed label selector.
#[derive(Clone, Debug, Default)]
pub struct LabelSelector {
    reqs: Vec<Requirement>,
    /// Whether `matchLabels` or `matchExpressions` had entries.
    has_terms: bool,
}

fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
fn is_name(s: &str) -> bool {
    let b: Vec<char> = s.chars().collect();
    !b.is_empty()
        && is_alnum(b[0])
        && is_alnum(b[b.len() - 1])
        && b.iter()
            .all(|c| is_alnum(*c) || *c == '-' || *c == '_' || *c == '.')
}

/// RFC 1123 subdomain: lower-case alphanumerics, `-` and `.`, at most 253 characters,
/// each label starting and ending alphanumeric.
fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253
        && !s.is_empty()
        && s.split('.').all(|l| {
            let b = l.as_bytes();
            !b.is_empty()
                && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
                && (b[b.len() - 1].is_ascii_lowercase() || b[b.len() - 1].is_ascii_digit())
                && b.iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        })
}

const NAME_RULE: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/// apimachinery `validation.IsQualifiedName`: `[prefix/]name`, prefix a DNS subdomain,
/// name at most 63 characters.
fn validate_key(k: &str) -> Result<(), String> {
    let parts: Vec<&str> = k.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                return Err(format!("key: Invalid value: {k:?}: prefix part must be non-empty"));
            }
            if !is_dns1123_subdomain(prefix) {
                return Err(format!(
                    "key: Invalid value: {k:?}: prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
                ));
            }
            name
        }
        _ => {
            return Err(format!(
                "key: Invalid value: {k:?}: a qualified name {NAME_RULE} with an optional DNS subdomain prefix and '/'"
            ))
        }
    };
    if name.is_empty() {
        return Err(format!(
            "key: Invalid value: {k:?}: name part must be non-empty"
        ));
    }
    if name.chars().count() > 63 {
        return Err(format!(
            "key: Invalid value: {k:?}: name part must be no more than 63 characters"
        ));
    }
    if !is_name(name) {
        return Err(format!("key: Invalid value: {k:?}: name part {NAME_RULE}"));
    }
    Ok(())
}

/// apimachinery `validation.IsValidLabelValue`.
fn validate_value(v: &str) -> Result<(), String> {
    if v.chars().count() > 63 {
        return Err(format!(
            "values: Invalid value: {v:?}: must be no more than 63 characters"
        ));
    }
    if !v.is_empty() && !is_name(v) {
        return Err(format!(
            "values: Invalid value: {v:?}: a valid label {NAME_RULE}"
        ));
    }
    Ok(())
}

fn string_of(v: &Value, what: &str) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.to_string()),
        other => Err(format!(
            "{what} must be a string, not {}",
            other.type_name()
        )),
    }
}

impl LabelSelector {
    /// Parses a `LabelSelector` object (`Nil` is the empty selector). `validate_values`
    /// chooses the apimachinery flavour (label values validated too).
    pub fn parse(v: &Value, validate_values: bool) -> Result<LabelSelector, String> {
        let mut sel = LabelSelector::default();
        let m = match v {
            Value::Nil => return Ok(sel),
            Value::Map(m, _) => m.snapshot(),
            other => {
                return Err(format!(
                    "a label selector must be a map, not {}",
                    other.type_name()
                ))
            }
        };
        let mut reqs = Vec::new();
        match m.get("matchLabels") {
            None | Some(Value::Nil) => {}
            Some(Value::Map(ml, _)) => {
                for (k, val) in ml.snapshot().iter() {
                    let val = string_of(val, &format!("matchLabels.{k}"))?;
                    sel.has_terms = true;
                    reqs.push((k.to_string(), Op::In, vec![val]));
                }
            }
            Some(other) => {
                return Err(format!(
                    "matchLabels must be a map, not {}",
                    other.type_name()
                ))
            }
        }
        match m.get("matchExpressions") {
            None | Some(Value::Nil) => {}
            Some(Value::List(l, _)) => {
                for e in l.iter() {
                    sel.has_terms = true;
                    let em = e.as_map().ok_or("matchExpressions entries must be maps")?;
                    let key = em
                        .get("key")
                        .map(|k| string_of(k, "matchExpressions.key"))
                        .transpose()?
                        .unwrap_or_default();
                    let op = em
                        .get("operator")
                        .map(|k| string_of(k, "matchExpressions.operator"))
                        .transpose()?
                        .unwrap_or_default();
                    let op = match op.as_str() {
                        "In" => Op::In,
                        "NotIn" => Op::NotIn,
                        "Exists" => Op::Exists,
                        "DoesNotExist" => Op::DoesNotExist,
                        other => {
                            return Err(format!("{other:?} is not a valid pod selector operator"))
                        }
                    };
                    let values = match em.get("values") {
                        None | Some(Value::Nil) => Vec::new(),
                        Some(Value::List(vs, _)) => vs
                            .iter()
                            .map(|v| string_of(v, "matchExpressions.values"))
                            .collect::<Result<_, _>>()?,
                        Some(other) => {
                            return Err(format!(
                                "matchExpressions.values must be a list, not {}",
                                other.type_name()
                            ))
                        }
                    };
                    reqs.push((key, op, values));
                }
            }
            Some(other) => {
                return Err(format!(
                    "matchExpressions must be a list, not {}",
                    other.type_name()
                ))
            }
        }
        for (key, op, values) in reqs {
            validate_key(&key)?;
            match op {
                Op::In | Op::NotIn if values.is_empty() => {
                    return Err("values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty".into())
                }
                Op::Exists | Op::DoesNotExist if !values.is_empty() => {
                    return Err(format!("values: Invalid value: {values:?}: values set must be empty for exists and does not exist"))
                }
                _ => {}
            }
            if validate_values {
                for v in &values {
                    validate_value(v)?;
                }
            }
            sel.reqs.push(Requirement { key, op, values });
        }
        sel.reqs.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(sel)
    }

    /// Whether `matchLabels` or `matchExpressions` had entries (the `clusters` generator
    /// then leaves out the synthesized `in-cluster`).
    pub fn has_terms(&self) -> bool {
        self.has_terms
    }

    /// Adds `key=value` to `matchLabels` (apimachinery `AddLabelToSelector`, replacing an
    /// existing requirement on the same key from `matchLabels`).
    pub fn add_label(&mut self, key: &str, value: &str) {
        self.reqs
            .retain(|r| !(r.key == key && r.op == Op::In && r.values.len() == 1));
        self.reqs.push(Requirement {
            key: key.to_string(),
            op: Op::In,
            values: vec![value.to_string()],
        });
        self.reqs.sort_by(|a, b| a.key.cmp(&b.key));
    }

    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.reqs.iter().all(|r| match r.op {
            Op::In => labels.get(&r.key).is_some_and(|v| r.values.contains(v)),
            Op::NotIn => labels.get(&r.key).is_none_or(|v| !r.values.contains(v)),
            Op::Exists => labels.contains_key(&r.key),
            Op::DoesNotExist => !labels.contains_key(&r.key),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(j: &str, validate: bool) -> Result<LabelSelector, String> {
        LabelSelector::parse(
            &Value::from_json(&serde_json::from_str(j).unwrap()),
            validate,
        )
    }

    fn labels(kv: &[(&str, &str)]) -> BTreeMap<String, String> {
        kv.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn semantics() {
        let s = sel(
            r#"{"matchExpressions":[{"key":"env","operator":"NotIn","values":["a"]}]}"#,
            false,
        )
        .unwrap();
        assert!(s.matches(&labels(&[])));
        assert!(!s.matches(&labels(&[("env", "a")])));
        let s = sel(r#"{"matchLabels":{"server":"https://some-really-long-url-that-will-exceed-63-characters.com"}}"#, false).unwrap();
        assert!(s.matches(&labels(&[(
            "server",
            "https://some-really-long-url-that-will-exceed-63-characters.com"
        )])));
        assert!(sel(r#"{"matchLabels":{"server":"https://x"}}"#, true).is_err());
        assert!(sel(r#"{"matchLabels":{"path[0]":"x"}}"#, false).is_err());
        assert!(sel(
            r#"{"matchLabels":{"metadata.labels.argocd.argoproj.io/secret-type":"x"}}"#,
            false
        )
        .is_ok());
        assert!(sel(
            r#"{"matchExpressions":[{"key":"a","operator":"Gt","values":["1"]}]}"#,
            false
        )
        .is_err());
        let e = sel("{}", true).unwrap();
        assert!(!e.has_terms());
        assert!(e.matches(&labels(&[("x", "y")])));
    }
}
