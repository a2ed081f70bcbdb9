//! Decoders side by side: the same sample of questions answered by the grounded decoder
//! and by the language-model decoder, scored on the typed value and on whether the
//! sentence itself states the right answer.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Outcome, TruthLine};

/// Up to `n` question ids spread evenly over the families (each family's first ones, in
/// id order), so that a small sample still covers every kind of question.
pub fn sample(truth: &BTreeMap<String, TruthLine>, n: usize) -> BTreeSet<String> {
    let mut by_family: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for t in truth.values() {
        by_family.entry(t.family.as_str()).or_default().push(t.id.as_str());
    }
    let mut picked = BTreeSet::new();
    let mut round = 0;
    while picked.len() < n && by_family.values().any(|v| v.len() > round) {
        for ids in by_family.values() {
            if let Some(id) = ids.get(round) {
                if picked.len() < n {
                    picked.insert((*id).to_string());
                }
            }
        }
        round += 1;
    }
    picked
}

/// How one decoder did on the sample.
#[derive(Debug, Clone, Serialize)]
pub struct DecoderScore {
    /// The decoder.
    pub decoder: String,
    /// Questions answered (errors included).
    pub questions: usize,
    /// Share whose typed value is right (10 % or 2 cm for lengths).
    pub value_accuracy: f32,
    /// Share whose sentence states the right answer.
    pub text_accuracy: f32,
    /// Mean seconds per question.
    pub seconds_per_question: f64,
}

/// Scores a decoder's outcomes on the sample.
pub fn score(decoder: &str, outcomes: &[Outcome], truth: &BTreeMap<String, TruthLine>, seconds: f64) -> DecoderScore {
    let n = outcomes.len().max(1) as f32;
    let stated = outcomes.iter().filter(|o| o.error.is_none() && truth.get(&o.id).is_some_and(|t| states(t, &o.text))).count();
    DecoderScore {
        decoder: decoder.to_string(),
        questions: outcomes.len(),
        value_accuracy: outcomes.iter().filter(|o| o.ok).count() as f32 / n,
        text_accuracy: stated as f32 / n,
        seconds_per_question: seconds / outcomes.len().max(1) as f64,
    }
}

const NUMBER_WORDS: [&str; 13] =
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-'))
        .map(|w| w.trim_end_matches('.').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Lengths a sentence states, in metres ("0.42 m", "42 cm", "1.2 metres").
fn lengths(text: &str) -> Vec<f32> {
    let w = words(text);
    let mut out = Vec::new();
    for (i, x) in w.iter().enumerate() {
        let (num, unit) = match x.find(|c: char| c.is_alphabetic()) {
            Some(k) if k > 0 => (&x[..k], &x[k..]),
            _ => (x.as_str(), w.get(i + 1).map_or("", String::as_str)),
        };
        let Ok(v) = num.parse::<f32>() else { continue };
        match unit {
            "m" | "metre" | "metres" | "meter" | "meters" => out.push(v),
            "cm" | "centimetre" | "centimetres" | "centimeter" | "centimeters" => out.push(v / 100.0),
            "mm" => out.push(v / 1000.0),
            _ => {}
        }
    }
    out
}

/// Whether a sentence states the expected answer, read as a person would: yes/no first,
/// the count in digits or words, every expected name, a length within the tolerance.
pub fn states(t: &TruthLine, text: &str) -> bool {
    let lower = text.to_lowercase();
    let w = words(text);
    match t.kind.as_str() {
        "bool" => {
            let first = w.iter().find(|x| *x == "yes" || *x == "no");
            first.is_some_and(|x| (x == "yes") == (t.expected.as_bool() == Some(true)))
        }
        "count" => t.expected.as_u64().is_some_and(|k| {
            let k = k as usize;
            w.iter().any(|x| x.parse::<usize>().ok() == Some(k) || NUMBER_WORDS.get(k).is_some_and(|n| x == n))
                || (k == 0 && w.iter().any(|x| x == "no" || x == "none" || x == "nothing"))
        }),
        "names" => {
            let want: Vec<String> = serde_json::from_value(t.expected.clone()).unwrap_or_default();
            if want.is_empty() {
                w.iter().any(|x| x == "nothing" || x == "no" || x == "none")
            } else {
                want.iter().all(|n| lower.contains(&n.to_lowercase()))
            }
        }
        "colour" | "name" => t.expected.as_str().is_some_and(|e| lower.contains(&e.to_lowercase())),
        "shape" => t.expected.as_str().is_some_and(|e| {
            let alts: &[&str] = match e {
                "box" | "cube" => &["box", "cube", "block"],
                "sphere" => &["sphere", "ball"],
                _ => &[],
            };
            lower.contains(e) || alts.iter().any(|a| lower.contains(a))
        }),
        "metres" => t.expected.as_f64().is_some_and(|e| {
            let e = e as f32;
            let tol = t.tolerance.unwrap_or((0.1 * e).max(0.02));
            lengths(text).iter().any(|v| (v - e).abs() <= tol)
        }),
        "text" => {
            let name = t.expected["name"].as_str().unwrap_or("");
            let h = t.expected["height"].as_f64().unwrap_or(f64::NAN) as f32;
            let tol = t.tolerance.unwrap_or((0.1 * h).max(0.02));
            lower.contains(&name.to_lowercase()) && lengths(text).iter().any(|v| (v - h).abs() <= tol)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(kind: &str, expected: serde_json::Value) -> TruthLine {
        TruthLine { id: "q".into(), family: "f".into(), kind: kind.into(), expected, tolerance: None, pair: None }
    }

    #[test]
    fn sentences_are_read_for_their_answer() {
        assert!(states(&t("bool", true.into()), "Yes — the red box is left of the table."));
        assert!(!states(&t("bool", true.into()), "No, it is not; yes, the other one is."));
        assert!(states(&t("count", 3.into()), "There are three spheres."));
        assert!(states(&t("count", 2.into()), "I count 2."));
        assert!(!states(&t("count", 2.into()), "I count 3 boxes and one table."));
        assert!(states(&t("names", serde_json::json!(["red box", "blue sphere"])), "The Red box and the blue sphere."));
        assert!(states(&t("metres", 0.42.into()), "They are 41 cm apart."));
        assert!(states(&t("metres", 0.42.into()), "About 0.43m."));
        assert!(!states(&t("metres", 0.42.into()), "About 0.6 m, 42 objects."));
        assert!(states(&t("shape", "box".into()), "It is a cube."));
        assert!(states(&t("text", serde_json::json!({"name": "red box", "height": 0.3})), "The red box is 0.31 m tall."));
    }

    #[test]
    fn the_sample_covers_every_family() {
        let mut truth = BTreeMap::new();
        for (i, f) in ["a", "a", "a", "b", "c", "c"].iter().enumerate() {
            let id = format!("q{i}");
            truth.insert(
                id.clone(),
                TruthLine { id, family: (*f).into(), kind: "bool".into(), expected: true.into(), tolerance: None, pair: None },
            );
        }
        let s = sample(&truth, 4);
        assert_eq!(s.len(), 4);
        for f in ["a", "b", "c"] {
            assert!(s.iter().any(|id| truth[id].family == f), "{f} missing from {s:?}");
        }
    }
}
