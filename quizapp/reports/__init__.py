"""Teachers' reports: quiz statistics, a student's timeline, misconceptions, CSV exports."""
