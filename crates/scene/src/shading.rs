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
