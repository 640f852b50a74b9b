-- Counting "what of kind K has relation T to X" reads only this index: `emitted_by` joins the
-- key so the count can tell, without visiting the table, which rows prove their source exists
-- (see crates/catalog/src/store/count.rs).
DROP INDEX catalog.relations_type_target;
CREATE INDEX relations_type_target ON catalog.relations (type, target_ref, source_ref, emitted_by);
