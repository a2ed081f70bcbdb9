//! The real Middlebury 2014 Motorcycle capture.

use spatia_geom::math::Vec3;
use spatia_geom::{Axes, GridSurface, GroundSource, LoadOptions, MeshConfig, MeshFormat, RansacConfig, RgbdFrame, angle_deg};

#[test]
fn motorcycle_meshes_and_its_floor_and_wall_are_found() {
    let frame = RgbdFrame::from_dir(&crate::util::motorcycle(), &LoadOptions::default()).unwrap();
    assert_eq!((frame.width(), frame.height()), (741, 500));
    let s = GridSurface::from_frame(&frame, &MeshConfig::default());
    let full = s.full_mesh(&frame.rgb);
    assert_eq!(full.vertex_count(), frame.depth.known());
    assert!(full.triangles.len() > full.vertex_count());
    let adaptive = s.adaptive_mesh(&frame.rgb, 20_000, None).unwrap();
    assert_eq!(adaptive.vertex_count(), 20_000);
    let mut out = Vec::new();
    full.write_to(&mut out, MeshFormat::Glb, Axes::Camera).unwrap();
    assert!(out.len() > full.vertex_count() * 28);

    let (scene_frame, planes) = s.scene_frame(&RansacConfig::default());
    assert_eq!(scene_frame.ground, GroundSource::Floor);
    // The garage floor: roughly below the camera, which looks slightly down.
    assert!(angle_deg(&scene_frame.up_cam, &-Vec3::y()) < 30.0, "{}", scene_frame.up_cam);
    assert!(scene_frame.pitch_deg < 0.0 && scene_frame.pitch_deg > -40.0);
    assert!((0.5..2.0).contains(&scene_frame.camera_height), "{}", scene_frame.camera_height);
    // A large plane facing the camera behind the motorcycle (the shelves and wall).
    let known = frame.depth.known() as f32;
    assert!(
        planes.iter().any(|p| p.plane.normal.z < -0.8 && p.plane.d > 3.0 && p.inliers.len() as f32 > 0.05 * known),
        "planes: {:?}",
        planes.iter().map(|p| (p.plane.normal, p.plane.d, p.inliers.len())).collect::<Vec<_>>()
    );
}
