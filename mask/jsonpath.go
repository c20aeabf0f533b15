package mask

import (
	"fmt"
	"strconv"
	"strings"
)

// A JSON path selects nodes of a document:
//
//	$                  the document
//	.name  ['name']    a member of an object
//	.*  [*]            every member of an object or element of an array
//	[3]                an element of an array (from 0)
//	..name  ..*        a member (any member) at any depth below
type jseg struct {
	kind  byte // 'c' child, 'w' wildcard, 'i' index
	name  string
	index int
	deep  bool // ..: at any depth
}

// PathSegment is one step of a parsed JSON path: Kind 'c' (the member
// Name), 'w' (every member or element) or 'i' (element Index); Deep means at
// any depth below.
type PathSegment struct {
	Kind  byte
	Name  string
	Index int
	Deep  bool
}

// ParseJSONPath parses a path as mask rules read them ($.a.b, $.items[*].email,
// $..email, $['odd name'], $.list[3]), so other packages (the leak scan)
// select exactly the members a rule masks.
func ParseJSONPath(path string) ([]PathSegment, error) {
	segs, err := parseJSONPath(path)
	if err != nil {
		return nil, err
	}
	out := make([]PathSegment, len(segs))
	for i, s := range segs {
		out[i] = PathSegment{Kind: s.kind, Name: s.name, Index: s.index, Deep: s.deep}
	}
	return out, nil
}

func parseJSONPath(path string) ([]jseg, error) {
	bad := func(i int, format string, args ...any) error {
		return fmt.Errorf("path %q, character %d: %s (paths look like $.a.b, $.items[*].email, $..email)",
			path, i+1, fmt.Sprintf(format, args...))
	}
	if !strings.HasPrefix(path, "$") {
		return nil, bad(0, "a path starts with $")
	}
	var segs []jseg
	i := 1
	for i < len(path) {
		var s jseg
		switch path[i] {
		case '.':
			i++
			if i < len(path) && path[i] == '.' {
				s.deep = true
				i++
			}
			if i < len(path) && path[i] == '*' {
				s.kind = 'w'
				i++
				break
			}
			j := i
			for j < len(path) && path[j] != '.' && path[j] != '[' {
				j++
			}
			if j == i {
				return nil, bad(i, "expected a member name after .")
			}
			s.kind, s.name = 'c', path[i:j]
			i = j
		case '[':
			j := strings.IndexByte(path[i:], ']')
			if j < 0 {
				return nil, bad(i, "[ is never closed")
			}
			inner := strings.TrimSpace(path[i+1 : i+j])
			switch {
			case inner == "*":
				s.kind = 'w'
			case len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0]:
				s.kind, s.name = 'c', inner[1:len(inner)-1]
			default:
				n, err := strconv.Atoi(inner)
				if err != nil || n < 0 {
					return nil, bad(i, "expected *, an index (0, 1, ...) or a 'quoted name' inside [ ], got %q", inner)
				}
				s.kind, s.index = 'i', n
			}
			i += j + 1
		default:
			return nil, bad(i, "expected . or [, got %q", path[i])
		}
		segs = append(segs, s)
	}
	if len(segs) == 0 {
		return nil, bad(0, "the path selects the whole document; name a member, e.g. $.email")
	}
	return segs, nil
}

// matchPath calls f for every node of n that segs select.
func matchPath(n *jnode, segs []jseg, f func(*jnode)) {
	if len(segs) == 0 {
		f(n)
		return
	}
	s, rest := segs[0], segs[1:]
	switch s.kind {
	case 'c':
		if n.kind == 'o' {
			for i, k := range n.keys {
				if k == s.name {
					matchPath(n.vals[i], rest, f)
				}
			}
		}
	case 'w':
		if n.kind == 'o' || n.kind == 'a' {
			for _, c := range n.vals {
				matchPath(c, rest, f)
			}
		}
	case 'i':
		if n.kind == 'a' && s.index < len(n.vals) {
			matchPath(n.vals[s.index], rest, f)
		}
	}
	if s.deep && (n.kind == 'o' || n.kind == 'a') {
		for _, c := range n.vals {
			matchPath(c, segs, f)
		}
	}
}
