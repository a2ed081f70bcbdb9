//! The real Motorcycle capture.

use spatia_geom::LoadOptions;
use spatia_scene::{Scene, SceneConfig, SurfaceKind};

#[test]
fn motorcycle_floor_wall_and_one_large_object() {
    let dir = crate::util::repo_root().join("examples/motorcycle");
    assert!(dir.join("depth.npy").is_file(), "run `bash scripts/setup.sh` first");
    let s = Scene::from_dir(&dir, &LoadOptions::default(), &SceneConfig::default()).unwrap();
    for o in &s.objects {
        eprintln!("{} {} {:?} px {} size {:?} centre {:?}", o.id, o.name, o.shape, o.pixels, o.size, o.centre);
    }
    for p in &s.surfaces {
        eprintln!("{:?} {} px normal {:?}", p.kind, p.pixels, p.normal);
    }
    assert!(s.surfaces.iter().any(|p| p.kind == SurfaceKind::Floor && p.pixels > 20_000));
    assert!(s.surfaces.iter().any(|p| p.kind == SurfaceKind::Wall));
}
