//! Every threshold of scene understanding, in one place, with its reason.

use serde::{Deserialize, Serialize};
use spatia_geom::{MeshConfig, RansacConfig};

/// Settings of [`crate::Scene::from_frame`]. The defaults suit indoor RGB-D at 0.5-6 m.
/// Fields missing from a serialized config take their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SceneConfig {
    /// Discontinuities and normals.
    pub mesh: MeshConfig,
    /// Plane search (floor, walls, ceiling).
    pub ransac: RansacConfig,
    /// Distance from a structural plane (floor, wall) that still counts as on it, metres,
    /// at the sensor...
    pub plane_tol: f32,
    /// ...plus, for walls and the ceiling, this much per square metre of range (their
    /// planes, from fewer and farther points, are known less well far away; the floor's,
    /// from most of the photo, is not widened). Measured depth noise widens both (see
    /// [`crate::noise`]).
    pub plane_tol_per_m2: f32,
    /// A pixel is on a structural plane only if its normal is within this many degrees.
    pub plane_normal_deg: f32,
    /// A vertical plane is a wall if it holds at least this fraction of the pixels.
    pub wall_min_fraction: f32,
    /// A pixel faces up if its normal is within this many degrees of up.
    pub up_deg: f32,
    /// An up-facing patch is a support surface (table top, shelf) when its floor footprint
    /// is at least this many square metres; smaller ones are the tops of objects.
    pub support_min_area: f32,
    /// Two neighbouring pixels are one material if their chromaticities differ by at most
    /// this...
    pub max_chroma: f32,
    /// ...and their brightness by at most this ratio (shading varies brightness).
    pub max_brightness_ratio: f32,
    /// Across a convex edge (a rim, where the normals turn) the brightness may change by
    /// up to this ratio: faces turned differently to the light.
    pub max_edge_brightness_ratio: f32,
    /// Two regions of one material that only that allowance joins are one thing where at
    /// least this share of the neighbours along their boundary pass it (along a rim of one
    /// thing most do; between two things under noise a few by chance)...
    pub rim_share: f32,
    /// ...or where either region is under this many pixels (at 640x480; in proportion to
    /// the image's pixels at other sizes, larger ones too: a part of one thing, such as a
    /// cylinder's top at 1280x960, covers four times the pixels): a fragment of noisy
    /// colour or a small part, too small for the share to tell.
    pub rim_vote_pixels: usize,
    /// Things touching in space that colour cuts into at least this many object-sized
    /// pieces are one textured thing (a machine, a printed carton), not that many objects;
    /// painted things that touch (a stack, a cluster) make a handful.
    pub textured_pieces: usize,
    /// Objects smaller than this fraction of the image's pixels are dropped as noise...
    pub min_object_fraction: f32,
    /// ...and never fewer pixels than this (at 640x480; in proportion on smaller images,
    /// never under 10).
    pub min_object_pixels: usize,
    /// Supported: the supporter's top is within this gap below the object's bottom, metres
    /// (Sr3D's "on" rule)...
    pub support_gap: f32,
    /// ...and their footprints overlap by more than this fraction of the object's.
    pub support_overlap: f32,
    /// In contact: the gap is at most this, metres.
    pub contact_gap: f32,
    /// Depth noise of the sensor at range z: `sigma0 + sigma2 (z - 0.4)^2` metres (the
    /// Kinect model of Nguyen et al.; stereo and ToF sensors are of the same order). Shape
    /// fits and flatness tests allow for it.
    pub noise_sigma0: f32,
    /// See `noise_sigma0`.
    pub noise_sigma2: f32,
    /// Objects less tall than this are taken for noise on the surface below, metres.
    pub min_object_height: f32,
}

impl SceneConfig {
    /// Depth noise at range `z` (see [`SceneConfig::noise_sigma0`]).
    pub fn sigma(&self, z: f32) -> f32 {
        self.noise_sigma0 + self.noise_sigma2 * (z - 0.4).max(0.0).powi(2)
    }
}

impl Default for SceneConfig {
    fn default() -> Self {
        SceneConfig {
            mesh: MeshConfig::default(),
            ransac: RansacConfig { min_fraction: 0.01, pixel_stride: 0, sample: 1500, iterations: 200, ..RansacConfig::default() },
            plane_tol: 0.015,
            plane_tol_per_m2: 0.002,
            plane_normal_deg: 35.0,
            wall_min_fraction: 0.02,
            up_deg: 25.0,
            support_min_area: 0.25,
            max_chroma: 0.045,
            max_brightness_ratio: 1.35,
            max_edge_brightness_ratio: 2.6,
            rim_share: 0.2,
            rim_vote_pixels: 400,
            textured_pieces: 12,
            min_object_fraction: 0.0002,
            min_object_pixels: 40,
            support_gap: 0.15,
            support_overlap: 0.3,
            contact_gap: 0.03,
            noise_sigma0: 0.0012,
            noise_sigma2: 0.0019,
            min_object_height: 0.03,
        }
    }
}

/// Image pixels at which the pixel counts that stand for a thing's size were set (640x480).
pub(crate) const REFERENCE_PIXELS: usize = 640 * 480;

/// A pixel count that stands for a thing's size (a support's patch, a piece that may be a
/// thing of its own), set at [`REFERENCE_PIXELS`], for an image of `n_px` pixels: in
/// proportion below that resolution, as a thing covers the same share of a coarser image
/// (a leg a metre from the camera four pixels wide at 320x240), unchanged above, where it
/// also guards against noise; never under 10. Counts that a statistic needs (a median, a
/// fit) do not scale.
pub(crate) fn scaled_pixels(count: usize, n_px: usize) -> usize {
    if n_px >= REFERENCE_PIXELS { count } else { (count * n_px).div_ceil(REFERENCE_PIXELS).max(10) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_written_before_a_field_existed_still_loads() {
        // Fields added later (`textured_pieces`) take their defaults; given ones are kept.
        let c: SceneConfig = serde_json::from_str(r#"{"max_chroma": 0.05}"#).unwrap();
        assert_eq!(c.max_chroma, 0.05);
        assert_eq!(c.textured_pieces, SceneConfig::default().textured_pieces);
        let round: SceneConfig = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(round, c);
    }

    #[test]
    fn pixel_counts_scale_down_with_the_image_not_up() {
        assert_eq!(scaled_pixels(50, 640 * 480), 50);
        assert_eq!(scaled_pixels(50, 1280 * 960), 50);
        assert_eq!(scaled_pixels(50, 320 * 240), 13);
        assert_eq!(scaled_pixels(40, 160 * 120), 10);
    }
}
