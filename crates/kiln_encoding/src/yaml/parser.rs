//! The YAML parser (tokens → events), reimplementing libyaml's parser state machine as
//! goyaml.v2 (`parserc.go`) has it, with its error problems and marks.

use super::scanner::{ErrorStage, LibError, Mark, ScalarStyle, Scanner, Token, TokenKind};

/// Parser events (`yaml_event_t`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum EventKind {
    StreamStart,
    StreamEnd,
    DocumentStart {
        implicit: bool,
    },
    DocumentEnd {
        implicit: bool,
    },
    Alias {
        anchor: Vec<u8>,
    },
    Scalar {
        anchor: Option<Vec<u8>>,
        tag: Vec<u8>,
        value: Vec<u8>,
        plain_implicit: bool,
        quoted_implicit: bool,
        style: ScalarStyle,
    },
    SequenceStart {
        anchor: Option<Vec<u8>>,
        tag: Vec<u8>,
        implicit: bool,
        flow: bool,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<Vec<u8>>,
        tag: Vec<u8>,
        implicit: bool,
        flow: bool,
    },
    MappingEnd,
}

#[derive(Clone, Debug)]
pub(crate) struct Event {
    pub kind: EventKind,
    pub start: Mark,
    #[allow(dead_code)]
    pub end: Mark,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    StreamStart,
    ImplicitDocumentStart,
    DocumentStart,
    DocumentContent,
    DocumentEnd,
    BlockNode,
    BlockSequenceFirstEntry,
    BlockSequenceEntry,
    IndentlessSequenceEntry,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingValue,
    FlowSequenceFirstEntry,
    FlowSequenceEntry,
    FlowSequenceEntryMappingKey,
    FlowSequenceEntryMappingValue,
    FlowSequenceEntryMappingEnd,
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingValue,
    FlowMappingEmptyValue,
    End,
}

type PResult<T = Event> = Result<T, ()>;

/// The event generator.
pub(crate) struct Parser<'a> {
    pub scanner: Scanner<'a>,
    state: State,
    states: Vec<State>,
    marks: Vec<Mark>,
    tag_directives: Vec<(Vec<u8>, Vec<u8>)>,
    stream_end_produced: bool,
}

impl<'a> Parser<'a> {
    /// A parser over the valid UTF-8 beginning of an input whose next byte is refused
    /// with `tail_error`.
    pub fn with_reader_error(input: &'a str, tail_error: Option<&'static str>) -> Parser<'a> {
        Parser {
            scanner: Scanner::with_reader_error(input, tail_error),
            state: State::StreamStart,
            states: Vec::new(),
            marks: Vec::new(),
            tag_directives: Vec::new(),
            stream_end_produced: false,
        }
    }

    /// The error that stopped the parser (reader, scanner or parser error).
    pub fn error(&self) -> Option<&LibError> {
        self.scanner.error.as_ref()
    }

    /// The next event (`yaml_parser_parse`). `Ok(None)` once the stream has ended.
    pub fn next_event(&mut self) -> Result<Option<Event>, ()> {
        if self.stream_end_produced || self.scanner.error.is_some() || self.state == State::End {
            return if self.scanner.error.is_some() {
                Err(())
            } else {
                Ok(None)
            };
        }
        let ev = self.state_machine()?;
        if ev.kind == EventKind::StreamEnd {
            self.stream_end_produced = true;
        }
        Ok(Some(ev))
    }

    fn parser_error(&mut self, problem: &str, problem_mark: Mark) -> PResult {
        self.scanner.error = Some(LibError {
            stage: ErrorStage::Parser,
            problem: problem.to_string(),
            problem_mark,
            context_mark: Mark::default(),
        });
        Err(())
    }

    fn parser_error_context(
        &mut self,
        context_mark: Mark,
        problem: &str,
        problem_mark: Mark,
    ) -> PResult {
        self.scanner.error = Some(LibError {
            stage: ErrorStage::Parser,
            problem: problem.to_string(),
            problem_mark,
            context_mark,
        });
        Err(())
    }

    fn peek_kind(&mut self) -> PResult<(TokenKind, Mark, Mark)> {
        let t = self.scanner.peek()?;
        let kind = match &t.kind {
            TokenKind::Scalar(..) => TokenKind::Scalar(Vec::new(), ScalarStyle::Plain),
            other => other.clone(),
        };
        Ok((kind, t.start, t.end))
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::End);
    }

    fn state_machine(&mut self) -> PResult {
        match self.state {
            State::StreamStart => self.parse_stream_start(),
            State::ImplicitDocumentStart => self.parse_document_start(true),
            State::DocumentStart => self.parse_document_start(false),
            State::DocumentContent => self.parse_document_content(),
            State::DocumentEnd => self.parse_document_end(),
            State::BlockNode => self.parse_node(true, false),
            State::BlockSequenceFirstEntry => self.parse_block_sequence_entry(true),
            State::BlockSequenceEntry => self.parse_block_sequence_entry(false),
            State::IndentlessSequenceEntry => self.parse_indentless_sequence_entry(),
            State::BlockMappingFirstKey => self.parse_block_mapping_key(true),
            State::BlockMappingKey => self.parse_block_mapping_key(false),
            State::BlockMappingValue => self.parse_block_mapping_value(),
            State::FlowSequenceFirstEntry => self.parse_flow_sequence_entry(true),
            State::FlowSequenceEntry => self.parse_flow_sequence_entry(false),
            State::FlowSequenceEntryMappingKey => self.parse_flow_sequence_entry_mapping_key(),
            State::FlowSequenceEntryMappingValue => self.parse_flow_sequence_entry_mapping_value(),
            State::FlowSequenceEntryMappingEnd => self.parse_flow_sequence_entry_mapping_end(),
            State::FlowMappingFirstKey => self.parse_flow_mapping_key(true),
            State::FlowMappingKey => self.parse_flow_mapping_key(false),
            State::FlowMappingValue => self.parse_flow_mapping_value(false),
            State::FlowMappingEmptyValue => self.parse_flow_mapping_value(true),
            State::End => Err(()),
        }
    }

    fn ev(kind: EventKind, start: Mark, end: Mark) -> Event {
        Event { kind, start, end }
    }

    fn parse_stream_start(&mut self) -> PResult {
        let (kind, start, end) = self.peek_kind()?;
        if kind != TokenKind::StreamStart {
            return self.parser_error("did not find expected <stream-start>", start);
        }
        self.state = State::ImplicitDocumentStart;
        self.scanner.skip_token();
        Ok(Self::ev(EventKind::StreamStart, start, end))
    }

    fn parse_document_start(&mut self, implicit: bool) -> PResult {
        let (mut kind, mut start, mut end) = self.peek_kind()?;
        if !implicit {
            while kind == TokenKind::DocumentEnd {
                self.scanner.skip_token();
                (kind, start, end) = self.peek_kind()?;
            }
        }
        let is_directive = matches!(
            kind,
            TokenKind::VersionDirective(..) | TokenKind::TagDirective(..)
        );
        if implicit
            && !is_directive
            && kind != TokenKind::DocumentStart
            && kind != TokenKind::StreamEnd
        {
            self.process_directives()?;
            self.states.push(State::DocumentEnd);
            self.state = State::BlockNode;
            return Ok(Self::ev(
                EventKind::DocumentStart { implicit: true },
                start,
                end,
            ));
        }
        if kind != TokenKind::StreamEnd {
            let start_mark = start;
            self.process_directives()?;
            let (kind, start, end) = self.peek_kind()?;
            if kind != TokenKind::DocumentStart {
                return self.parser_error("did not find expected <document start>", start);
            }
            self.states.push(State::DocumentEnd);
            self.state = State::DocumentContent;
            self.scanner.skip_token();
            return Ok(Self::ev(
                EventKind::DocumentStart { implicit: false },
                start_mark,
                end,
            ));
        }
        self.state = State::End;
        self.scanner.skip_token();
        Ok(Self::ev(EventKind::StreamEnd, start, end))
    }

    fn parse_document_content(&mut self) -> PResult {
        let (kind, start, _) = self.peek_kind()?;
        if matches!(
            kind,
            TokenKind::VersionDirective(..)
                | TokenKind::TagDirective(..)
                | TokenKind::DocumentStart
                | TokenKind::DocumentEnd
                | TokenKind::StreamEnd
        ) {
            self.pop_state();
            return Ok(empty_scalar(start));
        }
        self.parse_node(true, false)
    }

    fn parse_document_end(&mut self) -> PResult {
        let (kind, start, tend) = self.peek_kind()?;
        let mut end = start;
        let mut implicit = true;
        if kind == TokenKind::DocumentEnd {
            end = tend;
            self.scanner.skip_token();
            implicit = false;
        }
        self.tag_directives.clear();
        self.state = State::DocumentStart;
        Ok(Self::ev(EventKind::DocumentEnd { implicit }, start, end))
    }

    fn parse_node(&mut self, block: bool, indentless_sequence: bool) -> PResult {
        let (mut kind, mut tstart, mut tend) = self.peek_kind()?;
        if let TokenKind::Alias(anchor) = kind {
            self.pop_state();
            self.scanner.skip_token();
            return Ok(Self::ev(EventKind::Alias { anchor }, tstart, tend));
        }
        let mut start_mark = tstart;
        let mut end_mark = tstart;
        let mut tag_token = false;
        let mut tag_handle: Vec<u8> = Vec::new();
        let mut tag_suffix: Vec<u8> = Vec::new();
        let mut anchor: Option<Vec<u8>> = None;
        let mut tag_mark = Mark::default();
        if let TokenKind::Anchor(a) = kind {
            anchor = Some(a);
            start_mark = tstart;
            end_mark = tend;
            self.scanner.skip_token();
            (kind, tstart, tend) = self.peek_kind()?;
            if let TokenKind::Tag(h, s) = kind {
                tag_token = true;
                tag_handle = h;
                tag_suffix = s;
                tag_mark = tstart;
                end_mark = tend;
                self.scanner.skip_token();
                (kind, tstart, tend) = self.peek_kind()?;
            }
        } else if let TokenKind::Tag(h, s) = kind {
            tag_token = true;
            tag_handle = h;
            tag_suffix = s;
            start_mark = tstart;
            tag_mark = tstart;
            end_mark = tend;
            self.scanner.skip_token();
            (kind, tstart, tend) = self.peek_kind()?;
            if let TokenKind::Anchor(a) = kind {
                anchor = Some(a);
                end_mark = tend;
                self.scanner.skip_token();
                (kind, tstart, tend) = self.peek_kind()?;
            }
        }
        let token = Token {
            kind,
            start: tstart,
            end: tend,
        };
        let mut tag: Vec<u8> = Vec::new();
        if tag_token {
            if tag_handle.is_empty() {
                tag = tag_suffix;
            } else {
                let mut found = false;
                for (handle, prefix) in &self.tag_directives {
                    if *handle == tag_handle {
                        tag = prefix.clone();
                        tag.extend_from_slice(&tag_suffix);
                        found = true;
                        break;
                    }
                }
                if !found || tag.is_empty() {
                    return self.parser_error_context(
                        start_mark,
                        "found undefined tag handle",
                        tag_mark,
                    );
                }
            }
        }
        let implicit = tag.is_empty();
        if indentless_sequence && token.kind == TokenKind::BlockEntry {
            end_mark = token.end;
            self.state = State::IndentlessSequenceEntry;
            return Ok(Self::ev(
                EventKind::SequenceStart {
                    anchor,
                    tag,
                    implicit,
                    flow: false,
                },
                start_mark,
                end_mark,
            ));
        }
        if let TokenKind::Scalar(..) = token.kind {
            let token = self.scanner.take_token()?;
            let TokenKind::Scalar(value, style) = token.kind else {
                return Err(());
            };
            end_mark = token.end;
            let mut plain_implicit = false;
            let mut quoted_implicit = false;
            if (tag.is_empty() && style == ScalarStyle::Plain) || tag == b"!" {
                plain_implicit = true;
            } else if tag.is_empty() {
                quoted_implicit = true;
            }
            self.pop_state();
            return Ok(Self::ev(
                EventKind::Scalar {
                    anchor,
                    tag,
                    value,
                    plain_implicit,
                    quoted_implicit,
                    style,
                },
                start_mark,
                end_mark,
            ));
        }
        match token.kind {
            TokenKind::FlowSequenceStart => {
                end_mark = token.end;
                self.state = State::FlowSequenceFirstEntry;
                return Ok(Self::ev(
                    EventKind::SequenceStart {
                        anchor,
                        tag,
                        implicit,
                        flow: true,
                    },
                    start_mark,
                    end_mark,
                ));
            }
            TokenKind::FlowMappingStart => {
                end_mark = token.end;
                self.state = State::FlowMappingFirstKey;
                return Ok(Self::ev(
                    EventKind::MappingStart {
                        anchor,
                        tag,
                        implicit,
                        flow: true,
                    },
                    start_mark,
                    end_mark,
                ));
            }
            TokenKind::BlockSequenceStart if block => {
                end_mark = token.end;
                self.state = State::BlockSequenceFirstEntry;
                return Ok(Self::ev(
                    EventKind::SequenceStart {
                        anchor,
                        tag,
                        implicit,
                        flow: false,
                    },
                    start_mark,
                    end_mark,
                ));
            }
            TokenKind::BlockMappingStart if block => {
                end_mark = token.end;
                self.state = State::BlockMappingFirstKey;
                return Ok(Self::ev(
                    EventKind::MappingStart {
                        anchor,
                        tag,
                        implicit,
                        flow: false,
                    },
                    start_mark,
                    end_mark,
                ));
            }
            _ => {}
        }
        if anchor.is_some() || !tag.is_empty() {
            self.pop_state();
            return Ok(Self::ev(
                EventKind::Scalar {
                    anchor,
                    tag,
                    value: Vec::new(),
                    plain_implicit: implicit,
                    quoted_implicit: false,
                    style: ScalarStyle::Plain,
                },
                start_mark,
                end_mark,
            ));
        }
        self.parser_error_context(
            start_mark,
            "did not find expected node content",
            token.start,
        )
    }

    fn parse_block_sequence_entry(&mut self, first: bool) -> PResult {
        if first {
            let (_, start, _) = self.peek_kind()?;
            self.marks.push(start);
            self.scanner.skip_token();
        }
        let (kind, start, end) = self.peek_kind()?;
        if kind == TokenKind::BlockEntry {
            let mark = end;
            self.scanner.skip_token();
            let (kind, _, _) = self.peek_kind()?;
            if kind != TokenKind::BlockEntry && kind != TokenKind::BlockEnd {
                self.states.push(State::BlockSequenceEntry);
                return self.parse_node(true, false);
            }
            self.state = State::BlockSequenceEntry;
            return Ok(empty_scalar(mark));
        }
        if kind == TokenKind::BlockEnd {
            self.pop_state();
            self.marks.pop();
            self.scanner.skip_token();
            return Ok(Self::ev(EventKind::SequenceEnd, start, end));
        }
        let context_mark = self.marks.pop().unwrap_or_default();
        self.parser_error_context(context_mark, "did not find expected '-' indicator", start)
    }

    fn parse_indentless_sequence_entry(&mut self) -> PResult {
        let (kind, start, end) = self.peek_kind()?;
        if kind == TokenKind::BlockEntry {
            let mark = end;
            self.scanner.skip_token();
            let (kind, _, _) = self.peek_kind()?;
            if kind != TokenKind::BlockEntry
                && kind != TokenKind::Key
                && kind != TokenKind::Value
                && kind != TokenKind::BlockEnd
            {
                self.states.push(State::IndentlessSequenceEntry);
                return self.parse_node(true, false);
            }
            self.state = State::IndentlessSequenceEntry;
            return Ok(empty_scalar(mark));
        }
        self.pop_state();
        Ok(Self::ev(EventKind::SequenceEnd, start, start))
    }

    fn parse_block_mapping_key(&mut self, first: bool) -> PResult {
        if first {
            let (_, start, _) = self.peek_kind()?;
            self.marks.push(start);
            self.scanner.skip_token();
        }
        let (kind, start, end) = self.peek_kind()?;
        if kind == TokenKind::Key {
            let mark = end;
            self.scanner.skip_token();
            let (kind, _, _) = self.peek_kind()?;
            if kind != TokenKind::Key && kind != TokenKind::Value && kind != TokenKind::BlockEnd {
                self.states.push(State::BlockMappingValue);
                return self.parse_node(true, true);
            }
            self.state = State::BlockMappingValue;
            return Ok(empty_scalar(mark));
        } else if kind == TokenKind::BlockEnd {
            self.pop_state();
            self.marks.pop();
            self.scanner.skip_token();
            return Ok(Self::ev(EventKind::MappingEnd, start, end));
        }
        let context_mark = self.marks.pop().unwrap_or_default();
        self.parser_error_context(context_mark, "did not find expected key", start)
    }

    fn parse_block_mapping_value(&mut self) -> PResult {
        let (kind, start, end) = self.peek_kind()?;
        if kind == TokenKind::Value {
            let mark = end;
            self.scanner.skip_token();
            let (kind, _, _) = self.peek_kind()?;
            if kind != TokenKind::Key && kind != TokenKind::Value && kind != TokenKind::BlockEnd {
                self.states.push(State::BlockMappingKey);
                return self.parse_node(true, true);
            }
            self.state = State::BlockMappingKey;
            return Ok(empty_scalar(mark));
        }
        self.state = State::BlockMappingKey;
        Ok(empty_scalar(start))
    }

    fn parse_flow_sequence_entry(&mut self, first: bool) -> PResult {
        if first {
            let (_, start, _) = self.peek_kind()?;
            self.marks.push(start);
            self.scanner.skip_token();
        }
        let (mut kind, mut start, mut end) = self.peek_kind()?;
        if kind != TokenKind::FlowSequenceEnd {
            if !first {
                if kind == TokenKind::FlowEntry {
                    self.scanner.skip_token();
                    (kind, start, end) = self.peek_kind()?;
                } else {
                    let context_mark = self.marks.pop().unwrap_or_default();
                    return self.parser_error_context(
                        context_mark,
                        "did not find expected ',' or ']'",
                        start,
                    );
                }
            }
            if kind == TokenKind::Key {
                self.state = State::FlowSequenceEntryMappingKey;
                self.scanner.skip_token();
                return Ok(Self::ev(
                    EventKind::MappingStart {
                        anchor: None,
                        tag: Vec::new(),
                        implicit: true,
                        flow: true,
                    },
                    start,
                    end,
                ));
            } else if kind != TokenKind::FlowSequenceEnd {
                self.states.push(State::FlowSequenceEntry);
                return self.parse_node(false, false);
            }
        }
        self.pop_state();
        self.marks.pop();
        self.scanner.skip_token();
        Ok(Self::ev(EventKind::SequenceEnd, start, end))
    }

    fn parse_flow_sequence_entry_mapping_key(&mut self) -> PResult {
        let (kind, _, end) = self.peek_kind()?;
        if kind != TokenKind::Value
            && kind != TokenKind::FlowEntry
            && kind != TokenKind::FlowSequenceEnd
        {
            self.states.push(State::FlowSequenceEntryMappingValue);
            return self.parse_node(false, false);
        }
        let mark = end;
        self.scanner.skip_token();
        self.state = State::FlowSequenceEntryMappingValue;
        Ok(empty_scalar(mark))
    }

    fn parse_flow_sequence_entry_mapping_value(&mut self) -> PResult {
        let (kind, start, _) = self.peek_kind()?;
        let mark = start;
        if kind == TokenKind::Value {
            self.scanner.skip_token();
            let (kind, _, _) = self.peek_kind()?;
            if kind != TokenKind::FlowEntry && kind != TokenKind::FlowSequenceEnd {
                self.states.push(State::FlowSequenceEntryMappingEnd);
                return self.parse_node(false, false);
            }
            // goyaml's inner `token` shadows the outer one: the empty value takes the
            // mark of the VALUE token.
        }
        self.state = State::FlowSequenceEntryMappingEnd;
        Ok(empty_scalar(mark))
    }

    fn parse_flow_sequence_entry_mapping_end(&mut self) -> PResult {
        let (_, start, _) = self.peek_kind()?;
        self.state = State::FlowSequenceEntry;
        Ok(Self::ev(EventKind::MappingEnd, start, start))
    }

    fn parse_flow_mapping_key(&mut self, first: bool) -> PResult {
        if first {
            let (_, start, _) = self.peek_kind()?;
            self.marks.push(start);
            self.scanner.skip_token();
        }
        let (mut kind, mut start, mut end) = self.peek_kind()?;
        if kind != TokenKind::FlowMappingEnd {
            if !first {
                if kind == TokenKind::FlowEntry {
                    self.scanner.skip_token();
                    (kind, start, end) = self.peek_kind()?;
                } else {
                    let context_mark = self.marks.pop().unwrap_or_default();
                    return self.parser_error_context(
                        context_mark,
                        "did not find expected ',' or '}'",
                        start,
                    );
                }
            }
            if kind == TokenKind::Key {
                self.scanner.skip_token();
                let (kind, start, _) = self.peek_kind()?;
                if kind != TokenKind::Value
                    && kind != TokenKind::FlowEntry
                    && kind != TokenKind::FlowMappingEnd
                {
                    self.states.push(State::FlowMappingValue);
                    return self.parse_node(false, false);
                }
                self.state = State::FlowMappingValue;
                return Ok(empty_scalar(start));
            } else if kind != TokenKind::FlowMappingEnd {
                self.states.push(State::FlowMappingEmptyValue);
                return self.parse_node(false, false);
            }
        }
        self.pop_state();
        self.marks.pop();
        self.scanner.skip_token();
        Ok(Self::ev(EventKind::MappingEnd, start, end))
    }

    fn parse_flow_mapping_value(&mut self, empty: bool) -> PResult {
        let (kind, start, _) = self.peek_kind()?;
        if empty {
            self.state = State::FlowMappingKey;
            return Ok(empty_scalar(start));
        }
        let mut mark = start;
        if kind == TokenKind::Value {
            self.scanner.skip_token();
            let (kind, start2, _) = self.peek_kind()?;
            if kind != TokenKind::FlowEntry && kind != TokenKind::FlowMappingEnd {
                self.states.push(State::FlowMappingKey);
                return self.parse_node(false, false);
            }
            mark = start2;
        }
        self.state = State::FlowMappingKey;
        Ok(empty_scalar(mark))
    }

    fn process_directives(&mut self) -> PResult<()> {
        let mut version_seen = false;
        loop {
            let token = self.scanner.peek()?.clone();
            match &token.kind {
                TokenKind::VersionDirective(major, minor) => {
                    if version_seen {
                        self.parser_error("found duplicate %YAML directive", token.start)?;
                    }
                    if *major != 1 || *minor != 1 {
                        self.parser_error("found incompatible YAML document", token.start)?;
                    }
                    version_seen = true;
                }
                TokenKind::TagDirective(handle, prefix) => {
                    if self.tag_directives.iter().any(|(h, _)| h == handle) {
                        self.parser_error("found duplicate %TAG directive", token.start)?;
                    }
                    self.tag_directives.push((handle.clone(), prefix.clone()));
                }
                _ => break,
            }
            self.scanner.skip_token();
        }
        for (h, p) in [
            (&b"!"[..], &b"!"[..]),
            (&b"!!"[..], &b"tag:yaml.org,2002:"[..]),
        ] {
            if !self.tag_directives.iter().any(|(eh, _)| eh == h) {
                self.tag_directives.push((h.to_vec(), p.to_vec()));
            }
        }
        Ok(())
    }
}

fn empty_scalar(mark: Mark) -> Event {
    Event {
        kind: EventKind::Scalar {
            anchor: None,
            tag: Vec::new(),
            value: Vec::new(),
            plain_implicit: true,
            quoted_implicit: false,
            style: ScalarStyle::Plain,
        },
        start: mark,
        end: mark,
    }
}
