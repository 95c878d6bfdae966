//! Writes every hostile reproducer of `jixiao_mess::bombs` into a directory (for fuzzing
//! seeds and for trying a build by hand):
//! `cargo run -p jixiao-mess --example bombs -- DIR`.

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "bombs".into());
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in jixiao_mess::bombs::all() {
        std::fs::write(dir.join(name), &bytes)?;
        println!("{name}: {} bytes", bytes.len());
    }
    Ok(())
}
