package dfilter

import (
	"fmt"
	"math"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// Options are what Compile needs from outside the packet.
type Options struct {
	// Device returns the keys (as device.Device.Key: a MAC "aa:bb:…" or an
	// IP address) of the devices a name was learnt for; nil when names
	// are not known, and then `device == NAME` is refused.
	Device func(name string) []string
}

// Filter is a compiled expression; it is read-only and may be shared by
// goroutines, each with its own Matcher.
type Filter struct {
	root node
	cost Cost
	// http says a term reads HTTP messages: every TCP packet is then
	// followed, to tell a message on the packet that completes it.
	http bool
	// tls says a term reads TLS records or handshake messages: the TLS
	// flows are then followed, to tell each on the packet where it ends.
	tls bool
	// streams says a term reads tcp.stream or udp.stream: every flow is
	// then numbered as it starts.
	streams bool
}

// Cost is the dearest part of a packet the filter may read.
func (f *Filter) Cost() Cost { return f.cost }

// Compile parses expr. An empty (or blank) expression matches every
// packet. Errors are *Error.
func Compile(expr string, opts Options) (*Filter, error) {
	toks, err := lex(expr)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, opts: opts, src: expr}
	f := &Filter{root: always{}}
	if p.peek().kind == tEOF {
		return f, nil
	}
	n, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.unexpected(t, "&&, || or the end of the filter")
	}
	f.root, f.cost, f.http, f.tls, f.streams = n, p.cost, p.http, p.tls, p.streams
	return f, nil
}

type parser struct {
	toks    []token
	i       int
	opts    Options
	src     string
	cost    Cost
	http    bool
	tls     bool
	streams bool
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) unexpected(t token, want string) *Error {
	if t.kind == tRParen {
		return errAt(t, "expected %s, not a ) without its (", want)
	}
	return errAt(t, "expected %s, not %s", want, t.describe())
}

func isWord(t token, words ...string) bool {
	if t.kind != tWord {
		return false
	}
	for _, w := range words {
		if strings.EqualFold(t.text, w) {
			return true
		}
	}
	return false
}

func (p *parser) orExpr() (node, error) {
	a, err := p.andExpr()
	if err != nil {
		return nil, err
	}
	for t := p.peek(); t.kind == tOr || isWord(t, "or"); t = p.peek() {
		p.next()
		b, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		a = orNode{a, b}
	}
	return a, nil
}

// startsTerm reports whether t can begin a term, for "and" left out
// between two terms side by side.
func startsTerm(t token) bool {
	switch t.kind {
	case tWord:
		return !isWord(t, "and", "or", "contains", "matches", "in", "eq", "ne", "lt", "gt", "le", "ge")
	case tString, tLParen, tNot:
		return true
	}
	return false
}

func (p *parser) andExpr() (node, error) {
	a, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		switch {
		case t.kind == tAnd || isWord(t, "and"):
			p.next()
		case startsTerm(t):
			// Terms side by side are joined by and: "tcp port 80".
		default:
			return a, nil
		}
		b, err := p.unary()
		if err != nil {
			return nil, err
		}
		a = andNode{a, b}
	}
}

func (p *parser) unary() (node, error) {
	t := p.peek()
	if t.kind == tNot || isWord(t, "not") {
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notNode{x}, nil
	}
	return p.primary()
}

func (p *parser) primary() (node, error) {
	t := p.next()
	switch t.kind {
	case tLParen:
		n, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			if c.kind == tEOF {
				return nil, &Error{Pos: t.pos, End: t.pos + 1, Msg: "expected a ) to close this ("}
			}
			return nil, p.unexpected(c, "&&, || or )")
		}
		return n, nil
	case tString:
		return p.textTerm(t, t.val)
	case tWord:
		return p.wordTerm(t)
	case tEOF:
		return nil, errAt(t, "expected a field, a protocol or a word to find")
	}
	return nil, p.unexpected(t, "a field, a protocol or a word to find")
}

func (p *parser) textTerm(t token, s string) (node, error) {
	if s == "" {
		return nil, errAt(t, "expected some text to find, not an empty string")
	}
	p.use(CostPayload)
	p.http, p.tls = true, true // the names a message carries are looked in
	return textNode{strings.ToLower(s)}, nil
}

func (p *parser) use(c Cost) { p.cost = max(p.cost, c) }

// shortForms are the words of the earlier filter language that take a
// value. The ones that are also fields (ip, flow, frame) are short forms
// only when a value follows them.
var shortForms = map[string]string{
	"host": "ip.addr", "ip": "ip.addr", "addr": "ip.addr",
	"port": "port", "flow": "flow", "stream": "flow",
	"frame": "frame", "packet": "frame", "packets": "frame",
	"mac": "eth.addr", "ether": "eth.addr",
}

// flagWords are the earlier language's flag words.
var flagWords = map[string]string{
	"syn": "tcp.flags.syn == 1", "fin": "tcp.flags.fin == 1", "rst": "tcp.flags.reset == 1", "reset": "tcp.flags.reset == 1",
	"retrans": "tcp.analysis.retransmission", "retransmission": "tcp.analysis.retransmission",
	"malformed": "malformed", "error": "malformed",
}

func (p *parser) wordTerm(t token) (node, error) {
	name := t.text
	lower := strings.ToLower(name)
	after := p.peek()
	// ip, flow and frame are fields too: they are short forms only
	// before something that looks like their value.
	valueFollows := after.kind == tWord && after.text[0] >= '0' && after.text[0] <= '9' ||
		after.kind == tWord && strings.Contains(after.text, ":")
	if _, isField := fieldByName[lower]; !isField || valueFollows && (lower == "ip" || lower == "flow" || lower == "frame") {
		if to, ok := shortForms[lower]; ok {
			return p.shortForm(t, to)
		}
	}
	if f, ok := fieldByName[lower]; ok {
		return p.fieldTerm(t, f)
	}
	if e, ok := flagWords[lower]; ok {
		return p.sub(e)
	}
	switch lower {
	case "broadcast", "multicast":
		p.use(CostIndex)
		return castNode{lower == "broadcast"}, nil
	}
	if proto, _, dotted := strings.Cut(lower, "."); dotted {
		if _, ok := fieldByName[proto]; ok {
			return nil, errAt(t, "unknown field %q%s", name, suggest(lower))
		}
	}
	if isCmp(after) {
		return nil, errAt(t, "unknown field %q%s", name, suggest(lower))
	}
	return p.textTerm(t, name)
}

// sub compiles a fixed expression that a short word stands for.
func (p *parser) sub(expr string) (node, error) {
	f, err := Compile(expr, p.opts)
	if err != nil {
		panic("dfilter: short form " + expr + ": " + err.Error())
	}
	p.use(f.cost)
	p.http = p.http || f.http
	p.tls = p.tls || f.tls
	p.streams = p.streams || f.streams
	return f.root, nil
}

func isCmp(t token) bool {
	return t.kind == tCmp || t.kind == tMatch || isWord(t, "contains", "matches", "in", "eq", "ne", "lt", "gt", "le", "ge")
}

// shortForm reads `host ADDR`, `port N`, `flow N`, `frame 1,3-5`, `mac M`.
func (p *parser) shortForm(t token, to string) (node, error) {
	v := p.peek()
	if v.kind != tWord && v.kind != tString {
		return nil, p.unexpected(v, fmt.Sprintf("a value after %q", t.text))
	}
	p.next()
	text := v.text
	if v.kind == tString {
		text = v.val
	}
	switch to {
	case "port":
		n, err := strconv.ParseUint(text, 10, 16)
		if err != nil {
			return nil, errAt(v, "expected a port number (0-65535) after %q, not %s", t.text, v.describe())
		}
		p.use(CostIndex)
		eq := func(f string) node {
			return cmpNode{f: fieldByName[f], pred: func(x Value) bool { return x.N == float64(n) }}
		}
		return orNode{eq("tcp.port"), eq("udp.port")}, nil
	case "frame":
		// A list may hold commas: take the rest of it as written.
		end := v.pos + len(v.text)
		for p.peek().kind == tComma || p.peek().kind == tWord && p.toks[p.i-1].kind == tComma {
			if p.peek().pos != end {
				break
			}
			end = p.peek().pos + len(p.peek().text)
			p.next()
		}
		rs, err := parseRanges(p.src[v.pos:end])
		if err != nil {
			return nil, &Error{Pos: v.pos, End: end, Msg: err.Error()}
		}
		return framesNode{rs}, nil
	}
	f := fieldByName[to]
	lit, err := p.literal(f, v, text)
	if err != nil {
		return nil, err
	}
	p.use(f.Cost)
	return cmpNode{f: f, pred: lit}, nil
}

// parseRanges reads packet numbers and ranges: "19", "19,21", "19-30,40".
func parseRanges(v string) ([][2]int, error) {
	var out [][2]int
	for _, part := range strings.Split(v, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a < 1 || b < a {
			return nil, fmt.Errorf("expected packet numbers and ranges like 19,21-30, not %q", part)
		}
		out = append(out, [2]int{a, b})
	}
	return out, nil
}

// fieldTerm reads what follows a field name: nothing (presence), an
// operator and a value, or `in {…}`.
func (p *parser) fieldTerm(t token, f *Field) (node, error) {
	p.use(f.Cost)
	if f.Name == "http" || strings.HasPrefix(f.Name, "http.") {
		p.http = true
	}
	p.tls = p.tls || f.Name == "tls" || strings.HasPrefix(f.Name, "tls.")
	p.streams = p.streams || strings.HasSuffix(f.Name, ".stream")
	op := p.peek()
	if !isCmp(op) {
		return presentNode{f}, nil
	}
	p.next()
	opName := strings.ToLower(op.text)
	if alias, ok := map[string]string{"~": "matches", "eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">="}[opName]; ok {
		opName = alias
	}
	if f.Kind == KindProto {
		return nil, errAt(op, "%s is a protocol: test it alone (%s) or compare one of its fields (%s)", f.Name, f.Name, exampleField(f.Name))
	}
	switch opName {
	case "in":
		return p.inSet(f, op)
	case "contains", "matches":
		if f.Kind != KindString {
			return nil, errAt(op, "%s works on text fields; %s is %s", opName, f.Name, kindName(f.Kind))
		}
		v := p.next()
		if v.kind != tString && v.kind != tWord || v.kind == tWord && !startsTerm(v) {
			return nil, p.unexpected(v, fmt.Sprintf("a quoted string after %s", opName))
		}
		s := v.val
		if v.kind == tWord {
			s = v.text
		}
		if opName == "contains" {
			return cmpNode{f: f, pred: func(x Value) bool { return strings.Contains(x.S, s) }}, nil
		}
		re, err := regexp.Compile("(?i)" + s)
		if err != nil {
			return nil, errAt(v, "expected a regular expression: %v", err)
		}
		return cmpNode{f: f, pred: func(x Value) bool { return re.MatchString(x.S) }}, nil
	}
	v := p.next()
	if v.kind != tString && v.kind != tWord || v.kind == tWord && !startsTerm(v) {
		return nil, p.unexpected(v, fmt.Sprintf("a value to compare %s with", f.Name))
	}
	text := v.text
	if v.kind == tString {
		text = v.val
	}
	switch opName {
	case "==", "!=":
		pred, err := p.literal(f, v, text)
		if err != nil {
			return nil, err
		}
		return cmpNode{f: f, pred: pred, allNot: opName == "!="}, nil
	}
	if f.Kind != KindNumber && f.Kind != KindString {
		return nil, errAt(op, "%s can be compared with == != or in, not %s", f.Name, op.text)
	}
	if f.Kind == KindString {
		return cmpNode{f: f, pred: orderPred(opName, func(x Value) int { return strings.Compare(x.S, text) })}, nil
	}
	n, err := number(text)
	if err != nil {
		return nil, errAt(v, "expected a number to compare %s with, not %s", f.Name, v.describe())
	}
	return cmpNode{f: f, pred: orderPred(opName, func(x Value) int {
		switch {
		case x.N < n:
			return -1
		case x.N > n:
			return 1
		}
		return 0
	})}, nil
}

func orderPred(op string, cmp func(Value) int) func(Value) bool {
	switch op {
	case "<":
		return func(x Value) bool { return cmp(x) < 0 }
	case ">":
		return func(x Value) bool { return cmp(x) > 0 }
	case "<=":
		return func(x Value) bool { return cmp(x) <= 0 }
	}
	return func(x Value) bool { return cmp(x) >= 0 }
}

// inSet reads `{v1, v2, lo..hi}` (commas optional) after in.
func (p *parser) inSet(f *Field, op token) (node, error) {
	open := p.next()
	if open.kind != tLBrace {
		return nil, p.unexpected(open, "{ after in")
	}
	var preds []func(Value) bool
	for {
		v := p.next()
		switch {
		case v.kind == tRBrace && len(preds) > 0:
			return cmpNode{f: f, pred: func(x Value) bool {
				for _, pr := range preds {
					if pr(x) {
						return true
					}
				}
				return false
			}}, nil
		case v.kind == tComma && len(preds) > 0:
			continue
		case v.kind == tEOF:
			return nil, &Error{Pos: open.pos, End: v.pos, Msg: "expected a } to close this {"}
		case v.kind != tWord && v.kind != tString:
			return nil, p.unexpected(v, "a value or } in the set")
		}
		text := v.text
		if v.kind == tString {
			text = v.val
		}
		if lo, hi, isRange := strings.Cut(text, ".."); isRange && v.kind == tWord && f.Kind == KindNumber {
			a, err1 := number(lo)
			b, err2 := number(hi)
			if err1 != nil || err2 != nil || b < a {
				return nil, errAt(v, "expected a range of numbers like 80..90, not %s", v.describe())
			}
			preds = append(preds, func(x Value) bool { return x.N >= a && x.N <= b })
			continue
		}
		pred, err := p.literal(f, v, text)
		if err != nil {
			return nil, err
		}
		preds = append(preds, pred)
	}
}

// literal reads the value v (text unquoted) as f's kind and returns the
// test of one occurrence against it.
func (p *parser) literal(f *Field, v token, text string) (func(Value) bool, error) {
	switch f.Kind {
	case KindNumber:
		n, err := number(text)
		if err != nil {
			return nil, errAt(v, "expected a number for %s, not %s", f.Name, v.describe())
		}
		return func(x Value) bool { return x.N == n }, nil
	case KindIP:
		pre, err := prefix(text)
		if err != nil {
			return nil, errAt(v, "expected an IP address or a CIDR prefix (10.0.0.0/8) for %s, not %s", f.Name, v.describe())
		}
		return func(x Value) bool { return pre.Contains(x.A) }, nil
	case KindMAC:
		m, err := parseMAC(text)
		if err != nil {
			return nil, errAt(v, "expected a MAC address (00:11:22:33:44:55) for %s, not %s", f.Name, v.describe())
		}
		return func(x Value) bool { return x.S == m }, nil
	case KindDevice:
		return p.device(v, text)
	}
	return func(x Value) bool { return x.S == text }, nil
}

// device reads a device: a MAC, an address or a learnt name.
func (p *parser) device(v token, text string) (func(Value) bool, error) {
	if m, err := parseMAC(text); err == nil {
		return func(x Value) bool { return x.S == m }, nil
	}
	if a, err := netip.ParseAddr(text); err == nil {
		return func(x Value) bool { return x.A == a }, nil
	}
	if p.opts.Device == nil {
		return nil, errAt(v, "expected a device's MAC or address (its names are not known yet), not %s", v.describe())
	}
	keys := p.opts.Device(text)
	if len(keys) == 0 {
		return nil, errAt(v, "expected a device's MAC, address or a name learnt for it; no device is called %s", v.describe())
	}
	set := map[string]bool{}
	var addrs []netip.Addr
	for _, k := range keys {
		if m, err := parseMAC(k); err == nil {
			set[m] = true
		} else if a, err := netip.ParseAddr(k); err == nil {
			addrs = append(addrs, a)
		}
	}
	return func(x Value) bool {
		if x.S != "" {
			return set[x.S]
		}
		for _, a := range addrs {
			if a == x.A {
				return true
			}
		}
		return false
	}, nil
}

// number reads an unsigned or decimal number, 0x hex, or true/false.
func number(s string) (float64, error) {
	switch strings.ToLower(s) {
	case "true":
		return 1, nil
	case "false":
		return 0, nil
	}
	if u, err := strconv.ParseUint(s, 0, 64); err == nil {
		return float64(u), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(s, "xXpP_") {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return f, nil
}

// prefix reads an address (a prefix of its full length) or a CIDR prefix.
func prefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		pre, err := netip.ParsePrefix(s)
		return pre.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// parseMAC reads a 6-byte MAC with : - or . separators into its bytes.
func parseMAC(s string) (string, error) {
	m, err := net.ParseMAC(s)
	if err != nil || len(m) != 6 {
		return "", fmt.Errorf("not a MAC address: %q", s)
	}
	return string(m), nil
}

func kindName(k Kind) string {
	switch k {
	case KindNumber:
		return "a number"
	case KindIP:
		return "an address"
	case KindMAC:
		return "a MAC address"
	case KindDevice:
		return "a device"
	}
	return "a protocol"
}

func exampleField(proto string) string {
	for _, f := range fieldList {
		if strings.HasPrefix(f.Name, proto+".") {
			return f.Name + " == …"
		}
	}
	return proto
}

// suggest names the known field closest to a mistyped one.
func suggest(name string) string {
	best, dist := "", 4
	for _, f := range fieldList {
		if d := editDistance(name, f.Name); d < dist {
			best, dist = f.Name, d
		}
	}
	if best == "" {
		return " (see the list of fields in the Help)"
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
