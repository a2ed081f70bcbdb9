//! How a process that builds many scenes keeps its memory between them.
//!
//! Building a scene allocates some thirty image-sized buffers (43 MB at 640x480) and frees
//! them all at the end. With its default settings glibc gives that memory back to the
//! kernel (buffers over its mmap threshold are unmapped; the rest is trimmed off the top of
//! the heap once more than twice that threshold is free there), so the next scene faults
//! every page in again and has the kernel zero it: 11-25 % of a 640x480 scene's time on a
//! 2-core VM, 2,300-5,000 page faults a frame. [`keep_freed_memory`] raises both
//! thresholds, so a batch, an eval suite or a REPL reuses the pages of the scene before.
//! The cost is that a process keeps the memory of its largest scene (per thread) until it
//! exits, which is what a program that builds scene after scene wants anyway.
//!
//! It is a process-wide setting, so the library never applies it on its own: the spatia
//! command line does at start, and an embedding program may.

/// Largest allocation glibc serves from its heaps rather than mapping afresh: glibc's own
/// ceiling on 64-bit targets (a 1280x960 image of three floats is 14.7 MB).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 32 << 20;
/// Free memory at the top of a heap that glibc keeps rather than returning to the kernel.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: libc::c_int = 1 << 30;

/// Keeps freed memory in the process for the next scene (see the module docs). Returns
/// whether the allocator took the setting: only glibc on Linux has it; elsewhere this does
/// nothing and returns false.
pub fn keep_freed_memory() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only changes the allocator's parameters, under its own lock.
        unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 && libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn glibc_takes_the_setting() {
        assert!(super::keep_freed_memory());
    }
}
