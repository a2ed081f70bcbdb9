//! The k-d vertex index (kiddo): nearest neighbours, radius queries and the closest
//! distance between two vertex sets, the surface-to-surface distance relations use.

use std::num::NonZeroUsize;

use kiddo::{ImmutableKdTree, SquaredEuclidean};

use crate::{Error, Result};

/// A static k-d tree over a set of 3-D points; results refer to positions in that set.
pub struct VertexIndex {
    tree: ImmutableKdTree<f32, 3>,
    points: Vec<[f32; 3]>,
}

impl std::fmt::Debug for VertexIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VertexIndex").field("points", &self.points.len()).finish()
    }
}

/// A neighbour found by a query: its position in the indexed set and its distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    /// Index into the indexed points.
    pub index: u32,
    /// Euclidean distance, metres.
    pub distance: f32,
}

/// The closest pair between two point sets.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ClosestPair {
    /// Euclidean distance between the two points, metres.
    pub distance: f32,
    /// Index in the first set.
    pub a: u32,
    /// Index in the second set.
    pub b: u32,
}

impl VertexIndex {
    /// Builds the index. Refuses an empty set and non-finite coordinates.
    pub fn new(points: Vec<[f32; 3]>) -> Result<Self> {
        if points.is_empty() {
            return Err(Error::Request("cannot index an empty point set".into()));
        }
        if points.len() > u32::MAX as usize {
            return Err(Error::Request("too many points for one index".into()));
        }
        if let Some(i) = points.iter().position(|p| !p.iter().all(|c| c.is_finite())) {
            return Err(Error::Request(format!("point {i} has a non-finite coordinate: {:?}", points[i])));
        }
        let tree = ImmutableKdTree::new_from_slice(&points).map_err(|e| Error::Request(format!("k-d tree construction failed: {e:?}")))?;
        Ok(VertexIndex { tree, points })
    }

    /// Number of indexed points.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Always false: an index holds at least one point.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The indexed points.
    pub fn points(&self) -> &[[f32; 3]] {
        &self.points
    }

    /// The nearest indexed point.
    pub fn nearest(&self, p: &[f32; 3]) -> Neighbour {
        let r = self.tree.query(p).nearest_one::<SquaredEuclidean<f32>>().execute();
        Neighbour { index: r.item, distance: r.distance.sqrt() }
    }

    /// The `k` nearest indexed points, nearest first.
    pub fn knn(&self, p: &[f32; 3], k: usize) -> Vec<Neighbour> {
        let Some(k) = NonZeroUsize::new(k) else { return Vec::new() };
        self.tree
            .query(p)
            .nearest_n::<SquaredEuclidean<f32>>(k)
            .execute()
            .into_iter()
            .map(|r| Neighbour { index: r.item, distance: r.distance.sqrt() })
            .collect()
    }

    /// Every indexed point within `radius` (inclusive), nearest first.
    pub fn within(&self, p: &[f32; 3], radius: f32) -> Vec<Neighbour> {
        self.tree
            .query(p)
            .within::<SquaredEuclidean<f32>>(radius * radius)
            .execute()
            .into_iter()
            .map(|r| Neighbour { index: r.item, distance: r.distance.sqrt() })
            .collect()
    }

    /// The closest pair between `others` and the indexed set: the smallest surface-to-surface
    /// distance when both sets are vertices of two objects. `None` when `others` is empty.
    pub fn closest_to(&self, others: &[[f32; 3]]) -> Option<ClosestPair> {
        let mut best: Option<ClosestPair> = None;
        for (i, p) in others.iter().enumerate() {
            let n = self.nearest(p);
            if best.is_none_or(|b| n.distance < b.distance) {
                best = Some(ClosestPair { distance: n.distance, a: i as u32, b: n.index });
            }
        }
        best
    }
}

/// The closest pair between two point sets (index built over the larger one). `a` and `b`
/// in the result index `a` and `b` as given. `None` if either set is empty.
pub fn closest_pair(a: &[[f32; 3]], b: &[[f32; 3]]) -> Result<Option<ClosestPair>> {
    if a.is_empty() || b.is_empty() {
        return Ok(None);
    }
    if a.len() >= b.len() {
        let idx = VertexIndex::new(a.to_vec())?;
        Ok(idx.closest_to(b).map(|c| ClosestPair { distance: c.distance, a: c.b, b: c.a }))
    } else {
        VertexIndex::new(b.to_vec()).map(|idx| idx.closest_to(a))
    }
}
