"""notifications — telling people.

In-app messages (the bell) and their e-mails, sent by a worker; the daily deadline scan with
its reminders and escalation; digests; the invitation e-mail.
"""
