//! The YAML emitter (events → text), reimplementing libyaml's emitter as goyaml has it:
//! `emitterc.go` of goyaml.v2 (v2.4.3, what `toYaml` uses) and of goyaml.v3 (v3.0.4,
//! what `toYamlPretty` uses). Only the features the encoders use are kept: block and
//! flow collections (flow only for empty ones), the five scalar styles with libyaml's
//! analysis (`yaml_emitter_analyze_scalar`) and style selection, simple and complex
//! (`? `) keys, the 80-column folding of v2 and the indentation rules of both versions.
//! Comments, tags, anchors and directives are never produced by the encoders and are
//! left out.

use super::scanner::ScalarStyle;

/// An emitter event.
#[derive(Clone, Debug)]
pub(crate) enum Ev {
    StreamStart,
    StreamEnd,
    DocStart,
    DocEnd,
    /// A scalar with the style the encoder asks for; `tag`-less and implicit.
    Scalar(String, ScalarStyle),
    SeqStart,
    SeqEnd,
    MapStart,
    MapEnd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    StreamStart,
    FirstDocumentStart,
    DocumentStart,
    DocumentContent,
    DocumentEnd,
    FlowSequenceFirstItem,
    FlowSequenceItem,
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingSimpleValue,
    FlowMappingValue,
    BlockSequenceFirstItem,
    BlockSequenceItem,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingSimpleValue,
    BlockMappingValue,
    End,
}

#[derive(Default, Clone, Copy)]
struct ScalarData {
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
    style: Option<ScalarStyle>,
}

/// Which goyaml's emitter to behave like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    V2,
    V3,
}

pub(crate) struct Emitter {
    out: Vec<u8>,
    flavor: Flavor,
    best_indent: isize,
    best_width: isize,
    state: State,
    states: Vec<State>,
    indent: isize,
    indents: Vec<isize>,
    flow_level: usize,
    root_context: bool,
    sequence_context: bool,
    mapping_context: bool,
    simple_key_context: bool,
    column: isize,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
    scalar: ScalarData,
}

// --------------------------------------------------------------- byte classes

#[inline]
fn at(v: &[u8], i: usize) -> u8 {
    v.get(i).copied().unwrap_or(0)
}

#[inline]
fn width(b: u8) -> usize {
    super::scanner::width(b)
}

#[inline]
fn is_space(v: &[u8], i: usize) -> bool {
    at(v, i) == b' '
}

#[inline]
fn is_blank(v: &[u8], i: usize) -> bool {
    matches!(at(v, i), b' ' | b'\t')
}

#[inline]
fn is_break(v: &[u8], i: usize) -> bool {
    let b = at(v, i);
    b == b'\r'
        || b == b'\n'
        || (b == 0xC2 && at(v, i + 1) == 0x85)
        || (b == 0xE2 && at(v, i + 1) == 0x80 && (at(v, i + 2) == 0xA8 || at(v, i + 2) == 0xA9))
}

#[inline]
fn is_blankz(v: &[u8], i: usize) -> bool {
    is_blank(v, i) || is_break(v, i) || at(v, i) == 0
}

/// libyaml's `is_printable` (byte-level, on UTF-8).
#[inline]
fn is_printable(v: &[u8], i: usize) -> bool {
    let b = at(v, i);
    let b1 = at(v, i + 1);
    let b2 = at(v, i + 2);
    b == 0x0A
        || (0x20..=0x7E).contains(&b)
        || (b == 0xC2 && b1 >= 0xA0)
        || (b > 0xC2 && b < 0xED)
        || (b == 0xED && b1 < 0xA0)
        || b == 0xEE
        || (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)))
}

/// libyaml's `is_bom`, which looks at the start of the buffer whatever the index.
#[inline]
fn starts_with_bom(v: &[u8]) -> bool {
    at(v, 0) == 0xEF && at(v, 1) == 0xBB && at(v, 2) == 0xBF
}

impl Emitter {
    pub fn new(flavor: Flavor, best_indent: isize) -> Emitter {
        let best_indent = if !(2..=9).contains(&best_indent) {
            2
        } else {
            best_indent
        };
        let best_width = match flavor {
            Flavor::V2 => 80,
            Flavor::V3 => isize::MAX / 4,
        };
        Emitter {
            out: Vec::new(),
            flavor,
            best_indent,
            best_width,
            state: State::StreamStart,
            states: Vec::new(),
            indent: -1,
            indents: Vec::new(),
            flow_level: 0,
            root_context: false,
            sequence_context: false,
            mapping_context: false,
            simple_key_context: false,
            column: 0,
            whitespace: true,
            indention: true,
            open_ended: false,
            scalar: ScalarData::default(),
        }
    }

    /// Emits all events.
    pub fn emit_all(&mut self, events: &[Ev]) {
        for i in 0..events.len() {
            if let Ev::Scalar(v, _) = &events[i] {
                self.analyze_scalar(v.as_bytes());
            }
            self.state_machine(events, i);
        }
    }

    // ----------------------------------------------------------- writers

    #[inline]
    fn put(&mut self, c: u8) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push(b'\n');
        self.column = 0;
        if self.flavor == Flavor::V3 {
            self.indention = true;
        }
    }

    /// Writes the character at `v[*i]` and advances.
    fn write(&mut self, v: &[u8], i: &mut usize) {
        let w = width(at(v, *i)).max(1);
        let end = (*i + w).min(v.len());
        self.out.extend_from_slice(&v[*i..end]);
        self.column += 1;
        *i += w;
    }

    fn write_all(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
        self.column += s.chars().count() as isize;
    }

    /// The text written so far.
    pub fn into_string(self) -> String {
        // Only whole characters of valid strings and ASCII are ever written.
        String::from_utf8(self.out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    fn write_break(&mut self, v: &[u8], i: &mut usize) {
        if at(v, *i) == b'\n' {
            self.put_break();
            *i += 1;
        } else {
            self.write(v, i);
            self.column = 0;
            if self.flavor == Flavor::V3 {
                self.indention = true;
            }
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(b' ');
        }
        self.whitespace = true;
        if self.flavor == Flavor::V2 {
            self.indention = true;
        }
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(b' ');
        }
        self.write_all(indicator);
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { self.best_indent } else { 0 };
        } else if !indentless {
            match self.flavor {
                Flavor::V2 => self.indent += self.best_indent,
                Flavor::V3 => {
                    if self.states.last() == Some(&State::BlockSequenceItem) {
                        self.indent += 2;
                    } else {
                        self.indent = self.best_indent
                            * ((self.indent + self.best_indent) / self.best_indent);
                    }
                }
            }
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::End);
    }

    // ----------------------------------------------------------- state machine

    fn state_machine(&mut self, evs: &[Ev], i: usize) {
        let ev = &evs[i];
        match self.state {
            State::StreamStart => {
                self.indent = -1;
                self.column = 0;
                self.whitespace = true;
                self.indention = true;
                self.state = State::FirstDocumentStart;
            }
            State::FirstDocumentStart | State::DocumentStart => self.emit_document_start(ev),
            State::DocumentContent => {
                self.states.push(State::DocumentEnd);
                self.emit_node(evs, i, true, false, false, false);
            }
            State::DocumentEnd => {
                self.write_indent();
                self.state = State::DocumentStart;
            }
            State::FlowSequenceFirstItem => self.emit_flow_sequence_item(evs, i, true),
            State::FlowSequenceItem => self.emit_flow_sequence_item(evs, i, false),
            State::FlowMappingFirstKey => self.emit_flow_mapping_key(evs, i, true),
            State::FlowMappingKey => self.emit_flow_mapping_key(evs, i, false),
            State::FlowMappingSimpleValue => self.emit_flow_mapping_value(evs, i, true),
            State::FlowMappingValue => self.emit_flow_mapping_value(evs, i, false),
            State::BlockSequenceFirstItem => self.emit_block_sequence_item(evs, i, true),
            State::BlockSequenceItem => self.emit_block_sequence_item(evs, i, false),
            State::BlockMappingFirstKey => self.emit_block_mapping_key(evs, i, true),
            State::BlockMappingKey => self.emit_block_mapping_key(evs, i, false),
            State::BlockMappingSimpleValue => self.emit_block_mapping_value(evs, i, true),
            State::BlockMappingValue => self.emit_block_mapping_value(evs, i, false),
            State::End => {}
        }
    }

    fn emit_document_start(&mut self, ev: &Ev) {
        match ev {
            Ev::DocStart => {
                // The first document is implicit: no "---".
                if self.state != State::FirstDocumentStart {
                    self.write_indent();
                    self.write_indicator("---", true, false, false);
                    if self.flavor == Flavor::V3 {
                        self.write_indent();
                    }
                }
                self.state = State::DocumentContent;
            }
            Ev::StreamEnd => {
                // goyaml's encoder clears `open_ended` before STREAM-END (`finish`), so
                // no "..." is ever written.
                self.state = State::End;
            }
            _ => {}
        }
    }

    fn emit_flow_sequence_item(&mut self, evs: &[Ev], i: usize, first: bool) {
        if first {
            self.write_indicator("[", true, true, false);
            self.increase_indent(true, false);
            self.flow_level += 1;
        }
        if matches!(evs[i], Ev::SeqEnd) {
            self.flow_level -= 1;
            self.pop_indent();
            if self.flavor == Flavor::V3 && self.column == 0 {
                self.write_indent();
            }
            self.write_indicator("]", false, false, false);
            self.pop_state();
            return;
        }
        if !first {
            self.write_indicator(",", false, false, false);
        }
        if self.flavor == Flavor::V3 && self.column == 0 {
            self.write_indent();
        }
        if self.column > self.best_width {
            self.write_indent();
        }
        self.states.push(State::FlowSequenceItem);
        self.emit_node(evs, i, false, true, false, false);
    }

    fn emit_flow_mapping_key(&mut self, evs: &[Ev], i: usize, first: bool) {
        if first {
            self.write_indicator("{", true, true, false);
            self.increase_indent(true, false);
            self.flow_level += 1;
        }
        if matches!(evs[i], Ev::MapEnd) {
            self.flow_level -= 1;
            self.pop_indent();
            self.write_indicator("}", false, false, false);
            self.pop_state();
            return;
        }
        if !first {
            self.write_indicator(",", false, false, false);
        }
        if self.flavor == Flavor::V3 && self.column == 0 {
            self.write_indent();
        }
        if self.column > self.best_width {
            self.write_indent();
        }
        if self.check_simple_key(evs, i) {
            self.states.push(State::FlowMappingSimpleValue);
            self.emit_node(evs, i, false, false, true, true);
            return;
        }
        self.write_indicator("?", true, false, false);
        self.states.push(State::FlowMappingValue);
        self.emit_node(evs, i, false, false, true, false);
    }

    fn emit_flow_mapping_value(&mut self, evs: &[Ev], i: usize, simple: bool) {
        if simple {
            self.write_indicator(":", false, false, false);
        } else {
            if self.column > self.best_width {
                self.write_indent();
            }
            self.write_indicator(":", true, false, false);
        }
        self.states.push(State::FlowMappingKey);
        self.emit_node(evs, i, false, false, true, false);
    }

    fn emit_block_sequence_item(&mut self, evs: &[Ev], i: usize, first: bool) {
        if first {
            match self.flavor {
                Flavor::V2 => {
                    let indentless = self.mapping_context && !self.indention;
                    self.increase_indent(false, indentless);
                }
                Flavor::V3 => self.increase_indent(false, false),
            }
        }
        if matches!(evs[i], Ev::SeqEnd) {
            self.pop_indent();
            self.pop_state();
            return;
        }
        self.write_indent();
        self.write_indicator("-", true, false, true);
        self.states.push(State::BlockSequenceItem);
        self.emit_node(evs, i, false, true, false, false);
    }

    fn emit_block_mapping_key(&mut self, evs: &[Ev], i: usize, first: bool) {
        if first {
            self.increase_indent(false, false);
        }
        if matches!(evs[i], Ev::MapEnd) {
            self.pop_indent();
            self.pop_state();
            return;
        }
        self.write_indent();
        if self.check_simple_key(evs, i) {
            self.states.push(State::BlockMappingSimpleValue);
            self.emit_node(evs, i, false, false, true, true);
            return;
        }
        self.write_indicator("?", true, false, true);
        self.states.push(State::BlockMappingValue);
        self.emit_node(evs, i, false, false, true, false);
    }

    fn emit_block_mapping_value(&mut self, evs: &[Ev], i: usize, simple: bool) {
        if simple {
            self.write_indicator(":", false, false, false);
        } else {
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
        self.states.push(State::BlockMappingKey);
        self.emit_node(evs, i, false, false, true, false);
    }

    fn emit_node(
        &mut self,
        evs: &[Ev],
        i: usize,
        root: bool,
        sequence: bool,
        mapping: bool,
        simple_key: bool,
    ) {
        self.root_context = root;
        self.sequence_context = sequence;
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match &evs[i] {
            Ev::Scalar(v, style) => self.emit_scalar(v.as_bytes(), *style),
            Ev::SeqStart => {
                let empty = matches!(evs.get(i + 1), Some(Ev::SeqEnd));
                self.state = if self.flow_level > 0 || empty {
                    State::FlowSequenceFirstItem
                } else {
                    State::BlockSequenceFirstItem
                };
            }
            Ev::MapStart => {
                let empty = matches!(evs.get(i + 1), Some(Ev::MapEnd));
                self.state = if self.flow_level > 0 || empty {
                    State::FlowMappingFirstKey
                } else {
                    State::BlockMappingFirstKey
                };
            }
            _ => {}
        }
    }

    fn check_simple_key(&self, evs: &[Ev], i: usize) -> bool {
        let length = match &evs[i] {
            Ev::Scalar(v, _) => {
                if self.scalar.multiline {
                    return false;
                }
                v.len()
            }
            Ev::SeqStart => {
                if !matches!(evs.get(i + 1), Some(Ev::SeqEnd)) {
                    return false;
                }
                0
            }
            Ev::MapStart => {
                if !matches!(evs.get(i + 1), Some(Ev::MapEnd)) {
                    return false;
                }
                0
            }
            _ => return false,
        };
        length <= 128
    }

    fn emit_scalar(&mut self, value: &[u8], requested: ScalarStyle) {
        self.select_scalar_style(value, requested);
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match self.scalar.style.unwrap_or(ScalarStyle::Plain) {
            ScalarStyle::Plain => self.write_plain_scalar(value, allow_breaks),
            ScalarStyle::SingleQuoted => self.write_single_quoted_scalar(value, allow_breaks),
            ScalarStyle::DoubleQuoted => self.write_double_quoted_scalar(value, allow_breaks),
            ScalarStyle::Literal => self.write_literal_scalar(value),
            ScalarStyle::Folded => self.write_folded_scalar(value),
        }
        self.pop_indent();
        self.pop_state();
    }

    fn select_scalar_style(&mut self, value: &[u8], requested: ScalarStyle) {
        let mut style = requested;
        if self.simple_key_context && self.scalar.multiline {
            style = ScalarStyle::DoubleQuoted;
        }
        if style == ScalarStyle::Plain {
            if (self.flow_level > 0 && !self.scalar.flow_plain_allowed)
                || (self.flow_level == 0 && !self.scalar.block_plain_allowed)
            {
                style = ScalarStyle::SingleQuoted;
            }
            if value.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = ScalarStyle::SingleQuoted;
            }
        }
        if style == ScalarStyle::SingleQuoted && !self.scalar.single_quoted_allowed {
            style = ScalarStyle::DoubleQuoted;
        }
        if (style == ScalarStyle::Literal || style == ScalarStyle::Folded)
            && (!self.scalar.block_allowed || self.flow_level > 0 || self.simple_key_context)
        {
            style = ScalarStyle::DoubleQuoted;
        }
        self.scalar.style = Some(style);
    }

    /// `yaml_emitter_analyze_scalar`.
    fn analyze_scalar(&mut self, value: &[u8]) {
        let mut d = ScalarData::default();
        if value.is_empty() {
            d.multiline = false;
            d.flow_plain_allowed = false;
            d.block_plain_allowed = true;
            d.single_quoted_allowed = true;
            d.block_allowed = false;
            self.scalar = d;
            return;
        }
        let mut block_indicators = false;
        let mut flow_indicators = false;
        let mut line_breaks = false;
        let mut special_characters = false;
        let mut tab_characters = false;
        let mut leading_space = false;
        let mut leading_break = false;
        let mut trailing_space = false;
        let mut trailing_break = false;
        let mut break_space = false;
        let mut space_break = false;
        let mut previous_space = false;
        let mut previous_break = false;

        if value.len() >= 3 && (value.starts_with(b"---") || value.starts_with(b"...")) {
            block_indicators = true;
            flow_indicators = true;
        }
        let mut preceded_by_whitespace = true;
        let mut i = 0;
        while i < value.len() {
            let w = width(value[i]).max(1);
            let followed_by_whitespace = i + w >= value.len() || is_blank(value, i + w);
            let c = value[i];
            if i == 0 {
                match c {
                    b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>'
                    | b'\'' | b'"' | b'%' | b'@' | b'`' => {
                        flow_indicators = true;
                        block_indicators = true;
                    }
                    b'?' | b':' => {
                        flow_indicators = true;
                        if followed_by_whitespace {
                            block_indicators = true;
                        }
                    }
                    b'-' if followed_by_whitespace => {
                        flow_indicators = true;
                        block_indicators = true;
                    }
                    _ => {}
                }
            } else {
                match c {
                    b',' | b'?' | b'[' | b']' | b'{' | b'}' => flow_indicators = true,
                    b':' => {
                        flow_indicators = true;
                        if followed_by_whitespace {
                            block_indicators = true;
                        }
                    }
                    b'#' if preceded_by_whitespace => {
                        flow_indicators = true;
                        block_indicators = true;
                    }
                    _ => {}
                }
            }
            if self.flavor == Flavor::V3 && c == b'\t' {
                tab_characters = true;
            } else if !is_printable(value, i) {
                special_characters = true;
            }
            if is_space(value, i) {
                if i == 0 {
                    leading_space = true;
                }
                if i + w == value.len() {
                    trailing_space = true;
                }
                if previous_break {
                    break_space = true;
                }
                previous_space = true;
                previous_break = false;
            } else if is_break(value, i) {
                line_breaks = true;
                if i == 0 {
                    leading_break = true;
                }
                if i + w == value.len() {
                    trailing_break = true;
                }
                if previous_space {
                    space_break = true;
                }
                previous_space = false;
                previous_break = true;
            } else {
                previous_space = false;
                previous_break = false;
            }
            preceded_by_whitespace = is_blankz(value, i);
            i += w;
        }
        d.multiline = line_breaks;
        d.flow_plain_allowed = true;
        d.block_plain_allowed = true;
        d.single_quoted_allowed = true;
        d.block_allowed = true;
        if leading_space || leading_break || trailing_space || trailing_break {
            d.flow_plain_allowed = false;
            d.block_plain_allowed = false;
        }
        if trailing_space {
            d.block_allowed = false;
        }
        if break_space {
            d.flow_plain_allowed = false;
            d.block_plain_allowed = false;
            d.single_quoted_allowed = false;
        }
        if space_break || tab_characters || special_characters {
            d.flow_plain_allowed = false;
            d.block_plain_allowed = false;
            d.single_quoted_allowed = false;
        }
        if space_break || special_characters {
            d.block_allowed = false;
        }
        if line_breaks {
            d.flow_plain_allowed = false;
            d.block_plain_allowed = false;
        }
        if flow_indicators {
            d.flow_plain_allowed = false;
        }
        if block_indicators {
            d.block_plain_allowed = false;
        }
        self.scalar = d;
    }

    // ----------------------------------------------------------- scalar writers

    fn write_plain_scalar(&mut self, value: &[u8], allow_breaks: bool) {
        let v3 = self.flavor == Flavor::V3;
        if (!v3 || !value.is_empty()) && !self.whitespace {
            self.put(b' ');
        }
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < value.len() {
            if is_space(value, i) {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && !is_space(value, i + 1)
                {
                    self.write_indent();
                    i += 1;
                } else {
                    self.write(value, &mut i);
                }
                spaces = true;
            } else if is_break(value, i) {
                if !breaks && value[i] == b'\n' {
                    self.put_break();
                }
                self.write_break(value, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(value, &mut i);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if !v3 || !value.is_empty() {
            self.whitespace = false;
        }
        self.indention = false;
        if self.root_context {
            self.open_ended = true;
        }
    }

    fn write_single_quoted_scalar(&mut self, value: &[u8], allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < value.len() {
            if is_space(value, i) {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i < value.len() - 1
                    && !is_space(value, i + 1)
                {
                    self.write_indent();
                    i += 1;
                } else {
                    self.write(value, &mut i);
                }
                spaces = true;
            } else if is_break(value, i) {
                if !breaks && value[i] == b'\n' {
                    self.put_break();
                }
                self.write_break(value, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if value[i] == b'\'' {
                    self.put(b'\'');
                }
                self.write(value, &mut i);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted_scalar(&mut self, value: &[u8], allow_breaks: bool) {
        let mut spaces = false;
        self.write_indicator("\"", true, false, false);
        let bom = starts_with_bom(value);
        let mut i = 0;
        while i < value.len() {
            let c = value[i];
            if !is_printable(value, i) || bom || is_break(value, i) || c == b'"' || c == b'\\' {
                let w = width(c).max(1);
                let mut v: u32 = match w {
                    1 => (c & 0x7F) as u32,
                    2 => (c & 0x1F) as u32,
                    3 => (c & 0x0F) as u32,
                    _ => (c & 0x07) as u32,
                };
                for k in 1..w {
                    v = (v << 6) + (at(value, i + k) & 0x3F) as u32;
                }
                i += w;
                self.put(b'\\');
                match v {
                    0x00 => self.put(b'0'),
                    0x07 => self.put(b'a'),
                    0x08 => self.put(b'b'),
                    0x09 => self.put(b't'),
                    0x0A => self.put(b'n'),
                    0x0B => self.put(b'v'),
                    0x0C => self.put(b'f'),
                    0x0D => self.put(b'r'),
                    0x1B => self.put(b'e'),
                    0x22 => self.put(b'"'),
                    0x5C => self.put(b'\\'),
                    0x85 => self.put(b'N'),
                    0xA0 => self.put(b'_'),
                    0x2028 => self.put(b'L'),
                    0x2029 => self.put(b'P'),
                    _ => {
                        let digits = if v <= 0xFF {
                            self.put(b'x');
                            2
                        } else if v <= 0xFFFF {
                            self.put(b'u');
                            4
                        } else {
                            self.put(b'U');
                            8
                        };
                        for k in (0..digits).rev() {
                            let d = ((v >> (k * 4)) & 0x0F) as u8;
                            self.put(if d < 10 { b'0' + d } else { b'A' + d - 10 });
                        }
                    }
                }
                spaces = false;
            } else if is_space(value, i) {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i < value.len() - 1
                {
                    self.write_indent();
                    if is_space(value, i + 1) {
                        self.put(b'\\');
                    }
                    i += 1;
                } else {
                    self.write(value, &mut i);
                }
                spaces = true;
            } else {
                self.write(value, &mut i);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_block_scalar_hints(&mut self, value: &[u8]) {
        if is_space(value, 0) || is_break(value, 0) {
            let hint = ((b'0' as isize + self.best_indent) as u8 as char).to_string();
            self.write_indicator(&hint, false, false, false);
        }
        self.open_ended = false;
        let mut chomp: Option<&str> = None;
        if value.is_empty() {
            chomp = Some("-");
        } else {
            let mut i = value.len() - 1;
            while i > 0 && value[i] & 0xC0 == 0x80 {
                i -= 1;
            }
            if !is_break(value, i) {
                chomp = Some("-");
            } else if i == 0 {
                chomp = Some("+");
                self.open_ended = true;
            } else {
                i -= 1;
                while i > 0 && value[i] & 0xC0 == 0x80 {
                    i -= 1;
                }
                if is_break(value, i) {
                    chomp = Some("+");
                    self.open_ended = true;
                }
            }
        }
        if let Some(c) = chomp {
            self.write_indicator(c, false, false, false);
        }
    }

    fn write_literal_scalar(&mut self, value: &[u8]) {
        self.write_indicator("|", true, false, false);
        self.write_block_scalar_hints(value);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        let mut i = 0;
        while i < value.len() {
            if is_break(value, i) {
                self.write_break(value, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(value, &mut i);
                self.indention = false;
                breaks = false;
            }
        }
    }

    fn write_folded_scalar(&mut self, value: &[u8]) {
        self.write_indicator(">", true, false, false);
        self.write_block_scalar_hints(value);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        let mut leading_spaces = true;
        let mut i = 0;
        while i < value.len() {
            if is_break(value, i) {
                if !breaks && !leading_spaces && value[i] == b'\n' {
                    let mut k = 0;
                    while is_break(value, k) {
                        k += width(value[k]).max(1);
                    }
                    if !is_blankz(value, k) {
                        self.put_break();
                    }
                }
                self.write_break(value, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                    leading_spaces = is_blank(value, i);
                }
                if !breaks
                    && is_space(value, i)
                    && !is_space(value, i + 1)
                    && self.column > self.best_width
                {
                    self.write_indent();
                    i += 1;
                } else {
                    self.write(value, &mut i);
                }
                self.indention = false;
                breaks = false;
            }
        }
    }
}
