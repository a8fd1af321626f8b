#!/usr/bin/env bash
# Benchmark at seed size, then with 1k, 10k and 100k synthetic mutuals added; results to bench/results-<date>.md.
# Needs DATABASE_URL (PostgreSQL) with the seed data loaded; removes the synthetic mutuals at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?Set DATABASE_URL to a PostgreSQL database with the seed data loaded}"
export SECRET_KEY="${SECRET_KEY:-bench-only-$(python3 -c 'import secrets; print(secrets.token_urlsafe(40))')}"
out="${BENCH_OUT:-bench/results-$(date +%F).md}"
python=.venv/bin/python
$python manage.py make_synthetic_mutuals --delete
$python bench/run.py --label "seed data" "$@" | tee "$out"
total=0
for size in 1000 10000 100000; do
    $python manage.py make_synthetic_mutuals $((size - total))
    total=$size
    $python bench/run.py --label "seed data + ${size} synthetic" "$@" | tee -a "$out"
done
$python manage.py make_synthetic_mutuals --delete
