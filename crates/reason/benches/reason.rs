//! Relevance + allocation, tokens and relations on the bundled example scene (640x480).
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use spatia_geom::{LoadOptions, RgbdFrame};
use spatia_reason::{Focus, Relation, Strategy, allocate, distance, relate, tokens};
use spatia_scene::{Scene, SceneConfig};

fn bench(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tabletop");
    let scene =
        Scene::from_frame(&RgbdFrame::from_dir(&dir, &LoadOptions::default()).expect("example"), &SceneConfig::default()).expect("scene");
    let by = |n: &str| scene.objects.iter().find(|o| o.name == n).expect("object");
    let (ball, cyl) = (by("brown sphere"), by("purple cylinder"));
    let focus = Focus { targets: vec![ball.id], anchors: vec![cyl.id], ..Focus::default() };
    let mut g = c.benchmark_group("reason/tabletop");
    g.sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    g.bench_function("relevance_and_allocation_2048", |b| b.iter(|| allocate(black_box(&scene), &focus, 2048, Strategy::R2)));
    let alloc = allocate(&scene, &focus, 2048, Strategy::R2);
    g.bench_function("tokens_2048", |b| b.iter(|| tokens(black_box(&scene), &alloc)));
    let small = allocate(&scene, &focus, 256, Strategy::R2);
    g.bench_function("tokens_256", |b| b.iter(|| tokens(black_box(&scene), &small)));
    g.bench_function("relation_left_of", |b| b.iter(|| relate(black_box(ball), Relation::LeftOf, cyl)));
    g.bench_function("relation_on_top_of", |b| b.iter(|| relate(black_box(ball), Relation::OnTopOf, cyl)));
    g.bench_function("surface_distance", |b| b.iter(|| distance(black_box(ball), cyl)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
