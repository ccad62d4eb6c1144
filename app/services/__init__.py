"""The domain: pure Python, no request globals, no commits (callers commit)."""
