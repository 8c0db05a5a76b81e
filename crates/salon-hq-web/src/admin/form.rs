//! A posted form (`application/x-www-form-urlencoded`), read as it was sent: repeated fields
//! kept, every value decoded, and encoded back as a browser would send it.

/// An `application/x-www-form-urlencoded` body, keeping repeated fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Form(Vec<(String, String)>);

impl Form {
    /// The text fields of a form read some other way (a multipart upload's).
    pub(crate) fn of(pairs: Vec<(String, String)>) -> Form {
        Form(pairs)
    }

    pub(crate) fn parse(body: &[u8]) -> Form {
        let pairs = body
            .split(|b| *b == b'&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let mut it = p.splitn(2, |b| *b == b'=');
                let k = decode(it.next().unwrap_or_default());
                let v = decode(it.next().unwrap_or_default());
                (k, v)
            })
            .collect();
        Form(pairs)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The same form without the fields whose names `drop` picks.
    pub(crate) fn without(mut self, drop: impl Fn(&str) -> bool) -> Form {
        self.0.retain(|(k, _)| !drop(k));
        self
    }

    /// As a browser would send it.
    pub(crate) fn encode(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    pub(crate) fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Percent-encodes all but the unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn decode(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < raw.len() => {
                let hex = std::str::from_utf8(&raw[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_and_keep_repeats() {
        let f = Form::parse(
            b"supporter=%E5%B1%B1%E7%94%B0+%E8%8A%B1%E5%AD%90&campus=C-012&campus=C-013&x=%zz%",
        );
        assert_eq!(f.get("supporter"), Some("山田 花子"));
        assert_eq!(f.all("campus").collect::<Vec<_>>(), vec!["C-012", "C-013"]);
        assert_eq!(f.get("x"), Some("%zz%"));
    }
}
