//! Wavefront OBJ writer with per-vertex colours.

use std::io::Write;

use super::{Axes, frame_comment};
use crate::mesh::Mesh;

pub(super) fn write(m: &Mesh, w: &mut dyn Write, axes: Axes) -> std::io::Result<()> {
    writeln!(w, "# spatia mesh, {}", frame_comment(axes))?;
    writeln!(w, "# {} vertices, {} triangles", m.positions.len(), m.triangles.len())?;
    for (i, p) in m.positions.iter().enumerate() {
        let c = m.colours.get(i).copied().unwrap_or([200; 3]);
        let f = |v: u8| v as f32 / 255.0;
        writeln!(w, "v {} {} {} {} {} {}", p[0], p[1], p[2], f(c[0]), f(c[1]), f(c[2]))?;
    }
    for n in &m.normals {
        writeln!(w, "vn {} {} {}", n[0], n[1], n[2])?;
    }
    let has_n = m.normals.len() == m.positions.len();
    for t in &m.triangles {
        let [a, b, c] = t.map(|i| i + 1);
        if has_n {
            writeln!(w, "f {a}//{a} {b}//{b} {c}//{c}")?;
        } else {
            writeln!(w, "f {a} {b} {c}")?;
        }
    }
    Ok(())
}
