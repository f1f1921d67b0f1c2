"""ccseone-tui: the CCSE ONE multi-cluster console for the terminal."""

__version__ = "0.1.0"
