"""The policy file (TOML): its pydantic models and built-in defaults, loading with the line
of each problem, and editing keys in place with comments kept."""
