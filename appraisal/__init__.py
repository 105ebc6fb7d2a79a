"""appraisal — what the index is, and how people see it.

The models of a year (programs, units, frameworks, campaigns, reports and their items,
reviews, queries) and their states; who may see and do what (`permissions/`); the reads behind
every page, by topic (`selectors/`); the index and its rules (`index.py`, `scoring.py`,
`workdays.py`); files read in (`imports/`); and the pages (`views/`, `forms/`, `urls.py`,
`templatetags/`), which hand every write to `workflow`. Below the pages nothing writes; the
demo data (`demo/`) and the commands (`management/`) write through `workflow` as pages do.
"""
