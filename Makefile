# The two Quick-start commands: `make demo` and `make test`.
# Each creates the virtual environment it needs (.venv) on first use.

PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test lint format clean screenshots lock audit translations

$(BIN)/heard: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Heard needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --constraint requirements.lock -e '.[dev]'
	@touch $(BIN)/heard

demo: $(BIN)/heard
	$(BIN)/heard demo

test: $(BIN)/heard
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(BIN)/heard
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(BIN)/heard
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) heard-data .pytest_cache .ruff_cache test-artifacts

# The README's pictures, taken by the journey tests (phone size, JavaScript on), so they
# show what the code shows today.
JOURNEY_SHOTS = test-artifacts/journeys
screenshots: $(BIN)/heard
	$(BIN)/pytest -q -p no:cacheprovider -k js-on tests/journeys/test_journey_child_8.py \
		tests/journeys/test_journey_care_leaver_web.py tests/journeys/test_journey_participation_officer.py
	cp $(JOURNEY_SHOTS)/child-8-2-first-question-js.png docs/screenshots/survey-question.png
	cp $(JOURNEY_SHOTS)/care-leaver-5-help-in-view-js.png docs/screenshots/disclosure-help.png
	cp $(JOURNEY_SHOTS)/care-leaver-2-offer-answer-js.png docs/screenshots/chat.png
	cp $(JOURNEY_SHOTS)/officer-02-headline-js.png docs/screenshots/dashboard.png

# The public pages' words: extract to messages.pot, merge into each language's .po (a
# translator fills the new ones in), and compile the .mo files that are committed with them.
translations: $(BIN)/heard
	$(BIN)/pybabel extract -F webforms/translations/babel.cfg -k N_ -k lazy_gettext --add-location=file --sort-output --project=Heard --copyright-holder="Heard contributors" -o webforms/translations/messages.pot .
	$(BIN)/pybabel update -i webforms/translations/messages.pot -d webforms/translations --width=100 --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d webforms/translations --statistics

# The locked set, after a change to pyproject.toml (pip-tools, in its own venv).
lock:
	$(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet pip-tools
	.lock-venv/bin/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
	  --no-emit-find-links --no-header --output-file requirements.lock.new pyproject.toml
	(sed -n '1,2p' requirements.lock; cat requirements.lock.new) > requirements.lock.tmp
	mv requirements.lock.tmp requirements.lock && rm -rf requirements.lock.new .lock-venv

# Known vulnerabilities in what is installed (.ci/run runs it after the tests).
audit: $(BIN)/heard
	$(BIN)/python .ci/audit.py
