//! Running the `spatia` binary and reading what it wrote.

use std::path::{Path, PathBuf};
use std::process::Output;

/// A directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("spatia-cli-{tag}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// Runs `spatia` with arguments.
pub fn spatia<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    std::process::Command::new(env!("CARGO_BIN_EXE_spatia")).args(args).output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and insists on success.
pub fn ok<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let o = spatia(args);
    assert!(o.status.success(), "spatia failed ({:?}): {}", o.status, stderr(&o));
    stdout(&o)
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A binary little-endian PLY as written by spatia: (positions, triangle count).
pub fn read_ply(path: &Path) -> (Vec<[f32; 3]>, usize) {
    let bytes = std::fs::read(path).unwrap();
    let end = bytes.windows(11).position(|w| w == b"end_header\n").unwrap() + 11;
    let header = std::str::from_utf8(&bytes[..end]).unwrap();
    let count = |el: &str| -> usize { header.lines().find_map(|l| l.strip_prefix(&format!("element {el} "))).unwrap().parse().unwrap() };
    let (nv, nf) = (count("vertex"), count("face"));
    assert!(header.contains("format binary_little_endian 1.0"));
    let mut pos = Vec::with_capacity(nv);
    for i in 0..nv {
        let o = end + i * 27;
        let f = |k: usize| f32::from_le_bytes(bytes[o + 4 * k..o + 4 * k + 4].try_into().unwrap());
        pos.push([f(0), f(1), f(2)]);
    }
    assert_eq!(bytes.len(), end + nv * 27 + nf * 13, "file size matches the header");
    (pos, nf)
}
