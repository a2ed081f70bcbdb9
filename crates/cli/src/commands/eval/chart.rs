//! A small chart canvas: rectangles, lines and text, rendered both to SVG and to PNG (the
//! PNG's text in an 8x8 bitmap font), so the report's two pictures are one drawing.
//! (A plotting crate would need system fonts or a bundled TTF for its PNG text; neither
//! is available on an offline build machine, and these charts need nothing more.)

use font8x8::UnicodeFonts;
use spatia::geom::image::{Rgb, RgbImage};

enum Prim {
    Rect { x: f32, y: f32, w: f32, h: f32, rgb: [u8; 3] },
    Line { x0: f32, y0: f32, x1: f32, y1: f32, rgb: [u8; 3], width: f32 },
    Text { x: f32, y: f32, text: String, rgb: [u8; 3] },
}

/// A drawing in pixel coordinates, y down.
pub struct Canvas {
    w: u32,
    h: u32,
    prims: Vec<Prim>,
}

impl Canvas {
    pub fn new(w: u32, h: u32) -> Self {
        Canvas { w, h, prims: vec![Prim::Rect { x: 0.0, y: 0.0, w: w as f32, h: h as f32, rgb: [255, 255, 255] }] }
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, rgb: [u8; 3]) {
        self.prims.push(Prim::Rect { x, y, w, h, rgb });
    }

    pub fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, rgb: [u8; 3], width: f32) {
        self.prims.push(Prim::Line { x0, y0, x1, y1, rgb, width });
    }

    /// Text with its top-left corner at (x, y), 8 px high.
    pub fn text(&mut self, x: f32, y: f32, text: &str, rgb: [u8; 3]) {
        self.prims.push(Prim::Text { x, y, text: text.to_string(), rgb });
    }

    pub fn svg(&self) -> String {
        let hex = |c: [u8; 3]| format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" font-family=\"monospace\" font-size=\"10\">\n",
            self.w, self.h, self.w, self.h
        );
        for p in &self.prims {
            match p {
                Prim::Rect { x, y, w, h, rgb } => {
                    s.push_str(&format!("<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{}\"/>\n", hex(*rgb)))
                }
                Prim::Line { x0, y0, x1, y1, rgb, width } => s.push_str(&format!(
                    "<line x1=\"{x0:.1}\" y1=\"{y0:.1}\" x2=\"{x1:.1}\" y2=\"{y1:.1}\" stroke=\"{}\" stroke-width=\"{width}\"/>\n",
                    hex(*rgb)
                )),
                Prim::Text { x, y, text, rgb } => {
                    let t = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
                    s.push_str(&format!("<text x=\"{x:.1}\" y=\"{:.1}\" fill=\"{}\">{t}</text>\n", y + 8.0, hex(*rgb)))
                }
            }
        }
        s.push_str("</svg>\n");
        s
    }

    pub fn png(&self) -> RgbImage {
        let mut img = RgbImage::new(self.w, self.h);
        let put = |img: &mut RgbImage, x: i64, y: i64, rgb: [u8; 3]| {
            if x >= 0 && y >= 0 && (x as u32) < self.w && (y as u32) < self.h {
                img.put_pixel(x as u32, y as u32, Rgb(rgb));
            }
        };
        for p in &self.prims {
            match p {
                Prim::Rect { x, y, w, h, rgb } => {
                    for yy in (*y as i64)..((y + h) as i64) {
                        for xx in (*x as i64)..((x + w) as i64) {
                            put(&mut img, xx, yy, *rgb);
                        }
                    }
                }
                Prim::Line { x0, y0, x1, y1, rgb, width } => {
                    let n = ((x1 - x0).abs().max((y1 - y0).abs()) as usize).max(1);
                    let r = (width / 2.0).max(0.5) as i64;
                    for i in 0..=n {
                        let t = i as f32 / n as f32;
                        let (x, y) = ((x0 + (x1 - x0) * t) as i64, (y0 + (y1 - y0) * t) as i64);
                        for dy in -r + 1..r.max(1) {
                            for dx in -r + 1..r.max(1) {
                                put(&mut img, x + dx, y + dy, *rgb);
                            }
                        }
                    }
                }
                Prim::Text { x, y, text, rgb } => {
                    for (k, ch) in text.chars().enumerate() {
                        let Some(glyph) = font8x8::BASIC_FONTS.get(ch) else { continue };
                        for (row, bits) in glyph.iter().enumerate() {
                            for col in 0..8 {
                                if bits & (1 << col) != 0 {
                                    put(&mut img, *x as i64 + 8 * k as i64 + col, *y as i64 + row as i64, *rgb);
                                }
                            }
                        }
                    }
                }
            }
        }
        img
    }
}

/// Series colours: relevance squared, relevance, uniform.
pub const SERIES: [[u8; 3]; 3] = [[214, 39, 40], [31, 119, 180], [127, 127, 127]];

/// The report's picture: accuracy per family (bars, 10 % band and 25 % band), and
/// accuracy of metric and describe questions against the token budget per strategy.
pub fn report(families: &[(String, f32, f32)], curves: &[(String, Vec<(usize, f32)>)]) -> Canvas {
    let (w, h) = (900u32, 420u32);
    let mut c = Canvas::new(w, h);
    let black = [0, 0, 0];
    let grey = [200, 200, 200];
    // Left: bars.
    let (x0, y0, pw, ph) = (50.0, 40.0, 420.0, 300.0);
    c.text(x0, 12.0, "accuracy per family (dark: within 10 %, light: 25 %)", black);
    for k in 0..=4 {
        let y = y0 + ph - ph * k as f32 / 4.0;
        c.line(x0, y, x0 + pw, y, grey, 1.0);
        c.text(x0 - 40.0, y - 4.0, &format!("{:>3}%", k * 25), black);
    }
    let n = families.len().max(1) as f32;
    let bw = pw / n;
    for (i, (name, acc, acc25)) in families.iter().enumerate() {
        let x = x0 + bw * i as f32 + 2.0;
        c.rect(x, y0 + ph - ph * acc25, bw - 4.0, ph * acc25, [158, 202, 225]);
        c.rect(x, y0 + ph - ph * acc, bw - 4.0, ph * acc, [49, 130, 189]);
        // Labels go vertical as a column of letters would be unreadable: abbreviate.
        let label: String = name.chars().take(((bw - 2.0) / 8.0).max(3.0) as usize).collect();
        c.text(x, y0 + ph + 6.0 + 10.0 * (i % 2) as f32, &label, black);
    }
    c.line(x0, y0 + ph, x0 + pw, y0 + ph, black, 1.0);
    // Right: curves over log2(budget).
    let (x1, pw1) = (560.0, 310.0);
    c.text(x1, 12.0, "metric + describe accuracy vs tokens", black);
    let budgets: Vec<usize> = curves.iter().flat_map(|(_, v)| v.iter().map(|p| p.0)).collect();
    let (bmin, bmax) = (budgets.iter().copied().min().unwrap_or(64) as f32, budgets.iter().copied().max().unwrap_or(4096) as f32);
    let xb = |b: usize| x1 + pw1 * ((b as f32).log2() - bmin.log2()) / (bmax.log2() - bmin.log2()).max(1e-3);
    for k in 0..=4 {
        let y = y0 + ph - ph * k as f32 / 4.0;
        c.line(x1, y, x1 + pw1, y, grey, 1.0);
        c.text(x1 - 40.0, y - 4.0, &format!("{:>3}%", k * 25), black);
    }
    let mut seen: Vec<usize> = budgets.clone();
    seen.sort_unstable();
    seen.dedup();
    for b in &seen {
        c.text(xb(*b) - 12.0, y0 + ph + 6.0, &b.to_string(), black);
    }
    for (s, (name, pts)) in curves.iter().enumerate() {
        let col = SERIES[s % SERIES.len()];
        for w2 in pts.windows(2) {
            c.line(xb(w2[0].0), y0 + ph - ph * w2[0].1, xb(w2[1].0), y0 + ph - ph * w2[1].1, col, 2.0);
        }
        for p in pts {
            c.rect(xb(p.0) - 3.0, y0 + ph - ph * p.1 - 3.0, 6.0, 6.0, col);
        }
        c.rect(x1 + 10.0, y0 + ph + 30.0 + 14.0 * s as f32, 10.0, 8.0, col);
        c.text(x1 + 26.0, y0 + ph + 30.0 + 14.0 * s as f32, name, black);
    }
    c.line(x1, y0 + ph, x1 + pw1, y0 + ph, black, 1.0);
    c
}
