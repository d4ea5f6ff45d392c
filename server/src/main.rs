fn main() -> std::process::ExitCode {
    confidant::main_with_env()
}
