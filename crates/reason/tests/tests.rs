//! Allocation properties (proptest) and allocation and tokens on a real scene tree.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod parse;
mod relations;

use proptest::prelude::*;
use spatia_geom::{LoadOptions, RgbdFrame};
use spatia_reason::{Focus, Level, NodeId, Strategy, allocate, split, tokens};
use spatia_scene::{Scene, SceneConfig};

proptest! {
    #[test]
    fn split_sums_exactly_and_is_monotone(budget in 0usize..5000, weights in prop::collection::vec(0.0f64..1.0, 1..40)) {
        let s = split(budget, &weights);
        prop_assert_eq!(s.iter().sum::<usize>(), budget);
        for i in 0..weights.len() {
            for j in 0..weights.len() {
                if weights[i] > weights[j] {
                    prop_assert!(s[i] >= s[j], "weights {} > {} but shares {} < {}", weights[i], weights[j], s[i], s[j]);
                }
            }
        }
        if budget >= weights.len() {
            prop_assert!(s.iter().all(|&t| t >= 1));
        }
        // Deterministic.
        prop_assert_eq!(split(budget, &weights), s);
    }

    #[test]
    fn split_is_invariant_under_permutation(budget in 0usize..5000, weights in prop::collection::vec(0.0f64..1.0, 1..30), seed in 0u64..1000) {
        let n = weights.len();
        let mut perm: Vec<usize> = (0..n).collect();
        // A seeded shuffle.
        let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        for i in (1..n).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            perm.swap(i, (x >> 33) as usize % (i + 1));
        }
        let permuted: Vec<f64> = perm.iter().map(|&i| weights[i]).collect();
        let a = split(budget, &weights);
        let b = split(budget, &permuted);
        // Equal weights may trade a token; distinct weights keep theirs.
        for (k, &i) in perm.iter().enumerate() {
            let ties = weights.iter().filter(|&&w| w == weights[i]).count();
            if ties == 1 {
                prop_assert_eq!(a[i], b[k]);
            }
        }
        let (mut sa, mut sb) = (a.clone(), b.clone());
        sa.sort();
        sb.sort();
        prop_assert_eq!(sa, sb);
    }
}

fn example() -> Scene {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tabletop");
    Scene::from_frame(&RgbdFrame::from_dir(&dir, &LoadOptions::default()).unwrap(), &SceneConfig::default()).unwrap()
}

#[test]
fn allocation_follows_relevance_squared_and_sums_at_every_level() {
    let scene = example();
    let by = |n: &str| scene.objects.iter().find(|o| o.name == n).unwrap().id;
    let (ball, cyl) = (by("brown sphere"), by("purple cylinder"));
    let focus = Focus { targets: vec![ball], anchors: vec![cyl], ..Focus::default() };
    let mut target_share = Vec::new();
    for strategy in [Strategy::R2, Strategy::R1, Strategy::Uniform] {
        let a = allocate(&scene, &focus, 2048, strategy);
        let objects: Vec<_> = a.nodes.iter().filter(|n| n.level == Level::Object).collect();
        assert_eq!(objects.iter().map(|n| n.tokens).sum::<usize>(), 2048);
        for o in &scene.objects {
            let parts: usize =
                a.nodes.iter().filter(|n| n.level == Level::Part && n.id.starts_with(&format!("{}.", o.id))).map(|n| n.tokens).sum();
            assert_eq!(parts, a.tokens(NodeId::Object(o.id)), "{}", o.name);
            assert!(a.tokens(NodeId::Object(o.id)) >= 1, "every object keeps a token");
        }
        target_share.push(a.tokens(NodeId::Object(ball)));
        if strategy == Strategy::R2 {
            // Target 1, anchor 0.6: the target's share is 1 / (1 + 0.36 + the rest's small r^2).
            let t = a.tokens(NodeId::Object(ball)) as f32;
            let c = a.tokens(NodeId::Object(cyl)) as f32;
            assert!((c / t - 0.36).abs() < 0.02, "anchor/target {}", c / t);
            assert!(t > 1400.0, "{t}");
        }
    }
    assert!(target_share[0] > target_share[1] && target_share[1] > target_share[2], "{target_share:?}");
    // The JSON form is DESIGN.md's allocation contract.
    let json = serde_json::to_string(&allocate(&scene, &focus, 64, Strategy::R2)).unwrap();
    let back: spatia_reason::Allocation = serde_json::from_str(&json).unwrap();
    assert_eq!(back.budget, 64);
}

#[test]
fn a_target_part_takes_most_of_its_object() {
    let scene = example();
    let table = scene.objects.iter().find(|o| o.label == "table").unwrap();
    let top = table.parts.iter().position(|p| p.name == "top").unwrap();
    let focus = Focus { target_parts: vec![(table.id, top)], ..Focus::default() };
    let a = allocate(&scene, &focus, 2048, Strategy::R2);
    let t = a.tokens(NodeId::Object(table.id));
    let p = a.tokens(NodeId::Part(table.id, top));
    let others = table.parts.len() - 1;
    // 1 against 0.36 for each sibling.
    let want = t as f32 / (1.0 + 0.36 * others as f32);
    assert!((p as f32 - want).abs() <= 2.0, "top {p} of {t}, want {want}");
}

#[test]
fn tokens_cover_their_nodes_and_get_finer_with_budget() {
    let scene = example();
    let table = scene.objects.iter().find(|o| o.label == "table").unwrap().id;
    let mut last_extent = f32::INFINITY;
    // Up to 2048 tokens every leaf of the example has more points than tokens (at 4096 its
    // smallest table leg, 676 pixels, would be asked for more tokens than it has points).
    for budget in [64, 256, 1024, 2048] {
        let a = allocate(&scene, &Focus { targets: vec![table], ..Focus::default() }, budget, Strategy::R2);
        let toks = tokens(&scene, &a);
        assert_eq!(toks.len(), budget, "every leaf here has more points than tokens");
        let on_table: Vec<_> = toks.iter().filter(|t| t.node.split('.').next() == Some(&table.to_string())).collect();
        assert_eq!(on_table.len(), a.tokens(NodeId::Object(table)));
        assert_eq!(on_table.iter().map(|t| t.count).sum::<usize>(), scene.object(table).unwrap().pixels, "every point in one token");
        let mean_extent = on_table.iter().map(|t| t.extent.iter().cloned().fold(0.0, f32::max)).sum::<f32>() / on_table.len() as f32;
        assert!(mean_extent < last_extent, "budget {budget}: {mean_extent}");
        last_extent = mean_extent;
    }
}

#[test]
fn a_question_refines_the_mesh_where_it_is() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tabletop");
    let frame = RgbdFrame::from_dir(&dir, &LoadOptions::default()).unwrap();
    let scene = Scene::from_frame(&frame, &SceneConfig::default()).unwrap();
    let ball = scene.objects.iter().find(|o| o.name == "brown sphere").unwrap().id;
    let w = spatia_reason::pixel_weights(&scene, &Focus { targets: vec![ball], ..Focus::default() }, Strategy::R2);
    let surface = spatia_geom::GridSurface::from_frame(&frame, &spatia_geom::MeshConfig::default());
    let on_ball =
        |m: &spatia_geom::Mesh| m.pixels.iter().filter(|p| scene.object_map[p[1] as usize * scene.width + p[0] as usize] == ball).count();
    let plain = surface.adaptive_mesh(&frame.rgb, 2048, None).unwrap();
    let focused = surface.adaptive_mesh(&frame.rgb, 2048, Some(&w)).unwrap();
    assert!(on_ball(&focused) >= 3 * on_ball(&plain).max(1), "{} vs {}", on_ball(&focused), on_ball(&plain));
}

#[test]
fn attention_bias_is_negative_distance_over_tau() {
    let scene = example();
    let a = allocate(&scene, &Focus::default(), 32, Strategy::R2);
    let toks = tokens(&scene, &a);
    let bias = spatia_reason::attention_bias(&toks, 0.5);
    let n = toks.len();
    assert_eq!(bias.len(), n * n);
    for i in 0..n {
        assert_eq!(bias[i * n + i], 0.0);
        for j in 0..n {
            assert_eq!(bias[i * n + j], bias[j * n + i]);
            assert!(bias[i * n + j] <= 0.0);
        }
    }
}
