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
//!
//! The average of unit normals is biased toward the camera where the sensor loses much of
//! a surface's depth (isolated pixels' normals face the camera); [`normals`] also gives the
//! plane through the same window from its summed tangents, which neither that nor the
//! noise biases, for finding support surfaces at range.

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

/// The normal window's half-width of every pixel (`radius` at its range; 0 where there is no
/// depth), from a table by 1 cm of range (the radius changes by a pixel over decimetres).
pub fn radii(surface: &GridSurface, sigma: &dyn Fn(f32) -> f32, fx: f32) -> Vec<u8> {
    let pts = surface.points.as_slice();
    let zmax = pts.iter().map(|p| p[2]).fold(0.0f32, f32::max).min(1000.0);
    let table: Vec<u8> = (0..=(zmax * 100.0) as usize + 1)
        .map(|k| {
            let z = (k as f32 + 0.5) / 100.0;
            radius(z, sigma(z), fx) as u8
        })
        .collect();
    pts.iter().map(|p| if p[2] > 0.0 { table[((p[2] * 100.0) as usize).min(table.len() - 1)] } else { 0 }).collect()
}

/// Sums of `value(i, x, y)` (pixel `i`, in column `x` of row `y`) over each pixel's window
/// of half-width `r` (0: no window), along the rows, then the columns, never across a depth
/// discontinuity, each given to `emit` with its pixel (not called where `r` is 0).
///
/// One sweep down the image: each row's window sums along the row (running sums over each
/// run of pixels on one surface), then the running sums down each column from the start of
/// its vertical run, kept for the last `2 R + 2` rows only (`R` the widest half-width), which
/// is all a window reaches; a row's output is taken `R` rows later, once the sums below it
/// are known. The buffers stay in cache (a whole-image pass per step missed it on every
/// pixel) and the sums are those of a whole-image column pass, added in the same order.
fn window_sums<const N: usize>(
    surface: &GridSurface,
    r: &[u8],
    value: impl Fn(usize, usize, usize) -> [f32; N],
    mut emit: impl FnMut(usize, [f32; N]),
) {
    let (w, h) = (surface.points.width(), surface.points.height());
    let flags = surface.edges.raw();
    let widest = r.iter().copied().max().unwrap_or(0) as usize;
    if widest == 0 || w == 0 {
        return;
    }
    // Ring of the last `slots` rows: column running sums, and the row each pixel's vertical
    // run starts at (`NONE` where there is no window).
    const NONE: u32 = u32::MAX;
    let slots = 2 * widest + 2;
    let mut column = vec![[0.0f32; N]; slots * w];
    let mut start = vec![NONE; slots * w];
    // One row's window sums, and the running sums of the current run along it.
    let mut along = vec![[0.0f32; N]; w];
    let mut run: Vec<[f32; N]> = vec![[0.0f32; N]; w + 1];
    // Where each row's ring slot starts.
    let ring: Vec<usize> = (0..h).map(|y| (y % slots) * w).collect();
    for y in 0..h + widest {
        if y < h {
            let (rr_row, flag_row) = (&r[y * w..(y + 1) * w], &flags[y * w..(y + 1) * w]);
            let mut x = 0;
            while x < w {
                if rr_row[x] == 0 {
                    x += 1;
                    continue;
                }
                let first = x;
                while x + 1 < w && rr_row[x + 1] > 0 && flag_row[x] & RIGHT == 0 {
                    x += 1;
                }
                let len = x - first + 1;
                let mut acc = [0.0f32; N];
                run[0] = acc;
                for (k, slot) in run[1..=len].iter_mut().enumerate() {
                    acc = add(acc, value(y * w + first + k, first + k, y));
                    *slot = acc;
                }
                for (k, (o, &rr)) in along[first..=x].iter_mut().zip(&rr_row[first..=x]).enumerate() {
                    let rr = rr as usize;
                    let (a, b) = (k.saturating_sub(rr), (k + rr).min(len - 1) + 1);
                    *o = sub(run[b], run[a]);
                }
                x += 1;
            }
            let (cur, prev) = (ring[y], ring[y.saturating_sub(1)]);
            for x in 0..w {
                let i = y * w + x;
                if r[i] == 0 {
                    start[cur + x] = NONE;
                } else if y > 0 && r[i - w] > 0 && flags[i - w] & DOWN == 0 {
                    column[cur + x] = add(column[prev + x], along[x]);
                    start[cur + x] = start[prev + x];
                } else {
                    column[cur + x] = along[x];
                    start[cur + x] = y as u32;
                }
            }
        }
        // Row `y - widest`: every row its windows reach is in the ring.
        let Some(y0) = y.checked_sub(widest) else { continue };
        let row = ring[y0];
        for x in 0..w {
            let i = y0 * w + x;
            let rr = r[i] as usize;
            if rr == 0 {
                continue;
            }
            let s0 = start[row + x];
            // The last row of the window on this pixel's vertical run.
            let mut hi = (y0 + rr).min(h - 1);
            while start[ring[hi] + x] != s0 {
                hi -= 1;
            }
            let lo = y0.saturating_sub(rr).max(s0 as usize);
            let top = column[ring[hi] + x];
            emit(i, if lo > s0 as usize { sub(top, column[ring[lo - 1] + x]) } else { top });
        }
    }
}

fn add<const N: usize>(a: [f32; N], b: [f32; N]) -> [f32; N] {
    std::array::from_fn(|k| a[k] + b[k])
}

fn sub<const N: usize>(a: [f32; N], b: [f32; N]) -> [f32; N] {
    std::array::from_fn(|k| a[k] - b[k])
}

/// Camera-frame normals averaged over each pixel's window (half-widths `r`, from [`radii`])
/// along the rows, then the columns, never across a depth discontinuity; renormalised. And,
/// where the noise widens any pixel's window beyond [`MIN_RADIUS`] (`None` in a clean frame),
/// the normals of the plane through each such window: the cross product of the window's
/// summed tangents (see `tangents`), facing the camera; `[0, 0, 0]` where the window stays
/// narrow or there is no depth. Both come from one pass of sums.
///
/// The average of unit normals, each turned to face the camera, is what the rest of the
/// scene uses: it weighs every pixel alike at a crease (tangents weigh a surface seen at a
/// grazing angle more), and a plane facing the camera (a far wall) is found more surely
/// from it. On a surface seen at a grazing angle at range, though, a sensor loses much of
/// the depth (every row steps farther than its edge threshold: the generated scenes drop
/// half such pixels, as structured light does), and a pixel left without a neighbour on its
/// surface has a unit normal facing the camera (see `spatia_geom::grid_normals`); with the
/// rest mostly noise, the average faces the line of sight. A table's top at 5 m came out
/// facing the camera: 46 of its 508 pixels faced up on generated seed 80 (282 from the
/// tangents; 11 % against 48 % on the level top of this module's test, both near 99 % with
/// all the depth). A pixel without neighbours adds no tangent, and summed tangents stay
/// unbiased under noise: a pixel's depth noise moves its point along its own ray, and no
/// noise term of the row tangents meets one of the same pixel in the column tangents, so
/// none survives the cross product of the sums.
pub fn normals(surface: &GridSurface, r: &[u8]) -> (Vec<[f32; 3]>, Option<Vec<[f32; 3]>>) {
    let raw = &surface.normals;
    let unit = |i: usize, s: [f32; 3]| unit_or(s, raw[i]);
    // (By blocks, with no early exit within one, so that a block is tested in vector lanes.)
    let narrow = |k: u8| k == 0 || k as usize == MIN_RADIUS;
    if r.chunks(256).all(|b| b.iter().fold(true, |all, &k| all & narrow(k))) {
        return (narrow_window_normals(surface, r), None);
    }
    if r.iter().all(|&k| k as usize <= MIN_RADIUS) {
        return (averaged_normals(surface, r), None);
    }
    let mut smooth = vec![[0.0f32; 3]; raw.len()];
    let pts = surface.points.as_slice();
    let tangent = tangents(surface);
    let value = |i: usize, x: usize, y: usize| {
        let (n, t) = (raw[i], tangent(x, y));
        [n[0], n[1], n[2], t[0], t[1], t[2], t[3], t[4], t[5]]
    };
    let mut level = vec![[0.0f32; 3]; raw.len()];
    window_sums(surface, r, value, |i, s| {
        smooth[i] = unit(i, [s[0], s[1], s[2]]);
        if r[i] as usize <= MIN_RADIUS {
            return;
        }
        // Column tangent x row tangent faces the camera for a surface seen head-on.
        let (th, tv) = ([s[3], s[4], s[5]], [s[6], s[7], s[8]]);
        let n = [tv[1] * th[2] - tv[2] * th[1], tv[2] * th[0] - tv[0] * th[2], tv[0] * th[1] - tv[1] * th[0]];
        let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
        let p = pts[i];
        let sign = if n[0] * p[0] + n[1] * p[1] + n[2] * p[2] > 0.0 { -len } else { len };
        if len > 1e-20 {
            level[i] = [n[0] / sign, n[1] / sign, n[2] / sign];
        }
    });
    (smooth, Some(level))
}

/// `s` to unit length; `fallback` where it is (nearly) zero.
fn unit_or(s: [f32; 3], fallback: [f32; 3]) -> [f32; 3] {
    let len = (s[0] * s[0] + s[1] * s[1] + s[2] * s[2]).sqrt();
    if len > 1e-12 { [s[0] / len, s[1] / len, s[2] / len] } else { fallback }
}

/// The unit normals averaged over each pixel's window (half-widths `r`) by [`window_sums`],
/// without the tangent sums; `[0, 0, 0]` where `r` is 0.
fn averaged_normals(surface: &GridSurface, r: &[u8]) -> Vec<[f32; 3]> {
    let raw = &surface.normals;
    let mut smooth = vec![[0.0f32; 3]; raw.len()];
    window_sums(surface, r, |i, _, _| raw[i], |i, s| smooth[i] = unit_or(s, raw[i]));
    smooth
}

/// [`normals`] where every pixel with depth has the narrowest window ([`MIN_RADIUS`], as
/// in a clean frame) and every other none: the same windows, each summed directly rather
/// than as a difference of running sums. A pixel adds its neighbours out to `MIN_RADIUS`
/// along its row, each through the product of the links on the way (1 where two pixels
/// are on one surface, 0 where not), so that every pixel of a row takes the same steps and
/// a row goes through vector lanes, one plane for each of the three components; then those
/// row sums down the columns the same way, over a ring of the last `2 MIN_RADIUS + 1` rows.
/// The general sweep's running sums and its searches for each run's ends go one pixel at a
/// time: on a clean 640x480 frame this takes 2.2 ms where they took 3.1 ms. The sums
/// differ from [`window_sums`]' only by rounding (a test compares them; every outcome of
/// the quality report over seeds 0-259 is the same, sizes within 1e-5).
fn narrow_window_normals(surface: &GridSurface, r: &[u8]) -> Vec<[f32; 3]> {
    // Written out for half-width 2: each pixel adds two neighbours on either side.
    const _: () = assert!(MIN_RADIUS == 2);
    const SLOTS: usize = 5;
    let (w, h) = (surface.points.width(), surface.points.height());
    let (raw, flags) = (&surface.normals, surface.edges.raw());
    // Filled a row at a time, in order, rather than zeroed first (see `grid_normals`).
    let mut out = Vec::with_capacity(w * h);
    if w == 0 {
        return out;
    }
    // One row's values, a plane per component, and its links to the right (at `x + 2` for
    // pixel `x`), padded by two zeros at both ends: a zero link stops a chain.
    let mut value = [vec![0.0f32; w + 4], vec![0.0f32; w + 4], vec![0.0f32; w + 4]];
    let mut right = vec![0.0f32; w + 4];
    // The ring: each row's sums along it (a plane per component) and its links down.
    let mut along: Vec<[Vec<f32>; 3]> = (0..SLOTS).map(|_| [vec![0.0f32; w], vec![0.0f32; w], vec![0.0f32; w]]).collect();
    let mut down = vec![vec![0.0f32; w]; SLOTS];
    // An output row's window sums, and the products of the links up and down to each row.
    let mut total = [vec![0.0f32; w], vec![0.0f32; w], vec![0.0f32; w]];
    let (mut above, mut below) = (vec![0.0f32; w], vec![0.0f32; w]);
    let no_row = vec![0u8; w];
    for y in 0..h + 2 {
        if y < h {
            let row = y * w..(y + 1) * w;
            let (rr, fl, nn) = (&r[row.clone()], &flags[row.clone()], &raw[row]);
            let next = if y + 1 < h { &r[(y + 1) * w..(y + 2) * w] } else { &no_row[..] };
            let [vx, vy, vz] = &mut value;
            lanes::components([&mut vx[2..w + 2], &mut vy[2..w + 2], &mut vz[2..w + 2]], nn, rr);
            lanes::links(&mut right[2..w + 1], rr, &rr[1..], fl, RIGHT);
            lanes::links(&mut down[y % SLOTS], rr, next, fl, DOWN);
            for (plane, sums) in value.iter().zip(along[y % SLOTS].iter_mut()) {
                lanes::along_row(sums, plane, &right);
            }
        }
        // Row `y - 2`: every row its windows reach is in the ring.
        let Some(y0) = y.checked_sub(2) else { continue };
        for (c, acc) in total.iter_mut().enumerate() {
            acc.copy_from_slice(&along[y0 % SLOTS][c]);
            above.fill(1.0);
            below.fill(1.0);
            for k in 1..=2 {
                if y0 >= k {
                    lanes::add_linked(acc, &mut above, &down[(y0 - k) % SLOTS], &along[(y0 - k) % SLOTS][c]);
                }
                if y0 + k < h {
                    lanes::add_linked(acc, &mut below, &down[(y0 + k - 1) % SLOTS], &along[(y0 + k) % SLOTS][c]);
                }
            }
        }
        let row = y0 * w..(y0 + 1) * w;
        let [sx, sy, sz] = &mut total;
        lanes::unit(sx, sy, sz);
        out.extend(r[row.clone()].iter().zip(&raw[row]).zip(&*sx).zip(sy.iter().zip(&*sz)).map(|(((&rr, &n), &x), (&y, &z))| {
            // A zero sum (`unit` leaves it zero) keeps the pixel's own normal.
            let unit = if x == 0.0 && y == 0.0 && z == 0.0 { n } else { [x, y, z] };
            if rr > 0 { unit } else { [0.0; 3] }
        }));
    }
    out
}

/// The loops of [`narrow_window_normals`], each over slices passed in (so that the compiler
/// knows they do not overlap, and takes them in vector lanes).
mod lanes {
    /// Each pixel's normal, a plane per component; 0 where it has no window.
    pub(super) fn components([x, y, z]: [&mut [f32]; 3], normals: &[[f32; 3]], r: &[u8]) {
        for (((x, y), z), (n, &k)) in x.iter_mut().zip(y.iter_mut()).zip(z.iter_mut()).zip(normals.iter().zip(r)) {
            [*x, *y, *z] = if k > 0 { *n } else { [0.0; 3] };
        }
    }

    /// 1 where pixels `a` and `b` both have windows and the edge between them (`bit` of the
    /// first's flags) is not broken, else 0.
    pub(super) fn links(out: &mut [f32], a: &[u8], b: &[u8], flags: &[u8], bit: u8) {
        for ((l, &f), (&a, &b)) in out.iter_mut().zip(flags).zip(a.iter().zip(b)) {
            *l = if a > 0 && b > 0 && f & bit == 0 { 1.0 } else { 0.0 };
        }
    }

    /// Each pixel's value plus those of its two neighbours on either side, each through the
    /// links on its way; `v` and `right` are padded by two zeros at both ends.
    pub(super) fn along_row(sums: &mut [f32], v: &[f32], right: &[f32]) {
        let w = sums.len();
        let (l0, l1, l2, l3) = (&right[0..w], &right[1..w + 1], &right[2..w + 2], &right[3..w + 3]);
        let (v0, v1, v2, v3, v4) = (&v[0..w], &v[1..w + 1], &v[2..w + 2], &v[3..w + 3], &v[4..w + 4]);
        for x in 0..w {
            sums[x] = v2[x] + l1[x] * (v1[x] + l0[x] * v0[x]) + l2[x] * (v3[x] + l3[x] * v4[x]);
        }
    }

    /// One more row of a column chain: the chain's product of links `m` takes in `links`, and
    /// `acc` adds `sums` through it.
    pub(super) fn add_linked(acc: &mut [f32], m: &mut [f32], links: &[f32], sums: &[f32]) {
        for ((a, m), (&l, &s)) in acc.iter_mut().zip(m.iter_mut()).zip(links.iter().zip(sums)) {
            *m *= l;
            *a += *m * s;
        }
    }

    /// The vectors `(x, y, z)` to unit length in place; those of length 1e-12 or less to zero.
    pub(super) fn unit(x: &mut [f32], y: &mut [f32], z: &mut [f32]) {
        for (x, (y, z)) in x.iter_mut().zip(y.iter_mut().zip(z.iter_mut())) {
            let len = (*x * *x + *y * *y + *z * *z).sqrt();
            let keep = len > 1e-12;
            let len = if keep { len } else { 1.0 };
            (*x, *y, *z) = if keep { (*x / len, *y / len, *z / len) } else { (0.0, 0.0, 0.0) };
        }
    }
}

/// The row and column tangents of the pixel in column `x` of row `y` (`[row; 3]`,
/// `[column; 3]`; see [`spatia_geom::pixel_tangents`]), zero along an axis without a
/// neighbour on its surface and where the pixel has no depth. (Computed as the sums ask
/// for them: stored, they would be 24 bytes a pixel written and read back.)
fn tangents(surface: &GridSurface) -> impl Fn(usize, usize) -> [f32; 6] + '_ {
    let (w, h) = (surface.points.width(), surface.points.height());
    let (pts, flags) = (surface.points.as_slice(), surface.edges.raw());
    move |x: usize, y: usize| {
        if pts[y * w + x][2] <= 0.0 {
            return [0.0; 6];
        }
        let [th, tv] = spatia_geom::pixel_tangents(pts, flags, w, h, x, y).map(|t| t.unwrap_or([0.0; 3]));
        [th[0], th[1], th[2], tv[0], tv[1], tv[2]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A level top 0.85 m below a camera pitched down 15 degrees, from 4.8 to 5.8 m, a wall
    /// at 7 m behind it, with a Kinect-like sensor's depth noise (seeded, 1 mm steps) and,
    /// as such sensors do where the depth steps between neighbours (beyond 5 cm: every row
    /// of a top seen at a grazing angle), half its pixels without depth. Returns the
    /// surface, the noise model and the top's pixels with its unit normal (camera frame).
    fn grazing_top() -> (GridSurface, SceneConfig, Vec<usize>, [f32; 3]) {
        use spatia_geom::{DepthMap, Intrinsics, IntrinsicsSource, MeshConfig, RgbImage, RgbdFrame};
        let (w, h) = (640usize, 480usize);
        let intr = Intrinsics { fx: 570.0, fy: 570.0, cx: 319.5, cy: 239.5 };
        let pitch = 15f32.to_radians();
        let up = [0.0, -pitch.cos(), -pitch.sin()];
        let cfg = SceneConfig::default();
        let mut xs = crate::testutil::xorshift(0x9e37_79b9_u32);
        let mut uniform = move || (xs() as f32 + 0.5) / (u32::MAX as f32 + 1.0);
        let mut top = Vec::new();
        let depth: Vec<f32> = (0..w * h)
            .map(|i| {
                let ray = [((i % w) as f32 - intr.cx) / intr.fx, ((i / w) as f32 - intr.cy) / intr.fy, 1.0];
                let down = up[0] * ray[0] + up[1] * ray[1] + up[2] * ray[2];
                let z = if down < 0.0 { -0.85 / down } else { f32::MAX };
                let z = if (4.8..5.8).contains(&z) {
                    top.push(i);
                    z
                } else {
                    7.0
                };
                // Box-Muller from two uniforms.
                let g = (-2.0 * uniform().ln()).sqrt() * (std::f32::consts::TAU * uniform()).cos();
                if z < 7.0 && uniform() < 0.5 { 0.0 } else { ((z + g * cfg.sigma(z)) * 1000.0).round() / 1000.0 }
            })
            .collect();
        let rgb = RgbImage::from_raw(w as u32, h as u32, vec![128; w * h * 3]).unwrap();
        let frame = RgbdFrame::new(rgb, DepthMap::from_metres(w, h, depth).unwrap(), intr, IntrinsicsSource::Given).unwrap();
        (GridSurface::from_frame(&frame, &MeshConfig::default()), cfg, top, up)
    }

    #[test]
    fn a_far_level_top_faces_up_in_the_tangent_normals_not_in_averaged_unit_normals() {
        let (surface, cfg, top, up) = grazing_top();
        let sigma = |z: f32| sigma(1.0, &cfg, z);
        let r = radii(&surface, &sigma, 570.0);
        let (smooth, level) = normals(&surface, &r);
        let level = level.expect("a noisy frame has wide windows");
        let cos_up = cfg.up_deg.to_radians().cos();
        let facing_up = |n: &[[f32; 3]]| top.iter().filter(|&&i| n[i][0] * up[0] + n[i][1] * up[1] + n[i][2] * up[2] > cos_up).count();
        let seen = top.iter().filter(|&&i| surface.points.valid(i)).count();
        let (by_units, by_tangents) = (facing_up(&smooth), facing_up(&level));
        // (48 % against 11 %: without the dropout both are near 99 %.)
        assert!(by_tangents * 5 > seen * 2 && by_tangents > 3 * by_units, "{by_tangents} of {seen} face up ({by_units} by unit normals)");
    }

    /// The narrowest window for every pixel with depth, and the smoothed normals over it
    /// from the running sums (`averaged_normals`) and summed directly (`narrow_window_normals`).
    fn both_narrow(surface: &GridSurface) -> (Vec<u8>, Vec<[f32; 3]>, Vec<[f32; 3]>) {
        let r: Vec<u8> = surface.points.as_slice().iter().map(|p| if p[2] > 0.0 { MIN_RADIUS as u8 } else { 0 }).collect();
        let (general, direct) = (averaged_normals(surface, &r), narrow_window_normals(surface, &r));
        (r, general, direct)
    }

    #[test]
    fn narrow_windows_summed_directly_match_the_running_sums() {
        // The grazing top's frame: dropped pixels, a top's edge before a wall, the image's
        // borders. Every pixel with depth gets the narrowest window.
        let (surface, ..) = grazing_top();
        let (r, general, direct) = both_narrow(&surface);
        let (mut worst, mut broken) = (0.0f32, 0);
        for (i, (a, b)) in general.iter().zip(&direct).enumerate() {
            if r[i] == 0 {
                assert_eq!(*b, [0.0; 3], "pixel {i} has no depth");
                continue;
            }
            worst = worst.max((0..3).map(|k| (a[k] - b[k]).abs()).fold(0.0, f32::max));
            broken += usize::from(surface.edges.raw()[i] != 0);
        }
        assert!(worst < 1e-5, "largest difference {worst}");
        // The frame does test the links: many pixels have a broken edge.
        assert!(broken > 10_000, "{broken}");
        // And `normals` takes this path for such windows.
        assert_eq!(normals(&surface, &r).0, direct);
    }

    #[test]
    fn narrow_windows_of_tiny_frames_match_the_running_sums() {
        use spatia_geom::{DepthMap, Intrinsics, IntrinsicsSource, MeshConfig, RgbImage, RgbdFrame};
        let intr = Intrinsics { fx: 500.0, fy: 500.0, cx: 1.0, cy: 1.0 };
        for (w, h) in [(1, 1), (1, 5), (5, 1), (2, 2), (3, 6), (6, 3)] {
            // A tilted plane, one pixel without depth where there is room for it.
            let depth: Vec<f32> =
                (0..w * h).map(|i| if i == 4 && w * h > 6 { 0.0 } else { 2.0 + 0.01 * (i % w) as f32 + 0.03 * (i / w) as f32 }).collect();
            let rgb = RgbImage::from_raw(w as u32, h as u32, vec![128; w * h * 3]).unwrap();
            let frame = RgbdFrame::new(rgb, DepthMap::from_metres(w, h, depth).unwrap(), intr, IntrinsicsSource::Given).unwrap();
            let surface = GridSurface::from_frame(&frame, &MeshConfig::default());
            let (_, general, direct) = both_narrow(&surface);
            assert_eq!(direct.len(), w * h);
            for (i, (a, b)) in general.iter().zip(&direct).enumerate() {
                assert!((0..3).all(|k| (a[k] - b[k]).abs() < 1e-5), "{w}x{h} pixel {i}: {a:?} vs {b:?}");
            }
        }
    }

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
