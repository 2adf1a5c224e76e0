//! Output buffers reused from user to user. One user's line can be
//! megabytes (every path to a thousand objects); rendered into a fresh
//! buffer it grows by doubling, copying as it goes, and each new block
//! comes from the kernel as freshly zeroed pages. A buffer that has been
//! written goes back to the pool with its capacity, so after the first
//! users nothing grows.
//!
//! Memory stays flat: the pool keeps at most `keep` buffers of at most
//! [`MAX_KEPT`] bytes each; larger ones are freed once written.

use std::ops::Deref;
use std::sync::{Arc, Mutex, PoisonError};

/// The largest buffer the pool keeps (a bigger line is rare; its buffer is
/// freed once written).
pub const MAX_KEPT: usize = 4 << 20;

/// Buffers waiting to be reused.
#[derive(Debug)]
pub struct Pool {
    free: Mutex<Vec<Vec<u8>>>,
    keep: usize,
}

impl Pool {
    /// A pool keeping at most `keep` buffers.
    pub fn new(keep: usize) -> Arc<Self> {
        Arc::new(Self {
            free: Mutex::new(Vec::new()),
            keep,
        })
    }

    /// An empty buffer, with the capacity of one used before when there is
    /// one; it returns here when dropped.
    pub fn take(self: &Arc<Self>) -> Buffer {
        let bytes = self
            .free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_default();
        Buffer {
            bytes,
            pool: Some(Arc::clone(self)),
        }
    }

    fn give_back(&self, mut bytes: Vec<u8>) {
        if bytes.capacity() == 0 || bytes.capacity() > MAX_KEPT {
            return;
        }
        bytes.clear();
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        if free.len() < self.keep {
            free.push(bytes);
        }
    }

    /// How many buffers wait to be reused.
    #[cfg(test)]
    fn waiting(&self) -> usize {
        self.free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// A user's output bytes, returned to their [`Pool`] when dropped.
#[derive(Debug, Default)]
pub struct Buffer {
    bytes: Vec<u8>,
    pool: Option<Arc<Pool>>,
}

impl Buffer {
    /// The bytes, to write into.
    pub fn vec(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }
}

impl Deref for Buffer {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            pool.give_back(std::mem::take(&mut self.bytes));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_buffer_comes_back_empty_with_its_capacity() {
        let pool = Pool::new(2);
        let mut first = pool.take();
        first.vec().extend_from_slice(&[7; 1000]);
        let capacity = first.vec().capacity();
        drop(first);
        let mut again = pool.take();
        assert!(again.is_empty());
        assert_eq!(again.vec().capacity(), capacity);
    }

    #[test]
    fn the_pool_keeps_at_most_its_count_and_no_huge_buffer() {
        let pool = Pool::new(2);
        let mut taken: Vec<Buffer> = (0..5).map(|_| pool.take()).collect();
        for buffer in &mut taken {
            buffer.vec().push(1);
        }
        drop(taken);
        assert_eq!(pool.waiting(), 2);

        let pool = Pool::new(2);
        let mut huge = pool.take();
        huge.vec().reserve_exact(MAX_KEPT + 1);
        drop(huge);
        assert_eq!(pool.waiting(), 0);
    }

    #[test]
    fn a_buffer_outside_any_pool_is_just_freed() {
        let mut buffer = Buffer::default();
        buffer.vec().push(1);
        assert_eq!(&*buffer, &[1]);
    }
}
