"""diff messages: the side-by-side diff view and `apps diff`."""

EN: dict[str, str] = {
}

ZH: dict[str, str] = {
}
