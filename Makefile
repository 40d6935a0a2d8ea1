# thingsniff: `make run` opens the window, `make test` runs every test.
# Both install what a fresh Debian machine lacks first (see deps).

GO       ?= go
BIN      ?= bin/thingsniff
HELPER   ?= bin/thingsniff-capture
GROUP    ?= thingsniff
CORPUS   ?= ../shared/corpus
BENCHDIR ?= testdata/gen
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages: the C toolchain and GL/X11 headers for Fyne's cgo build,
# libpcap for live capture, Xvfb and ImageMagick for headless window tests
# and screenshots, dnsmasq/iproute2/isc-dhcp-client/tcpdump for the live
# test network, and tshark for the tests that compare with it.
DEB_PKGS := gcc pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev libpcap-dev \
	xvfb xauth imagemagick iproute2 dnsmasq isc-dhcp-client tcpdump busybox libcap2-bin tshark

.PHONY: all deps build run test test-short bench accuracy fuzz dist install windows clean demo

all: build

# deps installs the missing Debian packages (once) and the Go modules.
deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@command -v $(GO) >/dev/null || { echo "Go is missing: install Go 1.24 or newer (https://go.dev/dl)"; exit 1; }
	$(GO) mod download

# build makes the program and, beside it, the capture helper (the only
# program of thingsniff that may hold capture rights).
build: deps
	$(GO) build -o $(BIN) .
	$(GO) build -o $(HELPER) ./cmd/thingsniff-capture

run: build
	./$(BIN) $(FILE)

# test runs every test; the window tests run against Fyne's test driver,
# and the real-window smoke test under Xvfb. Then the race detector over
# the packages whose goroutines share memory, staticcheck, and every fuzz
# target for a short while.
test: deps
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) test -count=1 -timeout 40m ./...
	$(GO) test -count=1 -race -timeout 40m ./capture/... ./decode/... ./app/...
	$(MAKE) --no-print-directory fuzz FUZZTIME=10s

test-short: deps
	$(GO) test -short ./...

# bench prints the ratios cmd/bench measures in one run: medians of
# interleaved rounds with their spread, each marked ok or MISSED.
bench: deps
	$(GO) run ./cmd/bench -dir $(BENCHDIR)
	@if [ "$$(id -u)" = 0 ]; then $(GO) test -run '^$$' -bench LiveRate -benchtime 1x ./app; \
	else echo "live capture rate: run make bench as root (it builds a test network)"; fi

# install grants the capture helper, and nothing else, the two
# capabilities live capture needs, and lets only the thingsniff group run
# it (root owns it, mode 0750). The program itself holds no right: it
# gives up any it is started with, and starts the helper to capture.
install: build
	$(SUDO) groupadd -f $(GROUP)
	$(SUDO) chown root:$(GROUP) $(HELPER)
	$(SUDO) chmod 0750 $(HELPER)
	$(SUDO) setcap cap_net_raw,cap_net_admin=eip $(HELPER)
	@echo "$(HELPER) may now capture for the members of the $(GROUP) group."
	@echo "Add yourself once, then log in again: sudo usermod -aG $(GROUP) $$USER"

# windows cross-builds thingsniff.exe (Npcap's wpcap.dll is loaded at run time).
windows:
	@dpkg-query -W -f='$${Status}\n' gcc-mingw-w64-x86-64 2>/dev/null | grep -q 'install ok installed' || \
		{ $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq gcc-mingw-w64-x86-64; }
	GOOS=windows CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc $(GO) build -o bin/thingsniff.exe .
	GOOS=windows CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc $(GO) build -o bin/thingsniff-capture.exe ./cmd/thingsniff-capture

# accuracy prints, per field, how thingsniff's device events agree with
# tshark's view of every corpus capture, and why they differ where they do.
accuracy:
	$(GO) test -count=1 -run 'TestCorpusEventsAgreeWithTshark|TestCorpusConversationsMatchTshark|TestCorpusClosingSideMatchesTshark' -v ./app | grep -v '^=== RUN'

# fuzz runs every fuzz target for FUZZTIME. Go 1.26's fuzz coordinator
# can fail a target with a bare "context deadline exceeded" as FUZZTIME
# ends (golang/go#75804, fixed in Go 1.27) without any failing input: a
# failure counts only when it is not that, or when go test wrote a new
# failing input under testdata/fuzz/ (a real one always does).
FUZZTIME ?= 20s
fuzz: deps
	@$(GO) list -f '{{.ImportPath}} {{.Dir}} {{join .TestGoFiles " "}} {{join .XTestGoFiles " "}}' ./... | \
	while read -r pkg dir files; do \
		[ -n "$$files" ] || continue; \
		for t in $$(cd "$$dir" && grep -hoE '^func Fuzz[A-Za-z0-9_]+' $$files | sed 's/func //' | sort -u); do \
			echo "== $$t ($$pkg)"; \
			before=$$(ls "$$dir/testdata/fuzz/$$t" 2>/dev/null | wc -l); \
			out=$$($(GO) test -run='^$$' -fuzz="^$$t$$" -fuzztime=$(FUZZTIME) "$$pkg" </dev/null 2>&1); rc=$$?; \
			echo "$$out"; \
			[ $$rc = 0 ] && continue; \
			after=$$(ls "$$dir/testdata/fuzz/$$t" 2>/dev/null | wc -l); \
			if [ "$$after" = "$$before" ] && echo "$$out" | grep -q '^    context deadline exceeded$$' && \
				[ "$$(echo "$$out" | grep -c -- '--- FAIL')" = 1 ]; then \
				echo "== $$t: ended by Go's fuzz-deadline race (golang/go#75804), no failing input: not a failure"; \
				continue; \
			fi; \
			exit 1; \
		done; \
	done

demo:
	$(GO) generate ./assets

# dist builds a Linux package (binary, icon, .desktop with file types)
# and puts the capture helper in it, with an install-helper target that
# installs it as make install does here. fyne package bumps the build
# number in FyneApp.toml and removes the committed fyne_metadata_init.go;
# both are put back so the tree stays clean. Its Makefile names the
# program with the .desktop file's arguments ("thingsniff %F"), which its
# install cannot take: the name is put right.
dist: build
	cp FyneApp.toml FyneApp.toml.keep && cp fyne_metadata_init.go fyne_metadata_init.go.keep
	$(GO) run fyne.io/tools/cmd/fyne@v1.7.4 package -os linux -release -icon assets/icon.png; \
		status=$$?; mv -f FyneApp.toml.keep FyneApp.toml; mv -f fyne_metadata_init.go.keep fyne_metadata_init.go; exit $$status
	rm -rf dist/pkg && mkdir -p dist/pkg && tar -xJf thingsniff.tar.xz -C dist/pkg && rm thingsniff.tar.xz
	install -Dm0755 $(HELPER) dist/pkg/thingsniff/usr/local/bin/thingsniff-capture
	sed -i 's/^Exec := "thingsniff %F"$$/Exec := thingsniff/' dist/pkg/thingsniff/Makefile
	printf '%s\n' '' '# The capture helper alone may hold capture rights; only the $(GROUP) group may run it.' \
		'install-helper:' \
		'	groupadd -f $(GROUP)' \
		'	install -Dm0750 -o root -g $(GROUP) usr/local/bin/thingsniff-capture $$(DESTDIR)$$(PREFIX)/bin/thingsniff-capture' \
		'	setcap cap_net_raw,cap_net_admin=eip $$(DESTDIR)$$(PREFIX)/bin/thingsniff-capture' \
		'	@echo "add yourself once, then log in again: sudo usermod -aG $(GROUP) $$$$SUDO_USER"' \
		>> dist/pkg/thingsniff/Makefile
	tar -cJf dist/thingsniff.tar.xz -C dist/pkg thingsniff && rm -rf dist/pkg

clean:
	rm -rf bin dist $(BENCHDIR)
