"""Every lifecycle write: one service per transition (CONVENTIONS.md)."""
