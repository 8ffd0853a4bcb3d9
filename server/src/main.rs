//! `samtal`: the command-line entry point. See `samtal --help`.
fn main() -> std::process::ExitCode {
    server::cli::main()
}
