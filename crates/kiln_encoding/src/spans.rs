//! Source positions of the keys and values of a parsed YAML document, so that kiln's
//! diagnostics can point at the values key that caused a problem.

use std::collections::BTreeMap;

use kiln_gotmpl::Str;

/// A 1-based line and column (the column counts characters, not bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// One step of a path into a values tree: a map key or a list index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathSeg<'a> {
    /// A map key.
    Key(&'a str),
    /// A list index (0-based).
    Index(usize),
}

impl<'a> From<&'a str> for PathSeg<'a> {
    fn from(s: &'a str) -> Self {
        PathSeg::Key(s)
    }
}

impl From<usize> for PathSeg<'_> {
    fn from(i: usize) -> Self {
        PathSeg::Index(i)
    }
}

/// Where one node of the tree was written: the key (for map entries) and the value.
///
/// With anchors and aliases the positions are those of the definition (the anchored
/// node), and the value position of an aliased entry is the alias (`*name`) itself. With
/// merge keys (`<<`), merged entries point at the map they were merged from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanEntry {
    /// Position of the key, for map entries.
    pub key: Option<Position>,
    /// Position of the value (its first character, or of its anchor/tag).
    pub value: Position,
    pub(crate) children: SpanChildren,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum SpanChildren {
    #[default]
    Leaf,
    Map(BTreeMap<Str, SpanEntry>),
    List(Vec<SpanEntry>),
}

impl SpanEntry {
    /// The entry of a map key under this one.
    pub fn child_key(&self, key: &str) -> Option<&SpanEntry> {
        match &self.children {
            SpanChildren::Map(m) => m.get(key),
            _ => None,
        }
    }

    /// The entry of a list index under this one.
    pub fn child_index(&self, i: usize) -> Option<&SpanEntry> {
        match &self.children {
            SpanChildren::List(l) => l.get(i),
            _ => None,
        }
    }

    /// Positions of the keys of a map node, sorted by key.
    pub fn keys(&self) -> impl Iterator<Item = (&str, &SpanEntry)> {
        let m = match &self.children {
            SpanChildren::Map(m) => Some(m),
            _ => None,
        };
        m.into_iter().flat_map(|m| m.iter().map(|(k, v)| (&**k, v)))
    }
}

/// Positions of every key and value of a parsed values file.
///
/// ```
/// let (_, spans) = kiln_encoding::parse_values_with_spans("a:\n  b: [x, y]\n").unwrap();
/// let p = spans.get(&["a".into(), "b".into(), 1.into()]).unwrap();
/// assert_eq!((p.value.line, p.value.column), (2, 10));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanIndex {
    pub(crate) root: SpanEntry,
}

impl SpanIndex {
    /// The entry at `path` (map keys and list indexes from the root), or `None` when the
    /// path does not exist in the parsed document.
    pub fn get(&self, path: &[PathSeg<'_>]) -> Option<&SpanEntry> {
        let mut cur = &self.root;
        for seg in path {
            cur = match seg {
                PathSeg::Key(k) => cur.child_key(k)?,
                PathSeg::Index(i) => cur.child_index(*i)?,
            };
        }
        Some(cur)
    }

    /// The position most useful for a diagnostic about `path`: the key of a map entry,
    /// else the value.
    pub fn position(&self, path: &[PathSeg<'_>]) -> Option<Position> {
        self.get(path).map(|e| e.key.unwrap_or(e.value))
    }

    /// The root entry (the document's top-level node).
    pub fn root(&self) -> &SpanEntry {
        &self.root
    }

    /// Merges `other` (a later document of the same values file) over `self`, the way
    /// Helm's `MergeMaps` merges the documents' values: maps merge recursively, anything
    /// else replaces.
    pub(crate) fn merge_from(&mut self, other: SpanEntry) {
        merge_entry(&mut self.root, other);
    }
}

fn merge_entry(dst: &mut SpanEntry, src: SpanEntry) {
    match (&mut dst.children, src.children) {
        (SpanChildren::Map(d), SpanChildren::Map(s)) => {
            for (k, v) in s {
                match d.get_mut(&k) {
                    Some(existing)
                        if matches!(existing.children, SpanChildren::Map(_))
                            && matches!(v.children, SpanChildren::Map(_)) =>
                    {
                        merge_entry(existing, v)
                    }
                    _ => {
                        d.insert(k, v);
                    }
                }
            }
        }
        (_, children) => {
            dst.children = children;
            dst.value = src.value;
            dst.key = src.key.or(dst.key);
        }
    }
}
