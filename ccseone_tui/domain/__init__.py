"""Plain data, enums, validation rules and the troubleshooting catalogue. No I/O here."""
