"""Organizations ⊃ teams ⊃ projects with hierarchical role-based access control (pure)."""
