"""The agents' console: queues, cases, phone triage and reports, as
server-rendered pages (views.py) over plain functions (service.py, reports.py)."""
