//! Scene understanding against exact ground truth on generated scenes, and on the real
//! Motorcycle capture.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

mod masks;
mod quality;
mod real;
