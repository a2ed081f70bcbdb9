//! PLY writer (binary little-endian or ASCII).

use std::io::Write;

use super::{Axes, frame_comment};
use crate::mesh::Mesh;

pub(super) fn write(m: &Mesh, w: &mut dyn Write, ascii: bool, axes: Axes) -> std::io::Result<()> {
    let format = if ascii { "ascii" } else { "binary_little_endian" };
    write!(
        w,
        "ply\nformat {format} 1.0\ncomment spatia mesh, {}\nelement vertex {}\n\
         property float x\nproperty float y\nproperty float z\n\
         property float nx\nproperty float ny\nproperty float nz\n\
         property uchar red\nproperty uchar green\nproperty uchar blue\n\
         element face {}\nproperty list uchar int vertex_indices\nend_header\n",
        frame_comment(axes),
        m.positions.len(),
        m.triangles.len()
    )?;
    let normal = |i: usize| m.normals.get(i).copied().unwrap_or([0.0; 3]);
    let colour = |i: usize| m.colours.get(i).copied().unwrap_or([200; 3]);
    if ascii {
        for (i, p) in m.positions.iter().enumerate() {
            let (n, c) = (normal(i), colour(i));
            writeln!(w, "{} {} {} {} {} {} {} {} {}", p[0], p[1], p[2], n[0], n[1], n[2], c[0], c[1], c[2])?;
        }
        for t in &m.triangles {
            writeln!(w, "3 {} {} {}", t[0], t[1], t[2])?;
        }
    } else {
        let mut buf = Vec::with_capacity(m.positions.len() * 27 + m.triangles.len() * 13);
        for (i, p) in m.positions.iter().enumerate() {
            for v in p.iter().chain(normal(i).iter()) {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            buf.extend_from_slice(&colour(i));
        }
        for t in &m.triangles {
            buf.push(3);
            for v in t {
                buf.extend_from_slice(&(*v as i32).to_le_bytes());
            }
        }
        w.write_all(&buf)?;
    }
    Ok(())
}
