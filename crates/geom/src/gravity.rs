//! The gravity-aligned scene frame: z up, floor at z = 0, origin below the camera, y the
//! camera's forward direction projected on the floor.

use crate::math::{Iso3, Rot3, Vec3, v3};
use crate::plane::{DetectedPlane, Plane};

/// Largest camera tilt (degrees between the camera's up and gravity) considered.
pub const MAX_TILT_DEG: f32 = 70.0;
/// A point this far below a candidate floor (metres) counts against it.
pub const BELOW_TOLERANCE: f32 = 0.05;
/// A floor may have at most this fraction of the points below it.
pub const MAX_BELOW_FRACTION: f32 = 0.02;

/// The stride of the fixed sample of `n` points that [`SceneFrame::estimate`] counts points
/// below a candidate floor on (every stride-th point: cheap and deterministic); `None` for
/// no points.
pub(crate) fn sample(n: usize) -> Option<usize> {
    (n > 0).then(|| (n / 20_000).max(1))
}

/// What the frame's ground plane is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroundSource {
    /// The floor: a large horizontal plane with nothing below it.
    Floor,
    /// No floor was visible; the lowest large horizontal support plane (a table top) is z = 0.
    SupportPlane,
    /// No horizontal plane found: the camera was assumed level and z = 0 put at the lowest point.
    Assumed,
}

/// The transform from the camera frame to the gravity-aligned scene frame.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SceneFrame {
    /// Gravity's up direction in the camera frame (unit).
    pub up_cam: Vec3,
    /// Camera height above z = 0, metres.
    pub camera_height: f32,
    /// Camera pitch, degrees: positive looking up, negative looking down.
    pub pitch_deg: f32,
    /// Camera roll, degrees: positive when the camera's right side is raised (its x axis points partly up).
    pub roll_deg: f32,
    /// What z = 0 is.
    pub ground: GroundSource,
    /// Camera frame to scene frame.
    pub cam_to_scene: Iso3,
}

impl SceneFrame {
    /// The frame with `up_cam` as gravity and the plane `up . p + height = 0` as z = 0.
    pub fn from_up(up_cam: Vec3, camera_height: f32, ground: GroundSource) -> Self {
        let z = up_cam.normalize();
        let fwd = Vec3::z();
        let mut y = fwd - z * z.dot(&fwd);
        if y.norm() < 1e-3 {
            // Looking straight down: the image's top is forward.
            y = -Vec3::y() - z * z.dot(&-Vec3::y());
        }
        let y = y.normalize();
        let x = y.cross(&z);
        let r = Rot3::from_matrix_unchecked(nalgebra::Matrix3::from_rows(&[x.transpose(), y.transpose(), z.transpose()]));
        // The camera sits at (0, 0, camera_height).
        let t = Vec3::new(0.0, 0.0, camera_height);
        let cam_to_scene = Iso3::from_parts(nalgebra::Translation3::from(t), r.into());
        let pitch_deg = z.dot(&fwd).clamp(-1.0, 1.0).asin().to_degrees();
        let roll_deg = z.x.atan2(-z.y).to_degrees();
        SceneFrame { up_cam: z, camera_height, pitch_deg, roll_deg, ground, cam_to_scene }
    }

    /// Estimates the frame from planes found in camera-frame `points` (see
    /// [`crate::detect_planes`]): the floor is the largest plane within [`MAX_TILT_DEG`] of the
    /// camera's up with (almost) nothing below it; failing that the lowest such plane; failing
    /// that a level camera over the lowest point.
    pub fn estimate(points: &[[f32; 3]], planes: &[DetectedPlane]) -> Self {
        let sample: Vec<Vec3> =
            sample(points.len()).map_or_else(Vec::new, |stride| points.iter().step_by(stride).map(|p| v3(*p)).collect());
        Self::from_sample(&sample, planes)
    }

    /// [`SceneFrame::estimate`] from the points that [`sample`] picks.
    pub(crate) fn from_sample(sample: &[Vec3], planes: &[DetectedPlane]) -> Self {
        let cam_up = -Vec3::y();
        let cos_tilt = MAX_TILT_DEG.to_radians().cos();
        let mut best: Option<(f32, usize, Plane)> = None;
        for dp in planes {
            let mut pl = dp.plane;
            if pl.normal.dot(&cam_up) < 0.0 {
                pl = Plane { normal: -pl.normal, d: -pl.d };
            }
            if pl.normal.dot(&cam_up) < cos_tilt || pl.d <= 0.0 {
                continue; // not horizontal enough, or above the camera
            }
            let below = sample.iter().filter(|p| pl.distance(p) < -BELOW_TOLERANCE).count() as f32 / sample.len().max(1) as f32;
            let better = match best {
                None => true,
                Some((bb, bn, _)) => {
                    let (ok, bok) = (below <= MAX_BELOW_FRACTION, bb <= MAX_BELOW_FRACTION);
                    (ok && !bok) || (ok == bok && if ok { dp.inliers.len() > bn } else { below < bb })
                }
            };
            if better {
                best = Some((below, dp.inliers.len(), pl));
            }
        }
        match best {
            Some((below, _, pl)) => {
                let src = if below <= MAX_BELOW_FRACTION { GroundSource::Floor } else { GroundSource::SupportPlane };
                Self::from_up(pl.normal, pl.d, src)
            }
            None => {
                let mut heights: Vec<f32> = sample.iter().map(|p| p.dot(&cam_up)).collect();
                heights.sort_by(f32::total_cmp);
                let low = heights.get(heights.len() / 100).copied().unwrap_or(0.0);
                Self::from_up(cam_up, -low, GroundSource::Assumed)
            }
        }
    }

    /// A camera-frame point in the scene frame.
    #[inline]
    pub fn to_scene(&self, p: &Vec3) -> Vec3 {
        (self.cam_to_scene * nalgebra::Point3::from(*p)).coords
    }

    /// A scene-frame point in the camera frame.
    #[inline]
    pub fn to_camera(&self, p: &Vec3) -> Vec3 {
        (self.cam_to_scene.inverse() * nalgebra::Point3::from(*p)).coords
    }

    /// The ground plane (z = 0) in the camera frame, normal up.
    pub fn ground_plane_cam(&self) -> Plane {
        Plane { normal: self.up_cam, d: self.camera_height }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_camera_over_a_floor() {
        let f = SceneFrame::from_up(-Vec3::y(), 1.5, GroundSource::Floor);
        assert!(f.pitch_deg.abs() < 1e-4 && f.roll_deg.abs() < 1e-4);
        // A floor point 2 m ahead.
        let p = f.to_scene(&Vec3::new(0.0, 1.5, 2.0));
        assert!((p - Vec3::new(0.0, 2.0, 0.0)).norm() < 1e-5, "{p}");
        // Camera right stays scene x.
        let r = f.to_scene(&Vec3::new(1.0, 0.0, 0.0));
        assert!((r - Vec3::new(1.0, 0.0, 1.5)).norm() < 1e-5, "{r}");
        let back = f.to_camera(&p);
        assert!((back - Vec3::new(0.0, 1.5, 2.0)).norm() < 1e-5);
    }

    #[test]
    fn pitch_and_roll_are_recovered() {
        // Camera pitched down 30 degrees: up in camera frame tilts toward -z.
        let p = (-30.0f32).to_radians();
        let up = Vec3::new(0.0, -p.cos(), p.sin());
        let f = SceneFrame::from_up(up, 1.0, GroundSource::Floor);
        assert!((f.pitch_deg + 30.0).abs() < 1e-3, "{}", f.pitch_deg);
        assert!(f.roll_deg.abs() < 1e-3);
        let r = 10.0f32.to_radians();
        let up = Vec3::new(r.sin(), -r.cos(), 0.0);
        let f = SceneFrame::from_up(up, 1.0, GroundSource::Floor);
        assert!((f.roll_deg - 10.0).abs() < 1e-3, "{}", f.roll_deg);
    }
}
