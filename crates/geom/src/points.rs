//! Back-projection of a depth map to an organised grid of camera-frame points.

use crate::camera::Intrinsics;
use crate::depth::DepthMap;

/// One camera-frame point per pixel (row-major); pixels of unknown depth hold `[0, 0, 0]`.
/// Keeping the grid organised is what lets normals, meshing and region growing use pixel
/// adjacency instead of a neighbour search.
#[derive(Debug, Clone)]
pub struct PointGrid {
    width: usize,
    height: usize,
    points: Vec<[f32; 3]>,
}

impl PointGrid {
    /// Back-projects every pixel: `x = (u - cx) z / fx`, `y = (v - cy) z / fy`.
    pub fn from_depth(depth: &DepthMap, k: &Intrinsics) -> Self {
        let (w, h) = (depth.width(), depth.height());
        // Per-column and per-row ray slopes turn the inner loop into two multiplies a pixel.
        let sx: Vec<f32> = (0..w).map(|u| (u as f32 - k.cx) / k.fx).collect();
        let mut points = Vec::with_capacity(w * h);
        for (v, row) in depth.as_slice().chunks_exact(w).enumerate() {
            let sy = (v as f32 - k.cy) / k.fy;
            points.extend(row.iter().zip(&sx).map(|(&z, &sx)| [sx * z, sy * z, z]));
        }
        PointGrid { width: w, height: h, points }
    }

    /// Width of the grid.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height of the grid.
    pub fn height(&self) -> usize {
        self.height
    }

    /// All points, row-major, `[0, 0, 0]` where depth is unknown.
    pub fn as_slice(&self) -> &[[f32; 3]] {
        &self.points
    }

    /// Point at pixel `(x, y)`.
    #[inline]
    pub fn at(&self, x: usize, y: usize) -> [f32; 3] {
        self.points[y * self.width + x]
    }

    /// Whether pixel `i` (row-major) has known depth.
    #[inline]
    pub fn valid(&self, i: usize) -> bool {
        self.points[i][2] > 0.0
    }

    /// The points of known depth, in row-major order, with their pixel indices.
    pub fn valid_points(&self) -> (Vec<[f32; 3]>, Vec<u32>) {
        let mut pts = Vec::new();
        let mut idx = Vec::new();
        for (i, p) in self.points.iter().enumerate() {
            if p[2] > 0.0 {
                pts.push(*p);
                idx.push(i as u32);
            }
        }
        (pts, idx)
    }
}
