#!/usr/bin/env bash
# Latency of one nested page, `course { lessons(first: 5) }`, under a course
# with 100 and then 10 000 lessons (docs/BENCHMARKS.md, "Nested pages").
#   scripts/nested_page_latency.sh target/release/coachql 18102 coachql_nested_page
# BIN: a coachql binary; PORT: where it serves; DB: a PostgreSQL database at
# 127.0.0.1:5432 that is dropped and created (migrated, seeded, then grown).
# One client, sequential requests: 20 warm-up, then 300 timed; prints p50/p90.
set -euo pipefail
BIN=$1; PORT=$2; DB=$3
PSQL="psql -q -h 127.0.0.1 -U postgres"
$PSQL -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB
export COACHQL_JWT_SECRET=bench-secret-bench-secret-bench-secret
export RUST_LOG=warn COACHQL_LOG=warn
$BIN migrate >/dev/null 2>&1
$BIN seed >/dev/null 2>&1
read TENANT COURSE < <($PSQL -d $DB -tA -F ' ' -c "select c.tenant_id, c.id from courses c join tenants t on t.id=c.tenant_id where t.slug='insideout' order by c.created_at, c.id limit 1")
GID=$(python3 -c "import base64,sys;print(base64.urlsafe_b64encode(('Course:'+sys.argv[1]).encode()).decode().rstrip('='))" $COURSE)
$BIN serve --bind 127.0.0.1:$PORT >"${TMPDIR:-/tmp}/coachql-nested-page-$DB.log" 2>&1 &
SPID=$!
trap "kill $SPID 2>/dev/null || true" EXIT
sleep 2
TOKEN=$($BIN token --tenant insideout --email ada@insideout.example 2>/dev/null | tail -n 1)
for N in 100 10000; do
  HAVE=$($PSQL -d $DB -tA -c "select count(*) from lessons where course_id='$COURSE'")
  $PSQL -d $DB -c "INSERT INTO lessons (id, tenant_id, course_id, title, order_index, learning_objectives, prerequisites, is_published, created_at, updated_at) SELECT gen_random_uuid(), '$TENANT', '$COURSE', 'Lesson '||g, 1000+g, '[]', '[]', true, now(), now() FROM generate_series($HAVE, $N-1) g" -c "ANALYZE lessons"
  echo "$DB lessons=$N $(python3 "$(dirname "$0")/nested_page_latency.py" http://127.0.0.1:$PORT/graphql "$TOKEN" "$GID" 300)"
done
