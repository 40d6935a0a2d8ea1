package ssdp

import (
	"errors"
	"strings"
	"testing"
)

func TestParseTable(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
		check   func(t *testing.T, m Message)
	}{{
		// A NOTIFY alive of a bridge, header names in mixed case.
		name: "notify",
		in: "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCache-Control: max-age=100\r\n" +
			"Location: http://10.0.0.6:80/description.xml\r\nSERVER: Linux/3.14.0 UPnP/1.0 IpBridge/1.9.0\r\n" +
			"NTS: ssdp:alive\r\nnt: upnp:rootdevice\r\nUSN: uuid:2f402f80-da50-11e1-9b23-001788aabbcc::upnp:rootdevice\r\n" +
			"hue-bridgeid: 001788FFFEAABBCC\r\n\r\n",
		check: func(t *testing.T, m Message) {
			if m.Kind != Notify || m.NT != "upnp:rootdevice" || m.NTS != "ssdp:alive" || m.ByeBye() ||
				m.Location != "http://10.0.0.6:80/description.xml" || m.Product() != "IpBridge/1.9.0" ||
				m.UUID() != "2f402f80-da50-11e1-9b23-001788aabbcc" || m.Get("HUE-BRIDGEID") != "001788FFFEAABBCC" ||
				m.Get("cache-control") != "max-age=100" {
				t.Errorf("got %+v", m)
			}
		},
	}, {
		// An M-SEARCH from a phone, LF line ends only.
		name: "search",
		in:   "M-SEARCH * HTTP/1.1\nHOST: 239.255.255.250:1900\nMAN: \"ssdp:discover\"\nMX: 3\nST: ssdp:all\nUSER-AGENT: Android/13 UPnP/1.1 App/2.0\n\n",
		check: func(t *testing.T, m Message) {
			if m.Kind != Search || m.ST != "ssdp:all" || m.MX != "3" || m.Man != `"ssdp:discover"` || m.Product() != "App/2.0" {
				t.Errorf("got %+v", m)
			}
		},
	}, {
		// A response to a search.
		name: "response",
		in:   "HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:MediaRenderer:1\r\nSERVER: Linux, UPnP/1.0 DCS-935L/1.0\r\nEXT:\r\n\r\n",
		check: func(t *testing.T, m Message) {
			if m.Kind != Response || m.Status != 200 || m.Product() != "DCS-935L/1.0" || m.Kind.String() != "RESPONSE" {
				t.Errorf("got %+v", m)
			}
		},
	}, {
		// A byebye.
		name: "byebye",
		in:   "NOTIFY * HTTP/1.1\r\nNTS: ssdp:byebye\r\nNT: upnp:rootdevice\r\n\r\n",
		check: func(t *testing.T, m Message) {
			if !m.ByeBye() {
				t.Errorf("got %+v", m)
			}
		},
	}, {
		name:    "not ssdp",
		in:      "GET / HTTP/1.1\r\n\r\n",
		wantErr: "not an SSDP message",
	}, {
		name:    "bad status",
		in:      "HTTP/1.1 abc\r\n\r\n",
		wantErr: "bad code",
	}, {
		name:    "no colon",
		in:      "NOTIFY * HTTP/1.1\r\nNT upnp-rootdevice\r\n\r\n",
		wantErr: "header line 1",
	}, {
		name:    "too many headers",
		in:      "NOTIFY * HTTP/1.1\r\n" + strings.Repeat("X: y\r\n", MaxHeaders+1),
		wantErr: "more than 64 header lines",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.in))
			if tt.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
	if _, err := Parse([]byte("hello")); !errors.Is(err, ErrNotSSDP) {
		t.Errorf("error %v", err)
	}
}

func TestProduct(t *testing.T) {
	for in, want := range map[string]string{
		"Linux/3.14.0 UPnP/1.0 IpBridge/1.9.0":                   "IpBridge/1.9.0",
		"Linux,    UPnP/1.0 DCS-935L/1.0":                        "DCS-935L/1.0",
		"Unspecified, UPnP/1.0, Unspecified":                     "",
		"Linux/2.6 UPnP/1.0 Portable SDK for UPnP devices/1.6.6": "Portable SDK for UPnP devices/1.6.6",
		"Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0":   "UPnP-Device-Host/1.0",
		"RTOS/1.0 WeMo/2.0":                                      "WeMo/2.0",
		"UPnP/1.0":                                               "",
		"":                                                       "",
	} {
		if got := Product(in); got != want {
			t.Errorf("Product(%q) = %q, want %q", in, got, want)
		}
	}
}
