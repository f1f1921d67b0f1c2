"""Distributed clusters: associate, create + register, probe, edit, delete
(``service.ClustersService``, ``registration.RegistrationService``), member-side steps, the
join snippet and masked kubeconfig views."""
