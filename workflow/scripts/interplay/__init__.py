"""interplay: a serum marker × a modifier and antidepressant remission; the statistics."""

__version__ = "0.1.0"
