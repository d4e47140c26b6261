//! Cheap bounds on a GraphQL request, checked on the raw document text before
//! it reaches the real parser.
//!
//! Two attacks motivate this crate. A small document nesting brackets a few
//! thousand deep overflows the recursive parser's stack and aborts the
//! process; and a "fragment bomb" (each fragment spreading the previous one
//! twice) is a few hundred bytes that validation expands exponentially,
//! before any complexity limit fires. [`check`] scans the text once, in time
//! linear in its length, with no recursion and no syntax tree, and rejects
//! such documents before anything else looks at them.
//!
//! It is not a validator: a document with a syntax error passes unless it
//! exceeds a limit, and the real parser reports the error. Where
//! async-graphql's grammar reads text otherwise than the spec does (keywords
//! matched without a word boundary, `on` as a type condition only before
//! whitespace and a name), the scanner reads it as async-graphql does, since
//! that is the parser and validator it protects: a document the two read
//! differently could otherwise hide a fragment bomb.

mod lexer;

use std::collections::HashMap;

use lexer::{Lexer, Tok};

/// Bounds on a document, all configurable.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Length of the document text in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of `(`, `[` and `{` together, wherever they are:
    /// selection sets, arguments, list and object values, variable
    /// definitions and their types and defaults.
    pub max_nesting: usize,
    /// Lexical tokens (punctuators, names, numbers, strings).
    pub max_tokens: usize,
    /// Fields once named fragment spreads are expanded: every field selection
    /// counts once for each place it ends up. Summed over the operations; any
    /// single fragment is held to it too (see [`check`]).
    pub max_fields: usize,
    /// Aliases (`alias: field`) written in the whole document.
    pub max_aliases: usize,
    /// Directive uses (`@name`) written in the whole document.
    pub max_directives: usize,
    /// Fields at the top level of any one operation, fragments spread there
    /// expanded.
    pub max_root_fields: usize,
    /// Items of any one list value written in the document.
    pub max_list_items: usize,
}

impl Limits {
    /// The defaults, usable in constants.
    pub const DEFAULT: Limits = Limits {
        max_bytes: 100_000,
        max_nesting: 64,
        max_tokens: 20_000,
        max_fields: 5_000,
        max_aliases: 50,
        max_directives: 50,
        max_root_fields: 50,
        max_list_items: 1_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What [`check`] measured on a document it accepted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub bytes: usize,
    pub tokens: usize,
    /// Deepest bracket nesting.
    pub nesting: usize,
    /// Fields of all operations, fragments expanded.
    pub fields: u64,
    pub aliases: usize,
    pub directives: usize,
    /// Root fields of the operation with the most, fragments expanded.
    pub root_fields: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("the document is longer than {max} bytes")]
    TooLarge { max: usize },
    #[error("the document nests deeper than {max} levels")]
    TooDeep { max: usize },
    #[error("the document has more than {max} tokens")]
    TooManyTokens { max: usize },
    #[error("the operation selects more than {max} fields once fragments are expanded")]
    TooManyFields { max: usize },
    #[error("the document has more than {max} aliases")]
    TooManyAliases { max: usize },
    #[error("the document has more than {max} directives")]
    TooManyDirectives { max: usize },
    #[error("an operation has more than {max} root fields")]
    TooManyRootFields { max: usize },
    #[error("a list in the document has more than {max} items")]
    ListTooLong { max: usize },
    /// The name is cut to its first 64 characters: it comes from the client
    /// and ends up in responses and logs.
    #[error("fragment {0} spreads itself")]
    FragmentCycle(String),
}

/// Checks `document` against `limits`.
///
/// Runs in time linear in the length of the document plus the number of
/// fragment definitions and spreads, uses no recursion (its only stack is a
/// vector at most `max_nesting` deep), and never panics. A syntax error is
/// not this function's business: the document passes unless a limit is
/// exceeded, and the real parser reports the error. Scanning stops at a
/// string that is never closed, since the parser cannot get past it either.
///
/// Fields are counted per definition (operation or fragment), then expanded
/// through named spreads with memoisation, so a fragment bomb costs as much to
/// check as it is long. Unknown fragment names count nothing (validation
/// reports them). A fragment that by itself expands beyond `max_fields` is
/// rejected even if no operation uses it, since validation may expand it
/// before it reports it unused.
pub fn check(document: &str, limits: &Limits) -> Result<Stats, LimitError> {
    if document.len() > limits.max_bytes {
        return Err(LimitError::TooLarge {
            max: limits.max_bytes,
        });
    }
    let mut scanner = Scanner::new(limits);
    scanner.stats.bytes = document.len();
    let mut lexer = Lexer::new(document);
    while let Some(tok) = lexer.next_token() {
        scanner.token(tok)?;
    }
    scanner.finish()
}

/// Checks the nesting depth and the longest array of a JSON value, such as a
/// request's `variables` or `extensions`, against `max_nesting` and
/// `max_list_items`, without recursion. Each array or object is one level, as
/// each bracket is in [`check`].
pub fn check_json_value(v: &serde_json::Value, limits: &Limits) -> Result<(), LimitError> {
    use serde_json::Value;
    let nests = |v: &Value| matches!(v, Value::Array(_) | Value::Object(_));
    // Arrays and objects only, each with its depth (its own level included).
    let mut stack: Vec<(&Value, usize)> = Vec::new();
    if nests(v) {
        stack.push((v, 1));
    }
    while let Some((v, depth)) = stack.pop() {
        if depth > limits.max_nesting {
            return Err(LimitError::TooDeep {
                max: limits.max_nesting,
            });
        }
        let inner = |c| nests(c).then_some((c, depth + 1));
        match v {
            Value::Array(items) => {
                if items.len() > limits.max_list_items {
                    return Err(LimitError::ListTooLong {
                        max: limits.max_list_items,
                    });
                }
                stack.extend(items.iter().filter_map(inner));
            }
            Value::Object(map) => stack.extend(map.values().filter_map(inner)),
            _ => {}
        }
    }
    Ok(())
}

/// Where a selection set is in its current selection, which decides what the
/// next name or `{` means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sel {
    /// Expecting a selection: a name is a new field.
    Start,
    /// Just after a field's name: `:` makes that name an alias.
    Field,
    /// After a field's alias target, arguments or directives: `{` opens its
    /// sub-selection.
    FieldRest,
    /// After `alias :`: the name is the aliased field, not another field.
    AliasTarget,
    /// After `...`: a name is a fragment spread, `on` a type condition, and
    /// `@` or `{` an inline fragment.
    Spread,
    /// After `... on`: the name is the type condition.
    TypeCond,
    /// In an inline fragment's header: `{` opens a set at the same level.
    Inline,
    /// After `...Name`.
    SpreadDone,
}

#[derive(Clone, Copy, Debug)]
enum Frame {
    /// A selection set; `root` when its fields are root fields of the
    /// definition (its top set, or an inline fragment directly within).
    Selection { root: bool, sel: Sel },
    /// `(`: arguments or variable definitions, all value context.
    Parens,
    /// `{` in value context: an input object.
    Object,
    /// `[`: a list value (or a list type, which is harmless to count).
    List { items: usize },
}

/// What the top level expects, outside any bracket.
#[derive(Clone, Copy, Debug)]
enum Top<'a> {
    Idle,
    /// After `query`, `mutation` or `subscription`, until the `{`.
    OpHeader,
    /// After `fragment`: the next name is the fragment's.
    FragName,
    FragHeader(&'a str),
}

/// An operation or fragment definition as written, before expansion.
/// Fragments defined twice under one name share one (validation rejects the
/// duplicate, but only after it may have expanded both).
#[derive(Debug, Default)]
struct Def<'a> {
    /// `None` for an operation.
    name: Option<&'a str>,
    fields: u64,
    root_fields: u64,
    spreads: Vec<&'a str>,
    root_spreads: Vec<&'a str>,
}

struct Scanner<'a, 'l> {
    limits: &'l Limits,
    stats: Stats,
    stack: Vec<Frame>,
    top: Top<'a>,
    defs: Vec<Def<'a>>,
    fragments: HashMap<&'a str, usize>,
    /// The definition whose selection sets are open.
    current: usize,
    after_dollar: bool,
    after_at: bool,
}

impl<'a, 'l> Scanner<'a, 'l> {
    fn new(limits: &'l Limits) -> Self {
        Self {
            limits,
            stats: Stats::default(),
            stack: Vec::new(),
            top: Top::Idle,
            defs: Vec::new(),
            fragments: HashMap::new(),
            current: 0,
            after_dollar: false,
            after_at: false,
        }
    }

    fn token(&mut self, tok: Tok<'a>) -> Result<(), LimitError> {
        let limits = self.limits;
        self.stats.tokens += 1;
        if self.stats.tokens > limits.max_tokens {
            return Err(LimitError::TooManyTokens {
                max: limits.max_tokens,
            });
        }
        let after_dollar = std::mem::replace(&mut self.after_dollar, tok == Tok::Punct(b'$'));
        let after_at = std::mem::replace(&mut self.after_at, tok == Tok::Punct(b'@'));

        if let Some(Frame::List { items }) = self.stack.last_mut() {
            let values = match tok {
                Tok::Punct(b'$' | b'[' | b'{') | Tok::Number | Tok::Str => 1,
                // `$name` is one value, counted at the `$`.
                Tok::Name(_) | Tok::OnType if after_dollar => 0,
                Tok::Name(name) => values_in_name(name),
                Tok::OnType => 1,
                _ => 0,
            };
            if values > 0 {
                *items = items.saturating_add(values);
                if *items > limits.max_list_items {
                    return Err(LimitError::ListTooLong {
                        max: limits.max_list_items,
                    });
                }
            }
        }

        match tok {
            Tok::Punct(b'{' | b'[' | b'(') => self.open(tok),
            Tok::Punct(b'}' | b']' | b')') => {
                self.close();
                Ok(())
            }
            Tok::Punct(b'@') => {
                self.stats.directives += 1;
                if self.stats.directives > limits.max_directives {
                    return Err(LimitError::TooManyDirectives {
                        max: limits.max_directives,
                    });
                }
                if let Some(Frame::Selection { sel, .. }) = self.stack.last_mut() {
                    *sel = match *sel {
                        Sel::Spread => Sel::Inline,
                        Sel::Field => Sel::FieldRest,
                        other => other,
                    };
                }
                Ok(())
            }
            // A directive's name is neither a field nor anything else.
            Tok::Name(_) | Tok::OnType if after_at => Ok(()),
            Tok::Name(name) => {
                self.name(name, false);
                Ok(())
            }
            Tok::OnType => {
                self.name("on", true);
                Ok(())
            }
            Tok::Punct(b':') => self.colon(),
            Tok::Spread => {
                if let Some(Frame::Selection { sel, .. }) = self.stack.last_mut() {
                    *sel = Sel::Spread;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn open(&mut self, tok: Tok<'a>) -> Result<(), LimitError> {
        if self.stack.len() >= self.limits.max_nesting {
            return Err(LimitError::TooDeep {
                max: self.limits.max_nesting,
            });
        }
        let frame = match (tok, self.stack.last_mut()) {
            (Tok::Punct(b'['), _) => Frame::List { items: 0 },
            (Tok::Punct(b'('), Some(Frame::Selection { sel, .. })) => {
                // Arguments or directive arguments: what follows them cannot
                // make the field's name an alias any more.
                if *sel == Sel::Field {
                    *sel = Sel::FieldRest;
                }
                Frame::Parens
            }
            (Tok::Punct(b'('), _) => Frame::Parens,
            (_, None) => {
                self.begin_definition();
                Frame::Selection {
                    root: true,
                    sel: Sel::Start,
                }
            }
            (_, Some(Frame::Selection { root, sel })) => {
                // A field's sub-selection goes one level down; an inline
                // fragment's set (or a stray `{`) stays at its parent's level.
                let child_root = *root && !matches!(sel, Sel::Field | Sel::FieldRest);
                *sel = Sel::Start;
                Frame::Selection {
                    root: child_root,
                    sel: Sel::Start,
                }
            }
            (_, Some(_)) => Frame::Object,
        };
        self.stack.push(frame);
        self.stats.nesting = self.stats.nesting.max(self.stack.len());
        Ok(())
    }

    /// Any closer closes the innermost bracket: a mismatch is a syntax error
    /// that the parser stops at, so what this does after one does not matter.
    fn close(&mut self) {
        // Only the end of a top-level selection set ends a definition: the
        // brackets of a header (variables, directive arguments) do not.
        if let Some(Frame::Selection { .. }) = self.stack.pop()
            && self.stack.is_empty()
        {
            self.top = Top::Idle;
        }
    }

    /// A top-level `{`: the selection set of the definition whose header came
    /// before it, or of an anonymous query.
    fn begin_definition(&mut self) {
        let name = match std::mem::replace(&mut self.top, Top::Idle) {
            Top::FragName => Some(""),
            Top::FragHeader(name) => Some(name),
            Top::Idle | Top::OpHeader => None,
        };
        let existing = name.and_then(|n| self.fragments.get(n).copied());
        self.current = existing.unwrap_or_else(|| {
            let index = self.defs.len();
            self.defs.push(Def {
                name,
                ..Def::default()
            });
            if let Some(name) = name {
                self.fragments.insert(name, index);
            }
            index
        });
    }

    /// A name; `on_type` when it is `on` written as a type condition.
    fn name(&mut self, name: &'a str, on_type: bool) {
        let Some(frame) = self.stack.last_mut() else {
            self.top_level_name(name);
            return;
        };
        let Frame::Selection { root, sel } = frame else {
            // Names in values are enum values, object keys or variables.
            return;
        };
        let def = &mut self.defs[self.current];
        *sel = match *sel {
            Sel::AliasTarget => Sel::FieldRest,
            Sel::Spread if on_type => Sel::TypeCond,
            Sel::Spread => {
                def.spreads.push(name);
                if *root {
                    def.root_spreads.push(name);
                }
                Sel::SpreadDone
            }
            Sel::TypeCond => Sel::Inline,
            Sel::Start | Sel::Field | Sel::FieldRest | Sel::Inline | Sel::SpreadDone => {
                def.fields += 1;
                if *root {
                    def.root_fields += 1;
                }
                Sel::Field
            }
        };
    }

    /// async-graphql's grammar matches its keywords as literals, without
    /// requiring a word boundary: `fragmentF on T {` defines a fragment `F`,
    /// and `queryQ {` an operation `Q`. Taking those for anything else would
    /// let a fragment bomb hide behind them.
    fn top_level_name(&mut self, name: &'a str) {
        self.top = match self.top {
            Top::Idle => {
                if ["query", "mutation", "subscription"]
                    .iter()
                    .any(|k| name.starts_with(k))
                {
                    Top::OpHeader
                } else {
                    match name.strip_prefix("fragment") {
                        Some("") => Top::FragName,
                        Some(rest) => Top::FragHeader(rest),
                        None => Top::Idle,
                    }
                }
            }
            Top::FragName => Top::FragHeader(name),
            top => top,
        };
    }

    fn colon(&mut self) -> Result<(), LimitError> {
        if let Some(Frame::Selection { sel, .. }) = self.stack.last_mut()
            && *sel == Sel::Field
        {
            *sel = Sel::AliasTarget;
            // The name just counted as a field was the alias: the field is
            // the same one, so the field count stays.
            self.stats.aliases += 1;
            if self.stats.aliases > self.limits.max_aliases {
                return Err(LimitError::TooManyAliases {
                    max: self.limits.max_aliases,
                });
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<Stats, LimitError> {
        let Scanner {
            limits,
            mut stats,
            defs,
            fragments,
            ..
        } = self;
        let resolve = |names: &[&str]| -> Vec<usize> {
            names
                .iter()
                .filter_map(|n| fragments.get(n).copied())
                .collect()
        };
        let cycle = |node: usize| {
            let name = defs[node].name.unwrap_or_default();
            LimitError::FragmentCycle(name.chars().take(64).collect())
        };
        let too_many_fields = LimitError::TooManyFields {
            max: limits.max_fields,
        };

        let own: Vec<u64> = defs.iter().map(|d| d.fields).collect();
        let edges: Vec<Vec<usize>> = defs.iter().map(|d| resolve(&d.spreads)).collect();
        let expanded = expand(&own, &edges).map_err(cycle)?;
        let mut fields = 0u64;
        for (def, &size) in defs.iter().zip(&expanded) {
            if def.name.is_none() {
                fields = fields.saturating_add(size);
            } else if size > limits.max_fields as u64 {
                return Err(too_many_fields);
            }
        }
        if fields > limits.max_fields as u64 {
            return Err(too_many_fields);
        }
        stats.fields = fields;

        let own: Vec<u64> = defs.iter().map(|d| d.root_fields).collect();
        let edges: Vec<Vec<usize>> = defs.iter().map(|d| resolve(&d.root_spreads)).collect();
        // Root spreads are a subset of all spreads, already found acyclic.
        let expanded = expand(&own, &edges).map_err(cycle)?;
        for (def, &size) in defs.iter().zip(&expanded) {
            if def.name.is_none() {
                if size > limits.max_root_fields as u64 {
                    return Err(LimitError::TooManyRootFields {
                        max: limits.max_root_fields,
                    });
                }
                stats.root_fields = stats.root_fields.max(size);
            }
        }
        Ok(stats)
    }
}

/// How many list items async-graphql's grammar reads in one name: like its
/// keywords, `true`, `false` and `null` match as literals with no word
/// boundary, so `nullnull` is two values and `truex` is `true` then `x`.
fn values_in_name(mut name: &str) -> usize {
    let mut values = 0;
    while let Some(rest) = ["true", "false", "null"]
        .iter()
        .find_map(|k| name.strip_prefix(k))
    {
        values += 1;
        name = rest;
    }
    values + usize::from(!name.is_empty())
}

/// For each node, its own count plus the expanded counts of its edges' targets
/// (an edge per spread, so a fragment spread twice counts twice), saturating.
/// Depth-first with an explicit stack and memoisation: each node and edge is
/// visited once. Fails with a node on a cycle.
fn expand(own: &[u64], edges: &[Vec<usize>]) -> Result<Vec<u64>, usize> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        New,
        Open,
        Done,
    }
    let mut state = vec![State::New; own.len()];
    let mut total = own.to_vec();
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for start in 0..own.len() {
        if state[start] != State::New {
            continue;
        }
        state[start] = State::Open;
        stack.push((start, 0));
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            if let Some(&target) = edges[node].get(*next) {
                *next += 1;
                match state[target] {
                    State::Done => total[node] = total[node].saturating_add(total[target]),
                    State::Open => return Err(target),
                    State::New => {
                        state[target] = State::Open;
                        stack.push((target, 0));
                    }
                }
            } else {
                state[node] = State::Done;
                stack.pop();
                if let Some(&(parent, _)) = stack.last() {
                    total[parent] = total[parent].saturating_add(total[node]);
                }
            }
        }
    }
    Ok(total)
}
