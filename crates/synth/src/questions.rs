//! Questions with exact answers from the ground truth, for tests and eval suites. Every
//! family the reasoning crate reads, in several phrasings; consistency twins (swapped
//! arguments, paraphrases) share a `pair` id. As CLEVR does, a question whose answer
//! would sit near a rule's threshold is not asked (directions within 10 cm, heights
//! within 25 %, camera distances within 0.5 m), objects under [`MIN_PIXELS`] are not
//! asked about, and categorical answers are balanced by [`balance`].

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::scene::ShapeKind;
use crate::write::{Truth, TruthObject, shape_word};

/// Objects with fewer visible pixels are not asked about (nor counted where one would be
/// ambiguous).
pub const MIN_PIXELS: usize = 400;
/// Direction questions need the centres this far apart along the asked axis, metres.
pub const DIRECTION_BAND: f32 = 0.10;
/// "Which is taller" needs heights this many times apart.
pub const HEIGHT_RATIO: f32 = 1.25;
/// "Which is closer to the camera" needs centre distances this far apart, metres.
pub const CAMERA_BAND: f32 = 0.5;
/// Most common answer of a categorical family at most this many times the next.
pub const BALANCE: f32 = 1.1;

/// A question, as the batch input takes it, with its truth record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Unique id.
    pub id: String,
    /// Scene directory, relative to the suite folder.
    pub scene: String,
    /// The question.
    pub question: String,
    /// Family: support, what_rel, is_rel, count, exists, distance, size, colour, shape,
    /// compare, closer, superlative, describe, where; and paraphrase (words outside the
    /// lexicon: "to the left-hand side of", "at the rear of", "globe").
    pub family: String,
    /// The answer's value kind (the `Answer` contract's kinds).
    pub kind: String,
    /// The exact answer (a describe answer: `{"name", "height"}`).
    pub expected: Value,
    /// Allowed error for metres, metres.
    pub tolerance: Option<f32>,
    /// Consistency twins share this.
    pub pair: Option<String>,
}

/// The lines of `questions.jsonl` and `truth.jsonl`.
impl Question {
    /// `{"id","scene","question"}`.
    pub fn input_line(&self) -> Value {
        json!({"id": self.id, "scene": self.scene, "question": self.question})
    }

    /// `{"id","family","kind","expected","tolerance"?,"pair"?}`.
    pub fn truth_line(&self) -> Value {
        let mut v = json!({"id": self.id, "family": self.family, "kind": self.kind, "expected": self.expected});
        if let Some(t) = self.tolerance {
            v["tolerance"] = json!(t);
        }
        if let Some(p) = &self.pair {
            v["pair"] = json!(p);
        }
        v
    }
}

/// Metric tolerance: 10 % or 2 cm, whichever is larger.
pub fn tolerance(v: f32) -> f32 {
    (0.1 * v).max(0.02)
}

fn dist(a: [f32; 3], b: [f32; 3]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

fn plural(shape: ShapeKind) -> &'static str {
    match shape {
        ShapeKind::Box => "boxes",
        ShapeKind::Sphere => "spheres",
        ShapeKind::Cylinder => "cylinders",
        ShapeKind::Table => "tables",
        ShapeKind::Chair => "chairs",
    }
}

struct Gen<'a> {
    scene: &'a str,
    out: Vec<Question>,
    n: usize,
    prefix: String,
}

impl Gen<'_> {
    fn push(&mut self, family: &str, kind: &str, text: String, expected: Value, tolerance: Option<f32>, pair: Option<&str>) {
        self.n += 1;
        self.out.push(Question {
            id: format!("{}-{}", self.prefix, self.n),
            scene: self.scene.to_string(),
            question: text,
            family: family.into(),
            kind: kind.into(),
            expected,
            tolerance,
            pair: pair.map(|p| format!("{}-{p}", self.prefix)),
        });
    }
}

/// Every question the ground truth of one scene answers. `scene` is its directory
/// relative to the suite; `prefix` makes ids unique across scenes.
pub fn questions(truth: &Truth, scene: &str, prefix: &str) -> Vec<Question> {
    let mut g = Gen { scene, out: Vec::new(), n: 0, prefix: prefix.to_string() };
    let seen: Vec<&TruthObject> = truth.objects.iter().filter(|t| t.pixels >= MIN_PIXELS).collect();
    let faint = |pred: &dyn Fn(&TruthObject) -> bool| truth.objects.iter().any(|t| t.pixels > 0 && t.pixels < MIN_PIXELS && pred(t));
    let name_of =
        |id: Option<u16>| id.and_then(|i| truth.objects.iter().find(|t| t.id == i)).map_or("floor".to_string(), |t| t.name.clone());
    let cam = [0.0, 0.0, truth.camera_height];
    let things: Vec<&TruthObject> = seen.iter().copied().filter(|t| t.shape != ShapeKind::Table).collect();

    for (k, o) in seen.iter().enumerate() {
        let load: Vec<&TruthObject> = seen.iter().copied().filter(|t| t.on == Some(o.id)).collect();
        let load_faint = faint(&|t| t.on == Some(o.id));
        // What rests on it, in two phrasings.
        if !load_faint {
            let mut names: Vec<String> = load.iter().map(|t| t.name.clone()).collect();
            names.sort();
            let pair = format!("on{k}");
            for text in [format!("What is on top of the {}?", o.name), format!("What is resting on the {}?", o.name)] {
                g.push("what_rel", "names", text, json!(names), None, Some(&pair));
            }
            // Two-hop attributes of a single load.
            if let [only] = load[..] {
                g.push(
                    "colour",
                    "colour",
                    format!("What colour is the thing on top of the {}?", o.name),
                    json!(only.colour.name()),
                    None,
                    None,
                );
                if only.shape != ShapeKind::Table {
                    g.push(
                        "shape",
                        "shape",
                        format!("What shape is the thing on top of the {}?", o.name),
                        json!(shape_word(only.shape)),
                        None,
                        None,
                    );
                }
            }
            if o.shape == ShapeKind::Table && load.len() >= 2 {
                let mut h: Vec<(&TruthObject, f32)> = load.iter().map(|t| (*t, t.size[2])).collect();
                h.sort_by(|a, b| b.1.total_cmp(&a.1));
                if h[0].1 > HEIGHT_RATIO * h[1].1 {
                    g.push("superlative", "name", format!("What is the tallest thing on the {}?", o.name), json!(h[0].0.name), None, None);
                }
                g.push("count", "count", format!("How many things are on the {}?", o.name), json!(load.len()), None, None);
            }
        }
        if o.shape == ShapeKind::Table {
            continue;
        }
        // Support and where.
        let sup = name_of(o.on);
        let pair = format!("sup{k}");
        g.push("support", "name", format!("What is the {} resting on?", o.name), json!(sup), None, Some(&pair));
        g.push("support", "name", format!("What is the {} sitting on?", o.name), json!(sup), None, Some(&pair));
        g.push("where", "name", format!("Where is the {}?", o.name), json!(sup), None, None);
        // Height, two phrasings.
        let h = o.size[2];
        let pair = format!("h{k}");
        g.push("size", "metres", format!("How tall is the {}?", o.name), json!(h), Some(tolerance(h)), Some(&pair));
        g.push("size", "metres", format!("What is the height of the {}?", o.name), json!(h), Some(tolerance(h)), Some(&pair));
        // Distance from the camera to a sphere's surface.
        if o.shape == ShapeKind::Sphere {
            let d = dist(o.centre, cam) - o.size[0] / 2.0;
            g.push("distance", "metres", format!("How far is the {} from the camera?", o.name), json!(d), Some(tolerance(d)), None);
        }
        g.push("describe", "text", format!("Describe the {}", o.name), json!({"name": o.name, "height": h}), Some(tolerance(h)), None);
        if o.shape == ShapeKind::Sphere && o.name == format!("{} sphere", o.colour.name()) {
            g.push("paraphrase", "metres", format!("How tall is the {} globe?", o.colour.name()), json!(h), Some(tolerance(h)), None);
        }
    }

    // Pairs.
    for (i, a) in things.iter().enumerate() {
        for (j, b) in things.iter().enumerate().skip(i + 1) {
            let dx = b.centre[0] - a.centre[0];
            if dx.abs() > DIRECTION_BAND {
                // B left of A iff dx < 0; asked both ways round and both answers.
                let pair = format!("lr{i}-{j}");
                g.push("is_rel", "bool", format!("Is the {} left of the {}?", b.name, a.name), json!(dx < 0.0), None, Some(&pair));
                g.push("is_rel", "bool", format!("Is the {} right of the {}?", a.name, b.name), json!(dx < 0.0), None, Some(&pair));
                // A phrasing outside the lexicon (matched by meaning, when a matcher is on).
                g.push(
                    "paraphrase",
                    "bool",
                    format!("Is the {} to the left-hand side of the {}?", b.name, a.name),
                    json!(dx < 0.0),
                    None,
                    None,
                );
            }
            let dy = b.centre[1] - a.centre[1];
            if dy.abs() > DIRECTION_BAND {
                let pair = format!("fb{i}-{j}");
                g.push("is_rel", "bool", format!("Is the {} behind the {}?", b.name, a.name), json!(dy > 0.0), None, Some(&pair));
                g.push("is_rel", "bool", format!("Is the {} in front of the {}?", a.name, b.name), json!(dy > 0.0), None, Some(&pair));
                g.push("paraphrase", "bool", format!("Is the {} at the rear of the {}?", b.name, a.name), json!(dy > 0.0), None, None);
            }
            let c = dist(a.centre, b.centre);
            let pair = format!("cc{i}-{j}");
            g.push(
                "distance",
                "metres",
                format!("How far is the {} from the {}, center to center?", a.name, b.name),
                json!(c),
                Some(tolerance(c)),
                Some(&pair),
            );
            g.push(
                "distance",
                "metres",
                format!("How far is the {} from the {}, center to center?", b.name, a.name),
                json!(c),
                Some(tolerance(c)),
                Some(&pair),
            );
            if a.shape == ShapeKind::Sphere && b.shape == ShapeKind::Sphere {
                let s = (c - a.size[0] / 2.0 - b.size[0] / 2.0).max(0.0);
                g.push(
                    "distance",
                    "metres",
                    format!("What is the distance between the {} and the {}?", a.name, b.name),
                    json!(s),
                    Some(tolerance(s)),
                    None,
                );
            }
            let (ha, hb) = (a.size[2], b.size[2]);
            if ha.max(hb) > HEIGHT_RATIO * ha.min(hb) {
                let taller = if ha > hb { &a.name } else { &b.name };
                let pair = format!("t{i}-{j}");
                g.push("compare", "name", format!("Which is taller, the {} or the {}?", a.name, b.name), json!(taller), None, Some(&pair));
                g.push("compare", "name", format!("Which is taller, the {} or the {}?", b.name, a.name), json!(taller), None, Some(&pair));
                g.push("compare", "bool", format!("Is the {} taller than the {}?", a.name, b.name), json!(ha > hb), None, None);
            }
            let (ca, cb) = (dist(a.centre, cam), dist(b.centre, cam));
            if (ca - cb).abs() > CAMERA_BAND {
                let closer = if ca < cb { &a.name } else { &b.name };
                g.push(
                    "closer",
                    "name",
                    format!("Which is closer to the camera, the {} or the {}?", a.name, b.name),
                    json!(closer),
                    None,
                    None,
                );
            }
        }
    }

    // Counting and existence by shape and by colour.
    for shape in [ShapeKind::Sphere, ShapeKind::Cylinder, ShapeKind::Box] {
        if faint(&|t| t.shape == shape) {
            continue;
        }
        let n = seen.iter().filter(|t| t.shape == shape).count();
        g.push("count", "count", format!("How many {} are there?", plural(shape)), json!(n), None, None);
        if shape == ShapeKind::Sphere {
            g.push("paraphrase", "count", "How many globes are there?".to_string(), json!(n), None, None);
        }
        g.push("exists", "bool", format!("Is there a {}?", shape_word(shape)), json!(n > 0), None, None);
    }
    let mut colours: Vec<&str> = truth.objects.iter().filter(|t| t.shape != ShapeKind::Table).map(|t| t.colour.name()).collect();
    colours.sort();
    colours.dedup();
    for c in colours {
        if faint(&|t| t.colour.name() == c && t.shape != ShapeKind::Table) {
            continue;
        }
        for shape in [ShapeKind::Sphere, ShapeKind::Cylinder, ShapeKind::Box] {
            let n = things.iter().filter(|t| t.colour.name() == c && t.shape == shape).count();
            g.push("exists", "bool", format!("Is there a {c} {}?", shape_word(shape)), json!(n > 0), None, None);
        }
    }
    g.out
}

/// Drops questions so that, within each categorical family, no answer is more than
/// [`BALANCE`] times as common as the next most common one (metric and text families are
/// kept whole). Deterministic: the first questions of each answer are kept; a twin
/// whose partner was dropped loses its pair id.
pub fn balance(qs: Vec<Question>) -> Vec<Question> {
    use std::collections::BTreeMap;
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for q in &qs {
        if q.kind != "metres" && q.kind != "text" {
            *counts.entry((q.family.clone(), q.expected.to_string())).or_default() += 1;
        }
    }
    let mut caps: BTreeMap<String, usize> = BTreeMap::new();
    let families: std::collections::BTreeSet<String> = counts.keys().map(|k| k.0.clone()).collect();
    for f in families {
        let mut c: Vec<usize> = counts.iter().filter(|(k, _)| k.0 == f).map(|(_, v)| *v).collect();
        c.sort_unstable_by(|a, b| b.cmp(a));
        let cap = if c.len() >= 2 { ((c[1] as f32) * BALANCE).floor().max(1.0) as usize } else { c[0] };
        caps.insert(f, cap);
    }
    let mut used: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut out: Vec<Question> = Vec::new();
    for q in qs {
        if let Some(cap) = caps.get(&q.family) {
            let u = used.entry((q.family.clone(), q.expected.to_string())).or_default();
            if *u >= *cap {
                continue;
            }
            *u += 1;
        }
        out.push(q);
    }
    let mut pairs: BTreeMap<String, usize> = BTreeMap::new();
    for q in &out {
        if let Some(p) = &q.pair {
            *pairs.entry(p.clone()).or_default() += 1;
        }
    }
    for q in &mut out {
        if q.pair.as_ref().is_some_and(|p| pairs.get(p).copied().unwrap_or(0) < 2) {
            q.pair = None;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_questions_are_balanced_and_paired() {
        let mut all = Vec::new();
        for seed in 0..12 {
            let s = crate::generate(seed, &crate::SceneParams { width: 320, height: 240, ..Default::default() });
            let r = crate::render(&s);
            let t = crate::truth(&s, &r, None);
            all.extend(questions(&t, &format!("scene-{seed}"), &format!("s{seed}")));
        }
        let total = all.len();
        let b = balance(all);
        assert!(b.len() > total / 2, "{} of {total}", b.len());
        for fam in ["is_rel", "exists", "count", "support"] {
            let mut c: std::collections::BTreeMap<String, usize> = Default::default();
            for q in b.iter().filter(|q| q.family == fam) {
                *c.entry(q.expected.to_string()).or_default() += 1;
            }
            let mut v: Vec<usize> = c.values().copied().collect();
            v.sort_unstable_by(|a, b| b.cmp(a));
            if v.len() >= 2 {
                assert!(v[0] as f32 <= BALANCE * v[1] as f32 + 1.0, "{fam}: {c:?}");
            }
        }
        // Swapped-argument twins carry the same answer.
        let mut by_pair: std::collections::BTreeMap<&str, Vec<&Question>> = Default::default();
        for q in &b {
            if let Some(p) = &q.pair {
                by_pair.entry(p).or_default().push(q);
            }
        }
        assert!(by_pair.len() > 20);
        for qs in by_pair.values() {
            assert!(qs.windows(2).all(|w| w[0].expected == w[1].expected), "{qs:?}");
        }
    }
}
