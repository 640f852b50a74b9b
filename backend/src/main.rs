//! The `trellis` binary; everything lives in the library so tests and tools reuse it.

/// mimalloc, returning freed memory to the system at once, so a large catalog refresh does not
/// leave the process holding its peak memory (`crates/alloc`).
#[global_allocator]
static ALLOCATOR: trellis_alloc::MiMalloc = trellis_alloc::MiMalloc;

fn main() -> std::process::ExitCode {
    trellis_alloc::return_freed_memory_at_once();
    trellis::cli::main()
}
