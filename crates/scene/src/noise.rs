//! The sensor's depth noise, measured on the frame itself, and surface normals averaged over
//! a window that grows with it.
//!
//! [`SceneConfig::sigma`] is a model of a structured-light sensor (Nguyen et al.); a real
//! frame may be far cleaner (a synthetic or stereo ground-truth depth map) or noisier. The
//! model's shape (growth with the square of the range) is kept and its scale is measured:
//! on a smooth surface the second difference of three neighbouring depths along a row is
//! noise alone, with a standard deviation of `sqrt(6) sigma`. The median over the frame is
//! robust to the edges and creases that also give large differences.
//!
//! Normals from neighbouring pixels are the difference of two noisy depths over one pixel's
//! width: at 5 m a Kinect-like sensor's 5 cm of noise against 9 mm pixels makes them
//! meaningless, and a fixed 5x5 average does not recover them. The window a pixel's normal
//! is averaged over grows until the tilt of a least-squares plane through it is known to
//! about 0.15 (9 degrees): for an n x n window of pixels `d` apart with depth noise `sigma`
//! the slope's standard deviation is about `sqrt(12) sigma / (d n^2)`, so
//! `n = sqrt(23 sigma / d)`. The sums stop at depth discontinuities, as before, and are
//! taken from running sums, so a wide window costs no more than a narrow one.

use spatia_geom::GridSurface;
use spatia_geom::{EDGE_DOWN as DOWN, EDGE_RIGHT as RIGHT};

use crate::config::SceneConfig;

/// The smallest and largest half-width of the normal window, pixels. Two is the window of a
/// clean frame (a right-angled edge spreads over five pixels); eight (17 x 17 pixels) is
/// reached at about 7 m with a Kinect-like sensor.
pub const MIN_RADIUS: usize = 2;
/// See [`MIN_RADIUS`].
pub const MAX_RADIUS: usize = 8;

/// Slope precision the normal window aims for (see the module docs).
const SLOPE_STD: f32 = 0.15;

/// The measured noise as a multiple of the configured model, in [0.02, 4]: the median of
/// `|z[x-1] - 2 z[x] + z[x+1]| / (sqrt(6) sigma(z))` over pixels whose row neighbours are
/// on their surface (every other pixel of every other row), scaled to a standard deviation.
pub fn scale(surface: &GridSurface, cfg: &SceneConfig) -> f32 {
    let (w, h) = (surface.points.width(), surface.points.height());
    let pts = surface.points.as_slice();
    let mut ratios: Vec<f32> = Vec::with_capacity(w * h / 4);
    for y in (0..h).step_by(2) {
        for x in (1..w.saturating_sub(1)).step_by(2) {
            let i = y * w + x;
            let z = pts[i][2];
            if z <= 0.0 || !surface.edges.right_ok(x - 1, y) || !surface.edges.right_ok(x, y) {
                continue;
            }
            let d = pts[i - 1][2] - 2.0 * z + pts[i + 1][2];
            ratios.push(d.abs() / (6f32.sqrt() * cfg.sigma(z)));
        }
    }
    if ratios.len() < 100 {
        return 1.0;
    }
    let k = ratios.len() / 2;
    let med = *ratios.select_nth_unstable_by(k, f32::total_cmp).1;
    // Median of |N(0, s)| is 0.6745 s.
    (med / 0.6745).clamp(0.02, 4.0)
}

/// Smallest depth noise assumed, metres: what a millimetre depth image keeps (1 mm steps,
/// a standard deviation of 0.29 mm) and a little more.
pub const MIN_SIGMA: f32 = 0.0005;

/// The frame's depth noise at range `z`: the configured model times the measured `scale`,
/// never below [`MIN_SIGMA`].
pub fn sigma(scale: f32, cfg: &SceneConfig, z: f32) -> f32 {
    (scale * cfg.sigma(z)).max(MIN_SIGMA)
}

/// Half-width of the normal window at range `z` for depth noise `sigma` and focal length
/// `fx` (pixels).
pub fn radius(z: f32, sigma: f32, fx: f32) -> usize {
    let spacing = (z / fx).max(1e-6);
    let n = (12f32.sqrt() * sigma / (SLOPE_STD * spacing)).sqrt();
    (((n - 1.0) / 2.0).ceil().max(0.0) as usize).clamp(MIN_RADIUS, MAX_RADIUS)
}

/// Camera-frame normals averaged over a window of half-width `radius(z)` along the rows,
/// then the columns, never across a depth discontinuity; renormalised.
pub fn smooth_normals(surface: &GridSurface, sigma: &dyn Fn(f32) -> f32, fx: f32) -> Vec<[f32; 3]> {
    let (w, h) = (surface.points.width(), surface.points.height());
    let pts = surface.points.as_slice();
    let raw = &surface.normals;
    // The radius by 1 cm of range (it changes by a pixel over decimetres).
    let zmax = pts.iter().map(|p| p[2]).fold(0.0f32, f32::max).min(1000.0);
    let table: Vec<u8> = (0..=(zmax * 100.0) as usize + 1)
        .map(|k| {
            let z = (k as f32 + 0.5) / 100.0;
            radius(z, sigma(z), fx) as u8
        })
        .collect();
    // The window's half-width, 0 where there is no depth (every pixel with depth has one of
    // at least MIN_RADIUS).
    let r: Vec<u8> = pts.iter().map(|p| if p[2] > 0.0 { table[((p[2] * 100.0) as usize).min(table.len() - 1)] } else { 0 }).collect();
    let flags = surface.edges.raw();

    // Along each row: running sums over runs of pixels on one surface.
    let mut rows = vec![[0.0f32; 3]; w * h];
    let mut run: Vec<[f32; 3]> = Vec::with_capacity(w + 1);
    for y in 0..h {
        let (rr_row, raw_row, flag_row) = (&r[y * w..(y + 1) * w], &raw[y * w..(y + 1) * w], &flags[y * w..(y + 1) * w]);
        let out_row = &mut rows[y * w..(y + 1) * w];
        let mut x = 0;
        while x < w {
            if rr_row[x] == 0 {
                x += 1;
                continue;
            }
            let start = x;
            while x + 1 < w && rr_row[x + 1] > 0 && flag_row[x] & RIGHT == 0 {
                x += 1;
            }
            let end = x; // inclusive
            run.clear();
            let mut acc = [0.0f32; 3];
            run.push(acc);
            for n in &raw_row[start..=end] {
                acc = [acc[0] + n[0], acc[1] + n[1], acc[2] + n[2]];
                run.push(acc);
            }
            for xx in start..=end {
                let rr = rr_row[xx] as usize;
                let (a, b) = (xx.saturating_sub(rr).max(start) - start, (xx + rr).min(end) - start + 1);
                let (hi, lo) = (run[b], run[a]);
                out_row[xx] = [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]];
            }
            x += 1;
        }
    }

    // Down each column, the same over the row sums, sweeping whole rows at a time (a
    // column walk strides the image and misses the cache on every pixel): running sums from
    // the start of each vertical run and the row each run starts at, going down; then, going
    // up, the row each run ends at and the window's sum.
    let mut linked = vec![false; w * h];
    for i in w..w * h {
        linked[i] = r[i] > 0 && r[i - w] > 0 && flags[i - w] & DOWN == 0;
    }
    let mut sums = rows;
    let mut start = vec![0u32; w * h];
    for i in w..w * h {
        if linked[i] {
            let (p, v) = (sums[i - w], sums[i]);
            sums[i] = [p[0] + v[0], p[1] + v[1], p[2] + v[2]];
            start[i] = start[i - w];
        } else {
            start[i] = (i / w) as u32;
        }
    }
    let mut out = vec![[0.0f32; 3]; w * h];
    // The row each pixel's vertical run ends at, for the row below the one being swept.
    let mut end_below = vec![0u32; w];
    for y in (0..h).rev() {
        for x in 0..w {
            let i = y * w + x;
            let e0 = if i + w < w * h && linked[i + w] { end_below[x] as usize } else { y };
            end_below[x] = e0 as u32;
            let rr = r[i] as usize;
            if rr == 0 {
                continue;
            }
            let s0 = start[i] as usize;
            let (lo, hi) = (y.saturating_sub(rr).max(s0), (y + rr).min(e0));
            let top = sums[hi * w + x];
            let s = if lo > s0 {
                let b = sums[(lo - 1) * w + x];
                [top[0] - b[0], top[1] - b[1], top[2] - b[2]]
            } else {
                top
            };
            let len = (s[0] * s[0] + s[1] * s[1] + s[2] * s[2]).sqrt();
            out[i] = if len > 1e-12 { [s[0] / len, s[1] / len, s[2] / len] } else { raw[i] };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_grows_with_noise_and_range() {
        let cfg = SceneConfig::default();
        // A clean frame keeps the narrowest window; a Kinect-like one widens it with range.
        assert_eq!(radius(5.0, 0.02 * cfg.sigma(5.0), 525.0), MIN_RADIUS);
        let near = radius(1.0, cfg.sigma(1.0), 525.0);
        let far = radius(5.0, cfg.sigma(5.0), 525.0);
        assert!(near <= 3 && (5..=MAX_RADIUS).contains(&far), "{near} {far}");
    }
}
