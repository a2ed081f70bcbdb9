//! Surface normals straight from the depth grid: central differences, one-sided at a
//! discontinuity, so an object's silhouette never bends its normals toward the background.

use crate::edges::DepthEdges;
use crate::math::{Vec3, arr, v3};
use crate::points::PointGrid;

/// One unit normal per pixel, facing the camera; `[0, 0, 0]` where depth is unknown.
///
/// Each tangent uses the central difference when both neighbours are on the same surface,
/// the one-sided difference when only one is, and when a pixel has no neighbour on its
/// surface along an axis (a one-pixel sliver) the normal falls back to facing the camera.
pub fn grid_normals(points: &PointGrid, edges: &DepthEdges) -> Vec<[f32; 3]> {
    let (w, h) = (points.width(), points.height());
    let pts = points.as_slice();
    let mut out = vec![[0.0f32; 3]; w * h];
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if !points.valid(i) {
                continue;
            }
            let p = v3(pts[i]);
            let r = x + 1 < w && edges.right_ok(x, y);
            let l = x > 0 && edges.right_ok(x - 1, y);
            let d = y + 1 < h && edges.down_ok(x, y);
            let u = y > 0 && edges.down_ok(x, y - 1);
            let th = match (l, r) {
                (true, true) => Some(v3(pts[i + 1]) - v3(pts[i - 1])),
                (false, true) => Some(v3(pts[i + 1]) - p),
                (true, false) => Some(p - v3(pts[i - 1])),
                _ => None,
            };
            let tv = match (u, d) {
                (true, true) => Some(v3(pts[i + w]) - v3(pts[i - w])),
                (false, true) => Some(v3(pts[i + w]) - p),
                (true, false) => Some(p - v3(pts[i - w])),
                _ => None,
            };
            let n = match (th, tv) {
                (Some(th), Some(tv)) => tv.cross(&th).try_normalize(1e-20),
                _ => None,
            };
            let mut n = n.unwrap_or_else(|| -p.normalize());
            if n.dot(&p) > 0.0 {
                n = -n;
            }
            out[i] = arr(&n);
        }
    }
    out
}

/// The angle in degrees between two unit normals.
pub fn angle_deg(a: &Vec3, b: &Vec3) -> f32 {
    a.dot(b).clamp(-1.0, 1.0).acos().to_degrees()
}
