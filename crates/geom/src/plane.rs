//! Planes and multi-plane RANSAC with least-squares refinement.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::math::{Moments, Vec3, v3};

/// A plane `normal . p + d = 0` with a unit normal.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Plane {
    /// Unit normal.
    pub normal: Vec3,
    /// Offset: the signed distance of the origin.
    pub d: f32,
}

impl Plane {
    /// The plane through three points, `None` when they are (nearly) collinear.
    pub fn from_points(a: Vec3, b: Vec3, c: Vec3) -> Option<Self> {
        let n = (b - a).cross(&(c - a)).try_normalize(1e-12)?;
        Some(Plane { normal: n, d: -n.dot(&a) })
    }

    /// Least-squares plane of a point set (smallest principal axis of the covariance).
    pub fn fit(m: &Moments) -> Option<Self> {
        if m.count() < 3 {
            return None;
        }
        let [(_, n), (l1, _), _] = m.principal_axes();
        if l1 <= 0.0 {
            return None;
        }
        let c = m.mean();
        Some(Plane { normal: n, d: -n.dot(&c) })
    }

    /// Signed distance of a point.
    #[inline]
    pub fn distance(&self, p: &Vec3) -> f32 {
        self.normal.dot(p) + self.d
    }

    /// The same plane with its normal turned so that `toward` is on the positive side.
    pub fn facing(self, toward: &Vec3) -> Self {
        if self.distance(toward) < 0.0 { Plane { normal: -self.normal, d: -self.d } } else { self }
    }
}

/// Refits before the last use at most this many points.
const REFINE_POINTS: usize = 20_000;

/// Settings of [`detect_planes`]. Points are expected in the camera frame, where the
/// distance from the origin is the distance from the sensor.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RansacConfig {
    /// Most planes to report.
    pub max_planes: usize,
    /// Inlier distance at the sensor, metres.
    pub distance: f32,
    /// Added inlier distance per square metre of range (sensor noise grows with z^2).
    pub distance_per_m2: f32,
    /// When normals are given, an inlier's normal must be within this many degrees.
    pub normal_deg: f32,
    /// A plane needs at least this many inliers...
    pub min_inliers: usize,
    /// ...and at least this fraction of all points.
    pub min_fraction: f32,
    /// Most hypotheses tried per plane (fewer when a good plane is found early).
    pub iterations: usize,
    /// Hypotheses are scored on a random sample of this many points.
    pub sample: usize,
    /// Least-squares refinement rounds.
    pub refine: usize,
    /// Seed of the random sampling: the same seed gives the same planes.
    pub seed: u64,
    /// [`GridSurface::planes`](crate::GridSurface::planes) uses every `pixel_stride`-th
    /// pixel of every `pixel_stride`-th row (1 = all); planes of a room need far fewer
    /// points than a camera has pixels. 0 picks the stride that leaves about
    /// [`PLANE_PIXELS`] pixels of any image (see [`RansacConfig::stride`]).
    pub pixel_stride: usize,
}

/// The pixels [`RansacConfig::pixel_stride`] 0 samples: a room's planes are found as well
/// from 20 000 as from 300 000 (tested on generated rooms with and without sensor noise), and
/// the search then costs the same at any resolution.
pub const PLANE_PIXELS: usize = 20_000;

impl RansacConfig {
    /// The pixel stride used on a `width` x `height` grid: [`RansacConfig::pixel_stride`],
    /// or where that is 0 the nearest stride that samples about [`PLANE_PIXELS`] pixels.
    pub fn stride(&self, width: usize, height: usize) -> usize {
        match self.pixel_stride {
            0 => ((width * height) as f64 / PLANE_PIXELS as f64).sqrt().round().max(1.0) as usize,
            s => s,
        }
    }
}

impl Default for RansacConfig {
    fn default() -> Self {
        RansacConfig {
            max_planes: 6,
            distance: 0.01,
            distance_per_m2: 0.002,
            normal_deg: 25.0,
            min_inliers: 200,
            min_fraction: 0.02,
            iterations: 300,
            sample: 3000,
            refine: 3,
            seed: 0x5eed,
            pixel_stride: 1,
        }
    }
}

/// A plane found in a point set.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectedPlane {
    /// The plane, normal facing the sensor (the origin).
    pub plane: Plane,
    /// Indices of its inliers in the input.
    pub inliers: Vec<u32>,
    /// Root-mean-square distance of the inliers, metres.
    pub rms: f32,
    /// Mean of the inliers.
    pub centroid: Vec3,
}

/// Points a RANSAC hypothesis is scored on between two checks that it can still win.
const SCORE_BLOCK: usize = 64;

/// Finds up to `cfg.max_planes` planes, largest first: RANSAC hypotheses scored on a sample,
/// then least-squares refits on all remaining points; each plane's inliers are removed
/// before the next search. `normals` (one a point), when given, keep points of other
/// surfaces that merely cross a plane from joining it.
pub fn detect_planes(points: &[[f32; 3]], normals: Option<&[[f32; 3]]>, cfg: &RansacConfig) -> Vec<DetectedPlane> {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let mut remaining: Vec<u32> = (0..points.len() as u32).collect();
    let cos_max = cfg.normal_deg.to_radians().cos();
    let min_total = cfg.min_inliers.max((cfg.min_fraction * points.len() as f32) as usize).max(3);
    let origin = Vec3::zeros();
    let mut found = Vec::new();
    let mut taken = vec![false; points.len()];
    // Each point's inlier distance, fixed by its range.
    let tols: Vec<f32> = points.iter().map(|p| cfg.distance + cfg.distance_per_m2 * v3(*p).norm_squared()).collect();
    let is_inlier = |plane: &Plane, i: u32| {
        let p = v3(points[i as usize]);
        plane.distance(&p).abs() <= tols[i as usize] && normals.is_none_or(|ns| plane.normal.dot(&v3(ns[i as usize])).abs() >= cos_max)
    };
    while found.len() < cfg.max_planes && remaining.len() >= min_total {
        let sample: Vec<u32> = if remaining.len() <= cfg.sample {
            remaining.clone()
        } else {
            (0..cfg.sample).map(|_| remaining[rng.random_range(0..remaining.len())]).collect()
        };
        // The sample's coordinates, tolerances and normals, each in an array of its own
        // (gathered once, read in order by every hypothesis) and scored a block at a time
        // without a branch a point: the test is the same, and a hypothesis stops at the first
        // block after which it cannot beat the best, which is the same choice.
        let column = |f: &dyn Fn(u32) -> f32| -> Vec<f32> { sample.iter().map(|&i| f(i)).collect() };
        let (px, py, pz) = (column(&|i| points[i as usize][0]), column(&|i| points[i as usize][1]), column(&|i| points[i as usize][2]));
        let tol = column(&|i| tols[i as usize]);
        let normal = |k: usize| move |i: u32| normals.map_or(0.0, |ns| ns[i as usize][k]);
        let (nx, ny, nz) = (column(&normal(0)), column(&normal(1)), column(&normal(2)));
        let facing = if normals.is_some() { cos_max } else { f32::NEG_INFINITY };
        let mut best: Option<(usize, Plane)> = None;
        let mut budget = cfg.iterations;
        let mut it = 0;
        while it < budget {
            it += 1;
            let pick = |rng: &mut ChaCha8Rng| v3(points[sample[rng.random_range(0..sample.len())] as usize]);
            let Some(plane) = Plane::from_points(pick(&mut rng), pick(&mut rng), pick(&mut rng)) else { continue };

            let to_beat = best.map_or(0, |(s, _)| s + 1);
            let (a, b, c, d) = (plane.normal.x, plane.normal.y, plane.normal.z, plane.d);
            let mut score = 0;
            let mut k = 0;
            while k < sample.len() && score + (sample.len() - k) >= to_beat {
                let end = (k + SCORE_BLOCK).min(sample.len());
                score += (k..end)
                    .map(|j| {
                        let near = (a * px[j] + b * py[j] + c * pz[j] + d).abs() <= tol[j];
                        let along = (a * nx[j] + b * ny[j] + c * nz[j]).abs() >= facing;
                        usize::from(near & along)
                    })
                    .sum::<usize>();
                k = end;
            }
            if score >= to_beat && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, plane));
                // Enough hypotheses to draw an all-inlier triple with 99 % probability.
                let ratio = score as f64 / sample.len() as f64;
                let need = (0.01f64.ln() / (1.0 - ratio.powi(3)).max(1e-12).ln()).ceil();
                if need.is_finite() {
                    budget = budget.min((need as usize).max(20));
                }
            }
        }
        let Some((_, mut plane)) = best else { break };
        // Refits on an evenly strided subset of the remaining points; the last on all of them.
        let stride = (remaining.len() / REFINE_POINTS).max(1);
        for round in 0..cfg.refine {
            // Weighted by inverse noise variance: far points, noisier, count less.
            let step = if round + 1 == cfg.refine { 1 } else { stride };
            let mut m = Moments::default();
            for &i in remaining.iter().step_by(step).filter(|&&i| is_inlier(&plane, i)) {
                m.add_weighted(points[i as usize], 1.0 / (tols[i as usize] as f64).powi(2));
            }
            match Plane::fit(&m) {
                Some(p) => plane = p.facing(&origin),
                None => break,
            }
        }
        let inliers: Vec<u32> = remaining.iter().copied().filter(|&i| is_inlier(&plane, i)).collect();
        if inliers.len() < min_total {
            break;
        }
        let mut m = Moments::default();
        let mut sq = 0.0f64;
        for &i in &inliers {
            let p = v3(points[i as usize]);
            m.add(points[i as usize]);
            sq += (plane.distance(&p) as f64).powi(2);
        }
        let rms = (sq / inliers.len() as f64).sqrt() as f32;
        for &i in &inliers {
            taken[i as usize] = true;
        }
        remaining.retain(|&i| !taken[i as usize]);
        found.push(DetectedPlane { plane: plane.facing(&origin), inliers, rms, centroid: m.mean() });
    }
    found
}

impl crate::mesh::GridSurface {
    /// Planes of the frame (see [`detect_planes`]), using the grid normals; inlier indices
    /// are row-major pixel indices (of the pixels sampled, see [`RansacConfig::pixel_stride`]).
    pub fn planes(&self, cfg: &RansacConfig) -> Vec<DetectedPlane> {
        let w = self.points.width();
        let stride = cfg.stride(w, self.points.height());
        let all = self.points.as_slice();
        let (mut pts, mut pix) = (Vec::new(), Vec::new());
        for y in (0..self.points.height()).step_by(stride) {
            for x in (0..w).step_by(stride) {
                let i = y * w + x;
                if all[i][2] > 0.0 {
                    pts.push(all[i]);
                    pix.push(i as u32);
                }
            }
        }
        let normals: Vec<[f32; 3]> = pix.iter().map(|&i| self.normals[i as usize]).collect();
        let mut planes = detect_planes(&pts, Some(&normals), cfg);
        for p in &mut planes {
            for i in &mut p.inliers {
                *i = pix[*i as usize];
            }
        }
        planes
    }

    /// The planes and the gravity-aligned scene frame they give (see
    /// [`crate::SceneFrame::estimate`]).
    pub fn scene_frame(&self, cfg: &RansacConfig) -> (crate::SceneFrame, Vec<DetectedPlane>) {
        let planes = self.planes(cfg);
        let valid = || self.points.as_slice().iter().filter(|p| p[2] > 0.0);
        let sample =
            crate::gravity::sample(valid().count()).map_or_else(Vec::new, |stride| valid().step_by(stride).map(|p| v3(*p)).collect());
        (crate::SceneFrame::from_sample(&sample, &planes), planes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_distr::{Distribution, Normal};

    #[test]
    fn the_automatic_stride_samples_about_the_same_pixels_at_any_resolution() {
        let auto = RansacConfig { pixel_stride: 0, ..RansacConfig::default() };
        for ((w, h), want) in [((640, 480), 4), ((1280, 960), 8), ((320, 240), 2), ((100, 100), 1), ((1, 1), 1)] {
            let s = auto.stride(w, h);
            assert_eq!(s, want, "{w}x{h}");
            let sampled = w.div_ceil(s) * h.div_ceil(s);
            assert!(w * h < PLANE_PIXELS || (sampled as f64 / PLANE_PIXELS as f64 - 1.0).abs() < 0.3, "{w}x{h}: {sampled}");
        }
        // A stride that is set is kept.
        assert_eq!(RansacConfig { pixel_stride: 3, ..RansacConfig::default() }.stride(1280, 960), 3);
    }

    #[test]
    fn finds_two_noisy_planes_in_clutter() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let noise = Normal::new(0.0f32, 0.002).unwrap();
        let mut pts = Vec::new();
        for _ in 0..6000 {
            // Floor y = 1 (camera frame, 1 m below the sensor).
            pts.push([rng.random_range(-2.0..2.0), 1.0 + noise.sample(&mut rng), rng.random_range(1.0..4.0)]);
        }
        for _ in 0..3000 {
            // Wall z = 4.
            pts.push([rng.random_range(-2.0..2.0), rng.random_range(-1.0..1.0), 4.0 + noise.sample(&mut rng)]);
        }
        for _ in 0..1000 {
            pts.push([rng.random_range(-2.0..2.0), rng.random_range(-1.0..1.0), rng.random_range(1.0..4.0)]);
        }
        let planes = detect_planes(&pts, None, &RansacConfig::default());
        assert!(planes.len() >= 2);
        let floor = &planes[0].plane;
        assert!(floor.normal.y < -0.9999, "{:?}", floor.normal);
        assert!((floor.d - 1.0).abs() < 0.003, "{}", floor.d);
        let wall = &planes[1].plane;
        assert!(wall.normal.z < -0.9999);
        assert!((wall.d - 4.0).abs() < 0.005, "{}", wall.d);
        // Deterministic for a seed.
        assert_eq!(detect_planes(&pts, None, &RansacConfig::default())[0].plane, *floor);
    }
}
