//! Folding text for search, so a word is found however an input method or a pasted form wrote
//! it: Unicode NFKC (full-width letters and digits, half-width katakana, compatibility
//! characters such as ㈱), lower case, and katakana as hiragana (バイト and ばいと are one word;
//! small kana and the voiced marks stay what they are: ツ≠ッ, ハ≠バ≠パ).
//!
//! Two marks are left as they are, on purpose: the long-vowel mark ー (コーヒー matches こーひー,
//! since ー folds to itself on both sides; turning it into a vowel would guess at readings) and
//! the iteration mark 々 (人々 is not 人人 to a reader; NFKC keeps it too).
//!
//! The note and the query go through the same function, so matching is consistent; the map from
//! each folded character back to the original one lets highlights land on what was written.

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// The folded form of `text`.
pub fn fold(text: &str) -> String {
    fold_with_map(text).0
}

/// The folded form of `text` and, for each of its characters, the index (in characters) of
/// the original character it came from. Characters that combine (ｶﾞ → が) map to the first.
pub fn fold_with_map(text: &str) -> (String, Vec<usize>) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        i += 1;
        while i < chars.len() && combines(chars[i]) {
            i += 1;
        }
        let mut push = |c: char| {
            out.push(hiragana(c));
            map.push(start);
        };
        match &chars[start..i] {
            // Most of a note: ASCII, kana and kanji one at a time, without building a string.
            [c] if c.is_ascii() => push(c.to_ascii_lowercase()),
            [c] => std::iter::once(*c)
                .nfkc()
                .flat_map(char::to_lowercase)
                .for_each(&mut push),
            cluster => cluster
                .iter()
                .copied()
                .nfkc()
                .flat_map(char::to_lowercase)
                .for_each(&mut push),
        }
    }
    (out, map)
}

/// Whether `c` attaches to the character before it, so the two normalise together.
fn combines(c: char) -> bool {
    // Half-width voiced and semi-voiced marks (ﾞ ﾟ) are spacing characters that NFKC turns into
    // combining ones, composing ｶﾞ into ガ.
    matches!(c, '\u{FF9E}' | '\u{FF9F}') || canonical_combining_class(c) != 0
}

/// Katakana as the hiragana with the same sound; every other character as it is.
fn hiragana(c: char) -> char {
    match c {
        // ァ..ヶ and the iteration marks ヽヾ have hiragana at 0x60 below.
        '\u{30A1}'..='\u{30F6}' | '\u{30FD}' | '\u{30FE}' => {
            char::from_u32(c as u32 - 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_cases_and_kana_fold_to_one_form() {
        for (written, folded) in [
            ("２年生でＳＰＩ", "2年生でspi"),
            ("ｱﾙﾊﾞｲﾄ", "あるばいと"),
            ("アルバイト", "あるばいと"),
            ("Excel", "excel"),
            ("ｅｘｃｅｌ", "excel"),
            ("コーヒー", "こーひー"),
            ("人々", "人々"),
            ("ツッ", "つっ"),
            ("ﾊﾟﾝ屋", "ぱん屋"),
            ("ヴ", "ゔ"),
            ("㈱", "(株)"),
        ] {
            assert_eq!(fold(written), folded, "{written}");
        }
    }

    #[test]
    fn every_folded_character_points_at_the_character_it_came_from() {
        let (folded, map) = fold_with_map("aｶﾞイ㈱");
        assert_eq!(folded, "aがい(株)");
        // a ← 0; が ← ｶ (1, with ﾞ at 2); い ← イ (3); (株) ← ㈱ (4).
        assert_eq!(map, vec![0, 1, 3, 4, 4, 4]);
    }
}
