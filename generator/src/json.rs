//! A fast path for specs written in JSON. JSON is YAML, and `yaml.rs` reads it, but its
//! YAML reader goes character by character through a general scanner; most large specs are
//! JSON. This reader takes a document of plain JSON (no tabs, carriage returns or characters
//! YAML treats specially, no duplicate keys, no deep nesting) to the same tree and the same
//! positions as the YAML reader, and gives up on anything else, which then goes the YAML
//! way (and gets its errors from there).

use serde_json::{Map, Value};
use yaml_rust2::scanner::TScalarStyle;

use crate::pointer::Fingerprint;
use crate::yaml::{SourceMap, scalar};

/// Nesting this reader goes to; deeper documents go the YAML way (which has its own bound).
const MAX_DEPTH: usize = 100;

/// The tree and positions of a JSON document, or `None` if it is not plain JSON (see the
/// module documentation).
pub fn parse(text: &str) -> Option<(Value, SourceMap)> {
    if !text.starts_with(['{', ' ', '\n']) || has_special(text) {
        return None;
    }
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
        column: 0,
        depth: 0,
        map: SourceMap::default(),
    };
    reader.skip_space();
    if reader.peek() != Some(b'{') {
        return None;
    }
    // The document is named by its first line.
    let root = Fingerprint::root();
    reader.map.insert(root, reader.line, 1);
    let value = reader.mapping(root)?;
    reader.skip_space();
    (reader.pos == reader.bytes.len()).then_some((value, reader.map))
}

/// Whether `text` has a [`special`] character. Every special character is a byte of its own
/// or starts with one of three lead bytes, so only the characters at those bytes are decoded.
fn has_special(text: &str) -> bool {
    text.bytes().enumerate().any(|(index, byte)| match byte {
        b'\r' | b'\t' | 0x7f => true,
        0xc2 | 0xe2 | 0xef => text
            .get(index..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(special),
        _ => false,
    })
}

/// Characters the YAML reader may treat otherwise than JSON does (breaks, tabs, byte-order
/// marks, characters YAML does not print): a text with any of them goes the YAML way.
fn special(c: char) -> bool {
    matches!(
        c,
        '\r' | '\t' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
    )
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Line (from 1) and column (in characters, from 0) of `pos`, as the YAML reader counts.
    line: usize,
    column: usize,
    depth: usize,
    map: SourceMap,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Steps over one byte (which is not a line break).
    fn step(&mut self) {
        if let Some(byte) = self.peek() {
            self.pos += 1;
            // Continuation bytes of UTF-8 do not start a character.
            if byte & 0xc0 != 0x80 {
                self.column += 1;
            }
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.step();
        }
        found
    }

    fn skip_space(&mut self) {
        while let Some(byte) = self.peek() {
            match byte {
                b' ' => self.step(),
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.column = 0;
                }
                _ => return,
            }
        }
    }

    /// The value at `pos`, whose place `hash` names (its position is recorded already).
    fn value(&mut self, hash: Fingerprint) -> Option<Value> {
        match self.peek()? {
            b'{' => self.mapping(hash),
            b'[' => self.sequence(hash),
            b'"' => self.string().map(Value::String),
            _ => self.plain(),
        }
    }

    fn mapping(&mut self, hash: Fingerprint) -> Option<Value> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.step();
        let mut entries = Map::new();
        self.skip_space();
        if !self.eat(b'}') {
            loop {
                self.skip_space();
                if self.peek() != Some(b'"') {
                    return None;
                }
                // A value is placed where its key stands.
                let (line, column) = (self.line, self.column);
                let key = self.string()?;
                self.skip_space();
                if !self.eat(b':') || entries.contains_key(&key) {
                    return None;
                }
                self.skip_space();
                let child = hash.child(&key);
                self.map.insert(child, line, column + 1);
                let value = self.value(child)?;
                entries.insert(key, value);
                self.skip_space();
                if self.eat(b'}') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        self.depth -= 1;
        Some(Value::Object(entries))
    }

    fn sequence(&mut self, hash: Fingerprint) -> Option<Value> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.step();
        let mut items = Vec::new();
        self.skip_space();
        if !self.eat(b']') {
            loop {
                self.skip_space();
                let child = hash.child(&items.len().to_string());
                self.map.insert(child, self.line, self.column + 1);
                items.push(self.value(child)?);
                self.skip_space();
                if self.eat(b']') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        self.depth -= 1;
        Some(Value::Array(items))
    }

    /// A string at `pos` (its opening quote), unescaped.
    fn string(&mut self) -> Option<String> {
        self.step();
        let mut out = String::new();
        loop {
            // The run up to the next quote, escape or control byte, in one step: its bytes
            // that do not continue a UTF-8 character are its columns.
            let start = self.pos;
            let rest = self.bytes.get(start..)?;
            let run = rest
                .iter()
                .position(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20)
                .unwrap_or(rest.len());
            let chunk = rest.get(..run)?;
            self.column += chunk.iter().filter(|&&byte| byte & 0xc0 != 0x80).count();
            self.pos += run;
            out.push_str(self.text.get(start..self.pos)?);
            match self.peek()? {
                b'"' => {
                    self.step();
                    return Some(out);
                }
                b'\\' => {
                    self.step();
                    let escape = self.peek()?;
                    self.step();
                    out.push(match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode()?,
                        _ => return None,
                    });
                }
                // A line break or other control character in a string is not JSON.
                _ => return None,
            }
        }
    }

    /// The character of a `\u` escape (after the `u`); surrogates, control and special
    /// characters are left to the YAML reader.
    fn unicode(&mut self) -> Option<char> {
        let digits = self.text.get(self.pos..self.pos + 4)?;
        let code = u32::from_str_radix(digits, 16).ok()?;
        for _ in 0..4 {
            self.step();
        }
        let c = char::from_u32(code)?;
        (code >= 0x20 && !special(c)).then_some(c)
    }

    /// `true`, `false`, `null` or a number, read as the YAML reader reads a plain scalar.
    fn plain(&mut self) -> Option<Value> {
        let start = self.pos;
        while let Some(byte) = self.peek() {
            if !(byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'+' | b'.')) {
                break;
            }
            self.step();
        }
        let text = self.text.get(start..self.pos)?;
        (matches!(text, "true" | "false" | "null") || is_number(text))
            .then(|| scalar(text, TScalarStyle::Plain, None))
    }
}

/// A JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_number(text: &str) -> bool {
    let digits = |s: &str| -> usize { s.bytes().take_while(u8::is_ascii_digit).count() };
    let rest = text.strip_prefix('-').unwrap_or(text);
    let whole = digits(rest);
    if whole == 0 || (whole > 1 && rest.starts_with('0')) {
        return false;
    }
    let mut rest = rest.get(whole..).unwrap_or("");
    if let Some(fraction) = rest.strip_prefix('.') {
        let n = digits(fraction);
        if n == 0 {
            return false;
        }
        rest = fraction.get(n..).unwrap_or("");
    }
    if let Some(exponent) = rest.strip_prefix(['e', 'E']) {
        let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        let n = digits(exponent);
        if n == 0 {
            return false;
        }
        rest = exponent.get(n..).unwrap_or("");
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree (in order) and positions of the JSON reader are those of the YAML reader.
    fn same_as_yaml(text: &str) -> Result<(), String> {
        let (value, map) = parse(text).ok_or("not read as JSON")?;
        let (yaml_value, yaml_map) = crate::yaml::parse_yaml(text).map_err(|e| e.message)?;
        let order = |v: &Value| serde_json::to_string(v).unwrap_or_default();
        assert_eq!(order(&value), order(&yaml_value));
        assert_eq!(value, yaml_value);
        assert!(map == yaml_map, "positions differ");
        Ok(())
    }

    #[test]
    fn json_reads_as_yaml_does() -> Result<(), String> {
        same_as_yaml(
            "{\"a\": {\"b\": [1, -2.5e3, true, null, \"x\\u00e9\\n\\\"\\/\", {}, []],\n  \"c~/d\":0},\n\"é\": [ {\"k\" : \"v\"}, [[2]] ],\"n\":12345678901234567890123}",
        )?;
        same_as_yaml("\n\n  {\"openapi\": \"3.0.3\"}\n")?;
        let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
        for name in ["nexus.json", "buildomat.json", "keeper.json"] {
            let text =
                std::fs::read_to_string(format!("{corpus}/{name}")).map_err(|e| e.to_string())?;
            same_as_yaml(&text).map_err(|e| format!("{name}: {e}"))?;
        }
        Ok(())
    }

    #[test]
    fn anything_but_plain_json_goes_the_yaml_way() {
        for text in [
            "openapi: 3.0.3\n",
            "{\"a\": 1, \"a\": 2}",
            "{\"a\": 1,}",
            "{\"a\":\t1}",
            "{\"a\": 1}\r\n",
            "{\"a\": \"\\ud83d\\ude00\"}",
            "{\"a\": 01}",
            "{\"a\": .5}",
            "{\"a\": NaN}",
            "{\"a\": 'x'}",
            "{a: 1}",
            "{\"a\": 1} # note",
            "{\"a\": 1}\n---\n{}",
            "[1, 2]",
            "{\"a\": \"x\u{2028}y\"}",
            "{\"a\": \"x\u{85}y\"}",
            "{\"a\": \"\u{feff}\"}",
            "{\"a\": \"\u{7f}\"}",
        ] {
            assert!(parse(text).is_none(), "{text}");
        }
        // Other characters with the same lead bytes are plain JSON.
        assert!(parse("{\"a\": \"\u{a9} \u{2014} \u{20ac} \u{ff21}\"}").is_some());
        let deep = format!(
            "{{\"a\": {}{}}}",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert!(parse(&deep).is_none());
    }
}
