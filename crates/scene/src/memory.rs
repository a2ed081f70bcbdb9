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
//! exits, which is what a program that builds scene after scene wants anyway. It also asks
//! for huge pages on the main heap (see `huge_heap`): 1-2 ms of a 640x480 scene's 30 on a
//! 2-core Xeon VM.
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
        let kept = unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 && libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
        };
        if kept {
            huge_heap();
        }
        kept
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

/// What the heap grows by at once, so that one region holds the buffers of a 1280x960
/// scene and the huge-page advice given at the start covers them.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const HEAP_RESERVE: libc::c_int = 256 << 20;

/// A block that the heap's free top is unlikely to hold, under [`MMAP_THRESHOLD`] so that
/// the heap serves it: asking for it makes the heap grow by [`HEAP_RESERVE`] at once.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const GROWTH: usize = 24 << 20;

/// Asks the kernel for huge pages (2 MB) on the heap, where the scene's buffers will be: a
/// 640x480 frame's 43 MB are eleven thousand 4 kB pages, far more than the processor's
/// address translation caches hold, and its passes over every pixel miss them. The heap
/// is first grown by [`HEAP_RESERVE`] (address space only: pages are given as they are
/// touched), as the advice holds for the region it is given, not for what the heap adds
/// later. Where the kernel has no transparent huge pages, or gives them to no process,
/// nothing changes.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn huge_heap() {
    // SAFETY: mallopt changes parameters only; the block is freed at once; madvise is given
    // a range read from the process's own map, and only advises.
    unsafe {
        if libc::mallopt(libc::M_TOP_PAD, HEAP_RESERVE) != 1 {
            return;
        }
        // (Through `black_box`: a block allocated and freed unused may be left out.)
        let p = std::hint::black_box(libc::malloc(GROWTH));
        if p.is_null() {
            return;
        }
        libc::free(p);
        let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else { return };
        for line in maps.lines().filter(|l| l.ends_with("[heap]")) {
            let Some((a, b)) = line.split_whitespace().next().and_then(|r| r.split_once('-')) else { continue };
            if let (Ok(a), Ok(b)) = (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16)) {
                libc::madvise(a as *mut libc::c_void, b - a, libc::MADV_HUGEPAGE);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn glibc_takes_the_setting() {
        assert!(super::keep_freed_memory());
        // Where the kernel has transparent huge pages, the heap carries the advice.
        if std::path::Path::new("/sys/kernel/mm/transparent_hugepage/enabled").exists() {
            let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
            let mut heap = false;
            let advised = smaps.lines().any(|l| {
                if l.contains('-') && l.split_whitespace().count() >= 5 {
                    heap = l.ends_with("[heap]");
                }
                heap && l.starts_with("VmFlags:") && l.split_whitespace().any(|f| f == "hg")
            });
            assert!(advised, "no [heap] region advised for huge pages");
        }
    }
}
