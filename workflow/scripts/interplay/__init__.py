"""interplay: a serum marker × a modifier and antidepressant remission — the statistics behind the workflow."""

__version__ = "0.1.0"
