//! The server's global allocator: mimalloc, set to return freed memory to the system at once.
//!
//! A catalog refresh of 100,000 entities allocates a few hundred MB for a few seconds. glibc's
//! allocator keeps most of that after it is freed; mimalloc returns it, but only after its purge
//! delay (1 s in mimalloc 3) and only when the thread that freed it allocates again, so idle
//! worker threads kept it. Replaying the bench's load at 100k entities, RSS after a refresh
//! was 141-228 MB, and 72-131 MB with the delay set to 0 here, at the same query latencies
//! (docs/PERFORMANCE.md, ninth session). This is the only crate with `unsafe` code: the one
//! call setting that option.

/// The allocator; the binary names it with `#[global_allocator]`.
pub use mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (`mimalloc.h`, v2 and v3 alike): the
/// option just before `mi_option_use_numa_nodes`, which the bindings name. The bindings have
/// no constant for it.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = libmimalloc_sys::mi_option_use_numa_nodes - 1;

/// Makes mimalloc return freed memory to the system as soon as it is freed (purge delay 0;
/// `MIMALLOC_PURGE_DELAY` in the environment still overrides it for experiments). Call once,
/// first thing in `main`.
pub fn return_freed_memory_at_once() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: `mi_option_set` only stores a value in mimalloc's option table (an atomic store);
    // the option is a valid `mi_option_t`, checked against its neighbours above.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
    }
}

#[cfg(test)]
mod tests {
    /// The option is the purge delay: its default is mimalloc 3's (1000 ms, `options.c`), and
    /// it reads back as 0 once set.
    #[test]
    fn the_purge_delay_goes_from_its_default_to_zero() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads mimalloc's option table.
        #[allow(unsafe_code)]
        let read = || unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) };
        assert_eq!(read(), 1000);
        super::return_freed_memory_at_once();
        assert_eq!(read(), 0);
    }
}
