"""Storage: the only place with sessions and SQL. Engines and migrations in `engine`, tables in
`models`, queries by subject (`sources`, `items`, ...)."""
