//! The static HTML report (see docs/review.md).
