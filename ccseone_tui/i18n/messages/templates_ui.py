"""templates_ui messages: the Template repository section of the TUI: list, forms, delete."""

EN: dict[str, str] = {
}

ZH: dict[str, str] = {
}
