from django.core.exceptions import ValidationError

from appraisal.problems import Problem


class ProblemsError(ValidationError):
    """A file or request with one or more problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([str(problem) for problem in problems])
