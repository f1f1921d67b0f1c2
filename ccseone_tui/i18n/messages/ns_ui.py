"""ns_ui messages: the Namespaces section of the TUI: list, forms, detail, delete dialog."""

EN: dict[str, str] = {
}

ZH: dict[str, str] = {
}
