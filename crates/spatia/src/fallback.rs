//! Words the lexicon does not know, matched by meaning with a phrase embedder
//! (all-MiniLM-L6-v2): a noun that names nothing in the scene ("couch") is matched to the
//! scene's labels and shape nouns, and a question that does not parse has its unknown
//! relation phrase ("at the rear of") matched to the lexicon's relation phrases. Each
//! match needs a similarity above its threshold and goes into the answer's evidence.

use std::collections::HashMap;
use std::sync::Mutex;

use spatia_models::{Embedder, dot};
use spatia_reason::{Lexicon, NounPhrase, Query, ResolveError, normalise, parse, resolve};
use spatia_scene::Scene;

/// Least cosine similarity for a noun to stand for a scene word. Measured with
/// all-MiniLM-L6-v2: couch~sofa 0.86, globe~sphere 0.74, globes~sphere 0.67 pass;
/// desk~table 0.51, chair~table 0.45, bottle~cylinder 0.47 do not (a chair is not a table).
pub const NOUN_THRESHOLD: f32 = 0.6;
/// Least cosine similarity for a phrase to stand for a relation phrase.
pub const RELATION_THRESHOLD: f32 = 0.6;

/// One rewrite: what was asked, what it was taken for, how similar.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The words asked.
    pub from: String,
    /// The words used.
    pub to: String,
    /// Cosine similarity.
    pub similarity: f32,
}

/// An embedder with a memo of the phrases it has embedded.
pub struct PhraseMatcher {
    embedder: Embedder,
    memo: Mutex<HashMap<String, Vec<f32>>>,
}

impl std::fmt::Debug for PhraseMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhraseMatcher").finish_non_exhaustive()
    }
}

impl PhraseMatcher {
    /// Wraps a loaded embedder.
    pub fn new(embedder: Embedder) -> Self {
        PhraseMatcher { embedder, memo: Mutex::new(HashMap::new()) }
    }

    fn vector(&self, s: &str) -> Option<Vec<f32>> {
        if let Some(v) = self.memo.lock().ok().and_then(|m| m.get(s).cloned()) {
            return Some(v);
        }
        let v = self.embedder.embed(s).ok()?;
        if let Ok(mut m) = self.memo.lock() {
            m.insert(s.to_string(), v.clone());
        }
        Some(v)
    }

    /// The most similar candidate and its similarity.
    pub fn best(&self, phrase: &str, candidates: &[String]) -> Option<(String, f32)> {
        let q = self.vector(phrase)?;
        candidates.iter().filter_map(|c| self.vector(c).map(|v| (c.clone(), dot(&q, &v)))).max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Cosine similarity of two phrases.
    pub fn similarity(&self, a: &str, b: &str) -> Option<f32> {
        Some(dot(&self.vector(a)?, &self.vector(b)?))
    }
}

/// Rewrites the unknown relation phrase of a question the parser could not read: every
/// span of one to four words (after the first) is compared with the lexicon's relation
/// phrases, the most similar first, until a rewrite parses.
pub fn repair_question(question: &str, lexicon: &Lexicon, m: &PhraseMatcher) -> Option<(Query, Match)> {
    let words = normalise(question);
    let phrases: Vec<String> = lexicon.relations.iter().map(|(w, _)| w.join(" ")).collect();
    let mut tries: Vec<(f32, usize, usize, String)> = Vec::new();
    for n in 1..=4usize {
        for i in 1..words.len().saturating_sub(n - 1) {
            let span = words[i..i + n].join(" ");
            if let Some((to, s)) = m.best(&span, &phrases) {
                if s >= RELATION_THRESHOLD && to != span {
                    tries.push((s, i, n, to));
                }
            }
        }
    }
    tries.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (s, i, n, to) in tries {
        let rewritten: Vec<String> =
            words[..i].iter().cloned().chain(std::iter::once(to.clone())).chain(words[i + n..].iter().cloned()).collect();
        if let Ok(q) = parse(&rewritten.join(" "), lexicon) {
            return Some((q, Match { from: words[i..i + n].join(" "), to, similarity: s }));
        }
    }
    None
}

/// The words a noun can be matched to in this scene: labels, the words of names, shape nouns.
fn vocabulary(scene: &Scene) -> Vec<String> {
    // Not "object": everything is somewhat like an object.
    let mut v: Vec<String> = ["box", "cube", "sphere", "cylinder", "table"].iter().map(|s| s.to_string()).collect();
    for o in &scene.objects {
        v.push(o.label.clone());
        v.extend(o.name.split_whitespace().filter(|w| !["left", "right", "middle", "large", "small"].contains(w)).map(String::from));
    }
    v.sort();
    v.dedup();
    v
}

/// Whether the query has a noun that is no word of this scene (so a matcher is worth loading).
pub fn has_unknown_noun(query: &Query, scene: &Scene) -> bool {
    let vocab = vocabulary(scene);
    let mut q = query.clone();
    let mut found = false;
    q.visit_noun_phrases_mut(&mut |np: &mut NounPhrase| {
        if let Some(n) = &np.noun {
            found |= !np.pronoun && !np.camera && n != "object" && !vocab.contains(n);
        }
    });
    found
}

/// Rewrites nouns that name nothing in the scene to the most similar scene word.
pub fn repair_nouns(query: &mut Query, scene: &Scene, previous: &[u16], m: &PhraseMatcher) -> Vec<Match> {
    let vocab = vocabulary(scene);
    let mut out = Vec::new();
    query.visit_noun_phrases_mut(&mut |np: &mut NounPhrase| {
        let Some(noun) = np.noun.clone() else { return };
        if np.pronoun || np.camera || noun == "object" || vocab.contains(&noun) {
            return;
        }
        let probe = NounPhrase { plural: true, rel: None, ..np.clone() };
        if !matches!(resolve(scene, &probe, previous), Err(ResolveError::NotFound { .. })) {
            return;
        }
        if let Some((to, s)) = m.best(&noun, &vocab) {
            if s >= NOUN_THRESHOLD {
                np.noun = Some(to.clone());
                out.push(Match { from: noun, to, similarity: s });
            }
        }
    });
    out
}
