"""Application center: publish, upgrade, rollback, delete, status and history of apps
(``service.AppsService``) over validate, manifests, rollout, apply, status, history."""
