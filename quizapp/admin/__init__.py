"""The admins' pages: people and their roles."""
