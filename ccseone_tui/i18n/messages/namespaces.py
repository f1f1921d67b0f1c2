"""namespaces messages: fleet namespaces (SPEC §3.2): service errors, the list, forms, detail and ns CLI."""

EN: dict[str, str] = {
}

ZH: dict[str, str] = {
}
