"""apps_ui messages: the Application center section of the TUI: list, publish, detail, upgrade, history."""

EN: dict[str, str] = {
}

ZH: dict[str, str] = {
}
