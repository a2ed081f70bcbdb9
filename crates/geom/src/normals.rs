//! Surface normals straight from the depth grid: central differences, one-sided at a
//! discontinuity, so an object's silhouette never bends its normals toward the background.

use crate::edges::{DOWN, DepthEdges, RIGHT};
use crate::math::Vec3;
use crate::points::PointGrid;

/// One unit normal per pixel, facing the camera; `[0, 0, 0]` where depth is unknown.
///
/// Each tangent uses the central difference when both neighbours are on the same surface,
/// the one-sided difference when only one is, and when a pixel has no neighbour on its
/// surface along an axis (a one-pixel sliver) the normal falls back to facing the camera.
pub fn grid_normals(points: &PointGrid, edges: &DepthEdges) -> Vec<[f32; 3]> {
    let (w, h) = (points.width(), points.height());
    let pts = points.as_slice();
    // Filled in order rather than zeroed up front: a zeroed allocation of this size comes
    // straight from the kernel and page-faults on every write, a plain one can be reused.
    let mut out = Vec::with_capacity(w * h);
    let sub = |a: [f32; 3], b: [f32; 3]| [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    // A tangent from the neighbours on this pixel's surface: central where both are,
    // one-sided where one is.
    let tangent = |prev: Option<usize>, i: usize, next: Option<usize>| match (prev, next) {
        (Some(a), Some(b)) => Some(sub(pts[b], pts[a])),
        (None, Some(b)) => Some(sub(pts[b], pts[i])),
        (Some(a), None) => Some(sub(pts[i], pts[a])),
        (None, None) => None,
    };
    let flags = edges.raw();
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            let p = pts[i];
            if p[2] <= 0.0 {
                out.push([0.0; 3]);
                continue;
            }
            // Fast path, most pixels: all four neighbours on this surface.
            if x > 0 && y > 0 && x + 1 < w && y + 1 < h && (flags[i] | flags[i - 1] & RIGHT | flags[i - w] & DOWN) == 0 {
                let (a, b, c, d) = (pts[i - 1], pts[i + 1], pts[i - w], pts[i + w]);
                let th = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
                let tv = [d[0] - c[0], d[1] - c[1], d[2] - c[2]];
                let n = [tv[1] * th[2] - tv[2] * th[1], tv[2] * th[0] - tv[0] * th[2], tv[0] * th[1] - tv[1] * th[0]];
                let len2 = n[0] * n[0] + n[1] * n[1] + n[2] * n[2];
                if len2 > 1e-30 {
                    let mut inv = 1.0 / len2.sqrt();
                    if n[0] * p[0] + n[1] * p[1] + n[2] * p[2] > 0.0 {
                        inv = -inv;
                    }
                    out.push([n[0] * inv, n[1] * inv, n[2] * inv]);
                    continue;
                }
            }
            let l = (x > 0 && edges.right_ok(x - 1, y)).then(|| i - 1);
            let r = (x + 1 < w && edges.right_ok(x, y)).then_some(i + 1);
            let u = (y > 0 && edges.down_ok(x, y - 1)).then(|| i - w);
            let d = (y + 1 < h && edges.down_ok(x, y)).then_some(i + w);
            let mut n = match (tangent(l, i, r), tangent(u, i, d)) {
                // tv x th faces the camera for a surface seen head-on.
                (Some(th), Some(tv)) => [tv[1] * th[2] - tv[2] * th[1], tv[2] * th[0] - tv[0] * th[2], tv[0] * th[1] - tv[1] * th[0]],
                _ => [0.0; 3],
            };
            let mut len2 = n[0] * n[0] + n[1] * n[1] + n[2] * n[2];
            if len2.is_nan() || len2 <= 1e-30 {
                n = [-p[0], -p[1], -p[2]];
                len2 = n[0] * n[0] + n[1] * n[1] + n[2] * n[2];
            }
            let mut inv = 1.0 / len2.sqrt();
            if n[0] * p[0] + n[1] * p[1] + n[2] * p[2] > 0.0 {
                inv = -inv;
            }
            out.push([n[0] * inv, n[1] * inv, n[2] * inv]);
        }
    }
    out
}

/// The angle in degrees between two unit normals.
pub fn angle_deg(a: &Vec3, b: &Vec3) -> f32 {
    a.dot(b).clamp(-1.0, 1.0).acos().to_degrees()
}
