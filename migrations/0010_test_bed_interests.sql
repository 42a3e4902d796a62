-- A test bed (its owner) expresses interest in a solution it could host: the
-- interest names the test bed instead of a need, never both.
ALTER TABLE projects.interests ALTER COLUMN need_id DROP NOT NULL;
ALTER TABLE projects.interests ADD COLUMN test_bed_id uuid;
ALTER TABLE projects.interests ADD CONSTRAINT interests_need_or_test_bed
    CHECK ((need_id IS NULL) <> (test_bed_id IS NULL));
-- One open interest per pair of test bed and solution.
CREATE UNIQUE INDEX interests_one_open_test_bed ON projects.interests (test_bed_id, solution_id)
    WHERE state = 'open';
