-- Lists read in pages: the published solutions in name order without
-- reading the table (ListSolutions counts and orders on this index alone,
-- and the matching jobs read every published solution page by page).
CREATE INDEX solutions_status_name ON companies.solutions (status, name, id);
