//! Geometry stage timings on generated 640x480 and 1280x960 RGB-D scenes (fixed seed),
//! single-threaded, with a memcpy of the mesh's bytes as the physical floor.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use spatia_geom::{
    DepthEdges, GridSurface, JumpRule, LoadOptions, MeshConfig, PointGrid, RansacConfig, RgbdFrame, SceneFrame, VertexIndex, detect_planes,
    grid_normals,
};
use spatia_synth::{SceneParams, generate, render, write_dir};

fn frame(w: usize, h: usize) -> RgbdFrame {
    let scene = generate(3, &SceneParams { width: w, height: h, ..SceneParams::default() });
    let view = render(&scene);
    let dir = std::env::temp_dir().join(format!("spatia-bench-{w}x{h}-{}", std::process::id()));
    write_dir(&dir, &scene, &view, None).expect("write scene");
    let f = RgbdFrame::from_dir(&dir, &LoadOptions::default()).expect("read scene");
    std::fs::remove_dir_all(&dir).ok();
    f
}

fn bench(c: &mut Criterion) {
    for (w, h) in [(640usize, 480usize), (1280, 960)] {
        let f = frame(w, h);
        let size = format!("{w}x{h}");
        let mut g = c.benchmark_group(format!("geom/{size}"));
        g.sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
        let cfg = MeshConfig::default();
        let surface = GridSurface::from_frame(&f, &cfg);
        let points = PointGrid::from_depth(&f.depth, &f.intrinsics);
        let edges = DepthEdges::from_depth(&f.depth, &JumpRule::default());

        g.bench_function("back_projection", |b| b.iter(|| PointGrid::from_depth(black_box(&f.depth), &f.intrinsics)));
        g.bench_function("depth_edges", |b| b.iter(|| DepthEdges::from_depth(black_box(&f.depth), &JumpRule::default())));
        g.bench_function("grid_normals", |b| b.iter(|| grid_normals(black_box(&points), &edges)));
        g.bench_function("full_mesh_from_depth", |b| b.iter(|| GridSurface::from_frame(black_box(&f), &cfg).full_mesh(&f.rgb)));
        let mesh = surface.full_mesh(&f.rgb);
        g.bench_function("full_mesh_triangulate", |b| b.iter(|| black_box(&surface).full_mesh(&f.rgb)));
        // The floor: copying exactly the bytes the full mesh holds.
        g.bench_function("memcpy_mesh_bytes", |b| {
            b.iter(|| {
                (
                    black_box(&mesh.positions).clone(),
                    mesh.normals.clone(),
                    mesh.colours.clone(),
                    mesh.pixels.clone(),
                    mesh.triangles.clone(),
                )
            })
        });
        for n in [2048usize, 20_000] {
            g.bench_with_input(BenchmarkId::new("adaptive_mesh", n), &n, |b, &n| {
                b.iter(|| black_box(&surface).adaptive_mesh(&f.rgb, n, None).expect("budget fits"))
            });
        }
        let (pts, pix) = points.valid_points();
        let normals: Vec<[f32; 3]> = pix.iter().map(|&i| surface.normals[i as usize]).collect();
        let one = RansacConfig { max_planes: 1, ..RansacConfig::default() };
        g.bench_function("ransac_floor", |b| b.iter(|| detect_planes(black_box(&pts), Some(&normals), &one)));
        g.bench_function("planes_and_gravity_frame", |b| {
            b.iter(|| {
                let planes = detect_planes(black_box(&pts), Some(&normals), &RansacConfig::default());
                SceneFrame::estimate(&pts, &planes)
            })
        });
        g.bench_function("kdtree_build", |b| b.iter(|| VertexIndex::new(black_box(pts.clone())).expect("finite points")));
        let index = VertexIndex::new(pts.clone()).expect("finite points");
        let queries: Vec<[f32; 3]> = pts.iter().step_by((pts.len() / 10_000).max(1)).take(10_000).copied().collect();
        g.bench_function("knn8_x10000", |b| b.iter(|| queries.iter().map(|q| index.knn(q, 8).len()).sum::<usize>()));
        g.bench_function("radius5cm_x10000", |b| b.iter(|| queries.iter().map(|q| index.within(q, 0.05).len()).sum::<usize>()));
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
