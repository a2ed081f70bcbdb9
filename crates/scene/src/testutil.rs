//! Helpers for unit tests.

/// A seeded xorshift generator (Marsaglia's 13, 17, 5): each call returns the next state.
pub(crate) fn xorshift(seed: u32) -> impl FnMut() -> u32 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state
    }
}
