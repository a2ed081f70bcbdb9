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
    // The motorcycle (painted tank, black tyres, chrome engine: colour cuts it into dozens
    // of pieces) is one object: the largest, across most of the photo, standing on the floor.
    let (w, h) = (741, 500);
    let bike = s.objects.iter().max_by_key(|o| o.pixels).expect("objects");
    let cols = bike.pixel_ids.iter().map(|&i| i as usize % w);
    let rows = bike.pixel_ids.iter().map(|&i| i as usize / w);
    let (x0, x1) = (cols.clone().min().unwrap_or(0), cols.max().unwrap_or(0));
    let (y0, y1) = (rows.clone().min().unwrap_or(0), rows.max().unwrap_or(0));
    eprintln!("largest: {} px, columns {x0}..{x1}, rows {y0}..{y1}", bike.pixels);
    assert!(bike.pixels * 5 >= w * h, "{} px", bike.pixels);
    assert!(x0 < 150 && x1 > 640 && y0 < 170 && y1 > 430, "columns {x0}..{x1}, rows {y0}..{y1}");
    assert!(bike.on.is_none() && bike.support_gap < 0.1, "on {:?}, gap {}", bike.on, bike.support_gap);
    // Nothing else of an object's size lies within it in the photo and as near.
    let inside = |o: &&spatia_scene::Object| {
        let (x, y) = (o.pixel_ids[0] as usize % w, o.pixel_ids[0] as usize / w);
        o.id != bike.id && o.pixels > 2_000 && (x0..=x1).contains(&x) && (y0..=y1).contains(&y) && o.centre[1] < bike.centre[1] + 0.5
    };
    assert!(!s.objects.iter().any(|o| inside(&o)), "another large object within the motorcycle");
}
