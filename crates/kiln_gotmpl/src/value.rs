//! The value model: what Go's `reflect.Value` is to `text/template`.
//!
//! Helm hands templates Go values: `map[string]interface{}` trees decoded from YAML or JSON
//! (every number a `float64`), `int`/`int64` results of Sprig functions, `[]string` from
//! `splitList`, structs such as `.Capabilities`. Their Go *type* is observable (`%T`,
//! `typeOf`, argument type checks, `eq` between `int` and `float64` is an error), so a
//! [`Value`] keeps the Go type next to the data. Containers are reference counted, so
//! cloning a value is O(1) and values can be shared between threads and renders.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use parking_lot::Mutex;

/// Immutable string, the representation of Go `string` values and map keys: up to 15
/// bytes inline, longer ones shared by reference count (`ecow::EcoString`). Most keys
/// and values of Helm charts are short, and copying them inline spares the atomic
/// reference-count updates that every clone and drop of an `Arc<str>` costs — the cores
/// fought over those counts in parallel renders.
pub type Str = ecow::EcoString;

/// The entries of a Go map with string keys. Keys iterate in byte order, which is the
/// order Go's `text/template` (`range`) and `fmt` (`%v`) use for maps with string keys.
pub type Map = BTreeMap<Str, Value>;

/// A shared, mutable Go map: cloning the reference shares the map, as assigning a map
/// does in Go.
///
/// Reads take a snapshot ([`MapRef::snapshot`], an `Arc` clone under a short lock), so
/// iterating never holds a lock and a template may change a map while ranging over it
/// (Go ranges over a sorted snapshot too). Writes change the map in place, copying it
/// first only while an older snapshot is still alive. No lock is ever held while calling
/// out, so there are no deadlocks, even for `merge $m $m`.
#[derive(Clone, Default)]
pub struct MapRef(Arc<Mutex<Arc<Map>>>);

impl Drop for MapRef {
    /// The last reference to a map drops its entries here, recursively up to
    /// [`RECURSIVE_DROP_DEPTH`] levels of nesting and one by one below that (see
    /// [`drop_nested`]).
    fn drop(&mut self) {
        // Most drops are of one more reference to a shared map: a plain load says so.
        if Arc::strong_count(&self.0) != 1 {
            return;
        }
        if let Some(map) = Arc::get_mut(&mut self.0).and_then(|m| Arc::get_mut(m.get_mut())) {
            if !map.is_empty() {
                let map = std::mem::take(map);
                drop_bounded(map, |m| drop_nested(m.into_values().collect()));
            }
        }
    }
}

/// How deep maps and lists are dropped recursively (cheap: no bookkeeping) before
/// [`drop_nested`] takes over.
const RECURSIVE_DROP_DEPTH: usize = 64;

thread_local! {
    /// How many map or list drops are running on this thread, nested in each other.
    static DROP_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Drops `x` recursively when few drops are running nested on this thread, with
/// `iterative` otherwise.
fn drop_bounded<T>(x: T, iterative: impl FnOnce(T)) {
    let Ok(depth) = DROP_DEPTH.try_with(|d| d.get()) else {
        // The thread is exiting and its counter is gone: take the safe way.
        return iterative(x);
    };
    if depth < RECURSIVE_DROP_DEPTH {
        DROP_DEPTH.with(|d| d.set(depth + 1));
        drop(x);
        DROP_DEPTH.with(|d| d.set(depth));
    } else {
        iterative(x);
    }
}

/// The elements of a Go slice ([`Value::List`]): a `Vec<Value>` (it derefs to one) that
/// drops the lists and maps nested in it without unbounded recursion (see
/// [`drop_nested`]).
#[derive(Clone, Default, PartialEq)]
pub struct Items(pub Vec<Value>);

impl Items {
    /// The elements, moved out.
    pub fn into_vec(mut self) -> Vec<Value> {
        std::mem::take(&mut self.0)
    }

    /// The elements of a shared list: moved out when `l` is the only reference, copied
    /// otherwise.
    pub fn unwrap_or_clone(l: Arc<Items>) -> Vec<Value> {
        Arc::try_unwrap(l)
            .map(Items::into_vec)
            .unwrap_or_else(|l| l.0.clone())
    }
}

impl std::ops::Deref for Items {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.0
    }
}

impl std::ops::DerefMut for Items {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        &mut self.0
    }
}

impl From<Vec<Value>> for Items {
    fn from(v: Vec<Value>) -> Items {
        Items(v)
    }
}

impl FromIterator<Value> for Items {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Items {
        Items(iter.into_iter().collect())
    }
}

impl fmt::Debug for Items {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Drop for Items {
    /// Like [`MapRef`]'s: recursively up to [`RECURSIVE_DROP_DEPTH`] levels, then one by
    /// one.
    fn drop(&mut self) {
        if !self.0.is_empty() {
            drop_bounded(std::mem::take(&mut self.0), drop_nested);
        }
    }
}

/// Drops `values` and the maps and lists nested in them that nothing else holds, one by
/// one instead of recursively: a template can build maps or lists nested a million deep
/// (`{{ range until 1000000 }}{{ $d = dict "x" $d }}{{ end }}`), and dropping them
/// recursively would overflow the rendering thread's stack and abort the process. Maps
/// and lists switch to this by themselves below [`RECURSIVE_DROP_DEPTH`] levels
/// ([`MapRef`]'s and [`Items`]' `Drop`).
pub fn drop_nested(mut pending: Vec<Value>) {
    while let Some(v) = pending.pop() {
        match v {
            Value::Map(mut m, _) => {
                if let Some(inner) = Arc::get_mut(&mut m.0).and_then(|m| Arc::get_mut(m.get_mut()))
                {
                    pending.extend(std::mem::take(inner).into_values());
                }
                // `m` is dropped here, its entries moved out (or still shared).
            }
            Value::List(mut l, _) => {
                if let Some(items) = Arc::get_mut(&mut l) {
                    pending.append(&mut items.0);
                }
                // `l` is dropped here, its elements moved out (or still shared).
            }
            _ => {}
        }
    }
}

impl MapRef {
    /// A new map holding `m`.
    pub fn new(m: Map) -> MapRef {
        MapRef(Arc::new(Mutex::new(Arc::new(m))))
    }

    /// The entries, moved out when this is the only reference to the map and no
    /// snapshot of it is alive, copied (one level deep) otherwise.
    pub fn into_map(mut self) -> Map {
        if let Some(cell) = Arc::get_mut(&mut self.0) {
            let entries = std::mem::take(cell.get_mut());
            return Arc::try_unwrap(entries).unwrap_or_else(|shared| (*shared).clone());
        }
        (*self.snapshot()).clone()
    }

    /// The current entries (cheap: shares the data until the next write).
    pub fn snapshot(&self) -> Arc<Map> {
        self.0.lock().clone()
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.0.lock().get(key).cloned()
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.lock().contains_key(key)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.lock().len()
    }

    /// True when the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.lock().is_empty()
    }

    /// Sets `key` in place (visible to every holder of this map).
    pub fn insert(&self, key: Str, value: Value) -> Option<Value> {
        Arc::make_mut(&mut self.0.lock()).insert(key, value)
    }

    /// Removes `key` in place.
    pub fn remove(&self, key: &str) -> Option<Value> {
        Arc::make_mut(&mut self.0.lock()).remove(key)
    }

    /// Replaces all entries in place.
    pub fn replace(&self, m: Map) {
        *self.0.lock() = Arc::new(m);
    }

    /// Changes the entries in place with `f`. `f` must not read or write any map (take
    /// snapshots of other maps before calling this): the map is locked while `f` runs.
    pub fn update<R>(&self, f: impl FnOnce(&mut Map) -> R) -> R {
        f(Arc::make_mut(&mut self.0.lock()))
    }

    /// Whether both references denote the same map (Go's map identity).
    pub fn ptr_eq(&self, other: &MapRef) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Whether `value` holds one of `maps`, directly or through nested maps and lists:
    /// storing `value` in one of them would make a map contain itself. Iterative, and each
    /// shared map or list is visited once, so the cost is the size of `value`.
    pub fn reachable_from(value: &Value, maps: &[&MapRef]) -> bool {
        let mut seen: std::collections::HashSet<usize> = Default::default();
        let mut todo: Vec<Value> = vec![value.clone()];
        while let Some(v) = todo.pop() {
            match &v {
                Value::Map(m, _) => {
                    if maps.iter().any(|t| t.ptr_eq(m)) {
                        return true;
                    }
                    if seen.insert(Arc::as_ptr(&m.0) as *const () as usize) {
                        todo.extend(m.snapshot().values().filter(|x| x.may_hold_maps()).cloned());
                    }
                }
                Value::List(l, _) if seen.insert(Arc::as_ptr(l) as *const () as usize) => {
                    todo.extend(l.iter().filter(|x| x.may_hold_maps()).cloned());
                }
                _ => {}
            }
        }
        false
    }

    /// A new, independent map with the same entries, nested maps copied as well (what
    /// `copystructure.Copy`/Sprig's `deepCopy` do). Lists are copied element-wise.
    pub fn deep_copy(&self) -> MapRef {
        MapRef::new(deep_copy_map(&self.snapshot()))
    }
}

/// A copy of `m` sharing no map (or list holding maps) with it: what each render's
/// private values are made of. The tree is cloned as is (keys in order, no re-sorting),
/// then only the entries that hold containers are copied deeper.
pub fn deep_copy_map(m: &Map) -> Map {
    let mut copy = m.clone();
    for v in copy.values_mut() {
        if v.holds_maps() {
            *v = v.deep_copy();
        }
    }
    copy
}

impl From<Map> for MapRef {
    fn from(m: Map) -> MapRef {
        MapRef::new(m)
    }
}

impl fmt::Debug for MapRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.snapshot().iter()).finish()
    }
}

/// The Go integer type a [`Value::Int`] carries; it shows in `%T`, `typeOf` and in
/// argument type checks (`int` is not assignable to an `int64` parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntType {
    /// Go `int`: template integer literals, `len`, `atoi`, `int`, `.Release.Revision`.
    Int,
    /// Go `int64`: Sprig arithmetic (`add`, `mul`, ...), `int64`, `--set` numbers.
    Int64,
    /// Go `int32` (also `rune`).
    Int32,
    /// Go `int16`.
    Int16,
    /// Go `int8`.
    Int8,
}

/// The Go unsigned integer type a [`Value::Uint`] carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UintType {
    /// Go `uint`.
    Uint,
    /// Go `uint64`.
    Uint64,
    /// Go `uint32`.
    Uint32,
    /// Go `uint16`.
    Uint16,
    /// Go `uint8` (`byte`).
    Uint8,
}

/// The Go slice type of a [`Value::List`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListType {
    /// `[]interface {}`: decoded YAML/JSON lists, Sprig `list`.
    Any,
    /// `[]string`: `splitList`, `keys`, `regexFindAll`, ...
    String,
    /// `[]int`: `until`, `untilStep`.
    Int,
    /// `[]int64`.
    Int64,
    /// `[]float64`.
    Float64,
    /// A named slice type (e.g. Helm's `common.VersionSet`), printed by `%T` as given.
    /// Its methods are provided by the embedding crate through [`Value::Object`]; this
    /// variant only names the type of a plain list.
    Named(&'static str),
}

/// The Go map type of a [`Value::Map`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MapType {
    /// `map[string]interface {}`: decoded YAML/JSON objects, Sprig `dict`.
    Any,
    /// `map[string]string`: Sprig `split`, `Chart.Annotations`.
    String,
    /// A named map type whose underlying type is `map[string]interface {}` (Helm's
    /// `common.Values`); assignable wherever `map[string]interface {}` is expected.
    Named(&'static str),
}

/// Go's `reflect.Kind`, as far as templates can observe it (`kindOf`, truthiness, `len`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Invalid,
    Bool,
    Int,
    Int8,
    Int16,
    Int32,
    Int64,
    Uint,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Float64,
    Complex128,
    String,
    Slice,
    Map,
    Struct,
    Ptr,
    Func,
}

impl Kind {
    /// The name Go's `reflect.Kind.String()` gives (what Sprig's `kindOf` returns).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Invalid => "invalid",
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::Int8 => "int8",
            Kind::Int16 => "int16",
            Kind::Int32 => "int32",
            Kind::Int64 => "int64",
            Kind::Uint => "uint",
            Kind::Uint8 => "uint8",
            Kind::Uint16 => "uint16",
            Kind::Uint32 => "uint32",
            Kind::Uint64 => "uint64",
            Kind::Float64 => "float64",
            Kind::Complex128 => "complex128",
            Kind::String => "string",
            Kind::Slice => "slice",
            Kind::Map => "map",
            Kind::Struct => "struct",
            Kind::Ptr => "ptr",
            Kind::Func => "func",
        }
    }
}

/// A Go value as a template sees it.
///
/// `Nil` stands for Go's untyped `nil` and for the invalid `reflect.Value` that a missing
/// map key yields once a pipeline has unwrapped it; an action prints it as `<no value>`,
/// `fmt` prints it as `<nil>`.
#[derive(Clone)]
pub enum Value {
    /// Untyped `nil` / missing value.
    Nil,
    /// Go `bool`.
    Bool(bool),
    /// A signed Go integer of the given type.
    Int(i64, IntType),
    /// An unsigned Go integer of the given type.
    Uint(u64, UintType),
    /// Go `float64`.
    Float(f64),
    /// Go `complex128` (template literals such as `1+2i`).
    Complex(f64, f64),
    /// Go `string`.
    String(Str),
    /// A Go `string` whose bytes are not valid UTF-8 (Go strings are byte strings:
    /// `.Files.Get` of a binary file, `b64dec` of random bytes). Behaves as a `string`
    /// everywhere; byte-oriented functions (`b64enc`, hashes, `len`) see the exact bytes,
    /// text-oriented ones see the bytes decoded lossily.
    RawString(Arc<[u8]>),
    /// Go `[]byte` (`.Files.GetBytes`).
    Bytes(Arc<[u8]>),
    /// A Go slice; elements of a typed slice all have that element type.
    List(Arc<Items>, ListType),
    /// A Go map with string keys (a shared reference, as in Go).
    Map(MapRef, MapType),
    /// Anything else: structs, pointers, named types with methods.
    Object(Arc<dyn Object>),
}

impl Value {
    /// Whether this is a map or a list (which may hold maps).
    fn may_hold_maps(&self) -> bool {
        matches!(self, Value::Map(..) | Value::List(..))
    }

    /// A Go `string`.
    pub fn str(s: &str) -> Value {
        Value::String(Str::from(s))
    }

    /// A Go `int`.
    pub fn int(i: i64) -> Value {
        Value::Int(i, IntType::Int)
    }

    /// A Go `int64`.
    pub fn int64(i: i64) -> Value {
        Value::Int(i, IntType::Int64)
    }

    /// A `[]interface {}`.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(Items(items)), ListType::Any)
    }

    /// A `[]string`.
    pub fn string_list<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I) -> Value {
        Value::List(
            Arc::new(items.into_iter().map(|s| Value::str(s.as_ref())).collect()),
            ListType::String,
        )
    }

    /// A `map[string]interface {}`.
    pub fn map(m: Map) -> Value {
        Value::Map(MapRef::new(m), MapType::Any)
    }

    /// An empty `map[string]interface {}`.
    pub fn empty_map() -> Value {
        Value::map(Map::new())
    }

    /// True for [`Value::Nil`].
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The string inside a Go `string` (valid UTF-8), else `None`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The bytes of a Go `string` (valid UTF-8 or not), else `None`.
    pub fn as_str_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::String(s) => Some(s.as_bytes()),
            Value::RawString(b) => Some(b),
            _ => None,
        }
    }

    /// A Go string from bytes: [`Value::String`] when they are UTF-8, else
    /// [`Value::RawString`] (Go's `string(b)` keeps any bytes).
    pub fn from_go_bytes(b: &[u8]) -> Value {
        match std::str::from_utf8(b) {
            Ok(s) => Value::str(s),
            Err(_) => Value::RawString(Arc::from(b)),
        }
    }

    /// A snapshot of the entries of a Go map value (of any map type), else `None`.
    pub fn as_map(&self) -> Option<Arc<Map>> {
        match self {
            Value::Map(m, _) => Some(m.snapshot()),
            _ => None,
        }
    }

    /// The shared map of a Go map value, for changing it in place.
    pub fn as_map_ref(&self) -> Option<&MapRef> {
        match self {
            Value::Map(m, _) => Some(m),
            _ => None,
        }
    }

    /// A deep copy: maps become new, independent maps (recursively); everything else is
    /// immutable and shared.
    pub fn deep_copy(&self) -> Value {
        // Values nest as deep as YAML allows (10,000 levels): grow the stack on the heap.
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || match self {
            Value::Map(m, t) => Value::Map(m.deep_copy(), *t),
            Value::List(l, t) if self.holds_maps() => {
                Value::List(Arc::new(l.iter().map(Value::deep_copy).collect()), *t)
            }
            other => other.clone(),
        })
    }

    /// Whether [`Value::deep_copy`] makes a new value: a map, or a list holding maps or
    /// lists (anything else is immutable and shared as is).
    pub fn holds_maps(&self) -> bool {
        match self {
            Value::Map(..) => true,
            Value::List(l, _) => l
                .iter()
                .any(|v| matches!(v, Value::Map(..) | Value::List(..))),
            _ => false,
        }
    }

    /// The elements of a Go slice value (of any slice type), else `None`.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l, _) => Some(l),
            _ => None,
        }
    }

    /// The value's `reflect.Kind`.
    pub fn kind(&self) -> Kind {
        match self {
            Value::Nil => Kind::Invalid,
            Value::Bool(_) => Kind::Bool,
            Value::Int(_, t) => match t {
                IntType::Int => Kind::Int,
                IntType::Int64 => Kind::Int64,
                IntType::Int32 => Kind::Int32,
                IntType::Int16 => Kind::Int16,
                IntType::Int8 => Kind::Int8,
            },
            Value::Uint(_, t) => match t {
                UintType::Uint => Kind::Uint,
                UintType::Uint64 => Kind::Uint64,
                UintType::Uint32 => Kind::Uint32,
                UintType::Uint16 => Kind::Uint16,
                UintType::Uint8 => Kind::Uint8,
            },
            Value::Float(_) => Kind::Float64,
            Value::Complex(..) => Kind::Complex128,
            Value::String(_) | Value::RawString(_) => Kind::String,
            Value::Bytes(_) | Value::List(..) => Kind::Slice,
            Value::Map(..) => Kind::Map,
            Value::Object(o) => o.kind(),
        }
    }

    /// The Go type name, as `%T` and Sprig's `typeOf` print it (`<nil>` for nil).
    pub fn type_name(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Value::Nil => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_, t) => match t {
                IntType::Int => "int",
                IntType::Int64 => "int64",
                IntType::Int32 => "int32",
                IntType::Int16 => "int16",
                IntType::Int8 => "int8",
            },
            Value::Uint(_, t) => match t {
                UintType::Uint => "uint",
                UintType::Uint64 => "uint64",
                UintType::Uint32 => "uint32",
                UintType::Uint16 => "uint16",
                UintType::Uint8 => "uint8",
            },
            Value::Float(_) => "float64",
            Value::Complex(..) => "complex128",
            Value::String(_) | Value::RawString(_) => "string",
            Value::Bytes(_) => "[]uint8",
            Value::List(_, t) => match t {
                ListType::Any => "[]interface {}",
                ListType::String => "[]string",
                ListType::Int => "[]int",
                ListType::Int64 => "[]int64",
                ListType::Float64 => "[]float64",
                ListType::Named(n) => n,
            },
            Value::Map(_, t) => match t {
                MapType::Any => "map[string]interface {}",
                MapType::String => "map[string]string",
                MapType::Named(n) => n,
            },
            Value::Object(o) => return Cow::Owned(o.type_name().into_owned()),
        })
    }

    /// Go's truth (`if`, `with`, `and`, `or`, `not`): false for the zero value of the
    /// type, empty strings, slices and maps, and nil. Mirrors `isTrue` in
    /// text/template/exec.go. Objects answer for themselves.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i, _) => *i != 0,
            Value::Uint(u, _) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::Complex(r, i) => *r != 0.0 || *i != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::RawString(b) | Value::Bytes(b) => !b.is_empty(),
            Value::List(l, _) => !l.is_empty(),
            Value::Map(m, _) => !m.is_empty(),
            Value::Object(o) => o.is_true(),
        }
    }

    /// Whether `len` is 0 (`false` for kinds without a length).
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// `len` of strings (in bytes), slices and maps, as Go's `len` builtin; `None` when
    /// the kind has no length.
    pub fn len(&self) -> Option<usize> {
        match self {
            Value::String(s) => Some(s.len()),
            Value::RawString(b) | Value::Bytes(b) => Some(b.len()),
            Value::List(l, _) => Some(l.len()),
            Value::Map(m, _) => Some(m.len()),
            Value::Object(o) => o.len(),
            _ => None,
        }
    }

    /// Whether `self` may be passed where a value of Go type `ty` is expected without
    /// conversion (Go's `AssignableTo`).
    pub fn assignable_to(&self, ty: &Ty) -> bool {
        match (ty, self) {
            (Ty::Any, _) => true,
            (Ty::Value, _) => true,
            (Ty::String, Value::String(_) | Value::RawString(_)) => true,
            (Ty::Bool, Value::Bool(_)) => true,
            (Ty::Int, Value::Int(_, IntType::Int)) => true,
            (Ty::Int64, Value::Int(_, IntType::Int64)) => true,
            (Ty::Float64, Value::Float(_)) => true,
            (Ty::Uint8, Value::Uint(_, UintType::Uint8)) => true,
            (Ty::ListAny, Value::List(_, ListType::Any)) => true,
            (Ty::ListString, Value::List(_, ListType::String)) => true,
            (Ty::Bytes, Value::Bytes(_)) => true,
            (Ty::MapAny, Value::Map(_, MapType::Any | MapType::Named(_))) => true,
            (Ty::MapString, Value::Map(_, MapType::String)) => true,
            (Ty::Object(name), Value::Object(o)) => o.type_name() == *name,
            _ => false,
        }
    }
}

/// A Go parameter type of a template function, used for Go's argument checks and for
/// the conversion of untyped constants (an integer literal passed to a `float64`
/// parameter is an error, to an `interface{}` parameter it becomes an `int`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `interface {}`: anything, including nil.
    Any,
    /// `reflect.Value`: anything, including nil; the callee sees missing values as `Nil`
    /// (Go's builtins `and`, `or`, `eq`, `index`, ... are declared this way).
    Value,
    /// `string`.
    String,
    /// `bool`.
    Bool,
    /// `int`.
    Int,
    /// `int64`.
    Int64,
    /// `float64`.
    Float64,
    /// `uint8`.
    Uint8,
    /// `[]interface {}`.
    ListAny,
    /// `[]string`.
    ListString,
    /// `[]byte`.
    Bytes,
    /// `map[string]interface {}` (named map types with that underlying type included).
    MapAny,
    /// `map[string]string`.
    MapString,
    /// An object type by its Go type name (e.g. `*semver.Version`).
    Object(&'static str),
}

impl Ty {
    /// The Go spelling of the type, for error messages (`expected map[string]interface {}`).
    pub fn go_name(&self) -> &'static str {
        match self {
            Ty::Any => "interface {}",
            Ty::Value => "reflect.Value",
            Ty::String => "string",
            Ty::Bool => "bool",
            Ty::Int => "int",
            Ty::Int64 => "int64",
            Ty::Float64 => "float64",
            Ty::Uint8 => "uint8",
            Ty::ListAny => "[]interface {}",
            Ty::ListString => "[]string",
            Ty::Bytes => "[]uint8",
            Ty::MapAny => "map[string]interface {}",
            Ty::MapString => "map[string]string",
            Ty::Object(n) => n,
        }
    }

    /// Whether an untyped `nil` may be passed (Go's `canBeNil`): interfaces, maps,
    /// slices, pointers.
    pub fn can_be_nil(&self) -> bool {
        !matches!(
            self,
            Ty::String | Ty::Bool | Ty::Int | Ty::Int64 | Ty::Float64 | Ty::Uint8
        )
    }

    /// The zero value a nil becomes when passed for this type (Go's `reflect.Zero`).
    pub fn zero(&self) -> Value {
        match self {
            Ty::ListAny => Value::List(Arc::default(), ListType::Any),
            Ty::ListString => Value::List(Arc::default(), ListType::String),
            Ty::Bytes => Value::Bytes(Arc::from(&[][..])),
            Ty::MapAny => Value::Map(MapRef::default(), MapType::Any),
            Ty::MapString => Value::Map(MapRef::default(), MapType::String),
            _ => Value::Nil,
        }
    }
}

/// Result of looking up `.Name` on an [`Object`].
pub enum Field {
    /// The field (or map entry) exists.
    Value(Value),
    /// A map-like object without that key: behaves like a missing map key.
    Missing,
    /// No such field: `can't evaluate field Name in type T`.
    NoField,
}

/// Declared signature of a method an [`Object`] offers.
#[derive(Clone, Copy, Debug)]
pub struct MethodSig {
    /// Fixed parameter types.
    pub params: &'static [Ty],
    /// Element type of a trailing variadic parameter.
    pub variadic: Option<Ty>,
}

/// A Go value that is not a plain scalar, slice or map: a struct, a pointer to one, or a
/// named type with methods (Helm's `.Capabilities`, `.Files`, Sprig's semver versions).
///
/// Template field access first tries [`Object::method`] (Go looks methods up before
/// fields), then [`Object::field`].
pub trait Object: Send + Sync {
    /// The Go type name (`%T`), e.g. `*common.Capabilities`.
    fn type_name(&self) -> Cow<'_, str>;

    /// The `reflect.Kind` (`Ptr` for pointers to structs, `Struct`, `Map`, `Slice`).
    fn kind(&self) -> Kind {
        Kind::Ptr
    }

    /// A field or map entry.
    fn field(&self, _name: &str) -> Field {
        Field::NoField
    }

    /// The signature of a method, when the type has one by that name.
    fn method(&self, _name: &str) -> Option<MethodSig> {
        None
    }

    /// Calls a method previously found with [`Object::method`]; arguments have been
    /// checked against its signature. An `Err` becomes `error calling Name: <err>`.
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        Err(format!("{name} is not a method"))
    }

    /// Go truth of the value; pointers and structs are true.
    fn is_true(&self) -> bool {
        true
    }

    /// `len` of the value, if it has one.
    fn len(&self) -> Option<usize> {
        None
    }

    /// Whether `len` is 0.
    fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The plain list or map this object is underneath (for `range`, `index`, `len`),
    /// e.g. a `VersionSet` is a `[]string`.
    fn underlying(&self) -> Option<Value> {
        None
    }

    /// How `fmt` prints the value with `%v`/`%s` when the type implements `Stringer` or
    /// `error` (returns `Some(text)`), else `None` and `fmt` prints the fields.
    fn to_go_string(&self) -> Option<String> {
        None
    }

    /// Like [`Object::to_go_string`] for an addressable value: what a template action
    /// prints, where Go also finds `String()` methods declared on the pointer type
    /// (`{{ .Capabilities.KubeVersion }}` prints `v1.36.0`, `printf "%v"` prints the
    /// struct). Defaults to [`Object::to_go_string`].
    fn to_go_string_addressable(&self) -> Option<String> {
        self.to_go_string()
    }

    /// Fields in declaration order, for `fmt`'s struct printing (`{a b}` / `&{a b}`) and
    /// for JSON/YAML encoding: `(Go field name, JSON name or None when omitted, value)`.
    fn fields(&self) -> Vec<(Cow<'static, str>, Value)> {
        Vec::new()
    }

    /// What Go's `encoding/json` would marshal for this value (struct fields under their
    /// JSON names, `omitempty` honoured; a `json.Marshaler`'s output decoded), as a plain
    /// map/list/scalar. `toJson`, `toYaml` and friends encode this. `None` encodes as
    /// `{}`.
    fn to_json_value(&self) -> Option<Value> {
        None
    }

    /// For structs: `(JSON name, value)` in declaration order, which is the order Go's
    /// `encoding/json` writes struct fields in (maps are sorted, structs are not).
    /// When present, JSON encoding uses it instead of [`Object::to_json_value`].
    fn json_fields(&self) -> Option<Vec<(String, Value)>> {
        None
    }

    /// Lets callers downcast to the concrete type.
    fn as_any(&self) -> &dyn std::any::Any;
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => write!(f, "nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i, t) => write!(f, "{i}{}", if *t == IntType::Int { "" } else { "i64" }),
            Value::Uint(u, _) => write!(f, "{u}u"),
            Value::Float(x) => write!(f, "{x:?}f"),
            Value::Complex(r, i) => write!(f, "({r}+{i}i)"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::RawString(b) => write!(f, "{:?}", String::from_utf8_lossy(b)),
            Value::Bytes(b) => write!(f, "b{b:?}"),
            Value::List(l, _) => f.debug_list().entries(l.iter()).finish(),
            Value::Map(m, _) => m.fmt(f),
            Value::Object(o) => write!(f, "<{}>", o.type_name()),
        }
    }
}

impl PartialEq for Value {
    /// Go's `reflect.DeepEqual` on the data (types must match).
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a, ta), Value::Int(b, tb)) => a == b && ta == tb,
            (Value::Uint(a, ta), Value::Uint(b, tb)) => a == b && ta == tb,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Complex(a, b), Value::Complex(c, d)) => a == c && b == d,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::RawString(a), Value::RawString(b)) => a == b,
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            // Values can nest arbitrarily deep (templates build them): grow the stack.
            (Value::List(a, ta), Value::List(b, tb)) => {
                ta == tb
                    && (Arc::ptr_eq(a, b) || stacker::maybe_grow(64 * 1024, 1024 * 1024, || a == b))
            }
            (Value::Map(a, ta), Value::Map(b, tb)) => {
                ta == tb
                    && (a.ptr_eq(b)
                        || stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                            a.snapshot() == b.snapshot()
                        }))
            }
            (Value::Object(a), Value::Object(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Default for Value {
    /// Go's zero `interface{}`: nil.
    fn default() -> Value {
        Value::Nil
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(Str::from(s))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::map(m)
    }
}

impl From<Vec<Value>> for Value {
    fn from(l: Vec<Value>) -> Value {
        Value::list(l)
    }
}

impl Value {
    /// Converts decoded JSON into Go's `encoding/json` shapes: objects become
    /// `map[string]interface {}`, arrays `[]interface {}`, every number `float64`.
    pub fn from_json(j: &serde_json::Value) -> Value {
        match j {
            serde_json::Value::Null => Value::Nil,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::str(s),
            serde_json::Value::Array(a) => Value::list(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::map(
                o.iter()
                    .map(|(k, v)| (Str::from(k.as_str()), Value::from_json(v)))
                    .collect(),
            ),
        }
    }
}
