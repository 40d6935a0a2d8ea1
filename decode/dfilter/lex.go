package dfilter

import (
	"fmt"
	"strings"
)

// Error is a filter that cannot be compiled: Pos is the byte offset of
// the mistake in the expression (len(expr) when something is missing at
// its end), End the offset after it, Msg what was expected there.
type Error struct {
	Pos, End int
	Msg      string
}

func (e *Error) Error() string {
	return fmt.Sprintf("filter: at position %d: %s", e.Pos+1, e.Msg)
}

func errAt(t token, format string, args ...any) *Error {
	return &Error{Pos: t.pos, End: max(t.pos+len(t.text), t.pos+1), Msg: fmt.Sprintf(format, args...)}
}

type tokKind uint8

const (
	tEOF    tokKind = iota
	tWord           // a field name, keyword or unquoted value
	tString         // a quoted string (text holds the source, val the value)
	tLParen
	tRParen
	tLBrace
	tRBrace
	tComma
	tNot   // ! (not is a word)
	tAnd   // && (and is a word)
	tOr    // || (or is a word)
	tCmp   // == != < > <= >= (eq ne lt gt le ge are words)
	tMatch // ~ (matches is a word)
)

type token struct {
	kind tokKind
	pos  int
	text string // as written
	val  string // a string's value, unescaped
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "the end of the filter"
	case tString:
		return "string " + t.text
	}
	return fmt.Sprintf("%q", t.text)
}

// wordByte reports whether c may be part of an unquoted word: field
// names, numbers, addresses (with : . / -), MACs, ranges (..).
func wordByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	case c >= 0x80:
		return true // UTF-8 in a free word
	}
	return strings.IndexByte("._-:/+*@%$?^[]", c) >= 0
}

// oneByteTokens are the tokens of one character, written as they stand:
// one table, so that lex has one case for all of them.
var oneByteTokens = map[byte]tokKind{
	'<': tCmp, '>': tCmp, '!': tNot, '~': tMatch,
	'(': tLParen, ')': tRParen, '{': tLBrace, '}': tRBrace, ',': tComma,
}

// lex splits expr into tokens, ending with tEOF.
func lex(expr string) ([]token, error) {
	var out []token
	i := 0
	for i < len(expr) {
		c := expr[i]
		start := i
		two := ""
		if i+1 < len(expr) {
			two = expr[i : i+2]
		}
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '"':
			t, n, err := lexString(expr, i)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
			i = n
			continue
		case two == "&&", two == "||", two == "==", two == "!=", two == "<=", two == ">=":
			k := map[string]tokKind{"&&": tAnd, "||": tOr}[two]
			if k == 0 {
				k = tCmp
			}
			out = append(out, token{kind: k, pos: i, text: two})
			i += 2
			continue
		case c == '=':
			// A single = is a common slip for ==.
			out = append(out, token{kind: tCmp, pos: i, text: "=="})
			i++
			continue
		case oneByteTokens[c] != tEOF:
			out = append(out, token{kind: oneByteTokens[c], pos: i, text: string(c)})
		case c == '&' || c == '|':
			return nil, &Error{Pos: i, End: i + 1, Msg: fmt.Sprintf("expected %c%c (a single %c is not an operator)", c, c, c)}
		case wordByte(c):
			for i < len(expr) && wordByte(expr[i]) {
				i++
			}
			out = append(out, token{kind: tWord, pos: start, text: expr[start:i]})
			continue
		default:
			return nil, &Error{Pos: i, End: i + 1, Msg: fmt.Sprintf("unexpected character %q", c)}
		}
		i++
	}
	return append(out, token{kind: tEOF, pos: len(expr)}), nil
}

// lexString reads the quoted string that starts at expr[i]: backslash
// escapes \" \\ \n \t \r and \xNN.
func lexString(expr string, i int) (token, int, error) {
	var b strings.Builder
	j := i + 1
	for j < len(expr) {
		c := expr[j]
		switch {
		case c == '"':
			return token{kind: tString, pos: i, text: expr[i : j+1], val: b.String()}, j + 1, nil
		case c == '\\':
			if j+1 >= len(expr) {
				return token{}, 0, &Error{Pos: j, End: j + 1, Msg: "expected a character after \\"}
			}
			e := expr[j+1]
			switch e {
			case '"', '\\':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'x':
				if j+3 >= len(expr) || unhex(expr[j+2]) < 0 || unhex(expr[j+3]) < 0 {
					return token{}, 0, &Error{Pos: j, End: min(j+4, len(expr)), Msg: `expected two hex digits after \x`}
				}
				b.WriteByte(byte(unhex(expr[j+2])<<4 | unhex(expr[j+3])))
				j += 2
			default:
				return token{}, 0, &Error{Pos: j, End: j + 2, Msg: fmt.Sprintf(`unknown escape \%c (use \" \\ \n \t \r or \xNN)`, e)}
			}
			j += 2
		default:
			b.WriteByte(c)
			j++
		}
	}
	return token{}, 0, &Error{Pos: i, End: len(expr), Msg: `expected a closing " for this string`}
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
