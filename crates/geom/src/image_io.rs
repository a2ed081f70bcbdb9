//! Reading photos with a pixel limit enforced from the header, before any pixel is allocated.

use std::io::BufReader;
use std::path::Path;

use image::{DynamicImage, ImageReader};

use crate::{Error, Result};

/// The colour photo type spatia works with: 8-bit sRGB.
pub type RgbImage = image::RgbImage;

/// Largest image (width x height) read by default: 64 megapixels. A header that claims more
/// is refused before decoding, which keeps a decompression bomb from allocating gigabytes.
pub const DEFAULT_MAX_PIXELS: u64 = 64_000_000;

/// Reads only the header of an image file and refuses it when it claims more than
/// `max_pixels` pixels. Returns the width and height.
pub fn checked_dimensions(path: &Path, max_pixels: u64) -> Result<(u32, u32)> {
    let (w, h) = open(path)?.into_dimensions().map_err(|e| Error::Image { path: path.into(), reason: e.to_string() })?;
    let pixels = w as u64 * h as u64;
    if pixels > max_pixels {
        return Err(Error::TooLarge { path: path.into(), width: w as u64, height: h as u64, pixels, limit: max_pixels });
    }
    if pixels == 0 {
        return Err(Error::Image { path: path.into(), reason: "image has no pixels".into() });
    }
    Ok((w, h))
}

fn open(path: &Path) -> Result<ImageReader<BufReader<std::fs::File>>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    ImageReader::new(BufReader::new(file)).with_guessed_format().map_err(|e| Error::io(path, e))
}

/// Decodes an image after [`checked_dimensions`] accepted its header; the decoder also runs
/// with an allocation cap, so a header that lies about its size still cannot blow up memory.
pub fn decode(path: &Path, max_pixels: u64) -> Result<DynamicImage> {
    checked_dimensions(path, max_pixels)?;
    let mut reader = open(path)?;
    let mut limits = image::Limits::default();
    // 8 bytes a pixel covers 16-bit RGBA, the widest format read here.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).max(1 << 20));
    reader.limits(limits);
    reader.decode().map_err(|e| Error::Image { path: path.into(), reason: e.to_string() })
}

/// Reads a photo (PNG or JPEG, any bit depth or channel count) as 8-bit RGB.
pub fn load_rgb(path: &Path, max_pixels: u64) -> Result<RgbImage> {
    Ok(decode(path, max_pixels)?.into_rgb8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_header_claiming_ten_billion_pixels() {
        // A valid PNG signature and IHDR for 100000 x 100000 pixels, no image data.
        let dir = std::env::temp_dir().join(format!("spatia-bomb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bomb.png");
        std::fs::write(&path, crate::testutil::png_header(100_000, 100_000)).unwrap();
        let err = load_rgb(&path, DEFAULT_MAX_PIXELS).unwrap_err();
        assert!(matches!(err, Error::TooLarge { width: 100_000, height: 100_000, .. }), "{err}");
        assert!(err.to_string().contains("over the limit"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
