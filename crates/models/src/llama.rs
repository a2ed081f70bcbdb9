//! A llama-architecture decoder in two passes over the same weights.
//!
//! - The prompt goes through candle in one batch: f32 weights, blocked matrix products
//!   (candle's 4-bit CPU kernels multiply row by row: a 243-token prompt took 15 s there,
//!   0.9 s this way). Causal attention runs in blocks of query rows, each over the keys
//!   up to its last row only (about half the square).
//! - Each new token is one matrix-vector product per weight, bound by memory bandwidth:
//!   with f32 weights (540 MB for SmolLM2-135M) that capped generation at ~16 tokens/s
//!   on 2 cores. Here those products read 8-bit weights with one f32 scale per 32 (a
//!   quarter of the bytes) in plain Rust, vectorised for AVX2 where the CPU has it
//!   (checked at run time), over rayon; norms, rotary embedding and attention over the
//!   key/value cache are plain loops too, with no tensor bookkeeping per token.
//!
//! Both passes share one key/value cache. A test holds them to each other: the prompt
//! pass's last logits equal those of feeding the same tokens one by one.

use candle_core::quantized::gguf_file;
use candle_core::{DType, Device, IndexOp, Tensor};
use rayon::prelude::*;

use crate::kernels::{Int8, dot, has_avx2, softmax};

/// A weight matrix (out x in) for both passes.
struct Linear {
    /// f32, for the prompt's matrix products.
    f32: Tensor,
    /// 8-bit, for each new token.
    q: Int8,
}

impl Linear {
    fn new(w: Tensor) -> candle_core::Result<Self> {
        Ok(Linear { q: Int8::from_tensor(&w)?, f32: w })
    }

    /// (n, in) -> (n, out) through candle.
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        x.matmul(&self.f32.t()?)
    }
}

struct Layer {
    attn_norm: Vec<f32>,
    ffn_norm: Vec<f32>,
    wq: Linear,
    wk: Linear,
    wv: Linear,
    wo: Linear,
    gate: Linear,
    up: Linear,
    down: Linear,
}

/// The decoder, its weights and its key/value cache.
pub(crate) struct Llama {
    layers: Vec<Layer>,
    embed: Int8,
    /// The output projection (the embedding matrix when the file ties them).
    head: Int8,
    norm: Vec<f32>,
    n_head: usize,
    n_kv: usize,
    head_dim: usize,
    hidden: usize,
    eps: f32,
    /// Rotary angles' inverse frequencies, one per pair.
    inv_freq: Vec<f32>,
    /// Per layer, keys and values of every position so far: [pos][kv head][dim].
    cache: Vec<(Vec<f32>, Vec<f32>)>,
    device: Device,
}

fn meta_u32(ct: &gguf_file::Content, k: &str) -> candle_core::Result<usize> {
    match ct.metadata.get(k) {
        Some(v) => Ok(v.to_u32()? as usize),
        None => candle_core::bail!("GGUF metadata has no {k}"),
    }
}

impl Llama {
    pub(crate) fn load<R: std::io::Read + std::io::Seek>(ct: &gguf_file::Content, r: &mut R) -> candle_core::Result<Self> {
        let device = Device::Cpu;
        let n_head = meta_u32(ct, "llama.attention.head_count")?;
        let n_kv = meta_u32(ct, "llama.attention.head_count_kv")?;
        let n_layer = meta_u32(ct, "llama.block_count")?;
        let hidden = meta_u32(ct, "llama.embedding_length")?;
        let rope_dim = meta_u32(ct, "llama.rope.dimension_count")?;
        let eps = ct.metadata.get("llama.attention.layer_norm_rms_epsilon").map_or(Ok(1e-5), |v| v.to_f32())?;
        let base = ct.metadata.get("llama.rope.freq_base").map_or(Ok(10000.0), |v| v.to_f32())?;
        let head_dim = hidden / n_head;
        if n_head == 0 || n_kv == 0 || n_head % n_kv != 0 || head_dim * n_head != hidden || rope_dim != head_dim {
            candle_core::bail!("unsupported llama shape: {n_head} heads, {n_kv} key/value heads, width {hidden}, rotary {rope_dim}");
        }
        let mut get = |name: &str| ct.tensor(&mut *r, name, &device).and_then(|q| q.dequantize(&device));
        let vec = |t: Tensor| t.flatten_all().and_then(|t| t.to_vec1::<f32>());
        let embed = Int8::from_tensor(&get("token_embd.weight")?)?;
        let head = match get("output.weight") {
            Ok(w) => Int8::from_tensor(&w)?,
            // Tied to the embedding: the same rows, rounded the same way.
            Err(_) => embed.clone(),
        };
        let norm = vec(get("output_norm.weight")?)?;
        let mut layers = Vec::with_capacity(n_layer);
        for l in 0..n_layer {
            let mut lin = |n: &str| get(&format!("blk.{l}.{n}.weight")).and_then(Linear::new);
            let (wq, wk, wv, wo) = (lin("attn_q")?, lin("attn_k")?, lin("attn_v")?, lin("attn_output")?);
            let (gate, up, down) = (lin("ffn_gate")?, lin("ffn_up")?, lin("ffn_down")?);
            let attn_norm = vec(get(&format!("blk.{l}.attn_norm.weight"))?)?;
            let ffn_norm = vec(get(&format!("blk.{l}.ffn_norm.weight"))?)?;
            layers.push(Layer { attn_norm, ffn_norm, wq, wk, wv, wo, gate, up, down });
        }
        let inv_freq = (0..head_dim / 2).map(|i| 1.0 / base.powf(2.0 * i as f32 / head_dim as f32)).collect();
        Ok(Llama {
            cache: vec![(Vec::new(), Vec::new()); layers.len()],
            layers,
            embed,
            head,
            norm,
            n_head,
            n_kv,
            head_dim,
            hidden,
            eps,
            inv_freq,
            device,
        })
    }

    /// Positions in the cache.
    fn len(&self) -> usize {
        self.cache.first().map_or(0, |(k, _)| k.len() / (self.n_kv * self.head_dim))
    }

    /// Starts over with `ids` as the prompt; returns the logits after its last token.
    pub(crate) fn prompt(&mut self, ids: &[u32]) -> candle_core::Result<Vec<f32>> {
        for c in &mut self.cache {
            c.0.clear();
            c.1.clear();
        }
        let n = ids.len();
        let (hd, nh, nkv) = (self.head_dim, self.n_head, self.n_kv);
        let dev = self.device.clone();
        let mut x0 = vec![0f32; n * self.hidden];
        for (row, &id) in x0.chunks_mut(self.hidden).zip(ids) {
            self.embed.row(id as usize, row);
        }
        let mut x = Tensor::from_vec(x0, (n, self.hidden), &dev)?;
        let pos = Tensor::arange(0u32, n as u32, &dev)?.to_dtype(DType::F32)?;
        let freqs = pos.unsqueeze(1)?.matmul(&Tensor::new(self.inv_freq.as_slice(), &dev)?.unsqueeze(0)?)?;
        let (cos, sin) = (freqs.cos()?, freqs.sin()?);
        let groups = nh / nkv;
        let avx2 = has_avx2();
        for (layer, cache) in self.layers.iter().zip(&mut self.cache) {
            let h = candle_nn::ops::rms_norm(&x, &Tensor::new(layer.attn_norm.as_slice(), &dev)?, self.eps)?;
            let q = layer.wq.forward(&h)?.reshape((1, n, nh, hd))?.transpose(1, 2)?.contiguous()?;
            let k = layer.wk.forward(&h)?.reshape((1, n, nkv, hd))?.transpose(1, 2)?.contiguous()?;
            let v = layer.wv.forward(&h)?;
            let q = candle_nn::rotary_emb::rope_i(&q, &cos, &sin)?;
            let k = candle_nn::rotary_emb::rope_i(&k, &cos, &sin)?;
            // The cache keeps [pos][kv head][dim].
            cache.0.extend(k.squeeze(0)?.transpose(0, 1)?.contiguous()?.flatten_all()?.to_vec1::<f32>()?);
            cache.1.extend(v.flatten_all()?.to_vec1::<f32>()?);
            // Causal attention in blocks of query rows per key/value head: each block's
            // scores and weighted values are two matrix products over the keys up to its
            // last row only (half the work of the full square), the mask and the softmax
            // in between in plain loops.
            let qh = q.squeeze(0)?.reshape((nkv, groups, n, hd))?;
            let kh = k.squeeze(0)?;
            let vh = v.reshape((n, nkv, hd))?.transpose(0, 1)?.contiguous()?;
            let scale = 1.0 / (hd as f64).sqrt();
            let tasks: Vec<(usize, usize)> = (0..nkv).flat_map(|kv| (0..n).step_by(ROWS).map(move |i0| (kv, i0))).collect();
            let outs: Vec<Vec<f32>> = tasks
                .par_iter()
                .map(|&(kv, i0)| -> candle_core::Result<Vec<f32>> {
                    let (end, rows) = ((i0 + ROWS).min(n), (i0 + ROWS).min(n) - i0);
                    let qb = qh.i(kv)?.narrow(1, i0, rows)?.reshape((groups * rows, hd))?;
                    let mut s = (qb.matmul(&kh.i(kv)?.narrow(0, 0, end)?.t()?)? * scale)?.flatten_all()?.to_vec1::<f32>()?;
                    for (k, row) in s.chunks_mut(end).enumerate() {
                        let last = i0 + k % rows;
                        softmax_fast(avx2, &mut row[..=last]);
                        row[last + 1..].fill(0.0);
                    }
                    let p = Tensor::from_vec(s, (groups * rows, end), &dev)?;
                    p.matmul(&vh.i(kv)?.narrow(0, 0, end)?)?.flatten_all()?.to_vec1::<f32>()
                })
                .collect::<candle_core::Result<_>>()?;
            // A block's output rows are [group][row][dim].
            let mut y = vec![0f32; n * self.hidden];
            for (&(kv, i0), out) in tasks.iter().zip(&outs) {
                let rows = (i0 + ROWS).min(n) - i0;
                for (k, o) in out.chunks(hd).enumerate() {
                    let (g, r) = (k / rows, k % rows);
                    let at = (i0 + r) * self.hidden + (kv * groups + g) * hd;
                    y[at..at + hd].copy_from_slice(o);
                }
            }
            let y = Tensor::from_vec(y, (n, self.hidden), &dev)?;
            x = (x + layer.wo.forward(&y)?)?;
            let h = candle_nn::ops::rms_norm(&x, &Tensor::new(layer.ffn_norm.as_slice(), &dev)?, self.eps)?;
            let g = candle_nn::ops::silu(&layer.gate.forward(&h)?)?;
            x = (x + layer.down.forward(&(g * layer.up.forward(&h)?)?)?)?;
        }
        let last = x.i(n - 1)?.to_vec1::<f32>()?;
        Ok(self.logits(last))
    }

    fn logits(&self, mut x: Vec<f32>) -> Vec<f32> {
        rms_norm(&mut x, &self.norm, self.eps);
        let mut out = vec![0f32; self.head.rows];
        self.head.matvec(&x, &mut out);
        out
    }

    /// Appends one token; returns the logits after it.
    pub(crate) fn step(&mut self, id: u32) -> Vec<f32> {
        let (hd, nkv, width) = (self.head_dim, self.n_kv, self.hidden);
        let pos = self.len();
        let groups = self.n_head / nkv;
        let mut x = vec![0f32; width];
        self.embed.row(id as usize, &mut x);
        let (mut h, mut q, mut k, mut v) = (vec![0f32; width], vec![0f32; width], vec![0f32; nkv * hd], vec![0f32; nkv * hd]);
        let mut y = vec![0f32; width];
        let mut o = vec![0f32; width];
        let ffn = self.layers.first().map_or(0, |l| l.gate.q.rows);
        let (mut g, mut u) = (vec![0f32; ffn], vec![0f32; ffn]);
        let avx2 = has_avx2();
        let shape = Shape { n_kv: nkv, groups, head_dim: hd };
        for (layer, cache) in self.layers.iter().zip(&mut self.cache) {
            h.copy_from_slice(&x);
            rms_norm(&mut h, &layer.attn_norm, self.eps);
            layer.wq.q.matvec(&h, &mut q);
            layer.wk.q.matvec(&h, &mut k);
            layer.wv.q.matvec(&h, &mut v);
            rope(&mut q, hd, pos, &self.inv_freq);
            rope(&mut k, hd, pos, &self.inv_freq);
            cache.0.extend_from_slice(&k);
            cache.1.extend_from_slice(&v);
            for (kv, ykv) in y.chunks_mut(groups * hd).enumerate() {
                attend_last_fast(avx2, &shape, &q, &cache.0, &cache.1, kv, ykv);
            }
            layer.wo.q.matvec(&y, &mut o);
            x.iter_mut().zip(&o).for_each(|(a, b)| *a += b);
            h.copy_from_slice(&x);
            rms_norm(&mut h, &layer.ffn_norm, self.eps);
            layer.gate.q.matvec(&h, &mut g);
            layer.up.q.matvec(&h, &mut u);
            g.iter_mut().zip(&u).for_each(|(a, b)| *a = *a / (1.0 + (-*a).exp()) * b);
            layer.down.q.matvec(&g, &mut o);
            x.iter_mut().zip(&o).for_each(|(a, b)| *a += b);
        }
        self.logits(x)
    }

    /// Bytes of weights held.
    pub(crate) fn bytes(&self) -> usize {
        let lin = |l: &Linear| l.q.bytes() + 4 * l.f32.elem_count();
        self.embed.bytes()
            + self.head.bytes()
            + self
                .layers
                .iter()
                .map(|l| [&l.wq, &l.wk, &l.wv, &l.wo, &l.gate, &l.up, &l.down].iter().map(|w| lin(w)).sum::<usize>())
                .sum::<usize>()
    }
}

/// Query rows attended together in the prompt pass (64 measured best of 16-128).
const ROWS: usize = 64;

/// Head layout of the model.
struct Shape {
    n_kv: usize,
    groups: usize,
    head_dim: usize,
}

/// The newest query row over the whole cache ([pos][kv head][dim]): every query head of
/// key/value head `kv` (`q` is the row, [head][dim]) into `out`, [group][dim].
#[inline(always)]
fn attend_last(sh: &Shape, q: &[f32], keys: &[f32], values: &[f32], kv: usize, out: &mut [f32]) {
    let (hd, nkv) = (sh.head_dim, sh.n_kv);
    let scale = 1.0 / (hd as f32).sqrt();
    let mut scores = vec![0f32; keys.len() / (nkv * hd)];
    for (g, og) in out.chunks_mut(hd).enumerate() {
        let at = (kv * sh.groups + g) * hd;
        let qh = &q[at..at + hd];
        for (t, s) in scores.iter_mut().enumerate() {
            let at = (t * nkv + kv) * hd;
            *s = dot(qh, &keys[at..at + hd]) * scale;
        }
        softmax(&mut scores);
        og.fill(0.0);
        for (t, &p) in scores.iter().enumerate() {
            let at = (t * nkv + kv) * hd;
            og.iter_mut().zip(&values[at..at + hd]).for_each(|(a, b)| *a += p * b);
        }
    }
}

/// [`attend_last`] compiled for AVX2 where the CPU has it.
fn attend_last_fast(avx2: bool, sh: &Shape, q: &[f32], keys: &[f32], values: &[f32], kv: usize, out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if avx2 {
        #[target_feature(enable = "avx2,fma")]
        unsafe fn inner(sh: &Shape, q: &[f32], keys: &[f32], values: &[f32], kv: usize, out: &mut [f32]) {
            attend_last(sh, q, keys, values, kv, out)
        }
        // SAFETY: `avx2` comes from `has_avx2`, which found AVX2 and FMA on this CPU.
        return unsafe { inner(sh, q, keys, values, kv, out) };
    }
    let _ = avx2;
    attend_last(sh, q, keys, values, kv, out)
}

fn rms_norm(x: &mut [f32], w: &[f32], eps: f32) {
    let ms = x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32;
    let r = 1.0 / (ms + eps).sqrt();
    x.iter_mut().zip(w).for_each(|(a, b)| *a *= r * b);
}

/// Interleaved rotary embedding (pairs 2i, 2i+1), as candle's `rope_i`.
fn rope(x: &mut [f32], hd: usize, pos: usize, inv_freq: &[f32]) {
    for head in x.chunks_mut(hd) {
        for (i, f) in inv_freq.iter().enumerate() {
            let (s, c) = (pos as f32 * f).sin_cos();
            let (a, b) = (head[2 * i], head[2 * i + 1]);
            head[2 * i] = a * c - b * s;
            head[2 * i + 1] = a * s + b * c;
        }
    }
}

/// [`softmax`] compiled for AVX2 where the CPU has it.
fn softmax_fast(avx2: bool, x: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if avx2 {
        #[target_feature(enable = "avx2,fma")]
        unsafe fn inner(x: &mut [f32]) {
            softmax(x)
        }
        // SAFETY: `avx2` comes from `has_avx2`, which found AVX2 and FMA on this CPU.
        return unsafe { inner(x) };
    }
    let _ = avx2;
    softmax(x)
}
