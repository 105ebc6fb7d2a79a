"""documents — files in, PDFs out.

The evidence locker (uploads checked, stored once by their hash, bound to items, frozen when
a report is submitted) and the documents the system issues (the self-assessment report, the
publication decision and its annexes), made by django-q2 workers, never in a request.
"""
