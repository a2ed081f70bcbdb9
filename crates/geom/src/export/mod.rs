//! Mesh export: PLY (binary or ASCII), OBJ and binary glTF, all with vertex colours.

mod glb;
mod obj;
mod ply;

use std::io::Write;
use std::path::Path;

use crate::mesh::Mesh;
use crate::{Error, Result};

/// Which frame a mesh's positions are in; glTF output is converted to glTF's y-up axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Axes {
    /// The camera frame (OpenCV: x right, y down, z forward).
    #[default]
    Camera,
    /// A z-up frame such as the gravity-aligned scene frame.
    ZUp,
}

/// File formats spatia writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeshFormat {
    /// Binary little-endian PLY.
    PlyBinary,
    /// ASCII PLY.
    PlyAscii,
    /// Wavefront OBJ with per-vertex colours (`v x y z r g b`, as MeshLab writes them).
    Obj,
    /// Binary glTF 2.0.
    Glb,
}

impl MeshFormat {
    /// The format for a file name: `.ply` (binary), `.obj`, `.glb`.
    pub fn from_path(path: &Path) -> Result<Self> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("ply") => Ok(MeshFormat::PlyBinary),
            Some("obj") => Ok(MeshFormat::Obj),
            Some("glb") => Ok(MeshFormat::Glb),
            _ => Err(Error::Format { path: path.into() }),
        }
    }
}

impl Mesh {
    /// Writes the mesh to `w` in `format`; `axes` says which frame the positions are in.
    pub fn write_to(&self, w: &mut dyn Write, format: MeshFormat, axes: Axes) -> std::io::Result<()> {
        match format {
            MeshFormat::PlyBinary => ply::write(self, w, false, axes),
            MeshFormat::PlyAscii => ply::write(self, w, true, axes),
            MeshFormat::Obj => obj::write(self, w, axes),
            MeshFormat::Glb => glb::write(self, w, axes),
        }
    }

    /// Writes the mesh to a file, the format chosen by [`MeshFormat::from_path`].
    pub fn save(&self, path: &Path, axes: Axes) -> Result<()> {
        self.save_as(path, MeshFormat::from_path(path)?, axes)
    }

    /// Writes the mesh to a file in the given format.
    pub fn save_as(&self, path: &Path, format: MeshFormat, axes: Axes) -> Result<()> {
        let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
        let mut w = std::io::BufWriter::new(file);
        self.write_to(&mut w, format, axes).and_then(|_| w.flush()).map_err(|e| Error::io(path, e))
    }
}

fn frame_comment(axes: Axes) -> &'static str {
    match axes {
        Axes::Camera => "camera frame: x right, y down, z forward, metres",
        Axes::ZUp => "scene frame: z up, floor at z = 0, metres",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn tetra() -> Mesh {
        Mesh {
            positions: vec![[0.0, 0.0, 1.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [0.0, 0.0, 2.0]],
            normals: vec![[0.0, 0.0, -1.0]; 4],
            colours: vec![[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]],
            pixels: vec![[0, 0], [1, 0], [0, 1], [1, 1]],
            triangles: vec![[0, 2, 1], [0, 1, 3], [1, 2, 3], [0, 3, 2]],
        }
    }

    fn bytes(format: MeshFormat) -> Vec<u8> {
        let mut out = Vec::new();
        tetra().write_to(&mut out, format, Axes::Camera).unwrap();
        out
    }

    #[test]
    fn ascii_ply_lists_every_vertex_and_face() {
        let text = String::from_utf8(bytes(MeshFormat::PlyAscii)).unwrap();
        let body: Vec<&str> = text.split("end_header\n").nth(1).unwrap().lines().collect();
        assert_eq!(body.len(), 8);
        assert_eq!(body[1], "1 0 1 0 0 -1 0 255 0");
        assert_eq!(body[4], "3 0 2 1");
        assert!(text.contains("element vertex 4\n") && text.contains("element face 4\n"));
    }

    #[test]
    fn binary_ply_has_exact_size() {
        let b = bytes(MeshFormat::PlyBinary);
        let head = b.windows(11).position(|w| w == b"end_header\n").unwrap() + 11;
        assert_eq!(b.len() - head, 4 * (6 * 4 + 3) + 4 * (1 + 3 * 4));
        let x1 = f32::from_le_bytes(b[head + 27..head + 31].try_into().unwrap());
        assert_eq!(x1, 1.0);
    }

    #[test]
    fn obj_has_coloured_vertices_and_one_based_faces() {
        let text = String::from_utf8(bytes(MeshFormat::Obj)).unwrap();
        assert!(text.lines().any(|l| l == "v 0 0 1 1 0 0"));
        assert!(text.lines().any(|l| l == "f 1//1 3//3 2//2"));
        assert_eq!(text.lines().filter(|l| l.starts_with("vn ")).count(), 4);
    }

    #[test]
    fn glb_is_well_formed() {
        let b = bytes(MeshFormat::Glb);
        assert_eq!(&b[0..4], b"glTF");
        assert_eq!(u32::from_le_bytes(b[4..8].try_into().unwrap()), 2);
        assert_eq!(u32::from_le_bytes(b[8..12].try_into().unwrap()) as usize, b.len());
        let jlen = u32::from_le_bytes(b[12..16].try_into().unwrap()) as usize;
        assert_eq!(&b[16..20], b"JSON");
        assert_eq!(jlen % 4, 0);
        let json: serde_json::Value = serde_json::from_slice(&b[20..20 + jlen]).unwrap();
        let blen = u32::from_le_bytes(b[20 + jlen..24 + jlen].try_into().unwrap()) as usize;
        assert_eq!(&b[24 + jlen..28 + jlen], b"BIN\0");
        assert_eq!(json["buffers"][0]["byteLength"].as_u64().unwrap() as usize, blen);
        assert_eq!(json["accessors"][0]["count"], 4);
        assert_eq!(json["accessors"][3]["count"], 12);
        // glTF is y-up: the camera's y (down) flips.
        assert_eq!(json["accessors"][0]["max"][1], 0.0);
        assert_eq!(json["accessors"][0]["min"][1], -1.0);
        for v in json["bufferViews"].as_array().unwrap() {
            let end = v["byteOffset"].as_u64().unwrap() + v["byteLength"].as_u64().unwrap();
            assert!(end as usize <= blen);
            assert_eq!(v["byteOffset"].as_u64().unwrap() % 4, 0);
        }
    }

    #[test]
    fn unknown_extension_is_refused() {
        let err = MeshFormat::from_path(Path::new("out.stl")).unwrap_err();
        assert!(err.to_string().contains(".ply, .obj or .glb"));
    }
}
