//! `spatia mesh`.

use crate::util::{TempDir, ok, read_ply, repo_root, spatia, stderr};

fn scene(t: &TempDir, seed: u64) -> String {
    let d = t.join(&format!("scene{seed}")).display().to_string();
    ok(["synth", "--seed", &seed.to_string(), "-o", &d]);
    d
}

#[test]
fn full_and_adaptive_meshes_in_every_format() {
    let t = TempDir::new("mesh");
    let d = scene(&t, 3);
    let full = t.join("full.ply");
    let out = ok(["mesh", &d, "-o", full.to_str().unwrap()]);
    assert!(out.contains("full mesh of 640x480"), "{out}");
    assert!(out.contains("ground = floor"), "{out}");
    let (pos, faces) = read_ply(&full);
    assert_eq!(pos.len(), 640 * 480, "one vertex a pixel of known depth");
    assert!(faces > 590_000);

    let adaptive = t.join("adaptive.ply");
    ok(["mesh", &d, "-o", adaptive.to_str().unwrap(), "--vertices", "777"]);
    assert_eq!(read_ply(&adaptive).0.len(), 777);

    let obj = t.join("m.obj");
    ok(["mesh", &d, "-o", obj.to_str().unwrap(), "--vertices", "500"]);
    let text = std::fs::read_to_string(&obj).unwrap();
    assert_eq!(text.lines().filter(|l| l.starts_with("v ")).count(), 500);
    let glb = t.join("m.glb");
    ok(["mesh", &d, "-o", glb.to_str().unwrap(), "--vertices", "500"]);
    assert_eq!(&std::fs::read(&glb).unwrap()[..4], b"glTF");
    let ascii = t.join("a.ply");
    ok(["mesh", &d, "-o", ascii.to_str().unwrap(), "--vertices", "300", "--ascii"]);
    assert!(std::fs::read_to_string(&ascii).unwrap().contains("format ascii 1.0"));
}

#[test]
fn scene_frame_output_puts_the_floor_at_zero() {
    let t = TempDir::new("frame");
    let d = scene(&t, 8);
    let out = t.join("scene.ply");
    let json = ok(["mesh", &d, "-o", out.to_str().unwrap(), "--frame", "scene", "--json"]);
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(v["frame"], "scene");
    assert_eq!(v["scene_frame"]["ground"], "floor");
    let truth = spatia_synth::Truth::from_path(&std::path::Path::new(&d).join("truth.json")).unwrap();
    let h = v["scene_frame"]["camera_height_m"].as_f64().unwrap() as f32;
    assert!((h - truth.camera_height).abs() < 0.005, "{h} vs {}", truth.camera_height);
    assert!(!v["planes"].as_array().unwrap().is_empty());
    let (pos, _) = read_ply(&out);
    let mut z: Vec<f32> = pos.iter().map(|p| p[2]).collect();
    z.sort_by(f32::total_cmp);
    // Most of the view is floor: its height is 0 in the scene frame, and nothing is below it.
    assert!(z[z.len() / 100].abs() < 0.005, "1st percentile z = {}", z[z.len() / 100]);
    assert!(z[0] > -0.01, "lowest z = {}", z[0]);
}

#[test]
fn the_bundled_example_meshes() {
    let t = TempDir::new("example");
    let ex = repo_root().join("examples/tabletop");
    let out = t.join("tabletop.glb");
    let text = ok(["mesh", ex.to_str().unwrap(), "-o", out.to_str().unwrap(), "--vertices", "2048"]);
    assert!(text.contains("2048 vertices"), "{text}");
}

#[test]
fn photo_with_depth_flags() {
    let t = TempDir::new("photo");
    let d = scene(&t, 4);
    let out = t.join("p.ply");
    let rgb = format!("{d}/rgb.png");
    let depth = format!("{d}/depth.png");
    let cam = format!("{d}/camera.json");
    ok(["mesh", &rgb, "--depth", &depth, "--camera", &cam, "-o", out.to_str().unwrap(), "--vertices", "1000"]);
    assert_eq!(read_ply(&out).0.len(), 1000);
}

#[test]
fn errors_are_one_readable_line_and_exit_2() {
    let t = TempDir::new("errors");
    let d = scene(&t, 2);
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["mesh".into(), t.join("nope").display().to_string(), "-o".into(), t.join("x.ply").display().to_string()], "no such file"),
        (vec!["mesh".into(), d.clone(), "-o".into(), t.join("x.stl").display().to_string()], ".ply, .obj or .glb"),
        (vec!["mesh".into(), format!("{d}/rgb.png"), "-o".into(), t.join("x.ply").display().to_string()], "--depth"),
        (
            vec!["mesh".into(), d.clone(), "-o".into(), t.join("x.ply").display().to_string(), "--vertices".into(), "9999999".into()],
            "exceeds",
        ),
        (vec!["mesh".into(), d.clone(), "-o".into(), t.join("x.obj").display().to_string(), "--ascii".into()], "--ascii"),
    ];
    for (args, want) in cases {
        let o = spatia(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("spatia: ") && err.contains(want), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // A corrupt depth map names the file.
    std::fs::write(format!("{d}/depth.png"), b"not a png").unwrap();
    let o = spatia(["mesh", &d, "-o", t.join("x.ply").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("depth.png"), "{}", stderr(&o));
}
