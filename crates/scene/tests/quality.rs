//! Segmentation, attributes, sizes and support on generated scenes, with and without noise.

use spatia_scene::ShapeClass;
use spatia_synth::{Colour, ShapeKind};

use crate::util::{case, matches};

fn shape_ok(truth: ShapeKind, got: ShapeClass, label: &str) -> bool {
    match truth {
        ShapeKind::Table => label == "table",
        ShapeKind::Box => matches!(got, ShapeClass::Box | ShapeClass::Cube),
        ShapeKind::Sphere => got == ShapeClass::Sphere,
        ShapeKind::Cylinder => got == ShapeClass::Cylinder,
    }
}

fn colour_ok(truth: Colour, got: spatia_scene::ColourName) -> bool {
    truth.name() == got.as_str()
}

#[test]
fn report() {
    let mut tot = (0usize, 0.0f32, 0usize, 0usize, 0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    for noise in [false, true] {
        for seed in 0..20 {
            let c = case(seed, noise);
            let m = matches(&c, 150);
            let visible = m.len();
            let count_ok = c.scene.objects.len() == visible;
            tot.0 += 1;
            tot.9 += count_ok as usize;
            for (ti, pi, iou) in &m {
                let t = &c.truth.objects[*ti];
                tot.1 += iou;
                tot.2 += 1;
                let Some(pi) = pi else {
                    eprintln!("seed {seed} noise {noise}: missed {}", t.name);
                    continue;
                };
                let p = &c.scene.objects[*pi];
                let sh = shape_ok(t.shape, p.shape, &p.label);
                let co = colour_ok(t.colour, p.colour);
                let size_ok = (0..3).all(|k| {
                    let (want, got) = if t.shape == ShapeKind::Box {
                        let mut a = [t.size[0], t.size[1]];
                        let mut b = [p.size[0], p.size[1]];
                        a.sort_by(f32::total_cmp);
                        b.sort_by(f32::total_cmp);
                        if k < 2 { (a[k], b[k]) } else { (t.size[2], p.size[2]) }
                    } else {
                        (t.size[k], p.size[k])
                    };
                    (got - want).abs() <= (0.1 * want).max(0.01)
                });
                let centre_err = (0..3).map(|k| (p.centre[k] - t.centre[k]).powi(2)).sum::<f32>().sqrt();
                let centre_ok = centre_err <= (0.1 * t.size.iter().cloned().fold(0.0, f32::max)).max(0.01);
                let want_on = t.on.and_then(|id| m.iter().find(|(tj, _, _)| c.truth.objects[*tj].id == id).and_then(|(_, pj, _)| pj.map(|pj| c.scene.objects[pj].id)));
                let on_ok = p.on == want_on;
                tot.3 += sh as usize;
                tot.4 += co as usize;
                tot.5 += (size_ok && centre_ok) as usize;
                tot.6 += on_ok as usize;
                tot.7 += 1;
                if !(sh && co && size_ok && centre_ok && on_ok) || *iou < 0.9 {
                    eprintln!(
                        "seed {seed} noise {noise}: {} -> {} iou {iou:.2} shape {:?}{} colour {:?}{} size {:?} vs {:?} centre err {centre_err:.3} on {:?} want {:?}",
                        t.name, p.name, p.shape, if sh { "" } else { "!" }, p.colour, if co { "" } else { "!" }, p.size, t.size, p.on, want_on
                    );
                }
            }
            if !count_ok {
                eprintln!("seed {seed} noise {noise}: {} objects, {} visible: {:?}", c.scene.objects.len(), visible, c.scene.objects.iter().map(|o| &o.name).collect::<Vec<_>>());
            }
        }
    }
    let n = tot.7 as f32;
    eprintln!(
        "scenes {} count ok {}, mean IoU {:.3}, shape {:.3}, colour {:.3}, size+centre {:.3}, support {:.3}",
        tot.0, tot.9, tot.1 / tot.2 as f32, tot.3 as f32 / n, tot.4 as f32 / n, tot.5 as f32 / n, tot.6 as f32 / n
    );
}
