package ssdp

import (
	"net/netip"
	"strings"

	"thingsniff/decode/dns"
)

// Names is what one mDNS message says about the device that sent it.
type Names struct {
	// Instances are the service instances announced, in order met.
	Instances []Instance
	// Hosts are the host names with the addresses given for them.
	Hosts []Host
	// Model is the first model-like TXT value (keys md, model, mdl, am,
	// usb_MDL, ty, product), "" when none.
	Model string
	// FriendlyName is a TXT fn or n value, "" when none.
	FriendlyName string
}

// Instance is one DNS-SD service instance.
type Instance struct {
	// Name is the instance label ("Philips hue - 2476FF").
	Name string
	// Service is the service type ("_hap._tcp.local").
	Service string
	// Host and Port come from the instance's SRV record when present.
	Host string
	Port uint16
}

// Host is a host name and its addresses.
type Host struct {
	Name  string
	Addrs []netip.Addr
}

// modelKeys and nameKeys are TXT keys that carry a model or a friendly
// name, in order of preference.
var modelKeys = [...]string{"md", "model", "mdl", "am", "usb_mdl", "ty", "product"}
var nameKeys = [...]string{"fn", "n"}

// MDNSNames extracts instance names, host names with addresses and model
// keys from the answer, authority (probes) and additional records of an
// mDNS message. Questions are not claims and are ignored.
func MDNSNames(m *dns.Message) Names {
	var n Names
	modelRank, nameRank := len(modelKeys), len(nameKeys)
	m.Records(func(_ int, rr *dns.RR) bool {
		switch rr.Type {
		case dns.TypePTR:
			if inst, svc, ok := SplitInstance(rr.Target); ok && !strings.HasPrefix(rr.Name, "_services._dns-sd.") {
				n.instance(inst, svc)
			}
		case dns.TypeSRV:
			if inst, svc, ok := SplitInstance(rr.Name); ok {
				i := n.instance(inst, svc)
				i.Host, i.Port = rr.Target, rr.Port
				n.host(rr.Target, netip.Addr{})
			}
		case dns.TypeTXT:
			for _, kv := range rr.Text {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || v == "" {
					continue
				}
				for r, key := range modelKeys {
					if r < modelRank && strings.EqualFold(k, key) {
						n.Model, modelRank = strings.Trim(v, "()"), r
					}
				}
				for r, key := range nameKeys {
					if r < nameRank && strings.EqualFold(k, key) {
						n.FriendlyName, nameRank = v, r
					}
				}
			}
		case dns.TypeA, dns.TypeAAAA:
			n.host(rr.Name, rr.Addr)
		}
		return true
	})
	return n
}

// instance returns the entry for (name, service), adding it if new.
func (n *Names) instance(name, service string) *Instance {
	for i := range n.Instances {
		if n.Instances[i].Name == name && n.Instances[i].Service == service {
			return &n.Instances[i]
		}
	}
	n.Instances = append(n.Instances, Instance{Name: name, Service: service})
	return &n.Instances[len(n.Instances)-1]
}

// host adds a host name and, when valid, an address to it.
func (n *Names) host(name string, a netip.Addr) {
	if name == "" || name == "." {
		return
	}
	for i := range n.Hosts {
		h := &n.Hosts[i]
		if h.Name != name {
			continue
		}
		if a.IsValid() {
			for _, x := range h.Addrs {
				if x == a {
					return
				}
			}
			h.Addrs = append(h.Addrs, a)
		}
		return
	}
	h := Host{Name: name}
	if a.IsValid() {
		h.Addrs = []netip.Addr{a}
	}
	n.Hosts = append(n.Hosts, h)
}

// SplitInstance splits a DNS-SD instance name "<instance>._<service>._tcp.<domain>"
// into the instance label and the service type; ok is false for names
// without the _tcp/_udp pattern or without an instance part. Subtype
// names ("x._sub._http._tcp.local") are not instances.
func SplitInstance(name string) (instance, service string, ok bool) {
	i := max(strings.LastIndex(name, "._tcp."), strings.LastIndex(name, "._udp."))
	if i < 0 {
		if strings.HasSuffix(name, "._tcp") || strings.HasSuffix(name, "._udp") {
			i = len(name) - len("._tcp")
		} else {
			return "", "", false
		}
	}
	j := strings.LastIndex(name[:i], "._")
	if j <= 0 {
		return "", "", false
	}
	instance, service = name[:j], name[j+1:]
	if strings.HasSuffix(instance, "._sub") || instance == "_sub" {
		return "", "", false
	}
	return instance, service, true
}
