"""Organizations, teams and projects (and their members): the access context's routes."""
