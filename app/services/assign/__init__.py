"""Assignments (学习任务), learning paths, notifications and reminders."""
