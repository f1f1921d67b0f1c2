"""apps messages: the application center (SPEC §3.3.2, §4.1): publish, status, upgrade, history, rollback, delete."""

EN: dict[str, str] = {
}

ZH: dict[str, str] = {
}
