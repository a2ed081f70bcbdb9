use spatia_geom::{LoadOptions, RgbdFrame};
use spatia_scene::{Scene, SceneConfig};
use spatia_synth::{Noise, SceneParams, generate, render, write_dir};
fn main() {
    let seed: u64 = std::env::var("SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let n: usize = std::env::var("N").ok().and_then(|s| s.parse().ok()).unwrap_or(100);
    let noisy = std::env::var_os("NOISY").is_some();
    let scene = generate(seed, &SceneParams::default());
    let noise = noisy.then(|| Noise { seed, ..Noise::default() });
    let image = match &noise {
        Some(nz) => render(&scene).with_noise(nz),
        None => render(&scene),
    };
    let dir = std::env::temp_dir().join(format!("t0-{}", std::process::id()));
    write_dir(&dir, &scene, &image, noise.as_ref()).unwrap();
    let frame = RgbdFrame::from_dir(&dir, &LoadOptions::default()).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    spatia_scene::memory::keep_freed_memory();
    let mut t = Vec::new();
    for _ in 0..n {
        let a = std::time::Instant::now();
        let s = Scene::from_frame(std::hint::black_box(&frame), &SceneConfig::default()).unwrap();
        t.push(a.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(s);
    }
    t.sort_by(f64::total_cmp);
    println!("min {:.2} p10 {:.2} median {:.2}", t[0], t[n / 10], t[n / 2]);
}
