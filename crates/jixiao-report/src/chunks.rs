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

/// Bytes per chunk of a [`Texts`].
const TEXT_CHUNK: usize = 1 << 16;

/// Where a [`Texts`] holds a text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TextRef {
    chunk: u32,
    start: u32,
    len: u32,
}

/// Texts kept one after the other in chunks of [`TEXT_CHUNK`] bytes (a longer text in a
/// chunk of its own), not each in an allocation of its own: a run keeps one per record
/// with findings (156,000 at 10,000 files) until its end, and small allocations that
/// live that long among a run's short-lived ones can keep pages of memory from being
/// given back. (At 3,000 files the peak resident memory did not move measurably.)
#[derive(Default)]
pub(crate) struct Texts {
    chunks: Vec<String>,
}

impl Texts {
    /// Keeps `s`; [`get`](Texts::get) gives it back.
    pub(crate) fn push(&mut self, s: &str) -> TextRef {
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.capacity() - c.len() >= s.len());
        if !fits {
            self.chunks
                .push(String::with_capacity(TEXT_CHUNK.max(s.len())));
        }
        let chunk = self.chunks.len() - 1;
        let c = &mut self.chunks[chunk];
        let start = c.len();
        c.push_str(s);
        TextRef {
            chunk: chunk as u32,
            start: start as u32,
            len: s.len() as u32,
        }
    }

    /// The text `r` names; panics when `r` is not of this list.
    pub(crate) fn get(&self, r: TextRef) -> &str {
        let start = r.start as usize;
        &self.chunks[r.chunk as usize][start..start + r.len as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_whole_across_chunks() {
        let mut t = Texts::default();
        let long = "长".repeat(TEXT_CHUNK);
        let texts: Vec<String> = (0..10_000)
            .map(|i| format!("{:012x}-{:03}", i * 7919, i % 1000))
            .chain([String::new(), long.clone(), "尾".into()])
            .collect();
        let refs: Vec<TextRef> = texts.iter().map(|s| t.push(s)).collect();
        for (s, r) in texts.iter().zip(&refs) {
            assert_eq!(t.get(*r), s);
        }
        assert!(t.chunks.len() > 2, "{} chunks", t.chunks.len());
        assert!(t
            .chunks
            .iter()
            .all(|c| c.len() <= TEXT_CHUNK.max(long.len())));
    }

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
