//! A fast reading of a rendered document's head — what Helm's `SortManifests` needs
//! from it (`releaseutil.SimpleHead`: `kind` and the `helm.sh/hook` annotation) and
//! whether the document is an object — without building the document.
//!
//! Helm unmarshals every rendered document (`sigs.k8s.io/yaml.Unmarshal` into
//! `SimpleHead`), so a document that is not valid YAML fails the render even when its
//! head is fine. This reader therefore checks the *whole* document, but only for the
//! plain block YAML that templates almost always produce: block mappings and
//! sequences, plain and single-line quoted scalars, literal and folded block scalars,
//! comments, `{}` and `[]`. Whenever it meets anything else — tabs, anchors, aliases,
//! tags, multi-line flow or quoted scalars, non-ASCII text, keys that YAML would turn
//! into something other than a string, head fields that are not plain strings, odd
//! indentation — it answers [`None`] and the caller parses the document with the full
//! YAML parser, which gives Helm's exact result or error. So [`scan`] never accepts a
//! document the full parser rejects, and when it answers, it answers what the full
//! parser would (`tests/head_scan.rs` checks both on every rendered document of the
//! corpus and on mutations of them).

use kiln_encoding::yaml::{plain_scalar, PlainScalar};
use std::borrow::Cow;

/// The head of a rendered document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Head {
    /// Whether the document is a mapping (`false`: empty or only comments).
    pub is_object: bool,
    /// `kind` as Helm's `SimpleHead` reads it, or empty.
    pub kind: String,
    /// The `helm.sh/hook` annotation's text, when present.
    pub hook: Option<String>,
    /// What `fleet.json` lists of the object.
    pub id: Identity,
}

/// `apiVersion`, `kind`, `metadata.name` and `metadata.namespace` of an object: each the
/// string at exactly that key, `None` when it is absent, empty or not a string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
}

impl Identity {
    /// The identity of a parsed document (all `None` when it is not a mapping).
    pub fn of(object: &kiln_gotmpl::Value) -> Identity {
        let text = |v: Option<kiln_gotmpl::Value>| match v {
            Some(kiln_gotmpl::Value::String(s)) if !s.is_empty() => Some(s.to_string()),
            _ => None,
        };
        let Some(top) = object.as_map_ref() else {
            return Identity::default();
        };
        let meta = top.get("metadata");
        let meta = meta.as_ref().and_then(|m| m.as_map_ref());
        Identity {
            api_version: text(top.get("apiVersion")),
            kind: text(top.get("kind")),
            name: text(meta.as_ref().and_then(|m| m.get("name"))),
            namespace: text(meta.as_ref().and_then(|m| m.get("namespace"))),
        }
    }
}

/// Deeper documents are left to the full parser (which enforces the JSON depth limit).
const MAX_DEPTH: usize = 200;

/// libyaml accepts an implicit (single-line) key of at most 1024 characters.
const MAX_KEY: usize = 1000;

/// Where a mapping sits, for the head fields.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Top,
    Metadata,
    Annotations,
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
}

#[derive(Clone, Copy)]
struct Level {
    indent: usize,
    kind: Kind,
    role: Role,
}

/// A key or dash whose value starts on a later line.
#[derive(Clone, Copy)]
struct Pending {
    /// Indentation of the collection holding the key or dash.
    parent: usize,
    from_key: bool,
    /// The role a mapping value would have.
    role: Role,
    /// What the head requires of the value.
    want: Want,
}

/// What the head requires of a value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Anything.
    Any,
    /// A scalar or null (a `string` field of `SimpleHead` whose text is not needed).
    Scalar,
    /// A scalar whose text is needed (`kind`, the hook annotation).
    Text(Field),
    /// A mapping or null (`metadata`, `annotations`).
    Map,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    ApiVersion,
    Kind,
    Name,
    Namespace,
    Hook,
}

/// A value written on the key's or dash's line.
enum Inline {
    /// Nothing (the value may follow on later lines).
    Empty,
    /// A scalar; `text` is its value when it is certainly a string.
    Scalar { text: Option<String> },
    /// A null scalar (`~`, `null`).
    Null,
    /// `|` or `>`: the lines that follow hold its text.
    Block,
    /// `{}`.
    EmptyMap,
    /// `[]`.
    EmptySeq,
    /// `[a, "b", 'c']`: a one-line flow sequence of scalars.
    FlowSeq,
}

/// Reads the head of `doc` (one document of `SplitManifests`, leading whitespace
/// trimmed); `None` when the document is not plain block YAML (see the module docs).
pub fn scan(doc: &str) -> Option<Head> {
    let bytes = doc.as_bytes();
    // Only printable ASCII and line feeds: tabs, carriage returns, control characters
    // and non-ASCII text each have rules of their own in YAML.
    if !bytes
        .iter()
        .all(|&b| (0x20..0x7f).contains(&b) || b == b'\n')
    {
        return None;
    }
    let mut s = Scanner::default();
    let mut lines = doc.split('\n').peekable();
    while let Some(line) = lines.next() {
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.len() - content.len();
        if s.line(indent, content)? {
            skip_block_scalar(&mut lines, s.block_parent)?;
        }
    }
    s.finish()
}

#[derive(Default)]
struct Scanner {
    stack: Vec<Level>,
    pending: Option<Pending>,
    seen_top: [bool; 3],
    seen_meta: [bool; 3],
    seen_hook: bool,
    hook: Option<String>,
    id: Identity,
    /// Indentation of the collection holding the last block scalar.
    block_parent: usize,
}

impl Scanner {
    /// One content line; `Some(true)` when a block scalar starts on it.
    fn line(&mut self, indent: usize, content: &str) -> Option<bool> {
        let is_dash = content == "-" || content.starts_with("- ");
        if let Some(p) = self.pending.take() {
            if indent > p.parent && (content.starts_with('{') || content.starts_with('[')) {
                // `key:` with `{}` or `[]` on the next line.
                let v = inline_value(content)?;
                if !matches!(v, Inline::EmptyMap | Inline::EmptySeq) {
                    return None;
                }
                return self.value(p.parent, content, p.want, p.role, p.from_key);
            }
            if indent > p.parent || (indent == p.parent && is_dash && p.from_key) {
                let kind = if is_dash { Kind::Seq } else { Kind::Map };
                match (p.want, kind) {
                    (Want::Any, _) | (Want::Map, Kind::Map) => {}
                    _ => return None,
                }
                if self.stack.len() >= MAX_DEPTH {
                    return None;
                }
                let role = if kind == Kind::Map {
                    p.role
                } else {
                    Role::Other
                };
                self.stack.push(Level { indent, kind, role });
            } else if p.want == Want::Text(Field::Hook) {
                // A null hook: left to the full reading.
                return None;
            }
        }
        if self.stack.is_empty() {
            if indent != 0 || is_dash {
                return None;
            }
            self.stack.push(Level {
                indent: 0,
                kind: Kind::Map,
                role: Role::Top,
            });
        }
        while self.stack.last()?.indent > indent {
            self.stack.pop();
        }
        let top = *self.stack.last()?;
        if top.indent != indent {
            return None;
        }
        match (top.kind, is_dash) {
            (Kind::Map, false) => self.key_line(indent, content, top.role),
            (Kind::Seq, true) => self.dash_line(indent, content),
            (Kind::Seq, false) => {
                // The end of a sequence written at its key's indentation.
                self.stack.pop();
                let below = *self.stack.last()?;
                if below.indent != indent || below.kind != Kind::Map {
                    return None;
                }
                self.key_line(indent, content, below.role)
            }
            (Kind::Map, true) => None,
        }
    }

    /// `key: value` in the mapping at `indent`.
    fn key_line(&mut self, indent: usize, content: &str, role: Role) -> Option<bool> {
        let (key, rest) = split_key(content)?;
        let (want, child_role) = self.head_field(role, &key)?;
        self.value(indent, rest, want, child_role, true)
    }

    /// `- item` in the sequence at `indent`.
    fn dash_line(&mut self, indent: usize, content: &str) -> Option<bool> {
        let after = &content[1..];
        let item = after.trim_start_matches(' ');
        if item.is_empty() || item.starts_with('#') {
            self.pending = Some(Pending {
                parent: indent,
                from_key: false,
                role: Role::Other,
                want: Want::Any,
            });
            return Some(false);
        }
        if item == "-" || item.starts_with("- ") || item.starts_with("? ") || item == "?" {
            return None;
        }
        if let Some((_, rest)) = split_key(item) {
            // `- key: value` opens a mapping at the key's column.
            let col = indent + 1 + (after.len() - item.len());
            if self.stack.len() >= MAX_DEPTH {
                return None;
            }
            self.stack.push(Level {
                indent: col,
                kind: Kind::Map,
                role: Role::Other,
            });
            return self.value(col, rest, Want::Any, Role::Other, true);
        }
        self.value(indent, item, Want::Any, Role::Other, false)
    }

    /// The value after a key (`from_key`) or a dash, in the collection at `parent`.
    fn value(
        &mut self,
        parent: usize,
        rest: &str,
        want: Want,
        role: Role,
        from_key: bool,
    ) -> Option<bool> {
        match inline_value(rest)? {
            Inline::Empty => {
                self.pending = Some(Pending {
                    parent,
                    from_key,
                    role,
                    want,
                });
                Some(false)
            }
            Inline::Scalar { text } => {
                match want {
                    Want::Any | Want::Scalar => {}
                    Want::Map => return None,
                    Want::Text(field) => {
                        let text = text?;
                        let slot = match field {
                            Field::ApiVersion => &mut self.id.api_version,
                            Field::Kind => &mut self.id.kind,
                            Field::Name => &mut self.id.name,
                            Field::Namespace => &mut self.id.namespace,
                            Field::Hook => {
                                self.hook = Some(text);
                                return Some(false);
                            }
                        };
                        *slot = (!text.is_empty()).then_some(text);
                    }
                }
                Some(false)
            }
            Inline::Null => match want {
                Want::Text(Field::Hook) => None,
                _ => Some(false),
            },
            Inline::Block => {
                if !matches!(want, Want::Any | Want::Scalar) {
                    return None;
                }
                self.block_parent = parent;
                Some(true)
            }
            Inline::EmptyMap => match want {
                Want::Any | Want::Map => Some(false),
                _ => None,
            },
            Inline::EmptySeq | Inline::FlowSeq => match want {
                Want::Any => Some(false),
                _ => None,
            },
        }
    }

    /// What the head requires of the value of `key` in a mapping of `role`, and the
    /// role of that value if it is a mapping; `None` for keys left to the full reading
    /// (case variants of head fields, repeated head fields).
    fn head_field(&mut self, role: Role, key: &str) -> Option<(Want, Role)> {
        match role {
            Role::Top => Some(
                match claim(key, ["apiVersion", "kind", "metadata"], &mut self.seen_top)? {
                    Some(0) => (Want::Text(Field::ApiVersion), Role::Other),
                    Some(1) => (Want::Text(Field::Kind), Role::Other),
                    Some(_) => (Want::Map, Role::Metadata),
                    None => (Want::Any, Role::Other),
                },
            ),
            Role::Metadata => Some(
                match claim(
                    key,
                    ["name", "annotations", "namespace"],
                    &mut self.seen_meta,
                )? {
                    Some(0) => (Want::Text(Field::Name), Role::Other),
                    Some(1) => (Want::Map, Role::Annotations),
                    Some(_) => (Want::Text(Field::Namespace), Role::Other),
                    None => (Want::Any, Role::Other),
                },
            ),
            Role::Annotations => {
                if key == "helm.sh/hook" {
                    if self.seen_hook {
                        return None;
                    }
                    self.seen_hook = true;
                    Some((Want::Text(Field::Hook), Role::Other))
                } else {
                    Some((Want::Scalar, Role::Other))
                }
            }
            Role::Other => Some((Want::Any, Role::Other)),
        }
    }

    fn finish(mut self) -> Option<Head> {
        if let Some(p) = self.pending.take() {
            if let Want::Text(_) = p.want {
                return None;
            }
        }
        Some(Head {
            is_object: !self.stack.is_empty(),
            kind: self.id.kind.clone().unwrap_or_default(),
            hook: self.hook,
            id: self.id,
        })
    }
}

/// Which of the head `fields` `key` is, marking it seen: `Some(Some(i))`, or `Some(None)`
/// for any other key; `None` for a case variant of a field or a field seen before, which
/// the full reading must judge.
fn claim(key: &str, fields: [&str; 3], seen: &mut [bool; 3]) -> Option<Option<usize>> {
    let Some(i) = fields.iter().position(|f| key.eq_ignore_ascii_case(f)) else {
        return Some(None);
    };
    if key != fields[i] || seen[i] {
        return None;
    }
    seen[i] = true;
    Some(Some(i))
}

/// Splits `key: rest` (or `key:` at the end of the line); `None` when the line is not
/// a simple key (a bare scalar, a complex or quoted-with-escapes key, a key YAML
/// would not read as a string).
fn split_key(content: &str) -> Option<(Cow<'_, str>, &str)> {
    let first = content.as_bytes()[0];
    if first == b'"' || first == b'\'' {
        let (text, len) = quoted(content)?;
        let after = &content[len..];
        let after_trim = after.trim_start_matches(' ');
        let rest = after_trim.strip_prefix(':')?;
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        return Some((Cow::Owned(text), rest));
    }
    let b = content.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b':' if i + 1 == b.len() || b[i + 1] == b' ' => break,
            b'#' if i > 0 && b[i - 1] == b' ' => return None,
            _ => {}
        }
        i += 1;
    }
    if i == b.len() {
        return None;
    }
    let key = content[..i].trim_end_matches(' ');
    if key.is_empty() || key.len() > MAX_KEY || !plain_key(key) {
        return None;
    }
    Some((Cow::Borrowed(key), &content[i + 1..]))
}

/// A plain key that decodes to a string key (not null, not an unsigned integer, which
/// sigs.k8s.io/yaml refuses as keys) and starts like a plain scalar.
fn plain_key(key: &str) -> bool {
    let first = key.as_bytes()[0];
    if !(first.is_ascii_alphabetic() || first == b'_' || first == b'$' || first == b'/') {
        return false;
    }
    // Of the keys starting so, only `null`, `Null` and `NULL` resolve to null or an
    // unsigned integer: ask the resolver about four-letter keys only.
    if key.len() == 4 && matches!(plain_scalar(key), PlainScalar::Null | PlainScalar::Uint) {
        return false;
    }
    !key.bytes()
        .any(|c| matches!(c, b'[' | b']' | b'{' | b'}' | b',' | b'"' | b'\''))
}

/// The value written after `key:` or `- ` (leading spaces included).
fn inline_value(rest: &str) -> Option<Inline> {
    let v = rest.trim_start_matches(' ');
    if v.is_empty() || v.starts_with('#') {
        return Some(Inline::Empty);
    }
    let first = v.as_bytes()[0];
    match first {
        b'|' | b'>' => {
            let header = v[1..].trim_start_matches(['-', '+']);
            if v.len() - header.len() > 2 {
                return None;
            }
            let tail = header.trim_start_matches(' ');
            if !(tail.is_empty() || (tail.starts_with('#') && tail.len() < header.len())) {
                return None;
            }
            Some(Inline::Block)
        }
        b'"' | b'\'' => {
            let (text, len) = quoted(v)?;
            comment_only(&v[len..])?;
            Some(Inline::Scalar { text: Some(text) })
        }
        b'{' | b'[' => {
            let close = if first == b'{' { '}' } else { ']' };
            let inner = v[1..].trim_start_matches(' ');
            if let Some(after) = inner.strip_prefix(close) {
                comment_only(after)?;
                return Some(if first == b'{' {
                    Inline::EmptyMap
                } else {
                    Inline::EmptySeq
                });
            }
            if first == b'[' {
                comment_only(flow_sequence(inner)?)?;
                return Some(Inline::FlowSeq);
            }
            None
        }
        b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b',' | b']' | b'}' => None,
        b'-' | b'?' | b':' if v.len() == 1 || v.as_bytes()[1] == b' ' => None,
        _ => {
            let b = v.as_bytes();
            let mut end = b.len();
            for i in 0..b.len() {
                match b[i] {
                    b'#' if b[i - 1] == b' ' => {
                        end = i;
                        break;
                    }
                    b':' if i + 1 == b.len() || b[i + 1] == b' ' => return None,
                    _ => {}
                }
            }
            let text = v[..end].trim_end_matches(' ');
            match plain_scalar(text) {
                PlainScalar::NonFiniteFloat => None,
                PlainScalar::Null => Some(Inline::Null),
                PlainScalar::String => Some(Inline::Scalar {
                    text: Some(text.to_string()),
                }),
                _ => Some(Inline::Scalar { text: None }),
            }
        }
    }
}

/// A one-line flow sequence of plain or quoted scalars, after its `[`: what follows
/// its `]`.
fn flow_sequence(mut s: &str) -> Option<&str> {
    loop {
        s = s.trim_start_matches(' ');
        let first = *s.as_bytes().first()?;
        let len = match first {
            b'"' | b'\'' => quoted(s)?.1,
            _ => {
                // A plain scalar in flow context: no flow indicators, no `: `, no ` #`,
                // no indicator at its start.
                if matches!(
                    first,
                    b'&' | b'*'
                        | b'!'
                        | b'%'
                        | b'@'
                        | b'`'
                        | b'#'
                        | b'|'
                        | b'>'
                        | b'{'
                        | b'['
                        | b']'
                        | b','
                        | b'-'
                        | b'?'
                        | b':'
                ) {
                    return None;
                }
                let b = s.as_bytes();
                let mut i = 0;
                while i < b.len() && !matches!(b[i], b',' | b']') {
                    match b[i] {
                        b'[' | b'{' | b'}' | b'"' | b'\'' => return None,
                        b':' | b'#' => return None,
                        _ => {}
                    }
                    i += 1;
                }
                if plain_scalar(s[..i].trim_end_matches(' ')) == PlainScalar::NonFiniteFloat {
                    return None;
                }
                i
            }
        };
        s = s[len..].trim_start_matches(' ');
        match s.as_bytes().first()? {
            b']' => return Some(&s[1..]),
            b',' => {
                s = s[1..].trim_start_matches(' ');
                if let Some(rest) = s.strip_prefix(']') {
                    return Some(rest);
                }
            }
            _ => return None,
        }
    }
}

/// Only spaces, then nothing or a comment.
fn comment_only(after: &str) -> Option<()> {
    if after.is_empty() {
        return Some(());
    }
    let t = after.trim_start_matches(' ');
    (t.is_empty() || (t.starts_with('#') && t.len() < after.len())).then_some(())
}

/// A quoted scalar that ends on its line, without escapes other than `''` in single
/// quotes and `\"`, `\\` in double quotes: its text and its length in bytes.
fn quoted(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    let q = b[0];
    let mut text = String::new();
    let mut i = 1;
    let mut start = 1;
    while i < b.len() {
        let c = b[i];
        if q == b'\'' && c == b'\'' {
            if i + 1 < b.len() && b[i + 1] == b'\'' {
                text.push_str(&s[start..=i]);
                i += 2;
                start = i;
                continue;
            }
            text.push_str(&s[start..i]);
            return Some((text, i + 1));
        }
        if q == b'"' {
            if c == b'\\' {
                let e = *b.get(i + 1)?;
                if e != b'"' && e != b'\\' {
                    return None;
                }
                text.push_str(&s[start..i]);
                text.push(e as char);
                i += 2;
                start = i;
                continue;
            }
            if c == b'"' {
                text.push_str(&s[start..i]);
                return Some((text, i + 1));
            }
        }
        i += 1;
    }
    None
}

/// Skips the lines of a block scalar whose header ended the last line (`parent`: the
/// indentation of the collection holding it). Its text is never needed.
fn skip_block_scalar<'a, I>(lines: &mut std::iter::Peekable<I>, parent: usize) -> Option<()>
where
    I: Iterator<Item = &'a str>,
{
    // The first non-blank line sets the indentation; blank lines before it must not
    // be longer (libyaml would take their length as the indentation).
    let mut leading_max = 0;
    let content_indent = loop {
        let Some(line) = lines.peek() else {
            return Some(());
        };
        let t = line.trim_start_matches(' ');
        let indent = line.len() - t.len();
        if t.is_empty() {
            leading_max = leading_max.max(indent);
            lines.next();
            continue;
        }
        if indent <= parent {
            // An empty block scalar; the line belongs to the structure.
            return (leading_max <= parent).then_some(());
        }
        if leading_max > indent {
            return None;
        }
        break indent;
    };
    while let Some(line) = lines.peek() {
        let t = line.trim_start_matches(' ');
        let indent = line.len() - t.len();
        if !t.is_empty() && indent < content_indent {
            break;
        }
        lines.next();
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(doc: &str) -> Option<(bool, String, Option<String>)> {
        scan(doc).map(|h| (h.is_object, h.kind, h.hook))
    }

    #[test]
    fn reads_a_plain_manifest() {
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    \"helm.sh/hook\": pre-install,post-install\n    a: |\n      text: here\n\n      # not a comment\ndata:\n  k: 'v'\n  list:\n  - a\n  - b: c\n    d: {}\n";
        assert_eq!(
            head(doc),
            Some((
                true,
                "ConfigMap".into(),
                Some("pre-install,post-install".into())
            ))
        );
    }

    #[test]
    fn leaves_unusual_documents_to_the_parser() {
        for doc in [
            "kind: 1",
            "kind: yes",
            "Kind: Pod",
            "kind: Pod\nkind: Pod",
            "a: &x 1",
            "a:\tb",
            "a: b\n  c: d",
            "- a",
            "a: .inf",
            "a: \"x\\ty\"",
            "a: b: c",
            "~: x",
            "1: x",
            "a: [1, {b: c}]",
            "a: [b: c]",
            "a: [.inf]",
            "a: [x,,]",
            "a: |2\n   x",
            "metadata: [x]",
            "metadata:\n  annotations:\n    helm.sh/hook:\n",
            "a: 'multi\n  line'",
            "a:\n  - b\n c: d",
        ] {
            assert_eq!(scan(doc), None, "{doc:?}");
        }
    }

    #[test]
    fn reads_flow_sequences_nulls_and_names() {
        let doc = "kind: ~\nmetadata:\n  name: 50-worker\n  namespace: 'ns'\n  annotations:\n    {}\nspec:\n  verbs: [\"*\", get, 'a''b', ]\n  x: .5\n";
        let h = scan(doc).unwrap();
        assert_eq!(h.kind, "");
        assert_eq!(h.id.name.as_deref(), Some("50-worker"));
        assert_eq!(h.id.namespace.as_deref(), Some("ns"));
    }

    #[test]
    fn empty_and_comment_only_documents_are_not_objects() {
        assert_eq!(
            head("# just a comment\n"),
            Some((false, String::new(), None))
        );
    }
}
