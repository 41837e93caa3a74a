-- The run's findings, each logged once per file (a second import logs nothing new).
INSERT INTO ops.fast6_import_findings (file_sha256, kind, source_table, source_id,
                                       source_column, source_row, detail)
SELECT %(sha256)s, f.kind, f.source_table, f.source_id, f.source_column, f.source_row,
       f.detail
  FROM jsonb_to_recordset(%(findings)s::jsonb)
       AS f (kind text, source_table text, source_id bigint, source_column text,
             source_row jsonb, detail text)
ON CONFLICT (file_sha256, kind, source_table, source_id, coalesce(source_column, ''))
   DO NOTHING
