//! Full and adaptive meshes on generated scenes: no bridged discontinuities, exact budgets,
//! error falling with the budget, nesting, and relevance weighting.

use spatia_geom::{GridSurface, Mesh, MeshConfig, depth_error};

use crate::util::{Case, case, sensor_sigma, touching};

/// Whether two neighbouring pixels lie on surfaces that do not touch, across a depth gap
/// larger than a sensor could call one surface (ground truth, not the mesher's rule).
fn gap(c: &Case, a: usize, b: usize) -> bool {
    let (ia, ib) = (c.render.instances[a], c.render.instances[b]);
    let (za, zb) = (c.frame.depth.as_slice()[a], c.frame.depth.as_slice()[b]);
    !touching(&c.scene, ia, ib) && (za - zb).abs() > 0.02 + 3.0 * std::f32::consts::SQRT_2 * sensor_sigma(za.min(zb))
}

/// Triangles with an edge that passes over such a gap, walking the pixels along the edge.
fn bridged(c: &Case, m: &Mesh) -> Vec<[u32; 3]> {
    let w = c.frame.width();
    // A real gap separates the ends whichever way the staircase breaks its ties; a stray
    // pixel beside a diagonal does not.
    let walk = |a: [u32; 2], b: [u32; 2], x_first: bool| {
        let (mut x, mut y) = (a[0] as i64, a[1] as i64);
        let (dx, dy) = ((b[0] as i64 - x).abs(), (b[1] as i64 - y).abs());
        let (sx, sy) = ((b[0] as i64 - x).signum(), (b[1] as i64 - y).signum());
        let (mut ix, mut iy) = (0, 0);
        while ix < dx || iy < dy {
            let here = y as usize * w + x as usize;
            let (l, r) = ((1 + 2 * ix) * dy, (1 + 2 * iy) * dx);
            if l < r || (l == r && x_first) {
                x += sx;
                ix += 1;
            } else {
                y += sy;
                iy += 1;
            }
            if gap(c, here, y as usize * w + x as usize) {
                return true;
            }
        }
        false
    };
    let crosses = |a: [u32; 2], b: [u32; 2]| walk(a, b, false) && walk(a, b, true);
    m.triangles
        .iter()
        .filter(|t| {
            let p = t.map(|i| m.pixels[i as usize]);
            crosses(p[0], p[1]) || crosses(p[1], p[2]) || crosses(p[2], p[0])
        })
        .copied()
        .collect()
}

/// The first few triangles as (pixel, instance, depth) triples, for a failure message.
fn describe(c: &Case, m: &Mesh, tris: &[[u32; 3]]) -> String {
    let w = c.frame.width();
    let info: Vec<_> = tris
        .iter()
        .take(3)
        .map(|t| {
            t.map(|i| {
                let p = m.pixels[i as usize];
                let k = p[1] as usize * w + p[0] as usize;
                (p, c.render.instances[k], c.frame.depth.as_slice()[k])
            })
        })
        .collect();
    format!("{info:?}")
}

#[test]
fn no_triangle_crosses_a_depth_discontinuity() {
    for seed in 0..30 {
        let c = case(seed, false, 640, 480);
        let s = GridSurface::from_frame(&c.frame, &MeshConfig::default());
        let full = s.full_mesh(&c.frame.rgb);
        let bad = bridged(&c, &full);
        assert!(bad.is_empty(), "seed {seed}: {} bridged triangles: {}", bad.len(), describe(&c, &full, &bad));
        // ...while the surfaces themselves stay whole: nearly every pixel is in a triangle.
        let err = depth_error(&full, &c.frame.depth);
        assert!(err.coverage > 0.97, "seed {seed}: coverage {}", err.coverage);
        assert!(err.max < 1e-3, "seed {seed}: full mesh max error {}", err.max);
        for budget in [2048, 20_000] {
            let m = s.adaptive_mesh(&c.frame.rgb, budget, None).unwrap();
            let bad = bridged(&c, &m);
            assert!(bad.is_empty(), "seed {seed} budget {budget}: {} bridged", bad.len());
        }
    }
}

#[test]
fn noisy_scenes_mesh_without_bridging_and_with_few_holes() {
    for seed in 20..36 {
        let c = case(seed, true, 640, 480);
        let full = c.frame.to_mesh(&MeshConfig::default());
        let bad = bridged(&c, &full);
        assert!(bad.is_empty(), "seed {seed}: {} bridged: {}", bad.len(), describe(&c, &full, &bad));
        assert!(depth_error(&full, &c.frame.depth).coverage > 0.9, "seed {seed}");
    }
}

#[test]
fn adaptive_budget_is_exact_and_error_falls_with_it() {
    for seed in [1, 4, 9] {
        let c = case(seed, false, 640, 480);
        let s = GridSurface::from_frame(&c.frame, &MeshConfig::default());
        let mut last: Option<(f32, f32)> = None;
        let mut prev_pixels: Vec<[u32; 2]> = Vec::new();
        for budget in [256, 512, 1024, 2048, 4096, 8192, 20_000, 60_000] {
            let m = s.adaptive_mesh(&c.frame.rgb, budget, None).unwrap();
            assert_eq!(m.vertex_count(), budget, "seed {seed}");
            assert!(m.triangles.iter().all(|t| t.iter().all(|&i| (i as usize) < budget)));
            // Coarse to fine: each mesh's vertices begin with the previous mesh's vertices.
            assert_eq!(&m.pixels[..prev_pixels.len()], &prev_pixels[..], "seed {seed}: {budget} is not a refinement");
            prev_pixels = m.pixels.clone();
            let e = depth_error(&m, &c.frame.depth);
            if let Some((mean, p95)) = last {
                assert!(e.mean <= mean * 1.02 + 1e-5, "seed {seed}: mean error rose to {} at {budget} from {mean}", e.mean);
                let _ = p95;
            }
            last = Some((e.mean, e.max));
            eprintln!("seed {seed} budget {budget}: mean {:.2} mm max {:.0} mm coverage {:.3}", e.mean * 1e3, e.max * 1e3, e.coverage);
        }
    }
}

#[test]
fn relevance_weights_move_vertices_onto_the_relevant_object() {
    let c = case(5, false, 640, 480);
    let s = GridSurface::from_frame(&c.frame, &MeshConfig::default());
    // The most visible small object.
    let target = c.truth.objects.iter().filter(|o| o.shape != spatia_synth::ShapeKind::Table).max_by_key(|o| o.pixels).unwrap();
    // Relevance 1 on the object and 0.05 elsewhere, squared as the token allocation squares it.
    let weights: Vec<f32> = c.render.instances.iter().map(|&id| if id == target.id { 1.0 } else { 0.05f32.powi(2) }).collect();
    let on_target =
        |m: &Mesh| m.pixels.iter().filter(|p| c.render.instances[p[1] as usize * c.frame.width() + p[0] as usize] == target.id).count();
    let plain = s.adaptive_mesh(&c.frame.rgb, 2048, None).unwrap();
    let focused = s.adaptive_mesh(&c.frame.rgb, 2048, Some(&weights)).unwrap();
    assert_eq!(focused.vertex_count(), 2048);
    let (a, b) = (on_target(&plain), on_target(&focused));
    assert!(b >= 2 * a.max(1), "{}: {a} vertices without weights, {b} with", target.name);
}

#[test]
fn budget_requests_out_of_range_are_refused() {
    let c = case(2, false, 160, 120);
    let s = GridSurface::from_frame(&c.frame, &MeshConfig::default());
    let err = s.adaptive_mesh(&c.frame.rgb, 160 * 120 + 1, None).unwrap_err();
    assert!(err.to_string().contains("exceeds"), "{err}");
    assert!(s.adaptive_mesh(&c.frame.rgb, 2, None).is_err());
    let bad = vec![f32::NAN; 160 * 120];
    assert!(s.adaptive_mesh(&c.frame.rgb, 100, Some(&bad)).unwrap_err().to_string().contains("weight"));
    let m = s.adaptive_mesh(&c.frame.rgb, 160 * 120, None).unwrap();
    assert_eq!(m.vertex_count(), 160 * 120);
}

/// The per-pixel rule of `grid_normals`: `pixel_tangents`, their cross product, unit length
/// facing the camera (along the ray where there is no cross product).
fn per_pixel_normal(points: &spatia_geom::PointGrid, edges: &spatia_geom::DepthEdges, x: usize, y: usize) -> [f32; 3] {
    let (w, h, pts) = (points.width(), points.height(), points.as_slice());
    let p = pts[y * w + x];
    if p[2] <= 0.0 {
        return [0.0; 3];
    }
    let mut m = match spatia_geom::pixel_tangents(pts, edges.raw(), w, h, x, y) {
        [Some(th), Some(tv)] => [tv[1] * th[2] - tv[2] * th[1], tv[2] * th[0] - tv[0] * th[2], tv[0] * th[1] - tv[1] * th[0]],
        _ => [0.0; 3],
    };
    let mut len2 = m[0] * m[0] + m[1] * m[1] + m[2] * m[2];
    if len2.is_nan() || len2 <= 1e-30 {
        m = [-p[0], -p[1], -p[2]];
        len2 = m[0] * m[0] + m[1] * m[1] + m[2] * m[2];
    }
    let inv = 1.0 / len2.sqrt();
    let inv = if m[0] * p[0] + m[1] * p[1] + m[2] * p[2] > 0.0 { -inv } else { inv };
    [m[0] * inv, m[1] * inv, m[2] * inv]
}

/// The grid's normals, taken a row at a time in vector lanes, are those of the per-pixel
/// rule to the bit, on clean and noisy frames (dropped pixels, discontinuities, borders).
#[test]
fn grid_normals_in_lanes_are_the_per_pixel_rule_to_the_bit() {
    use spatia_geom::{DepthEdges, PointGrid, grid_normals};
    for (seed, noise) in [(3, false), (5, true), (11, true)] {
        let c = case(seed, noise, 160, 120);
        let points = PointGrid::from_depth(&c.frame.depth, &c.frame.intrinsics);
        let edges = DepthEdges::from_depth(&c.frame.depth, &MeshConfig::default().jump);
        let (w, h, pts) = (points.width(), points.height(), points.as_slice());
        let got = grid_normals(&points, &edges);
        let (mut slow, mut none) = (0, 0);
        for y in 0..h {
            for x in 0..w {
                let i = y * w + x;
                none += usize::from(pts[i][2] <= 0.0);
                slow += usize::from(pts[i][2] > 0.0 && (x == 0 || y == 0 || x + 1 == w || y + 1 == h || edges.raw()[i] != 0));
                let want = per_pixel_normal(&points, &edges, x, y);
                assert_eq!(got[i].map(f32::to_bits), want.map(f32::to_bits), "seed {seed} noise {noise}: pixel ({x}, {y})");
            }
        }
        // Both paths are exercised: pixels at borders and edges, and pixels without depth.
        assert!(slow > 500 && (!noise || none > 100), "seed {seed}: {slow} slow, {none} without depth");
    }
}

/// Grids too narrow or too short for a row's lanes (one or two pixels across, one row)
/// give the per-pixel rule's normals too.
#[test]
fn grid_normals_of_tiny_grids_are_the_per_pixel_rule() {
    use spatia_geom::{DepthEdges, DepthMap, Intrinsics, PointGrid, grid_normals};
    let k = Intrinsics { fx: 500.0, fy: 500.0, cx: 1.0, cy: 1.0 };
    for (w, h) in [(1, 1), (1, 4), (4, 1), (2, 2), (2, 5), (5, 2), (3, 3), (4, 3)] {
        // A tilted plane with one pixel without depth where there is room for it.
        let depth: Vec<f32> = (0..w * h)
            .map(|i| if i == 4 && w * h > 6 { 0.0 } else { 2.0 + 0.01 * (i % w.max(1)) as f32 + 0.02 * (i / w.max(1)) as f32 })
            .collect();
        let depth = DepthMap::from_metres(w, h, depth).unwrap();
        let points = PointGrid::from_depth(&depth, &k);
        let edges = DepthEdges::from_depth(&depth, &MeshConfig::default().jump);
        let got = grid_normals(&points, &edges);
        assert_eq!(got.len(), w * h);
        for y in 0..h {
            for x in 0..w {
                let want = per_pixel_normal(&points, &edges, x, y);
                assert_eq!(got[y * w + x].map(f32::to_bits), want.map(f32::to_bits), "{w}x{h}: pixel ({x}, {y})");
            }
        }
    }
}
