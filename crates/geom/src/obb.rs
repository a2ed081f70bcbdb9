//! Oriented bounding boxes: gravity-aligned (yaw only) and free 3-D.

use crate::math::{Moments, Vec2, Vec3, v3};

/// An oriented box: centre, three orthonormal axes and the half-extent along each.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Obb {
    /// Centre.
    pub centre: Vec3,
    /// Unit axes (right-handed).
    pub axes: [Vec3; 3],
    /// Half-extent along each axis.
    pub half: Vec3,
}

impl Obb {
    /// The smallest box about the vertical (z) axis that holds the points: the minimum-area
    /// rectangle of the points' floor footprint (rotating calipers over the convex hull)
    /// times their height range. Points are in a z-up frame. `axes[0]` is the horizontal
    /// axis nearer the frame's x (so `extents()[0]` is the width seen from the camera),
    /// `axes[2]` is z. `None` for an empty set.
    pub fn gravity_aligned(points: &[[f32; 3]]) -> Option<Self> {
        let (zmin, zmax) = points.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), p| (lo.min(p[2]), hi.max(p[2])));
        if !zmin.is_finite() {
            return None;
        }
        let hull = convex_hull(points.iter().map(|p| Vec2::new(p[0], p[1])).collect());
        let (u, centre, half) = min_area_rect(&hull);
        Some(Self::upright(u, centre, half, zmin, zmax))
    }

    /// The box about the vertical whose first floor axis is `u`, centred at `centre_xy`,
    /// with half-extents `half` along `u` and its perpendicular, from `zmin` to `zmax`. The
    /// axes are put in spatia's order: `axes[0]` is the one nearer x (pointing +x), so
    /// `extents()[0]` is the width seen from the camera.
    pub fn upright(u: Vec2, centre_xy: Vec2, half: Vec2, zmin: f32, zmax: f32) -> Self {
        let v = Vec2::new(-u.y, u.x);
        let (mut a0, mut a1) = (Vec3::new(u.x, u.y, 0.0), Vec3::new(v.x, v.y, 0.0));
        let (mut h0, mut h1) = (half.x.max(0.0), half.y.max(0.0));
        if a0.x.abs() < a1.x.abs() {
            std::mem::swap(&mut a0, &mut a1);
            std::mem::swap(&mut h0, &mut h1);
        }
        if a0.x < 0.0 {
            a0 = -a0;
        }
        Obb {
            centre: Vec3::new(centre_xy.x, centre_xy.y, (zmin + zmax) / 2.0),
            axes: [a0, Vec3::z().cross(&a0), Vec3::z()],
            half: Vec3::new(h0, h1, ((zmax - zmin) / 2.0).max(0.0)),
        }
    }

    /// A free 3-D box along the principal axes of the points (largest spread first).
    pub fn principal(points: &[[f32; 3]]) -> Option<Self> {
        if points.is_empty() {
            return None;
        }
        let mut m = Moments::default();
        for p in points {
            m.add(*p);
        }
        let [_, (_, e1), (_, e2)] = m.principal_axes();
        let axes = [e2, e1, e2.cross(&e1)];
        let (mut lo, mut hi) = (Vec3::repeat(f32::INFINITY), Vec3::repeat(f32::NEG_INFINITY));
        for p in points {
            let p = v3(*p);
            let q = Vec3::new(p.dot(&axes[0]), p.dot(&axes[1]), p.dot(&axes[2]));
            lo = lo.inf(&q);
            hi = hi.sup(&q);
        }
        let mid = (lo + hi) / 2.0;
        Some(Obb { centre: axes[0] * mid.x + axes[1] * mid.y + axes[2] * mid.z, axes, half: (hi - lo) / 2.0 })
    }

    /// Full extents along the axes.
    pub fn extents(&self) -> Vec3 {
        self.half * 2.0
    }

    /// Volume.
    pub fn volume(&self) -> f32 {
        8.0 * self.half.x * self.half.y * self.half.z
    }

    /// Rotation of the first axis about z, degrees (meaningful for gravity-aligned boxes).
    pub fn yaw_deg(&self) -> f32 {
        self.axes[0].y.atan2(self.axes[0].x).to_degrees()
    }

    /// Whether a point lies inside (with a tolerance).
    pub fn contains(&self, p: &Vec3, tol: f32) -> bool {
        let d = p - self.centre;
        (0..3).all(|i| d.dot(&self.axes[i]).abs() <= self.half[i] + tol)
    }

    /// The four corners of the floor-plane footprint of a box about the vertical
    /// ([`Obb::upright`], [`Obb::gravity_aligned`]), counter-clockwise: `axes[1]` is z x
    /// `axes[0]`.
    pub fn footprint(&self) -> [Vec2; 4] {
        let (c, a0, a1) = (self.centre.xy(), self.axes[0].xy() * self.half.x, self.axes[1].xy() * self.half.y);
        [c - a0 - a1, c + a0 - a1, c + a0 + a1, c - a0 + a1]
    }

    /// The eight corners.
    pub fn corners(&self) -> [Vec3; 8] {
        let mut out = [Vec3::zeros(); 8];
        for (k, c) in out.iter_mut().enumerate() {
            let s = |b: usize| if k >> b & 1 == 1 { 1.0 } else { -1.0 };
            *c = self.centre + self.axes[0] * s(0) * self.half.x + self.axes[1] * s(1) * self.half.y + self.axes[2] * s(2) * self.half.z;
        }
        out
    }
}

/// The smallest rectangle around a convex polygon (counter-clockwise, as
/// [`convex_hull`] gives it): one of its sides lies along an edge of the polygon. Returns
/// its first axis, its centre and its half sizes along that axis and the perpendicular; a
/// polygon of one point (or none) gives a rectangle of no size there (or at the origin).
pub fn min_area_rect(hull: &[Vec2]) -> (Vec2, Vec2, Vec2) {
    let mut best: Option<(f32, Vec2, Vec2, Vec2)> = None;
    for i in 0..hull.len() {
        let Some(u) = (hull[(i + 1) % hull.len()] - hull[i]).try_normalize(1e-12) else { continue };
        let v = Vec2::new(-u.y, u.x);
        let (mut lo, mut hi) = (Vec2::repeat(f32::INFINITY), Vec2::repeat(f32::NEG_INFINITY));
        for p in hull {
            let q = Vec2::new(p.dot(&u), p.dot(&v));
            lo = lo.inf(&q);
            hi = hi.sup(&q);
        }
        let area = (hi.x - lo.x) * (hi.y - lo.y);
        if best.is_none_or(|b| area < b.0) {
            best = Some((area, u, lo, hi));
        }
    }
    let Some((_, u, lo, hi)) = best else {
        return (Vec2::x(), hull.first().copied().unwrap_or_else(Vec2::zeros), Vec2::zeros());
    };
    let v = Vec2::new(-u.y, u.x);
    let mid = (lo + hi) / 2.0;
    (u, u * mid.x + v * mid.y, (hi - lo) / 2.0)
}

/// Convex hull of 2-D points, counter-clockwise (Andrew's monotone chain).
pub fn convex_hull(mut pts: Vec<Vec2>) -> Vec<Vec2> {
    // Points strictly inside the polygon of the extreme points along eight directions
    // cannot be on the hull (Akl and Toussaint): on a dense cloud that leaves a few
    // percent of them to sort.
    if pts.len() > 64 {
        // Extreme along x, x + y, y, y - x, -x, -x - y, -y and x - y (counter-clockwise).
        let along = |p: &Vec2| [p.x, p.x + p.y, p.y, p.y - p.x, -p.x, -p.x - p.y, -p.y, p.x - p.y];
        let mut ext = [pts[0]; 8];
        let mut best = along(&pts[0]);
        for p in &pts {
            let v = along(p);
            for k in 0..8 {
                if v[k] > best[k] {
                    (best[k], ext[k]) = (v[k], *p);
                }
            }
        }
        // A point is kept unless it lies strictly left of every edge between distinct ones.
        let mut poly: Vec<Vec2> = Vec::with_capacity(8);
        for &e in &ext {
            if poly.last() != Some(&e) && poly.first() != Some(&e) {
                poly.push(e);
            }
        }
        if poly.len() >= 3 {
            let n = poly.len();
            let edges: Vec<(Vec2, Vec2)> = (0..n).map(|i| (poly[i], poly[(i + 1) % n] - poly[i])).collect();
            let outside = |p: &Vec2| edges.iter().any(|(a, e)| e.x * (p.y - a.y) - e.y * (p.x - a.x) <= 0.0);
            // Most points fall in the rectangle between the diagonal extremes, which lies
            // inside the polygon when its corners do: those are dropped at once.
            let (x0, x1) = (ext[3].x.max(ext[5].x), ext[1].x.min(ext[7].x));
            let (y0, y1) = (ext[5].y.max(ext[7].y), ext[1].y.min(ext[3].y));
            let corners = [Vec2::new(x0, y0), Vec2::new(x1, y0), Vec2::new(x1, y1), Vec2::new(x0, y1)];
            let quick = x0 < x1 && y0 < y1 && !corners.iter().any(outside);
            pts.retain(|p| !(quick && p.x > x0 && p.x < x1 && p.y > y0 && p.y < y1) && outside(p));
        }
    }
    pts.sort_unstable_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let cross = |o: Vec2, a: Vec2, b: Vec2| (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
    let mut hull: Vec<Vec2> = Vec::with_capacity(pts.len() + 1);
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &Vec2>> = if pass == 0 { Box::new(pts.iter()) } else { Box::new(pts.iter().rev()) };
        for &p in iter {
            while hull.len() >= start + 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0 {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    hull
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn the_footprint_runs_counter_clockwise_at_any_yaw() {
        for deg in (0..360).step_by(15) {
            let u = Vec2::new((deg as f32).to_radians().cos(), (deg as f32).to_radians().sin());
            let b = Obb::upright(u, Vec2::new(1.0, -2.0), Vec2::new(0.3, 0.1), 0.0, 1.0);
            let f = b.footprint();
            let area: f32 = (0..4).map(|i| f[i].x * f[(i + 1) % 4].y - f[(i + 1) % 4].x * f[i].y).sum::<f32>() / 2.0;
            assert!((area - 0.12).abs() < 1e-4, "yaw {deg}: signed area {area}");
        }
    }

    #[test]
    fn recovers_a_rotated_box() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let yaw = 0.4f32;
        let (c, s) = (yaw.cos(), yaw.sin());
        let pts: Vec<[f32; 3]> = (0..5000)
            .map(|_| {
                let (u, v, w) = (rng.random_range(-0.3..0.3f32), rng.random_range(-0.1..0.1f32), rng.random_range(0.0..0.5f32));
                [1.0 + c * u - s * v, 2.0 + s * u + c * v, w]
            })
            .collect();
        let b = Obb::gravity_aligned(&pts).unwrap();
        let e = b.extents();
        assert!((e.x - 0.6).abs() < 0.01 && (e.y - 0.2).abs() < 0.01 && (e.z - 0.5).abs() < 0.01, "{e}");
        assert!((b.yaw_deg() - yaw.to_degrees()).abs() < 1.0);
        assert!((b.centre - Vec3::new(1.0, 2.0, 0.25)).norm() < 0.01);
        let p = Obb::principal(&pts).unwrap();
        assert!((p.extents().x - 0.6).abs() < 0.04, "{}", p.extents());
        assert!(pts.iter().all(|q| b.contains(&v3(*q), 1e-4)));
    }

    #[test]
    fn hull_of_a_square_with_inner_points() {
        let mut pts = vec![Vec2::new(0.0, 0.0), Vec2::new(1.0, 0.0), Vec2::new(1.0, 1.0), Vec2::new(0.0, 1.0)];
        pts.push(Vec2::new(0.5, 0.5));
        pts.push(Vec2::new(0.5, 0.0));
        assert_eq!(convex_hull(pts).len(), 4);
    }

    #[test]
    fn the_inner_point_filter_keeps_every_hull_vertex() {
        // The hull by the monotone chain alone, for comparison.
        fn plain(mut pts: Vec<Vec2>) -> Vec<Vec2> {
            pts.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
            pts.dedup();
            let cross = |o: Vec2, a: Vec2, b: Vec2| (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
            let mut hull: Vec<Vec2> = Vec::new();
            for pass in 0..2 {
                let start = hull.len();
                let order: Vec<Vec2> = if pass == 0 { pts.clone() } else { pts.iter().rev().copied().collect() };
                for p in order {
                    while hull.len() >= start + 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0 {
                        hull.pop();
                    }
                    hull.push(p);
                }
                hull.pop();
            }
            hull
        }
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for shape in 0..4 {
            let pts: Vec<Vec2> = (0..2000)
                .map(|_| {
                    let (u, v): (f32, f32) = (rng.random(), rng.random());
                    match shape {
                        0 => Vec2::new(u, v),
                        1 => {
                            let (r, a) = (u.sqrt(), v * std::f32::consts::TAU);
                            Vec2::new(r * a.cos(), r * a.sin())
                        }
                        2 => Vec2::new(u, 0.3 * u + 0.01 * v),
                        _ => Vec2::new((u * 10.0).round() / 10.0, (v * 10.0).round() / 10.0),
                    }
                })
                .collect();
            assert_eq!(convex_hull(pts.clone()), plain(pts), "shape {shape}");
        }
    }
}
