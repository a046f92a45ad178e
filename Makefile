# The two commands of the README: `make demo` and `make test`.
# Both install dependencies (Debian packages, npm data) first, then build.
PRESET ?= rel
BUILD  := build/$(PRESET)
JOBS   ?= $(shell nproc)

.PHONY: all deps build test test-slow demo bench fuzz asan clean format

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
	cmake --preset fuzz >/dev/null && cmake --build --preset fuzz -j $(JOBS)

format:
	find src tools bench fuzz -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build
