//! Small pieces of English: lists, counts, lengths, relation phrases.

use spatia_reason::Relation;

/// "the a", "the a and the b", "the a, the b and the c".
pub fn list(names: &[String]) -> String {
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

/// "the red sphere".
pub fn the(name: &str) -> String {
    if name == "floor" || name.starts_with("the ") { format!("the {}", name.trim_start_matches("the ")) } else { format!("the {name}") }
}

/// First letter upper case.
pub fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// "one", "two", ... "twelve", then digits.
pub fn count_word(n: usize) -> String {
    const W: [&str; 13] = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
    W.get(n).map_or_else(|| n.to_string(), |w| w.to_string())
}

/// A length as people say it: "0.42 m", "1.9 m", "12 m".
pub fn metres(x: f32) -> String {
    let x = x.max(0.0);
    if x < 1.0 {
        format!("{x:.2} m")
    } else if x < 10.0 {
        format!("{x:.1} m")
    } else {
        format!("{x:.0} m")
    }
}

/// The relation as it follows "is": "left of", "on top of".
pub fn relation(rel: Relation) -> &'static str {
    match rel {
        Relation::LeftOf => "left of",
        Relation::RightOf => "right of",
        Relation::InFrontOf => "in front of",
        Relation::Behind => "behind",
        Relation::OnTopOf => "on top of",
        Relation::Above => "above",
        Relation::Below => "below",
        Relation::Under => "under",
        Relation::Near => "near",
    }
}

/// How far a relation's margin must go before an answer is fully sure (its unit).
pub fn margin_scale(rel: Relation) -> f32 {
    match rel {
        Relation::LeftOf | Relation::RightOf | Relation::InFrontOf | Relation::Behind => 0.10,
        Relation::OnTopOf => 0.03,
        Relation::Above | Relation::Below | Relation::Under => 0.06,
        Relation::Near => 0.15,
    }
}

/// Confidence from a margin: 0.5 at the threshold, 1 a full scale past it either way.
pub fn margin_confidence(margin: f32, scale: f32) -> f32 {
    0.5 + 0.5 * (margin.abs() / scale).min(1.0)
}

/// A margin within a quarter of the scale: the answer says "just barely".
pub fn barely(margin: f32, scale: f32) -> bool {
    margin.abs() < 0.25 * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_lengths() {
        let n: Vec<String> = ["the a", "the b", "the c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(list(&n), "the a, the b and the c");
        assert_eq!(list(&n[..1]), "the a");
        assert_eq!(metres(0.4249), "0.42 m");
        assert_eq!(metres(1.94), "1.9 m");
        assert_eq!(capital("two things"), "Two things");
        assert_eq!(count_word(2), "two");
        assert_eq!(the("floor"), "the floor");
    }
}
