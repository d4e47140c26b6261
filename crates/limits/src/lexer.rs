//! A forgiving GraphQL lexer (spec, October 2021, §2.1).
//!
//! It only has to agree with the real parser on documents, or on the prefix of
//! a document, that the parser accepts: the parser stops at its first error,
//! so whatever this lexer makes of the text after that point can neither hide
//! work from the limits nor cause any. Hence invalid characters become
//! [`Tok::Other`] and lexing goes on, while an unterminated string ends the
//! token stream (the parser fails there, and nothing after it can be told
//! apart from string content anyway).

/// One lexical token. Strings and numbers carry no value: only their place in
/// the structure matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok<'a> {
    /// One of `! $ & ( ) : = @ [ ] { } |`.
    Punct(u8),
    /// `...`
    Spread,
    Name(&'a str),
    /// The name `on` as async-graphql's grammar requires of a type condition:
    /// followed by whitespace (not a comment) and then at once by a name.
    /// Written any other way after `...`, that parser takes `on` for the name
    /// of a spread fragment, so the scanner must too.
    OnType,
    Number,
    /// A string or a block string.
    Str,
    /// A character that starts no GraphQL token.
    Other,
}

pub(crate) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        Self { src, pos: 0 }
    }

    /// The next token, or `None` at the end of the text or at a string that
    /// is never closed.
    pub(crate) fn next_token(&mut self) -> Option<Tok<'a>> {
        let b = self.src.as_bytes();
        self.skip_ignored();
        let start = self.pos;
        let c = *b.get(start)?;
        self.pos += 1;
        Some(match c {
            b'!' | b'$' | b'&' | b'(' | b')' | b':' | b'=' | b'@' | b'[' | b']' | b'{' | b'}'
            | b'|' => Tok::Punct(c),
            b'.' => {
                if b[start..].starts_with(b"...") {
                    self.pos = start + 3;
                    Tok::Spread
                } else {
                    Tok::Other
                }
            }
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                while matches!(b.get(self.pos), Some(c) if c.is_ascii_alphanumeric() || *c == b'_')
                {
                    self.pos += 1;
                }
                // Names are ASCII, so both ends are char boundaries.
                let name = &self.src[start..self.pos];
                if name == "on" && self.type_name_follows() {
                    Tok::OnType
                } else {
                    Tok::Name(name)
                }
            }
            b'-' | b'0'..=b'9' => self.number(c),
            b'"' => return self.string(start),
            // Outside strings and comments any non-ASCII character (the BOM
            // aside, see `skip_ignored`) is invalid: one `Other` for the whole
            // character keeps the position on a char boundary.
            0x80.. => {
                while matches!(b.get(self.pos), Some(0x80..=0xBF)) {
                    self.pos += 1;
                }
                Tok::Other
            }
            _ => Tok::Other,
        })
    }

    /// Whitespace, line terminators, commas, the byte order mark and comments.
    fn skip_ignored(&mut self) {
        let b = self.src.as_bytes();
        while let Some(&c) = b.get(self.pos) {
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | b',' => self.pos += 1,
                0xEF if b[self.pos..].starts_with(&[0xEF, 0xBB, 0xBF]) => self.pos += 3,
                b'#' => {
                    while !matches!(b.get(self.pos), None | Some(b'\n' | b'\r')) {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
    }

    /// Whether one or more whitespace characters and then a name start follow
    /// (async-graphql: `type_condition = ${ "on" ~ WHITESPACE+ ~ name }`).
    fn type_name_follows(&self) -> bool {
        let b = self.src.as_bytes();
        let mut i = self.pos;
        while let Some(&c) = b.get(i) {
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
                0xEF if b[i..].starts_with(&[0xEF, 0xBB, 0xBF]) => i += 3,
                _ => break,
            }
        }
        i > self.pos
            && b.get(i)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    }

    /// `-? digits (. digits)? ([eE] [+-]? digits)?`, the first character
    /// already consumed. Leniently stops at the first character that cannot
    /// continue it; a lone `-` is `Other`.
    fn number(&mut self, first: u8) -> Tok<'a> {
        let b = self.src.as_bytes();
        let digit_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
        if first == b'-' && !digit_at(self.pos) {
            return Tok::Other;
        }
        let skip_digits = |mut i: usize| {
            while digit_at(i) {
                i += 1;
            }
            i
        };
        self.pos = skip_digits(self.pos);
        if b.get(self.pos) == Some(&b'.') && digit_at(self.pos + 1) {
            self.pos = skip_digits(self.pos + 1);
        }
        if matches!(b.get(self.pos), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(b.get(self.pos + 1), Some(b'+' | b'-')));
            if digit_at(self.pos + 1 + sign) {
                self.pos = skip_digits(self.pos + 1 + sign);
            }
        }
        Tok::Number
    }

    /// A string starting at `start` (which holds `"`).
    fn string(&mut self, start: usize) -> Option<Tok<'a>> {
        let b = self.src.as_bytes();
        if b[start..].starts_with(b"\"\"\"") {
            // Block string: only `"""` ends it, and `\"""` is its one escape.
            let mut i = start + 3;
            while i < b.len() {
                let rest = &b[i..];
                if rest.starts_with(b"\\\"\"\"") {
                    i += 4;
                } else if rest.starts_with(b"\"\"\"") {
                    self.pos = i + 3;
                    return Some(Tok::Str);
                } else {
                    i += 1;
                }
            }
        } else {
            let mut i = start + 1;
            while let Some(&c) = b.get(i) {
                match c {
                    b'"' => {
                        self.pos = i + 1;
                        return Some(Tok::Str);
                    }
                    // Whatever follows a backslash cannot end the string; an
                    // invalid escape is the parser's to report.
                    b'\\' => i += 2,
                    // A line terminator inside a one-line string: unterminated.
                    b'\n' | b'\r' => break,
                    _ => i += 1,
                }
            }
        }
        self.pos = b.len();
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(s: &str) -> Vec<Tok<'_>> {
        let mut l = Lexer::new(s);
        std::iter::from_fn(|| l.next_token()).collect()
    }

    #[test]
    fn tokens() {
        use Tok::*;
        assert_eq!(
            lex("\u{feff}query Q($a: [Int!] = -1.5e+3) { ...F ... on T { x } } # { ..."),
            vec![
                Name("query"),
                Name("Q"),
                Punct(b'('),
                Punct(b'$'),
                Name("a"),
                Punct(b':'),
                Punct(b'['),
                Name("Int"),
                Punct(b'!'),
                Punct(b']'),
                Punct(b'='),
                Number,
                Punct(b')'),
                Punct(b'{'),
                Spread,
                Name("F"),
                Spread,
                OnType,
                Name("T"),
                Punct(b'{'),
                Name("x"),
                Punct(b'}'),
                Punct(b'}'),
            ]
        );
    }

    #[test]
    fn strings() {
        use Tok::*;
        assert_eq!(lex(r#""a\"{" x"#), vec![Str, Name("x")]);
        assert_eq!(lex(r#""""a\"""{""" x"#), vec![Str, Name("x")]);
        assert_eq!(lex(r#""" x"#), vec![Str, Name("x")]);
        assert_eq!(lex("\"abc\n{"), vec![]);
        assert_eq!(lex("x \"\"\"abc"), vec![Name("x")]);
        assert_eq!(lex("x \"abc\\"), vec![Name("x")]);
    }

    #[test]
    fn type_conditions() {
        use Tok::*;
        assert_eq!(lex("on T"), vec![OnType, Name("T")]);
        assert_eq!(lex("on,\n\u{feff}_T"), vec![OnType, Name("_T")]);
        assert_eq!(lex("on#c\nT"), vec![Name("on"), Name("T")]);
        assert_eq!(lex("on #c\nT"), vec![Name("on"), Name("T")]);
        assert_eq!(lex("on {"), vec![Name("on"), Punct(b'{')]);
        assert_eq!(lex("on"), vec![Name("on")]);
        assert_eq!(lex("onT"), vec![Name("onT")]);
    }

    #[test]
    fn odd_characters() {
        use Tok::*;
        assert_eq!(lex(". .. é -"), vec![Other, Other, Other, Other, Other]);
        assert_eq!(lex("1a"), vec![Number, Name("a")]);
    }
}
