//! Unique names for things that share a description, the way people tell them apart:
//! by size when there are two, then by where they are as the camera sees them.

use std::collections::BTreeMap;

/// Indices of the names that occur more than once, grouped.
fn repeats(names: &[String]) -> Vec<Vec<usize>> {
    let mut g: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, n) in names.iter().enumerate() {
        g.entry(n.as_str()).or_default().push(i);
    }
    g.into_values().filter(|v| v.len() > 1).collect()
}

/// The English ordinal of `n` ("second", ..., "12th").
pub fn ordinal(n: usize) -> String {
    match n {
        1 => "first".into(),
        2 => "second".into(),
        3 => "third".into(),
        4 => "fourth".into(),
        5 => "fifth".into(),
        n => format!("{n}th"),
    }
}

/// Makes `names` unique in place. A pair sharing a name whose volumes differ more than
/// twofold becomes "large ..." and "small ..."; the rest of any group sharing a name is
/// told apart by `camera_x` (the horizontal position in the camera frame): "left",
/// "middle" (of three), "right", or "third from the left".
pub fn disambiguate(names: &mut [String], volumes: &[f32], camera_x: &[f32]) {
    for group in repeats(names) {
        let vols: Vec<f32> = group.iter().map(|&i| volumes[i]).collect();
        let (lo, hi) = vols.iter().fold((f32::MAX, f32::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        if group.len() == 2 && hi > 2.0 * lo {
            for (k, &i) in group.iter().enumerate() {
                names[i] = format!("{} {}", if vols[k] == hi { "large" } else { "small" }, names[i]);
            }
        }
    }
    for group in repeats(names) {
        let mut by_x: Vec<(f32, usize)> = group.iter().map(|&i| (camera_x[i], i)).collect();
        by_x.sort_by(|a, b| a.0.total_cmp(&b.0));
        let n = by_x.len();
        for (rank, &(_, i)) in by_x.iter().enumerate() {
            let word = match (rank, n) {
                (0, _) => "left".to_string(),
                (r, n) if r == n - 1 => "right".to_string(),
                (1, 3) => "middle".to_string(),
                (r, _) => format!("{} from the left", ordinal(r + 1)),
            };
            names[i] = format!("{word} {}", names[i]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_then_positions() {
        let mut n: Vec<String> = ["red ball", "red ball", "box", "box", "box", "cup"].iter().map(|s| s.to_string()).collect();
        disambiguate(&mut n, &[1.0, 3.0, 1.0, 1.0, 1.0, 1.0], &[0.0, 0.0, 0.5, -0.5, 0.1, 0.0]);
        assert_eq!(n, ["small red ball", "large red ball", "right box", "left box", "middle box", "cup"]);
    }
}
