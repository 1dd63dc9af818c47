"""The derivative rules, one module per family; each registers into ``registry.RULES``."""
