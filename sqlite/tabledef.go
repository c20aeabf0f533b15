package sqlite

import "strings"

// tableDef is what a CREATE TABLE text says beyond the PRAGMAs.
type tableDef struct {
	// PKName is the primary key's constraint name, if the text names it.
	PKName string
	// Generated maps a column name (lower case) to its generation expression.
	Generated map[string]string
	// Checks in declaration order: column constraints and table constraints.
	Checks []checkDef
	// FKs in declaration order.
	FKs []fkDef
	// WithoutRowid and Strict are the table options.
	WithoutRowid, Strict bool
}

type checkDef struct{ Name, Expr string }

type fkDef struct {
	Name                          string
	Columns                       []string
	RefTable                      string
	RefColumns                    []string
	Deferrable, InitiallyDeferred bool
}

// parseCreateTable takes apart a CREATE TABLE text. For text it cannot read
// (CREATE TABLE … AS SELECT, virtual tables) it returns an empty definition.
func parseCreateTable(sql string) *tableDef {
	def := &tableDef{Generated: map[string]string{}}
	toks := tokenize(sql)
	open := bodyStart(toks)
	if open < 0 {
		return def
	}
	closing := matchParen(toks, open)
	if closing < 0 {
		return def
	}
	for _, part := range splitTop(toks[open+1 : closing]) {
		if len(part) == 0 {
			continue
		}
		if isTableConstraint(part[0]) {
			def.tableConstraint(sql, part)
		} else {
			def.column(sql, part)
		}
	}
	for _, t := range toks[closing+1:] {
		switch {
		case t.word("ROWID"):
			def.WithoutRowid = true
		case t.word("STRICT"):
			def.Strict = true
		}
	}
	return def
}

// bodyStart returns the index of the parenthesis opening the column list:
// CREATE [TEMP] TABLE [IF NOT EXISTS] [schema.]name (.
func bodyStart(toks []token) int {
	i := 0
	for i < len(toks) && !toks[i].word("TABLE") {
		i++
	}
	i++
	if i+2 < len(toks) && toks[i].word("IF") && toks[i+1].word("NOT") && toks[i+2].word("EXISTS") {
		i += 3
	}
	if i >= len(toks) || !(toks[i].isIdent() || toks[i].kind == tokString) {
		return -1
	}
	i++
	if i+1 < len(toks) && toks[i].text == "." {
		i += 2
	}
	if i < len(toks) && toks[i].kind == tokPunct && toks[i].text == "(" {
		return i
	}
	return -1
}

func isTableConstraint(t token) bool {
	for _, kw := range []string{"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"} {
		if t.word(kw) {
			return true
		}
	}
	return false
}

func (def *tableDef) tableConstraint(sql string, part []token) {
	i, name := 0, ""
	if part[0].word("CONSTRAINT") && len(part) > 1 {
		name, i = part[1].ident(), 2
	}
	if i >= len(part) {
		return
	}
	switch {
	case part[i].word("PRIMARY"):
		def.PKName = name
	case part[i].word("CHECK"):
		if body, end := parenBody(sql, part, i+1); end > 0 {
			def.Checks = append(def.Checks, checkDef{Name: name, Expr: body})
		}
	case part[i].word("FOREIGN"):
		if i+2 >= len(part) || !part[i+1].word("KEY") {
			return
		}
		cols, end := identList(part, i+2)
		if end < 0 || end+1 >= len(part) || !part[end+1].word("REFERENCES") {
			return
		}
		fk, _ := parseReferences(part, end+1)
		fk.Name, fk.Columns = name, cols
		def.FKs = append(def.FKs, fk)
	}
}

func (def *tableDef) column(sql string, part []token) {
	col := part[0].ident()
	pending := ""
	for j := 1; j < len(part); j++ {
		t := part[j]
		switch {
		case t.word("CONSTRAINT") && j+1 < len(part):
			pending = part[j+1].ident()
			j++
			continue
		case t.word("PRIMARY"):
			if pending != "" {
				def.PKName = pending
			}
		case t.word("CHECK"):
			if body, end := parenBody(sql, part, j+1); end > 0 {
				def.Checks = append(def.Checks, checkDef{Name: pending, Expr: body})
				j = end
			}
		case t.word("AS") && j+1 < len(part) && part[j+1].text == "(":
			if body, end := parenBody(sql, part, j+1); end > 0 {
				def.Generated[strings.ToLower(col)] = body
				j = end
			}
		case t.word("REFERENCES"):
			fk, end := parseReferences(part, j)
			fk.Name, fk.Columns = pending, []string{col}
			def.FKs = append(def.FKs, fk)
			j = end
		case t.word("COLLATE"):
			j++
		case t.kind == tokPunct && t.text == "(":
			if end := matchParen(part, j); end > 0 {
				j = end
			}
		default:
			continue
		}
		pending = ""
	}
}

// parseReferences reads "REFERENCES table [(cols)] [options]" starting at
// toks[i], returning the reference and the index of its last token. Only a
// DEFERRABLE key can be INITIALLY DEFERRED.
func parseReferences(toks []token, i int) (fkDef, int) {
	fk, end := parseReferenceClause(toks, i)
	fk.InitiallyDeferred = fk.InitiallyDeferred && fk.Deferrable
	return fk, end
}

func parseReferenceClause(toks []token, i int) (fkDef, int) {
	var fk fkDef
	k := i + 1
	if k >= len(toks) {
		return fk, len(toks) - 1
	}
	fk.RefTable = toks[k].ident()
	k++
	if k < len(toks) && toks[k].text == "(" {
		cols, end := identList(toks, k)
		if end < 0 {
			return fk, len(toks) - 1
		}
		fk.RefColumns = cols
		k = end + 1
	}
	for k < len(toks) {
		t := toks[k]
		switch {
		case t.word("ON") && k+2 < len(toks):
			k += 2
			if toks[k].word("SET") || toks[k].word("NO") {
				k++
			}
			k++
		case t.word("MATCH"):
			k += 2
		case t.word("NOT") && k+1 < len(toks) && toks[k+1].word("DEFERRABLE"):
			fk.Deferrable = false
			k += 2
		case t.word("DEFERRABLE"):
			fk.Deferrable = true
			k++
		case t.word("INITIALLY") && k+1 < len(toks):
			fk.InitiallyDeferred = toks[k+1].word("DEFERRED")
			k += 2
		default:
			return fk, k - 1
		}
	}
	return fk, len(toks) - 1
}
