"""The synthetic demo warehouse: realistic shapes and known defects, generated in SQL."""
