-- clone_plan on distributed tables: what a clone would copy, writing nothing
SELECT reseed();

SELECT relation, depth, reached_by, fresh_columns, remapped_columns, copied_columns,
       not_followed, problem, key_source, warnings
  FROM clone_plan('project');
SELECT relation, depth, reached_by, key_source FROM clone_plan('project', cascade => false);
SELECT relation, depth, reached_by, key_source FROM clone_plan('task');
SELECT relation, depth, reached_by, key_source FROM clone_plan('project', skip => '{task}');
SELECT relation, depth, reached_by, not_followed FROM clone_plan('project', max_depth => 1);
-- account's key has no default: the plan names the problem
\x on
SELECT * FROM clone_plan('account') WHERE relation = 'account'::regclass;
\x off
SELECT * FROM counts ORDER BY tbl, account_id;
