-- The import's own record: one row per applied `import fast6`.
INSERT INTO ops.fast6_imports (file_name, file_sha256, source_shape, changed_rows, findings)
VALUES (%(file_name)s, %(sha256)s, %(shape)s, %(changed_rows)s, %(findings)s)
