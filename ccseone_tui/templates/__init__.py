"""Template sources -> rendered manifests: chart (the real Helm engine through
helm-python-sdk), yaml (rendered as a synthetic chart), git (dulwich). Pure: no cluster
access. Filled in by the templates and application center issue."""
