//! Shared helpers: temporary scene directories rendered by spatia-synth, and signed
//! distances to the true surfaces.

use std::path::{Path, PathBuf};

use spatia_geom::math::Vec3;
use spatia_geom::{LoadOptions, RgbdFrame};
use spatia_synth::{
    Noise, Render, Scene, SceneParams, ShapeKind, Truth, chair_parts, chair_seat_height, generate, render, table_parts, write_dir,
};

/// A directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("spatia-geom-{tag}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// A generated scene written to disk and read back the way users' scenes are.
pub struct Case {
    pub scene: Scene,
    pub truth: Truth,
    pub render: Render,
    pub frame: RgbdFrame,
    pub _dir: TempDir,
}

pub fn case(seed: u64, noise: bool, w: usize, h: usize) -> Case {
    let scene = generate(seed, &SceneParams { width: w, height: h, ..SceneParams::default() });
    let noise = noise.then(|| Noise { seed, ..Noise::default() });
    let mut view = render(&scene);
    if let Some(n) = &noise {
        view = view.with_noise(n);
    }
    let dir = TempDir::new("case");
    let truth = write_dir(dir.path(), &scene, &view, noise.as_ref()).unwrap();
    let frame = RgbdFrame::from_dir(dir.path(), &LoadOptions::default()).unwrap();
    Case { scene, truth, render: view, frame, _dir: dir }
}

/// Camera-frame point to world frame.
pub fn to_world(scene: &Scene, p: [f32; 3]) -> Vec3 {
    scene.camera.rot() * Vec3::from(p) + Vec3::from(scene.camera.position)
}

fn sdf_box(p: Vec3, c: Vec3, half: Vec3, yaw: f32) -> f32 {
    let (s, cs) = yaw.sin_cos();
    let d = p - c;
    let l = Vec3::new(cs * d.x + s * d.y, -s * d.x + cs * d.y, d.z);
    let q = l.abs() - half;
    q.sup(&Vec3::zeros()).norm() + q.max().min(0.0)
}

/// Unsigned distance from a world point to the surface of instance `id` (0 = the room).
pub fn surface_distance(scene: &Scene, id: u16, p: Vec3) -> f32 {
    if id == 0 {
        let r = &scene.room;
        return [
            p.z.abs(),
            (p.z - r.height).abs(),
            (p.x - r.half_size).abs(),
            (p.x + r.half_size).abs(),
            (p.y - r.half_size).abs(),
            (p.y + r.half_size).abs(),
        ]
        .into_iter()
        .fold(f32::INFINITY, f32::min);
    }
    let o = &scene.objects[id as usize - 1];
    let c = Vec3::from(o.centre);
    match o.shape {
        ShapeKind::Sphere => ((p - c).norm() - o.size[0] / 2.0).abs(),
        ShapeKind::Cylinder => {
            let dxy = ((p.x - c.x).powi(2) + (p.y - c.y).powi(2)).sqrt() - o.size[0] / 2.0;
            let dz = (p.z - c.z).abs() - o.size[2] / 2.0;
            let out = (dxy.max(0.0).powi(2) + dz.max(0.0).powi(2)).sqrt();
            (out + dxy.max(dz).min(0.0)).abs()
        }
        ShapeKind::Box => sdf_box(p, c, Vec3::from(o.size) / 2.0, o.yaw_deg.to_radians()).abs(),
        ShapeKind::Table => table_parts(o).iter().map(|b| sdf_box(p, b.centre, b.half, b.yaw)).fold(f32::INFINITY, f32::min).abs(),
        ShapeKind::Chair => {
            chair_parts(o, chair_seat_height(o)).iter().map(|b| sdf_box(p, b.centre, b.half, b.yaw)).fold(f32::INFINITY, f32::min).abs()
        }
    }
}

/// Whether two instances touch: one rests on the other, or on the floor (instance 0).
pub fn touching(scene: &Scene, a: u16, b: u16) -> bool {
    if a == b {
        return true;
    }
    let on = |x: u16| if x == 0 { None } else { Some(scene.objects[x as usize - 1].on) };
    on(a) == Some(if b == 0 { None } else { Some(b) }) || on(b) == Some(if a == 0 { None } else { Some(a) })
}

/// Depth-sensor noise at range z (the Kinect model the generator uses), metres.
pub fn sensor_sigma(z: f32) -> f32 {
    0.0012 + 0.0019 * (z - 0.4).powi(2)
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The real Motorcycle scene; its set-up script must have run.
pub fn motorcycle() -> PathBuf {
    let p = repo_root().join("examples/motorcycle");
    assert!(
        p.join("depth.npy").is_file(),
        "{} is missing: run `bash scripts/setup.sh` (it fetches the pinned scikit-image wheel and converts the capture)",
        p.display()
    );
    p
}
