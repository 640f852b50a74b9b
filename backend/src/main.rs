//! The `trellis` binary; everything lives in the library so tests and tools reuse it.

fn main() -> std::process::ExitCode {
    trellis::cli::main()
}
