"""Logs: instance journal, cluster events, pod and app logs as resumable streams
(``service.LogsService``)."""
