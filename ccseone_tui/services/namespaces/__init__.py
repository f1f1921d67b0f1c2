"""Namespaces synced across the fleet (``service.NamespacesService``): rules in ``spec``,
Kubernetes calls in ``apply``, per-cluster steps in ``actions``."""
