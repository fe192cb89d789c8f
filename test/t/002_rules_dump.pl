# test/t/002_rules_dump.pl: copy rules survive pg_dump and pg_restore, the
# real tools, in custom and plain format, into a database where the
# columns' numbers differ (the dumped table has a dropped column before
# the rule's column, the restored one does not), and keep working there: a
# declared reference is not followed, declared ownership is, a link with a
# discriminator is followed for its rows only.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
CREATE DATABASE src;
});
$node->safe_psql('src', q{
CREATE EXTENSION rowclone;
CREATE SCHEMA "Shop";
CREATE TABLE "Shop".restaurant (id bigserial PRIMARY KEY, name text);
CREATE TABLE "Shop".review (id bigserial PRIMARY KEY, gone int,
                            "Restaurant Id" bigint REFERENCES "Shop".restaurant, stars int);
CREATE TABLE "Shop".photo (id bigserial PRIMARY KEY,
                           restaurant_id bigint REFERENCES "Shop".restaurant ON DELETE SET NULL);
CREATE TABLE "Shop".comment (id bigserial PRIMARY KEY, gone int, subject_type text,
                             subject_id bigint, body text);
ALTER TABLE "Shop".review DROP COLUMN gone;
ALTER TABLE "Shop".comment DROP COLUMN gone;
INSERT INTO "Shop".restaurant (name) VALUES ('Chez Luigi');
INSERT INTO "Shop".review ("Restaurant Id", stars) VALUES (1, 5);
INSERT INTO "Shop".photo (restaurant_id) VALUES (1);
INSERT INTO "Shop".comment (subject_type, subject_id, body)
VALUES ('Restaurant', 1, 'nice'), ('Photo', 1, 'sharp');
SELECT clone_add_link('"Shop".comment', '{subject_id}', '"Shop".restaurant',
                      when_column => 'subject_type', when_value => 'Restaurant');
SELECT clone_set_reference('"Shop".review', ARRAY['"Restaurant Id"']);
SELECT clone_set_reference('"Shop".photo', '{restaurant_id}', false);
CREATE FUNCTION "Shop".copy_name(text) RETURNS text LANGUAGE sql AS $$SELECT $1 || ' (copy)'$$;
SET search_path = "Shop", public;
SELECT clone_set_value('restaurant', 'name', 'copy_name(name)');
});

my $rules_sql = q{SELECT relation::text || ' ' || kind || ' ' || columns::text
                  FROM clone_rules() ORDER BY 1};
my $want = qq{"Shop".comment link {subject_id}\n"Shop".photo ownership {restaurant_id}\n"Shop".restaurant value {name}\n"Shop".review reference {"Restaurant Id"}};
is($node->safe_psql('src', qq{SET search_path = public; $rules_sql}), $want,
	'the rules in the source database');
is($node->safe_psql('src', q{SELECT attnums::text FROM rowclone_rule
                             WHERE rel = '"Shop".review'::regclass}),
	'{3}', 'the rule names column 3 of the dumped table (column 2 was dropped)');
my $link_sql = q{SELECT attnums::text || ' ' || target_attnums::text || ' ' || when_attnum
                 FROM rowclone_rule WHERE kind = 'link'};
is($node->safe_psql('src', $link_sql), '{4} {1} 3', 'the link names columns 4 and 3 of the dumped table');

my $tmp = PostgreSQL::Test::Utils::tempdir;
my $port = $node->port;
my $host = $node->host;

# A clone in the restored database: the restaurant's copy takes its photo
# (declared ownership) and not its review (declared a reference).
my $clone_check = q{
SELECT clone_row('"Shop".restaurant', 1, cascade => true) IS NOT NULL;
SELECT (SELECT count(*) FROM "Shop".photo) || ' photos, ' ||
       (SELECT count(*) FROM "Shop".review) || ' reviews';
SELECT string_agg(subject_type || ' ' || subject_id || ' ' || body, ', ' ORDER BY id)
FROM "Shop".comment;
SELECT string_agg(name, ', ' ORDER BY id) FROM "Shop".restaurant;
};

for my $format ('custom', 'plain')
{
	my $db = "restored_$format";
	my $file = "$tmp/src.$format";
	command_ok([ 'pg_dump', '-h', $host, '-p', $port, '-d', 'src',
				 $format eq 'custom' ? ('-Fc') : ('-Fp'), '-f', $file ],
			   "pg_dump, $format format");
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	if ($format eq 'custom')
	{
		command_ok([ 'pg_restore', '-h', $host, '-p', $port, '-d', $db, $file ],
				   'pg_restore');
	}
	else
	{
		command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', $host, '-p', $port,
					 '-d', $db, '-f', $file ], 'psql restores the plain dump');
	}
	is($node->safe_psql($db, qq{SET search_path = public; $rules_sql}), $want,
		"$format: the same rules after the restore");
	is($node->safe_psql($db, q{SELECT attnums::text FROM rowclone_rule
                              WHERE rel = '"Shop".review'::regclass}),
		'{2}', "$format: the rule found its column again by name (now column 2)");
	is($node->safe_psql($db, qq{SET search_path = public; $clone_check}),
		"t\n2 photos, 1 reviews\nRestaurant 1 nice, Photo 1 sharp, Restaurant 2 nice\nChez Luigi, Chez Luigi (copy)",
		"$format: a cascade follows the declared ownership, not the declared reference, the link for the restaurant's comment only, and the value rule names the copy through the function it was declared with");
	is($node->safe_psql($db, $link_sql), '{3} {1} 2',
		"$format: the link found its columns again by name (now columns 3 and 2)");
	is($node->safe_psql($db, q{SELECT expression FROM rowclone_rule WHERE kind = 'value'}),
		'"Shop".copy_name(name)', "$format: the rule's expression names its function with the schema");
}

# A rule whose column is gone in the database restored into is left out,
# with a warning, rather than failing the restore or pointing elsewhere.
$node->safe_psql('postgres', 'CREATE DATABASE partial');
$node->safe_psql('partial', q{
CREATE EXTENSION rowclone;
CREATE SCHEMA "Shop";
CREATE TABLE "Shop".restaurant (id bigserial PRIMARY KEY, name text);
CREATE TABLE "Shop".review (id bigserial PRIMARY KEY, stars int);
});
my ($stdout, $stderr);
$node->psql('partial', q{COPY rowclone_rule FROM STDIN;
"Shop".review	reference	{3}	{"Restaurant Id"}	t	\N	\N	\N	\N	\N	\N	\N	\N
\.
SELECT count(*) FROM rowclone_rule;},
	stdout => \$stdout, stderr => \$stderr);
is($stdout, '0', 'a rule of a missing column is not restored');
like($stderr, qr/copy rule of table "review" left out: column "Restaurant Id" does not exist/,
	'...with a warning naming the table and the column');

$node->stop;
done_testing();
