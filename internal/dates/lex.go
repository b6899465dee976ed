package dates

import (
	"unicode"
	"unicode/utf8"
)

type tokenKind uint8

const (
	tNum   tokenKind = iota + 1 // a run of ASCII digits
	tWord                       // a run of letters (and marks)
	tPunct                      // one other character
)

// token is one lexeme of a folded date string.
type token struct {
	kind  tokenKind
	text  string // the digits, the word or the character
	num   int    // value of a tNum (texts are at most maxDigits long)
	space bool   // white space came before it
}

const (
	maxDigits = 9  // longer numbers are not part of any date form we read
	maxTokens = 48 // a date needs far fewer; bounds work on garbage
)

func (t token) is(p string) bool { return t.kind == tPunct && t.text == p }

// lex splits a folded string into tokens. It returns ok=false for input no
// date could contain: a number over maxDigits digits, too many tokens.
func lex(s string, buf []token) (toks []token, ok bool) {
	toks = buf[:0]
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ':
			space = true
			i++
			continue
		case c >= '0' && c <= '9':
			j := i
			n := 0
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				n = n*10 + int(s[j]-'0')
				j++
				if j-i > maxDigits {
					return nil, false
				}
			}
			toks = append(toks, token{kind: tNum, text: s[i:j], num: n, space: space})
			i = j
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsLetter(r) {
				j := i + size
				for j < len(s) {
					r, size := utf8.DecodeRuneInString(s[j:])
					if !unicode.IsLetter(r) && !unicode.IsMark(r) {
						break
					}
					j += size
				}
				toks = append(toks, token{kind: tWord, text: s[i:j], space: space})
				i = j
			} else {
				toks = append(toks, token{kind: tPunct, text: s[i : i+size], space: space})
				i += size
			}
		}
		space = false
		if len(toks) > maxTokens {
			return nil, false
		}
	}
	return toks, true
}
