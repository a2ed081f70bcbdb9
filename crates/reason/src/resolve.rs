//! Noun phrases to scene objects, with the messages users need when that fails.

use spatia_scene::{Object, Scene, ShapeClass};

use crate::query::NounPhrase;

/// Why a noun phrase names no object, or too many.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResolveError {
    /// Nothing matches: names what the scene holds.
    #[error("I see no {wanted}; I see: {seen}")]
    NotFound {
        /// What was asked for.
        wanted: String,
        /// What the scene holds.
        seen: String,
    },
    /// Several match where one was meant.
    #[error("which {wanted}? I see {candidates}")]
    Ambiguous {
        /// What was asked for.
        wanted: String,
        /// The candidates' names.
        candidates: String,
    },
    /// A pronoun with nothing before it.
    #[error("\"{0}\" refers to nothing yet: ask about an object first")]
    NoAntecedent(String),
}

fn noun_matches(o: &Object, noun: &str) -> bool {
    match noun {
        "object" => true,
        "box" => matches!(o.shape, ShapeClass::Box | ShapeClass::Cube) && o.label != "table",
        "cube" => o.shape == ShapeClass::Cube || (o.shape == ShapeClass::Box && o.label == "cube"),
        "sphere" | "cylinder" => o.shape.noun() == noun && o.label != "table",
        other => o.label == other || o.label.split_whitespace().any(|w| w == other) || o.name.split_whitespace().any(|w| w == other),
    }
}

/// The objects a noun phrase describes, in scene order. `previous` are the last turn's
/// referents, for "it" and "them". Size and position words pick among the matches; a
/// singular phrase that still matches several is ambiguous.
pub fn resolve(scene: &Scene, np: &NounPhrase, previous: &[u16]) -> Result<Vec<u16>, ResolveError> {
    if np.pronoun {
        return if previous.is_empty() { Err(ResolveError::NoAntecedent(np.text.clone())) } else { Ok(previous.to_vec()) };
    }
    // "The thing on top of the blue box": the anchor first, then those in the relation to it.
    let anchors: Option<(crate::Relation, Vec<u16>)> = match &np.rel {
        Some(r) => Some((r.0, resolve(scene, &r.1, previous)?)),
        None => None,
    };
    let mut c: Vec<&Object> = scene
        .objects
        .iter()
        .filter(|o| np.colour.is_none_or(|col| o.colour == col))
        .filter(|o| np.noun.as_deref().is_none_or(|n| noun_matches(o, n)))
        .filter(|o| {
            anchors
                .as_ref()
                .is_none_or(|(rel, ids)| ids.iter().any(|&a| a != o.id && scene.object(a).is_some_and(|a| crate::relate(o, *rel, a).holds)))
        })
        .collect();
    if c.is_empty() {
        let seen: Vec<&str> = scene.objects.iter().map(|o| o.name.as_str()).collect();
        let wanted = np.text.trim_start_matches("the ").to_string();
        return Err(ResolveError::NotFound { wanted, seen: if seen.is_empty() { "nothing".into() } else { seen.join(", ") } });
    }
    if let Some(large) = np.large {
        if c.len() > 1 {
            let vol = |o: &Object| o.size.iter().product::<f32>();
            let pick = if large {
                c.iter().copied().max_by(|a, b| vol(a).total_cmp(&vol(b)))
            } else {
                c.iter().copied().min_by(|a, b| vol(a).total_cmp(&vol(b)))
            };
            c = pick.into_iter().collect();
        }
    }
    if let Some(pos) = &np.position {
        if c.len() > 1 {
            c.sort_by(|a, b| a.centre_cam[0].total_cmp(&b.centre_cam[0]));
            let k = match pos.as_str() {
                "left" => 0,
                "right" => c.len() - 1,
                _ => c.len() / 2,
            };
            c = vec![c[k]];
        }
    }
    if c.len() > 1 && !np.plural && np.noun.as_deref() != Some("object") {
        let names: Vec<&str> = c.iter().map(|o| o.name.as_str()).collect();
        return Err(ResolveError::Ambiguous { wanted: np.text.trim_start_matches("the ").to_string(), candidates: names.join(" and ") });
    }
    Ok(c.iter().map(|o| o.id).collect())
}
