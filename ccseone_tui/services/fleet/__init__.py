"""Fleet view: one kind across every cluster (``service.FleetService``), rows in ``rows``."""
