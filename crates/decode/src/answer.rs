//! The `Answer` contract of DESIGN.md: text, typed value, referents, evidence, confidence,
//! allocation.

use serde::{Deserialize, Serialize};
use spatia_reason::Allocation;

/// An answer with what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The question as asked.
    pub question: String,
    /// A short natural answer.
    pub text: String,
    /// The typed value.
    pub value: Value,
    /// Ids of the objects the answer is about (what "it" means in the next question).
    pub referents: Vec<u16>,
    /// Measurements, relation margins, fits and sources behind the answer.
    pub evidence: Vec<Evidence>,
    /// How sure, in [0, 1].
    pub confidence: f32,
    /// Where the token budget went.
    pub allocation: Allocation,
}

/// A typed answer value: `{"kind": ..., "value": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Value {
    /// Yes or no.
    Bool(bool),
    /// A number of objects.
    Count(usize),
    /// Object names (possibly none).
    Names(Vec<String>),
    /// A length, metres.
    Metres(f32),
    /// A colour name.
    Colour(String),
    /// A shape noun.
    Shape(String),
    /// One object's name (or "floor").
    Name(String),
    /// Free text (descriptions).
    Text(String),
}

impl Value {
    /// The kind as the JSON writes it.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Bool(_) => "bool",
            Value::Count(_) => "count",
            Value::Names(_) => "names",
            Value::Metres(_) => "metres",
            Value::Colour(_) => "colour",
            Value::Shape(_) => "shape",
            Value::Name(_) => "name",
            Value::Text(_) => "text",
        }
    }
}

/// What an item of evidence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A length measured from the tokens.
    Measurement,
    /// A spatial relation and its margin past the threshold.
    Relation,
    /// How an object's unseen side was completed (fitted shape) and how much was visible.
    Fit,
    /// Where the depth and intrinsics came from.
    Source,
    /// How a phrase was matched to objects.
    Resolution,
}

/// One item of evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// What it is.
    pub kind: EvidenceKind,
    /// In words: "surface gap red sphere - blue box", "left_of margin".
    pub text: String,
    /// The number, when there is one (metres, or a fraction for overlaps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f32>,
    /// The objects it concerns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<u16>,
}

impl Evidence {
    /// Evidence with a number.
    pub fn number(kind: EvidenceKind, text: impl Into<String>, value: f32, objects: &[u16]) -> Self {
        Evidence { kind, text: text.into(), value: Some(value), objects: objects.to_vec() }
    }

    /// Evidence in words only.
    pub fn note(kind: EvidenceKind, text: impl Into<String>, objects: &[u16]) -> Self {
        Evidence { kind, text: text.into(), value: None, objects: objects.to_vec() }
    }
}
