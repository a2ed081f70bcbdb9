//! RGB-D to a full `Scene` on generated scenes (fixed seed), 640x480 and 1280x960, and
//! 640x480 with a Kinect-like sensor's noise (`spatia_synth::Noise`'s defaults), with the
//! allocator's defaults and with freed memory kept for the next scene.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use spatia_geom::{LoadOptions, RgbdFrame};
use spatia_scene::{Scene, SceneConfig};
use spatia_synth::{Noise, SceneParams, generate, render, write_dir};

fn bench(c: &mut Criterion) {
    // First with the allocator's defaults (what an embedding program gets; each size is
    // generated just before it runs, so the allocator has only seen frames of that size, as
    // in a process that reads them one after another), then as the command line runs
    // (`spatia_scene::memory::keep_freed_memory`: process-wide, so second).
    let mut frames = Vec::new();
    for (w, h, noisy) in [(640usize, 480usize, false), (1280, 960, false), (640, 480, true)] {
        let scene = generate(3, &SceneParams { width: w, height: h, ..SceneParams::default() });
        let noise = noisy.then(|| Noise { seed: 3, ..Noise::default() });
        let image = match &noise {
            Some(n) => render(&scene).with_noise(n),
            None => render(&scene),
        };
        let dir = std::env::temp_dir().join(format!("spatia-scene-bench-{w}-{noisy}-{}", std::process::id()));
        write_dir(&dir, &scene, &image, noise.as_ref()).expect("write scene");
        let frame = RgbdFrame::from_dir(&dir, &LoadOptions::default()).expect("read scene");
        std::fs::remove_dir_all(&dir).ok();
        let group = if noisy { format!("scene/{w}x{h}_noisy") } else { format!("scene/{w}x{h}") };
        run(c, &group, "rgbd_to_scene", &frame);
        frames.push((group, frame));
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
