#[test]
fn print() {
    let ws = xtask::Workspace::locate();
    let spec = xtask::Spec::load(&ws.spec_path()).unwrap();
    let code = std::fs::read_to_string(ws.generated_path()).unwrap();
    println!("{}", xtask::surface_summary(&spec, &code).unwrap());
}
