//! From a query to the objects it is about: noun phrases resolved, relation filters
//! applied on the scene's geometry, and the focus that the token allocation follows.

use spatia_reason::{Focus, NounPhrase, Query, Relation, ResolveError, between, rank_by_distance, relate, resolve};
use spatia_scene::{Object, Scene};

use crate::answer::{Evidence, EvidenceKind};
use crate::{Error, Result};

/// The objects a query is about, by role.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The query executed (a follow-up already applied to the previous one).
    pub query: Query,
    /// The subject: "what", "subject", or "a" of the query.
    pub subjects: Vec<u16>,
    /// The second argument: the relation's anchor, or "b".
    pub anchors: Vec<u16>,
    /// What the query selects: the objects in the relation, the ones counted, the
    /// candidates of a superlative or of "closest" (nearest first).
    pub results: Vec<u16>,
    /// The second argument is the camera.
    pub camera: bool,
    /// Parts asked about: (object id, part index).
    pub parts: Vec<(u16, usize)>,
    /// Where the allocation's attention goes.
    pub focus: Focus,
    /// How phrases were matched.
    pub notes: Vec<Evidence>,
    /// How certain the matching is, in (0, 1]: below 1 when a size or position word had
    /// to pick one of several.
    pub certainty: f32,
}

/// Objects a phrase names; "none" is an answer for counting and existence, so it is
/// returned empty there rather than as an error.
fn objects(
    scene: &Scene,
    np: &NounPhrase,
    previous: &[u16],
    plural: bool,
    notes: &mut Vec<Evidence>,
    certainty: &mut f32,
) -> Result<Vec<u16>> {
    let mut np = np.clone();
    np.plural |= plural;
    let ids = match resolve(scene, &np, previous) {
        Ok(ids) => ids,
        Err(ResolveError::NotFound { .. }) if plural => Vec::new(),
        Err(e) => return Err(Error::Resolve(e)),
    };
    if !np.pronoun && (np.large.is_some() || np.position.is_some()) {
        let loose = NounPhrase { large: None, position: None, plural: true, ..np.clone() };
        if let Ok(all) = resolve(scene, &loose, previous) {
            if all.len() > 1 && ids.len() == 1 {
                *certainty *= 0.9;
                let names: Vec<&str> = all.iter().filter_map(|&i| scene.object(i)).map(|o| o.name.as_str()).collect();
                notes.push(Evidence::note(EvidenceKind::Resolution, format!("\"{}\" picked one of: {}", np.text, names.join(", ")), &ids));
            }
        }
    }
    if np.pronoun {
        notes.push(Evidence::note(EvidenceKind::Resolution, format!("\"{}\" is what the previous answer was about", np.text), &ids));
    }
    Ok(ids)
}

/// Parts of `ids` that the phrase's part word names ("legs", "top", "backrest").
fn parts(scene: &Scene, ids: &[u16], np: &NounPhrase) -> Result<Vec<(u16, usize)>> {
    let Some(word) = &np.part else { return Ok(Vec::new()) };
    let stem = |w: &str| -> String {
        let w = w.trim();
        let w = w.strip_suffix("rest").unwrap_or(w);
        w.strip_suffix('s').filter(|s| !s.is_empty() && !s.ends_with('s')).unwrap_or(w).to_string()
    };
    let want = stem(word);
    let mut out = Vec::new();
    for &id in ids {
        let Some(o) = scene.object(id) else { continue };
        for (k, p) in o.parts.iter().enumerate() {
            if p.name.split_whitespace().any(|w| stem(w) == want) || stem(&p.name) == want {
                out.push((id, k));
            }
        }
    }
    if out.is_empty() {
        let o = ids.first().and_then(|&i| scene.object(i));
        let have: Vec<&str> = o.map(|o| o.parts.iter().map(|p| p.name.as_str()).collect()).unwrap_or_default();
        return Err(Error::Resolve(ResolveError::NotFound {
            wanted: format!("{} of the {}", word, o.map_or("object", |o| o.name.as_str())),
            seen: if have.is_empty() { "no parts".into() } else { format!("its parts {}", have.join(", ")) },
        }));
    }
    Ok(out)
}

fn related(scene: &Scene, cands: &[u16], rel: Relation, anchors: &[u16]) -> Vec<u16> {
    cands
        .iter()
        .copied()
        .filter(|&c| {
            let Some(o) = scene.object(c) else { return false };
            anchors.iter().any(|&a| a != c && scene.object(a).is_some_and(|a| relate(o, rel, a).holds))
        })
        .collect()
}

/// Everything except `excluded`.
fn others(scene: &Scene, excluded: &[u16]) -> Vec<u16> {
    scene.objects.iter().map(|o| o.id).filter(|i| !excluded.contains(i)).collect()
}

/// Resolves the query's phrases against the scene (`previous`: the last answer's
/// referents, for "it") and selects what it asks for.
pub fn plan(query: &Query, scene: &Scene, previous: &[u16]) -> Result<Plan> {
    let query = match query {
        // Without a previous question a follow-up asks about the new object.
        Query::FollowUp { what } => Query::Describe { what: what.clone() },
        q => q.clone(),
    };
    let mut notes = Vec::new();
    let mut certainty = 1.0f32;
    let mut p = Plan {
        query: query.clone(),
        subjects: Vec::new(),
        anchors: Vec::new(),
        results: Vec::new(),
        camera: false,
        parts: Vec::new(),
        focus: Focus::default(),
        notes: Vec::new(),
        certainty: 1.0,
    };
    macro_rules! one {
        ($np:expr) => {
            objects(scene, $np, previous, false, &mut notes, &mut certainty)?
        };
    }
    macro_rules! many {
        ($np:expr) => {
            objects(scene, $np, previous, true, &mut notes, &mut certainty)?
        };
    }
    let scene_words = ["scene", "room", "picture", "image", "photo", "everything", "view"];
    match &query {
        Query::WhatRel { rel, anchor } => {
            p.anchors = one!(anchor);
            p.results = related(scene, &others(scene, &p.anchors), *rel, &p.anchors);
        }
        Query::IsRel { subject, anchor, .. } => {
            p.subjects = one!(subject);
            p.anchors = one!(anchor);
        }
        Query::Count { what, rel } | Query::Exists { what, rel } => {
            let mut c = many!(what);
            if let Some((r, anchor)) = rel {
                p.anchors = one!(anchor);
                c = related(scene, &c, *r, &p.anchors);
            }
            p.results = c;
        }
        Query::Distance { a, b, .. } | Query::Compare { a, b, .. } => {
            p.subjects = one!(a);
            if b.camera {
                p.camera = true;
            } else {
                p.anchors = one!(b);
            }
        }
        Query::Describe { what } if what.noun.as_deref().is_some_and(|n| scene_words.contains(&n)) && what.colour.is_none() => {}
        Query::Size { what, .. } | Query::Colour { what } | Query::Shape { what } | Query::Where { what } | Query::Describe { what } => {
            p.subjects = one!(what);
            p.parts = parts(scene, &p.subjects, what)?;
        }
        Query::Support { what } => {
            p.subjects = one!(what);
            p.anchors = p.subjects.iter().filter_map(|&i| scene.object(i)?.on).collect();
        }
        Query::Between { a, b } => {
            let (x, y) = (one!(a), one!(b));
            p.anchors = x.iter().chain(&y).copied().collect();
            if let (Some(oa), Some(ob)) = (x.first().and_then(|&i| scene.object(i)), y.first().and_then(|&i| scene.object(i))) {
                p.results =
                    others(scene, &p.anchors).into_iter().filter(|&i| scene.object(i).is_some_and(|o| between(o, oa, ob).holds)).collect();
            }
        }
        Query::Closest { anchor, among, .. } => {
            if anchor.camera {
                p.camera = true;
            } else {
                p.anchors = one!(anchor);
            }
            let cands = match among {
                Some(np) => {
                    let c = many!(np);
                    if c.is_empty() {
                        return Err(Error::Resolve(missing(scene, np)));
                    }
                    c
                }
                None => others(scene, &p.anchors),
            };
            p.results = cands.into_iter().filter(|c| !p.anchors.contains(c)).collect();
        }
        Query::Superlative { what, rel, .. } => {
            let mut c = many!(what);
            if let Some((r, anchor)) = rel {
                p.anchors = one!(anchor);
                c = related(scene, &c, *r, &p.anchors);
            }
            p.results = c;
        }
        Query::FollowUp { .. } => {}
    }
    // Closest: the ranking is geometric; the winner (and a near-tied runner-up) is measured.
    if let Query::Closest { farthest, .. } = &query {
        let cands: Vec<&Object> = p.results.iter().filter_map(|&i| scene.object(i)).collect();
        let mut ranked: Vec<(u16, f32)> = if p.camera {
            let cam = camera_position(scene);
            let mut v: Vec<(u16, f32)> = cands.iter().map(|o| (o.id, camera_distance(o, cam))).collect();
            v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            v
        } else if let Some(a) = p.anchors.first().and_then(|&i| scene.object(i)) {
            rank_by_distance(a, &cands).0.into_iter().map(|(o, d)| (o.id, d)).collect()
        } else {
            Vec::new()
        };
        if *farthest {
            ranked.reverse();
        }
        p.results = ranked.into_iter().map(|(i, _)| i).collect();
    }
    let top: Vec<u16> = match &query {
        Query::Closest { .. } => p.results.iter().take(2).copied().collect(),
        Query::Support { .. } => p.subjects.clone(),
        _ => p.subjects.iter().chain(&p.results).copied().collect(),
    };
    p.focus = Focus {
        targets: if p.parts.is_empty() { dedup(top) } else { Vec::new() },
        anchors: dedup(p.anchors.iter().copied().filter(|a| !p.subjects.contains(a) && !p.results.contains(a)).collect()),
        target_parts: p.parts.clone(),
    };
    p.notes = notes;
    p.certainty = certainty;
    Ok(p)
}

fn dedup(mut v: Vec<u16>) -> Vec<u16> {
    let mut seen = std::collections::BTreeSet::new();
    v.retain(|x| seen.insert(*x));
    v
}

fn missing(scene: &Scene, np: &NounPhrase) -> ResolveError {
    let seen: Vec<&str> = scene.objects.iter().map(|o| o.name.as_str()).collect();
    ResolveError::NotFound {
        wanted: np.text.trim_start_matches("the ").into(),
        seen: if seen.is_empty() { "nothing".into() } else { seen.join(", ") },
    }
}

/// The camera's position in the scene frame.
pub fn camera_position(scene: &Scene) -> [f32; 3] {
    let t = scene.frame.cam_to_scene.translation.vector;
    [t.x, t.y, t.z]
}

/// Distance from `cam` to the nearest point of an object's completed surface, metres.
pub fn camera_distance(o: &Object, cam: [f32; 3]) -> f32 {
    spatia_reason::surface_points(o)
        .iter()
        .map(|p| ((p[0] - cam[0]).powi(2) + (p[1] - cam[1]).powi(2) + (p[2] - cam[2]).powi(2)).sqrt())
        .fold(f32::INFINITY, f32::min)
}
