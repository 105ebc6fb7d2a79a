"""Forms by topic; the widgets and fields they share are in common.py."""
