from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A form with no fields of its own: it carries the CSRF token of a button's POST.

    The answers on the attempt page are read by each question type from the raw form, since
    their fields depend on the questions drawn.
    """
