//! Scene understanding against exact ground truth on generated scenes, and on the real
//! Motorcycle capture.

mod util;

mod quality;
mod masks;
mod real;
