"""The student's progress: history of attempts, score chart, mastery by tag, and practice."""
