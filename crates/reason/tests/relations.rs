//! Relations on perceived scenes: symmetric by construction, and in agreement with the
//! ground truth on unambiguous cases.

use spatia_geom::LoadOptions;
use spatia_reason::{DIRECTION_EPS, Relation, distance, relate};
use spatia_scene::{Scene, SceneConfig};
use spatia_synth::{SceneParams, Truth, generate, render, write_dir};

struct Case {
    scene: Scene,
    truth: Truth,
    /// Truth index of each perceived object (pixel IoU >= 0.5), if any.
    matched: Vec<Option<usize>>,
}

fn case(seed: u64) -> Case {
    let s = generate(seed, &SceneParams::default());
    let view = render(&s);
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("spatia-reason-{seed}-{}-{n}", std::process::id()));
    let truth = write_dir(&dir, &s, &view, None).unwrap();
    let scene = Scene::from_dir(&dir, &LoadOptions::default(), &SceneConfig::default()).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let matched = scene
        .objects
        .iter()
        .map(|o| {
            let mut hist = std::collections::HashMap::new();
            for &i in &o.pixel_ids {
                *hist.entry(view.instances[i as usize]).or_insert(0usize) += 1;
            }
            let (id, n) = hist.into_iter().max_by_key(|(_, n)| *n)?;
            // Matched when the pixel IoU is at least 0.5: a fragment (a table leg left on
            // its own) matches nothing.
            let t = truth.objects.iter().position(|t| t.id == id)?;
            let iou = n as f32 / (o.pixels + truth.objects[t].pixels - n) as f32;
            (id != 0 && iou >= 0.5).then_some(t)
        })
        .collect();
    Case { scene, truth, matched }
}

const SWAPPABLE: [Relation; 7] =
    [Relation::LeftOf, Relation::RightOf, Relation::InFrontOf, Relation::Behind, Relation::Above, Relation::Below, Relation::Near];

#[test]
fn relations_are_symmetric_under_swapping() {
    let mut checked = 0;
    for seed in 0..8 {
        let c = case(seed);
        for a in &c.scene.objects {
            for b in &c.scene.objects {
                if a.id == b.id {
                    continue;
                }
                for rel in SWAPPABLE {
                    let conv = rel.converse().unwrap();
                    let (x, y) = (relate(b, rel, a), relate(a, conv, b));
                    assert_eq!(x.holds, y.holds, "seed {seed}: {} {rel:?} {} vs the converse", b.name, a.name);
                    checked += 1;
                }
                let (d1, d2) = (distance(a, b), distance(b, a));
                assert!((d1.surface - d2.surface).abs() < 1e-5 && (d1.centre - d2.centre).abs() < 1e-6);
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}

#[test]
fn directions_agree_with_the_ground_truth_on_unambiguous_pairs() {
    // The truth's own rule on its exact centres; pairs within 5 cm of the threshold are
    // not asked (CLEVR's rule for ambiguous cases).
    let (mut agree, mut total) = (0, 0);
    for seed in 0..40 {
        let c = case(seed);
        for (i, a) in c.scene.objects.iter().enumerate() {
            for (j, b) in c.scene.objects.iter().enumerate() {
                let (Some(ta), Some(tb)) = (c.matched[i], c.matched[j]) else { continue };
                if i == j || ta == tb {
                    continue;
                }
                let (ca, cb) = (c.truth.objects[ta].centre, c.truth.objects[tb].centre);
                for (rel, offset) in [(Relation::LeftOf, ca[0] - cb[0]), (Relation::Behind, cb[1] - ca[1])] {
                    if (offset - DIRECTION_EPS).abs() < 0.05 {
                        continue;
                    }
                    total += 1;
                    if relate(b, rel, a).holds == (offset > DIRECTION_EPS) {
                        agree += 1;
                    } else if std::env::var("SPATIA_VERBOSE").is_ok() {
                        eprintln!(
                            "seed {seed}: {} {rel:?} {}: truth offset {offset:.3}, perceived {:?}",
                            b.name,
                            a.name,
                            relate(b, rel, a)
                        );
                    }
                }
            }
        }
    }
    // Issue 4: >= 99 % agreement. Measured: 2,063 of 2,064 (99.95 %) over 40 scenes; the
    // miss is a box 13 cm from a table's side, perceived 0.5 cm the other way. Before tables
    // took their footprint from their upper points (floor beside a far leg's foot stretched
    // it), 98.8 %.
    let rate = agree as f32 / total as f32;
    if std::env::var("SPATIA_VERBOSE").is_ok() {
        eprintln!("directions: {agree} of {total} agree");
    }
    assert!(total > 1000 && rate >= 0.99, "{agree} of {total}");
}

#[test]
fn on_top_of_and_distances_match_the_ground_truth() {
    let (mut on_ok, mut on_total, mut dist_ok, mut dist_total) = (0, 0, 0, 0);
    for seed in 0..20 {
        let c = case(seed);
        for (i, b) in c.scene.objects.iter().enumerate() {
            let Some(tb) = c.matched[i] else { continue };
            let t = &c.truth.objects[tb];
            if let Some(sup) = t.on {
                if let Some(j) = c.matched.iter().position(|m| m.is_some_and(|m| c.truth.objects[m].id == sup)) {
                    on_total += 1;
                    on_ok += relate(b, Relation::OnTopOf, &c.scene.objects[j]).holds as usize;
                }
            }
            // Two spheres: the true gap between their surfaces is known exactly.
            for (j, a) in c.scene.objects.iter().enumerate() {
                let Some(ta) = c.matched[j] else { continue };
                let u = &c.truth.objects[ta];
                if j <= i || t.shape != spatia_synth::ShapeKind::Sphere || u.shape != spatia_synth::ShapeKind::Sphere {
                    continue;
                }
                let cc = (0..3).map(|k| (t.centre[k] - u.centre[k]).powi(2)).sum::<f32>().sqrt();
                let gap = cc - t.size[0] / 2.0 - u.size[0] / 2.0;
                let d = distance(a, b);
                dist_total += 1;
                dist_ok += ((d.surface - gap).abs() <= (0.1 * gap).max(0.01) && (d.centre - cc).abs() <= (0.1 * cc).max(0.01)) as usize;
            }
        }
    }
    assert!(on_total > 30 && on_ok as f32 >= 0.9 * on_total as f32, "on top of: {on_ok} of {on_total}");
    assert!(dist_total >= 3 && dist_ok as f32 >= 0.8 * dist_total as f32, "sphere gaps: {dist_ok} of {dist_total}");
}
