"""clusters messages."""

EN: dict[str, str] = {}

ZH: dict[str, str] = {}
