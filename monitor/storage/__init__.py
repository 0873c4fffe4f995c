"""Storage: the only place with sessions and SQL. Engines and migrations in `engine`, tables in
`models`, queries by subject (`sources`, `items`, ...); the schema's revision from the migration
files in `schema`; the health of the sources read by the driver alone in `direct`."""
