//! Surface normals straight from the depth grid: central differences, one-sided at a
//! discontinuity, so an object's silhouette never bends its normals toward the background.

use crate::edges::{DOWN, DepthEdges, RIGHT};
use crate::math::Vec3;
use crate::points::PointGrid;

/// One unit normal per pixel, facing the camera; `[0, 0, 0]` where depth is unknown.
///
/// The normal is the cross product of the pixel's column and row tangents (see
/// [`pixel_tangents`]); when a pixel has no neighbour on its surface along an axis (a
/// one-pixel sliver) the normal falls back to facing the camera.
pub fn grid_normals(points: &PointGrid, edges: &DepthEdges) -> Vec<[f32; 3]> {
    let (w, h) = (points.width(), points.height());
    let pts = points.as_slice();
    let flags = edges.raw();
    // Filled in order rather than zeroed up front: a zeroed allocation of this size comes
    // straight from the kernel and page-faults on every write, a plain one can be reused.
    let mut out = Vec::with_capacity(w * h);
    // First the cross products, row by row (a pixel's column and row come from the loops,
    // not from dividing its index); then their lengths in a pass of their own (in one loop
    // with the tangents, the square root and division stalled it: split, the whole is a
    // tenth faster).
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if pts[i][2] <= 0.0 {
                out.push([0.0; 3]);
                continue;
            }
            out.push(match pixel_tangents(pts, flags, w, h, x, y) {
                // tv x th faces the camera for a surface seen head-on.
                [Some(th), Some(tv)] => [tv[1] * th[2] - tv[2] * th[1], tv[2] * th[0] - tv[0] * th[2], tv[0] * th[1] - tv[1] * th[0]],
                _ => [0.0; 3],
            });
        }
    }
    for (n, p) in out.iter_mut().zip(pts) {
        if p[2] <= 0.0 {
            continue;
        }
        let mut m = *n;
        let mut len2 = m[0] * m[0] + m[1] * m[1] + m[2] * m[2];
        if len2.is_nan() || len2 <= 1e-30 {
            m = [-p[0], -p[1], -p[2]];
            len2 = m[0] * m[0] + m[1] * m[1] + m[2] * m[2];
        }
        let mut inv = 1.0 / len2.sqrt();
        if m[0] * p[0] + m[1] * p[1] + m[2] * p[2] > 0.0 {
            inv = -inv;
        }
        *n = [m[0] * inv, m[1] * inv, m[2] * inv];
    }
    out
}

/// The tangents of the pixel in column `x` of row `y` (with depth) along its row and its
/// column, `[row, column]`, from its neighbours on its surface (the discontinuity rule of
/// `flags`, the raw [`DepthEdges`]): the difference across both neighbours where both are,
/// twice the difference to the one where one is (both span two pixels' widths), None along
/// an axis where neither is. `pts` are the grid's points, `w` and `h` its size.
#[inline(always)]
pub fn pixel_tangents(pts: &[[f32; 3]], flags: &[u8], w: usize, h: usize, x: usize, y: usize) -> [Option<[f32; 3]>; 2] {
    let i = y * w + x;
    let d = |a: [f32; 3], b: [f32; 3]| [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    // Fast path, most pixels: all four neighbours on this surface.
    if x > 0 && y > 0 && x + 1 < w && y + 1 < h && (flags[i] | flags[i - 1] & RIGHT | flags[i - w] & DOWN) == 0 {
        return [Some(d(pts[i - 1], pts[i + 1])), Some(d(pts[i - w], pts[i + w]))];
    }
    let twice = |a: [f32; 3], b: [f32; 3]| d(a, b).map(|v| 2.0 * v);
    let tangent = |prev: Option<usize>, next: Option<usize>| match (prev, next) {
        (Some(a), Some(b)) => Some(d(pts[a], pts[b])),
        (None, Some(b)) => Some(twice(pts[i], pts[b])),
        (Some(a), None) => Some(twice(pts[a], pts[i])),
        (None, None) => None,
    };
    let l = (x > 0 && flags[i - 1] & RIGHT == 0).then(|| i - 1);
    let r = (x + 1 < w && flags[i] & RIGHT == 0).then_some(i + 1);
    let u = (y > 0 && flags[i - w] & DOWN == 0).then(|| i - w);
    let dn = (y + 1 < h && flags[i] & DOWN == 0).then_some(i + w);
    [tangent(l, r), tangent(u, dn)]
}

/// The angle in degrees between two unit normals.
pub fn angle_deg(a: &Vec3, b: &Vec3) -> f32 {
    a.dot(b).clamp(-1.0, 1.0).acos().to_degrees()
}
