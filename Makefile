# Mafqood: `make run` serves the API on http://127.0.0.1:8001, `make test` runs every test.
.PHONY: run test lint setup bench clean

setup:
	@bash scripts/setup.sh

run: setup
	.venv/bin/mafqood serve

test: setup
	@bash scripts/test_tools.sh
	.venv/bin/python -m pytest $(PYTEST_ARGS)

lint: setup
	.venv/bin/ruff check src tests scripts
	.venv/bin/ruff format --check src tests scripts
	.venv/bin/mypy
	.venv/bin/lint-imports --no-cache

# Benchmarks print tables (docs/benchmarks.md); matching_search fills .data/bench first.
bench: setup
	.venv/bin/python -m scripts.bench.photos
	.venv/bin/python -m scripts.bench.matching_search
	.venv/bin/python -m scripts.bench.matching_submit
	.venv/bin/python -m scripts.bench.websockets
	.venv/bin/python -m scripts.bench.api_cpu
	.venv/bin/python -m scripts.bench.vision_workers
	.venv/bin/python -m scripts.bench.crowded_venue
	.venv/bin/python -m scripts.bench.one_photo_crowd --close-half
	.venv/bin/python -m scripts.bench.described_crowd
	.venv/bin/python -m scripts.bench.documents
	.venv/bin/python -m scripts.bench.redaction
	.venv/bin/python -m scripts.bench.messages

clean:
	rm -rf .venv .data
