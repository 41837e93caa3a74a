ALTER TABLE ops.mart_setting VALIDATE CONSTRAINT mart_setting_work_mem_check;
