//! Spatial relations as DESIGN.md defines them, evaluated in the gravity-aligned scene
//! frame from the viewer's side. Every threshold is a named constant; every verdict
//! carries its margin (how far past the threshold, metres or fraction) so that answers can
//! say "just barely".

use serde::{Deserialize, Serialize};
use spatia_geom::math::{Vec3, v3};
use spatia_geom::{ClosestPair, closest_pair};
use spatia_scene::{Object, ShapeClass, footprint_overlap};

/// Left/right and in front/behind: the offset along the viewer's axis must exceed this.
pub const DIRECTION_EPS: f32 = 0.02;
/// "On top of": bottom within this of the supporter's top, metres.
pub const CONTACT_GAP: f32 = 0.03;
/// "On top of": footprint overlap above this fraction.
pub const ON_OVERLAP: f32 = 0.3;
/// "Above"/"below": vertical gap above this, metres.
pub const ABOVE_GAP: f32 = 0.06;
/// "Above"/"below": footprint overlap above this fraction.
pub const ABOVE_OVERLAP: f32 = 0.2;
/// "Near": surface distance under max(this, `NEAR_FACTOR` x the larger object's size), metres.
pub const NEAR_MIN: f32 = 0.3;
/// See [`NEAR_MIN`].
pub const NEAR_FACTOR: f32 = 0.5;
/// "Between": at least this share of the footprint inside the hull of the two others'.
pub const BETWEEN_INSIDE: f32 = 0.51;
/// "Between": at most this overlap with either of the two.
pub const BETWEEN_OVERLAP: f32 = 0.1;
/// "Closest"/"farthest": a runner-up within this is a near tie, metres.
pub const TIE_MARGIN: f32 = 0.03;

/// The relations between two objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// B is left of A (as the viewer sees it).
    LeftOf,
    /// B is right of A.
    RightOf,
    /// B is in front of A (nearer the viewer).
    InFrontOf,
    /// B is behind A.
    Behind,
    /// B rests directly on A.
    OnTopOf,
    /// B is above A (a gap, overlapping footprints).
    Above,
    /// B is below A.
    Below,
    /// B is under A: below it, A being something one can be under.
    Under,
    /// B is near A.
    Near,
}

impl Relation {
    /// The relation with the arguments swapped: "B left of A" is "A right of B".
    pub fn converse(self) -> Option<Relation> {
        Some(match self {
            Relation::LeftOf => Relation::RightOf,
            Relation::RightOf => Relation::LeftOf,
            Relation::InFrontOf => Relation::Behind,
            Relation::Behind => Relation::InFrontOf,
            Relation::Above => Relation::Below,
            Relation::Below => Relation::Above,
            Relation::Near => Relation::Near,
            Relation::OnTopOf | Relation::Under => return None,
        })
    }
}

/// Whether a relation holds and by how much.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Whether it holds.
    pub holds: bool,
    /// Signed distance past the threshold (positive when it holds), in the relation's unit.
    pub margin: f32,
}

impl Verdict {
    fn over(value: f32, threshold: f32) -> Self {
        Verdict { holds: value > threshold, margin: value - threshold }
    }

    fn all(parts: &[Verdict]) -> Self {
        let margin = parts.iter().map(|v| v.margin).fold(f32::INFINITY, f32::min);
        Verdict { holds: parts.iter().all(|v| v.holds), margin }
    }
}

/// Distances between two objects.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Distance {
    /// Closest surface-to-surface distance (of the completed shapes where fitted), metres.
    pub surface: f32,
    /// Closest distance between the visible points alone, metres.
    pub visible: f32,
    /// Centre to centre, metres.
    pub centre: f32,
    /// The closest points, scene frame.
    pub points: [[f32; 3]; 2],
}

fn centre(o: &Object) -> Vec3 {
    v3(o.centre)
}

/// Points on the completed shape's surface when the object has a fitted shape, else its
/// visible points: distances then reach the unseen back of things.
pub fn surface_points(o: &Object) -> Vec<[f32; 3]> {
    shape_surface(o.shape, o.centre, o.size, o.yaw_deg, &o.points)
}

/// Points on the surface of a completed shape (`centre`, `size` = width, depth, height,
/// `yaw_deg` of the width axis, scene frame); `Other` has no model, so its `points` stand for it.
pub fn shape_surface(shape: ShapeClass, centre: [f32; 3], size: [f32; 3], yaw_deg: f32, points: &[[f32; 3]]) -> Vec<[f32; 3]> {
    let c = v3(centre);
    let [w, d, h] = size;
    let mut out = Vec::new();
    match shape {
        ShapeClass::Sphere => {
            let r = w / 2.0;
            let n = 600;
            let golden = std::f32::consts::PI * (3.0 - 5f32.sqrt());
            for i in 0..n {
                let z = 1.0 - 2.0 * (i as f32 + 0.5) / n as f32;
                let rr = (1.0 - z * z).sqrt();
                let t = golden * i as f32;
                out.push([c.x + r * rr * t.cos(), c.y + r * rr * t.sin(), c.z + r * z]);
            }
        }
        ShapeClass::Cylinder => {
            let r = w / 2.0;
            for i in 0..48 {
                let t = i as f32 / 48.0 * std::f32::consts::TAU;
                for j in 0..=10 {
                    out.push([c.x + r * t.cos(), c.y + r * t.sin(), c.z - h / 2.0 + h * j as f32 / 10.0]);
                }
                for k in 1..4 {
                    let rk = r * k as f32 / 4.0;
                    out.push([c.x + rk * t.cos(), c.y + rk * t.sin(), c.z + h / 2.0]);
                    out.push([c.x + rk * t.cos(), c.y + rk * t.sin(), c.z - h / 2.0]);
                }
            }
        }
        ShapeClass::Box | ShapeClass::Cube => {
            let (s, co) = yaw_deg.to_radians().sin_cos();
            let (u, v) = (Vec3::new(co, s, 0.0), Vec3::new(-s, co, 0.0));
            let n = 12;
            for i in 0..=n {
                for j in 0..=n {
                    let (a, b) = (i as f32 / n as f32 - 0.5, j as f32 / n as f32 - 0.5);
                    for f in [-0.5f32, 0.5] {
                        for p in [
                            c + u * w * f + v * d * a + Vec3::z() * h * b,
                            c + v * d * f + u * w * a + Vec3::z() * h * b,
                            c + Vec3::z() * h * f + u * w * a + v * d * b,
                        ] {
                            out.push([p.x, p.y, p.z]);
                        }
                    }
                }
            }
        }
        ShapeClass::Other => out = points.to_vec(),
    }
    out
}

/// Surface and centre distances between two objects (k-d tree nearest neighbours).
pub fn distance(a: &Object, b: &Object) -> Distance {
    let pair = |x: &[[f32; 3]], y: &[[f32; 3]]| -> Option<ClosestPair> { closest_pair(x, y).ok().flatten() };
    let (sa, sb) = (surface_points(a), surface_points(b));
    let fitted = pair(&sa, &sb);
    let visible = pair(&a.points, &b.points);
    let (surface, points) = match fitted {
        Some(p) => (p.distance, [sa[p.a as usize], sb[p.b as usize]]),
        None => (f32::INFINITY, [a.centre, b.centre]),
    };
    Distance { surface, visible: visible.map_or(f32::INFINITY, |p| p.distance), centre: (centre(a) - centre(b)).norm(), points }
}

/// Evaluates "B is `rel` A" (`b` first, as in the sentence).
pub fn relate(b: &Object, rel: Relation, a: &Object) -> Verdict {
    let d = centre(b) - centre(a);
    match rel {
        // Scene frame: x is the viewer's right, y points away from the viewer.
        Relation::LeftOf => Verdict::over(-d.x, DIRECTION_EPS),
        Relation::RightOf => Verdict::over(d.x, DIRECTION_EPS),
        Relation::InFrontOf => Verdict::over(-d.y, DIRECTION_EPS),
        Relation::Behind => Verdict::over(d.y, DIRECTION_EPS),
        Relation::OnTopOf => {
            let gap = b.bottom() - a.top_under(b);
            Verdict::all(&[
                Verdict { holds: gap.abs() <= CONTACT_GAP, margin: CONTACT_GAP - gap.abs() },
                Verdict::over(footprint_overlap(b, a), ON_OVERLAP),
            ])
        }
        Relation::Above => above(b, a),
        Relation::Below => above(a, b),
        Relation::Under => {
            let below = above(a, b);
            let a_has_top = a.label == "table" || a.parts.iter().any(|p| matches!(p.name.as_str(), "top" | "top face" | "seat"));
            Verdict { holds: below.holds && a_has_top, margin: below.margin }
        }
        Relation::Near => {
            // The larger of the two sizes, so that "near" stays symmetric: "B is near A"
            // and "A is near B" always agree.
            let size = a.size.iter().chain(&b.size).cloned().fold(0.0, f32::max);
            let limit = NEAR_MIN.max(NEAR_FACTOR * size);
            let s = distance(a, b).surface;
            Verdict { holds: s < limit, margin: limit - s }
        }
    }
}

fn above(b: &Object, a: &Object) -> Verdict {
    Verdict::all(&[
        Verdict::over(b.bottom() - a.top(), ABOVE_GAP),
        Verdict::over(footprint_overlap(b, a).max(footprint_overlap(a, b)), ABOVE_OVERLAP),
    ])
}

/// "B is between A and C": B's footprint mostly inside the convex hull of A's and C's
/// footprints, overlapping neither much.
pub fn between(b: &Object, a: &Object, c: &Object) -> Verdict {
    use spatia_geom::math::Vec2;
    let corners = |o: &Object| {
        let (s, co) = o.yaw_deg.to_radians().sin_cos();
        let (u, v) = (Vec2::new(co, s), Vec2::new(-s, co));
        let c = Vec2::new(o.centre[0], o.centre[1]);
        [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)].map(|(i, j)| c + u * (i * o.size[0] / 2.0) + v * (j * o.size[1] / 2.0))
    };
    let hull = spatia_geom::convex_hull(corners(a).into_iter().chain(corners(c)).collect());
    let bc = corners(b);
    const N: usize = 9;
    let mut inside = 0;
    for i in 0..N {
        for j in 0..N {
            let (fi, fj) = ((i as f32 + 0.5) / N as f32, (j as f32 + 0.5) / N as f32);
            let p = bc[0] + (bc[1] - bc[0]) * fi + (bc[3] - bc[0]) * fj;
            if spatia_scene::inside(&hull, p, 0.0) {
                inside += 1;
            }
        }
    }
    let share = inside as f32 / (N * N) as f32;
    let overlap = footprint_overlap(b, a).max(footprint_overlap(b, c));
    Verdict::all(&[Verdict::over(share, BETWEEN_INSIDE), Verdict { holds: overlap <= BETWEEN_OVERLAP, margin: BETWEEN_OVERLAP - overlap }])
}

/// Candidates ordered by surface distance to `anchor`, nearest first, with their
/// distances; `tie` when the runner-up is within [`TIE_MARGIN`] of the first.
pub fn rank_by_distance<'a>(anchor: &Object, candidates: &[&'a Object]) -> (Vec<(&'a Object, f32)>, bool) {
    let mut v: Vec<(&Object, f32)> = candidates.iter().filter(|o| o.id != anchor.id).map(|o| (*o, distance(anchor, o).surface)).collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.id.cmp(&b.0.id)));
    let tie = v.len() >= 2 && v[1].1 - v[0].1 < TIE_MARGIN;
    (v, tie)
}
