//! A list that grows a fixed-size chunk at a time: what [`crate::store`] keeps per
//! finding and per record. A `Vec` grown by doubling holds up to twice what it needs and,
//! while it grows, the old and the new buffer at once — at a few hundred thousand
//! findings that was the largest step in a run's memory. Here the room never used is at
//! most one chunk, and nothing is copied as the list grows.

/// Items per chunk.
const CHUNK: usize = 1 << 14;

/// A list of `T` in chunks of [`CHUNK`] items.
pub(crate) struct Chunks<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunks<T> {
    fn default() -> Self {
        Chunks {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunks<T> {
    /// Appends `v`.
    pub(crate) fn push(&mut self, v: T) {
        match self.chunks.last_mut() {
            Some(c) if c.len() < CHUNK => c.push(v),
            _ => {
                let mut c = Vec::with_capacity(CHUNK);
                c.push(v);
                self.chunks.push(c);
            }
        }
        self.len += 1;
    }

    /// Items held.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds none.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The items in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }

    /// Gives the last chunk's unused room back (the list is complete).
    pub(crate) fn shrink_to_fit(&mut self) {
        if let Some(c) = self.chunks.last_mut() {
            c.shrink_to_fit();
        }
    }
}

impl<T> std::ops::Index<usize> for Chunks<T> {
    type Output = T;

    /// The `i`-th item; panics past the end, as a slice does.
    fn index(&self, i: usize) -> &T {
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_keep_their_places_across_chunks() {
        let mut c = Chunks::default();
        assert!(c.is_empty());
        let n = 2 * CHUNK + 7;
        for i in 0..n {
            c.push(i * 3);
        }
        assert_eq!(c.len(), n);
        assert_eq!(c.chunks.len(), 3);
        for i in [0, 1, CHUNK - 1, CHUNK, 2 * CHUNK, n - 1] {
            assert_eq!(c[i], i * 3);
        }
        assert!(c.iter().copied().eq((0..n).map(|i| i * 3)));
        c.shrink_to_fit();
        assert_eq!(c.chunks[2].capacity(), 7);
        assert_eq!(c[n - 1], (n - 1) * 3);
    }

    #[test]
    #[should_panic]
    fn an_index_past_the_end_panics() {
        let mut c = Chunks::default();
        c.push(1u8);
        let _ = c[1];
    }
}
