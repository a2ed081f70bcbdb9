//! Depth discontinuities between neighbouring pixels: the one rule that normals, both
//! meshers and later region growing share, so they never disagree about where a surface ends.

use crate::depth::DepthMap;

/// When two neighbouring pixels belong to the same surface.
///
/// Two tests, in inverse depth `u = 1/z`, where every plane is linear in pixel coordinates
/// and depth-sensor noise is nearly constant (stereo and structured light measure
/// disparity, which is `u` up to a scale). The edge between pixels `p` and `q` is kept when
///
/// 1. the step is within noise: `|u_q - u_p| <= (abs + per_m2 z^2) / z^2` at `z = min(z_p, z_q)`
///    (the same as `|z_q - z_p| <= abs + per_m2 z^2` for small steps: 3 cm at 2 m, 5.5 cm at
///    3 m with the defaults), or
/// 2. the step continues a ramp: on both sides, the step from the pixel before `p` and the
///    step after `q` predict this one, `|d - d_side| <= base + ramp_rel |d|`. (Next to
///    unknown depth or the image border only test 1 applies: sensors drop pixels at
///    exactly the silhouettes this rule is for.) A floor seen at
///    a grazing angle has large steps in depth, but equal steps in inverse depth, so it stays
///    connected; at a silhouette the step stands alone (the object's surface is flat or turns
///    back), so it breaks, even for an object one pixel wide.
///
/// Unknown depth breaks every edge it touches.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct JumpRule {
    /// Constant part of the allowed step, metres.
    pub abs: f32,
    /// Part that grows with the square of the depth, metres per square metre.
    pub per_m2: f32,
    /// How far (relative) a step may differ from the neighbouring step and still be a ramp.
    pub ramp_rel: f32,
}

/// Allowed step between neighbours: 1 cm, plus 0.5 cm at 1 m growing with z^2 (3 cm at 2 m, 5.5 cm at 3 m).
pub const DEFAULT_JUMP_ABS: f32 = 0.01;
/// See [`JumpRule::per_m2`].
pub const DEFAULT_JUMP_PER_M2: f32 = 0.005;
/// See [`JumpRule::ramp_rel`].
pub const DEFAULT_RAMP_REL: f32 = 0.25;

impl Default for JumpRule {
    fn default() -> Self {
        JumpRule { abs: DEFAULT_JUMP_ABS, per_m2: DEFAULT_JUMP_PER_M2, ramp_rel: DEFAULT_RAMP_REL }
    }
}

impl JumpRule {
    /// Whether the step from `zp` to `zq` breaks the surface, given the depths one pixel
    /// before `p` and one after `q` along the same line (0 when unknown or off the image).
    #[inline]
    pub fn broken(&self, before: f32, zp: f32, zq: f32, after: f32) -> bool {
        self.broken_inverse(inverse(before), inverse(zp), inverse(zq), inverse(after))
    }

    /// [`JumpRule::broken`] on inverse depths (`1/z`, 0 when unknown), which is how the rule
    /// is defined and what a whole-image pass precomputes.
    #[inline]
    pub fn broken_inverse(&self, before: f32, up: f32, uq: f32, after: f32) -> bool {
        if up <= 0.0 || uq <= 0.0 {
            return true;
        }
        // The noise allowance at the nearer depth, (abs + per_m2 z^2) / z^2, in inverse depth.
        let um = up.max(uq);
        let base = self.abs * um * um + self.per_m2;
        let d = uq - up;
        if d.abs() <= base {
            return false;
        }
        // Both sides must be known and agree: next to a hole (sensors drop pixels at exactly
        // the silhouettes this rule is for) or at the image border, only the noise test holds.
        if before <= 0.0 || after <= 0.0 {
            return true;
        }
        let tol = base + self.ramp_rel * d.abs();
        !((d - (up - before)).abs() <= tol && (d - (after - uq)).abs() <= tol)
    }
}

/// [`JumpRule::broken_inverse`] with every test taken (no branch: a row's edges go through
/// it in vector lanes); the same answer for every input.
#[inline(always)]
fn broken_lanes(rule: &JumpRule, before: f32, up: f32, uq: f32, after: f32) -> bool {
    let um = up.max(uq);
    let base = rule.abs * um * um + rule.per_m2;
    let d = uq - up;
    let tol = base + rule.ramp_rel * d.abs();
    let ramp = ((d - (up - before)).abs() <= tol) & ((d - (after - uq)).abs() <= tol);
    (up <= 0.0) | (uq <= 0.0) | ((d.abs() > base) & ((before <= 0.0) | (after <= 0.0) | !ramp))
}

#[inline]
fn inverse(z: f32) -> f32 {
    if z > 0.0 { 1.0 / z } else { 0.0 }
}

/// Per-pixel flags: is the edge to the right neighbour, and to the neighbour below, broken?
#[derive(Debug, Clone)]
pub struct DepthEdges {
    width: usize,
    height: usize,
    // Bit 0: edge to (x+1, y) broken; bit 1: edge to (x, y+1) broken.
    flags: Vec<u8>,
}

/// The bit of [`DepthEdges::raw`] set when the edge to the right neighbour is broken.
pub const RIGHT: u8 = 1;
/// The bit of [`DepthEdges::raw`] set when the edge to the neighbour below is broken.
pub const DOWN: u8 = 2;

impl DepthEdges {
    /// Classifies every horizontal and vertical pixel edge of a depth map.
    pub fn from_depth(depth: &DepthMap, rule: &JumpRule) -> Self {
        let (w, h) = (depth.width(), depth.height());
        let u: Vec<f32> = depth.as_slice().iter().map(|&z| inverse(z)).collect();
        let mut flags = vec![RIGHT | DOWN; w * h];
        // Each edge's test is taken whole, without the rule's early answers, so that a row is
        // tested in vector lanes (the same answers: see [`broken_lanes`]).
        // (All bits where broken; all but `bit` where not.)
        let keep = |broken: bool, bit: u8| !(bit & u8::from(broken).wrapping_sub(1));
        for y in 0..h {
            let row = &u[y * w..(y + 1) * w];
            let out = &mut flags[y * w..(y + 1) * w];
            for x in 0..w.saturating_sub(1) {
                let before = if x > 0 { row[x - 1] } else { 0.0 };
                let after = if x + 2 < w { row[x + 2] } else { 0.0 };
                out[x] &= keep(broken_lanes(rule, before, row[x], row[x + 1], after), RIGHT);
            }
        }
        let zeros = vec![0.0f32; w];
        for y in 0..h.saturating_sub(1) {
            let before = if y > 0 { &u[(y - 1) * w..y * w] } else { &zeros[..] };
            let (p, q) = (&u[y * w..(y + 1) * w], &u[(y + 1) * w..(y + 2) * w]);
            let after = if y + 2 < h { &u[(y + 2) * w..(y + 3) * w] } else { &zeros[..] };
            let out = &mut flags[y * w..(y + 1) * w];
            for ((o, (&b, &up)), (&uq, &a)) in out.iter_mut().zip(before.iter().zip(p)).zip(q.iter().zip(after)) {
                *o &= keep(broken_lanes(rule, b, up, uq, a), DOWN);
            }
        }
        DepthEdges { width: w, height: h, flags }
    }

    /// Width of the grid.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height of the grid.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Per-pixel bits, row-major: [`RIGHT`] set when the edge to the right is broken,
    /// [`DOWN`] below. For whole-image sweeps, where a call per pixel costs more than the test.
    pub fn raw(&self) -> &[u8] {
        &self.flags
    }

    /// Whether pixels `(x, y)` and `(x + 1, y)` lie on one surface.
    #[inline]
    pub fn right_ok(&self, x: usize, y: usize) -> bool {
        self.flags[y * self.width + x] & RIGHT == 0
    }

    /// Whether pixels `(x, y)` and `(x, y + 1)` lie on one surface.
    #[inline]
    pub fn down_ok(&self, x: usize, y: usize) -> bool {
        self.flags[y * self.width + x] & DOWN == 0
    }

    /// Whether a 4-connected pixel walk from `a` to `b` (the staircase closest to the straight
    /// segment) stays on one surface. Used for the long edges of the adaptive mesh.
    pub fn path_ok(&self, a: (usize, usize), b: (usize, usize)) -> bool {
        let (mut x, mut y) = (a.0 as i64, a.1 as i64);
        let (dx, dy) = ((b.0 as i64 - x).abs(), (b.1 as i64 - y).abs());
        let (sx, sy) = ((b.0 as i64 - x).signum(), (b.1 as i64 - y).signum());
        let (mut ix, mut iy) = (0i64, 0i64);
        // Step along x or y, whichever boundary the straight segment crosses first.
        while ix < dx || iy < dy {
            if (1 + 2 * ix) * dy < (1 + 2 * iy) * dx {
                let xl = if sx > 0 { x } else { x - 1 };
                if !self.right_ok(xl as usize, y as usize) {
                    return false;
                }
                x += sx;
                ix += 1;
            } else {
                let yl = if sy > 0 { y } else { y - 1 };
                if !self.down_ok(x as usize, yl as usize) {
                    return false;
                }
                y += sy;
                iy += 1;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_branchless_test_answers_as_the_rule_does() {
        // Depths near one another (steps within and beyond the noise, ramps kept and
        // broken) and unknown ones, seeded.
        use rand::{Rng, SeedableRng};
        let rule = JumpRule::default();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let mut broken = 0;
        for _ in 0..200_000 {
            let base = rng.random_range(0.3..8.3f32);
            let z: [f32; 4] = std::array::from_fn(|_| if rng.random_ratio(1, 11) { 0.0 } else { base + rng.random_range(-0.2..0.2f32) });
            let u = z.map(inverse);
            let want = rule.broken_inverse(u[0], u[1], u[2], u[3]);
            assert_eq!(broken_lanes(&rule, u[0], u[1], u[2], u[3]), want, "{z:?}");
            broken += usize::from(want);
        }
        assert!((20_000..180_000).contains(&broken), "{broken}");
    }

    #[test]
    fn grazing_plane_stays_connected_but_a_silhouette_breaks() {
        let rule = JumpRule::default();
        // A floor at a grazing angle: big steps, all alike.
        assert!(!rule.broken(3.00, 3.08, 3.16, 3.24));
        // An object edge: flat at 2 m, then the background at 2.3 m.
        assert!(rule.broken(2.0, 2.0, 2.3, 2.3));
        // A one-pixel object in front of a grazing floor: the ramp turns back at the object.
        assert!(rule.broken(6.3, 5.4, 6.45, 6.6));
        // A grazing floor far away, steps growing with distance.
        assert!(!rule.broken(5.0, 5.4, 5.85, 6.35));
        // Unknown depth breaks.
        assert!(rule.broken(1.0, 1.0, 0.0, 1.0));
        // Small steps are always fine.
        assert!(!rule.broken(0.0, 1.0, 1.005, 0.0));
    }

    #[test]
    fn path_walk_crosses_every_pixel_edge_once() {
        let mut data = vec![1.0f32; 20 * 10];
        for y in 0..10 {
            for x in 12..20 {
                data[y * 20 + x] = 2.0;
            }
        }
        let d = DepthMap::from_metres(20, 10, data).unwrap();
        let e = DepthEdges::from_depth(&d, &JumpRule::default());
        assert!(e.path_ok((0, 0), (11, 9)));
        assert!(e.path_ok((11, 9), (0, 3)));
        assert!(!e.path_ok((0, 0), (12, 9)));
        assert!(!e.path_ok((19, 0), (3, 5)));
        assert!(e.path_ok((12, 0), (19, 9)));
    }
}
