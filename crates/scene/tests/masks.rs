//! User masks: `instances.png` + `labels.json` replace segmentation; geometry still computed.

use spatia_geom::LoadOptions;
use spatia_scene::{Scene, SceneConfig};

use crate::util::{Case, case};

/// The case's scene read back with the generator's `instances.png` (already in its
/// directory) and a `labels.json` giving each object the user's word `word(object)`.
fn with_labels(c: &Case, word: impl Fn(&spatia_synth::TruthObject) -> String) -> Scene {
    let labels: serde_json::Map<String, serde_json::Value> = c.truth.objects.iter().map(|t| (t.id.to_string(), word(t).into())).collect();
    std::fs::write(c.dir.0.join("labels.json"), serde_json::to_string(&labels).unwrap()).unwrap();
    Scene::from_dir(&c.dir.0, &LoadOptions::default(), &SceneConfig::default()).unwrap()
}

#[test]
fn user_masks_and_labels_are_used() {
    let c = case(5, false);
    let s = with_labels(&c, |t| if t.shape == spatia_synth::ShapeKind::Table { "desk".to_string() } else { format!("thing{}", t.id) });
    let visible: Vec<_> = c.truth.objects.iter().filter(|t| t.pixels > 0).collect();
    assert_eq!(s.objects.len(), visible.len());
    for (o, t) in s.objects.iter().zip(&visible) {
        assert_eq!(o.pixels, t.pixels, "{}", t.name);
        let want = if t.shape == spatia_synth::ShapeKind::Table { "desk".to_string() } else { format!("thing{}", t.id) };
        assert_eq!(o.label, want);
        assert!(o.name.contains(&want), "{} for {want}", o.name);
        // Geometry is still measured: centres within 10 cm of the truth.
        let err = (0..3).map(|k| (o.centre[k] - t.centre[k]).powi(2)).sum::<f32>().sqrt();
        assert!(err < 0.1, "{}: centre off by {err}", t.name);
    }

    // Masks of the wrong size are refused with a clear error.
    spatia_geom::image::ImageBuffer::<spatia_geom::image::Luma<u16>, Vec<u16>>::new(10, 10).save(c.dir.0.join("instances.png")).unwrap();
    let err = Scene::from_dir(&c.dir.0, &LoadOptions::default(), &SceneConfig::default()).unwrap_err();
    assert!(err.to_string().contains("masks are 10x10"), "{err}");
}

#[test]
fn the_bundled_example_is_understood() {
    let dir = crate::util::repo_root().join("examples/tabletop");
    let s = Scene::from_frame(&spatia_geom::RgbdFrame::from_dir(&dir, &LoadOptions::default()).unwrap(), &SceneConfig::default()).unwrap();
    let by = |n: &str| {
        s.objects
            .iter()
            .find(|o| o.name == n)
            .unwrap_or_else(|| panic!("no {n} in {:?}", s.objects.iter().map(|o| &o.name).collect::<Vec<_>>()))
    };
    let on = |a: &str, b: &str| assert_eq!(by(a).on, Some(by(b).id), "{a} on {b}");
    on("orange box", "black box");
    on("brown sphere", "purple cylinder");
    on("yellow box", "table");
    on("pink cylinder", "table");
    assert_eq!(by("magenta cylinder").on, None);
    assert_eq!(s.objects.len(), 8);
    let json = serde_json::to_string(&s.to_json()).unwrap();
    let back: spatia_scene::SceneJson = serde_json::from_str(&json).unwrap();
    assert_eq!(back.objects.len(), 8);
}

// A chair among the user's objects keeps the user's word and gets a chair's parts (seat,
// back and legs), as the geometry is still measured.
#[test]
fn a_users_chair_gets_a_chairs_parts() {
    let params = spatia_synth::SceneParams { chairs: 1..=1, ..Default::default() };
    let c = crate::util::case_with(13, false, &params);
    let s = with_labels(&c, |t| if t.shape == spatia_synth::ShapeKind::Chair { "armchair".to_string() } else { format!("thing{}", t.id) });
    let chair = s.objects.iter().find(|o| o.label == "armchair").expect("the user's chair");
    let parts: Vec<&str> = chair.parts.iter().map(|p| p.name.as_str()).collect();
    assert!(["seat", "back", "leg"].iter().all(|n| parts.contains(n)), "{parts:?}");
    let truth = c.truth.objects.iter().find(|t| t.shape == spatia_synth::ShapeKind::Chair).unwrap();
    assert!((chair.size[2] - truth.size[2]).abs() <= 0.1 * truth.size[2], "{:?} vs {:?}", chair.size, truth.size);
    assert!(s.objects.iter().all(|o| o.label == "armchair" || !o.parts.iter().any(|p| p.name == "seat")));
}
