use spatia_geom::LoadOptions;
use spatia_scene::{Scene, SceneConfig};
use spatia_synth::{Noise, SceneParams, ShapeKind, generate, render, write_dir};
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let (s0, s1): (u64, u64) = (a[1].parse().unwrap(), a[2].parse().unwrap());
    let noisy = a[3] == "1";
    let keep = std::env::var_os("DIAG_KEEP").is_some();
    for seed in s0..s1 {
        let rng = |name: &str, d: std::ops::RangeInclusive<usize>| {
            std::env::var(name)
                .ok()
                .and_then(|v| {
                    let (a, b) = v.split_once("..=")?;
                    Some(a.parse().ok()?..=b.parse().ok()?)
                })
                .unwrap_or(d)
        };
        let dp = SceneParams::default();
        let (width, height) = std::env::var("SIZE")
            .ok()
            .and_then(|v| {
                let (a, b) = v.split_once('x')?;
                Some((a.parse().ok()?, b.parse().ok()?))
            })
            .unwrap_or((dp.width, dp.height));
        let params =
            SceneParams { width, height, tables: rng("TABLES", dp.tables.clone()), objects: rng("OBJECTS", dp.objects.clone()), ..dp };
        let s = generate(seed, &params);
        let noise = noisy.then(|| Noise { seed, ..Noise::default() });
        let mut view = render(&s);
        if let Some(n) = &noise {
            view = view.with_noise(n);
        }
        let dir = if keep {
            std::path::PathBuf::from(format!("/tmp/diag{seed}{}", if noisy { "n" } else { "" }))
        } else {
            std::env::temp_dir().join(format!("diag-{}", std::process::id()))
        };
        std::fs::create_dir_all(&dir).unwrap();
        let truth = write_dir(&dir, &s, &view, noise.as_ref()).unwrap();
        eprintln!("SEED {seed}");
        let scene = Scene::from_dir(&dir, &LoadOptions::default(), &SceneConfig::default()).unwrap();
        // heading offset world->scene
        let o0 = &truth.objects[0];
        let mut off = Vec::new();
        for t in &truth.objects[1..] {
            let aw = (t.centre_world[1] - o0.centre_world[1]).atan2(t.centre_world[0] - o0.centre_world[0]);
            let as_ = (t.centre[1] - o0.centre[1]).atan2(t.centre[0] - o0.centre[0]);
            off.push((as_ - aw).to_degrees());
        }
        let off = off.first().copied().unwrap_or(0.0);
        if std::env::var_os("DIAG_TRUTH").is_some() {
            for t in &truth.objects {
                eprintln!("T|{}|{}|{}|{}|{}", t.name, t.centre[0], t.centre[1], t.centre[2], t.size[0]);
            }
        }
        if keep {
            for p in &scene.objects {
                println!(
                    "  obj {} {} {:?} centre {:?} size {:?} yaw {:.0} on {:?}",
                    p.id, p.name, p.shape, p.centre, p.size, p.yaw_deg, p.on
                );
            }
            for t in &truth.objects {
                println!("  truth {} {} centre {:?} size {:?} on {:?}", t.id, t.name, t.centre, t.size, t.on);
            }
        }
        for t in &truth.objects {
            if std::env::var_os("DBGC").is_some() && t.pixels >= 150 {
                let m = scene.objects.iter().min_by(|a, b| {
                    let d = |o: &spatia_scene::Object| (0..3).map(|k| (o.centre[k] - t.centre[k]).powi(2)).sum::<f32>();
                    d(a).total_cmp(&d(b))
                });
                if let Some(m) = m {
                    println!(
                        "TRUTHCOL seed {seed} {} at {:.2} {:.2} {:.2} pred {:?} {}",
                        t.name,
                        m.centre[0],
                        m.centre[1],
                        m.centre[2],
                        m.colour,
                        t.colour.name()
                    );
                }
            }
            if t.shape != ShapeKind::Box || t.pixels < 150 {
                continue;
            }
            let mut best = (None, 0.0f32);
            for p in &scene.objects {
                let (mut inter, mut mask) = (0, 0);
                for (&o, &tid) in scene.object_map.iter().zip(&view.instances) {
                    if o == p.id {
                        mask += 1;
                        inter += (tid == t.id) as usize;
                    }
                }
                if inter == 0 {
                    continue;
                }
                let iou = inter as f32 / (t.pixels + mask - inter) as f32;
                if iou > best.1 {
                    best = (Some(p), iou);
                }
            }
            let Some(p) = best.0 else { continue };
            let tyaw = (t.yaw_deg + off).rem_euclid(180.0);
            let head = t.centre[0].atan2(t.centre[1]).to_degrees(); // angle from forward
            let dist = (t.centre_cam[0].powi(2) + t.centre_cam[1].powi(2) + t.centre_cam[2].powi(2)).sqrt();
            // map pred dims into truth axes
            let dy = (p.yaw_deg - tyaw).rem_euclid(180.0);
            let swap = (dy > 45.0 && dy < 135.0) as usize;
            let pw = [p.size[swap], p.size[1 - swap]];
            let e0 = (pw[0] - t.size[0]) / t.size[0];
            let e1 = (pw[1] - t.size[1]) / t.size[1];
            let bad = e0.abs() > 0.1 && (pw[0] - t.size[0]).abs() > 0.01 || e1.abs() > 0.1 && (pw[1] - t.size[1]).abs() > 0.01;
            // relative yaw of truth x-axis to the ray (world x axis rotated by tyaw, ray heading measured in scene frame from +y toward +x)
            let ray_ang = t.centre[0].atan2(t.centre[1]).to_degrees(); // from +y
            let ax_ang = 90.0 - tyaw; // x-axis at angle tyaw from +x => from +y: 90 - tyaw
            let rel = (ax_ang - ray_ang).rem_euclid(180.0);
            if keep {
                println!("bbox {:?}", bbox(&view.instances, t.id, s.camera.width as usize));
            }
            let resting = truth.objects.iter().filter(|r| r.on == Some(t.id)).count();
            let cen =
                ((p.centre[0] - t.centre[0]).powi(2) + (p.centre[1] - t.centre[1]).powi(2) + (p.centre[2] - t.centre[2]).powi(2)).sqrt();
            let ceb = cen > (0.1 * t.size.iter().cloned().fold(0.0, f32::max)).max(0.01);
            let hb = (p.size[2] - t.size[2]).abs() > (0.1 * t.size[2]).max(0.01);
            print!(
                "tyaw {tyaw:.1} tsize {} {} tc {:.2} {:.2} {:.2} rest {resting} {} {} ",
                t.size[0],
                t.size[1],
                t.centre[0],
                t.centre[1],
                t.centre[2],
                if ceb { "CEN" } else { "   " },
                if hb { "H" } else { " " }
            );
            println!(
                "seed {seed} {:>16} dist {dist:.2} head {head:+.0} px {} camh {:.2} top {:.2} | x-axis vs ray {rel:.0} | truth {:.3} {:.3} | pred {:.3} {:.3} | err {:+.2} {:+.2} yawerr {:.0} {}",
                t.name,
                t.pixels,
                truth.camera_height,
                t.centre[2] + t.size[2] / 2.0,
                t.size[0],
                t.size[1],
                pw[0],
                pw[1],
                e0,
                e1,
                dy.min(180.0 - dy).min((dy - 90.0).abs()),
                if bad { "BAD" } else { "" }
            );
        }
        if !keep {
            std::fs::remove_dir_all(&dir).ok();
        }
    }
}

fn bbox(inst: &[u16], id: u16, w: usize) -> [usize; 4] {
    let mut b = [usize::MAX, usize::MAX, 0, 0];
    for (i, &v) in inst.iter().enumerate() {
        if v == id {
            b[0] = b[0].min(i % w);
            b[1] = b[1].min(i / w);
            b[2] = b[2].max(i % w);
            b[3] = b[3].max(i / w);
        }
    }
    b
}
