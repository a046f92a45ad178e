# The two commands of the README: `make demo` and `make test`.
# Both install dependencies (Debian packages, npm data) first, then build.
PRESET ?= rel
BUILD  := build/$(PRESET)
JOBS   ?= $(shell nproc)

.PHONY: all deps build test test-slow demo bench fuzz fuzz-smoke asan clean format

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja: CMakeLists.txt CMakePresets.json
	cmake --preset $(PRESET) >/dev/null

build: deps $(BUILD)/build.ninja
	cmake --build --preset $(PRESET) -j $(JOBS)

test: build
	ctest --preset $(PRESET) -j $(JOBS)

# Long runs (1M-row benchmarks, simulations) carry the ctest label `slow`.
test-slow: build
	ctest --test-dir $(BUILD) -L slow --output-on-failure

demo: build
	$(BUILD)/tools/cli/vitalink demo --dir demo

bench: build
	scripts/run-benchmarks $(BUILD)

asan:
	$(MAKE) test PRESET=dev-asan

fuzz: deps
	cmake --preset fuzz >/dev/null && cmake --build --preset fuzz -j $(JOBS) --target csv_fuzz rule_parser_fuzz

# Bounded fuzzing of every parser (CI): replay the seeds, then FUZZ_SECONDS of new
# inputs each; new inputs go to build/fuzz/corpus, never into testdata/.
FUZZ_SECONDS ?= 30
fuzz-smoke: fuzz
	build/fuzz/fuzz/csv_fuzz -runs=0 testdata/ingest/csv
	mkdir -p build/fuzz/corpus/csv build/fuzz/corpus/rules
	build/fuzz/fuzz/csv_fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 build/fuzz/corpus/csv testdata/ingest/csv
	build/fuzz/fuzz/rule_parser_fuzz -runs=0 testdata/check/rule_seeds
	build/fuzz/fuzz/rule_parser_fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 build/fuzz/corpus/rules testdata/check/rule_seeds

format:
	find src tools bench fuzz -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build
