//! Prints the data dictionary of the dataset tables:
//! `cargo run -p jixiao-dataset --example dictionary > docs/datasets.md`.

fn main() {
    print!("{}", jixiao_dataset::dictionary());
}
