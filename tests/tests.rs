//! End-to-end tests of the `spatia` command line: what users type, what they get back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

mod answer;
mod eval;
mod mesh;
mod models;
mod scene;
mod synth;
