//! `spatia synth`.

use serde::Deserialize;

use crate::util::{TempDir, ok, spatia, stderr};

/// `camera.json` as DESIGN.md fixes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CameraJson {
    fx: f32,
    fy: f32,
    cx: f32,
    cy: f32,
    depth_scale: Option<f64>,
}

#[test]
fn writes_a_scene_directory_with_ground_truth() {
    let t = TempDir::new("synth");
    let out = ok(["synth", "--seed", "11", "-o"].iter().map(|s| s.to_string()).chain([t.join("a").display().to_string()]));
    assert!(out.contains("seed 11"), "{out}");
    for f in ["rgb.png", "depth.png", "camera.json", "instances.png", "truth.json"] {
        assert!(t.join("a").join(f).is_file(), "{f} missing");
    }
    assert!(!t.join("a/labels.json").exists(), "ground truth must not pose as user masks");
    let cam: CameraJson = serde_json::from_str(&std::fs::read_to_string(t.join("a/camera.json")).unwrap()).unwrap();
    assert_eq!(cam.depth_scale, Some(1000.0));
    assert!(cam.fx > 0.0 && cam.fy == cam.fx);
    let truth = spatia_synth::Truth::from_path(&t.join("a/truth.json")).unwrap();
    assert_eq!(truth.seed, 11);
    assert!(truth.objects.iter().any(|o| o.shape == spatia_synth::ShapeKind::Table));
    let names: std::collections::HashSet<&str> = truth.objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names.len(), truth.objects.len(), "names are unique");

    // Deterministic: the same seed gives the same bytes; noise changes them.
    ok(["synth", "--seed", "11", "-o"].iter().map(|s| s.to_string()).chain([t.join("b").display().to_string()]));
    ok(["synth", "--seed", "11", "--noise", "-o"].iter().map(|s| s.to_string()).chain([t.join("c").display().to_string()]));
    let read = |d: &str, f: &str| std::fs::read(t.join(d).join(f)).unwrap();
    assert_eq!(read("a", "rgb.png"), read("b", "rgb.png"));
    assert_eq!(read("a", "depth.png"), read("b", "depth.png"));
    assert_ne!(read("a", "depth.png"), read("c", "depth.png"));
}

#[test]
fn count_writes_one_folder_a_seed_and_sizes_are_checked() {
    let t = TempDir::new("count");
    let dir = t.join("suite").display().to_string();
    ok(["synth", "--seed", "5", "--count", "2", "--width", "80", "--height", "60", "-o", &dir]);
    assert!(t.join("suite/scene-000005/rgb.png").is_file());
    assert!(t.join("suite/scene-000006/depth.png").is_file());
    let o = spatia(["synth", "--width", "4", "-o", &dir]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("spatia: "), "{}", stderr(&o));
}
