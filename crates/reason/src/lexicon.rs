//! The phrase lexicon: relation phrases, shape nouns and dimension words, read from
//! `prompts/lexicon.tsv` (built in, overridable by a file of the same format).

use std::path::Path;

use crate::relations::Relation;

/// The built-in lexicon, the repository's `prompts/lexicon.tsv`.
pub const BUILTIN: &str = include_str!("../../../prompts/lexicon.tsv");

/// Which measurement a size question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    /// Vertical extent.
    Height,
    /// Left-right extent.
    Width,
    /// Front-back extent.
    Depth,
    /// Diameter (round things).
    Diameter,
    /// Overall size (all three).
    Size,
}

/// The parser's vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct Lexicon {
    /// (phrase words, relation), longest phrases first.
    pub relations: Vec<(Vec<String>, Relation)>,
    /// (word, shape noun).
    pub shapes: Vec<(String, String)>,
    /// (word, dimension).
    pub dimensions: Vec<(String, Dimension)>,
}

impl Default for Lexicon {
    fn default() -> Self {
        // The built-in text is part of the binary and checked by the tests.
        Self::parse(BUILTIN).unwrap_or(Lexicon { relations: Vec::new(), shapes: Vec::new(), dimensions: Vec::new() })
    }
}

impl Lexicon {
    /// Reads a lexicon file.
    pub fn from_path(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses the lexicon format (see `prompts/lexicon.tsv`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut lx = Lexicon { relations: Vec::new(), shapes: Vec::new(), dimensions: Vec::new() };
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let [kind, name, phrases] = cols[..] else {
                return Err(format!("line {}: expected KIND<TAB>NAME<TAB>phrases", n + 1));
            };
            let phrases = phrases.split('|').map(|p| p.trim().to_lowercase()).filter(|p| !p.is_empty());
            match kind {
                "relation" => {
                    let rel = match name {
                        "left_of" => Relation::LeftOf,
                        "right_of" => Relation::RightOf,
                        "in_front_of" => Relation::InFrontOf,
                        "behind" => Relation::Behind,
                        "on_top_of" => Relation::OnTopOf,
                        "above" => Relation::Above,
                        "below" => Relation::Below,
                        "under" => Relation::Under,
                        "near" => Relation::Near,
                        other => return Err(format!("line {}: unknown relation '{other}'", n + 1)),
                    };
                    lx.relations.extend(phrases.map(|p| (p.split_whitespace().map(String::from).collect(), rel)));
                }
                "shape" => lx.shapes.extend(phrases.map(|p| (p, name.to_string()))),
                "dimension" => {
                    let d = match name {
                        "height" => Dimension::Height,
                        "width" => Dimension::Width,
                        "depth" => Dimension::Depth,
                        "diameter" => Dimension::Diameter,
                        "size" => Dimension::Size,
                        other => return Err(format!("line {}: unknown dimension '{other}'", n + 1)),
                    };
                    lx.dimensions.extend(phrases.map(|p| (p, d)));
                }
                other => return Err(format!("line {}: unknown kind '{other}'", n + 1)),
            }
        }
        lx.relations.sort_by_key(|r| std::cmp::Reverse(r.0.len()));
        Ok(lx)
    }

    /// The relation phrase starting at `words[i]`, longest first: (relation, words used).
    pub fn relation_at(&self, words: &[&str], i: usize) -> Option<(Relation, usize)> {
        self.relations
            .iter()
            .find(|(p, _)| words.len() >= i + p.len() && p.iter().zip(&words[i..]).all(|(a, b)| a == b))
            .map(|(p, r)| (*r, p.len()))
    }

    /// The shape noun a word names, allowing one typing error in words of 4+ letters.
    pub fn shape(&self, word: &str) -> Option<&str> {
        if let Some((_, s)) = self.shapes.iter().find(|(w, _)| w == word) {
            return Some(s);
        }
        (word.len() >= 4)
            .then(|| self.shapes.iter().find(|(w, _)| w.len() >= 4 && within_one_edit(w, word)).map(|(_, s)| s.as_str()))
            .flatten()
    }
}

/// Whether two words differ by at most one insertion, deletion, substitution or swap of
/// neighbouring letters.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() == b.len() {
        let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
        if diff.len() == 2 && diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]] && a[diff[1]] == b[diff[0]] {
            return true;
        }
    }
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < short.len() && j < long.len() {
        if short[i] == long[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        if short.len() == long.len() {
            i += 1;
        }
        j += 1;
    }
    edits + (long.len() - j) + (short.len() - i) <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_parses_and_prefers_long_phrases() {
        let lx = Lexicon::parse(BUILTIN).unwrap();
        let w: Vec<&str> = "to the left of the box".split(' ').collect();
        assert_eq!(lx.relation_at(&w, 0), Some((Relation::LeftOf, 4)));
        let w: Vec<&str> = "supported by the table".split(' ').collect();
        assert_eq!(lx.relation_at(&w, 0), Some((Relation::OnTopOf, 2)));
        assert_eq!(lx.shape("ball"), Some("sphere"));
        assert_eq!(lx.shape("cilinder"), Some("cylinder"));
        assert_eq!(lx.shape("chair"), None);
        assert!(Lexicon::parse("relation\tsideways_of\tx").is_err());
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("sphere", "shpere"));
        assert!(within_one_edit("sphere", "spere"));
        assert!(within_one_edit("table", "tabel"));
        assert!(!within_one_edit("table", "tbael"));
        assert!(within_one_edit("table", "tablet"));
        assert!(within_one_edit("cube", "cuba"));
    }
}
