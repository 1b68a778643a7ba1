//! Where output came from: a map from byte offsets of a template's output to positions
//! in template sources, so diagnostics about rendered text can point at the template
//! line that produced it.

use std::sync::Arc;

use crate::ast::Source;
use crate::error::Location;

/// What produced a stretch of output.
#[derive(Clone, Debug)]
enum Origin {
    /// Text copied from the source at this offset (so offsets inside map one to one).
    Text { src_offset: usize, len: usize },
    /// The output of the action at this offset.
    Action { src_offset: usize },
}

/// One stretch of a [`SourceMap`] in exportable form (see [`SourceMap::entries`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapSpan {
    /// Text copied from the source at `src_offset`, `len` bytes.
    Text { src_offset: usize, len: usize },
    /// The output of the action at `src_offset`.
    Action { src_offset: usize },
}

/// Output offset → source position, recorded while executing a template.
///
/// Output of nested `include`/`tpl` calls is attributed to the action that called them;
/// `{{template}}` calls are followed into the called template's source.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    entries: Vec<(usize, Arc<Source>, Origin)>,
}

impl SourceMap {
    /// The map of a file copied to the output unchanged (a CRD file, a plain manifest):
    /// output offsets are offsets in the file `name`.
    pub fn for_file(name: &str, text: &str) -> SourceMap {
        let src = Arc::new(Source {
            name: name.into(),
            text: Arc::from(text),
        });
        SourceMap {
            entries: vec![(
                0,
                src,
                Origin::Text {
                    src_offset: 0,
                    len: text.len(),
                },
            )],
        }
    }

    pub(crate) fn text(
        &mut self,
        out_offset: usize,
        src: &Arc<Source>,
        src_offset: usize,
        len: usize,
    ) {
        self.entries
            .push((out_offset, src.clone(), Origin::Text { src_offset, len }));
    }

    pub(crate) fn action(&mut self, out_offset: usize, src: &Arc<Source>, src_offset: usize) {
        self.entries
            .push((out_offset, src.clone(), Origin::Action { src_offset }));
    }

    /// Adjusts the map after `len` output bytes at `start` were deleted from the output
    /// (Helm strips `<no value>` from rendered templates): later offsets move back, and
    /// stretches that began inside the deleted bytes now begin at `start`.
    pub fn remove_output(&mut self, start: usize, len: usize) {
        for (o, _, _) in &mut self.entries {
            if *o >= start + len {
                *o -= len;
            } else if *o > start {
                *o = start;
            }
        }
    }

    /// The entries, in output order: where a stretch begins in the output, the source
    /// that produced it and how (to store a map and rebuild it with
    /// [`SourceMap::from_entries`]).
    pub fn entries(&self) -> impl Iterator<Item = (usize, &Arc<Source>, MapSpan)> + '_ {
        self.entries.iter().map(|(o, src, origin)| {
            let span = match *origin {
                Origin::Text { src_offset, len } => MapSpan::Text { src_offset, len },
                Origin::Action { src_offset } => MapSpan::Action { src_offset },
            };
            (*o, src, span)
        })
    }

    /// A map from entries as [`SourceMap::entries`] lists them (output offsets
    /// ascending).
    pub fn from_entries(entries: Vec<(usize, Arc<Source>, MapSpan)>) -> SourceMap {
        SourceMap {
            entries: entries
                .into_iter()
                .map(|(o, src, span)| {
                    let origin = match span {
                        MapSpan::Text { src_offset, len } => Origin::Text { src_offset, len },
                        MapSpan::Action { src_offset } => Origin::Action { src_offset },
                    };
                    (o, src, origin)
                })
                .collect(),
        }
    }

    /// The source (its name, e.g. `chart/templates/x.yaml`) and location that produced
    /// the output byte at `out_offset`.
    pub fn locate(&self, out_offset: usize) -> Option<(String, Location)> {
        let i = self.entries.partition_point(|(o, _, _)| *o <= out_offset);
        let (start, src, origin) = self.entries.get(i.checked_sub(1)?)?;
        let offset = match origin {
            Origin::Text { src_offset, len } => {
                src_offset + (out_offset - start).min(len.saturating_sub(1))
            }
            Origin::Action { src_offset } => *src_offset,
        };
        Some((src.name.to_string(), src.location(offset)))
    }
}
