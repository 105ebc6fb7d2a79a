"""The browser tests share one machine with the rest of the suite (two xdist workers, PDFs
rendering next door): a page's answer may take longer than Playwright's 5 s default while
nothing is wrong. Waiting longer never lets a wrong page pass: every expectation still has to
come true."""

from playwright.sync_api import expect

expect.set_options(timeout=15_000)
