//! The scene tree (scene > objects > parts), each node's relevance to a query, and the
//! allocation of the token budget down the tree.

use serde::{Deserialize, Serialize};
use spatia_scene::Scene;

use crate::allocation::{Strategy, split};

/// Relevance of the resolved targets.
pub const TARGET_RELEVANCE: f32 = 1.0;
/// Relevance of the anchors (the objects a relation is measured from) and of the other
/// parts of a target object.
pub const ANCHOR_RELEVANCE: f32 = 0.6;
/// Relevance floor of everything else, before the proximity falloff.
pub const R_MIN: f32 = 0.05;
/// Distance (metres) over which the relevance of the rest falls by a factor e.
pub const FALLOFF_M: f32 = 1.0;
/// The falloff never takes the relevance below this fraction of [`R_MIN`].
pub const FALLOFF_FLOOR: f32 = 0.2;

/// What a query is about: target objects (and optionally target parts) and anchors.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Focus {
    /// Object ids the question asks about.
    pub targets: Vec<u16>,
    /// Object ids the question measures from.
    pub anchors: Vec<u16>,
    /// (object id, part index) the question asks about.
    pub target_parts: Vec<(u16, usize)>,
}

/// A node of the scene tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NodeId {
    /// The whole scene.
    Scene,
    /// An object, by id.
    Object(u16),
    /// A part: object id and part index.
    Part(u16, usize),
}

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeId::Scene => write!(f, "scene"),
            NodeId::Object(o) => write!(f, "{o}"),
            NodeId::Part(o, p) => write!(f, "{o}.{}", p + 1),
        }
    }
}

/// Level of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The scene.
    Scene,
    /// An object.
    Object,
    /// A part.
    Part,
}

/// One node's share: DESIGN.md's `{"id","level","name","relevance","tokens"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeShare {
    /// "scene", "3" (object 3) or "3.2" (its second part).
    pub id: String,
    /// Level.
    pub level: Level,
    /// Human name ("table", "table top").
    pub name: String,
    /// Relevance in [0, 1].
    pub relevance: f32,
    /// Tokens given to the node (a parent's tokens are its children's sum).
    pub tokens: usize,
}

/// The allocation: the budget and every node's share, scene first, then each object
/// followed by its parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    /// Total tokens.
    pub budget: usize,
    /// Shares.
    pub nodes: Vec<NodeShare>,
}

impl Allocation {
    /// Tokens of a node (0 if it is not in the tree).
    pub fn tokens(&self, id: NodeId) -> usize {
        let key = id.to_string();
        self.nodes.iter().find(|n| n.id == key).map_or(0, |n| n.tokens)
    }
}

/// Relevance of every object and part of `scene` for `focus`. With nothing in focus every
/// node is equally relevant (1). Otherwise targets get 1, anchors 0.6, and the rest
/// `R_MIN` times a falloff with the distance to the nearest target or anchor. Parts: a
/// target part 1 and its siblings 0.6; all parts of a target object without a named part
/// 1; parts of other objects inherit their object's relevance.
pub fn relevance(scene: &Scene, focus: &Focus) -> (Vec<f32>, Vec<Vec<f32>>) {
    let empty = focus.targets.is_empty() && focus.anchors.is_empty() && focus.target_parts.is_empty();
    let centre = |id: u16| scene.object(id).map(|o| o.centre);
    let foci: Vec<[f32; 3]> =
        focus.targets.iter().chain(&focus.anchors).chain(focus.target_parts.iter().map(|(o, _)| o)).filter_map(|&id| centre(id)).collect();
    let mut objects = Vec::with_capacity(scene.objects.len());
    let mut parts = Vec::with_capacity(scene.objects.len());
    for o in &scene.objects {
        let has_part_target = focus.target_parts.iter().any(|(id, _)| *id == o.id);
        let r = if empty || focus.targets.contains(&o.id) || has_part_target {
            TARGET_RELEVANCE
        } else if focus.anchors.contains(&o.id) {
            ANCHOR_RELEVANCE
        } else {
            let d = foci
                .iter()
                .map(|c| ((c[0] - o.centre[0]).powi(2) + (c[1] - o.centre[1]).powi(2) + (c[2] - o.centre[2]).powi(2)).sqrt())
                .fold(f32::INFINITY, f32::min);
            R_MIN * (-d / FALLOFF_M).exp().max(FALLOFF_FLOOR)
        };
        objects.push(r);
        parts.push(
            (0..o.parts.len())
                .map(|k| {
                    if has_part_target {
                        if focus.target_parts.contains(&(o.id, k)) { TARGET_RELEVANCE } else { ANCHOR_RELEVANCE }
                    } else {
                        r
                    }
                })
                .collect(),
        );
    }
    (objects, parts)
}

/// Shares `budget` tokens down the tree: the scene's budget among the objects in
/// proportion to `strategy`'s weight of their relevance, each object's among its parts
/// the same way; integer-rounded by largest remainder so every level sums exactly, and
/// every node keeps at least one token while the budget allows.
pub fn allocate(scene: &Scene, focus: &Focus, budget: usize, strategy: Strategy) -> Allocation {
    let (rel, part_rel) = relevance(scene, focus);
    let shares = split(budget, &rel.iter().map(|&r| strategy.weight(r)).collect::<Vec<_>>());
    let mut nodes =
        vec![NodeShare { id: NodeId::Scene.to_string(), level: Level::Scene, name: "scene".into(), relevance: 1.0, tokens: budget }];
    for (k, o) in scene.objects.iter().enumerate() {
        nodes.push(NodeShare {
            id: NodeId::Object(o.id).to_string(),
            level: Level::Object,
            name: o.name.clone(),
            relevance: rel[k],
            tokens: shares[k],
        });
        let ps = split(shares[k], &part_rel[k].iter().map(|&r| strategy.weight(r)).collect::<Vec<_>>());
        for (j, p) in o.parts.iter().enumerate() {
            nodes.push(NodeShare {
                id: NodeId::Part(o.id, j).to_string(),
                level: Level::Part,
                name: format!("{} {}", o.name, p.name),
                relevance: part_rel[k][j],
                tokens: ps[j],
            });
        }
    }
    Allocation { budget, nodes }
}

/// A per-pixel weight map for the adaptive mesher ([`spatia_geom::GridSurface::adaptive_mesh`]):
/// each object's pixels weigh `strategy`'s weight of its relevance, everything else that of
/// the relevance floor, so a question refines the mesh where it matters.
pub fn pixel_weights(scene: &Scene, focus: &Focus, strategy: Strategy) -> Vec<f32> {
    let (rel, _) = relevance(scene, focus);
    let floor = strategy.weight(R_MIN * FALLOFF_FLOOR) as f32;
    scene
        .object_map
        .iter()
        .map(|&id| if id == 0 { floor } else { rel.get(id as usize - 1).map_or(floor, |&r| strategy.weight(r) as f32) })
        .collect()
}
