# A thin wrapper over Meson: `make`, `make test`, `make asan`, `make fuzz`.
# CI=true (set by CI) turns warnings into errors.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
MESON_FLAGS += $(if $(CI),-Dwerror=true)
FUZZ_SECONDS ?= 60

.PHONY: all test test-plain asan fuzz fuzz-run clean demo sandbox-demo

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_FLAGS)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) $(MESON_FLAGS) -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debug

# The whole suite: unit and integration tests on the normal build, then
# the same again under ASan+UBSan. Ends with one "N passed, N failed" line.
test: all $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	tests/run.sh $(BUILD) $(ASAN_BUILD)

# Only the normal build, for a quick loop while editing.
test-plain: all
	tests/run.sh $(BUILD)

asan: $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	tests/run.sh $(ASAN_BUILD)

# libFuzzer targets (clang); `make fuzz-run FUZZ_SECONDS=600` runs each.
$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debug

fuzz: $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)

fuzz-run: fuzz
	tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

# The main job on the bundled example: check the mdx inventory, show its
# groups and render every file the cluster would get, without any host.
# facts, plan and apply on three sandbox hosts (root; scripts/sandbox-demo)
sandbox-demo: all
	scripts/sandbox-demo $(BUILD)/kcfg

DEMO_OUT ?= $(BUILD)/demo-render
MDX = -i examples/mdx/inventory.ini -c examples/mdx/cluster.yaml
demo: all
	$(BUILD)/kcfg $(MDX) inventory --check
	$(BUILD)/kcfg $(MDX) inventory --graph
	$(BUILD)/kcfg $(MDX) render --facts examples/mdx/facts \
		--vault examples/mdx/vault.yaml \
		--vault-password-file examples/mdx/vault-password.txt -o $(DEMO_OUT)
	@cd $(DEMO_OUT) && find . -type f ! -name .kcfg-render | sort
