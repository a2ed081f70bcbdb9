//! Measurements from the tokens a node was given. The decoder sees an object only through
//! its tokens (centroid, normal, extent, count), so its sizes and distances are as fine as
//! the allocation made them: the object's shape class is refitted to the token centroids
//! when there are enough of them, and otherwise the union of the token boxes is measured
//! and completed by the scene's fitted shape (how much of the object the view hid).

use spatia_geom::math::{Vec2, Vec3, v3};
use spatia_reason::{Token, shape_surface};
use spatia_scene::{Object, ShapeClass, fit_box, fit_circle, fit_sphere};

/// Fewest tokens a sphere or cylinder is refitted from (the fitters need ten points).
pub const MIN_FIT_TOKENS: usize = 10;

/// How an object measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// Object id.
    pub id: u16,
    /// Completed centre, scene frame.
    pub centre: [f32; 3],
    /// Completed width, depth, height, metres.
    pub size: [f32; 3],
    /// Yaw of the width axis, degrees.
    pub yaw_deg: f32,
    /// Shape class used.
    pub shape: ShapeClass,
    /// Tokens it was measured from.
    pub tokens: usize,
    /// How: "sphere fit to 312 tokens", "box of 3 tokens, completed".
    pub method: String,
    /// Points standing for its surface (the completed shape's, or the token centroids).
    pub surface: Vec<[f32; 3]>,
}

impl Measured {
    /// Width and depth as the viewer sees them: along the scene's x (left-right) and y
    /// (away) axes, whichever of the object's own axes is closer to each.
    pub fn viewer_extents(&self) -> [f32; 2] {
        let c = self.yaw_deg.to_radians().cos();
        if c * c >= 0.5 { [self.size[0], self.size[1]] } else { [self.size[1], self.size[0]] }
    }

    /// Volume of the completed shape, cubic metres.
    pub fn volume(&self) -> f32 {
        let [w, d, h] = self.size;
        match self.shape {
            ShapeClass::Sphere => std::f32::consts::PI / 6.0 * w * w * w,
            ShapeClass::Cylinder => std::f32::consts::PI / 4.0 * w * w * h,
            _ => w * d * h,
        }
    }
}

/// Extent of the token boxes along the yawed axes: (low, high) in (u, v, z).
fn token_box(toks: &[&Token], yaw_deg: f32) -> ([f32; 3], [f32; 3]) {
    let (s, c) = yaw_deg.to_radians().sin_cos();
    let (u, v) = (Vec2::new(c, s), Vec2::new(-s, c));
    let (mut lo, mut hi) = ([f32::MAX; 3], [f32::MIN; 3]);
    for t in toks {
        let [cx, cy, cz] = t.centroid;
        let [ex, ey, ez] = t.extent.map(|e| e / 2.0);
        for (dx, dy) in [(-ex, -ey), (ex, -ey), (ex, ey), (-ex, ey)] {
            let p = Vec2::new(cx + dx, cy + dy);
            for (k, axis) in [u, v].iter().enumerate() {
                lo[k] = lo[k].min(p.dot(axis));
                hi[k] = hi[k].max(p.dot(axis));
            }
        }
        lo[2] = lo[2].min(cz - ez);
        hi[2] = hi[2].max(cz + ez);
    }
    (lo, hi)
}

/// Measures an object from its tokens.
pub fn measure(o: &Object, toks: &[&Token]) -> Measured {
    let n = toks.len();
    let whole = |method: String| Measured {
        id: o.id,
        centre: o.centre,
        size: o.size,
        yaw_deg: o.yaw_deg,
        shape: o.shape,
        tokens: n,
        method,
        surface: spatia_reason::surface_points(o),
    };
    if n == 0 {
        return whole("no tokens: the scene's summary".into());
    }
    // Tokens of a point or two each are the points themselves: the scene's fit is the fit.
    if n * 3 >= o.points.len() {
        return whole(format!("{n} tokens at point resolution: the scene's {} fit", o.shape.noun()));
    }
    let pts: Vec<Vec3> = toks.iter().map(|t| v3(t.centroid)).collect();
    let base = o.bottom();
    let refit: Option<([f32; 3], [f32; 3], f32)> = match o.shape {
        ShapeClass::Sphere if n >= MIN_FIT_TOKENS => fit_sphere(&pts).map(|(c, r, _)| ([c.x, c.y, c.z], [2.0 * r; 3], 0.0)),
        ShapeClass::Cylinder if n >= MIN_FIT_TOKENS => {
            let side: Vec<Vec2> =
                toks.iter().filter(|t| t.normal[2].abs() < 0.5).map(|t| Vec2::new(t.centroid[0], t.centroid[1])).collect();
            fit_circle(&side, o.noise).map(|(c, r, _)| {
                let top = toks.iter().map(|t| t.centroid[2] + t.extent[2] / 2.0).fold(f32::MIN, f32::max);
                let h = top - base;
                ([c.x, c.y, base + h / 2.0], [2.0 * r, 2.0 * r, h], 0.0)
            })
        }
        ShapeClass::Box | ShapeClass::Cube if n >= 4 => {
            let c: Vec<[f32; 3]> = toks.iter().map(|t| t.centroid).collect();
            let nm: Vec<[f32; 3]> = toks.iter().map(|t| t.normal).collect();
            fit_box(&c, &nm, base).map(|b| {
                let e = b.extents();
                ([b.centre.x, b.centre.y, b.centre.z], [e.x, e.y, e.z], b.yaw_deg())
            })
        }
        _ => None,
    };
    // A refit far from the scene's own fit (a handful of tokens on one face) is not trusted.
    if let Some((c, s, yaw)) = refit {
        let sane = (0..3).all(|k| s[k] > 0.25 * o.size[k] && s[k] < 2.0 * o.size[k] + 0.02);
        if sane {
            return Measured {
                id: o.id,
                centre: c,
                size: s,
                yaw_deg: yaw,
                shape: o.shape,
                tokens: n,
                method: format!("{} fit to {n} tokens", o.shape.noun()),
                surface: shape_surface(o.shape, c, s, yaw, &[]),
            };
        }
    }
    // The token boxes, completed as the scene's fit completed the visible points.
    let (lo, hi) = token_box(toks, o.yaw_deg);
    let mut size = [0.0f32; 3];
    for k in 0..3 {
        let seen = (hi[k] - lo[k]).max(0.0);
        let ratio = if o.visible_size[k] > 1e-3 { (o.size[k] / o.visible_size[k]).clamp(1.0, 4.0) } else { 1.0 };
        size[k] = seen * ratio;
    }
    if o.shape == ShapeClass::Sphere {
        let d = size[0].max(size[2]);
        size = [d; 3];
    }
    let surface = match o.shape {
        ShapeClass::Other => toks.iter().map(|t| t.centroid).collect(),
        s => shape_surface(s, o.centre, size, o.yaw_deg, &[]),
    };
    Measured {
        id: o.id,
        centre: o.centre,
        size,
        yaw_deg: o.yaw_deg,
        shape: o.shape,
        tokens: n,
        method: format!("box of {n} token{} (completed)", if n == 1 { "" } else { "s" }),
        surface,
    }
}

/// Gaps between two measured objects: (surface to surface, centre to centre), metres.
pub fn gap(a: &Measured, b: &Measured) -> (f32, f32) {
    let surface = spatia_geom::closest_pair(&a.surface, &b.surface).ok().flatten().map_or(f32::INFINITY, |p| p.distance);
    (surface, (v3(a.centre) - v3(b.centre)).norm())
}

/// Distances from a point (the camera): (nearest surface, centre), metres.
pub fn from_point(m: &Measured, p: [f32; 3]) -> (f32, f32) {
    let p = v3(p);
    let surface = m.surface.iter().map(|q| (v3(*q) - p).norm()).fold(f32::INFINITY, f32::min);
    (surface, (v3(m.centre) - p).norm())
}
