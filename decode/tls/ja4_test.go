package tls

import "testing"

// chromeHello is a ClientHello laid out as a Chrome browser sends one:
// a GREASE cipher suite, then 15 real ones in Chrome's order; a GREASE
// extension first and last, and 16 real extensions in between, among
// them server_name (chrome.example), ALPN (h2, http/1.1),
// signature_algorithms and supported_versions (GREASE, TLS 1.3, 1.2).
func chromeHello() []byte {
	suites := cat(u16(0x0a0a), u16(0x1301), u16(0x1302), u16(0x1303), u16(0xc02b), u16(0xc02f), u16(0xc02c), u16(0xc030),
		u16(0xcca9), u16(0xcca8), u16(0xc013), u16(0xc014), u16(0x009c), u16(0x009d), u16(0x002f), u16(0x0035))
	sigs := cat(u16(0x0403), u16(0x0804), u16(0x0401), u16(0x0503), u16(0x0805), u16(0x0501), u16(0x0806), u16(0x0601))
	exts := vec16(
		ext(0x1a1a, nil),
		ext(0x0000, vec16([]byte{0}, vec16([]byte("chrome.example")))),
		ext(0x0017, nil),
		ext(0xff01, []byte{0}),
		ext(0x000a, vec16(u16(0x001d), u16(0x0017))),
		ext(0x000b, vec8([]byte{0})),
		ext(0x0023, nil),
		ext(0x0010, vec16(vec8([]byte("h2")), vec8([]byte("http/1.1")))),
		ext(0x0005, []byte{1, 0, 0, 0, 0}),
		ext(0x000d, vec16(sigs)),
		ext(0x0012, nil),
		ext(0x0033, vec16()),
		ext(0x002d, vec8([]byte{1})),
		ext(0x002b, vec8(u16(0x2a2a), u16(0x0304), u16(0x0303))),
		ext(0x001b, vec8(u16(2))),
		ext(0x4469, vec16(vec8([]byte("h2")))),
		ext(0x0015, make([]byte, 8)),
		ext(0x3a3a, []byte{0}),
	)
	body := cat(u16(0x0303), make([]byte, 32), vec8(), vec16(suites), vec8([]byte{0}), exts)
	return handshake(TypeClientHello, body)
}

// TestJA4 derives the fingerprint of chromeHello by hand from the JA4
// specification and checks the code agrees:
//
//	a: "t" (TCP), "13" (supported_versions' highest, GREASE left out),
//	   "d" (a server name is sent), "15" suites and "16" extensions
//	   (the GREASE ones not counted), "h2" (first and last character of
//	   the first ALPN value)                          → t13d1516h2
//	b: sha256("002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,
//	   c02f,c030,cca8,cca9"), the suites sorted       → 8daaf6152771
//	c: sha256("0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,
//	   0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601"): the
//	   extensions sorted without SNI (0000) and ALPN (0010), then the
//	   signature algorithms in the order sent         → e5627efa2ab1
//
// These are also the values of the worked example in the JA4
// specification (its Chrome hello), whose part b and c inputs these are.
func TestJA4(t *testing.T) {
	var a Accumulator
	if st := a.Write(records(chromeHello(), 1<<14)); st != Done {
		t.Fatalf("status %v %v", st, a.Err())
	}
	c, err := a.ClientHello()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.JA4(OverTCP), "t13d1516h2_8daaf6152771_e5627efa2ab1"; got != want {
		t.Errorf("JA4 = %s, want %s", got, want)
	}
	// The same hello over QUIC differs only in its first letter.
	if got := c.JA4(OverQUIC); got[0] != 'q' || got[1:] != "13d1516h2_8daaf6152771_e5627efa2ab1" {
		t.Errorf("over QUIC: %s", got)
	}
}

// TestJA4Bare: a hello without extensions (allowed before TLS 1.3) has
// no SNI ("i"), no ALPN ("00"), its legacy version ("12"), and an empty
// extension hash.
func TestJA4Bare(t *testing.T) {
	c, err := ParseClientHello(clientHello()[0:])
	if err != nil {
		t.Fatal(err)
	}
	// Suites 1301 1302 c02f: sha256("1301,1302,c02f").
	if got, want := c.JA4(OverTCP), "t12i030000_"+ja4Hash("1301,1302,c02f")+"_000000000000"; got != want {
		t.Errorf("JA4 = %s, want %s", got, want)
	}
	if ja4Hash("1301,1302,c02f") == "000000000000" {
		t.Error("hash of a list came out as the empty mark")
	}
}

// TestJA4ALPNNotAlnum: a first ALPN value beginning or ending with a
// byte that is not a letter or digit is written by the first and last
// hex digits of the value.
func TestJA4ALPNNotAlnum(t *testing.T) {
	if got := ja4ALPN([]string{"\xabhi"}); got != "a9" { // hex "ab6869"
		t.Errorf("got %q", got)
	}
	if got := ja4ALPN([]string{"http/1.1"}); got != "h1" {
		t.Errorf("got %q", got)
	}
}
