//! Named colours: the basic colour terms the scenes are painted with.

use serde::{Deserialize, Serialize};

/// A colour with the name a person would give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Colour {
    /// Red.
    Red,
    /// Green.
    Green,
    /// Blue.
    Blue,
    /// Yellow.
    Yellow,
    /// Orange.
    Orange,
    /// Purple.
    Purple,
    /// Pink.
    Pink,
    /// Brown.
    Brown,
    /// Cyan.
    Cyan,
    /// Magenta.
    Magenta,
    /// White.
    White,
    /// Gray.
    Gray,
    /// Black.
    Black,
}

impl Colour {
    /// Every colour objects may have.
    pub const OBJECT: [Colour; 13] = [
        Colour::Red,
        Colour::Green,
        Colour::Blue,
        Colour::Yellow,
        Colour::Orange,
        Colour::Purple,
        Colour::Pink,
        Colour::Brown,
        Colour::Cyan,
        Colour::Magenta,
        Colour::White,
        Colour::Gray,
        Colour::Black,
    ];

    /// Colours tables are painted with.
    pub const TABLE: [Colour; 4] = [Colour::Brown, Colour::White, Colour::Gray, Colour::Black];

    /// The albedo in 8-bit sRGB.
    pub fn rgb(self) -> [u8; 3] {
        match self {
            Colour::Red => [200, 30, 30],
            Colour::Green => [40, 160, 60],
            Colour::Blue => [40, 70, 205],
            Colour::Yellow => [235, 205, 40],
            Colour::Orange => [240, 130, 30],
            Colour::Purple => [120, 50, 165],
            Colour::Pink => [245, 150, 185],
            Colour::Brown => [125, 80, 45],
            Colour::Cyan => [40, 195, 205],
            Colour::Magenta => [215, 45, 175],
            Colour::White => [235, 235, 230],
            Colour::Gray => [128, 128, 128],
            Colour::Black => [30, 30, 30],
        }
    }

    /// The English name.
    pub fn name(self) -> &'static str {
        match self {
            Colour::Red => "red",
            Colour::Green => "green",
            Colour::Blue => "blue",
            Colour::Yellow => "yellow",
            Colour::Orange => "orange",
            Colour::Purple => "purple",
            Colour::Pink => "pink",
            Colour::Brown => "brown",
            Colour::Cyan => "cyan",
            Colour::Magenta => "magenta",
            Colour::White => "white",
            Colour::Gray => "gray",
            Colour::Black => "black",
        }
    }
}
