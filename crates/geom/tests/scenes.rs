//! Back-projection, planes and the gravity frame against exact ground truth.

use spatia_geom::math::Vec3;
use spatia_geom::{GridSurface, GroundSource, MeshConfig, PointGrid, RansacConfig, angle_deg};

use crate::util::{case, surface_distance, to_world};

#[test]
fn back_projected_points_lie_on_the_true_surfaces() {
    for seed in 0..6 {
        let c = case(seed, false, 640, 480);
        let grid = PointGrid::from_depth(&c.frame.depth, &c.frame.intrinsics);
        let (mut sum, mut n, mut worst) = (0.0f64, 0usize, 0.0f32);
        for (i, p) in grid.as_slice().iter().enumerate() {
            if p[2] <= 0.0 {
                continue;
            }
            let d = surface_distance(&c.scene, c.render.instances[i], to_world(&c.scene, *p));
            sum += d as f64;
            n += 1;
            worst = worst.max(d);
        }
        let mean = sum / n as f64;
        // Depth is stored in whole millimetres, so half a millimetre along the ray at most.
        assert!(mean < 0.001, "seed {seed}: mean distance {mean} m");
        assert!(n > 600 * 400, "seed {seed}: only {n} points");
        assert!(worst < 0.01, "seed {seed}: worst {worst}");
    }
}

#[test]
fn floor_and_gravity_frame_match_the_truth() {
    for seed in 0..12 {
        for noise in [false, true] {
            let c = case(seed, noise, 640, 480);
            let s = GridSurface::from_frame(&c.frame, &MeshConfig::default());
            let (frame, planes) = s.scene_frame(&RansacConfig::default());
            let up_true = c.scene.camera.rot().transpose() * Vec3::z();
            let tag = format!("seed {seed} noise {noise}");
            assert_eq!(frame.ground, GroundSource::Floor, "{tag}");
            assert!(!planes.is_empty(), "{tag}");
            // Noise-free: within 1 degree and 5 mm. With Kinect-like noise (σ = 2.6 cm at 4 m)
            // the floor is still found within 1 degree and 1 cm.
            let (deg, metres) = if noise { (1.0, 0.01) } else { (1.0, 0.005) };
            let err_deg = angle_deg(&frame.up_cam, &up_true);
            assert!(err_deg < deg, "{tag}: up off by {err_deg} deg");
            let h = c.truth.camera_height;
            assert!((frame.camera_height - h).abs() < metres, "{tag}: height {} vs {h}", frame.camera_height);
            assert!(
                (frame.pitch_deg - c.truth.camera.pitch_deg).abs() < 1.0,
                "{tag}: pitch {} vs {}",
                frame.pitch_deg,
                c.truth.camera.pitch_deg
            );
            assert!(
                (frame.roll_deg - c.truth.camera.roll_deg).abs() < 1.0,
                "{tag}: roll {} vs {}",
                frame.roll_deg,
                c.truth.camera.roll_deg
            );
            // Scene-frame centres agree with the generator's definition of the frame.
            for o in c.truth.objects.iter().filter(|o| o.pixels > 0) {
                let got = frame.to_scene(&Vec3::from(o.centre_cam));
                let want = Vec3::from(o.centre);
                let tol = 0.01 + 0.02 * want.norm();
                assert!((got - want).norm() < tol, "{tag}: {} at {got} vs {want}", o.name);
            }
        }
    }
}
