//! Generated scenes on disk, matched against their ground truth.

use std::path::{Path, PathBuf};

use spatia_geom::LoadOptions;
use spatia_scene::{Scene, SceneConfig};
use spatia_synth::{Noise, Render, SceneParams, Truth, generate, render, write_dir};

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("spatia-scene-{tag}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

pub struct Case {
    pub truth: Truth,
    pub render: Render,
    pub scene: Scene,
    pub dir: TempDir,
}

pub fn case(seed: u64, noise: bool) -> Case {
    case_with(seed, noise, &params())
}

/// [`case`] with the generator's parameters given.
pub fn case_with(seed: u64, noise: bool, params: &SceneParams) -> Case {
    let s = generate(seed, params);
    let noise = noise.then(|| Noise { seed, ..Noise::default() });
    let mut view = render(&s);
    if let Some(n) = &noise {
        view = view.with_noise(n);
    }
    let dir = TempDir::new("case");
    let truth = write_dir(&dir.0, &s, &view, noise.as_ref()).unwrap();
    let scene = Scene::from_dir(&dir.0, &LoadOptions::default(), &SceneConfig::default()).unwrap();
    Case { truth, render: view, scene, dir }
}

/// [`case`] at another image size (the same scene and field of view).
pub fn case_sized(seed: u64, noise: bool, (width, height): (usize, usize)) -> Case {
    case_with(seed, noise, &SceneParams { width, height, ..SceneParams::default() })
}

/// The generator's parameters: its defaults (640x480), or the image size in
/// `SPATIA_QUALITY_SIZE` (`WxH`, for the report at other resolutions: the scenes and their
/// cameras' fields of view stay those of the seed), and the number of small objects and of
/// tables in `SPATIA_QUALITY_OBJECTS` and `SPATIA_QUALITY_TABLES` (`A..=B`: crowded scenes).
fn params() -> SceneParams {
    let var = |name: &str| std::env::var(name).ok();
    let size = var("SPATIA_QUALITY_SIZE").and_then(|s| {
        let (w, h) = s.split_once('x')?;
        Some((w.parse().ok()?, h.parse().ok()?))
    });
    let range = |name: &str| {
        var(name).and_then(|s| {
            let (a, b) = s.split_once("..=")?;
            Some(a.parse().ok()?..=b.parse().ok()?)
        })
    };
    let d = SceneParams::default();
    let (width, height) = size.unwrap_or((d.width, d.height));
    SceneParams {
        width,
        height,
        objects: range("SPATIA_QUALITY_OBJECTS").unwrap_or(d.objects.clone()),
        tables: range("SPATIA_QUALITY_TABLES").unwrap_or(d.tables.clone()),
        ..d
    }
}

/// Pixels on which an object must be found: 150 at 640x480, in proportion to the image's
/// pixels at other resolutions (a thing covers the same share of the picture).
pub fn visible_pixels(c: &Case) -> usize {
    ((150.0 * share(c)).round() as usize).max(glimpsed_pixels(c))
}

/// Objects seen on fewer pixels than this (the segmenter's floor: 40 at 640x480, in
/// proportion below, never under 10) need not be found.
pub fn glimpsed_pixels(c: &Case) -> usize {
    ((40.0 * share(c).min(1.0)).ceil() as usize).max(10)
}

/// The image's pixels as a share of 640x480's.
fn share(c: &Case) -> f32 {
    (c.scene.width * c.scene.height) as f32 / (640.0 * 480.0)
}

/// The ground-truth object named `truth` and the predicted object that best overlaps it:
/// (truth index, predicted index or None, IoU).
pub fn matched(c: &Case, truth: &str) -> (usize, Option<usize>, f32) {
    let ti = c.truth.objects.iter().position(|t| t.name == truth).unwrap_or_else(|| panic!("truth has no {truth}"));
    matches(c, 0).into_iter().find(|m| m.0 == ti).unwrap_or_else(|| panic!("{truth} not matched"))
}

/// For each ground-truth object visible enough to be found, the predicted object with the
/// best pixel IoU: (truth index, predicted index or None, IoU).
pub fn matches(c: &Case, min_pixels: usize) -> Vec<(usize, Option<usize>, f32)> {
    let mut out = Vec::new();
    for (ti, t) in c.truth.objects.iter().enumerate() {
        if t.pixels < min_pixels {
            continue;
        }
        let mut best = (None, 0.0f32);
        for (pi, p) in c.scene.objects.iter().enumerate() {
            let (mut inter, mut mask) = (0, 0);
            for (&o, &tid) in c.scene.object_map.iter().zip(&c.render.instances) {
                if o == p.id {
                    mask += 1;
                    inter += (tid == t.id) as usize;
                }
            }
            if inter == 0 {
                continue;
            }
            let iou = inter as f32 / (t.pixels + mask - inter) as f32;
            if iou > best.1 {
                best = (Some(pi), iou);
            }
        }
        out.push((ti, best.0, best.1));
    }
    out
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
