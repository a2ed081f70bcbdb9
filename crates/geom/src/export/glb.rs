//! Binary glTF 2.0 writer: one mesh, positions, normals, RGBA8 vertex colours, u32 indices.

use std::io::Write;

use serde_json::json;

use super::Axes;
use crate::mesh::Mesh;

const FLOAT: u32 = 5126;
const UNSIGNED_BYTE: u32 = 5121;
const UNSIGNED_INT: u32 = 5125;
const ARRAY_BUFFER: u32 = 34962;
const ELEMENT_ARRAY_BUFFER: u32 = 34963;

/// glTF is right-handed with +y up and the viewer looking down -z.
fn to_gltf(p: [f32; 3], axes: Axes) -> [f32; 3] {
    match axes {
        Axes::Camera => [p[0], -p[1], -p[2]],
        Axes::ZUp => [p[0], p[2], -p[1]],
    }
}

pub(super) fn write(m: &Mesh, w: &mut dyn Write, axes: Axes) -> std::io::Result<()> {
    let n = m.positions.len();
    let mut bin: Vec<u8> = Vec::with_capacity(n * 28 + m.triangles.len() * 12);
    let (mut lo, mut hi) = ([f32::INFINITY; 3], [f32::NEG_INFINITY; 3]);
    for p in &m.positions {
        let q = to_gltf(*p, axes);
        for k in 0..3 {
            lo[k] = lo[k].min(q[k]);
            hi[k] = hi[k].max(q[k]);
            bin.extend_from_slice(&q[k].to_le_bytes());
        }
    }
    if n == 0 {
        (lo, hi) = ([0.0; 3], [0.0; 3]);
    }
    let pos_len = bin.len();
    for i in 0..n {
        let nv = to_gltf(m.normals.get(i).copied().unwrap_or([0.0, 0.0, -1.0]), axes);
        for v in nv {
            bin.extend_from_slice(&v.to_le_bytes());
        }
    }
    let nrm_len = bin.len() - pos_len;
    for i in 0..n {
        let c = m.colours.get(i).copied().unwrap_or([200; 3]);
        bin.extend_from_slice(&[c[0], c[1], c[2], 255]);
    }
    let col_len = n * 4;
    let idx_off = bin.len();
    for t in &m.triangles {
        for v in t {
            bin.extend_from_slice(&v.to_le_bytes());
        }
    }
    let idx_len = bin.len() - idx_off;
    let view = |off: usize, len: usize, target: u32| json!({"buffer": 0, "byteOffset": off, "byteLength": len, "target": target});
    let doc = json!({
        "asset": {"version": "2.0", "generator": "spatia"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "name": "spatia mesh"}],
        "materials": [{
            "pbrMetallicRoughness": {"baseColorFactor": [1.0, 1.0, 1.0, 1.0], "metallicFactor": 0.0, "roughnessFactor": 1.0},
            "doubleSided": true
        }],
        "meshes": [{"primitives": [{
            "attributes": {"POSITION": 0, "NORMAL": 1, "COLOR_0": 2},
            "indices": 3, "material": 0, "mode": 4
        }]}],
        "buffers": [{"byteLength": bin.len()}],
        "bufferViews": [
            view(0, pos_len, ARRAY_BUFFER),
            view(pos_len, nrm_len, ARRAY_BUFFER),
            view(pos_len + nrm_len, col_len, ARRAY_BUFFER),
            view(idx_off, idx_len, ELEMENT_ARRAY_BUFFER),
        ],
        "accessors": [
            {"bufferView": 0, "componentType": FLOAT, "count": n, "type": "VEC3", "min": lo, "max": hi},
            {"bufferView": 1, "componentType": FLOAT, "count": n, "type": "VEC3"},
            {"bufferView": 2, "componentType": UNSIGNED_BYTE, "normalized": true, "count": n, "type": "VEC4"},
            {"bufferView": 3, "componentType": UNSIGNED_INT, "count": m.triangles.len() * 3, "type": "SCALAR"},
        ],
    });
    let mut json_bytes = serde_json::to_vec(&doc).map_err(std::io::Error::other)?;
    while !json_bytes.len().is_multiple_of(4) {
        json_bytes.push(b' ');
    }
    while !bin.len().is_multiple_of(4) {
        bin.push(0);
    }
    let total = 12 + 8 + json_bytes.len() + 8 + bin.len();
    w.write_all(b"glTF")?;
    w.write_all(&2u32.to_le_bytes())?;
    w.write_all(&(total as u32).to_le_bytes())?;
    w.write_all(&(json_bytes.len() as u32).to_le_bytes())?;
    w.write_all(b"JSON")?;
    w.write_all(&json_bytes)?;
    w.write_all(&(bin.len() as u32).to_le_bytes())?;
    w.write_all(b"BIN\0")?;
    w.write_all(&bin)
}
