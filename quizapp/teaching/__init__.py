"""Teaching services: the bank page's questions, previews taken like an attempt, a teacher's
mark corrections and regrades after a question's key was fixed. No request objects here: the
views in ``quizapp.teacher.teaching_views`` call these."""
