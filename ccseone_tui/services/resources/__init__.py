"""The resource browser: any kind across the fleet (issue #11)."""
