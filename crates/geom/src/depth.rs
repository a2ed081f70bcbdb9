//! Depth maps: metres per pixel, 0 = unknown; read from 16-bit PNG or float32 `.npy`.

use std::path::Path;

use image::DynamicImage;

use crate::image_io;
use crate::{Error, Result};

/// A depth map in metres along the camera's z axis, row-major, `0.0` where depth is unknown.
/// Every value is finite and non-negative (the constructors check).
#[derive(Debug, Clone, PartialEq)]
pub struct DepthMap {
    width: usize,
    height: usize,
    data: Vec<f32>,
}

impl DepthMap {
    /// Builds a depth map from metres, refusing NaN, infinite and negative values and
    /// maps with no known depth at all.
    pub fn from_metres(width: usize, height: usize, data: Vec<f32>) -> Result<Self> {
        if data.len() != width * height || width == 0 || height == 0 {
            return Err(Error::Request(format!("depth data holds {} values, a {width}x{height} map needs {}", data.len(), width * height)));
        }
        let map = DepthMap { width, height, data };
        map.validate()?;
        Ok(map)
    }

    fn validate(&self) -> Result<()> {
        let mut first: [Option<usize>; 3] = [None; 3];
        let mut counts = [0usize; 3];
        let mut known = 0usize;
        for (i, &z) in self.data.iter().enumerate() {
            let k = if z.is_nan() {
                0
            } else if z.is_infinite() {
                1
            } else if z < 0.0 {
                2
            } else {
                if z > 0.0 {
                    known += 1;
                }
                continue;
            };
            counts[k] += 1;
            first[k].get_or_insert(i);
        }
        const KINDS: [&str; 3] = ["NaN", "infinite", "negative"];
        for k in 0..3 {
            if let Some(i) = first[k] {
                return Err(Error::InvalidDepth { kind: KINDS[k], count: counts[k], x: i % self.width, y: i / self.width });
            }
        }
        if known == 0 {
            return Err(Error::NoDepth { width: self.width, height: self.height });
        }
        Ok(())
    }

    /// Reads a 16-bit single-channel PNG whose values are `depth_scale` units per metre
    /// (1000 for millimetres as NYU and most sensors write, 5000 for TUM); 0 = unknown.
    pub fn from_png(path: &Path, depth_scale: f64, max_pixels: u64) -> Result<Self> {
        if !(depth_scale.is_finite() && depth_scale > 0.0) {
            return Err(Error::Camera(format!("depth_scale must be positive, got {depth_scale}")));
        }
        let img = image_io::decode(path, max_pixels)?;
        let luma = match img {
            DynamicImage::ImageLuma16(l) => l,
            other => {
                return Err(Error::DepthFormat { path: path.into(), found: format!("{:?}", other.color()) });
            }
        };
        let (w, h) = (luma.width() as usize, luma.height() as usize);
        let inv = (1.0 / depth_scale) as f32;
        let data = luma.into_raw().into_iter().map(|d| d as f32 * inv).collect();
        let map = DepthMap { width: w, height: h, data };
        map.validate()?;
        Ok(map)
    }

    /// Reads a 2-D float32 (or float64) `.npy` array of metres; 0 = unknown.
    pub fn from_npy(path: &Path, max_pixels: u64) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let (h, w, data) = crate::npy::parse_f32_2d(&bytes, max_pixels).map_err(|reason| Error::Npy { path: path.into(), reason })?;
        Self::from_metres(w, h, data)
    }

    /// Writes a 16-bit PNG with `depth_scale` units per metre; depths beyond the 16-bit range
    /// are written as 0 (unknown) rather than wrapped.
    pub fn to_png(&self, path: &Path, depth_scale: f64) -> Result<()> {
        let raw: Vec<u16> = self
            .data
            .iter()
            .map(|&z| {
                let v = (z as f64 * depth_scale).round();
                if v >= 1.0 && v <= u16::MAX as f64 { v as u16 } else { 0 }
            })
            .collect();
        let img = image::ImageBuffer::<image::Luma<u16>, _>::from_raw(self.width as u32, self.height as u32, raw)
            .ok_or_else(|| Error::Request("depth buffer size mismatch".into()))?;
        img.save(path).map_err(|e| Error::Image { path: path.into(), reason: e.to_string() })
    }

    /// Writes a float32 `.npy` array of metres.
    pub fn to_npy(&self, path: &Path) -> Result<()> {
        let bytes = crate::npy::write_f32_2d(self.height, self.width, &self.data);
        std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Row-major depths in metres.
    pub fn as_slice(&self) -> &[f32] {
        &self.data
    }

    /// Depth at pixel `(x, y)` in metres, 0 when unknown. Panics out of bounds like slice indexing.
    #[inline]
    pub fn at(&self, x: usize, y: usize) -> f32 {
        self.data[y * self.width + x]
    }

    /// Number of pixels with known depth.
    pub fn known(&self) -> usize {
        self.data.iter().filter(|&&z| z > 0.0).count()
    }
}
