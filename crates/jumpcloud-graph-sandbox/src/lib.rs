//! In-memory JumpCloud sandbox (work in progress).
