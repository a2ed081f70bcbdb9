//! A minimal reader and writer for NumPy's `.npy` format: 2-D little-endian float arrays only.

/// Parses a 2-D `<f4` or `<f8` array (C or Fortran order) into row-major f32 with its shape.
/// Refuses arrays over `max_elems` elements before allocating.
pub(crate) fn parse_f32_2d(bytes: &[u8], max_elems: u64) -> Result<(usize, usize, Vec<f32>), String> {
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err("not a .npy file (bad magic)".into());
    }
    let major = bytes[6];
    let (hlen, start) = match major {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 => {
            if bytes.len() < 12 {
                return Err("truncated .npy header".into());
            }
            (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12)
        }
        v => return Err(format!("unsupported .npy version {v}")),
    };
    let header = bytes.get(start..start + hlen).ok_or("truncated .npy header")?;
    let header = std::str::from_utf8(header).map_err(|_| "non-UTF-8 .npy header")?;
    let descr = dict_value(header, "descr").ok_or("no 'descr' in .npy header")?;
    let descr = descr.trim_matches(|c| c == '\'' || c == '"');
    let elem = match descr {
        "<f4" | "=f4" => 4,
        "<f8" | "=f8" => 8,
        other => return Err(format!("depth .npy must be float32 ('<f4') metres, found dtype '{other}'")),
    };
    let fortran = dict_value(header, "fortran_order").map(|v| v.starts_with("True")).unwrap_or(false);
    let shape = dict_value(header, "shape").ok_or("no 'shape' in .npy header")?;
    let dims: Vec<usize> = shape
        .trim_start_matches('(')
        .split(')')
        .next()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|_| format!("bad shape entry '{s}'")))
        .collect::<Result<_, _>>()?;
    let [h, w] = dims[..] else {
        return Err(format!("depth .npy must be 2-D (height, width), found shape {dims:?}"));
    };
    let n = (h as u64).saturating_mul(w as u64);
    if n > max_elems {
        return Err(format!("array is {w}x{h} = {n} values, over the limit of {max_elems}"));
    }
    let body = &bytes[start + hlen..];
    let need = n as usize * elem;
    if body.len() < need {
        return Err(format!("truncated .npy data: {} of {need} bytes", body.len()));
    }
    let mut data: Vec<f32> = if elem == 4 {
        body[..need].chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
    } else {
        body[..need].chunks_exact(8).map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f32).collect()
    };
    if fortran {
        let mut t = vec![0.0; data.len()];
        for x in 0..w {
            for y in 0..h {
                t[y * w + x] = data[x * h + y];
            }
        }
        data = t;
    }
    Ok((h, w, data))
}

/// The text after `'key':` up to the next top-level comma of a Python dict literal.
fn dict_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let pat1 = format!("'{key}':");
    let pat2 = format!("\"{key}\":");
    let at = header.find(&pat1).map(|i| i + pat1.len()).or_else(|| header.find(&pat2).map(|i| i + pat2.len()))?;
    let rest = header[at..].trim_start();
    let mut depth = 0i32;
    for (i, c) in rest.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' | '}' if depth == 0 => return Some(rest[..i].trim()),
            _ => {}
        }
    }
    Some(rest.trim())
}

/// Serialises a row-major 2-D f32 array as a version-1 `.npy`.
pub(crate) fn write_f32_2d(h: usize, w: usize, data: &[f32]) -> Vec<u8> {
    let mut out = header("<f4", &format!("({h}, {w})"));
    out.reserve(data.len() * 4);
    for v in data {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// A version-1 `.npy` header for `descr` and a Python shape tuple.
fn header(descr: &str, shape: &str) -> Vec<u8> {
    let mut dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    // Magic (6) + version (2) + length (2) + dict + '\n' is padded to a multiple of 64.
    let total = 10 + dict.len() + 1;
    dict.push_str(&" ".repeat((64 - total % 64) % 64));
    dict.push('\n');
    let mut out = Vec::with_capacity(10 + dict.len());
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let data: Vec<f32> = (0..12).map(|i| i as f32 * 0.5).collect();
        let bytes = write_f32_2d(3, 4, &data);
        assert_eq!(bytes.len() % 16, 0);
        let (h, w, back) = parse_f32_2d(&bytes, 1000).unwrap();
        assert_eq!((h, w), (3, 4));
        assert_eq!(back, data);
    }

    #[test]
    fn refuses_wrong_dtype_truncation_and_huge_shapes() {
        let mut bytes = write_f32_2d(3, 4, &[1.0; 12]);
        bytes.truncate(bytes.len() - 5);
        assert!(parse_f32_2d(&bytes, 1000).unwrap_err().contains("truncated"));
        let mut ints = header("<i4", "(3, 4)");
        ints.extend_from_slice(&[0u8; 48]);
        assert!(parse_f32_2d(&ints, 1000).unwrap_err().contains("float32"));
        let huge = header("<f4", "(100000, 100000)");
        let err = parse_f32_2d(&huge, 64_000_000).unwrap_err();
        assert!(err.contains("over the limit"), "{err}");
        let flat = header("<f4", "(12,)");
        assert!(parse_f32_2d(&flat, 1000).unwrap_err().contains("2-D"));
        assert!(parse_f32_2d(b"hello world", 10).unwrap_err().contains("magic"));
    }
}
