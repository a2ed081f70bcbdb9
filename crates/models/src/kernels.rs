//! CPU kernels both models share.
//!
//! [`Int8`]: weights in 8 bits with one f32 scale per block of 32 along each row, and
//! their products with f32 vectors, themselves rounded to 8 bits per block so that each
//! block is one integer dot product (what the CPU multiplies fastest), scaled once. A
//! quarter of the bytes of f32: products of one or a few rows at a time are bound by
//! reading the weights, which is where both models spend their time per new token or per
//! short phrase.
//!
//! [`exp_nonpositive`]: `exp` in plain arithmetic that vectorises (softmax, GELU).

use rayon::prelude::*;

/// Values sharing one scale.
const BLOCK: usize = 32;

/// Output rows per rayon task.
const CHUNK: usize = 64;

/// A matrix in 8 bits, one f32 scale per block of [`BLOCK`] along each row.
#[derive(Clone)]
pub(crate) struct Int8 {
    pub(crate) rows: usize,
    cols: usize,
    q: Vec<i8>,
    scales: Vec<f32>,
}

impl Int8 {
    /// Rounds a row-major `rows` x `cols` matrix.
    pub(crate) fn from_rows(w: &[f32], rows: usize, cols: usize) -> Self {
        let blocks = cols.div_ceil(BLOCK);
        let mut q = vec![0i8; rows * cols];
        let mut scales = vec![0f32; rows * blocks];
        q.par_chunks_mut(cols.max(1)).zip(scales.par_chunks_mut(blocks.max(1))).enumerate().for_each(|(r, (qr, sr))| {
            let row = &w[r * cols..(r + 1) * cols];
            for (b, (qb, xb)) in qr.chunks_mut(BLOCK).zip(row.chunks(BLOCK)).enumerate() {
                let amax = xb.iter().fold(0f32, |m, v| m.max(v.abs()));
                let s = amax / 127.0;
                sr[b] = s;
                let inv = if s > 0.0 { 1.0 / s } else { 0.0 };
                for (o, v) in qb.iter_mut().zip(xb) {
                    *o = (v * inv).round().clamp(-127.0, 127.0) as i8;
                }
            }
        });
        Int8 { rows, cols, q, scales }
    }

    /// Rounds a 2-D f32 tensor.
    pub(crate) fn from_tensor(w: &candle_core::Tensor) -> candle_core::Result<Self> {
        let (rows, cols) = w.dims2()?;
        Ok(Int8::from_rows(&w.flatten_all()?.to_vec1::<f32>()?, rows, cols))
    }

    /// Bytes held.
    pub(crate) fn bytes(&self) -> usize {
        self.q.len() + 4 * self.scales.len()
    }

    fn blocks(&self) -> usize {
        self.cols.div_ceil(BLOCK)
    }

    /// Row `r` back in f32 (an embedding lookup).
    pub(crate) fn row(&self, r: usize, out: &mut [f32]) {
        let blocks = self.blocks();
        let q = &self.q[r * self.cols..(r + 1) * self.cols];
        for (b, (ob, qb)) in out.chunks_mut(BLOCK).zip(q.chunks(BLOCK)).enumerate() {
            let s = self.scales[r * blocks + b];
            for (o, &v) in ob.iter_mut().zip(qb) {
                *o = v as f32 * s;
            }
        }
    }

    /// `y = W x` for one vector.
    pub(crate) fn matvec(&self, x: &[f32], y: &mut [f32]) {
        self.products(x, 1, y);
    }

    /// `Y = X W^T` for `n` row vectors `x` (n x cols): returns n x rows. Each weight row is
    /// read once for all `n`.
    pub(crate) fn matmul(&self, x: &[f32], n: usize) -> Vec<f32> {
        let mut yt = vec![0f32; self.rows * n];
        self.products(x, n, &mut yt);
        if n == 1 {
            return yt;
        }
        let mut y = vec![0f32; n * self.rows];
        for (r, col) in yt.chunks(n).enumerate() {
            for (t, v) in col.iter().enumerate() {
                y[t * self.rows + r] = *v;
            }
        }
        y
    }

    /// Products of every weight row with each of the `n` vectors into `yt`, [row][vector].
    fn products(&self, x: &[f32], n: usize, yt: &mut [f32]) {
        debug_assert!(x.len() == n * self.cols && yt.len() == n * self.rows);
        let (cols, blocks) = (self.cols, self.blocks());
        let xq = Int8::from_rows(x, n, cols);
        let avx2 = has_avx2();
        yt.par_chunks_mut(CHUNK * n).enumerate().for_each(|(c, ys)| {
            for (k, out) in ys.chunks_mut(n).enumerate() {
                let r = c * CHUNK + k;
                let (q, s) = (&self.q[r * cols..(r + 1) * cols], &self.scales[r * blocks..(r + 1) * blocks]);
                for (t, o) in out.iter_mut().enumerate() {
                    let (xq_t, xs_t) = (&xq.q[t * cols..(t + 1) * cols], &xq.scales[t * blocks..(t + 1) * blocks]);
                    *o = if avx2 { row_dot_avx2(q, s, xq_t, xs_t) } else { row_dot(q, s, xq_t, xs_t) };
                }
            }
        });
    }
}

/// `exp(x)` for `x <= 0` (a softmax after its maximum) within 2e-7 relative, in plain
/// arithmetic that vectorises: `libm`'s `exp` per score was most of a long prompt's time.
#[inline(always)]
pub(crate) fn exp_nonpositive(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    const ROUND: f32 = 12_582_912.0; // 1.5 * 2^23: adding and subtracting it rounds
    let x = x.max(-87.0);
    let n = (x * LOG2E + ROUND) - ROUND;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    p * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// A dot product in eight lanes (a plain float sum would not vectorise).
#[inline(always)]
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (mut ac, mut bc) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in (&mut ac).zip(&mut bc) {
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    acc.iter().sum::<f32>() + ac.remainder().iter().zip(bc.remainder()).map(|(x, y)| x * y).sum::<f32>()
}

/// Softmax in place (after subtracting the maximum, with [`exp_nonpositive`]).
#[inline(always)]
pub(crate) fn softmax(x: &mut [f32]) {
    let m = x.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
    x.iter_mut().for_each(|v| *v = exp_nonpositive(*v - m));
    let sum = x.iter().sum::<f32>();
    x.iter_mut().for_each(|v| *v /= sum);
}

/// Whether this CPU has AVX2 and FMA (checked once, then cached by the standard library).
#[cfg(target_arch = "x86_64")]
pub(crate) fn has_avx2() -> bool {
    std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
}

/// Whether this CPU has AVX2 and FMA: not an x86-64.
#[cfg(not(target_arch = "x86_64"))]
pub(crate) fn has_avx2() -> bool {
    false
}

/// One row's dot product with an 8-bit vector: per block an integer sum of products
/// (which the compiler turns into widening multiply-adds), times both scales.
#[inline(always)]
fn row_dot(q: &[i8], scales: &[f32], xq: &[i8], xs: &[f32]) -> f32 {
    let mut total = 0f32;
    for (((qb, xb), s), t) in q.chunks(BLOCK).zip(xq.chunks(BLOCK)).zip(scales).zip(xs) {
        let acc: i32 = match (<&[i8; BLOCK]>::try_from(qb), <&[i8; BLOCK]>::try_from(xb)) {
            (Ok(a), Ok(b)) => {
                let mut acc = [0i32; 8];
                for i in 0..BLOCK {
                    acc[i % 8] += a[i] as i32 * b[i] as i32;
                }
                acc.iter().sum()
            }
            _ => qb.iter().zip(xb).map(|(&a, &b)| a as i32 * b as i32).sum(),
        };
        total += acc as f32 * s * t;
    }
    total
}

#[cfg(target_arch = "x86_64")]
fn row_dot_avx2(q: &[i8], scales: &[f32], xq: &[i8], xs: &[f32]) -> f32 {
    /// 32 products per block in a handful of instructions: |w| times x with w's sign
    /// (unsigned-by-signed byte products summed in pairs, then in fours), converted to
    /// f32, scaled by both blocks' scales and accumulated in eight lanes.
    #[target_feature(enable = "avx2,fma")]
    unsafe fn inner(q: &[i8], scales: &[f32], xq: &[i8], xs: &[f32]) -> f32 {
        use std::arch::x86_64::*;
        let full = q.len() / BLOCK;
        let ones = _mm256_set1_epi16(1);
        let mut acc = _mm256_setzero_ps();
        for b in 0..full {
            // SAFETY: block b lies within both slices (b < q.len() / BLOCK, x is as long as q).
            let (w, x) = unsafe {
                (
                    _mm256_loadu_si256(q.as_ptr().add(b * BLOCK) as *const __m256i),
                    _mm256_loadu_si256(xq.as_ptr().add(b * BLOCK) as *const __m256i),
                )
            };
            let pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
            let sums = _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, ones));
            acc = _mm256_fmadd_ps(sums, _mm256_set1_ps(scales[b] * xs[b]), acc);
        }
        let mut lanes = [0f32; 8];
        // SAFETY: `lanes` holds eight f32.
        unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), acc) };
        let tail = row_dot(&q[full * BLOCK..], &scales[full..], &xq[full * BLOCK..], &xs[full..]);
        lanes.iter().sum::<f32>() + tail
    }
    debug_assert!(q.len() == xq.len() && scales.len() == xs.len());
    // SAFETY: only called after `has_avx2` found AVX2 and FMA on this CPU.
    unsafe { inner(q, scales, xq, xs) }
}

#[cfg(not(target_arch = "x86_64"))]
fn row_dot_avx2(q: &[i8], scales: &[f32], xq: &[i8], xs: &[f32]) -> f32 {
    row_dot(q, scales, xq, xs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_softmax_exponential_is_accurate() {
        for i in 0..20_000 {
            let x = -(i as f32) * 0.004;
            let (got, want) = (exp_nonpositive(x), x.exp());
            assert!((got - want).abs() <= 3e-7 * want + 1e-38, "exp({x}) = {got}, not {want}");
        }
        assert!(exp_nonpositive(-1e9) < 1e-37 && exp_nonpositive(0.0) == 1.0);
    }

    #[test]
    fn eight_bit_products_are_exact_over_the_rounded_weights() {
        let (rows, cols) = (70, 100); // a partial block and a partial rayon chunk
        let w: Vec<f32> = (0..rows * cols).map(|i| ((i * 7919) % 201) as f32 / 100.0 - 1.0).collect();
        let x: Vec<f32> = (0..cols).map(|i| ((i * 31) % 17) as f32 / 8.0 - 1.0).collect();
        let q = Int8::from_rows(&w, rows, cols);
        let mut y = vec![0f32; rows];
        q.matvec(&x, &mut y);
        let mut row = vec![0f32; cols];
        let xq = Int8::from_rows(&x, 1, cols);
        let mut xr = vec![0f32; cols];
        xq.row(0, &mut xr);
        for (r, got) in y.iter().enumerate() {
            q.row(r, &mut row);
            // Rounding moves each weight by at most half a step of its block's scale.
            for (b, (a, w)) in row.chunks(BLOCK).zip(w[r * cols..(r + 1) * cols].chunks(BLOCK)).enumerate() {
                let step = q.scales[r * 4 + b];
                assert!(a.iter().zip(w).all(|(a, w)| (a - w).abs() <= 0.5 * step + 1e-6));
            }
            // The vector is rounded the same way: exact over both rounded operands.
            let want: f32 = row.iter().zip(&xr).map(|(a, b)| a * b).sum();
            assert!((got - want).abs() < 1e-4 * (1.0 + want.abs()), "row {r}: {got} vs {want}");
            let plain = row_dot(&q.q[r * cols..(r + 1) * cols], &q.scales[r * 4..(r + 1) * 4], &xq.q, &xq.scales);
            assert!((plain - got).abs() < 1e-4 * (1.0 + want.abs()), "the vectorised path agrees with the plain one");
        }
        // Several vectors at once: each as if alone.
        let xs: Vec<f32> = (0..3 * cols).map(|i| ((i * 13) % 23) as f32 / 11.0 - 1.0).collect();
        let many = q.matmul(&xs, 3);
        for t in 0..3 {
            q.matvec(&xs[t * cols..(t + 1) * cols], &mut y);
            assert_eq!(&many[t * rows..(t + 1) * rows], y.as_slice());
        }
    }
}
