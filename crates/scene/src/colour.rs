//! Colour: basic colour names chosen in CIELAB from an object's lit pixels, and the
//! shading-tolerant test that says whether two neighbouring pixels can be one material.

use serde::{Deserialize, Serialize};

/// The basic colour terms spatia names (Berlin and Kay's eleven, plus cyan and magenta).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColourName {
    /// Red.
    Red,
    /// Orange.
    Orange,
    /// Yellow.
    Yellow,
    /// Green.
    Green,
    /// Cyan.
    Cyan,
    /// Blue.
    Blue,
    /// Purple.
    Purple,
    /// Magenta.
    Magenta,
    /// Pink.
    Pink,
    /// Brown.
    Brown,
    /// White.
    White,
    /// Gray.
    Gray,
    /// Black.
    Black,
}

/// Prototype sRGB values of the names: typical swatches, not any one renderer's paints.
const PROTOTYPES: [(ColourName, [u8; 3]); 13] = [
    (ColourName::Red, [215, 25, 30]),
    (ColourName::Orange, [245, 135, 25]),
    (ColourName::Yellow, [240, 215, 40]),
    (ColourName::Green, [40, 165, 55]),
    (ColourName::Cyan, [30, 200, 215]),
    (ColourName::Blue, [35, 65, 205]),
    (ColourName::Purple, [125, 45, 165]),
    (ColourName::Magenta, [215, 40, 180]),
    (ColourName::Pink, [245, 160, 190]),
    (ColourName::Brown, [125, 80, 40]),
    (ColourName::White, [240, 240, 235]),
    (ColourName::Gray, [128, 128, 128]),
    (ColourName::Black, [25, 25, 25]),
];

impl ColourName {
    /// The English word.
    pub fn as_str(self) -> &'static str {
        match self {
            ColourName::Red => "red",
            ColourName::Orange => "orange",
            ColourName::Yellow => "yellow",
            ColourName::Green => "green",
            ColourName::Cyan => "cyan",
            ColourName::Blue => "blue",
            ColourName::Purple => "purple",
            ColourName::Magenta => "magenta",
            ColourName::Pink => "pink",
            ColourName::Brown => "brown",
            ColourName::White => "white",
            ColourName::Gray => "gray",
            ColourName::Black => "black",
        }
    }

    /// Every name.
    pub fn all() -> impl Iterator<Item = ColourName> {
        PROTOTYPES.iter().map(|p| p.0)
    }
}

/// sRGB (8-bit) to CIELAB (D65).
pub fn lab(rgb: [u8; 3]) -> [f32; 3] {
    let lin = |c: u8| {
        let c = c as f32 / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    let (r, g, b) = (lin(rgb[0]), lin(rgb[1]), lin(rgb[2]));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f32| if t > 0.008856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// The object colour from its pixels: the median of its brightest quarter, which is the
/// face turned to the light; shadowed faces would turn red into brown and white into gray.
pub fn representative(pixels: &mut [[u8; 3]]) -> [u8; 3] {
    if pixels.is_empty() {
        return [0, 0, 0];
    }
    let luma = |p: &[u8; 3]| 299 * p[0] as u32 + 587 * p[1] as u32 + 114 * p[2] as u32;
    // The brightest quarter, and each channel's median in it, in linear time (a table's
    // pixels sorted took a third of a millisecond).
    let top = brightest_quarter(pixels, |a, b| luma(b).cmp(&luma(a)));
    let channel = |c: usize| {
        let mut counts = [0usize; 256];
        for p in top {
            counts[p[c] as usize] += 1;
        }
        // The value of rank len / 2, counting from 0.
        let mut below = 0;
        for (v, &n) in counts.iter().enumerate() {
            below += n;
            if below > top.len() / 2 {
                return v as u8;
            }
        }
        u8::MAX
    };
    [channel(0), channel(1), channel(2)]
}

/// The first quarter (rounded up) of `items` in the order `cmp` (brightest first), in no
/// order within it: selected, not sorted.
pub(crate) fn brightest_quarter<T>(items: &mut [T], cmp: impl FnMut(&T, &T) -> std::cmp::Ordering) -> &[T] {
    let k = items.len().div_ceil(4);
    if k < items.len() {
        items.select_nth_unstable_by(k - 1, cmp);
    }
    &items[..k]
}

/// The basic colour name of a lit colour: the prototype that, dimmed or brightened as
/// light does (a factor 0.2-1.1 on linear RGB), comes nearest in CIELAB, with a small
/// penalty for needing a large factor. Shading changes brightness, not paint, so a red face
/// in shadow stays red rather than turning brown, and magenta does not turn purple.
pub fn name(rgb: [u8; 3]) -> ColourName {
    let c = lab(rgb);
    let lin = |v: u8| {
        let v = v as f32 / 255.0;
        if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    let enc = |v: f32| {
        let v = v.clamp(0.0, 1.0);
        let s = if v <= 0.0031308 { 12.92 * v } else { 1.055 * v.powf(1.0 / 2.4) - 0.055 };
        (s * 255.0).round() as u8
    };
    let mut best = (f32::INFINITY, ColourName::Gray);
    for (n, p) in PROTOTYPES {
        let pl = p.map(lin);
        for k in 0..=19 {
            let f = 0.2 * 1.09f32.powi(k);
            let q = lab(pl.map(|v| enc(v * f)));
            // About 8 units of CIELAB distance for halving the light.
            let penalty = 130.0 * f.ln().powi(2);
            let d = (c[0] - q[0]).powi(2) + (c[1] - q[1]).powi(2) + (c[2] - q[2]).powi(2) + penalty;
            if d < best.0 {
                best = (d, n);
            }
        }
    }
    best.1
}

/// Whether two neighbouring pixels can be the same material under different shading:
/// their chromaticities (each channel's share of the sum) agree within `max_chroma` and
/// their brightness differs by at most `max_ratio`. Shading scales all three channels alike
/// and leaves the chromaticity as it is; the noise of the channels (a few levels) does not,
/// and weighs more the darker the pixels, so the tolerance grows by that noise over the
/// darker pixel's sum.
#[inline]
pub fn compatible(a: [u8; 3], b: [u8; 3], max_chroma: f32, max_ratio: f32) -> bool {
    let sa = a[0] as f32 + a[1] as f32 + a[2] as f32 + 3.0 * CHROMA_FLOOR;
    let sb = b[0] as f32 + b[1] as f32 + b[2] as f32 + 3.0 * CHROMA_FLOOR;
    let mut d = 0.0f32;
    for k in 0..3 {
        d = d.max(((a[k] as f32 + CHROMA_FLOOR) / sa - (b[k] as f32 + CHROMA_FLOOR) / sb).abs());
    }
    let ratio = if sa > sb { sa / sb } else { sb / sa };
    d <= max_chroma + CHROMA_NOISE / sa.min(sb) && ratio <= max_ratio
}

/// Black level added to each channel before chromaticities are taken (a camera's black
/// level and dark noise: without it the colour of near-black pixels is all noise, with a
/// large one a saturated paint in shadow turns grayer).
pub(crate) const CHROMA_FLOOR: f32 = 10.0;

/// A channel's noise, levels: over a colour's channel sum, the chromaticity tolerance it
/// adds (it weighs more the darker the colour).
pub(crate) const CHROMA_NOISE: f32 = 4.0;

/// The mean colour of the pixels `px` of the photo `rgb` (RGB bytes), None for none.
pub(crate) fn mean(rgb: &[u8], px: impl IntoIterator<Item = usize>) -> Option<[u8; 3]> {
    let (mut sum, mut n) = ([0u64; 3], 0u64);
    for i in px {
        for (c, s) in sum.iter_mut().enumerate() {
            *s += rgb[3 * i + c] as u64;
        }
        n += 1;
    }
    (n > 0).then(|| sum.map(|v| (v / n) as u8))
}

/// The mean colour of the floor's pixels (`floor`) in the box in the photo (`w` wide, `h`
/// tall) of the pixels `ids` widened by `margin` pixels: the paint a low thing is told
/// from. None where no floor is seen there.
pub(crate) fn floor_around(
    rgb: &[u8],
    ids: &[u32],
    (w, h): (usize, usize),
    margin: usize,
    floor: impl Fn(usize) -> bool,
) -> Option<[u8; 3]> {
    let (mut x0, mut x1, mut y0, mut y1) = (usize::MAX, 0, usize::MAX, 0);
    for &i in ids {
        let (x, y) = (i as usize % w, i as usize / w);
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    mean(
        rgb,
        (y0.saturating_sub(margin)..(y1 + margin + 1).min(h))
            .flat_map(|y| (x0.saturating_sub(margin)..(x1 + margin + 1).min(w)).map(move |x| y * w + x))
            .filter(|&i| floor(i)),
    )
}

/// Whether the mean colours of two pieces can be one paint on parts of one thing lit
/// differently (a leg in shade under a lit top, a chair's back beside its seat):
/// [`compatible`] with the chromaticity tolerance half again as wide and brightness within
/// three times.
#[inline]
pub fn one_paint_apart(a: [u8; 3], b: [u8; 3], max_chroma: f32) -> bool {
    compatible(a, b, max_chroma * 1.5, 3.0)
}

/// Whether the mean colours of two pieces of what may be one thing can be one paint:
/// [`compatible`], or, where both are of a clear hue (see [`HUED`]), of one chromaticity
/// and brightness within three times. Shading leaves a hue as it is, so a lit top and a
/// side in shade keep it; grays, black and white are told apart by brightness alone, and
/// keep the tight ratio.
#[inline]
pub fn one_paint_shaded(a: [u8; 3], b: [u8; 3], max_chroma: f32, max_ratio: f32) -> bool {
    compatible(a, b, max_chroma, max_ratio) || (hued(a) && hued(b) && compatible(a, b, max_chroma, 3.0))
}

/// A colour whose chromaticity (with [`compatible`]'s floor) strays this far or more from
/// gray's in some channel has a clear hue: red (200, 30, 30) 0.36, brown (125, 80, 45)
/// 0.15, a gray with a cast (121, 121, 118) under 0.01.
pub const HUED: f32 = 0.1;

fn hued(a: [u8; 3]) -> bool {
    let s = a[0] as f32 + a[1] as f32 + a[2] as f32 + 3.0 * CHROMA_FLOOR;
    a.iter().any(|&c| ((c as f32 + CHROMA_FLOOR) / s - 1.0 / 3.0).abs() >= HUED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_representative_is_the_median_of_the_brightest_quarter() {
        // Two faces (a lit one and one in shade, with noise), from a seeded xorshift; the
        // brightest quarter by luma and each channel's median in it, by sorting.
        let mut next = crate::testutil::xorshift(0x1234_5678_u32);
        for n in [1usize, 2, 3, 7, 40, 1001] {
            let mut px: Vec<[u8; 3]> = (0..n)
                .map(|k| {
                    let base = if k % 3 == 0 { [200u8, 60, 40] } else { [90, 30, 20] };
                    base.map(|c| c.saturating_add((next() % 25) as u8))
                })
                .collect();
            let mut sorted = px.clone();
            sorted.sort_by_key(|p| std::cmp::Reverse(299 * p[0] as u32 + 587 * p[1] as u32 + 114 * p[2] as u32));
            let top = &sorted[..n.div_ceil(4)];
            let want = [0, 1, 2].map(|c| {
                let mut v: Vec<u8> = top.iter().map(|p| p[c]).collect();
                v.sort_unstable();
                v[v.len() / 2]
            });
            assert_eq!(representative(&mut px), want, "{n} pixels");
        }
    }

    #[test]
    fn a_hue_in_shade_is_one_paint_and_a_gray_beside_black_is_not() {
        // A red top lit and its side in shade, 1.6 times apart; gray and black 3 times.
        assert!(!compatible([165, 24, 24], [104, 15, 15], 0.045, 1.35));
        assert!(one_paint_shaded([165, 24, 24], [104, 15, 15], 0.045, 1.35));
        assert!(!one_paint_shaded([90, 90, 90], [30, 30, 30], 0.045, 1.35));
        assert!(!one_paint_shaded([200, 30, 30], [125, 80, 45], 0.045, 1.35));
    }

    #[test]
    fn shaded_colours_keep_their_names() {
        for (n, p) in PROTOTYPES {
            assert_eq!(name(p), n);
        }
        // Red in shadow is still red, not brown; magenta in shadow is not purple.
        assert_eq!(name([140, 20, 20]), ColourName::Red);
        assert_eq!(name([150, 28, 120]), ColourName::Magenta);
        assert_eq!(name([120, 115, 112]), ColourName::Gray);
    }

    #[test]
    fn shading_is_compatible_but_another_paint_is_not() {
        assert!(compatible([200, 30, 30], [120, 18, 18], 0.05, 2.0));
        assert!(!compatible([200, 30, 30], [240, 130, 30], 0.05, 2.0));
        assert!(!compatible([30, 30, 30], [235, 235, 235], 0.05, 2.0));
        // A saturated paint in shadow: the chromaticity is the same (a floor added to every
        // channel used to turn it grayer and split a red box's lit top from its sides).
        assert!(compatible([198, 30, 30], [100, 15, 15], 0.045, 2.6));
        assert!(!compatible([240, 130, 30], [125, 80, 45], 0.045, 2.6), "orange is not brown");
    }
}
