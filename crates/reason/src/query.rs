//! Questions as typed queries, and the parser from English.
//!
//! The parser normalises the question (case, contractions, punctuation, articles), reads
//! its family from its shape ("how many ...", "is A REL B", "how far ..."), and parses
//! the noun phrases (colour, size and position words, a shape noun or a label, a part).
//! Relation phrases, shape nouns and dimension words come from the [`Lexicon`]. A question
//! it cannot read is an error that says so; it never guesses.

use serde::{Deserialize, Serialize};
use spatia_scene::ColourName;

use crate::lexicon::{Dimension, Lexicon, within_one_edit};
use crate::relations::Relation;

/// A description of objects: "the large red ball", "the table's legs", "boxes".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NounPhrase {
    /// The words as asked (after normalising).
    pub text: String,
    /// Colour, if said.
    pub colour: Option<ColourName>,
    /// Shape noun ("box", "sphere", "table", "object") or another noun (a label).
    pub noun: Option<String>,
    /// "large"/"big" (true) or "small"/"little" (false).
    pub large: Option<bool>,
    /// "left"/"right"/"middle" as the viewer sees it.
    pub position: Option<String>,
    /// A part ("top", "legs", "side").
    pub part: Option<String>,
    /// Plural ("boxes", "the balls").
    pub plural: bool,
    /// "it", "that one", "them": the previous turn's referents.
    pub pronoun: bool,
    /// "the camera" / "me".
    pub camera: bool,
    /// A relation that narrows the phrase: "the thing on top of the blue box".
    pub rel: Option<Box<(Relation, NounPhrase)>>,
}

/// What to compare in a comparison or superlative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// Volume.
    Size,
    /// Height.
    Height,
    /// Width.
    Width,
    /// Distance from the camera.
    Distance,
}

/// A parsed question. Fields are named for what they hold (`anchor`: what a relation is
/// measured from; `which`: asked as "which is ..., A or B"), each variant shows a phrasing.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "snake_case")]
pub enum Query {
    /// "What is behind the chair?"
    WhatRel { rel: Relation, anchor: NounPhrase },
    /// "Is the mug left of the laptop?"
    IsRel { subject: NounPhrase, rel: Relation, anchor: NounPhrase },
    /// "How many balls are on the floor?"
    Count { what: NounPhrase, rel: Option<(Relation, NounPhrase)> },
    /// "Is there a cylinder on the table?"
    Exists { what: NounPhrase, rel: Option<(Relation, NounPhrase)> },
    /// "How far is the mug from the laptop?" (`centre`: centre to centre).
    Distance { a: NounPhrase, b: NounPhrase, centre: bool },
    /// "How tall is the box?"
    Size { what: NounPhrase, dimension: Dimension },
    /// "What colour is the ball?"
    Colour { what: NounPhrase },
    /// "What shape is the red thing?"
    Shape { what: NounPhrase },
    /// "What is the ball resting on?"
    Support { what: NounPhrase },
    /// "What is between the box and the ball?"
    Between { a: NounPhrase, b: NounPhrase },
    /// "Where is the red ball?"
    Where { what: NounPhrase },
    /// "What is closest to the box?" (`farthest` for the opposite).
    Closest { anchor: NounPhrase, among: Option<NounPhrase>, farthest: bool },
    /// "Which is closer to the camera, A or B?" / "Is A bigger than B?" / "Which is taller?"
    Compare { a: NounPhrase, b: NounPhrase, measure: Measure, more: bool, which: bool },
    /// "What is the tallest thing on the table?"
    Superlative { what: NounPhrase, measure: Measure, most: bool, rel: Option<(Relation, NounPhrase)> },
    /// "Describe the table", "Tell me about the chair's backrest".
    Describe { what: NounPhrase },
    /// "What about the blue one?": the previous question, asked of another object.
    FollowUp { what: NounPhrase },
}

impl NounPhrase {
    /// Calls `f` on the anchors nested in this phrase ("the thing on top of the blue box"),
    /// innermost first, then on the phrase itself.
    pub fn visit_mut(&mut self, f: &mut dyn FnMut(&mut NounPhrase)) {
        if let Some(r) = self.rel.as_mut() {
            r.1.visit_mut(f);
        }
        f(self);
    }
}

impl Query {
    /// Calls `f` on every noun phrase of the query, nested anchors included: how words the
    /// lexicon does not know get rewritten.
    pub fn visit_noun_phrases_mut(&mut self, f: &mut dyn FnMut(&mut NounPhrase)) {
        match self {
            Query::WhatRel { anchor, .. } => anchor.visit_mut(f),
            Query::IsRel { subject, anchor, .. } => {
                subject.visit_mut(f);
                anchor.visit_mut(f);
            }
            Query::Count { what, rel } | Query::Exists { what, rel } | Query::Superlative { what, rel, .. } => {
                what.visit_mut(f);
                if let Some((_, a)) = rel {
                    a.visit_mut(f);
                }
            }
            Query::Distance { a, b, .. } | Query::Between { a, b } | Query::Compare { a, b, .. } => {
                a.visit_mut(f);
                b.visit_mut(f);
            }
            Query::Closest { anchor, among, .. } => {
                anchor.visit_mut(f);
                if let Some(a) = among {
                    a.visit_mut(f);
                }
            }
            Query::Size { what, .. }
            | Query::Colour { what }
            | Query::Shape { what }
            | Query::Support { what }
            | Query::Where { what }
            | Query::Describe { what }
            | Query::FollowUp { what } => what.visit_mut(f),
        }
    }

    /// The previous question with its subject replaced: how "what about the blue one?"
    /// continues "what colour is the box on the table?". A previous question without a
    /// subject to replace gives a description of the new one.
    pub fn with_subject(&self, np: NounPhrase) -> Query {
        let mut q = self.clone();
        match &mut q {
            Query::IsRel { subject, .. } => *subject = np,
            Query::WhatRel { anchor, .. } => *anchor = np,
            Query::Count { what, .. }
            | Query::Exists { what, .. }
            | Query::Size { what, .. }
            | Query::Colour { what }
            | Query::Shape { what }
            | Query::Support { what }
            | Query::Where { what }
            | Query::Superlative { what, .. }
            | Query::Describe { what } => *what = np,
            Query::Distance { a, .. } | Query::Between { a, .. } | Query::Compare { a, .. } => *a = np,
            Query::Closest { anchor, .. } => *anchor = np,
            Query::FollowUp { .. } => return Query::Describe { what: np },
        }
        q
    }
}

/// Why a question could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("I could not read \"{question}\": {reason}")]
pub struct ParseError {
    /// The question.
    pub question: String,
    /// What was missing.
    pub reason: String,
}

const COLOURS: [(&str, ColourName); 16] = [
    ("red", ColourName::Red),
    ("orange", ColourName::Orange),
    ("yellow", ColourName::Yellow),
    ("green", ColourName::Green),
    ("cyan", ColourName::Cyan),
    ("turquoise", ColourName::Cyan),
    ("blue", ColourName::Blue),
    ("purple", ColourName::Purple),
    ("violet", ColourName::Purple),
    ("magenta", ColourName::Magenta),
    ("pink", ColourName::Pink),
    ("brown", ColourName::Brown),
    ("white", ColourName::White),
    ("gray", ColourName::Gray),
    ("grey", ColourName::Gray),
    ("black", ColourName::Black),
];

const PARTS: [&str; 16] = [
    "top", "tops", "leg", "legs", "side", "sides", "face", "seat", "back", "backrest", "bottom", "middle", "surface", "base", "rim", "edge",
];

const FILLER: [&str; 12] = ["the", "a", "an", "any", "some", "this", "that", "there", "please", "exactly", "currently", "here"];

/// Lower case, contractions expanded, punctuation dropped, words split.
pub fn normalise(q: &str) -> Vec<String> {
    let mut s = q.to_lowercase().replace(['\u{2019}', '`'], "'");
    for (from, to) in [
        ("what's", "what is"),
        ("where's", "where is"),
        ("who's", "who is"),
        ("how's", "how is"),
        ("that's", "that is"),
        ("there's", "there is"),
        ("isn't", "is not"),
        ("aren't", "are not"),
        ("can't", "can not"),
        ("whats ", "what is "),
        ("wheres ", "where is "),
        (" in detail", ""),
        (" in full", ""),
        ("colour", "color"),
        ("centre", "center"),
    ] {
        s = s.replace(from, to);
    }
    let s: String = s.chars().map(|c| if c.is_alphanumeric() || c == '\'' || c == '-' { c } else { ' ' }).collect();
    let mut words: Vec<String> = s.split_whitespace().map(|w| w.trim_matches('\'').to_string()).filter(|w| !w.is_empty()).collect();
    // Conversational openers carry nothing: "and what is behind it?", "ok so where is it".
    while words.len() > 1 && ["and", "so", "also", "ok", "okay", "then", "now", "well", "hey"].contains(&words[0].as_str()) {
        words.remove(0);
    }
    words
}

fn colour_exact(word: &str) -> Option<ColourName> {
    COLOURS.iter().find(|(w, _)| *w == word).map(|(_, c)| *c)
}

fn colour_typo(word: &str) -> Option<ColourName> {
    (word.len() >= 4).then(|| COLOURS.iter().find(|(w, _)| w.len() >= 4 && within_one_edit(w, word)).map(|(_, c)| *c)).flatten()
}

/// Parses a noun phrase from words; a relation inside it ("the ball on the table")
/// narrows it to the things in that relation.
pub fn noun_phrase(words: &[&str], lx: &Lexicon) -> Option<NounPhrase> {
    for i in 1..words.len() {
        if let Some((rel, n)) = lx.relation_at(words, i) {
            let head: Vec<&str> = words[..i].iter().copied().filter(|w| !["that", "which", "is", "are", "who"].contains(w)).collect();
            if let (Some(mut np), Some(anchor)) = (simple_noun_phrase(&head, lx), noun_phrase(&words[i + n..], lx)) {
                np.text = words.join(" ");
                np.rel = Some(Box::new((rel, anchor)));
                return Some(np);
            }
        }
    }
    simple_noun_phrase(words, lx)
}

fn simple_noun_phrase(words: &[&str], lx: &Lexicon) -> Option<NounPhrase> {
    let mut np = NounPhrase { text: words.join(" "), ..NounPhrase::default() };
    let words: Vec<&str> = words.iter().copied().filter(|w| !FILLER.contains(w)).collect();
    if words.is_empty() {
        return None;
    }
    // "the camera", "me", "you".
    if words.iter().any(|w| ["camera", "me", "viewer", "you", "us"].contains(w)) {
        np.camera = true;
        return Some(np);
    }
    if matches!(words[..], ["it"] | ["them"] | ["they"] | ["that", "one"] | ["this", "one"] | ["those"] | ["one"]) || words == ["that"] {
        np.pronoun = true;
        np.plural = words == ["them"] || words == ["they"] || words == ["those"];
        return Some(np);
    }
    // "the X's P" or "the P of the X".
    let mut rest: Vec<&str> = words.clone();
    if let Some(k) = rest.iter().position(|w| *w == "of") {
        if k > 0 && rest[..k].iter().all(|w| PARTS.contains(w)) {
            np.part = Some(rest[..k].join(" "));
            rest = rest[k + 1..].iter().copied().filter(|w| !FILLER.contains(w)).collect();
        }
    }
    let mut owned: Vec<String> = Vec::new();
    for (k, w) in rest.iter().enumerate() {
        if let Some(base) = w.strip_suffix("'s") {
            np.part = Some(rest[k + 1..].join(" "));
            owned.push(base.to_string());
            break;
        }
        owned.push(w.to_string());
    }
    let mut label: Option<String> = None;
    for w in &owned {
        let w = w.as_str();
        // Exact words first, so that "block" is a box and not a misspelt "black".
        let exact_shape = lx.shapes.iter().any(|(s, _)| s == w);
        if let Some(c) = colour_exact(w) {
            np.colour = Some(c);
        } else if let (false, Some(c)) = (exact_shape, colour_typo(w)) {
            np.colour = Some(c);
        } else if ["large", "big", "bigger", "larger", "huge"].contains(&w) {
            np.large = Some(true);
        } else if ["small", "little", "smaller", "tiny"].contains(&w) {
            np.large = Some(false);
        } else if ["left", "leftmost", "right", "rightmost", "middle", "center"].contains(&w) {
            np.position = Some(w.trim_end_matches("most").replace("center", "middle"));
        } else if let Some(s) = lx.shape(w) {
            np.plural |= w.ends_with('s') && !w.ends_with("ss") && s != w;
            np.noun = Some(s.to_string());
        } else if w.chars().all(|c| c.is_alphabetic()) && !["colored", "shaped", "object"].contains(&w) && label.is_none() {
            // Another noun: a user label ("mug"), matched against the scene's labels; the
            // first one is the head ("the chair's backrest": chair).
            label = Some(w.to_string());
        }
    }
    if let Some(l) = label {
        if np.noun.is_none() || np.part.is_some() {
            np.noun = Some(l);
        }
    }
    (np.noun.is_some() || np.colour.is_some()).then_some(np)
}

fn find(words: &[&str], target: &[&str]) -> Option<usize> {
    (0..words.len()).find(|&i| words.len() >= i + target.len() && words[i..i + target.len()] == *target)
}

/// Splits "A or B" / "A and B" into two noun phrases.
fn pair(words: &[&str], lx: &Lexicon, sep: &[&str]) -> Option<(NounPhrase, NounPhrase)> {
    let k = words.iter().position(|w| sep.contains(w))?;
    Some((noun_phrase(&words[..k], lx)?, noun_phrase(&words[k + 1..], lx)?))
}

/// A noun phrase followed by an optional relation and anchor: "balls on the table".
fn np_rel(words: &[&str], lx: &Lexicon) -> Option<(NounPhrase, Option<(Relation, NounPhrase)>)> {
    for i in 1..words.len() {
        if let Some((rel, n)) = lx.relation_at(words, i) {
            let head: Vec<&str> = words[..i].iter().copied().filter(|w| !["are", "is"].contains(w)).collect();
            let tail: Vec<&str> = words[i + n..].iter().copied().filter(|w| !["are", "is"].contains(w)).collect();
            if let (Some(a), Some(b)) = (noun_phrase(&head, lx), noun_phrase(&tail, lx)) {
                return Some((a, Some((rel, b))));
            }
        }
    }
    let clean: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !["are", "is", "in", "scene", "picture", "image", "visible", "present", "total"].contains(w))
        .collect();
    noun_phrase(&clean, lx).map(|np| (np, None))
}

fn measure_word(w: &str) -> Option<(Measure, bool)> {
    Some(match w {
        "bigger" | "larger" | "biggest" | "largest" => (Measure::Size, true),
        "smaller" | "smallest" | "tinier" | "tiniest" => (Measure::Size, false),
        "taller" | "tallest" | "higher" | "highest" => (Measure::Height, true),
        "shorter" | "shortest" | "lower" | "lowest" => (Measure::Height, false),
        "wider" | "widest" => (Measure::Width, true),
        "narrower" | "narrowest" => (Measure::Width, false),
        "closer" | "closest" | "nearer" | "nearest" => (Measure::Distance, false),
        "farther" | "farthest" | "further" | "furthest" => (Measure::Distance, true),
        _ => return None,
    })
}

/// Parses an English question.
pub fn parse(question: &str, lx: &Lexicon) -> Result<Query, ParseError> {
    let owned = normalise(question);
    let w: Vec<&str> = owned.iter().map(String::as_str).collect();
    let fail = |reason: &str| ParseError { question: question.trim().to_string(), reason: reason.to_string() };
    let starts = |p: &[&str]| w.len() >= p.len() && w[..p.len()] == *p;
    let after = |p: &[&str]| &w[p.len().min(w.len())..];
    if w.is_empty() {
        return Err(fail("it is empty"));
    }

    // A follow-up: "what about the blue one?", "how about it".
    for p in [&["what", "about"][..], &["how", "about"]] {
        if starts(p) && w.len() > p.len() && !w[p.len()..].iter().any(|x| ["is", "are", "how", "what"].contains(x)) {
            if let Some(np) = noun_phrase(after(p), lx) {
                return Ok(Query::FollowUp { what: np });
            }
        }
    }
    // Describe.
    for p in [&["describe"][..], &["tell", "me", "about"], &["what", "can", "you", "tell", "me", "about"], &["show", "me"]] {
        if starts(p) {
            let np = noun_phrase(after(p), lx).ok_or_else(|| fail("which object to describe"))?;
            return Ok(Query::Describe { what: np });
        }
    }
    // Counting and existence.
    if starts(&["how", "many"]) {
        let (what, rel) = np_rel(after(&["how", "many"]), lx).ok_or_else(|| fail("what to count"))?;
        return Ok(Query::Count { what, rel });
    }
    for p in [
        &["is", "there"][..],
        &["are", "there"],
        &["is", "anything"],
        &["anything"],
        &["does", "the", "scene", "have"],
        &["do", "you", "see"],
        &["can", "you", "see"],
    ] {
        if starts(p) {
            let rest = after(p);
            if p.contains(&"anything") {
                if let Some((i, (rel, k))) = (0..rest.len()).find_map(|i| lx.relation_at(rest, i).map(|r| (i, r))) {
                    let anchor = noun_phrase(&rest[i + k..], lx).ok_or_else(|| fail("what the thing is relative to"))?;
                    return Ok(Query::WhatRel { rel, anchor });
                }
            }
            let (what, rel) = np_rel(rest, lx).ok_or_else(|| fail("what to look for"))?;
            return Ok(Query::Exists { what, rel });
        }
    }
    // Distances.
    if starts(&["how", "far"]) || find(&w, &["distance"]).is_some() {
        let centre = find(&w, &["center", "to", "center"]).is_some() || find(&w, &["centers"]).is_some();
        let body: Vec<&str> = w
            .iter()
            .copied()
            .filter(|x| {
                ![
                    "how", "far", "is", "are", "what", "the", "distance", "between", "apart", "away", "center", "to", "centers", "in",
                    "meters", "metres",
                ]
                .contains(x)
            })
            .collect();
        if let Some(k) = body.iter().position(|x| *x == "from" || *x == "and") {
            let a = noun_phrase(&body[..k], lx).ok_or_else(|| fail("the first object of the distance"))?;
            let b = noun_phrase(&body[k + 1..], lx).ok_or_else(|| fail("the second object of the distance"))?;
            return Ok(Query::Distance { a, b, centre });
        }
        let a = noun_phrase(&body, lx).ok_or_else(|| fail("which objects to measure between"))?;
        return Ok(Query::Distance { a, b: NounPhrase { text: "the camera".into(), camera: true, ..NounPhrase::default() }, centre });
    }
    // Sizes.
    if starts(&["how"]) && w.len() > 2 {
        if let Some((_, d)) = lx.dimensions.iter().find(|(x, _)| *x == w[1]) {
            let rest: Vec<&str> = w[2..].iter().copied().filter(|x| !["is", "are"].contains(x)).collect();
            let np = noun_phrase(&rest, lx).ok_or_else(|| fail("which object to measure"))?;
            return Ok(Query::Size { what: np, dimension: *d });
        }
    }
    if starts(&["what", "is", "the"]) || starts(&["what", "size"]) {
        let rest = if starts(&["what", "size"]) { &w[2..] } else { &w[3..] };
        if let Some((_, d)) = rest.first().and_then(|x| lx.dimensions.iter().find(|(y, _)| y == x)) {
            let np_words: Vec<&str> = rest[1..].iter().copied().filter(|x| !["of", "is", "are"].contains(x)).collect();
            if let Some(np) = noun_phrase(&np_words, lx) {
                return Ok(Query::Size { what: np, dimension: *d });
            }
        }
    }
    // Attributes.
    for (key, is_colour) in [("color", true), ("shape", false)] {
        if (starts(&["what", key]) || starts(&["which", key])) && w.len() > 2 {
            let np_words: Vec<&str> = w[2..].iter().copied().filter(|x| !["is", "are", "has", "does", "have"].contains(x)).collect();
            let np = noun_phrase(&np_words, lx).ok_or_else(|| fail("which object"))?;
            return Ok(if is_colour { Query::Colour { what: np } } else { Query::Shape { what: np } });
        }
        if starts(&["what", "is", "the", key, "of"]) {
            let np = noun_phrase(&w[5..], lx).ok_or_else(|| fail("which object"))?;
            return Ok(if is_colour { Query::Colour { what: np } } else { Query::Shape { what: np } });
        }
    }
    // Where.
    if starts(&["where", "is"]) || starts(&["where", "are"]) {
        let np = noun_phrase(&w[2..], lx).ok_or_else(|| fail("which object to locate"))?;
        return Ok(Query::Where { what: np });
    }
    // Which is closer / taller / bigger, A or B.
    if starts(&["which"]) || starts(&["who"]) {
        if let Some(k) = w.iter().position(|x| measure_word(x).is_some()) {
            let (measure, more) = measure_word(w[k]).unwrap_or((Measure::Size, true));
            // "which is closer to the camera, A or B": the two come after the measure word
            // and whatever says what to measure from.
            let mut start = k + 1;
            while w.get(start).is_some_and(|x| ["to", "from", "the", "camera", "me", "than", "of"].contains(x)) {
                start += 1;
            }
            if let Some((a, b)) = pair(&w[start.min(w.len())..], lx, &["or"]) {
                return Ok(Query::Compare { a, b, measure, more, which: true });
            }
        }
    }
    // Is A bigger than B?
    if (starts(&["is"]) || starts(&["are"])) && find(&w, &["than"]).is_some() {
        if let Some(k) = w.iter().position(|x| measure_word(x).is_some()) {
            let (measure, more) = measure_word(w[k]).unwrap_or((Measure::Size, true));
            let t = find(&w, &["than"]).unwrap_or(k);
            let a = noun_phrase(&w[1..k], lx).ok_or_else(|| fail("the first object of the comparison"))?;
            let b_words: Vec<&str> = w[t + 1..].iter().copied().filter(|x| !["to", "from", "camera", "the"].contains(x)).collect();
            let b = noun_phrase(&b_words, lx).ok_or_else(|| fail("the second object of the comparison"))?;
            return Ok(Query::Compare { a, b, measure, more, which: false });
        }
    }
    // Closest / farthest and superlatives.
    if let Some(k) = w.iter().position(|x| ["closest", "nearest", "farthest", "furthest"].contains(x)) {
        let farthest = ["farthest", "furthest"].contains(&w[k]);
        let to = w[k..].iter().position(|x| *x == "to" || *x == "from").map(|i| i + k);
        let anchor_words: &[&str] = to.map_or(&[], |t| &w[t + 1..]);
        let among_words: Vec<&str> = w[k + 1..to.unwrap_or(w.len())].to_vec();
        let anchor =
            noun_phrase(anchor_words, lx).unwrap_or(NounPhrase { text: "the camera".into(), camera: true, ..NounPhrase::default() });
        return Ok(Query::Closest { anchor, among: noun_phrase(&among_words, lx), farthest });
    }
    if let Some(k) = w.iter().position(|x| x.ends_with("est") && measure_word(x).is_some()) {
        let (measure, most) = measure_word(w[k]).unwrap_or((Measure::Size, true));
        let (what, rel) = np_rel(&w[k + 1..], lx)
            .unwrap_or((NounPhrase { text: "thing".into(), noun: Some("object".into()), ..NounPhrase::default() }, None));
        return Ok(Query::Superlative { what, measure, most, rel });
    }
    // What is between A and B.
    if let Some(k) = w.iter().position(|x| *x == "between") {
        let (a, b) = pair(&w[k + 1..], lx, &["and"]).ok_or_else(|| fail("the two objects of 'between'"))?;
        return Ok(Query::Between { a, b });
    }
    // What is X resting on? / What supports X?
    if starts(&["what", "is"]) || starts(&["what", "are"]) {
        let last = w.len() - 1;
        if w[last] == "on" || (last > 0 && w[last - 1..] == ["on", "top"]) {
            let end = if w[last] == "on" { last } else { last - 1 };
            let body: Vec<&str> = w[2..end]
                .iter()
                .copied()
                .filter(|x| !["resting", "sitting", "standing", "lying", "placed", "supported", "by"].contains(x))
                .collect();
            let np = noun_phrase(&body, lx).ok_or_else(|| fail("which object"))?;
            return Ok(Query::Support { what: np });
        }
    }
    for p in [&["what", "supports"][..], &["what", "is", "supporting"], &["what", "holds", "up"]] {
        if starts(p) {
            let np = noun_phrase(after(p), lx).ok_or_else(|| fail("which object"))?;
            return Ok(Query::Support { what: np });
        }
    }
    // Is A REL B?
    if starts(&["is"]) || starts(&["are"]) || starts(&["does"]) {
        for i in 2..w.len() {
            if let Some((rel, n)) = lx.relation_at(&w, i) {
                let subj: Vec<&str> = w[1..i]
                    .iter()
                    .copied()
                    .filter(|x| !["sitting", "resting", "standing", "lying", "placed", "located", "positioned", "to"].contains(x))
                    .collect();
                if let (Some(subject), Some(anchor)) = (noun_phrase(&subj, lx), noun_phrase(&w[i + n..], lx)) {
                    return Ok(Query::IsRel { subject, rel, anchor });
                }
            }
        }
    }
    // What is REL X?
    for i in 1..w.len() {
        if let Some((rel, n)) = lx.relation_at(&w, i) {
            if ["what", "which", "who", "list", "name"].contains(&w[0]) {
                let anchor = noun_phrase(&w[i + n..], lx).ok_or_else(|| fail("what the thing is relative to"))?;
                return Ok(Query::WhatRel { rel, anchor });
            }
        }
    }
    // A bare noun phrase continues the conversation: "and the red ball?" (its "and" was
    // dropped). Only with a colour or a shape word, so that chatter is not taken for one.
    if let Some(np) = noun_phrase(&w, lx) {
        let known = np.colour.is_some() || np.pronoun || w.iter().any(|x| lx.shapes.iter().any(|(s, _)| s == x));
        if known && np.rel.is_none() && !["what", "which", "who", "where", "how", "is", "are", "does", "do"].contains(&w[0]) {
            return Ok(Query::FollowUp { what: np });
        }
    }
    Err(fail(
        "it is not a question spatia knows (what is REL X, is A REL B, how many, how far, how tall, what colour, where, which is closer, describe ...)",
    ))
}
