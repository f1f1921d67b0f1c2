"""Template sources -> rendered manifests: chart (the real Helm engine through
helm-python-sdk; from an HTTP repository, an OCI registry or a local directory / .tgz), yaml
(rendered as a synthetic chart), git (dulwich mirrors, trees cached per commit). No cluster
access. ``render.py`` renders, ``sources.py`` turns a template + version into something to
render, one module per source kind beside it."""
