"""MotCua: the one-stop platform for a Vietnamese province's administrative procedures."""
