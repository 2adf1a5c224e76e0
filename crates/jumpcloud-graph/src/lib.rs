//! JumpCloud user-graph facade (work in progress).
