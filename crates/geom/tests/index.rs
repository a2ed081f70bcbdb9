//! The kiddo-backed vertex index against brute force, on seeded random data and on the
//! real Motorcycle points.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use spatia_geom::{LoadOptions, PointGrid, RgbdFrame, VertexIndex, closest_pair};

fn d(a: &[f32; 3], b: &[f32; 3]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

fn check(points: &[[f32; 3]], queries: &[[f32; 3]], radius: f32) {
    let idx = VertexIndex::new(points.to_vec()).unwrap();
    for q in queries {
        let mut all: Vec<(f32, u32)> = points.iter().enumerate().map(|(i, p)| (d(p, q), i as u32)).collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0));
        let n = idx.nearest(q);
        assert!((n.distance - all[0].0).abs() < 1e-5);
        let knn = idx.knn(q, 8);
        assert_eq!(knn.len(), 8.min(points.len()));
        for (k, nb) in knn.iter().enumerate() {
            assert!((nb.distance - all[k].0).abs() < 1e-5, "k={k}: {} vs {}", nb.distance, all[k].0);
            assert!((d(&points[nb.index as usize], q) - nb.distance).abs() < 1e-5);
        }
        let within = idx.within(q, radius);
        let want = all.iter().filter(|(dd, _)| *dd <= radius * (1.0 - 1e-5)).count();
        let at_most = all.iter().filter(|(dd, _)| *dd <= radius * (1.0 + 1e-5)).count();
        assert!(within.len() >= want && within.len() <= at_most, "{} within, brute force {want}", within.len());
        assert!(within.windows(2).all(|w| w[0].distance <= w[1].distance));
    }
}

#[test]
fn random_points_agree_with_brute_force() {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    for n in [1usize, 7, 100, 5000] {
        let pts: Vec<[f32; 3]> =
            (0..n).map(|_| [rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0), rng.random_range(0.0..3.0)]).collect();
        let qs: Vec<[f32; 3]> =
            (0..100).map(|_| [rng.random_range(-1.2..1.2), rng.random_range(-1.2..1.2), rng.random_range(-0.2..3.2)]).collect();
        check(&pts, &qs, 0.15);
    }
}

#[test]
fn closest_pair_agrees_with_brute_force() {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    for trial in 0..20 {
        let off = trial as f32 * 0.05;
        let a: Vec<[f32; 3]> = (0..rng.random_range(1..400))
            .map(|_| [rng.random_range(0.0..0.3), rng.random_range(0.0..0.3), rng.random_range(0.0..0.3)])
            .collect();
        let b: Vec<[f32; 3]> = (0..rng.random_range(1..400))
            .map(|_| [0.35 + off + rng.random_range(0.0..0.3), rng.random_range(0.0..0.3), rng.random_range(0.0..0.3)])
            .collect();
        let mut best = (f32::INFINITY, 0, 0);
        for (i, p) in a.iter().enumerate() {
            for (j, q) in b.iter().enumerate() {
                let dd = d(p, q);
                if dd < best.0 {
                    best = (dd, i, j);
                }
            }
        }
        let c = closest_pair(&a, &b).unwrap().unwrap();
        assert!((c.distance - best.0).abs() < 1e-6, "trial {trial}");
        assert!((d(&a[c.a as usize], &b[c.b as usize]) - c.distance).abs() < 1e-6, "indices refer to the inputs");
    }
    assert!(closest_pair(&[], &[[0.0; 3]]).unwrap().is_none());
}

#[test]
fn motorcycle_points_agree_with_brute_force() {
    let frame = RgbdFrame::from_dir(&crate::util::motorcycle(), &LoadOptions::default()).unwrap();
    let grid = PointGrid::from_depth(&frame.depth, &frame.intrinsics);
    let (pts, _) = grid.valid_points();
    // Every 7th point keeps brute force affordable while the tree holds the real structure.
    let pts: Vec<[f32; 3]> = pts.into_iter().step_by(7).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let qs: Vec<[f32; 3]> = (0..60)
        .map(|_| {
            let p = pts[rng.random_range(0..pts.len())];
            [p[0] + rng.random_range(-0.02..0.02), p[1] + rng.random_range(-0.02..0.02), p[2] + rng.random_range(-0.02..0.02)]
        })
        .collect();
    check(&pts, &qs, 0.05);
}

#[test]
fn empty_and_non_finite_sets_are_refused() {
    assert!(VertexIndex::new(vec![]).unwrap_err().to_string().contains("empty"));
    assert!(VertexIndex::new(vec![[0.0, f32::NAN, 1.0]]).unwrap_err().to_string().contains("non-finite"));
}
