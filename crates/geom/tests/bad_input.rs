//! Every refusal of bad input: a clear error naming the problem, never a panic.

use std::path::Path;

use spatia_geom::{DepthMap, Error, LoadOptions, RgbdFrame};

use crate::util::TempDir;

fn write_png_rgb(p: &Path, w: u32, h: u32) {
    spatia_geom::image::RgbImage::from_pixel(w, h, spatia_geom::image::Rgb([90, 120, 200])).save(p).unwrap();
}

fn write_png_depth(p: &Path, w: u32, h: u32, v: impl Fn(u32, u32) -> u16) {
    spatia_geom::image::ImageBuffer::<spatia_geom::image::Luma<u16>, Vec<u16>>::from_fn(w, h, |x, y| spatia_geom::image::Luma([v(x, y)]))
        .save(p)
        .unwrap();
}

fn npy(p: &Path, h: usize, w: usize, v: impl Fn(usize) -> f32) {
    DepthMap::from_metres(w, h, vec![1.0; w * h]).unwrap().to_npy(p).unwrap();
    // Rewrite the payload with arbitrary values (to_npy validates nothing, but from_metres does).
    let mut bytes = std::fs::read(p).unwrap();
    let start = bytes.len() - 4 * w * h;
    for i in 0..w * h {
        bytes[start + 4 * i..start + 4 * i + 4].copy_from_slice(&v(i).to_le_bytes());
    }
    std::fs::write(p, bytes).unwrap();
}

fn scene(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    write_png_rgb(&d.path().join("rgb.png"), 32, 24);
    std::fs::write(d.path().join("camera.json"), r#"{"fx": 30, "fy": 30, "cx": 15.5, "cy": 11.5}"#).unwrap();
    d
}

fn load(d: &TempDir) -> Result<RgbdFrame, Error> {
    RgbdFrame::from_dir(d.path(), &LoadOptions::default())
}

#[test]
fn a_good_scene_loads() {
    let d = scene("good");
    write_png_depth(&d.path().join("depth.png"), 32, 24, |x, _| 1000 + x as u16);
    let f = load(&d).unwrap();
    assert!((f.depth.at(3, 0) - 1.003).abs() < 1e-6);
}

#[test]
fn photo_and_depth_of_different_sizes() {
    let d = scene("size");
    write_png_depth(&d.path().join("depth.png"), 31, 24, |_, _| 1000);
    let err = load(&d).unwrap_err();
    assert!(matches!(err, Error::SizeMismatch { wa: 32, wb: 31, .. }), "{err}");
    assert!(err.to_string().contains("photo is 32x24 but depth map is 31x24"), "{err}");
}

#[test]
fn nan_infinite_and_negative_depth() {
    for (kind, v) in [("NaN", f32::NAN), ("infinite", f32::INFINITY), ("negative", -0.5)] {
        let d = scene("nan");
        npy(&d.path().join("depth.npy"), 24, 32, |i| if i == 40 || i == 41 { v } else { 1.5 });
        let err = load(&d).unwrap_err();
        assert!(matches!(err, Error::InvalidDepth { count: 2, x: 8, y: 1, .. }), "{err}");
        assert!(err.to_string().contains(kind), "{err}");
    }
}

#[test]
fn all_unknown_depth() {
    let d = scene("zero");
    write_png_depth(&d.path().join("depth.png"), 32, 24, |_, _| 0);
    let err = load(&d).unwrap_err();
    assert!(matches!(err, Error::NoDepth { width: 32, height: 24 }), "{err}");
}

#[test]
fn decompression_bomb_is_refused_before_allocating() {
    let d = scene("bomb");
    write_png_depth(&d.path().join("depth.png"), 32, 24, |_, _| 1000);
    // Overwrite the photo's header with 100000 x 100000 (the CRC no longer matters: the
    // size check runs on the header alone).
    let p = d.path().join("rgb.png");
    let mut bytes = std::fs::read(&p).unwrap();
    bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    std::fs::write(&p, bytes).unwrap();
    let err = load(&d).unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. } | Error::Image { .. }), "{err}");
    // With a correct CRC the header is believed, and refused for its size.
    let bomb = d.path().join("bomb.png");
    let mut png = vec![0x89, b'P', b'N', b'G', 13, 10, 26, 10];
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    let idat = [b'I', b'D', b'A', b'T', 0x78, 0x9c, 0x03, 0x00];
    png.extend_from_slice(&4u32.to_be_bytes());
    png.extend_from_slice(&idat);
    png.extend_from_slice(&crc32(&idat).to_be_bytes());
    png.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]);
    std::fs::write(&bomb, &png).unwrap();
    let err = spatia_geom::load_rgb(&bomb, spatia_geom::DEFAULT_MAX_PIXELS).unwrap_err();
    assert!(matches!(err, Error::TooLarge { width: 100_000, height: 100_000, .. }), "{err}");
    // A depth .npy claiming the same is refused too.
    let np = d.path().join("big.npy");
    let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }";
    let mut b = b"\x93NUMPY\x01\x00".to_vec();
    b.extend_from_slice(&(header.len() as u16 + 1).to_le_bytes());
    b.extend_from_slice(header.as_bytes());
    b.push(b'\n');
    std::fs::write(&np, b).unwrap();
    let err = DepthMap::from_npy(&np, spatia_geom::DEFAULT_MAX_PIXELS).unwrap_err();
    assert!(err.to_string().contains("over the limit"), "{err}");
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn truncated_files() {
    let d = scene("trunc");
    let p = d.path().join("depth.png");
    write_png_depth(&p, 32, 24, |x, y| (x * 37 + y * 101) as u16);
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
    let err = load(&d).unwrap_err();
    assert!(matches!(err, Error::Image { .. }), "{err}");
    assert!(err.to_string().contains("depth.png"), "{err}");

    let d = scene("trunc-npy");
    let p = d.path().join("depth.npy");
    npy(&p, 24, 32, |_| 1.0);
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(&p, &bytes[..bytes.len() - 10]).unwrap();
    let err = load(&d).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");

    let d = scene("trunc-rgb");
    write_png_depth(&d.path().join("depth.png"), 32, 24, |_, _| 900);
    let p = d.path().join("rgb.png");
    std::fs::write(&p, b"\x89PNG\r\n\x1a\n\0\0").unwrap();
    assert!(matches!(load(&d).unwrap_err(), Error::Image { .. }));
}

#[test]
fn wrong_depth_format_missing_files_and_bad_cameras() {
    let d = scene("fmt");
    write_png_rgb(&d.path().join("depth.png"), 32, 24);
    let err = load(&d).unwrap_err();
    assert!(matches!(err, Error::DepthFormat { .. }), "{err}");
    assert!(err.to_string().contains("16-bit"), "{err}");

    let d = scene("nodepth");
    let err = load(&d).unwrap_err();
    assert!(err.to_string().contains("no depth map found"), "{err}");

    let d = TempDir::new("norgb");
    let err = RgbdFrame::from_dir(d.path(), &LoadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("rgb.png"), "{err}");

    let d = scene("cam");
    write_png_depth(&d.path().join("depth.png"), 32, 24, |_, _| 1000);
    std::fs::write(d.path().join("camera.json"), r#"{"fx": 0, "fy": 30, "cx": 1, "cy": 1}"#).unwrap();
    assert!(load(&d).unwrap_err().to_string().contains("focal"));
    std::fs::write(d.path().join("camera.json"), r#"{"fx": 30, "fy": "#).unwrap();
    assert!(matches!(load(&d).unwrap_err(), Error::Json { .. }));
    std::fs::write(d.path().join("camera.json"), r#"{"fx": 30, "fy": 30, "cx": 1, "cy": 1, "depth_scale": -1}"#).unwrap();
    assert!(load(&d).unwrap_err().to_string().contains("depth_scale"));

    // Without camera.json the default field of view is assumed, and said.
    std::fs::remove_file(d.path().join("camera.json")).unwrap();
    let f = load(&d).unwrap();
    assert_eq!(f.intrinsics_source, spatia_geom::IntrinsicsSource::DefaultFov);
    assert!((f.intrinsics.hfov_deg(32) - 60.0).abs() < 1e-3);

    let d = TempDir::new("notadir");
    assert!(RgbdFrame::from_dir(&d.path().join("nope"), &LoadOptions::default()).is_err());
}
