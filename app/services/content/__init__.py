"""Courses and SOP modules: publishing versions, syncing files, what learners see."""
