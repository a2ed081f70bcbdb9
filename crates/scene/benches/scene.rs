//! RGB-D to a full `Scene` on generated scenes (fixed seed), 640x480 and 1280x960, with the
//! allocator's defaults and with freed memory kept for the next scene.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use spatia_geom::{LoadOptions, RgbdFrame};
use spatia_scene::{Scene, SceneConfig};
use spatia_synth::{SceneParams, generate, render, write_dir};

fn bench(c: &mut Criterion) {
    // First with the allocator's defaults (what an embedding program gets; each size is
    // generated just before it runs, so the allocator has only seen frames of that size, as
    // in a process that reads them one after another), then as the command line runs
    // (`spatia_scene::memory::keep_freed_memory`: process-wide, so second).
    let mut frames = Vec::new();
    for (w, h) in [(640usize, 480usize), (1280, 960)] {
        let scene = generate(3, &SceneParams { width: w, height: h, ..SceneParams::default() });
        let dir = std::env::temp_dir().join(format!("spatia-scene-bench-{w}-{}", std::process::id()));
        write_dir(&dir, &scene, &render(&scene), None).expect("write scene");
        let frame = RgbdFrame::from_dir(&dir, &LoadOptions::default()).expect("read scene");
        std::fs::remove_dir_all(&dir).ok();
        run(c, &format!("scene/{w}x{h}"), "rgbd_to_scene", &frame);
        frames.push((format!("scene/{w}x{h}"), frame));
    }
    spatia_scene::memory::keep_freed_memory();
    for (group, frame) in &frames {
        run(c, group, "rgbd_to_scene_kept_memory", frame);
    }
}

fn run(c: &mut Criterion, group: &str, name: &str, frame: &RgbdFrame) {
    let mut g = c.benchmark_group(group);
    g.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    g.bench_function(name, |b| b.iter(|| Scene::from_frame(black_box(frame), &SceneConfig::default()).expect("scene")));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
