-- 0016: the index is rebuilt once from the bodies as content.Text reads them
-- (the one reading every door now hands to the index): the earlier rows were
-- read with a space at every tag, so "co<b>oper</b>ation" was indexed as
-- "co oper ation" in articles stored before, "cooperation" in those after.
UPDATE meta SET value = 0 WHERE key = 'search_indexed';
