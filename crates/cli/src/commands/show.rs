//! Drawing a scene over its photo: object outlines and "id name" labels (8x8 bitmap font).

use font8x8::UnicodeFonts;
use spatia::geom::image::{Rgb, RgbImage};
use spatia::scene::Scene;

/// A distinct, bright colour for object `id`.
fn palette(id: u16) -> [u8; 3] {
    const P: [[u8; 3]; 8] =
        [[255, 60, 60], [60, 220, 60], [70, 120, 255], [255, 210, 0], [255, 0, 255], [0, 230, 230], [255, 140, 0], [170, 90, 255]];
    P[id as usize % P.len()]
}

/// The photo, dimmed, with every object's outline and its label.
pub fn outlines(rgb: &RgbImage, scene: &Scene) -> RgbImage {
    let (w, h) = (scene.width, scene.height);
    let mut out = RgbImage::from_fn(w as u32, h as u32, |x, y| {
        let p = rgb.get_pixel(x, y).0;
        Rgb(p.map(|c| (c as u16 * 3 / 5) as u8))
    });
    let map = &scene.object_map;
    for y in 0..h {
        for x in 0..w {
            let id = map[y * w + x];
            if id == 0 {
                continue;
            }
            let edge = [(1i64, 0i64), (-1, 0), (0, 1), (0, -1)].iter().any(|(dx, dy)| {
                let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 || map[ny as usize * w + nx as usize] != id
            });
            if edge {
                out.put_pixel(x as u32, y as u32, Rgb(palette(id)));
            }
        }
    }
    for o in &scene.objects {
        let (mut x0, mut y0) = (usize::MAX, usize::MAX);
        for &i in &o.pixel_ids {
            x0 = x0.min(i as usize % w);
            y0 = y0.min(i as usize / w);
        }
        if x0 == usize::MAX {
            continue;
        }
        text(&mut out, x0, y0.saturating_sub(10), &format!("{} {}", o.id, o.name), palette(o.id));
    }
    out
}

/// Writes text with a dark backing so it reads on any photo; clipped at the borders.
fn text(img: &mut RgbImage, x: usize, y: usize, s: &str, colour: [u8; 3]) {
    let (w, h) = (img.width() as usize, img.height() as usize);
    for (k, ch) in s.chars().enumerate() {
        let glyph = font8x8::BASIC_FONTS.get(ch).unwrap_or([0; 8]);
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..8 {
                let (px, py) = (x + k * 8 + col, y + row);
                if px >= w || py >= h {
                    continue;
                }
                let on = bits >> col & 1 == 1;
                img.put_pixel(px as u32, py as u32, Rgb(if on { colour } else { [0, 0, 0] }));
            }
        }
    }
}

/// Tints each object's pixels by its relevance to the last question (red = 1, none = 0),
/// over the outlined photo: where the token budget went.
pub fn heat(img: &mut RgbImage, scene: &Scene, relevance: &std::collections::BTreeMap<u16, f32>) {
    let w = scene.width;
    for (i, &id) in scene.object_map.iter().enumerate() {
        let Some(&r) = relevance.get(&id) else { continue };
        let (x, y) = ((i % w) as u32, (i / w) as u32);
        let p = img.get_pixel(x, y).0;
        let r = r.clamp(0.0, 1.0);
        let hot = [255.0, 40.0 + 180.0 * (1.0 - r), 0.0];
        let a = 0.25 + 0.5 * r;
        img.put_pixel(x, y, Rgb([0, 1, 2].map(|k| (p[k] as f32 * (1.0 - a) + hot[k] * a) as u8)));
    }
}
