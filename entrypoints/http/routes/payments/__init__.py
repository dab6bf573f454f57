"""Plans, payments and the sandbox checkout pages (the payments context serves both modules)."""
