"""Offline classes (线下课): authoring, enrolment, attendance by QR code, leave, progress.
See docs/classes.md."""
