//! 3-D tokens: a node with n tokens is covered by n farthest-point samples of its points,
//! each point joining its nearest sample; a token summarises its cluster.

use serde::{Deserialize, Serialize};
use spatia_geom::VertexIndex;
use spatia_geom::math::{Moments, Vec3, v3};
use spatia_scene::Scene;

use crate::tree::{Allocation, NodeId};

/// One 3-D token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Token {
    /// The node it belongs to ("3" or "3.2").
    pub node: String,
    /// Centroid of its points, scene frame.
    pub centroid: [f32; 3],
    /// Unit normal of its points' best plane, facing the camera side (up if level).
    pub normal: [f32; 3],
    /// Mean colour.
    pub colour: [u8; 3],
    /// Extent of its points along the scene axes, metres.
    pub extent: [f32; 3],
    /// Number of points.
    pub count: usize,
}

/// Farthest-point sampling: `k` indices into `points`, the first the point farthest from
/// the centroid, each next the point farthest from those chosen. Deterministic.
pub fn farthest_points(points: &[[f32; 3]], k: usize) -> Vec<usize> {
    let n = points.len();
    if n == 0 || k == 0 {
        return Vec::new();
    }
    let k = k.min(n);
    let c = points.iter().fold(Vec3::zeros(), |a, p| a + v3(*p)) / n as f32;
    let far = |from: Vec3| {
        (0..n).max_by(|&a, &b| (v3(points[a]) - from).norm_squared().total_cmp(&(v3(points[b]) - from).norm_squared()).then(b.cmp(&a)))
    };
    let first = far(c).unwrap_or(0);
    let mut chosen = vec![first];
    let mut dist: Vec<f32> = points.iter().map(|p| (v3(*p) - v3(points[first])).norm_squared()).collect();
    while chosen.len() < k {
        let (next, _) = dist.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0))).unwrap_or((0, &0.0));
        chosen.push(next);
        let q = v3(points[next]);
        for (d, p) in dist.iter_mut().zip(points) {
            *d = d.min((v3(*p) - q).norm_squared());
        }
    }
    chosen
}

fn summarise(node: &str, pts: &[[f32; 3]], cols: &[[u8; 3]]) -> Token {
    let mut m = Moments::default();
    let (mut lo, mut hi) = (Vec3::repeat(f32::MAX), Vec3::repeat(f32::MIN));
    let mut rgb = [0u64; 3];
    for (p, c) in pts.iter().zip(cols) {
        m.add(*p);
        lo = lo.inf(&v3(*p));
        hi = hi.sup(&v3(*p));
        for k in 0..3 {
            rgb[k] += c[k] as u64;
        }
    }
    let n = pts.len().max(1);
    let mut normal = if pts.len() >= 3 { m.principal_axes()[0].1 } else { Vec3::z() };
    if normal.z < 0.0 {
        normal = -normal;
    }
    let c = m.mean();
    let e = hi - lo;
    Token {
        node: node.to_string(),
        centroid: [c.x, c.y, c.z],
        normal: [normal.x, normal.y, normal.z],
        colour: rgb.map(|s| (s / n as u64) as u8),
        extent: [e.x.max(0.0), e.y.max(0.0), e.z.max(0.0)],
        count: pts.len(),
    }
}

/// The spatial attention bias between tokens, row-major `n x n`: `-distance / tau`
/// between centroids (metres), so a decoder attends to nearby geometry first.
pub fn attention_bias(tokens: &[Token], tau: f32) -> Vec<f32> {
    let tau = if tau > 0.0 { tau } else { 1.0 };
    let mut out = Vec::with_capacity(tokens.len() * tokens.len());
    for a in tokens {
        for b in tokens {
            out.push(-(v3(a.centroid) - v3(b.centroid)).norm() / tau);
        }
    }
    out
}

/// Most candidates farthest-point sampling looks at per token: larger leaves are thinned
/// evenly first (the samples' clusters still take every point).
pub const FPS_CANDIDATES_PER_TOKEN: usize = 4;

/// Cuts every leaf of the tree (each part; an object without parts) into its allocated
/// number of tokens. A node with more tokens than points gets one token a point.
pub fn tokens(scene: &Scene, alloc: &Allocation) -> Vec<Token> {
    let mut out = Vec::new();
    for o in &scene.objects {
        let mut leaves: Vec<(NodeId, Vec<usize>)> = Vec::new();
        if o.parts.is_empty() {
            leaves.push((NodeId::Object(o.id), (0..o.points.len()).collect()));
        } else {
            for (j, p) in o.parts.iter().enumerate() {
                // Part pixels to the object's point indices (pixel ids are sorted).
                let idx: Vec<usize> = p.pixel_ids.iter().filter_map(|px| o.pixel_ids.binary_search(px).ok()).collect();
                leaves.push((NodeId::Part(o.id, j), idx));
            }
        }
        for (id, idx) in leaves {
            let n = alloc.tokens(id);
            if n == 0 || idx.is_empty() {
                continue;
            }
            let pts: Vec<[f32; 3]> = idx.iter().map(|&i| o.points[i]).collect();
            let cols: Vec<[u8; 3]> = idx.iter().map(|&i| o.colours.get(i).copied().unwrap_or([0; 3])).collect();
            // Sample seeds from an even thinning of big leaves: O(points x tokens) would
            // dominate the budget's cost otherwise.
            let step = (pts.len() / (n * FPS_CANDIDATES_PER_TOKEN).max(1)).max(1);
            let cand: Vec<usize> = (0..pts.len()).step_by(step).collect();
            let cand_pts: Vec<[f32; 3]> = cand.iter().map(|&i| pts[i]).collect();
            let seeds: Vec<usize> = farthest_points(&cand_pts, n).into_iter().map(|s| cand[s]).collect();
            let key = id.to_string();
            if seeds.len() == 1 {
                out.push(summarise(&key, &pts, &cols));
                continue;
            }
            let Ok(index) = VertexIndex::new(seeds.iter().map(|&s| pts[s]).collect()) else { continue };
            let mut members: Vec<Vec<usize>> = vec![Vec::new(); seeds.len()];
            for (i, p) in pts.iter().enumerate() {
                members[index.nearest(p).index as usize].push(i);
            }
            for m in members.iter().filter(|m| !m.is_empty()) {
                let mp: Vec<[f32; 3]> = m.iter().map(|&i| pts[i]).collect();
                let mc: Vec<[u8; 3]> = m.iter().map(|&i| cols[i]).collect();
                out.push(summarise(&key, &mp, &mc));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn farthest_points_spread_out() {
        let pts: Vec<[f32; 3]> = (0..100).map(|i| [i as f32 * 0.01, 0.0, 0.0]).collect();
        let s = farthest_points(&pts, 3);
        let mut xs: Vec<f32> = s.iter().map(|&i| pts[i][0]).collect();
        xs.sort_by(f32::total_cmp);
        assert!(xs[0] == 0.0 && (xs[1] - 0.495).abs() < 0.006 && (xs[2] - 0.99).abs() < 1e-6, "{xs:?}");
        assert_eq!(farthest_points(&pts, 500).len(), 100);
    }
}
