//! Hierarchical token allocation: a budget shared down the scene tree in proportion to
//! relevance squared (or another power), integer-rounded by largest remainder.

use serde::{Deserialize, Serialize};

/// How a node's budget is shared among its children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// In proportion to relevance squared (spatia's rule).
    #[default]
    R2,
    /// In proportion to relevance.
    R1,
    /// Equal shares, whatever the relevance.
    Uniform,
}

impl Strategy {
    /// The weight of a child of relevance `r`.
    pub fn weight(self, r: f32) -> f64 {
        let r = r.clamp(0.0, 1.0) as f64;
        match self {
            Strategy::R2 => r * r,
            Strategy::R1 => r,
            Strategy::Uniform => 1.0,
        }
    }
}

/// Splits `budget` into integers proportional to `weights` (largest remainder, ties to
/// the earlier index), summing exactly to `budget`. When the budget allows, every share
/// is at least one: the shares that would be zero get one each, taken one at a time from
/// the largest shares. Zero total weight shares equally.
pub fn split(budget: usize, weights: &[f64]) -> Vec<usize> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let clean: Vec<f64> = weights.iter().map(|w| if w.is_finite() && *w > 0.0 { *w } else { 0.0 }).collect();
    let total: f64 = clean.iter().sum();
    let ideal: Vec<f64> =
        if total > 0.0 { clean.iter().map(|w| w / total * budget as f64).collect() } else { vec![budget as f64 / n as f64; n] };
    let mut out: Vec<usize> = ideal.iter().map(|x| x.floor() as usize).collect();
    // Fewer than n tokens are left after the floors; they go to the largest remainders.
    let left = budget - out.iter().sum::<usize>().min(budget);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| (ideal[b] - ideal[b].floor()).total_cmp(&(ideal[a] - ideal[a].floor())).then(a.cmp(&b)));
    for &i in order.iter().take(left) {
        out[i] += 1;
    }
    if budget >= n {
        // Every node keeps a token: move one from the largest share to each empty one.
        // Taking from the least relevant of equal largest shares keeps shares monotone in weight.
        while let Some(z) = out.iter().position(|&t| t == 0) {
            let big = (0..n).max_by(|&a, &b| out[a].cmp(&out[b]).then(clean[b].total_cmp(&clean[a])).then(b.cmp(&a))).unwrap_or(0);
            out[big] -= 1;
            out[z] += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder() {
        assert_eq!(split(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
        assert_eq!(split(2048, &[1.0, 0.0]), vec![2047, 1]);
        assert_eq!(split(1, &[1.0, 1.0]), vec![1, 0]);
        assert_eq!(split(7, &[0.0, 0.0]), vec![4, 3]);
        assert_eq!(split(0, &[1.0]), vec![0]);
        // The design's example: a target part among context at relevance 0.6.
        let s = split(2048, &[1.0, 0.36]);
        assert_eq!(s, vec![1506, 542]);
    }
}
