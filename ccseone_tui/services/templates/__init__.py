"""Template repository (``service.TemplatesService``): validation and list rows."""
