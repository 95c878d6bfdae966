//! One module per subcommand.

pub mod extract;

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every input was processed.
    Complete,
    /// Some inputs failed; the outputs hold the rest.
    Partial,
}
