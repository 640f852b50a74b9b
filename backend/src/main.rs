//! The `trellis` binary; everything lives in the library so tests and tools reuse it.

/// mimalloc returns freed memory to the system promptly, so a large catalog refresh does not
/// leave the process holding its peak memory (glibc's allocator keeps most of it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    trellis::cli::main()
}
