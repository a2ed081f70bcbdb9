//! Integration tests of spatia-geom on generated scenes with exact ground truth and on the
//! real Middlebury Motorcycle capture.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

mod bad_input;
mod index;
mod meshes;
mod real;
mod scenes;
