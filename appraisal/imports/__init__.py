"""Files people bring in, read and checked before anything is written: frameworks (YAML,
XLSX), a report's spreadsheet, tables of people, results and survey points. Each problem is
reported with where it was found; the writes that follow are services of `workflow`."""
