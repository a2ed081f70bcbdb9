//! `spatia scene`: the JSON contract of DESIGN.md, masks and the outline picture.

use serde::Deserialize;

use crate::util::{TempDir, ok, repo_root};

/// An object exactly as DESIGN.md fixes it; nothing more, nothing less.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Object {
    id: u16,
    name: String,
    label: String,
    colour: String,
    shape: String,
    centre_cam: [f32; 3],
    centre: [f32; 3],
    size: [f32; 3],
    on: Option<u16>,
    pixels: usize,
    parts: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct SceneJson {
    objects: Vec<Object>,
    planes: Vec<serde_json::Value>,
    frame: serde_json::Value,
}

#[test]
fn json_masks_and_show() {
    let t = TempDir::new("scene");
    let ex = repo_root().join("examples/tabletop");
    let masks = t.join("masks.png");
    let show = t.join("show.png");
    let out = ok(["scene", ex.to_str().unwrap(), "--json", "--masks", masks.to_str().unwrap(), "--show", show.to_str().unwrap()]);
    let s: SceneJson = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(s.objects.len(), 8);
    let names: std::collections::HashSet<&str> = s.objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names.len(), 8, "names are unique");
    let table = s.objects.iter().find(|o| o.label == "table").unwrap();
    assert!(s.objects.iter().filter(|o| o.on == Some(table.id)).count() >= 2);
    assert!(s.planes.iter().any(|p| p["kind"] == "floor"));
    assert_eq!(s.frame["ground"], "floor");
    // The masks carry the JSON's ids, pixel for pixel.
    let m = spatia_geom::image::open(&masks).unwrap().into_luma16();
    assert_eq!((m.width(), m.height()), (640, 480));
    for o in &s.objects {
        assert_eq!(m.pixels().filter(|p| p.0[0] == o.id).count(), o.pixels, "{}", o.name);
    }
    let img = spatia_geom::image::open(&show).unwrap();
    assert_eq!((img.width(), img.height()), (640, 480));
    // The table form names every object.
    let text = ok(["scene", ex.to_str().unwrap()]);
    for n in names {
        assert!(text.contains(n), "{n} missing from the table");
    }
}

/// A closed pipe (`spatia scene ... | head`) is not an error: exit 0, no panic.
#[test]
fn a_closed_stdout_is_success() {
    let ex = repo_root().join("examples/tabletop");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_spatia"))
        .args(["scene", ex.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before spatia writes anything.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {err}", out.status);
    assert!(!err.contains("panicked"), "{err}");
}
