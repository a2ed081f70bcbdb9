//! End-to-end tests of the `spatia` command line: what users type, what they get back.

mod util;

mod mesh;
mod scene;
mod synth;
