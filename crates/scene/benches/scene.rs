//! RGB-D to a full `Scene` on generated scenes (fixed seed), 640x480 and 1280x960.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use spatia_geom::{LoadOptions, RgbdFrame};
use spatia_scene::{Scene, SceneConfig};
use spatia_synth::{SceneParams, generate, render, write_dir};

fn bench(c: &mut Criterion) {
    for (w, h) in [(640usize, 480usize), (1280, 960)] {
        let scene = generate(3, &SceneParams { width: w, height: h, ..SceneParams::default() });
        let dir = std::env::temp_dir().join(format!("spatia-scene-bench-{w}-{}", std::process::id()));
        write_dir(&dir, &scene, &render(&scene), None).expect("write scene");
        let frame = RgbdFrame::from_dir(&dir, &LoadOptions::default()).expect("read scene");
        std::fs::remove_dir_all(&dir).ok();
        let mut g = c.benchmark_group(format!("scene/{w}x{h}"));
        g.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
        g.bench_function("rgbd_to_scene", |b| b.iter(|| Scene::from_frame(black_box(&frame), &SceneConfig::default()).expect("scene")));
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
