//! CLEVR's published formats, answered from the given scene graph: `spatia eval
//! --clevr-scenes CLEVR_val_scenes.json --clevr-questions CLEVR_val_questions.json`. Each
//! question's functional program is executed over the scene's objects; `relate` uses
//! either CLEVR's own relationship lists (`--clevr-relations given`) or spatia's
//! left/right/front/behind rule on the objects' 3-D coordinates projected on CLEVR's
//! ground directions (`spatia`), which tests spatia's relation definitions against CLEVR's
//! answers. The answer is compared with the question's `answer`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;
use serde_json::Value as Json;
use spatia::reason::{Relation, relate};
use spatia::scene::{ColourName, Object, ShapeClass};

#[derive(Debug, Deserialize)]
struct Scenes {
    scenes: Vec<SceneGraph>,
}

#[derive(Debug, Deserialize)]
struct SceneGraph {
    image_index: usize,
    objects: Vec<ClevrObject>,
    #[serde(default)]
    relationships: BTreeMap<String, Vec<Vec<usize>>>,
    #[serde(default)]
    directions: BTreeMap<String, [f32; 3]>,
}

#[derive(Debug, Clone, Deserialize)]
struct ClevrObject {
    color: String,
    size: String,
    shape: String,
    material: String,
    #[serde(rename = "3d_coords")]
    coords: [f32; 3],
}

#[derive(Debug, Deserialize)]
struct Questions {
    questions: Vec<ClevrQuestion>,
}

#[derive(Debug, Deserialize)]
struct ClevrQuestion {
    image_index: usize,
    #[serde(default)]
    question: String,
    program: Vec<Node>,
    answer: Json,
}

/// A program node, in CLEVR 1.0's form (`function`, `value_inputs`) or the older one
/// (`type`, `side_inputs`).
#[derive(Debug, Deserialize)]
struct Node {
    #[serde(default)]
    inputs: Vec<usize>,
    #[serde(default, alias = "type")]
    function: String,
    #[serde(default, alias = "side_inputs")]
    value_inputs: Vec<String>,
}

/// An intermediate value.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Set(Vec<usize>),
    Obj(usize),
    Str(String),
    Int(usize),
    Bool(bool),
}

impl V {
    fn answer(&self) -> String {
        match self {
            V::Bool(b) => if *b { "yes" } else { "no" }.into(),
            V::Int(n) => n.to_string(),
            V::Str(s) => s.clone(),
            V::Obj(i) => format!("object {i}"),
            V::Set(s) => format!("{s:?}"),
        }
    }
}

/// How `relate` decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relations {
    /// CLEVR's relationship lists.
    Given,
    /// spatia's rule on the coordinates.
    Spatia,
}

/// spatia objects standing for a CLEVR scene: centres on CLEVR's right/behind directions
/// (so spatia's scene frame, x right and y away, holds), CLEVR's size words as extents.
fn as_objects(g: &SceneGraph) -> Vec<Object> {
    let dir = |k: &str, d: [f32; 3]| g.directions.get(k).copied().unwrap_or(d);
    let (right, behind) = (dir("right", [1.0, 0.0, 0.0]), dir("behind", [0.0, 1.0, 0.0]));
    let dot = |a: [f32; 3], b: [f32; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    g.objects
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let r = if o.size == "large" { 0.7 } else { 0.35 };
            let c = [dot(o.coords, right), dot(o.coords, behind), o.coords[2]];
            Object {
                id: i as u16 + 1,
                name: format!("{} {} {} {}", o.size, o.color, o.material, o.shape),
                label: o.shape.clone(),
                colour: ColourName::Gray,
                rgb: [0; 3],
                shape: ShapeClass::Other,
                centre_cam: c,
                centre: c,
                size: [2.0 * r; 3],
                visible_size: [2.0 * r; 3],
                yaw_deg: 0.0,
                fit_residual: 0.0,
                on: None,
                support_gap: 0.0,
                pixels: 0,
                pixel_ids: Vec::new(),
                points: vec![c],
                colours: Vec::new(),
                parts: Vec::new(),
                noise: 0.0,
                footprint: Vec::new(),
            }
        })
        .collect()
}

fn attr<'a>(o: &'a ClevrObject, key: &str) -> &'a str {
    match key {
        "color" => &o.color,
        "size" => &o.size,
        "shape" => &o.shape,
        _ => &o.material,
    }
}

/// Executes a program; `None` when it is invalid on this scene (CLEVR marks such
/// questions; they count as wrong).
fn execute(g: &SceneGraph, objs: &[Object], prog: &[Node], mode: Relations) -> Option<V> {
    let mut vals: Vec<V> = Vec::with_capacity(prog.len());
    let all: Vec<usize> = (0..g.objects.len()).collect();
    for n in prog {
        let arg = |k: usize| n.inputs.get(k).and_then(|&i| vals.get(i)).cloned();
        let set = |k: usize| match arg(k) {
            Some(V::Set(s)) => Some(s),
            _ => None,
        };
        let obj = |k: usize| match arg(k) {
            Some(V::Obj(o)) => Some(o),
            _ => None,
        };
        let f = n.function.as_str();
        let v = match f {
            "scene" => V::Set(all.clone()),
            _ if f.starts_with("filter_") => {
                let key = &f[7..];
                let want = n.value_inputs.first()?;
                V::Set(set(0)?.into_iter().filter(|&i| attr(&g.objects[i], key) == want).collect())
            }
            "unique" => match set(0)?.as_slice() {
                [one] => V::Obj(*one),
                _ => return None,
            },
            "relate" => {
                let x = obj(0)?;
                let rel = n.value_inputs.first()?.as_str();
                match mode {
                    Relations::Given => V::Set(g.relationships.get(rel)?.get(x)?.clone()),
                    Relations::Spatia => {
                        let r = match rel {
                            "left" => Relation::LeftOf,
                            "right" => Relation::RightOf,
                            "front" => Relation::InFrontOf,
                            "behind" => Relation::Behind,
                            _ => return None,
                        };
                        V::Set(all.iter().copied().filter(|&j| j != x && relate(&objs[j], r, &objs[x]).holds).collect())
                    }
                }
            }
            "union" => {
                let mut s = set(0)?;
                s.extend(set(1)?);
                s.sort_unstable();
                s.dedup();
                V::Set(s)
            }
            "intersect" => {
                let b = set(1)?;
                V::Set(set(0)?.into_iter().filter(|i| b.contains(i)).collect())
            }
            "count" => V::Int(set(0)?.len()),
            "exist" => V::Bool(!set(0)?.is_empty()),
            _ if f.starts_with("query_") => V::Str(attr(&g.objects[obj(0)?], &f[6..]).to_string()),
            _ if f.starts_with("same_") => {
                let x = obj(0)?;
                let key = &f[5..];
                let a = attr(&g.objects[x], key);
                V::Set(all.iter().copied().filter(|&j| j != x && attr(&g.objects[j], key) == a).collect())
            }
            "equal_integer" | "less_than" | "greater_than" => {
                let (Some(V::Int(a)), Some(V::Int(b))) = (arg(0), arg(1)) else { return None };
                V::Bool(match f {
                    "equal_integer" => a == b,
                    "less_than" => a < b,
                    _ => a > b,
                })
            }
            _ if f.starts_with("equal_") => {
                let (Some(V::Str(a)), Some(V::Str(b))) = (arg(0), arg(1)) else { return None };
                V::Bool(a == b)
            }
            _ => return None,
        };
        vals.push(v);
    }
    vals.pop()
}

/// Accuracy per final function and overall.
pub struct ClevrReport {
    /// (function, questions, right).
    pub families: BTreeMap<String, (usize, usize)>,
    /// Questions whose program could not be run on their scene.
    pub invalid: usize,
    /// First failures: question, expected, given.
    pub failures: Vec<(String, String, String)>,
}

/// Runs CLEVR questions against their scene graphs.
pub fn run(scenes: &Path, questions: &Path, mode: Relations, limit: Option<usize>) -> anyhow::Result<ClevrReport> {
    let s: Scenes = serde_json::from_str(&std::fs::read_to_string(scenes).with_context(|| format!("reading {}", scenes.display()))?)
        .with_context(|| format!("{}: not a CLEVR scenes file", scenes.display()))?;
    let q: Questions =
        serde_json::from_str(&std::fs::read_to_string(questions).with_context(|| format!("reading {}", questions.display()))?)
            .with_context(|| format!("{}: not a CLEVR questions file", questions.display()))?;
    let graphs: BTreeMap<usize, (&SceneGraph, Vec<Object>)> = s.scenes.iter().map(|g| (g.image_index, (g, as_objects(g)))).collect();
    let mut rep = ClevrReport { families: BTreeMap::new(), invalid: 0, failures: Vec::new() };
    for question in q.questions.iter().take(limit.unwrap_or(usize::MAX)) {
        let Some((g, objs)) = graphs.get(&question.image_index) else {
            bail!("question about image {} has no scene in {}", question.image_index, scenes.display());
        };
        let family = question.program.last().map_or("none".to_string(), |n| n.function.clone());
        let got = execute(g, objs, &question.program, mode);
        let want = match &question.answer {
            Json::String(s) => s.clone(),
            Json::Bool(b) => if *b { "yes" } else { "no" }.into(),
            other => other.to_string(),
        };
        let e = rep.families.entry(family).or_default();
        e.0 += 1;
        match got {
            Some(v) if v.answer() == want => e.1 += 1,
            Some(v) => {
                if rep.failures.len() < 10 {
                    rep.failures.push((question.question.clone(), want, v.answer()));
                }
            }
            None => rep.invalid += 1,
        }
    }
    Ok(rep)
}
