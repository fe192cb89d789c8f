# test/t/001_crash_recovery.pl: a cascade clone of a 500,001-row project
# killed in the middle, five times with SIGKILL (the postmaster runs crash
# recovery), once with pg_terminate_backend and once with pg_cancel_backend.
# After each: no partial copy (every table holds exactly the original rows),
# every btree index of the schema passes amcheck's bt_index_check with
# heapallindexed, and verify_heapam finds nothing. Then a clone that
# completes must have the original's shape.
#
# The kills are placed by progress, not by time: the clone writes the task
# copies, then the comment copies, then runs the foreign-key checks of its
# INSERTs, so the growth of the task and comment heaps says where it is.
# ROWCLONE_CRASH_TASKS (default 100000; 4 comments per task) sizes the data.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(usleep time);

my $tasks = $ENV{ROWCLONE_CRASH_TASKS} // 100_000;
my $comments = 4 * $tasks;
my $victim_app = 'rowclone_victim';
my $clone_sql = q{SELECT clone_row('project', 1::bigint, cascade => true)};

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
# Cluster.pm turns restart_after_crash off; autovacuum would reuse the space
# of the killed clones' rows and blur the growth the kills are placed by
$node->append_conf('postgresql.conf', qq{
restart_after_crash = on
autovacuum = off
log_line_prefix = '%m [%p] %e '
});
$node->start;

$node->safe_psql('postgres', q{
CREATE EXTENSION rowclone;
CREATE EXTENSION amcheck;
CREATE TABLE project (
    id   bigserial PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE task (
    id         bigserial PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES project ON DELETE CASCADE,
    title      text NOT NULL,
    status     text NOT NULL DEFAULT 'open',
    UNIQUE (project_id, title)
);
CREATE TABLE comment (
    id      bigserial PRIMARY KEY,
    task_id bigint NOT NULL REFERENCES task ON DELETE CASCADE,
    body    text NOT NULL
);
CREATE INDEX comment_task_id_idx ON comment (task_id);
});
my $t0 = time;
$node->safe_psql('postgres', qq{
INSERT INTO project (name) VALUES ('p1');
INSERT INTO task (project_id, title, status)
    SELECT 1, 'task ' || g, CASE WHEN g % 3 = 0 THEN 'done' ELSE 'open' END
    FROM generate_series(1, $tasks) g;
INSERT INTO comment (task_id, body)
    SELECT 1 + (g::bigint * 7919) % $tasks, 'comment ' || g FROM generate_series(1, $comments) g;
VACUUM ANALYZE project, task, comment;
CHECKPOINT;
});
diag(sprintf('loaded 1 project, %d tasks, %d comments in %.1f s', $tasks, $comments, time - $t0));

my $task_bytes = $node->safe_psql('postgres', q{SELECT pg_relation_size('task')});
my $comment_bytes = $node->safe_psql('postgres', q{SELECT pg_relation_size('comment')});

my $btree_indexes = $node->safe_psql('postgres', q{
SELECT count(*) FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_am am ON am.oid = c.relam AND am.amname = 'btree'
WHERE i.indrelid IN ('project'::regclass, 'task'::regclass, 'comment'::regclass)});
is($btree_indexes, '5', 'the schema has 5 btree indexes to check');

# the original rows: exactly one project with its tasks and comments
sub check_no_partial_copy
{
	my ($what) = @_;
	my $counts = $node->safe_psql('postgres', q{
SELECT (SELECT count(*) FROM project),
       (SELECT count(*) FROM project WHERE id = 1 AND name = 'p1'),
       (SELECT count(*) FROM task),
       (SELECT count(*) FROM task WHERE project_id = 1),
       (SELECT count(*) FROM comment),
       (SELECT count(*) FROM comment c JOIN task t ON t.id = c.task_id WHERE t.project_id = 1),
       (SELECT count(*) FROM comment c WHERE NOT EXISTS (SELECT FROM task t WHERE t.id = c.task_id)),
       (SELECT count(*) FROM task t WHERE NOT EXISTS (SELECT FROM project p WHERE p.id = t.project_id))});
	is($counts, "1|1|$tasks|$tasks|$comments|$comments|0|0",
		"$what: no partial copy (projects, tasks, comments as loaded; no orphans)");
	check_indexes_and_heap($what);
}

sub check_indexes_and_heap
{
	my ($what) = @_;
	my ($rc, $out, $err) = $node->psql('postgres', q{
SELECT count(*) FROM (
    SELECT bt_index_check(c.oid, heapallindexed => true)
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_am am ON am.oid = c.relam AND am.amname = 'btree'
    WHERE i.indrelid IN ('project'::regclass, 'task'::regclass, 'comment'::regclass)) s});
	is("$rc|$out|$err", '0|5|', "$what: bt_index_check(heapallindexed) clean on all 5 btree indexes");
	($rc, $out, $err) = $node->psql('postgres', q{
SELECT count(*) FROM unnest(ARRAY['project', 'task', 'comment']::regclass[]) r,
    LATERAL verify_heapam(r, check_toast => true)});
	is("$rc|$out|$err", '0|0|', "$what: verify_heapam finds nothing on the 3 tables");
}

# start the clone in its own psql; returns the IPC::Run handle and its output
sub start_clone
{
	my %s = (out => '', err => '');
	$s{h} = IPC::Run::start(
		[
			'psql', '-X', '-A', '-t', '-v', 'VERBOSITY=verbose',
			'-d', $node->connstr('postgres') . " application_name=$victim_app",
			'-c', $clone_sql
		],
		'<', \undef, '>', \$s{out}, '2>', \$s{err});
	return \%s;
}

sub finish_clone
{
	my ($s) = @_;
	$s->{h}->finish;
	$s->{rc} = $s->{h}->result(0);
	return $s;
}

# poll until the running clone has reached the point $ready says (called
# with elapsed ms, xid assigned?, task growth and comment growth as fractions
# of the original heaps); returns its pid and where it was
sub wait_for_point
{
	my ($s, $ready) = @_;
	my $deadline = time + $PostgreSQL::Test::Utils::timeout_default;
	while (time < $deadline)
	{
		my $row = $node->safe_psql('postgres', qq{
SELECT pid, (extract(epoch FROM clock_timestamp() - query_start) * 1000)::bigint,
       backend_xid IS NOT NULL, pg_relation_size('task'), pg_relation_size('comment')
FROM pg_stat_activity
WHERE application_name = '$victim_app' AND state = 'active'});
		if ($row ne '')
		{
			my ($pid, $ms, $xid, $tsize, $csize) = split /\|/, $row;
			my %at = (
				pid => $pid,
				ms => $ms,
				xid => $xid eq 't',
				task => ($tsize - $s->{task0}) / $task_bytes,
				comment => ($csize - $s->{comment0}) / $comment_bytes);
			return \%at if $ready->(\%at);
		}
		elsif ($s->{h}->pumpable == 0 || !$s->{h}->pumpable)
		{
			# the client is gone: the clone ended before the point
			last;
		}
		usleep(20_000);
	}
	return undef;
}

sub describe
{
	my ($at) = @_;
	return sprintf('%d ms in, xid %s, task heap +%.0f%%, comment heap +%.0f%%',
		$at->{ms}, $at->{xid} ? 'assigned' : 'not yet assigned',
		100 * $at->{task}, 100 * $at->{comment});
}

# begin a clone and wait for the point; the sizes it grows from come first
sub clone_until
{
	my ($what, $ready) = @_;
	my $sizes = $node->safe_psql('postgres',
		q{SELECT pg_relation_size('task'), pg_relation_size('comment')});
	my $s = start_clone();
	($s->{task0}, $s->{comment0}) = split /\|/, $sizes;
	my $at = wait_for_point($s, $ready);
	if (!defined $at)
	{
		finish_clone($s);
		fail("$what: the clone was seen running up to its kill point "
			  . "(it ended first: status $s->{rc}, out '$s->{out}', err '$s->{err}')");
		return;
	}
	pass("$what: the clone was seen running up to its kill point");
	diag("$what at " . describe($at));
	return ($s, $at);
}

# ---- five SIGKILLs, each followed by crash recovery
my @kill_points = (
	[ 'before any write or at the first ones', sub { $_[0]{ms} >= 150 } ],
	[ 'writing the task copies', sub { $_[0]{task} >= 0.3 } ],
	[ 'writing the first comment copies', sub { $_[0]{comment} >= 0.1 } ],
	[ 'halfway through the comment copies', sub { $_[0]{comment} >= 0.5 } ],
	[ 'at the end of the comment copies', sub { $_[0]{comment} >= 0.9 } ],
);
my $mid_write = 0;
for my $i (0 .. $#kill_points)
{
	my ($where, $ready) = @{ $kill_points[$i] };
	my $what = sprintf('kill -9 #%d (%s)', $i + 1, $where);
	my ($s, $at) = clone_until($what, $ready);
	next unless $s;
	my $log_offset = -s $node->logfile;
	ok(kill('KILL', $at->{pid}), "$what: SIGKILL sent to backend $at->{pid}");
	$mid_write++ if $at->{xid};
	finish_clone($s);
	isnt($s->{rc}, 0, "$what: the client's clone failed (status $s->{rc})");
	is($s->{out}, '', "$what: the client got no new key");
	like($s->{err}, qr/server closed the connection unexpectedly|connection to server was lost/,
		"$what: the client lost its connection");
	$node->wait_for_log(qr/database system is ready to accept connections/, $log_offset);
	my $log = slurp_file($node->logfile, $log_offset);
	like($log, qr/server process \(PID $at->{pid}\) was terminated by signal 9/,
		"$what: the postmaster saw the backend killed");
	like($log, qr/all server processes terminated; reinitializing/, "$what: crash restart");
	like($log, qr/database system was not properly shut down; automatic recovery in progress/,
		"$what: crash recovery ran");
	$node->poll_query_until('postgres', 'SELECT true')
	  or die "the server does not accept connections after kill #" . ($i + 1);
	check_no_partial_copy($what);
}
cmp_ok($mid_write, '>=', 4, 'at least 4 of the 5 kills landed after the clone began writing');

# ---- pg_terminate_backend: the session ends, the server does not restart
{
	my $what = 'pg_terminate_backend';
	my ($s, $at) = clone_until($what, sub { $_[0]{comment} >= 0.35 });
	if ($s)
	{
		my $log_offset = -s $node->logfile;
		is($node->safe_psql('postgres', "SELECT pg_terminate_backend($at->{pid}, 60000)"),
			't', "$what: backend $at->{pid} terminated");
		finish_clone($s);
		isnt($s->{rc}, 0, "$what: the client's clone failed (status $s->{rc})");
		is($s->{out}, '', "$what: the client got no new key");
		like($s->{err}, qr/FATAL:\s+57P01: terminating connection due to administrator command/,
			"$what: the client got 57P01 and its session ended");
		is($node->safe_psql('postgres', "SELECT count(*) FROM pg_stat_activity WHERE pid = $at->{pid}"),
			'0', "$what: the backend is gone");
		my $log = slurp_file($node->logfile, $log_offset);
		unlike($log, qr/terminated by signal|reinitializing/, "$what: no crash restart");
		check_no_partial_copy($what);
	}
}

# ---- pg_cancel_backend: 57014 to the client, the session lives on
{
	my $what = 'pg_cancel_backend';
	my ($s, $at) = clone_until($what, sub { $_[0]{comment} >= 0.7 });
	if ($s)
	{
		my $log_offset = -s $node->logfile;
		is($node->safe_psql('postgres', "SELECT pg_cancel_backend($at->{pid})"),
			't', "$what: cancel sent to backend $at->{pid}");
		finish_clone($s);
		is($s->{rc}, 1, "$what: the client's statement failed (psql status 1)");
		is($s->{out}, '', "$what: the client got no new key");
		like($s->{err}, qr/ERROR:\s+57014: canceling statement due to user request/,
			"$what: the client got 57014");
		unlike($s->{err}, qr/FATAL|connection/, "$what: the session was not closed by the cancel");
		my $log = slurp_file($node->logfile, $log_offset);
		unlike($log, qr/terminated by signal|reinitializing/, "$what: no crash restart");
		check_no_partial_copy($what);
	}
}

# ---- a clone that completes: the copy has the original's shape
{
	my $what = 'complete clone';
	$t0 = time;
	my $new = $node->safe_psql('postgres', $clone_sql);
	my $secs = time - $t0;
	diag(sprintf('%s: one full cascade clone (%d rows) took %.1f s', $what, 1 + $tasks + $comments, $secs));
	like($new, qr/^[0-9]+$/, "$what: returned a key");
	isnt($new, '1', "$what: the key is new");
	my $counts = $node->safe_psql('postgres', qq{
SELECT (SELECT count(*) FROM project),
       (SELECT count(*) FROM project WHERE id = $new AND name = 'p1'),
       (SELECT count(*) FROM task WHERE project_id = 1),
       (SELECT count(*) FROM task WHERE project_id = $new),
       (SELECT count(*) FROM task),
       (SELECT count(*) FROM comment c JOIN task t ON t.id = c.task_id WHERE t.project_id = 1),
       (SELECT count(*) FROM comment c JOIN task t ON t.id = c.task_id WHERE t.project_id = $new),
       (SELECT count(*) FROM comment)});
	is($counts, "2|1|$tasks|$tasks|" . (2 * $tasks) . "|$comments|$comments|" . (2 * $comments),
		"$what: counts per table under the original and the copy");
	# every (task, comment) pair and every task's status come back once in
	# the copy: copied comments point at the copied tasks, not the originals
	my $diff = $node->safe_psql('postgres', qq{
WITH o AS (SELECT t.title, t.status, c.body FROM task t LEFT JOIN comment c ON c.task_id = t.id
           WHERE t.project_id = 1),
     n AS (SELECT t.title, t.status, c.body FROM task t LEFT JOIN comment c ON c.task_id = t.id
           WHERE t.project_id = $new)
SELECT (SELECT count(*) FROM (SELECT * FROM o EXCEPT ALL SELECT * FROM n) d),
       (SELECT count(*) FROM (SELECT * FROM n EXCEPT ALL SELECT * FROM o) d),
       (SELECT count(*) FROM n)});
	is($diff, "0|0|$comments", "$what: the copy's tasks and comments pair up as the original's");
	# the originals' keys are 1 .. $tasks and 1 .. $comments (bigserial, one load)
	my $shared = $node->safe_psql('postgres', qq{
SELECT (SELECT count(*) FROM task WHERE project_id = $new AND id <= $tasks),
       (SELECT count(*) FROM comment c JOIN task t ON t.id = c.task_id
        WHERE t.project_id = $new AND c.id <= $comments)});
	is($shared, '0|0', "$what: no row of the copy has an original's key");
	check_indexes_and_heap($what);
}

done_testing();
