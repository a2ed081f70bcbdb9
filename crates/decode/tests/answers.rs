//! Answers against ground truth on generated scenes: every question family, asked with the
//! generator's own names, scored the way the eval scores (sets exact, lengths within
//! 10 % or 2 cm), with agreement floors per family (issue 5).

use std::collections::BTreeMap;
use std::path::PathBuf;

use spatia_decode::{Answer, Grounded, Options, Value, answer};
use spatia_reason::{Lexicon, Relation, parse, relate, shape_surface};
use spatia_scene::{ColourName, Object, Scene, SceneConfig, ShapeClass};
use spatia_synth::{CameraPose, SceneParams, ShapeKind, Truth, TruthObject, generate, render, shape_word, write_dir};

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// The ground truth as scene objects with exact geometry, so that the relations of
/// DESIGN.md can be applied to it.
fn truth_object(t: &TruthObject, cam: &CameraPose) -> Object {
    let shape = match t.shape {
        ShapeKind::Sphere => ShapeClass::Sphere,
        ShapeKind::Cylinder => ShapeClass::Cylinder,
        ShapeKind::Box | ShapeKind::Table | ShapeKind::Chair => ShapeClass::Box,
    };
    let (s, c) = t.yaw_deg.to_radians().sin_cos();
    let a = cam.world_to_scene(t.centre_world);
    let b = cam.world_to_scene([t.centre_world[0] + c, t.centre_world[1] + s, t.centre_world[2]]);
    let yaw = (b[1] - a[1]).atan2(b[0] - a[0]).to_degrees();
    Object {
        id: t.id,
        name: t.name.clone(),
        label: shape_word(t.shape).into(),
        colour: ColourName::Gray,
        rgb: t.rgb,
        shape,
        centre_cam: t.centre_cam,
        centre: t.centre,
        size: t.size,
        visible_size: t.size,
        yaw_deg: yaw,
        fit_residual: 0.0,
        on: t.on,
        support_gap: 0.0,
        pixels: t.pixels,
        pixel_ids: Vec::new(),
        points: shape_surface(shape, t.centre, t.size, yaw, &[]),
        colours: Vec::new(),
        parts: Vec::new(),
        noise: 0.0,
        footprint: Vec::new(),
    }
}

#[derive(Default)]
struct Score(BTreeMap<&'static str, (usize, usize)>);

impl Score {
    fn add(&mut self, family: &'static str, ok: bool, q: &str, got: &str, want: &str) {
        let e = self.0.entry(family).or_default();
        e.1 += 1;
        if ok {
            e.0 += 1;
        } else if std::env::var_os("SPATIA_VERBOSE").is_some() {
            eprintln!("MISS {family}: {q} -> {got} (expected {want})");
        }
    }

    fn rate(&self, family: &str) -> f32 {
        self.0.get(family).map_or(0.0, |(r, n)| *r as f32 / (*n).max(1) as f32)
    }
}

fn ask(scene: &Scene, q: &str) -> Option<Answer> {
    let query = parse(q, &Lexicon::default()).unwrap_or_else(|e| panic!("{q}: {e}"));
    answer(&Grounded, q, &query, scene, &[], &Options::default()).ok()
}

fn names_of(v: &Value) -> Vec<String> {
    match v {
        Value::Names(n) => {
            let mut n = n.clone();
            n.sort();
            n
        }
        _ => Vec::new(),
    }
}

fn close(got: f32, want: f32) -> bool {
    (got - want).abs() <= (0.1 * want).max(0.02)
}

fn metres(a: &Option<Answer>) -> f32 {
    match a.as_ref().map(|a| &a.value) {
        Some(Value::Metres(m)) => *m,
        _ => f32::NAN,
    }
}

fn text(a: &Option<Answer>) -> String {
    a.as_ref().map_or("(no answer)".into(), |a| a.text.clone())
}

#[test]
fn answers_agree_with_ground_truth_on_every_family() {
    let mut score = Score::default();
    for seed in 0..8u64 {
        let s = generate(seed, &SceneParams::default());
        let view = render(&s);
        let dir = Dir(std::env::temp_dir().join(format!("spatia-decode-{}-{seed}", std::process::id())));
        let truth: Truth = write_dir(&dir.0, &s, &view, None).unwrap();
        let scene = Scene::from_dir(&dir.0, &Default::default(), &SceneConfig::default()).unwrap();
        let objs: Vec<Object> = truth.objects.iter().filter(|t| t.pixels > 400).map(|t| truth_object(t, &truth.camera)).collect();
        let name = |id: u16| truth.objects.iter().find(|t| t.id == id).map(|t| t.name.clone()).unwrap_or_default();
        let things: Vec<&Object> = objs.iter().filter(|o| o.label != "table").collect();

        for o in &objs {
            // Support and where.
            if let Some(sup) = o.on {
                let q = format!("What is the {} resting on?", o.name);
                let a = ask(&scene, &q);
                let got = a.as_ref().map(|a| a.value.clone());
                score.add("support", got == Some(Value::Name(name(sup))), &q, &text(&a), &name(sup));
                let q = format!("Where is the {}?", o.name);
                let a = ask(&scene, &q);
                score.add("where", a.as_ref().is_some_and(|a| a.value == Value::Name(name(sup))), &q, &text(&a), &name(sup));
            }
            // What is on top of it.
            let load: Vec<String> = {
                let mut v: Vec<String> =
                    truth.objects.iter().filter(|t| t.on == Some(o.id) && t.pixels > 400).map(|t| t.name.clone()).collect();
                v.sort();
                v
            };
            let faint = truth.objects.iter().any(|t| t.on == Some(o.id) && t.pixels > 0 && t.pixels <= 400);
            if !load.is_empty() && !faint {
                let q = format!("What is on top of the {}?", o.name);
                let a = ask(&scene, &q);
                score.add("what_rel", a.as_ref().is_some_and(|a| names_of(&a.value) == load), &q, &text(&a), &load.join(", "));
            }
            // Attributes and size.
            let t = truth.objects.iter().find(|t| t.id == o.id).unwrap();
            if t.shape != ShapeKind::Table {
                let q = format!("What colour is the {}?", o.name);
                let a = ask(&scene, &q);
                let want = Value::Colour(t.colour.name().to_string());
                score.add("colour", a.as_ref().is_some_and(|a| a.value == want), &q, &text(&a), t.colour.name());
                let q = format!("What shape is the {}?", o.name);
                let a = ask(&scene, &q);
                let box_like = |s: &str| if s == "cube" { "box".to_string() } else { s.to_string() };
                let ok = matches!(a.as_ref().map(|a| &a.value), Some(Value::Shape(s)) if box_like(s) == shape_word(t.shape));
                score.add("shape", ok, &q, &text(&a), shape_word(t.shape));
            }
            let q = format!("How tall is the {}?", o.name);
            let a = ask(&scene, &q);
            score.add("size", close(metres(&a), o.size[2]), &q, &text(&a), &format!("{:.3}", o.size[2]));
            let q = format!("Describe the {}", o.name);
            let a = ask(&scene, &q);
            let ok = a.as_ref().is_some_and(|a| matches!(&a.value, Value::Text(x) if x.contains(&o.name)) && a.referents.len() == 1);
            score.add("describe", ok, &q, &text(&a), &o.name);
        }
        // Pairs: direction (both phrasings), distance, comparisons.
        for (i, a) in things.iter().enumerate() {
            for b in things.iter().skip(i + 1) {
                let d = a.centre[0] - b.centre[0];
                if d.abs() > 0.1 {
                    let truth_left = relate(a, Relation::LeftOf, b).holds;
                    let q1 = format!("Is the {} left of the {}?", a.name, b.name);
                    let q2 = format!("Is the {} right of the {}?", b.name, a.name);
                    let (r1, r2) = (ask(&scene, &q1), ask(&scene, &q2));
                    let v1 = r1.as_ref().map(|x| x.value.clone());
                    let v2 = r2.as_ref().map(|x| x.value.clone());
                    score.add("is_rel", v1 == Some(Value::Bool(truth_left)), &q1, &text(&r1), &truth_left.to_string());
                    score.add("swap_consistency", v1.is_some() && v1 == v2, &q2, &text(&r2), &text(&r1));
                }
                let centre =
                    ((a.centre[0] - b.centre[0]).powi(2) + (a.centre[1] - b.centre[1]).powi(2) + (a.centre[2] - b.centre[2]).powi(2))
                        .sqrt();
                let q = format!("What is the distance between the centers of the {} and the {}?", a.name, b.name);
                let r = ask(&scene, &q);
                score.add("distance_centre", close(metres(&r), centre), &q, &text(&r), &format!("{centre:.3}"));
                if a.shape == ShapeClass::Sphere && b.shape == ShapeClass::Sphere {
                    let gap = (centre - a.size[0] / 2.0 - b.size[0] / 2.0).max(0.0);
                    let q = format!("How far is the {} from the {}?", a.name, b.name);
                    let r = ask(&scene, &q);
                    score.add("distance_surface", close(metres(&r), gap), &q, &text(&r), &format!("{gap:.3}"));
                }
                if (a.size[2] - b.size[2]).abs() > 0.2 * a.size[2].max(b.size[2]) {
                    let want = if a.size[2] > b.size[2] { &a.name } else { &b.name };
                    let q = format!("Which is taller, the {} or the {}?", a.name, b.name);
                    let r = ask(&scene, &q);
                    score.add("compare", r.as_ref().is_some_and(|x| x.value == Value::Name(want.clone())), &q, &text(&r), want);
                }
            }
        }
        // Counting and existence by shape.
        for (noun, plural, kinds) in [
            ("sphere", "spheres", &[ShapeKind::Sphere][..]),
            ("cylinder", "cylinders", &[ShapeKind::Cylinder]),
            ("box", "boxes", &[ShapeKind::Box]),
        ] {
            let n = truth.objects.iter().filter(|t| kinds.contains(&t.shape) && t.pixels > 400).count();
            if truth.objects.iter().any(|t| kinds.contains(&t.shape) && t.pixels <= 400 && t.pixels > 0) {
                continue; // a barely visible one makes the count ambiguous
            }
            let q = format!("How many {plural} are there?");
            let r = ask(&scene, &q);
            score.add("count", r.as_ref().is_some_and(|x| x.value == Value::Count(n)), &q, &text(&r), &n.to_string());
            let q = format!("Is there a {noun}?");
            let r = ask(&scene, &q);
            score.add("exists", r.as_ref().is_some_and(|x| x.value == Value::Bool(n > 0)), &q, &text(&r), &(n > 0).to_string());
        }
    }
    for (f, (r, n)) in &score.0 {
        eprintln!("{f:<18} {r:>4}/{n:<4} {:.1} %", 100.0 * *r as f32 / (*n).max(1) as f32);
    }
    // Floors set from measured results (noise-free, 8 scenes: every family 100 % except
    // what_rel 11/12, where perception put a floor cylinder on a table).
    for (family, floor) in [
        ("support", 0.95),
        ("where", 0.95),
        ("what_rel", 0.8),
        ("colour", 0.95),
        ("shape", 0.95),
        ("size", 0.95),
        ("describe", 0.95),
        ("is_rel", 0.95),
        ("swap_consistency", 1.0),
        ("distance_centre", 0.95),
        ("compare", 0.95),
        ("count", 0.9),
        ("exists", 0.9),
    ] {
        assert!(score.rate(family) >= floor, "{family}: {:.3} < {floor}", score.rate(family));
    }
}
