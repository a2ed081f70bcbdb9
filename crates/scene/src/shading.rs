//! How brightness runs along the rows and columns of an object's pixels in the photo, a
//! cue to its shape that depth noise does not touch. Under a distant light a flat face is
//! evenly lit, so along any line across a box its brightness takes at most a level per
//! face it crosses; a curved surface's brightness follows its normal, so it drifts.
//! Down a column of an upright prism's side the normal does not change at all.

/// Pooled root-mean-square residual of the best fit of each run by up to `steps + 1`
/// levels (`steps` 1 or 2 steps anywhere), over runs of at least [`MIN_RUN`] values; None
/// without such runs.
pub fn step_residual<'a>(runs: impl Iterator<Item = &'a [f32]>, steps: usize) -> Option<f32> {
    let (mut sse, mut dof) = (0.0f64, 0usize);
    for run in runs.filter(|r| r.len() >= MIN_RUN) {
        let n = run.len();
        let mut pre = Vec::with_capacity(n + 1);
        pre.push((0.0f64, 0.0f64));
        let (mut s, mut s2) = (0.0f64, 0.0f64);
        for &v in run {
            s += v as f64;
            s2 += (v as f64).powi(2);
            pre.push((s, s2));
        }
        let cost = |a: usize, b: usize| {
            let (m, s, s2) = ((b - a) as f64, pre[b].0 - pre[a].0, pre[b].1 - pre[a].1);
            s2 - s * s / m
        };
        let mut best = cost(0, n);
        for k in 1..n {
            best = best.min(cost(0, k) + cost(k, n));
            if steps >= 2 {
                for l in k + 1..n {
                    best = best.min(cost(0, k) + cost(k, l) + cost(l, n));
                }
            }
        }
        sse += best.max(0.0);
        dof += n - 1 - steps;
    }
    (dof > 0).then(|| (sse / dof as f64).sqrt() as f32)
}

/// The photo's luminance noise, from the median of the second differences along every
/// other row (each `sqrt(1.5) sigma` for noise alone; edges and texture are too rare to move it).
pub fn noise(lum: &[f32], width: usize) -> f32 {
    let mut d: Vec<f32> =
        lum.chunks_exact(width).step_by(2).flat_map(|row| row.windows(3).step_by(3).map(|t| (t[1] - (t[0] + t[2]) / 2.0).abs())).collect();
    if d.is_empty() {
        return 0.0;
    }
    let k = d.len() / 2;
    *d.select_nth_unstable_by(k, f32::total_cmp).1 / (0.6745 * 1.5f32.sqrt())
}

/// The values of `lum` along runs of `pixels` (in the order given; `next(a, b)` says whether
/// `b` continues `a`'s run), without each run's first and last pixel (mixed with what
/// lies beside the object).
pub fn runs(pixels: &[usize], lum: &[f32], next: impl Fn(usize, usize) -> bool) -> Vec<Vec<f32>> {
    let mut out = Vec::new();
    let mut run = Vec::new();
    for (k, &i) in pixels.iter().enumerate() {
        run.push(lum[i]);
        if k + 1 == pixels.len() || !next(i, pixels[k + 1]) {
            if run.len() > 2 {
                out.push(run[1..run.len() - 1].to_vec());
            }
            run.clear();
        }
    }
    out
}

/// Shortest run counted by [`step_residual`].
pub const MIN_RUN: usize = 6;

/// One image column of an object's mask seen from above: its pixels' brightness from its
/// highest pixel down (the first run), and whether that pixel meets farther background
/// (else something nearer hides the top there).
pub struct TopColumn {
    /// Image column.
    pub x: usize,
    /// Whether the column's highest pixel is on the silhouette.
    pub open: bool,
    /// Brightness from the highest pixel down.
    pub lum: Vec<f32>,
}

/// How well the rows of an object's top, told from its side by brightness, follow an
/// upright cylinder's and a box's: the top of a cylinder is an ellipse exactly as wide as
/// its silhouette, so the rows it spans in each column fall as `H sqrt(1 - u^2)` across it
/// (`u` from -1 to 1 over the silhouette's columns `x0..=x1`, one amplitude `H` free); a
/// box's top is a quadrilateral whose leftmost and rightmost corners are the silhouette's
/// ends, its rows rising and falling in straight pieces between its near and far corners
/// (four values free: those corners' columns and rows). The top's brightness is the median
/// of the columns' highest pixels, the side's that of the columns' lower halves; a pixel
/// is the top's where it is nearer the top's. Only open columns are fitted. Returns the
/// two models' residual sums of squares (rows squared), None where the top and side
/// differ by less than `min_contrast`, fewer than `min_columns` columns are open or the
/// ellipse spans under `min_rows` rows.
pub fn top_profile(
    columns: &[TopColumn],
    x0: usize,
    x1: usize,
    min_contrast: f32,
    min_columns: usize,
    min_rows: f32,
) -> Option<(f32, f32)> {
    let highest: Vec<f32> = columns.iter().filter(|c| c.open && c.lum.len() >= 3).map(|c| c.lum[0]).collect();
    if highest.len() < min_columns {
        return None;
    }
    let top = crate::shape::median(highest);
    let side = crate::shape::median(columns.iter().flat_map(|c| c.lum[c.lum.len() / 2..].iter().copied()).collect());
    if (top - side).abs() < min_contrast {
        return None;
    }
    // (column centre, rows of the top)
    let rows: Vec<(f32, f32)> = columns
        .iter()
        .filter(|c| c.open)
        .map(|c| (c.x as f32 + 0.5, c.lum.iter().filter(|&&v| (v - top).abs() < (v - side).abs()).count() as f32))
        .collect();
    let (left, right) = (x0 as f32, x1 as f32 + 1.0);
    let (mid, half) = ((left + right) / 2.0, (right - left) / 2.0);
    let curve: Vec<f32> = rows.iter().map(|(x, _)| (1.0 - ((x - mid) / half).powi(2)).max(0.0).sqrt()).collect();
    let (num, den) = rows.iter().zip(&curve).fold((0.0, 0.0), |(n, d), ((_, r), f)| (n + r * f, d + f * f));
    if den <= 0.0 || num / den < min_rows {
        return None;
    }
    let amplitude = num / den;
    let ellipse: f32 = rows.iter().zip(&curve).map(|((_, r), f)| (r - amplitude * f).powi(2)).sum();
    // The quadrilateral: zero rows at the silhouette's ends, straight between them and its
    // corners' columns p <= q (half-column steps), the rows there by least squares (one
    // value where p = q). Each pair's sums come from running sums over the columns, so
    // that a wide box costs its columns squared, not cubed.
    let mut pre = vec![[0.0f64; 6]; rows.len() + 1];
    for (k, &(x, r)) in rows.iter().enumerate() {
        let (x, r) = (x as f64, r as f64);
        let add = [1.0, x, x * x, r, x * r, r * r];
        for m in 0..6 {
            pre[k + 1][m] = pre[k][m] + add[m];
        }
    }
    let sums = |a: usize, b: usize| -> [f64; 6] { std::array::from_fn(|m| pre[b][m] - pre[a][m]) };
    // The columns at or left of `at`.
    let upto = |at: f32| rows.partition_point(|&(x, _)| x <= at);
    let total = sums(0, rows.len())[5];
    let (left64, right64) = (left as f64, right as f64);
    let steps = (2.0 * (right - left)) as usize;
    let mut quad = f64::INFINITY;
    for i in 1..steps {
        let p = left + 0.5 * i as f32;
        let kp = upto(p);
        // Left of p: u = (x - left) / (p - left).
        let [_, s1, s2, r1, xr, _] = sums(0, kp);
        let dl = p as f64 - left64;
        let (l11, l1) = ((s2 - 2.0 * left64 * s1 + left64 * left64 * (kp as f64)) / (dl * dl), (xr - left64 * r1) / dl);
        for j in i..steps {
            let q = left + 0.5 * j as f32;
            let kq = upto(q);
            // Right of q: v = (right - x) / (right - q).
            let [n3, s1, s2, r1, xr, _] = sums(kq, rows.len());
            let dr = right64 - q as f64;
            let (r22, r2) = ((right64 * right64 * n3 - 2.0 * right64 * s1 + s2) / (dr * dr), (right64 * r1 - xr) / dr);
            let sse = if j == i {
                let (a, b) = (l11 + r22, l1 + r2);
                if a <= 0.0 {
                    continue;
                }
                total - b * b / a
            } else {
                // Between: t = (x - p) / (q - p), u = 1 - t, v = t.
                let [n2, s1, s2, r1, xr, _] = sums(kp, kq);
                let (p64, d) = (p as f64, (q - p) as f64);
                let t1 = (s1 - p64 * n2) / d;
                let t2 = (s2 - 2.0 * p64 * s1 + p64 * p64 * n2) / (d * d);
                let tr = (xr - p64 * r1) / d;
                let (a11, a12, a22) = (l11 + n2 - 2.0 * t1 + t2, t1 - t2, r22 + t2);
                let (b1, b2) = (l1 + r1 - tr, r2 + tr);
                let det = a11 * a22 - a12 * a12;
                if det.abs() <= 1e-9 * (a11 * a22).max(1e-12) {
                    continue;
                }
                let (h1, h2) = ((b1 * a22 - b2 * a12) / det, (a11 * b2 - a12 * b1) / det);
                total - (h1 * b1 + h2 * b2)
            };
            quad = quad.min(sse.max(0.0));
        }
    }
    let quad = quad as f32;
    Some((ellipse, quad))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seeded Gaussian noise of standard deviation `sigma` (a small LCG and Box-Muller).
    fn noise_of(sigma: f32, n: usize, seed: u64) -> Vec<f32> {
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let mut uniform = move || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 40) as f32 + 0.5) / (1u64 << 24) as f32
        };
        (0..n).map(|_| sigma * (-2.0 * uniform().ln()).sqrt() * (std::f32::consts::TAU * uniform()).cos()).collect()
    }

    /// Columns 0..20 of an object whose top spans, in column `x` (centre `x + 0.5`), the
    /// image rows from `far(x)` to `near(x)` (continuous, pixel centres inside count), its
    /// side from there to row 40: top brightness 180, side 100, noise 3.
    fn top_columns(far: impl Fn(f32) -> f32, near: impl Fn(f32) -> f32, seed: u64) -> Vec<TopColumn> {
        (0..20)
            .map(|x| {
                let c = x as f32 + 0.5;
                let (a, b) = (far(c), near(c));
                let first = (a - 0.5).ceil().max(0.0) as usize;
                let noise = noise_of(3.0, 40, seed + x as u64);
                let lum = (first..40).map(|y| if (y as f32 + 0.5) <= b { 180.0 } else { 100.0 } + noise[y]).collect();
                TopColumn { x, open: true, lum }
            })
            .collect()
    }

    #[test]
    fn a_cylinders_top_follows_an_ellipse_and_a_boxs_does_not() {
        let fits = |far: &dyn Fn(f32) -> f32, near: &dyn Fn(f32) -> f32| {
            top_profile(&top_columns(far, near, 7), 0, 19, 25.0, 8, 2.0).expect("measured")
        };
        // A cylinder's top: an ellipse as wide as the silhouette, 7 rows deep at its middle.
        let e = |x: f32| (1.0 - ((x - 10.0) / 10.0).powi(2)).max(0.0).sqrt();
        let (ellipse, quad) = fits(&|x| 10.0 - 3.5 * e(x), &|x| 10.0 + 3.5 * e(x));
        assert!(ellipse <= quad, "cylinder: {ellipse} {quad}");
        // A box seen on a corner: its top's outline runs straight from the ends to the far
        // corner (above, at column 8) and to the near corner (below, at column 12).
        let tent = |x: f32, at: f32, rise: f32| if x <= at { rise * x / at } else { rise * (20.0 - x) / (20.0 - at) };
        let (ellipse, quad) = fits(&|x| 10.0 - tent(x, 8.0, 3.0), &|x| 10.0 + tent(x, 12.0, 4.0));
        assert!(ellipse > quad + 5.0, "corner: {ellipse} {quad}");
        // A box seen on a face: its top a band as wide as the box, steep at its ends.
        let band = |x: f32| (x.min(20.0 - x) / 1.5).min(1.0);
        let (ellipse, quad) = fits(&|x| 10.0 - 3.0 * band(x), &|x| 10.0 + 3.0 * band(x));
        assert!(ellipse > quad + 5.0, "face: {ellipse} {quad}");
    }

    #[test]
    fn levels_with_steps_leave_noise_and_a_drift_does_not() {
        let sigma = 3.0;
        let runs = |f: &dyn Fn(usize) -> f32| -> Vec<Vec<f32>> {
            (0..40).map(|r| noise_of(sigma, 30, r).iter().enumerate().map(|(k, e)| f(k) + e).collect()).collect()
        };
        let faces = runs(&|k| {
            if k < 12 {
                120.0
            } else if k < 21 {
                80.0
            } else {
                150.0
            }
        });
        let drift = runs(&|k| 60.0 + 4.0 * k as f32);
        let flat = step_residual(faces.iter().map(|r| r.as_slice()), 2).unwrap();
        let curved = step_residual(drift.iter().map(|r| r.as_slice()), 2).unwrap();
        assert!((flat / sigma - 1.0).abs() < 0.15, "faces {flat}");
        assert!(curved > 2.0 * sigma, "drift {curved}");
        // One step allowed: the three faces no longer fit.
        assert!(step_residual(faces.iter().map(|r| r.as_slice()), 1).unwrap() > 2.0 * sigma);
        assert!(step_residual(std::iter::once(&[1.0f32, 2.0][..]), 1).is_none());
    }

    #[test]
    fn the_photo_noise_is_measured_from_second_differences() {
        let w = 200;
        let lum: Vec<f32> =
            noise_of(3.0, w * 100, 7).iter().enumerate().map(|(i, e)| if i % w < 100 { 50.0 + e } else { 200.0 + e }).collect();
        let n = noise(&lum, w);
        assert!((n - 3.0).abs() < 0.2, "{n}");
    }

    #[test]
    fn runs_drop_their_ends() {
        let lum: Vec<f32> = (0..10).map(|i| i as f32).collect();
        let r = runs(&[0, 1, 2, 3, 5, 6, 7, 8, 9], &lum, |a, b| b == a + 1);
        assert_eq!(r, vec![vec![1.0, 2.0], vec![6.0, 7.0, 8.0]]);
    }
}
