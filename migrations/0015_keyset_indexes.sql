-- Every list pages by keyset on its sort key (services/core/keyset.c): a
-- page is "the next N rows after this key", which an index on exactly that
-- key answers by reading N entries. Without one, an unfiltered list of
-- 100,000 solutions sorted them all for every page (about 50 ms a page).
-- The published-only lists already have (status, name, id), 0007.
CREATE INDEX solutions_name ON companies.solutions (name, id);
CREATE INDEX companies_name ON companies.companies (name, id);
CREATE INDEX needs_deadline ON municipalities.needs (deadline, id);
CREATE INDEX projects_updated ON projects.projects (updated_at DESC, id);

-- A project's milestones, read with the project on every GetProject (and
-- ListMilestones pages by due date within one project).
CREATE INDEX milestones_project ON projects.milestones (project_id, position, id);
