//! Pinhole camera intrinsics (OpenCV convention) and their `camera.json` form.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::math::Vec3;
use crate::{Error, Result};

/// Horizontal field of view assumed when a photo comes with no intrinsics at all.
pub const DEFAULT_HFOV_DEG: f32 = 60.0;

/// Depth units per metre in a 16-bit depth PNG when `camera.json` does not say (millimetres).
pub const DEFAULT_DEPTH_SCALE: f64 = 1000.0;

/// Pinhole intrinsics in pixels. Pixel `(u, v)` has its centre at integer coordinates;
/// the camera frame is OpenCV's: x right, y down, z forward, metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Intrinsics {
    /// Focal length along x, pixels.
    pub fx: f32,
    /// Focal length along y, pixels.
    pub fy: f32,
    /// Principal point x, pixels.
    pub cx: f32,
    /// Principal point y, pixels.
    pub cy: f32,
}

/// The `camera.json` file of a scene directory: intrinsics plus the depth PNG's scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CameraFile {
    /// Focal length along x, pixels.
    pub fx: f32,
    /// Focal length along y, pixels.
    pub fy: f32,
    /// Principal point x, pixels.
    pub cx: f32,
    /// Principal point y, pixels.
    pub cy: f32,
    /// Depth PNG units per metre (1000 = millimetres, 5000 = TUM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth_scale: Option<f64>,
}

impl CameraFile {
    /// Reads and validates `camera.json`.
    pub fn from_path(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let file: CameraFile = serde_json::from_str(&text).map_err(|e| Error::Json { path: path.into(), reason: e.to_string() })?;
        file.intrinsics().validate()?;
        if let Some(s) = file.depth_scale {
            if !(s.is_finite() && s > 0.0) {
                return Err(Error::Camera(format!("{}: depth_scale must be positive, got {s}", path.display())));
            }
        }
        Ok(file)
    }

    /// Writes `camera.json`.
    pub fn to_path(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(|e| Error::Json { path: path.into(), reason: e.to_string() })?;
        std::fs::write(path, text + "\n").map_err(|e| Error::io(path, e))
    }

    /// The intrinsics part.
    pub fn intrinsics(&self) -> Intrinsics {
        Intrinsics { fx: self.fx, fy: self.fy, cx: self.cx, cy: self.cy }
    }

    /// Depth units per metre, defaulting to millimetres.
    pub fn depth_scale(&self) -> f64 {
        self.depth_scale.unwrap_or(DEFAULT_DEPTH_SCALE)
    }
}

impl Intrinsics {
    /// Intrinsics for a `width`-pixel-wide image with the given horizontal field of view,
    /// square pixels and the principal point at the image centre.
    pub fn from_hfov(width: usize, height: usize, hfov_deg: f32) -> Self {
        let fx = (width as f32 / 2.0) / (hfov_deg.to_radians() / 2.0).tan();
        Intrinsics { fx, fy: fx, cx: (width as f32 - 1.0) / 2.0, cy: (height as f32 - 1.0) / 2.0 }
    }

    /// The default camera used when nothing else is known: [`DEFAULT_HFOV_DEG`].
    pub fn default_for(width: usize, height: usize) -> Self {
        Self::from_hfov(width, height, DEFAULT_HFOV_DEG)
    }

    /// Checks that the intrinsics can describe a camera.
    pub fn validate(&self) -> Result<()> {
        let ok = |v: f32| v.is_finite();
        if !(ok(self.fx) && ok(self.fy) && self.fx > 0.0 && self.fy > 0.0) {
            return Err(Error::Camera(format!("focal lengths must be positive and finite, got fx={} fy={}", self.fx, self.fy)));
        }
        if !(ok(self.cx) && ok(self.cy)) {
            return Err(Error::Camera(format!("principal point must be finite, got cx={} cy={}", self.cx, self.cy)));
        }
        Ok(())
    }

    /// The camera-frame point at depth `z` seen through pixel `(u, v)`.
    #[inline]
    pub fn unproject(&self, u: f32, v: f32, z: f32) -> Vec3 {
        Vec3::new((u - self.cx) * z / self.fx, (v - self.cy) * z / self.fy, z)
    }

    /// The pixel a camera-frame point projects to, or `None` behind the camera.
    #[inline]
    pub fn project(&self, p: &Vec3) -> Option<(f32, f32)> {
        (p.z > 0.0).then(|| (self.fx * p.x / p.z + self.cx, self.fy * p.y / p.z + self.cy))
    }

    /// Unit ray direction through pixel `(u, v)`.
    #[inline]
    pub fn ray(&self, u: f32, v: f32) -> Vec3 {
        Vec3::new((u - self.cx) / self.fx, (v - self.cy) / self.fy, 1.0).normalize()
    }

    /// Horizontal field of view in degrees for an image `width` pixels wide.
    pub fn hfov_deg(&self, width: usize) -> f32 {
        2.0 * ((width as f32 / 2.0) / self.fx).atan().to_degrees()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_inverts_unproject() {
        let k = Intrinsics { fx: 525.0, fy: 520.0, cx: 319.5, cy: 239.5 };
        let p = k.unproject(100.0, 400.0, 2.5);
        let (u, v) = k.project(&p).unwrap();
        assert!((u - 100.0).abs() < 1e-3 && (v - 400.0).abs() < 1e-3);
    }

    #[test]
    fn default_fov_is_sixty_degrees() {
        let k = Intrinsics::default_for(640, 480);
        assert!((k.hfov_deg(640) - 60.0).abs() < 1e-3);
    }

    #[test]
    fn refuses_zero_focal_length() {
        let k = Intrinsics { fx: 0.0, fy: 1.0, cx: 0.0, cy: 0.0 };
        assert!(k.validate().unwrap_err().to_string().contains("focal"));
    }
}
